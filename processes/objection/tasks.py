"""Celery entry points of the objection process."""

from celery import shared_task
from celery.schedules import crontab

from . import services


@shared_task(name="objection.close_overdue_supplements", acks_late=True, soft_time_limit=240, time_limit=300)
def close_overdue_supplements():
    """Close as withdrawn the objections whose supplement due date has passed."""
    return services.objections_close_overdue_supplements()


beat_schedule = {
    "objection-close-overdue-supplements": {"task": "objection.close_overdue_supplements", "schedule": crontab(minute=5, hour="*")},
}
