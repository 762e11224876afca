"""Celery entry points of the list process."""

from celery import shared_task
from celery.schedules import crontab

from . import services


@shared_task(name="listing.close_objection_windows", acks_late=True, soft_time_limit=240, time_limit=300)
def close_objection_windows():
    """Send the designations whose objection window has passed to the leader (or on to wait for an objection)."""
    return services.listings_close_windows()


@shared_task(name="listing.start_expiry_removals", acks_late=True, soft_time_limit=240, time_limit=300)
def start_expiry_removals():
    """Start the removal of every entry whose listing period has ended (each once)."""
    return services.removals_start_expired()


beat_schedule = {
    "listing-close-objection-windows": {"task": "listing.close_objection_windows", "schedule": crontab(minute=10, hour="*")},
    "listing-start-expiry-removals": {"task": "listing.start_expiry_removals", "schedule": crontab(minute=20, hour="0,12")},
}
