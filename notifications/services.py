"""Writes: telling people things, delivering what was told, marking it read.

A process calls :func:`notify` from inside its own step. The notification and
its delivery rows are written in the step's transaction and delivered only
after it commits, so a step that rolls back tells nobody anything.
"""

import datetime
import logging
import re
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.text import Truncator

from .models import Delivery, Notification
from .selectors import notification_payload, notifications_unread_count, user_group
from .sms import get_sms_backend

logger = logging.getLogger("notifications")

CHANNELS = tuple(Delivery.Channel.values)
EVENT_RE = re.compile(r"^[a-z0-9_]+$")
EVENT_TEMPLATE = "notifications/events/{event}.txt"
# One SMS segment holds 70 Chinese characters; longer texts are split and billed per segment.
SMS_MAX_CHARS = 70


class EventTemplateMissing(LookupError):
    """``notify()`` was given an event that has no text template."""


class DeliveryIncomplete(Exception):
    """Some channels of a notification could not be delivered yet; the task retries them."""


class DeliverySkipped(Exception):
    """The recipient cannot be reached on this channel (no email address, no phone number)."""


# --- telling people -----------------------------------------------------------


def event_render(*, event: str, context: dict) -> tuple[str, str]:
    """Render ``notifications/events/<event>.txt``: the first line is the title, the rest the body."""
    if not EVENT_RE.match(event or ""):
        raise ValueError(f"Notification event names are lower-case slugs (a-z, 0-9, _): {event!r}")
    name = EVENT_TEMPLATE.format(event=event)
    try:
        template = get_template(name)
    except TemplateDoesNotExist as exc:
        raise EventTemplateMissing(
            f"No text for notification event {event!r}: create the template {name} "
            "(first line the title, the rest the body) in the app that sends it."
        ) from exc
    # Plain text: render without HTML autoescaping so "&" and quotes in a case title stay as typed.
    text = template.template.render(Context(context, autoescape=False))
    lines = text.strip().splitlines()
    if not lines or not lines[0].strip():
        raise ValueError(f"The template {name} rendered an empty title.")
    title = lines[0].strip()
    body = "\n".join(line.rstrip() for line in lines[1:]).strip()
    return Truncator(title).chars(Notification._meta.get_field("title").max_length, truncate="…"), body


def _as_users(recipients) -> list:
    User = get_user_model()
    if isinstance(recipients, User):
        recipients = [recipients]
    unique = {}
    for user in recipients or ():
        if user is not None:
            unique.setdefault(user.pk, user)
    return list(unique.values())


def _initial_status(user, channel: str) -> str:
    if channel == Delivery.Channel.EMAIL and not user.email:
        return Delivery.Status.SKIPPED
    if channel == Delivery.Channel.SMS and not user.phone:
        return Delivery.Status.SKIPPED
    return Delivery.Status.PENDING


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    event: str,
    context: dict,
    link: str = "",
    target=None,
    data: dict | None = None,
    channels: Iterable[str] = CHANNELS,
) -> list[Notification]:
    """Tell ``recipients`` about ``event``, rendered from ``notifications/events/<event>.txt``.

    Call it inside the step's transaction: rows are written now, delivery is
    queued on commit (nothing is sent if the step rolls back). The template is
    rendered per recipient with ``context`` plus ``recipient``. ``target`` is the
    object the notification is about (usually the case); ``data`` is a small JSON
    dict handed to the browser, e.g. ``{"case_status": "accepted", "status_label": "已受理"}``.
    """
    channels = tuple(dict.fromkeys(channels))
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"Unknown notification channels {sorted(unknown)}; use {list(CHANNELS)}.")
    users = _as_users(recipients)
    if not users:
        # Render anyway so a missing template is found in the first test, not with the first recipient.
        event_render(event=event, context=dict(context))
        return []

    content_type, object_id = None, ""
    if target is not None:
        if target.pk is None:
            raise ValueError("notify(target=...) must be a saved object.")
        content_type = ContentType.objects.get_for_model(target)
        object_id = str(target.pk)

    now = timezone.now()
    notifications = []
    for user in users:
        title, body = event_render(event=event, context={**context, "recipient": user})
        notifications.append(
            Notification(
                recipient=user, event=event, title=title, body=body, link=link or "",
                content_type=content_type, object_id=object_id, data=dict(data or {}), created_at=now,
            )
        )
    Notification.objects.bulk_create(notifications)
    deliveries = Delivery.objects.bulk_create(
        Delivery(notification=notification, channel=channel, status=_initial_status(notification.recipient, channel))
        for notification in notifications
        for channel in channels
    )

    from .tasks import deliver_notification

    for notification_id in dict.fromkeys(d.notification_id for d in deliveries if d.status == Delivery.Status.PENDING):
        # robust: if the broker is down at commit, the step has still happened; the sweep delivers later.
        transaction.on_commit(lambda pk=notification_id: deliver_notification.delay(pk), robust=True)
    return notifications


# --- delivering -----------------------------------------------------------------


def _absolute(link: str) -> str:
    if not link or "://" in link:
        return link
    return settings.SITE_URL.rstrip("/") + "/" + link.lstrip("/")


def _send_inapp(notification: Notification) -> None:
    payload = notification_payload(notification=notification)
    async_to_sync(get_channel_layer().group_send)(user_group(notification.recipient_id), {"type": "notify", **payload})


def _send_email(notification: Notification) -> None:
    email = notification.recipient.email
    if not email:
        raise DeliverySkipped("no email address")
    message = get_template("notifications/email.txt").template.render(
        Context({"notification": notification, "url": _absolute(notification.link)}, autoescape=False)
    )
    send_mail(subject=notification.title, message=message, from_email=None, recipient_list=[email])


def sms_text(notification: Notification) -> str:
    text = notification.title
    if notification.body:
        if text[-1] not in "。！？!?.":
            text += "。"
        text += " ".join(notification.body.split())
    return Truncator(text).chars(SMS_MAX_CHARS, truncate="…")


def _send_sms(notification: Notification) -> None:
    phone = notification.recipient.phone
    if not phone:
        raise DeliverySkipped("no phone number")
    get_sms_backend().send(phone=phone, text=sms_text(notification))


SENDERS = {
    Delivery.Channel.INAPP: _send_inapp,
    Delivery.Channel.EMAIL: _send_email,
    Delivery.Channel.SMS: _send_sms,
}


def _delivery_attempt(*, delivery_id: int, notification: Notification, final_attempt: bool) -> bool:
    """Send one channel unless it is already sent. True when nothing is left to do for it."""
    with transaction.atomic():
        # The row lock is held while sending: a second worker running the same
        # notification (acks_late redelivery, the sweep) skips the row instead
        # of sending it twice, and finds it sent once the lock is released.
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return True
        delivery.attempts += 1
        try:
            with transaction.atomic():
                SENDERS[delivery.channel](notification)
        except DeliverySkipped as exc:
            delivery.status = Delivery.Status.SKIPPED
            delivery.last_error = str(exc)
        except Exception as exc:
            logger.warning(
                "Delivery %s (%s) of notification %s failed: %s",
                delivery.pk, delivery.channel, notification.pk, exc, exc_info=True,
            )
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if final_attempt:
                delivery.status = Delivery.Status.FAILED
            delivery.save(update_fields=["attempts", "status", "last_error", "updated_at"])
            return False
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
        delivery.save(update_fields=["attempts", "status", "last_error", "sent_at", "updated_at"])
        return True


def notification_deliver(*, notification_id: int, final_attempt: bool = False) -> dict[str, str]:
    """Attempt every pending channel of a notification, each on its own; safe to repeat.

    Returns ``{channel: status}`` for the channels attempted. Raises
    :class:`DeliveryIncomplete` when a channel failed and may be retried; on the
    ``final_attempt`` the failed channels are marked failed instead.
    """
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None:
        return {}
    pending = list(
        notification.deliveries.filter(status=Delivery.Status.PENDING).values_list("pk", "channel")
    )
    results, failed = {}, []
    for delivery_id, channel in pending:
        done = _delivery_attempt(delivery_id=delivery_id, notification=notification, final_attempt=final_attempt)
        if not done:
            failed.append(channel)
    if pending:
        results = dict(Delivery.objects.filter(pk__in=[pk for pk, _ in pending]).values_list("channel", "status"))
    if failed and not final_attempt:
        raise DeliveryIncomplete(f"notification {notification_id}: {', '.join(failed)} not delivered yet")
    return results


def deliveries_requeue_stale(*, older_than_minutes: int, expire_after_hours: int, limit: int = 500) -> list[int]:
    """Pending deliveries nobody attempted for a while (broker or worker lost): give up on the
    expired ones and return the ids of notifications to deliver again."""
    now = timezone.now()
    stale = Delivery.objects.filter(
        status=Delivery.Status.PENDING, updated_at__lt=now - datetime.timedelta(minutes=older_than_minutes)
    )
    # A reminder that arrives days late misleads more than it helps; the inbox still has it.
    stale.filter(created_at__lt=now - datetime.timedelta(hours=expire_after_hours)).update(
        status=Delivery.Status.FAILED, last_error="超过有效期未能发送", updated_at=now
    )
    notification_ids = list(
        stale.order_by("notification_id").values_list("notification_id", flat=True).distinct()[:limit]
    )
    # Touch them so the next sweep does not queue them again while these tasks wait in the queue.
    stale.filter(notification_id__in=notification_ids).update(updated_at=now)
    return notification_ids


def delivery_retry(*, delivery: Delivery) -> None:
    """Send a failed or skipped delivery again (an administrator's action)."""
    Delivery.objects.filter(pk=delivery.pk).exclude(status=Delivery.Status.SENT).update(
        status=Delivery.Status.PENDING, updated_at=timezone.now()
    )
    from .tasks import deliver_notification

    transaction.on_commit(lambda: deliver_notification.delay(delivery.notification_id), robust=True)


# --- reading ----------------------------------------------------------------------


def _push_unread(user_id: int) -> None:
    """Tell the user's other open pages the new unread count (best effort, after commit)."""

    def push():
        unread = notifications_unread_count(user=user_id)
        async_to_sync(get_channel_layer().group_send)(user_group(user_id), {"type": "unread", "unread": unread})

    transaction.on_commit(push, robust=True)


@transaction.atomic
def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionDenied("This notification belongs to someone else.")
    if notification.read_at is None:
        now = timezone.now()
        updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
        if updated:
            _push_unread(user.pk)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    updated = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if updated:
        _push_unread(user.pk)
    return updated
