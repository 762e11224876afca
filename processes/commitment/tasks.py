"""Celery entry points of the commitment process."""

from celery import shared_task
from celery.schedules import crontab

from . import services


@shared_task(name="commitment.sweep_supplements", acks_late=True, soft_time_limit=240, time_limit=300)
def sweep_supplements():
    """Remind subjects of missing materials due tomorrow; send overdue ones to verification (each once)."""
    return services.commitments_sweep_supplements()


beat_schedule = {
    "commitment-sweep-supplements": {"task": "commitment.sweep_supplements", "schedule": crontab(minute=10, hour="*")},
}
