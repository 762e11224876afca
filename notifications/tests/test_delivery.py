import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications import tasks
from notifications.models import Delivery, Notification
from notifications.services import SMS_MAX_CHARS, DeliveryIncomplete, notification_deliver, notify, sms_text

CONTEXT = {"task_title": "核查记录", "case_title": "异议申请 YY-2026-002", "due_date": datetime.date(2026, 4, 1)}


def _notify(user, **kwargs) -> Notification:
    # Not executing the on-commit callbacks: each test drives delivery itself.
    with transaction.atomic():
        [notification] = notify(recipients=[user], event="task_reminder", context=CONTEXT, link="/cases/2/", **kwargs)
    return notification


def _statuses(notification) -> dict:
    return dict(notification.deliveries.values_list("channel", "status"))


def test_delivering_again_after_success_sends_nothing_twice(handler, mailoutbox, sms_outbox):
    notification = _notify(handler)

    tasks.deliver_notification(notification.pk)
    tasks.deliver_notification(notification.pk)  # a redelivered message, or the sweep, after a crash

    assert _statuses(notification) == {"inapp": "sent", "email": "sent", "sms": "sent"}
    assert len(mailoutbox) == 1 and len(sms_outbox) == 1
    assert set(notification.deliveries.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_a_delivery_another_worker_is_sending_is_not_sent_again(handler, mailoutbox, sms_outbox):
    notification = _notify(handler)
    locked, release = threading.Event(), threading.Event()

    def other_worker():  # holds the SMS row as a worker in the middle of sending it would
        try:
            with transaction.atomic():
                Delivery.objects.select_for_update().get(notification=notification, channel="sms")
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert locked.wait(10)
        notification_deliver(notification_id=notification.pk)
    finally:
        release.set()
        worker.join()

    assert sms_outbox == []
    assert _statuses(notification) == {"inapp": "sent", "email": "sent", "sms": "pending"}
    assert len(mailoutbox) == 1


def test_a_failing_channel_is_retried_on_its_own(handler, settings, mailoutbox, sms_outbox):
    notification = _notify(handler)
    settings.SMS_BACKEND = "notifications.tests.failing_sms.GatewayDown"

    with pytest.raises(DeliveryIncomplete):
        notification_deliver(notification_id=notification.pk)

    assert _statuses(notification) == {"inapp": "sent", "email": "sent", "sms": "pending"}
    sms = notification.deliveries.get(channel="sms")
    assert sms.attempts == 1 and "SMS gateway unreachable" in sms.last_error

    settings.SMS_BACKEND = "notifications.sms.LocmemSMSBackend"
    notification_deliver(notification_id=notification.pk)

    assert _statuses(notification) == {"inapp": "sent", "email": "sent", "sms": "sent"}
    assert len(mailoutbox) == 1 and len(sms_outbox) == 1
    assert notification.deliveries.get(channel="sms").attempts == 2


def test_a_channel_still_failing_after_all_retries_is_marked_failed(handler, settings, celery_eager, mailoutbox):
    notification = _notify(handler)
    settings.SMS_BACKEND = "notifications.tests.failing_sms.GatewayDown"

    # Eager and not propagating: the back-off retries run at once, one after another.
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    tasks.deliver_notification.apply(args=[notification.pk])

    sms = notification.deliveries.get(channel="sms")
    assert sms.status == Delivery.Status.FAILED
    assert sms.attempts == tasks.MAX_RETRIES + 1
    assert len(mailoutbox) == 1


def test_the_task_is_configured_to_survive_lost_workers_and_hung_gateways():
    task = tasks.deliver_notification
    assert task.acks_late is True
    assert task.max_retries == tasks.MAX_RETRIES == 8
    assert task.retry_backoff and task.retry_backoff_max
    assert task.soft_time_limit < task.time_limit


def test_the_sms_text_is_title_and_body_shortened_to_one_message(handler):
    with transaction.atomic():
        [notification] = notify(
            recipients=[handler], event="case_status_changed",
            context={"case_title": "信用修复申请", "status_label": "不予修复", "reason": "处罚决定书载明的罚款尚未缴纳。" * 5},
        )
    text = sms_text(notification)
    assert text.startswith("您的申请“信用修复申请”状态更新：不予修复。您的申请")
    assert len(text) == SMS_MAX_CHARS and text.endswith("…")
    assert "\n" not in text


def test_the_sweep_requeues_deliveries_stuck_in_pending(handler, settings, celery_eager, mailoutbox, sms_outbox):
    settings.NOTIFICATIONS_REQUEUE_AFTER_MINUTES = 15
    settings.NOTIFICATIONS_DELIVERY_EXPIRE_HOURS = 24
    stuck = _notify(handler)  # its task was lost with the broker
    fresh = _notify(handler)  # its task may still be in the queue
    expired = _notify(handler)
    now = timezone.now()
    Delivery.objects.filter(notification=stuck).update(updated_at=now - datetime.timedelta(minutes=30))
    Delivery.objects.filter(notification=expired).update(
        created_at=now - datetime.timedelta(hours=30), updated_at=now - datetime.timedelta(hours=30)
    )

    assert tasks.deliver_pending_notifications() == 1

    assert _statuses(stuck) == {"inapp": "sent", "email": "sent", "sms": "sent"}
    assert _statuses(fresh) == {"inapp": "pending", "email": "pending", "sms": "pending"}
    assert _statuses(expired) == {"inapp": "failed", "email": "failed", "sms": "failed"}
    assert len(mailoutbox) == 1 and len(sms_outbox) == 1
    # Nothing left that is both pending and stale: the next sweep queues nothing.
    assert tasks.deliver_pending_notifications() == 0


def test_the_sweep_is_offered_for_the_beat_schedule():
    [entry] = tasks.beat_schedule.values()
    assert entry["task"] == tasks.deliver_pending_notifications.name == "notifications.tasks.deliver_pending_notifications"
