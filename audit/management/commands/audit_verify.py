import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain; name the first broken entry and report entries left "
        "unsealed longer than the grace period (exit code 1 for either)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace", type=int, default=settings.AUDIT_SEAL_GRACE_SECONDS,
            help="Seconds an entry may stay unsealed before it is a problem (default AUDIT_SEAL_GRACE_SECONDS).",
        )

    def handle(self, *args, grace, **options):
        result = audit_verify(pending_grace=datetime.timedelta(seconds=grace))
        problems = []
        if result.broken is not None:
            problems.append(
                f"BROKEN at entry #{result.broken.seq} (id {result.broken.pk}): {result.problem}; {result.count} entries before it are intact"
            )
        if result.stale_pending:
            oldest = result.oldest_pending
            problems.append(
                f"UNSEALED {result.stale_pending} entries older than {grace} s, the oldest id {oldest.pk} "
                f"({oldest.action} {oldest.object_type}:{oldest.object_id} at {oldest.at:%Y-%m-%d %H:%M:%S%z}); run audit_seal"
            )
        if problems:
            raise CommandError("; ".join(problems))
        waiting = f", {result.pending} awaiting sealing" if result.pending else ""
        self.stdout.write(f"OK {result.count} entries{waiting}")
