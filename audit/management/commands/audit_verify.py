from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; name the first broken entry (exit code 1)."

    def handle(self, *args, **options):
        count, broken, problem = audit_verify()
        if broken is not None:
            raise CommandError(f"BROKEN at entry #{broken.seq} (id {broken.pk}): {problem}; {count} entries before it are intact")
        self.stdout.write(f"OK {count} entries")
