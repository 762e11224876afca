"""The result of a transferred case fed back to the national site: recorded with the decision, delivered at least once.

The national site's receiver is a real HTTP server on 127.0.0.1 that checks
signatures and answers as scripted (503s, a 400, then 200).
"""

import base64
import datetime
import hashlib
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from credit.models import PlatformSync
from documents.models import Document
from processes.common.models import CaseEvent
from processes.objection import services as objection_services
from processes.objection.flows import ObjectionFlow
from processes.objection.models import Objection
from processes.objection.tests.support import accept as accept_objection
from processes.objection.tests.support import act, approve, propose
from processes.repair.flows import RepairFlow
from processes.repair.models import RepairApplication
from processes.repair.services import repair_approve
from processes.transfer import delivery, tasks
from processes.transfer.models import Transfer

from .support import make_case, post

S = PlatformSync.Status


def feedback() -> PlatformSync:
    return PlatformSync.objects.get(event="transfer_feedback")


def transferred_repair(client, record) -> tuple[RepairApplication, dict]:
    record.obligations_performed_on = datetime.date(2026, 2, 1)
    record.save()
    case = make_case(subject=record.subject)
    response = post(client, case)
    assert response.status_code == 201
    return RepairApplication.objects.get(reference=response.json()["case_id"]), case


def accept_repair(client, people, application) -> RepairApplication:
    return act(client, people.clerk, application, RepairFlow.intake, {"decision": "accept", "reason": ""})


def approve_repair(client, people, application) -> RepairApplication:
    return act(client, people.handler, application, RepairFlow.decide, {"decision": "approve", "reason": "已缴清罚款并完成整改，准予修复。"})


# --- recorded with the decision ---------------------------------------------------------------------


@pytest.mark.django_db
def test_deciding_a_transferred_repair_records_the_feedback_with_the_decision(client, people, record, django_capture_on_commit_callbacks):
    application, case = transferred_repair(client, record)
    application = accept_repair(client, people, application)
    assert not PlatformSync.objects.filter(event="transfer_feedback").exists()

    with django_capture_on_commit_callbacks() as callbacks:
        application = approve_repair(client, people, application)

    assert application.status == "approved"
    sync = feedback()
    # recorded, not yet sent: the send is queued for after the commit
    assert sync.status == S.PENDING and sync.attempts == 0 and callbacks
    assert sync.platform == "credit.mot" and sync.idempotency_key == f"transfer:{case['transfer_id']}:approved"
    assert sync.target == application
    payload = sync.payload
    assert {k: payload[k] for k in ("transfer_id", "case_id", "result", "department", "reason")} == {
        "transfer_id": case["transfer_id"], "case_id": application.reference, "result": "approved",
        "department": "交通运输综合行政执法支队", "reason": "已缴清罚款并完成整改，准予修复。",
    }
    assert payload["decided_at"] == timezone.localtime(application.decided_at).isoformat(timespec="seconds") and payload["decided_at"].endswith("+08:00")
    decision = Document.objects.for_case(application).get(title="信用修复决定书")
    content = base64.b64decode(payload["document"]["content_base64"])
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == payload["document"]["sha256"] == decision.sha256
    assert payload["document"]["name"] == "信用修复决定书.pdf"
    assert "feedback_queued" in CaseEvent.objects.filter(object_id=str(application.pk), content_type__model="repairapplication").values_list("action", flat=True)


@pytest.mark.django_db
def test_a_decision_that_rolls_back_leaves_no_feedback(client, people, record):
    application, _ = transferred_repair(client, record)
    application = accept_repair(client, people, application)

    with pytest.raises(RuntimeError), transaction.atomic():
        repair_approve(application=application, by=people.handler, reason="准予修复。")
        assert PlatformSync.objects.filter(event="transfer_feedback").exists()
        raise RuntimeError("the decision fails after the feedback was written")

    assert not PlatformSync.objects.filter(event="transfer_feedback").exists()


@pytest.mark.django_db
def test_refused_at_intake_feeds_back_not_accepted_with_the_notice(client, people, record):
    application, case = transferred_repair(client, record)

    act(client, people.clerk, application, RepairFlow.intake, {"decision": "refuse", "reason": "该记录不属于本机关管辖。"})

    payload = feedback().payload
    assert payload["result"] == "not_accepted" and payload["department"] == "法规科" and payload["reason"] == "该记录不属于本机关管辖。"
    assert payload["document"]["name"] == "信用修复申请不予受理通知书.pdf"


@pytest.mark.django_db
def test_transferred_objection_decided_feeds_back_its_outcome(client, people, record):
    response = post(client, make_case(case_type="objection", subject=record.subject))
    objection = Objection.objects.get(reference=response.json()["case_id"])

    objection = accept_objection(client, people.clerk, objection)
    objection = propose(client, people.handler, objection, "upheld")
    objection = approve(client, people.reviewer, objection)

    assert objection.status == Objection.Status.DECIDED
    payload = feedback().payload
    assert payload["result"] == "upheld" and payload["case_id"] == objection.reference
    assert payload["document"]["name"] == "信用信息异议处理决定书.pdf"


@pytest.mark.django_db
def test_transferred_objection_refused_at_intake_feeds_back_not_accepted(client, people, record):
    response = post(client, make_case(case_type="objection", subject=record.subject))
    objection = Objection.objects.get(reference=response.json()["case_id"])

    act(client, people.clerk, objection, ObjectionFlow.intake, {"decision": "refuse", "reason": "重复提出。"})

    assert feedback().payload["result"] == "not_accepted"


@pytest.mark.django_db
def test_transferred_objection_never_supplied_feeds_back_not_accepted_without_a_document(client, people, record):
    response = post(client, make_case(case_type="objection", subject=record.subject))
    objection = Objection.objects.get(reference=response.json()["case_id"])
    objection = act(client, people.clerk, objection, ObjectionFlow.intake, {"decision": "supplement", "reason": "请补充行政复议决定书。"})

    objection_services.objection_close_unsupplied(objection=objection)

    payload = feedback().payload
    assert payload["result"] == "not_accepted" and "逾期未补正" in payload["reason"] and payload["document"] is None


@pytest.mark.django_db
def test_a_case_that_was_not_transferred_sends_no_feedback(people, record):
    from tests.factories import make_subject_user

    user, _ = make_subject_user(subject=record.subject)
    objection = objection_services.objection_file(record=record, grounds="wrong", statement="有误。", by=user)
    objection_services.objection_refuse(objection=objection, by=people.clerk, reason="不符合受理条件。")

    assert not PlatformSync.objects.filter(event="transfer_feedback").exists()
    assert not Transfer.objects.exists()


# --- delivered at least once ---------------------------------------------------------------------


@pytest.mark.django_db
def test_delivery_is_retried_through_503s_with_growing_back_off_until_accepted(
    client, people, record, national_site, celery_eager, django_capture_on_commit_callbacks
):
    national_site.answer_with(503, 503, 503)
    application, case = transferred_repair(client, record)
    application = accept_repair(client, people, application)

    with django_capture_on_commit_callbacks(execute=True):
        approve_repair(client, people, application)

    sync = feedback()
    assert sync.status == S.RETRYING and sync.attempts == 1 and "HTTP 503" in sync.last_error
    waits = []
    while sync.status == S.RETRYING:
        due = sync.next_attempt_at
        assert delivery.platform_syncs_sweep(now=due - datetime.timedelta(seconds=1)) == {}  # not before its time
        delivery.platform_syncs_sweep(now=due)
        sync.refresh_from_db()
        if sync.next_attempt_at:
            waits.append((sync.next_attempt_at - due).total_seconds())

    assert sync.status == S.DELIVERED and sync.attempts == 4 and sync.delivered_at and sync.last_error == ""
    assert waits == [60, 120]  # after the 2nd and 3rd refusals (the 1st waited 30 s)
    assert [request.answered for request in national_site.received] == [503, 503, 503, 200]
    assert all(request.signature_ok for request in national_site.received)
    [accepted] = national_site.accepted
    assert accepted.message == sync.payload and accepted.message["transfer_id"] == case["transfer_id"]
    assert accepted.headers["Idempotency-Key"] == sync.idempotency_key
    # delivered: never sent again
    assert delivery.platform_syncs_sweep(now=timezone.now() + datetime.timedelta(days=1)) == {}
    assert delivery.platform_sync_deliver(sync_id=sync.pk) is None
    assert len(national_site.received) == 4


@pytest.mark.django_db
def test_network_error_is_retried_like_a_5xx(people, settings):
    settings.NATIONAL_SITE_FEEDBACK_URL = "http://127.0.0.1:9/nothing-listens-here"
    sync = PlatformSync.objects.create(platform="credit.mot", event="transfer_feedback", idempotency_key="transfer:NET-1:approved", payload={"transfer_id": "NET-1"})

    sync = delivery.platform_sync_deliver(sync_id=sync.pk)

    assert sync.status == S.RETRYING and sync.attempts == 1 and sync.last_error
    assert sync.next_attempt_at > timezone.now() + datetime.timedelta(seconds=25)


def test_back_off_doubles_and_stops_growing_at_an_hour(settings):
    settings.PLATFORM_SYNC_RETRY_BASE_SECONDS = 30
    assert [delivery.backoff_seconds(n) for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.django_db
def test_a_4xx_stops_the_retries_shows_as_failed_to_staff_who_resend_it(
    client, people, record, national_site, celery_eager, django_capture_on_commit_callbacks
):
    national_site.answer_with(400)
    application, _ = transferred_repair(client, record)
    application = accept_repair(client, people, application)
    with django_capture_on_commit_callbacks(execute=True):
        approve_repair(client, people, application)

    sync = feedback()
    assert sync.status == S.FAILED and sync.attempts == 1 and sync.last_error.startswith("HTTP 400")
    assert delivery.platform_syncs_sweep(now=timezone.now() + datetime.timedelta(days=1)) == {}
    assert len(national_site.received) == 1

    # the credit office sees it among the failed pushes
    client.force_login(people.clerk)
    page = client.get(reverse("transfer_staff:platform_syncs"), {"status": "failed"}).content.decode()
    assert sync.idempotency_key in page and "发送失败" in page and "HTTP 400" in page and "重新发送" in page
    assert application.reference in page
    # other departments do not
    client.force_login(people.outsider)
    assert client.get(reverse("transfer_staff:platform_syncs")).status_code == 403
    assert client.post(reverse("transfer_staff:platform_sync_resend", args=[sync.pk])).status_code == 403

    client.force_login(people.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("transfer_staff:platform_sync_resend", args=[sync.pk]), {"status": "failed"})
    assert response.status_code == 302 and response["Location"].endswith("?status=failed")

    sync.refresh_from_db()
    assert sync.status == S.DELIVERED and sync.attempts == 1
    assert [request.answered for request in national_site.received] == [400, 200]
    assert "sync_resent" in CaseEvent.objects.filter(object_id=str(application.pk), content_type__model="repairapplication").values_list("action", flat=True)
    page = client.get(reverse("transfer_staff:platform_syncs")).content.decode()
    assert "已送达" in page


@pytest.mark.django_db
def test_only_failed_pushes_can_be_resent(client, people):
    sync = PlatformSync.objects.create(platform="credit.mot", event="transfer_feedback", idempotency_key="transfer:R-1:approved", payload={})
    client.force_login(people.clerk)
    response = client.post(reverse("transfer_staff:platform_sync_resend", args=[sync.pk]), follow=True)
    assert "只有发送失败的推送可以重新发送" in response.content.decode()


@pytest.mark.django_db
def test_admin_action_resends_failed_pushes(client, people, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    sync = PlatformSync.objects.create(
        platform="credit.mot", event="transfer_feedback", idempotency_key="transfer:A-1:approved", payload={}, status=S.FAILED, attempts=3, last_error="HTTP 400"
    )
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("admin:credit_platformsync_changelist"), {"action": "resend", "_selected_action": [sync.pk]})
    assert response.status_code == 302
    sync.refresh_from_db()
    assert sync.status == S.PENDING and sync.attempts == 0 and "HTTP 400" in sync.last_error and len(callbacks) == 1


# --- nothing lost when the worker or the broker dies ---------------------------------------------------


@pytest.mark.django_db
def test_nothing_lost_when_the_worker_dies_between_the_decision_and_the_delivery(
    client, people, record, national_site, celery_eager, django_capture_on_commit_callbacks
):
    application, _ = transferred_repair(client, record)
    application = accept_repair(client, people, application)
    with django_capture_on_commit_callbacks(execute=False):  # committed, but the dispatch never runs
        approve_repair(client, people, application)
    sync = feedback()
    assert sync.status == S.PENDING and national_site.received == []

    # the periodic sweep (Celery beat, every minute) finds it and delivers it, once
    assert tasks.sweep_platform_syncs() == 1
    sync.refresh_from_db()
    assert sync.status == S.DELIVERED and sync.attempts == 1
    assert tasks.sweep_platform_syncs() == 0
    assert len(national_site.received) == 1 and national_site.accepted[0].message["result"] == "approved"


@pytest.mark.django_db
def test_nothing_lost_when_the_broker_refuses_the_dispatch(
    client, people, record, national_site, celery_eager, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis: Connection refused")

    application, _ = transferred_repair(client, record)
    application = accept_repair(client, people, application)
    monkeypatch.setattr(tasks.platform_sync_deliver, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        application = approve_repair(client, people, application)  # the decision stands though the dispatch failed
    assert application.status == "approved"
    assert feedback().status == S.PENDING and national_site.received == []
    monkeypatch.undo()

    assert delivery.platform_syncs_sweep() == {S.DELIVERED: 1}
    assert delivery.platform_syncs_sweep() == {}
    assert len(national_site.received) == 1


@pytest.mark.django_db
def test_the_worker_schedules_the_retry_for_when_it_is_due(national_site, monkeypatch):
    national_site.answer_with(503)
    sync = PlatformSync.objects.create(platform="credit.mot", event="transfer_feedback", idempotency_key="transfer:T-1:approved", payload={"transfer_id": "T-1"})
    scheduled = []
    monkeypatch.setattr(delivery, "dispatch", lambda sync_id, countdown=None: scheduled.append((sync_id, countdown)))

    assert tasks.platform_sync_deliver(sync.pk) == S.RETRYING  # the task body, as a worker runs it

    [(sync_id, countdown)] = scheduled
    assert sync_id == sync.pk and 25 < countdown <= 30


@pytest.mark.django_db
def test_without_an_address_a_push_waits_without_retrying_until_one_is_configured(settings, national_site):
    settings.NATIONAL_SITE_FEEDBACK_URL = ""
    feedback_row = PlatformSync.objects.create(platform="credit.mot", event="transfer_feedback", idempotency_key="transfer:N-1:approved", payload={})
    other = PlatformSync.objects.create(platform="provincial", event="objection_result", idempotency_key="objection:1:provincial:upheld", payload={"case": "YY1"})

    assert delivery.platform_syncs_due() == []
    for row in (feedback_row, other):
        row = delivery.platform_sync_deliver(sync_id=row.pk)
        assert row.status == S.PENDING and row.attempts == 0 and row.last_error == delivery.NO_DESTINATION and row.next_attempt_at is None

    settings.PLATFORM_SYNC_URLS = {"provincial": national_site.url}
    assert delivery.platform_syncs_due() == [other.pk]
    assert delivery.platform_syncs_sweep() == {S.DELIVERED: 1}
    assert national_site.accepted[0].message == {"case": "YY1"}


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_push_at_once(national_site):
    national_site.delay = 1.0
    sync = PlatformSync.objects.create(platform="credit.mot", event="transfer_feedback", idempotency_key="transfer:C-1:approved", payload={"transfer_id": "C-1"})
    barrier = threading.Barrier(3)
    outcomes = []

    def worker():
        try:
            barrier.wait(timeout=10)
            result = delivery.platform_sync_deliver(sync_id=sync.pk)
            outcomes.append(result.status if result else None)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes, key=str) == [None, None, S.DELIVERED]
    assert len(national_site.received) == 1
    sync.refresh_from_db()
    assert sync.status == S.DELIVERED and sync.attempts == 1
