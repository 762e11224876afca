"""Every removal trigger, end to end: the period's end (the beat job, with the clock moved), a repair of the
basis record (through the repair process's own pages), a court ruling or an error (staff, with evidence),
and a red-listed subject that no longer qualifies. The reviewer decides on the workbench."""

import datetime

from django.urls import reverse

from credit.models import ListEntry, PlatformSync
from processes.common.materials import case_materials
from processes.listing import tasks
from processes.listing.flows import RemovalFlow
from processes.listing.models import RemovalCase
from processes.repair.flows import RepairFlow
from processes.repair.models import RepairApplication
from processes.repair.tests.support import accept as repair_accept, decide as repair_decide, file_repair

from .support import (
    REMOVAL_DECISION,
    D,
    _form_errors,
    claim,
    document_text,
    listed_entry,
    make_penalty,
    notified,
    open_task,
    reviewer_decides,
    start_removal_page,
    submit,
    timeline,
)

R = ListEntry.RemovalReason


def removal_of(entry) -> RemovalCase:
    return RemovalCase.objects.get(entry=entry)


def test_end_of_the_listing_period_starts_removal_by_the_beat_job_and_the_reviewer_removes(client, people, record, clock):
    entry = listed_entry(people, basis=record, expires_on=D(2026, 12, 31))
    assert "listing-start-expiry-removals" in tasks.beat_schedule

    clock(datetime.datetime(2026, 12, 31, 23, 0))  # the last day of the period: still listed
    assert tasks.start_expiry_removals() == 0
    clock(datetime.datetime(2027, 1, 1, 0, 20))
    assert tasks.start_expiry_removals() == 1
    assert tasks.start_expiry_removals() == 0  # once only

    case = removal_of(entry)
    assert case.reason == R.EXPIRED and case.started_by is None and case.reference == f"YC2027{case.pk:06d}"
    assert "列入有效期至2026年12月31日，已届满" in case.statement
    review = open_task(case, RemovalFlow.review)
    assert review.department.code == "enforcement" and review.deadline.rule_key == "listing.removal"
    assert notified("task_assigned", case) == ["enf.reviewer"]

    # a fact established by the calendar: the reviewer confirms it, refusing is not offered
    task = claim(client, people.reviewer, review)
    response = submit(client, people.reviewer, task, {"decision": "refuse", "reason": "不同意。"})
    assert response.status_code == 200 and response.context["form"].errors["decision"]
    response = submit(client, people.reviewer, task, {"decision": "remove", "reason": "有效期届满，予以移出。"})
    assert response.status_code == 302, _form_errors(response)

    case.refresh_from_db()
    entry.refresh_from_db()
    assert case.status == RemovalCase.Status.REMOVED
    assert entry.status == ListEntry.Status.REMOVED and entry.removed_on == D(2027, 1, 1) and entry.removal_reason == R.EXPIRED
    assert sorted(PlatformSync.objects.filter(event="list_removal").values_list("platform", flat=True)) == ["credit.mot", "creditchina", "provincial"]
    assert notified("removal_decided", case) == ["applicant"]
    assert timeline(case) == ["started", "removed"]
    assert "移出原因：列入期限届满" in document_text(case, REMOVAL_DECISION)


def test_a_successful_repair_of_the_basis_record_removes_the_entry_resting_on_it(client, people):
    # A general penalty decided in September 2025: repairable now (2025 rules, three months' minimum), published until 2026-09.
    penalty = make_penalty(people.subject, severity="general", decision_date=D(2025, 9, 1), publish_on=D(2025, 9, 4), document_number="交执罚〔2025〕66号")
    entry = listed_entry(people, basis=penalty)
    repair_handler = people.handler  # the penalty's department decides the repair (谁认定、谁修复)

    application = file_repair(client, people.applicant, penalty, performed_on="2025-10-01")
    repair_accept(client, people.clerk, application)
    assert not RemovalCase.objects.exists()
    application = repair_decide(client, repair_handler, application, "approve", "罚款已缴清，车辆已整改。")
    assert application.status == RepairApplication.Status.APPROVED and not application.process.task_set.filter(flow_task=RepairFlow.decide, status="NEW").exists()

    case = removal_of(entry)
    assert case.reason == R.REPAIRED and case.started_by is None
    assert application.reference in case.statement and "交执罚〔2025〕66号" in case.statement
    entry.refresh_from_db()
    assert entry.status == ListEntry.Status.LISTED  # until the designating department decides

    case = reviewer_decides(client, people.reviewer, case, reason="依据记录已修复，予以移出。")
    entry.refresh_from_db()
    assert case.status == RemovalCase.Status.REMOVED and entry.status == ListEntry.Status.REMOVED and entry.removal_reason == R.REPAIRED
    assert "信用修复" in document_text(case, REMOVAL_DECISION)


def test_a_repair_during_an_expiry_removal_is_noted_on_it_not_started_twice(client, people):
    penalty = make_penalty(people.subject, severity="general", decision_date=D(2025, 9, 1), publish_on=D(2025, 9, 4))
    entry = listed_entry(people, basis=penalty, expires_on=D(2026, 6, 20))
    from processes.listing import services

    assert services.removals_start_expired(today=D(2026, 6, 21)) == 1
    application = repair_accept(client, people.clerk, file_repair(client, people.applicant, penalty, performed_on="2025-10-01"))
    repair_decide(client, people.handler, application, "approve", "已整改。")
    case = removal_of(entry)
    assert case.reason == R.EXPIRED and timeline(case) == ["started", "basis_repaired"]


def test_court_ruling_and_error_are_started_by_staff_with_evidence_and_reviewed(client, people, record):
    entry = listed_entry(people, basis=record)

    response = start_removal_page(client, people.handler, entry, reason=R.COURT_RULING, evidence=False)
    assert response.status_code == 200
    assert "司法裁判或认定错误须上传证明材料" in str(response.context["form"].errors)
    response = start_removal_page(client, people.handler, entry, reason=R.NO_LONGER_QUALIFIES)
    assert response.status_code == 200 and "reason" in response.context["form"].errors  # a red-list ground only
    assert start_removal_page(client, people.outsider, entry, reason=R.COURT_RULING).status_code == 403

    response = start_removal_page(client, people.handler, entry, reason=R.COURT_RULING)
    assert response.status_code == 302, _form_errors(response)
    case = removal_of(entry)
    assert response["Location"] == case.get_staff_url()
    assert case.started_by == people.handler and [m.name for m in case_materials(case)] == ["判决书.pdf"]
    assert start_removal_page(client, people.handler, entry, reason=R.ERROR).status_code == 200  # one removal at a time

    # the reviewer may refuse a ground staff put forward
    case = reviewer_decides(client, people.reviewer, case, decision="refuse", reason="判决仅变更罚款数额，未撤销处罚。")
    entry.refresh_from_db()
    assert case.status == RemovalCase.Status.NOT_REMOVED and entry.status == ListEntry.Status.LISTED
    assert not PlatformSync.objects.filter(event="list_removal").exists()

    response = start_removal_page(client, people.handler, entry, reason=R.ERROR, statement="认定时误将他人车辆的超限记录计入。")
    assert response.status_code == 302, _form_errors(response)
    case = RemovalCase.objects.get(entry=entry, status=RemovalCase.Status.REVIEWING)
    case = reviewer_decides(client, people.reviewer, case)
    entry.refresh_from_db()
    assert entry.status == ListEntry.Status.REMOVED and entry.removal_reason == R.ERROR
    text = document_text(case, REMOVAL_DECISION)
    assert "认定错误" in text and "误将他人车辆" in text


def test_a_red_listed_subject_that_no_longer_qualifies_is_removed(client, people):
    entry = listed_entry(people, list_kind="red", measures=("行政审批绿色通道",))
    client.force_login(people.handler)
    page = client.get(reverse("listing:removal_start", args=[entry.pk])).content.decode()
    assert "不再符合条件" in page

    response = start_removal_page(client, people.handler, entry, reason=R.NO_LONGER_QUALIFIES, statement="2026年度信用评价降为B级，不再符合红名单条件。", evidence=False)
    assert response.status_code == 302, _form_errors(response)
    case = reviewer_decides(client, people.reviewer, removal_of(entry))
    entry.refresh_from_db()
    assert case.status == RemovalCase.Status.REMOVED
    assert entry.status == ListEntry.Status.REMOVED and entry.removal_reason == R.NO_LONGER_QUALIFIES
    assert people.subject.name not in client.get(reverse("listing:public_list", args=["red"])).content.decode()
