"""Celery entry points for delivery. Each calls one service; the work is in ``services``."""

from celery import shared_task
from django.conf import settings

from . import services

MAX_RETRIES = 8

# Merged into settings.CELERY_BEAT_SCHEDULE: re-queue deliveries lost with a broker or worker.
beat_schedule = {
    "notifications-deliver-pending": {
        "task": "notifications.tasks.deliver_pending_notifications",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
}


@shared_task(
    bind=True,
    ignore_result=True,
    # Safe to run twice: a channel already sent is not sent again (services._delivery_attempt).
    acks_late=True,
    autoretry_for=(services.DeliveryIncomplete,),
    max_retries=MAX_RETRIES,
    # 15 s, 30 s, 1 min … capped at 10 min: about 40 minutes in all before a channel is given up.
    retry_backoff=15,
    retry_backoff_max=600,
    retry_jitter=True,
    # Email and SMS gateways can hang; a stuck send must not hold a worker.
    soft_time_limit=60,
    time_limit=90,
)
def deliver_notification(self, notification_id: int) -> dict:
    final = self.request.retries >= MAX_RETRIES
    return services.notification_deliver(notification_id=notification_id, final_attempt=final)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=180)
def deliver_pending_notifications() -> int:
    """Periodic sweep: queue again the notifications with deliveries still pending after a while."""
    notification_ids = services.deliveries_requeue_stale(
        older_than_minutes=getattr(settings, "NOTIFICATIONS_REQUEUE_AFTER_MINUTES", 15),
        expire_after_hours=getattr(settings, "NOTIFICATIONS_DELIVERY_EXPIRE_HOURS", 24),
    )
    for notification_id in notification_ids:
        deliver_notification.delay(notification_id)
    return len(notification_ids)
