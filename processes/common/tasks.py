"""Celery entry points shared by every process."""

from celery import shared_task
from celery.schedules import crontab

from .deadlines import deadlines_sweep


@shared_task(name="processes.common.sweep_deadlines", acks_late=True, soft_time_limit=240, time_limit=300)
def sweep_deadlines():
    """Send due-date reminders and escalations (each once, so a repeated run is harmless)."""
    return deadlines_sweep()


beat_schedule = {
    "sweep-task-deadlines": {"task": "processes.common.sweep_deadlines", "schedule": crontab(minute="*/15")},
}
