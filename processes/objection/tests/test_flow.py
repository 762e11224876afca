"""Every branch of the objection flow, end to end through the pages people use.

The subject files and supplies materials on the portal; staff claim and complete
tasks on viewflow's task pages. Each test checks what someone would notice: the
case status, the record's publication status, the documents issued, who was
told, what went to the platforms, and the case's timeline.
"""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from credit.models import CreditRecord, Platform, PlatformSync, RecordStatus
from processes.common.materials import case_materials
from processes.objection import services
from processes.objection.flows import ObjectionFlow
from processes.objection.models import Objection

from .support import (
    accept,
    act,
    approve,
    claim,
    document,
    document_titles,
    file_objection,
    notified,
    open_task,
    pdf_upload,
    portal_file,
    portal_page,
    propose,
    submit,
    task_url,
    timeline,
)

S = Objection.Status
ACCEPTANCE, LETTER, REFUSAL, SUPPLEMENT, DECISION = "异议受理通知书", "信用信息异议协查函", "异议不予受理通知书", "补正材料通知书", "信用信息异议处理决定书"


def record_status(record) -> str:
    return CreditRecord.objects.get(pk=record.pk).status


def assert_process_finished(objection):
    objection.process.refresh_from_db()
    assert objection.process.status == PROCESS.DONE
    assert not objection.process.task_set.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]).exists()


# --- accepted, verified, decided --------------------------------------------------------------


def test_filing_marks_record_under_objection_and_puts_intake_in_credit_office_queue(client, people, record):
    objection = file_objection(client, people.applicant, record)

    assert objection.status == S.FILED and objection.channel == Objection.Channel.PORTAL
    assert objection.reference == f"YY{timezone.localdate().year}{objection.pk:06d}"
    assert record_status(record) == RecordStatus.UNDER_OBJECTION
    assert sorted(m.get_kind_display() for m in case_materials(objection)) == ["决定/撤销/复议/判决文书", "异议申诉信用承诺书"]
    # every user acting for the subject is told; the intake clerks (and only they) get the task
    assert notified("objection_filed", objection) == ["applicant", "applicant.colleague"]
    assert notified("task_assigned", objection) == ["legal.clerk", "legal.clerk2"]
    intake = open_task(objection, ObjectionFlow.intake)
    assert intake.status == STATUS.NEW and intake.owner is None and intake.department.code == "legal"
    assert timeline(objection) == ["filed", "record_under_objection"]

    page = portal_page(client, people.applicant, objection)
    assert "待受理" in page and "异议处理中" in page and objection.reference in page


def test_clerk_takes_intake_from_workbench_and_accepting_sends_verification_letter_to_source_department(client, people, record):
    objection = file_objection(client, people.applicant, record)
    intake = open_task(objection, ObjectionFlow.intake)

    # The workbench lists the task in the credit office's queue; its link leads to viewflow's assign page.
    client.force_login(people.clerk)
    assert objection.reference in client.get(reverse("workbench:home")).content.decode()
    response = client.get(reverse("workbench:task", args=[intake.pk]), follow=True)
    assert response.redirect_chain[-1][0] == task_url(intake, "assign")
    claim(client, people.clerk, intake)
    # claimed: the same link now opens the task's form
    response = client.get(reverse("workbench:task", args=[intake.pk]), follow=True)
    assert response.redirect_chain[-1][0] == task_url(intake, "execute")
    assert "受理意见" in response.content.decode() and objection.reference in response.content.decode()

    response = submit(client, people.clerk, intake, {"decision": "accept", "reason": ""})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # lands on the process page

    objection.refresh_from_db()
    assert objection.status == S.VERIFYING and objection.accepted_at is not None
    assert record_status(record) == RecordStatus.UNDER_OBJECTION
    assert document_titles(objection) == [ACCEPTANCE, LETTER]
    year = timezone.localdate().year
    assert document(objection, ACCEPTANCE).number == f"交法〔{year}〕1号"
    letter = document(objection, LETTER)
    assert letter.number == f"交法〔{year}〕2号" and letter.addressee == "交通运输综合行政执法支队"
    assert notified("objection_accepted", objection) == ["applicant", "applicant.colleague"]
    # 谁产生、谁负责: the verification goes to the enforcement handlers, not to other departments
    assert notified("task_assigned", objection) == ["enf.handler", "enf.handler2", "legal.clerk", "legal.clerk2"]
    verify = open_task(objection, ObjectionFlow.verify)
    assert verify.department.code == "enforcement" and verify.owner is None
    assert timeline(objection) == ["filed", "record_under_objection", "accepted", "verification_sent"]
    # the letter to the department is an internal step: on the staff case page, not on the subject's timeline
    assert timeline(objection, for_subject=True) == ["filed", "record_under_objection", "accepted"]
    client.force_login(people.handler)
    assert f"向交通运输综合行政执法支队发出协查函（{letter.number}）" in client.get(objection.get_staff_url()).content.decode()
    assert "发出协查函" not in portal_page(client, people.applicant, objection)


def test_objection_corrected_on_review_corrects_record_keeping_old_values(client, people, record):
    objection = accept(client, people.clerk, file_objection(client, people.applicant, record))

    objection = propose(
        client, people.handler, objection, "corrected", reason="原决定书文号登记错误，以执法案卷为准。",
        corrected_document_number="交执罚〔2026〕8号", corrected_title="未按规定携带道路运输证（已更正）",
        evidence=pdf_upload("执法案卷摘录.pdf"),
    )
    assert objection.status == S.REVIEWING
    assert objection.proposed_changes == {"title": "未按规定携带道路运输证（已更正）", "document_number": "交执罚〔2026〕8号"}
    assert "核查证据" in [m.get_kind_display() for m in case_materials(objection)]
    assert record_status(record) == RecordStatus.UNDER_OBJECTION  # nothing changes before the review
    assert "enf.reviewer" in notified("task_assigned", objection)
    assert notified("objection_decided", objection) == []

    objection = approve(client, people.reviewer, objection, comment="同意更正。")

    assert objection.status == S.DECIDED and objection.outcome == Objection.Outcome.CORRECTED
    assert objection.decided_by == people.reviewer and objection.outcome_reason == "原决定书文号登记错误，以执法案卷为准。"
    record.refresh_from_db()
    assert record.status == RecordStatus.CORRECTED
    assert record.document_number == "交执罚〔2026〕8号" and record.title == "未按规定携带道路运输证（已更正）"
    [correction] = record.corrections
    assert correction["old"] == {"title": "未按规定携带道路运输证", "document_number": "交执罚〔2026〕7号"}
    assert correction["new"] == {"title": "未按规定携带道路运输证（已更正）", "document_number": "交执罚〔2026〕8号"}
    assert correction["reason"] == "原决定书文号登记错误，以执法案卷为准。"
    assert document_titles(objection) == [ACCEPTANCE, LETTER, DECISION]
    assert notified("objection_decided", objection) == ["applicant", "applicant.colleague"]
    assert timeline(objection)[-2:] == ["proposed", "decided"]
    assert_process_finished(objection)

    decision = document(objection, DECISION)
    syncs = PlatformSync.objects.filter(event="objection_result", object_id=str(objection.pk))
    assert sorted(syncs.values_list("platform", flat=True)) == sorted([Platform.NATIONAL, Platform.PROVINCIAL])
    for sync in syncs:
        assert sync.status == PlatformSync.Status.PENDING
        assert sync.payload["result"] == "corrected" and sync.payload["decision_number"] == decision.number
        assert sync.payload["record_document_number"] == "交执罚〔2026〕8号"

    page = portal_page(client, people.applicant, objection)
    assert "予以更正" in page and "已更正" in page and decision.number in page and "交执罚〔2026〕7号" in page  # old value shown
    # the subject's timeline has the decision with its reason, not the department's internal proposal
    assert "异议处理决定：予以更正" in page and "原决定书文号登记错误，以执法案卷为准。" in page
    assert "核查意见：予以更正" not in page


def test_corrected_decision_date_moves_the_publication_period(client, people, record):
    assert (record.earliest_repair_on, record.publication_ends_on) == (datetime.date(2026, 4, 6), datetime.date(2027, 1, 6))
    objection = accept(client, people.clerk, file_objection(client, people.applicant, record))
    objection = propose(client, people.handler, objection, "corrected", reason="决定日期登记有误。", corrected_decision_date="2025-12-20")

    approve(client, people.reviewer, objection)

    record.refresh_from_db()
    assert record.status == RecordStatus.CORRECTED and record.decision_date == datetime.date(2025, 12, 20)
    # a general penalty (一般) under the 2025 rules: 3 months to 1 year from the decision date
    assert (record.earliest_repair_on, record.publication_ends_on) == (datetime.date(2026, 3, 20), datetime.date(2026, 12, 20))
    assert record.corrections[0]["old"] == {"decision_date": "2026-01-06"} and record.corrections[0]["new"] == {"decision_date": "2025-12-20"}


@pytest.mark.parametrize(
    ("outcome", "label", "record_after"),
    [("withdrawn", "予以撤销", RecordStatus.WITHDRAWN), ("upheld", "维持原记录", RecordStatus.PUBLISHED)],
)
def test_objection_decided_without_correction(client, people, record, outcome, label, record_after):
    objection = accept(client, people.clerk, file_objection(client, people.applicant, record))
    objection = approve(client, people.reviewer, propose(client, people.handler, objection, outcome))

    assert objection.status == S.DECIDED and objection.outcome == outcome and objection.result_label == label
    record.refresh_from_db()
    assert record.status == record_after
    assert record.corrections == [] and record.document_number == "交执罚〔2026〕7号"
    assert document_titles(objection)[-1] == DECISION
    assert notified("objection_decided", objection) == ["applicant", "applicant.colleague"]
    assert set(PlatformSync.objects.filter(object_id=str(objection.pk)).values_list("payload__result", flat=True)) == {outcome}
    assert_process_finished(objection)
    assert label in portal_page(client, people.applicant, objection)


def test_corrected_without_any_new_value_is_refused_on_the_form(client, people, record):
    objection = accept(client, people.clerk, file_objection(client, people.applicant, record))
    task = claim(client, people.handler, open_task(objection, ObjectionFlow.verify))

    response = submit(client, people.handler, task, {"outcome": "corrected", "reason": "应当更正。"})

    assert response.status_code == 200
    assert "更正时请至少填写一项更正后的内容" in response.content.decode()
    objection.refresh_from_db()
    task.refresh_from_db()
    assert objection.status == S.VERIFYING and task.status == STATUS.ASSIGNED


def test_reviewer_returns_to_handler_who_verifies_again_then_approved(client, people, record):
    objection = accept(client, people.clerk, file_objection(client, people.applicant, record))
    objection = propose(client, people.handler, objection, "withdrawn", reason="拟撤销。")
    review = claim(client, people.reviewer, open_task(objection, ObjectionFlow.review))

    # returning needs a comment: the form says so and the case stays with the reviewer
    response = submit(client, people.reviewer, review, {"decision": "return", "comment": " "})
    assert response.status_code == 200 and "退回时请写明审核意见" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == S.REVIEWING

    response = submit(client, people.reviewer, review, {"decision": "return", "comment": "证据不足，请调取原始案卷复核。"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == S.VERIFYING and objection.review_comment == "证据不足，请调取原始案卷复核。"
    # a fresh verification task in the department's queue, and the handlers are told again
    verify = open_task(objection, ObjectionFlow.verify)
    assert verify.owner is None and verify.status == STATUS.NEW
    assert notified("task_assigned", objection).count("enf.handler") == 2
    assert record_status(record) == RecordStatus.UNDER_OBJECTION
    assert timeline(objection)[-2:] == ["proposed", "returned"]
    assert "returned" not in timeline(objection, for_subject=True)

    # another handler of the department may take it this time
    objection = propose(client, people.handler2, objection, "upheld", reason="复核原始案卷，记录无误。")
    assert objection.proposed_by == people.handler2
    objection = approve(client, people.reviewer, objection)

    assert objection.status == S.DECIDED and objection.outcome == Objection.Outcome.UPHELD
    assert objection.outcome_reason == "复核原始案卷，记录无误。"
    assert record_status(record) == RecordStatus.PUBLISHED
    assert timeline(objection)[-4:] == ["proposed", "returned", "proposed", "decided"]
    assert document_titles(objection).count(DECISION) == 1
    assert PlatformSync.objects.filter(object_id=str(objection.pk)).count() == 2
    assert_process_finished(objection)


# --- refused -----------------------------------------------------------------------------------


def test_refusal_needs_a_reason_and_returns_record_to_published(client, people, record):
    objection = file_objection(client, people.applicant, record)
    intake = claim(client, people.clerk, open_task(objection, ObjectionFlow.intake))

    response = submit(client, people.clerk, intake, {"decision": "refuse", "reason": "   "})

    assert response.status_code == 200 and "不予受理必须写明理由" in response.content.decode()
    objection.refresh_from_db()
    intake.refresh_from_db()
    assert objection.status == S.FILED and intake.status == STATUS.ASSIGNED and intake.owner == people.clerk
    assert record_status(record) == RecordStatus.UNDER_OBJECTION
    assert document_titles(objection) == [] and notified("objection_refused") == []

    response = submit(client, people.clerk, intake, {"decision": "refuse", "reason": "异议事项不属于本机关信用信息管理范围。"})

    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == S.REFUSED and objection.refusal_reason == "异议事项不属于本机关信用信息管理范围。"
    assert record_status(record) == RecordStatus.PUBLISHED
    assert document_titles(objection) == [REFUSAL]
    assert notified("objection_refused", objection) == ["applicant", "applicant.colleague"]
    assert not PlatformSync.objects.filter(object_id=str(objection.pk)).exists()
    assert timeline(objection)[-1] == "refused"
    assert_process_finished(objection)
    page = portal_page(client, people.applicant, objection)
    assert "不予受理" in page and "异议事项不属于本机关信用信息管理范围。" in page and "公示中" in page


def test_record_can_be_objected_to_again_after_a_refusal_but_not_while_a_case_is_open(client, people, record):
    objection = file_objection(client, people.applicant, record)

    response = portal_file(client, people.colleague, record)
    assert response.status_code == 200 and "该记录已有正在处理的异议" in response.content.decode()
    assert Objection.objects.filter(record=record).count() == 1

    act(client, people.clerk, objection, ObjectionFlow.intake, {"decision": "refuse", "reason": "材料与记录无关。"})
    again = file_objection(client, people.colleague, record, statement="补充了复议决定书，再次提出异议。")
    assert again.status == S.FILED and record_status(record) == RecordStatus.UNDER_OBJECTION


# --- supplement requested ---------------------------------------------------------------------


def request_supplement(client, people, objection, due_on) -> Objection:
    return act(
        client, people.clerk, objection, ObjectionFlow.intake,
        {"decision": "supplement", "reason": "请补充行政复议决定书原件扫描件。", "due_on": due_on.isoformat()},
    )


def test_supplement_supplied_in_portal_returns_case_to_intake_and_then_accepted(client, people, record):
    due_on = timezone.localdate() + datetime.timedelta(days=10)
    objection = request_supplement(client, people, file_objection(client, people.applicant, record), due_on)

    assert objection.status == S.SUPPLEMENT_REQUESTED and objection.supplement_due_on == due_on
    assert record_status(record) == RecordStatus.UNDER_OBJECTION
    assert document_titles(objection) == [SUPPLEMENT]
    assert notified("objection_supplement_requested", objection) == ["applicant", "applicant.colleague"]
    assert not objection.process.task_set.filter(flow_task=ObjectionFlow.intake, status__in=[STATUS.NEW, STATUS.ASSIGNED]).exists()
    page = portal_page(client, people.applicant, objection)
    assert "待补正材料" in page and "请补充行政复议决定书原件扫描件。" in page and "提交补正材料" in page

    # a file that is not really a PDF is refused, whatever its name says
    supply_url = reverse("objection:portal_supply", args=[objection.pk])
    response = client.post(supply_url, {"note": "", "files": _not_a_pdf("复议决定书.pdf")})
    assert response.status_code == 200 and "不是 PDF、JPEG 或 PNG 文件" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == S.SUPPLEMENT_REQUESTED

    response = client.post(supply_url, {"note": "已补充复议决定书。", "files": pdf_upload("行政复议决定书（原件扫描）.pdf")})

    assert response.status_code == 302 and response["Location"] == objection.get_absolute_url()
    objection.refresh_from_db()
    assert objection.status == S.FILED
    assert [m.name for m in case_materials(objection) if m.kind == "supplement"] == ["行政复议决定书（原件扫描）.pdf"]
    assert notified("objection_supplied", objection) == ["applicant", "applicant.colleague"]
    # back in the credit office's queue as a new intake task; the clerks are told again
    intake = open_task(objection, ObjectionFlow.intake)
    assert intake.owner is None and intake.status == STATUS.NEW
    assert notified("task_assigned", objection) == ["legal.clerk", "legal.clerk", "legal.clerk2", "legal.clerk2"]
    assert timeline(objection) == ["filed", "record_under_objection", "supplement_requested", "supplied"]

    objection = accept(client, people.clerk2, objection)
    assert objection.status == S.VERIFYING
    assert document_titles(objection) == [SUPPLEMENT, ACCEPTANCE, LETTER]


def _not_a_pdf(name):
    return SimpleUploadedFile(name, b"MZ\x90\x00 this is a Windows program", content_type="application/pdf")


def test_supplement_request_needs_the_materials_named(client, people, record):
    objection = file_objection(client, people.applicant, record)
    intake = claim(client, people.clerk, open_task(objection, ObjectionFlow.intake))

    response = submit(client, people.clerk, intake, {"decision": "supplement", "reason": ""})

    assert response.status_code == 200 and "请写明需要补正的材料" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == S.FILED and document_titles(objection) == []


def test_supplement_not_supplied_by_due_date_closes_case_withdrawn_and_republishes_record(client, people, record):
    due_on = timezone.localdate() + datetime.timedelta(days=3)
    objection = request_supplement(client, people, file_objection(client, people.applicant, record), due_on)

    assert services.objections_close_overdue_supplements(today=due_on) == 0  # the due date itself is still in time
    objection.refresh_from_db()
    assert objection.status == S.SUPPLEMENT_REQUESTED

    assert services.objections_close_overdue_supplements(today=due_on + datetime.timedelta(days=1)) == 1

    objection.refresh_from_db()
    assert objection.status == S.WITHDRAWN and objection.result_label == "逾期未补正，已撤回"
    assert record_status(record) == RecordStatus.PUBLISHED
    assert notified("objection_withdrawn", objection) == ["applicant", "applicant.colleague"]
    assert timeline(objection)[-1] == "withdrawn"
    assert not PlatformSync.objects.filter(object_id=str(objection.pk)).exists()
    assert_process_finished(objection)
    # a second run finds nothing more to close
    assert services.objections_close_overdue_supplements(today=due_on + datetime.timedelta(days=2)) == 0

    # a late answer from the portal is turned away and changes nothing
    page = portal_page(client, people.applicant, objection)
    assert "逾期未补正，已撤回" in page and "提交补正材料" not in page
    response = client.post(reverse("objection:portal_supply", args=[objection.pk]), {"note": "迟交的材料", "files": pdf_upload()}, follow=True)
    assert "该案件当前不需要补正材料" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == S.WITHDRAWN


# --- filed at the counter ---------------------------------------------------------------------


def test_credit_office_files_on_a_subjects_behalf(client, people, record):
    client.force_login(people.clerk)
    assert client.get(reverse("objection:staff_file")).status_code == 200

    response = client.post(
        reverse("objection:staff_file"),
        {
            "record": record.pk, "applicant_name": "王经理", "applicant_phone": "13912345678", "grounds": "should_not_publish",
            "statement": "该处罚已被行政复议撤销，不应继续公示。", "decision_documents": pdf_upload("行政复议决定书.pdf"),
        },
    )

    objection = Objection.objects.get(record=record)
    assert response.status_code == 302 and response["Location"] == objection.get_staff_url()
    assert objection.channel == Objection.Channel.STAFF and objection.filed_by == people.clerk
    assert objection.applicant_name == "王经理" and objection.applicant_phone == "13912345678"
    assert objection.applicant_email == ""  # the clerk's own address is not the applicant's
    assert objection.status == S.FILED and record_status(record) == RecordStatus.UNDER_OBJECTION
    assert notified("objection_filed", objection) == ["applicant", "applicant.colleague"]
    assert notified("task_assigned", objection) == ["legal.clerk", "legal.clerk2"]
    staff_page = client.get(objection.get_staff_url()).content.decode()
    assert "窗口代为提交" in staff_page and "王经理" in staff_page and "受理审查" in staff_page
    # the subject follows it on the portal like any other case
    assert "窗口代为提交" in portal_page(client, people.applicant, objection)

    objection = accept(client, people.clerk2, objection)
    assert objection.status == S.VERIFYING


def test_staff_filing_against_a_record_already_under_objection_is_refused_on_the_form(client, people, record):
    file_objection(client, people.applicant, record)
    client.force_login(people.clerk)

    response = client.post(
        reverse("objection:staff_file"),
        {"record": record.pk, "applicant_name": "王经理", "grounds": "wrong", "statement": "记录有误。"},
    )

    assert response.status_code == 200 and "该记录已有正在处理的异议" in response.content.decode()
    assert Objection.objects.filter(record=record).count() == 1


# --- the subject hears of it -------------------------------------------------------------------


def test_decision_reaches_the_subjects_users_by_email(client, people, record, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    objection = accept(client, people.clerk, file_objection(client, people.applicant, record))
    objection = propose(client, people.handler, objection, "withdrawn", reason="该处罚决定已被复议撤销。")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        approve(client, people.reviewer, objection)

    decided = [m for m in mail.outbox if m.subject == f"异议处理结果：予以撤销（{objection.reference}）"]
    assert sorted(m.to[0] for m in decided) == ["applicant.colleague@example.com", "applicant@example.com"]
    assert "该处罚决定已被复议撤销。" in decided[0].body
