"""Reads: inbox contents, the unread count and the payload pushed to a browser."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification


def user_group(user_id: int) -> str:
    """The channel-layer group every open page of one user listens on."""
    return f"user.{user_id}"


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notifications_unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_payload(*, notification: Notification, unread: int | None = None) -> dict:
    """What a browser receives for one notification (and what ``credit:notification`` carries)."""
    target = None
    if notification.content_type_id is not None:
        target = {"type": notification.target_label, "id": notification.object_id}
    if unread is None:
        unread = notifications_unread_count(user=notification.recipient_id)
    return {
        "id": notification.pk,
        "event": notification.event,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "created_at": timezone.localtime(notification.created_at).isoformat(),
        "read": notification.read_at is not None,
        "unread": unread,
        "data": notification.data,
        "target": target,
    }
