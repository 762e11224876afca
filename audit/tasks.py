"""Celery entry points of the audit trail: the sweep that seals entries left unsealed."""

from celery import shared_task
from django.conf import settings

from .services import audit_seal_pending

# Merged into settings.CELERY_BEAT_SCHEDULE: entries whose after-commit sealing did not run
# (a crash or a lost connection between commit and sealing) are chained within a minute.
beat_schedule = {
    "audit-seal-pending": {
        "task": "audit.seal_pending",
        "schedule": float(settings.AUDIT_SEAL_SWEEP_SECONDS),
        "options": {"expires": max(settings.AUDIT_SEAL_SWEEP_SECONDS - 5, 5)},
    },
}


# Safe to run twice or side by side: sealers take turns under the advisory lock and an entry is sealed once.
@shared_task(name="audit.seal_pending", acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=180)
def seal_pending() -> int:
    return audit_seal_pending()
