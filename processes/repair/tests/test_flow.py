"""Every branch of the repair flow, end to end through the pages people use.

The subject applies on the portal; the credit office's intake clerk and the deciding
department's handler claim and complete their tasks on viewflow's task pages. The
clock stands at Thursday 2026-04-30, the day before the Labour Day holiday (1–5 May,
with Saturday 9 May a make-up working day), so the due dates cross both.
"""

import datetime

import pytest
from django.urls import reverse
from viewflow.workflow.status import PROCESS, STATUS

from credit import services as credit_services
from credit.models import CreditRecord, Department, ListEntry, Platform, PlatformSync, ProcessDeadline, RecordStatus
from credit.rules import deadline_days
from credit.signals import record_repaired
from credit.validators import mask_id_number
from credit.workdays import add_working_days
from processes.common.materials import case_materials
from processes.repair.flows import RepairFlow
from processes.repair.models import RepairApplication
from tests.factories import make_subject_user, next_id_number

from .support import (
    ACCEPTANCE,
    DECISION,
    NON_ACCEPTANCE,
    REFUSAL,
    D,
    accept,
    act,
    claim,
    decide,
    document,
    document_text,
    document_titles,
    download,
    file_repair,
    make_penalty,
    notified,
    open_task,
    portal_page,
    submit,
    task_url,
    timeline,
    workbench,
)

S = RepairApplication.Status
SUBJECT_USERS = ["applicant", "applicant.colleague"]
APPROVAL_REASON = "当事人已于2026年1月20日缴清罚款，车辆已补办道路运输证，整改到位。"


def record_status(record) -> str:
    return CreditRecord.objects.get(pk=record.pk).status


def assert_process_finished(application):
    application.process.refresh_from_db()
    assert application.process.status == PROCESS.DONE
    assert not application.process.task_set.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]).exists()


@pytest.fixture
def filed(client, people, record, clock):
    clock(datetime.datetime(2026, 4, 30, 10, 0))
    return file_repair(client, people.applicant, record)


@pytest.fixture
def accepted(client, people, filed):
    return accept(client, people.clerk, filed)


@pytest.fixture
def repaired_signals():
    """What ``credit.signals.record_repaired`` carried, one dict per sending."""
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    record_repaired.connect(receiver, weak=False, dispatch_uid="repair-test-receiver")
    yield received
    record_repaired.disconnect(dispatch_uid="repair-test-receiver")


# --- filed and accepted ---------------------------------------------------------------------------


def test_filing_puts_intake_in_the_credit_office_queue_and_tells_the_subject(client, people, record, filed):
    assert filed.status == S.FILED and filed.channel == RepairApplication.Channel.PORTAL
    assert filed.reference == f"XF2026{filed.pk:06d}" and filed.filed_by == people.applicant
    assert filed.obligations_performed_on == D(2026, 1, 20)
    assert sorted(m.kind for m in case_materials(filed)) == ["commitment_letter", "performance_proof"]
    assert record_status(record) == RecordStatus.PUBLISHED  # applying changes nothing on the record
    assert notified("repair_filed", filed) == SUBJECT_USERS
    assert notified("task_assigned", filed) == ["legal.clerk", "legal.clerk2"]

    intake = open_task(filed, RepairFlow.intake)
    assert intake.status == STATUS.NEW and intake.owner is None and intake.department.code == "legal"
    # repair.intake = 2 working days from Thu 04-30: [05-01 … 05-05 Labour Day] Wed 05-06 1, Thu 05-07 2
    assert intake.deadline.rule_key == "repair.intake" and intake.deadline.due_on == D(2026, 5, 7)
    assert workbench(client, people.clerk)["queue"] == [filed]
    assert timeline(filed) == ["filed"]

    page = portal_page(client, people.applicant, filed)
    assert "待受理" in page and filed.reference in page


def test_acceptance_sends_the_decision_to_the_penalty_department_due_three_working_days_later(client, people, filed):
    intake = claim(client, people.clerk, open_task(filed, RepairFlow.intake))
    response = submit(client, people.clerk, intake, {"decision": "accept", "reason": ""})
    assert response.status_code == 302

    filed.refresh_from_db()
    assert filed.status == S.DECIDING and filed.accepted_at is not None
    assert document_titles(filed) == [ACCEPTANCE]
    assert document(filed, ACCEPTANCE).number == "交法〔2026〕1号"
    assert "转交通运输综合行政执法支队审查决定" in document_text(filed, ACCEPTANCE)
    assert notified("repair_accepted", filed) == SUBJECT_USERS
    # 谁认定、谁修复: the enforcement detachment's handlers get it, nobody else
    assert notified("task_assigned", filed) == ["enf.handler", "enf.handler2", "legal.clerk", "legal.clerk2"]

    decide_task = open_task(filed, RepairFlow.decide)
    assert decide_task.department.code == "enforcement" and decide_task.owner is None
    deadline = decide_task.deadline
    # repair.decide = 3 working days from Thu 04-30: [05-01 … 05-05 holiday] Wed 05-06 1, Thu 05-07 2, Fri 05-08 3
    assert deadline.rule_key == "repair.decide" and deadline.working_days == deadline_days("repair.decide", on=D(2026, 4, 30)) == 3
    assert deadline.due_on == add_working_days(D(2026, 4, 30), 3).date == D(2026, 5, 8)
    assert workbench(client, people.handler)["queue"] == [filed]
    assert workbench(client, people.clerk) == {"inbox": [], "queue": []}
    assert timeline(filed) == ["filed", "accepted"]


# --- approved -------------------------------------------------------------------------------------------


def test_approval_ends_publication_tells_platforms_lists_and_publishes_the_repair(client, people, record, accepted, repaired_signals):
    enforcement = Department.objects.get(code="enforcement")
    listed = ListEntry.objects.create(
        subject=people.subject, list_kind=ListEntry.ListKind.FOCUS, designating_department=enforcement, basis_record=record,
        designation_standard="一年内受到两次以上一般行政处罚", reason="未按规定携带道路运输证",
    )
    listed.list(on=D(2026, 2, 1))
    listed.save()
    ListEntry.objects.create(  # only proposed: not resting on the record yet
        subject=people.subject, list_kind=ListEntry.ListKind.BLACK, designating_department=enforcement, basis_record=record,
        designation_standard="严重失信", reason="拟列入",
    )

    application = decide(client, people.handler, accepted, "approve", APPROVAL_REASON)

    assert application.status == S.APPROVED and application.decided_by == people.handler
    assert application.decision_reason == APPROVAL_REASON and application.published_at is not None
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED == "repaired" and not record.is_visible
    # the hook the list process listens to, with the entry resting on the record
    [sent] = repaired_signals
    assert sent["record"] == record and sent["case"] == application and sent["list_entries"] == [listed]

    assert document_titles(application) == [ACCEPTANCE, DECISION]
    decision = document(application, DECISION)
    assert decision.number == "交执〔2026〕1号" and decision.department == enforcement and decision.addressee == people.subject.name
    text = document_text(application, DECISION)
    assert "信用修复决定书" in text and "交执〔2026〕1号" in text and people.subject.name in text
    assert "交执罚〔2026〕7号" in text and application.reference in text
    assert "本机关决定准予信用修复：自2026年4月30日起终止公示该行政处罚信息，停止共享和使用" in text
    assert f"理由：{APPROVAL_REASON}" in text

    syncs = PlatformSync.objects.filter(event="repair_result", object_id=str(application.pk))
    assert sorted(syncs.values_list("platform", flat=True)) == sorted([Platform.NATIONAL, Platform.CREDITCHINA, Platform.PROVINCIAL])
    for sync in syncs:
        assert sync.status == PlatformSync.Status.PENDING
        assert sync.payload["result"] == "approved" and sync.payload["decision_number"] == "交执〔2026〕1号"
        assert sync.payload["subject_code"] == people.subject.uscc and sync.payload["publication_stopped_on"] == "2026-04-30"

    assert notified("repair_decided", application) == SUBJECT_USERS
    assert "准予修复" in people.applicant.notifications.get(event="repair_decided").title
    assert timeline(application)[-1] == "approved"
    assert_process_finished(application)

    response = download(client, people.applicant, decision)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    page = portal_page(client, people.applicant, application)
    assert "准予修复" in page and "已修复（终止公示）" in page and decision.number in page

    # 信用修复公示: anyone may look it up by name or code
    client.logout()
    public = client.get(reverse("repair:public_list")).content.decode()
    assert people.subject.name in public and "交执罚〔2026〕7号" in public and "交通运输综合行政执法支队" in public and "2026-04-30" in public
    for query in (people.subject.name[2:6], people.subject.uscc, people.subject.uscc.lower()):
        assert people.subject.name in client.get(reverse("repair:public_list"), {"q": query}).content.decode(), query
    assert people.subject.name not in client.get(reverse("repair:public_list"), {"q": "另一家公司"}).content.decode()


def test_public_repair_list_masks_a_natural_persons_id_number(client, people, clock):
    clock(datetime.datetime(2026, 4, 30, 10, 0))
    id_number = next_id_number(datetime.date(1985, 7, 9))
    driver = credit_services.subject_create(kind="natural_person", name="王师傅", id_number=id_number)
    driver_user, _ = make_subject_user(subject=driver, username="driver")
    record = make_penalty(driver, document_number="交执罚〔2026〕21号", title="驾驶员未按规定签注从业资格证")
    application = accept(client, people.clerk, file_repair(client, driver_user, record))
    decide(client, people.handler, application, "approve", "已缴清罚款并参加继续教育。")

    client.logout()
    for query in ("", "王师傅", id_number):
        page = client.get(reverse("repair:public_list"), {"q": query}).content.decode()
        results = page.split("<table>", 1)[1]  # the search box echoes what the visitor typed; the results must not
        assert "王师傅" in results and "交执罚〔2026〕21号" in results, query
        assert id_number not in results and mask_id_number(id_number) in results, query
    assert mask_id_number(id_number) == id_number[:4] + "*" * 10 + id_number[-4:]


# --- rejected -------------------------------------------------------------------------------------------


def test_rejection_gives_reasons_and_the_record_stays_published(client, people, record, accepted, repaired_signals):
    reason = "缴款凭证与处罚决定书载明的罚款金额不符，义务尚未全面履行。"
    application = decide(client, people.handler, accepted, "reject", reason)

    assert application.status == S.REJECTED and application.decision_reason == reason
    assert record_status(record) == RecordStatus.PUBLISHED
    assert repaired_signals == []
    assert document_titles(application) == [ACCEPTANCE, REFUSAL]
    refusal = document(application, REFUSAL)
    assert refusal.number == "交执〔2026〕1号"
    text = document_text(application, REFUSAL)
    assert "不予信用修复决定书" in text and people.subject.name in text and "本机关决定不予信用修复" in text
    assert f"理由：{reason}" in text and "符合条件后可重新申请" in text
    assert not PlatformSync.objects.filter(object_id=str(application.pk)).exists()
    assert notified("repair_decided", application) == SUBJECT_USERS
    assert timeline(application)[-1] == "rejected"
    assert_process_finished(application)

    assert "不予修复" in portal_page(client, people.applicant, application)
    client.logout()
    assert people.subject.name not in client.get(reverse("repair:public_list")).content.decode()


# --- not accepted -------------------------------------------------------------------------------------


def test_not_accepted_needs_a_reason_then_closes_the_case_and_the_subject_may_apply_again(client, people, record, filed):
    intake = claim(client, people.clerk, open_task(filed, RepairFlow.intake))

    response = submit(client, people.clerk, intake, {"decision": "refuse", "reason": "  "})

    assert response.status_code == 200 and "不予受理必须写明理由" in response.content.decode()
    filed.refresh_from_db()
    intake.refresh_from_db()
    assert filed.status == S.FILED and intake.status == STATUS.ASSIGNED and intake.owner == people.clerk
    assert document_titles(filed) == [] and notified("repair_not_accepted") == []

    reason = "上传的缴款凭证无法辨认，请重新扫描后申请。"
    response = submit(client, people.clerk, intake, {"decision": "refuse", "reason": reason})

    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == S.NOT_ACCEPTED and filed.refusal_reason == reason
    assert record_status(record) == RecordStatus.PUBLISHED
    assert document_titles(filed) == [NON_ACCEPTANCE]
    notice = document(filed, NON_ACCEPTANCE)
    assert notice.number == "交法〔2026〕1号"
    text = document_text(filed, NON_ACCEPTANCE)
    assert people.subject.name in text and "本机关决定不予受理" in text and f"理由：{reason}" in text
    assert notified("repair_not_accepted", filed) == SUBJECT_USERS
    assert not filed.process.task_set.filter(flow_task=RepairFlow.decide).exists()
    assert timeline(filed) == ["filed", "not_accepted"]
    assert_process_finished(filed)
    assert "不予受理" in portal_page(client, people.applicant, filed) and reason in portal_page(client, people.applicant, filed)

    again = file_repair(client, people.colleague, record, statement="已重新扫描缴款凭证。")
    assert again.status == S.FILED and again.pk != filed.pk


# --- extended ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("extension", "due_after"), [pytest.param(None, D(2026, 5, 21), id="rule-table-default-10"), pytest.param(5, D(2026, 5, 14), id="administrator-set-5")])
def test_extension_moves_the_decision_due_date_by_the_rule_tables_working_days(client, people, accepted, extension, due_after):
    if extension is not None:  # the administrator changes the value in the rule table
        ProcessDeadline.objects.filter(rule_version__code="2026-order36", key="repair.extension").update(working_days=extension)
    days = deadline_days("repair.extension", on=D(2026, 4, 30))
    assert days == (extension or 10)
    task = claim(client, people.handler, open_task(accepted, RepairFlow.decide))
    assert task.deadline.due_on == D(2026, 5, 8)

    response = submit(client, people.handler, task, {"decision": "extend", "reason": "需调取执法记录仪视频核实整改情况。"})

    # the handler stays on the task's page; the task stays theirs and open
    assert response.status_code == 302 and response["Location"] == task_url(task, "execute")
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.owner == people.handler
    # counted from the old due date (Fri 05-08) on the calendar: Sat 05-09 is a make-up working day
    expected = add_working_days(D(2026, 5, 8), days).date
    assert expected == due_after
    task.deadline.refresh_from_db()
    assert task.deadline.due_on == expected and task.deadline.extended_by_days == days
    accepted.refresh_from_db()
    assert accepted.status == S.DECIDING and accepted.extended_days == days
    assert accepted.extension_reason == "需调取执法记录仪视频核实整改情况。"
    assert notified("repair_extended", accepted) == SUBJECT_USERS
    told = people.applicant.notifications.get(event="repair_extended")
    assert f"{expected.year}年{expected.month}月{expected.day}日" in told.body and "需调取执法记录仪视频核实整改情况。" in told.body
    assert timeline(accepted)[-1] == "deadline_extended"
    assert workbench(client, people.handler) == {"inbox": [accepted], "queue": []}
    assert f"{days}个工作日" in portal_page(client, people.applicant, accepted)

    # the same handler then decides on the same task
    response = submit(client, people.handler, task, {"decision": "approve", "reason": APPROVAL_REASON})
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == S.APPROVED
    assert_process_finished(accepted)


def test_extension_needs_a_reason(client, people, accepted):
    task = claim(client, people.handler, open_task(accepted, RepairFlow.decide))

    response = submit(client, people.handler, task, {"decision": "extend", "reason": ""})

    assert response.status_code == 200
    task.refresh_from_db()
    task.deadline.refresh_from_db()
    assert task.deadline.due_on == D(2026, 5, 8) and task.deadline.extended_by_days == 0
    assert notified("repair_extended") == []


def test_another_handler_of_the_department_may_decide(client, people, accepted):
    application = act(client, people.handler2, accepted, RepairFlow.decide, {"decision": "approve", "reason": APPROVAL_REASON})
    assert application.status == S.APPROVED and application.decided_by == people.handler2
