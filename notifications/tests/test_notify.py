import datetime

import pytest
from django.db import transaction

from notifications.models import Delivery, Notification
from notifications.services import EventTemplateMissing, notify
from tests.factories import UserFactory

ASSIGNED = {"task_title": "受理审查", "case_title": "异议申请 YY-2026-001", "due_date": datetime.date(2026, 4, 1), "department": "法规科"}


class Boom(Exception):
    pass


def test_title_and_body_are_rendered_in_chinese_from_the_event_template(handler):
    with transaction.atomic():
        [notification] = notify(recipients=[handler], event="task_assigned", context=ASSIGNED, link="/cases/1/")

    assert notification.title == "新待办：受理审查"
    assert notification.body == "法规科的待办队列中有一项新任务“受理审查”，案件：异议申请 YY-2026-001。\n请在2026年4月1日前办理。"
    assert notification.link == "/cases/1/"
    assert notification.event == "task_assigned"


def test_plain_text_is_not_html_escaped(handler):
    with transaction.atomic():
        [notification] = notify(
            recipients=[handler], event="case_status_changed",
            context={"case_title": "A&B \"物流\" 公司", "status_label": "不予受理", "reason": "材料不全 <补正后再申请>"},
        )
    assert notification.title == "您的申请“A&B \"物流\" 公司”状态更新：不予受理"
    assert "理由：材料不全 <补正后再申请>" in notification.body


def test_generic_events_all_have_templates(handler, case):
    context = {**ASSIGNED, "status_label": "已受理", "reason": ""}
    with transaction.atomic():
        for event in ("task_assigned", "task_reminder", "task_escalated", "case_status_changed"):
            [notification] = notify(recipients=[handler], event=event, context=context, target=case)
            assert notification.title and notification.body
    titles = list(Notification.objects.order_by("id").values_list("title", flat=True))
    assert titles == ["新待办：受理审查", "待办即将到期：受理审查", "逾期督办：受理审查", "您的申请“异议申请 YY-2026-001”状态更新：已受理"]


def test_an_event_without_a_template_is_a_clear_error(handler):
    with pytest.raises(EventTemplateMissing, match=r"notifications/events/no_such_event\.txt"):
        with transaction.atomic():
            notify(recipients=[handler], event="no_such_event", context={})
    with pytest.raises(EventTemplateMissing):
        notify(recipients=[], event="no_such_event", context={})
    assert not Notification.objects.exists()


def test_rows_are_written_in_the_callers_transaction_and_delivered_after_commit(
    handler, case, celery_eager, mailoutbox, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notifications = notify(
                recipients=[handler, handler], event="case_status_changed",
                context={"case_title": "信用修复申请", "status_label": "已受理", "reason": ""},
                link="/repair/7/", target=case, data={"case_status": "accepted", "status_label": "已受理"},
            )
            # Written now, inside the step; nothing has left the database yet.
            assert Notification.objects.filter(recipient=handler).count() == 1
            assert set(Delivery.objects.values_list("channel", "status")) == {
                ("inapp", "pending"), ("email", "pending"), ("sms", "pending"),
            }
            assert mailoutbox == [] and sms_outbox == []

    assert len(notifications) == 1 and len(callbacks) == 1
    notification = notifications[0]
    assert notification.target == case
    assert notification.data == {"case_status": "accepted", "status_label": "已受理"}
    assert set(Delivery.objects.values_list("channel", "status")) == {("inapp", "sent"), ("email", "sent"), ("sms", "sent")}
    [email] = mailoutbox
    assert email.to == ["handler@example.com"]
    assert email.subject == "您的申请“信用修复申请”状态更新：已受理"
    assert "张承办，您好" in email.body and "http://127.0.0.1:8000/repair/7/" in email.body
    assert sms_outbox == [{"phone": "13812345678", "text": "您的申请“信用修复申请”状态更新：已受理。您的申请“信用修复申请”当前状态：已受理。 请登录信用交通工作流服务查看详情。"}]


def test_a_step_that_rolls_back_tells_nobody(handler, celery_eager, mailoutbox, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom):
            with transaction.atomic():
                notify(recipients=[handler], event="task_assigned", context=ASSIGNED)
                raise Boom

    assert callbacks == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    assert mailoutbox == [] and sms_outbox == []


def test_email_and_sms_are_skipped_for_users_without_address_or_phone(
    db, celery_eager, mailoutbox, sms_outbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify(recipients=[user], event="task_assigned", context=ASSIGNED)

    assert dict(Delivery.objects.values_list("channel", "status")) == {"inapp": "sent", "email": "skipped", "sms": "skipped"}
    assert mailoutbox == [] and sms_outbox == []


def test_only_the_requested_channels_are_used(handler, celery_eager, mailoutbox, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify(recipients=[handler], event="task_assigned", context=ASSIGNED, channels=("inapp",))

    assert list(Delivery.objects.values_list("channel", "status")) == [("inapp", "sent")]
    assert mailoutbox == [] and sms_outbox == []
    with pytest.raises(ValueError, match="fax"):
        notify(recipients=[handler], event="task_assigned", context=ASSIGNED, channels=("fax",))
