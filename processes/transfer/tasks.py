"""Celery entry points of the transfer integration: delivering platform pushes."""

from celery import current_app, shared_task
from django.utils import timezone

from credit.models import PlatformSync

from . import delivery


@shared_task(name="transfer.platform_sync_deliver", acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def platform_sync_deliver(sync_id: int):
    """One attempt at one push; a retry is scheduled for its next_attempt_at (the sweep is the safety net)."""
    sync = delivery.platform_sync_deliver(sync_id=sync_id)
    # Eager mode (no broker) ignores countdowns and would retry at once: leave retries to the sweep there.
    if sync is not None and sync.status == PlatformSync.Status.RETRYING and not current_app.conf.task_always_eager:
        delivery.dispatch(sync.pk, countdown=max((sync.next_attempt_at - timezone.now()).total_seconds(), 0))
    return sync.status if sync is not None else None


@shared_task(name="transfer.sweep_platform_syncs", acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=60)
def sweep_platform_syncs():
    """Hand every due push to a worker: retries that are due, and rows whose dispatch after commit was lost."""
    due = delivery.platform_syncs_due()
    for sync_id in due:
        delivery.dispatch(sync_id)
    return len(due)


beat_schedule = {
    "transfer-sweep-platform-syncs": {"task": "transfer.sweep_platform_syncs", "schedule": 60.0},
}
