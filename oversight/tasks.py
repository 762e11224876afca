"""Celery entry points of oversight: keeping the monthly figures of the register current."""

from celery import shared_task
from celery.schedules import crontab
from django.utils import timezone

from .services import recent_months, record_stats_refresh


@shared_task(name="oversight.refresh_recent_stats", acks_late=True, soft_time_limit=240, time_limit=300)
def refresh_recent_stats():
    """Recompute the last three months' figures (publications of recent decisions are still coming in)."""
    return record_stats_refresh(months=recent_months(timezone.localdate()))


@shared_task(name="oversight.refresh_all_stats", acks_late=True, soft_time_limit=1500, time_limit=1800)
def refresh_all_stats():
    """Recompute every month's figures (late corrections to old records), once a night."""
    return record_stats_refresh()


beat_schedule = {
    "oversight-refresh-recent-stats": {"task": "oversight.refresh_recent_stats", "schedule": crontab(minute=7)},
    "oversight-refresh-all-stats": {"task": "oversight.refresh_all_stats", "schedule": crontab(hour=2, minute=30)},
}
