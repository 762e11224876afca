"""Send the due platform pushes now, in this process: what the Celery sweep does every minute.

For an installation without a Celery worker (the embedded default) or to watch a
delivery: ``manage.py platform_syncs_send --loop 2`` keeps sweeping every 2 seconds.
"""

import time

from django.core.management.base import BaseCommand

from credit.models import PlatformSync
from processes.transfer.delivery import platform_syncs_sweep, platform_syncs_waiting


class Command(BaseCommand):
    help = "Send every due platform push (PlatformSync) now; --loop N repeats every N seconds until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="sweep again every LOOP seconds (0: once)")
        parser.add_argument("--until-idle", action="store_true", help="with --loop: stop once no push with a configured address is pending or retrying")

    def handle(self, *args, loop, until_idle, **options):
        while True:
            counts = platform_syncs_sweep()
            if counts:
                self.stdout.write("; ".join(f"{PlatformSync.Status(status).label} {count}" for status, count in sorted(counts.items())))
            if not loop:
                return
            if until_idle and not platform_syncs_waiting().exists():
                return
            time.sleep(loop)
