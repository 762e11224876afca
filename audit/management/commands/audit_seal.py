from django.core.management.base import BaseCommand

from audit.services import audit_seal_pending


class Command(BaseCommand):
    help = "Seal into the hash chain every committed audit entry still unsealed (what the periodic sweep does)."

    def handle(self, *args, **options):
        self.stdout.write(f"Sealed {audit_seal_pending()} entries")
