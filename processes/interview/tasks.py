"""Celery entry points of the interview process."""

from celery import shared_task
from celery.schedules import crontab

from . import services


@shared_task(name="interview.sweep", acks_late=True, soft_time_limit=240, time_limit=300)
def sweep_interviews():
    """Start the follow-ups whose rectification date has come; record as no-shows the interviews whose day passed unconfirmed."""
    return services.interviews_sweep()


beat_schedule = {
    "interview-sweep": {"task": "interview.sweep", "schedule": crontab(minute=20, hour="*")},
}
