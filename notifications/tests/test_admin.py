from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from notifications.models import Delivery
from notifications.services import notify


def test_the_administrator_can_inspect_notifications_and_resend_a_failed_delivery(
    client, handler, plain_static_storage, celery_eager, sms_outbox, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        [notification] = notify(
            recipients=[handler], event="task_assigned",
            context={"task_title": "受理审查", "case_title": "异议申请", "due_date": ""},
        )
    sms = notification.deliveries.get(channel="sms")
    Delivery.objects.filter(pk=sms.pk).update(status=Delivery.Status.FAILED, attempts=9, last_error="gateway down")
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pass-12345")
    client.force_login(admin)

    for url in (
        reverse("admin:notifications_notification_changelist"),
        reverse("admin:notifications_notification_change", args=[notification.pk]),
        reverse("admin:notifications_delivery_changelist"),
        reverse("admin:notifications_delivery_change", args=[sms.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:notifications_delivery_changelist"),
            {"action": "retry", "_selected_action": [sms.pk]},
        )

    assert response.status_code == 302
    sms.refresh_from_db()
    assert sms.status == Delivery.Status.SENT
    assert len(sms_outbox) == 1
