"""Every branch of the interview, end to end through HTTP: staff pages, viewflow's task pages, the portal.

Time is frozen (``clock``) on Monday 2026-03-02 09:00 Beijing time unless a test moves it.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils.timezone import localtime
from viewflow.workflow.status import STATUS

from credit.models import CreditRecord, InterviewRecord, ListEntry, PlatformSync, RecordStatus
from processes.common.models import Material
from processes.interview.flows import InterviewFlow
from processes.interview.models import WarningInterview
from processes.interview.services import interviews_sweep

from .support import (
    D,
    MINUTES,
    NOTICE,
    act,
    claim,
    document_titles,
    documents,
    hold,
    make_dishonesty,
    make_list_entry,
    notified,
    open_nodes,
    open_task,
    pdf_text,
    portal_confirm,
    portal_page,
    send_notice,
    staff_page,
    start,
    start_interview,
    submit,
    timeline,
    workbench,
)

S = WarningInterview.Status
pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def started(client, people, listed):
    return start_interview(client, people.handler, list_entry=listed, kind="warning")


@pytest.fixture
def notified_case(client, people, started):
    return send_notice(client, people.handler, started)


@pytest.fixture
def confirmed(client, people, notified_case, clock):
    clock(datetime.datetime(2026, 3, 3, 10, 0))
    response = portal_confirm(client, people.company, notified_case, note="法定代表人王某本人参加。")
    assert response.status_code == 302
    notified_case.refresh_from_db()
    return notified_case


# --- starting ---------------------------------------------------------------------------------


def test_an_interview_started_from_a_list_entry_goes_to_the_designating_departments_handlers(client, people, started, listed):
    assert started.status == S.PREPARING
    assert started.department.code == "enforcement" and started.origin == WarningInterview.Origin.LIST_ENTRY
    assert started.list_entry == listed and started.basis == "一年内三次超限超载运输"
    assert started.reference.startswith("YT2026")

    # 谁认定、谁约谈: the enforcement detachment's handlers have the notice to send, nobody else
    task = open_task(started, InterviewFlow.prepare)
    assert task.department.code == "enforcement" and task.owner is None
    assert started in workbench(client, people.handler2)["queue"]
    assert started not in workbench(client, people.outsider)["queue"]
    assert notified("task_assigned", started) == ["enf.handler", "enf.handler2"]
    # interview.hold: 10 working days from Monday 2026-03-02
    assert task.deadline.rule_key == "interview.hold" and task.deadline.due_on == D(2026, 3, 16)

    # nothing for the subject to see before the notice goes out
    client.force_login(people.company)
    assert client.get(started.get_absolute_url()).status_code == 404
    assert started.reference not in client.get(reverse("portal:home")).content.decode()


def test_an_interview_started_from_a_dishonesty_record_goes_to_the_department_that_produced_it(client, people):
    record = make_dishonesty(people.subject, department="transport", document_number="交运失〔2026〕9号")

    interview = start_interview(client, people.outsider, record=record, kind="prompt")

    assert interview.department.code == "transport" and interview.source_record == record
    assert interview.basis == "违反信用承诺，未按期补齐容缺材料（交运失〔2026〕9号）"
    assert open_task(interview, InterviewFlow.prepare).department.code == "transport"
    assert interview not in workbench(client, people.handler)["queue"]


def test_starting_is_refused_with_every_reason_for_a_basis_that_does_not_qualify(client, people):
    red = make_list_entry(people.subject, kind=ListEntry.ListKind.RED, listed=False, reason="守信激励")

    response = start(client, people.handler, list_entry=red)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert "红名单（守信激励）主体不适用约谈。" in errors
    assert "该名单当前为“拟列入”，已列入的名单才能约谈。" in errors
    penalty = make_dishonesty(people.subject, kind="penalty", severity="general")
    response = start(client, people.handler, record=penalty)
    assert "只能依据失信记录发起约谈，所选记录为行政处罚。" in response.context["form"].non_field_errors()
    assert not WarningInterview.objects.exists()


def test_a_basis_with_an_open_interview_cannot_start_another(client, people, started, listed):
    response = start(client, people.handler2, list_entry=listed)

    assert response.status_code == 200
    assert f"该依据已有进行中的约谈（{started.reference}）。" in response.context["form"].non_field_errors()
    assert WarningInterview.objects.count() == 1


def test_the_start_page_lists_a_subjects_records_and_lists_to_interview_on(client, people, listed, dishonesty):
    client.force_login(people.handler)
    page = client.get(reverse("interview:staff_start"), {"q": people.subject.uscc}).content.decode()

    assert people.subject.name in page and "一年内三次超限超载运输" in page and "交执失〔2026〕3号" in page


# --- the notice and the confirmation -------------------------------------------------------------


def test_the_notice_is_issued_the_subject_told_and_asked_to_confirm_within_the_rule_tables_days(client, people, notified_case):
    interview = notified_case
    assert interview.status == S.NOTIFIED
    assert localtime(interview.scheduled_at).isoformat() == "2026-03-05T09:30:00+08:00" and interview.place == "市交通运输局三楼约谈室"
    # interview.confirm: 3 working days from Monday 03-02 is Thursday 03-05, the interview day itself
    assert interview.confirm_due_on == D(2026, 3, 5)
    assert document_titles(interview) == [NOTICE]
    assert notified("interview_notified", interview) == ["company", "company.colleague"]
    message = people.company.notifications.get(event="interview_notified")
    assert "约谈通知：警示约谈" in message.title and "2026年3月5日 09:30" in message.body and "市交通运输局三楼约谈室" in message.body
    # the flow waits on the subject: no human task open
    assert open_nodes(interview) == ["await_confirmation"]

    page = portal_page(client, people.company, interview)
    assert "确认参加约谈" in page and "约谈通知书" in page and "2026-03-05 09:30" in page
    assert interview.reference in client.get(reverse("portal:home")).content.decode()


def test_the_notice_needs_a_future_time_a_place_and_a_matter_all_reported_at_once(client, people, started):
    task = claim(client, people.handler, open_task(started, InterviewFlow.prepare))

    response = submit(client, people.handler, task, {"kind": "warning", "scheduled_at": "2026-03-01 09:00", "place": " ", "matter": " "})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["scheduled_at"] == ["约谈时间应晚于现在。"]
    assert "place" in errors and "matter" in errors
    task.refresh_from_db()
    started.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and started.status == S.PREPARING and document_titles(started) == []


def test_the_subjects_confirmation_in_the_portal_puts_the_interview_in_the_handlers_queue(client, people, confirmed):
    interview = confirmed
    assert interview.status == S.CONFIRMED
    assert interview.confirmation_channel == WarningInterview.Confirmation.PORTAL and interview.confirmed_by == people.company
    assert interview.confirmation_note == "法定代表人王某本人参加。"
    task = open_task(interview, InterviewFlow.hold)
    assert task.department.code == "enforcement"
    assert notified("interview_confirmed", interview) == ["company", "company.colleague", "enf.handler", "enf.handler2"]
    assert "confirmed" in timeline(interview, for_subject=True)
    assert 'id="confirm-form"' not in portal_page(client, people.company, interview)  # nothing left to confirm


def test_staff_record_a_confirmation_given_by_phone(client, people, notified_case):
    client.force_login(people.handler2)
    assert "代为登记确认" in staff_page(client, people.handler2, notified_case)

    response = client.post(reverse("interview:staff_confirm", args=[notified_case.pk]), {"note": "3月3日电话确认，法定代表人参加。"})

    assert response.status_code == 302
    notified_case.refresh_from_db()
    assert notified_case.status == S.CONFIRMED and notified_case.confirmation_channel == WarningInterview.Confirmation.STAFF
    assert notified_case.confirmed_by == people.handler2
    assert open_nodes(notified_case) == ["hold"]
    assert "工作人员代为登记" in portal_page(client, people.company, notified_case)


def test_a_staff_confirmation_without_saying_how_is_refused(client, people, notified_case):
    client.force_login(people.handler)
    client.post(reverse("interview:staff_confirm", args=[notified_case.pk]), {"note": ""})

    notified_case.refresh_from_db()
    assert notified_case.status == S.NOTIFIED


# --- held, minutes, follow-up -------------------------------------------------------------------------


def test_held_interview_minutes_go_into_the_credit_file_and_the_provincial_report(client, people, confirmed, clock):
    clock(datetime.datetime(2026, 3, 5, 11, 0))

    interview = hold(client, people.handler, confirmed)

    assert interview.status == S.FOLLOW_UP
    record = interview.interview_record
    assert record.kind == InterviewRecord.Kind.WARNING and record.department.code == "enforcement"
    assert record.rectification_due_on == D(2026, 4, 3) and record.rectified is None
    assert localtime(record.held_at).isoformat() == "2026-03-05T09:30:00+08:00"
    # the entry in the subject's credit file, published and numbered like the minutes
    [minutes] = documents(interview, MINUTES)
    credit = CreditRecord.objects.get(pk=record.record_id)
    assert credit.kind == "interview" and credit.status == RecordStatus.PUBLISHED and credit.subject == people.subject
    assert credit.document_number == minutes.number and credit.decision_date == D(2026, 3, 5)
    assert float(credit.completeness) == 1.0
    # queued for the provincial report, once
    [sync] = PlatformSync.objects.filter(event="interview_report")
    assert sync.platform == "provincial" and sync.idempotency_key == f"interview:{interview.pk}:provincial:report"
    assert sync.payload["minutes_number"] == minutes.number and sync.payload["rectification_due_on"] == "2026-04-03"
    # the signed original is kept with the case
    [signed] = Material.objects.filter(object_id=str(interview.pk), content_type__model="warninginterview")
    assert signed.name == "约谈记录（签字）.pdf" and signed.kind == Material.Kind.OTHER
    assert notified("interview_held", interview) == ["company", "company.colleague"]
    # the flow waits for the rectification due date
    assert open_nodes(interview) == ["await_followup_date"]
    page = portal_page(client, people.company, interview)
    assert "整改跟踪中" in page and "约谈记录" in page and "2026-04-03" in page
    client.force_login(people.company)
    assert "约谈记录" in client.get(reverse("portal:home")).content.decode()  # the credit file lists it


def test_follow_up_on_the_due_date_records_the_rectification_and_closes_the_case(client, people, confirmed, clock):
    clock(datetime.datetime(2026, 3, 5, 11, 0))
    interview = hold(client, people.handler, confirmed)
    clock(datetime.datetime(2026, 4, 3, 8, 0))
    assert interviews_sweep(today=D(2026, 4, 3)) == {"followups": 1, "no_shows": 0}
    assert open_task(interview, InterviewFlow.followup).department.code == "enforcement"

    interview = act(client, people.handler2, interview, InterviewFlow.followup, {"rectified": "yes", "note": "已安装车辆动态监控并提交整改报告，现场核实属实。"})

    assert interview.status == S.CLOSED and interview.result_label == "已办结（已按期整改）"
    interview.interview_record.refresh_from_db()
    assert interview.interview_record.rectified is True
    sync = PlatformSync.objects.get(event="interview_followup")
    assert sync.payload["rectified"] is True and sync.idempotency_key == f"interview:{interview.pk}:provincial:followup"
    assert notified("interview_closed", interview) == ["company", "company.colleague"]
    assert open_nodes(interview) == []
    assert "已按期整改" in portal_page(client, people.company, interview)


def test_follow_up_can_find_the_rectification_not_done(client, people, confirmed, clock):
    clock(datetime.datetime(2026, 3, 5, 11, 0))
    interview = hold(client, people.handler, confirmed)
    clock(datetime.datetime(2026, 4, 7, 8, 0))
    interviews_sweep(today=D(2026, 4, 7))

    interview = act(client, people.handler, interview, InterviewFlow.followup, {"rectified": "no", "note": "未提交整改报告，电话催告无果。"})

    assert interview.status == S.CLOSED and interview.result_label == "已办结（未按期整改）"
    assert PlatformSync.objects.get(event="interview_followup").payload["rectified"] is False


def test_an_interview_without_a_promised_rectification_closes_when_the_minutes_are_in(client, people, confirmed, clock):
    clock(datetime.datetime(2026, 3, 5, 11, 0))

    interview = hold(client, people.handler, confirmed, rectification="", due_on="")

    assert interview.status == S.CLOSED and interview.result_label == "已办结（约谈完毕，无整改事项）"
    assert open_nodes(interview) == []
    assert interviews_sweep(today=D(2026, 12, 31)) == {"followups": 0, "no_shows": 0}
    assert PlatformSync.objects.filter(event="interview_report").count() == 1


def test_minutes_need_every_part_and_the_signed_copy_all_reported_at_once(client, people, confirmed, clock):
    clock(datetime.datetime(2026, 3, 5, 11, 0))
    task = claim(client, people.handler, open_task(confirmed, InterviewFlow.hold))

    response = submit(client, people.handler, task, {
        "outcome": "held", "held_at": "2026-03-05 14:00", "attendees": "", "minutes": "", "rectification": "整改", "rectification_due_on": "",
    })

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["held_at"] == ["约谈时间不能晚于现在：请在约谈举行后录入约谈记录。"]
    assert errors["attendees"] == ["请填写参加人员（双方）。"] and errors["minutes"] == ["请填写约谈内容（谈话要点）。"]
    assert errors["rectification_due_on"] == ["请填写承诺的整改期限。"]
    assert "请上传经双方签字的约谈记录（PDF、JPEG 或 PNG）。" in response.context["form"].non_field_errors()
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED and not InterviewRecord.objects.exists() and document_titles(confirmed) == [NOTICE]


# --- no-show: the leader decides ---------------------------------------------------------------------------


@pytest.fixture
def no_show(client, people, confirmed, clock):
    clock(datetime.datetime(2026, 3, 5, 11, 0))
    return act(client, people.handler, confirmed, InterviewFlow.hold, {"outcome": "no_show", "no_show_note": "约定时间未到场，未请假，电话无人接听。"})


def test_a_no_show_is_recorded_and_goes_to_the_departments_leader(client, people, no_show):
    assert no_show.status == S.NO_SHOW and no_show.no_show_note == "约定时间未到场，未请假，电话无人接听。"
    assert not InterviewRecord.objects.exists()
    # escalation: the enforcement detachment's leader (not the credit office's, not another department's)
    assert notified("interview_no_show_escalated", no_show) == ["enf.leader"]
    task = open_task(no_show, InterviewFlow.leader_decide)
    assert task.department.code == "enforcement" and task.role == "leader"
    assert no_show in workbench(client, people.leader)["queue"]
    assert no_show not in workbench(client, people.handler)["queue"]
    assert notified("interview_missed", no_show) == ["company", "company.colleague"]
    assert "no_show" in timeline(no_show, for_subject=True)
    assert "escalated_to_leader" in timeline(no_show) and "escalated_to_leader" not in timeline(no_show, for_subject=True)


def test_the_leader_has_the_interview_rescheduled_with_a_new_notice(client, people, no_show, clock):
    interview = act(client, people.leader, no_show, InterviewFlow.leader_decide, {"decision": "reschedule", "comment": "再约一次，书面送达。"})

    assert interview.status == S.PREPARING and interview.leader_decision == "reschedule"
    interview = send_notice(client, people.handler, interview, when="2026-03-12 09:30")
    assert interview.status == S.NOTIFIED and interview.notice_count == 2 and interview.confirmed_at is None
    assert [d.title for d in documents(interview, NOTICE)] == [NOTICE, NOTICE]
    assert "2026年3月12日09:30" in pdf_text(documents(interview, NOTICE)[1].file.read())


def test_the_leader_can_close_the_case_with_the_no_show_on_record(client, people, no_show):
    interview = act(client, people.leader, no_show, InterviewFlow.leader_decide, {"decision": "close", "comment": "未到场记录在案，纳入重点监管。"})

    assert interview.status == S.CLOSED_NO_SHOW and interview.result_label == "未到场，已办结"
    assert open_nodes(interview) == []
    assert notified("interview_closed", interview) == ["company", "company.colleague"]
    assert "未到场，已办结" in portal_page(client, people.company, interview)


def test_a_handler_cannot_take_the_leaders_decision(client, people, no_show):
    task = open_task(no_show, InterviewFlow.leader_decide)
    client.force_login(people.handler)

    response = client.post(task.flow_task.reverse("assign", args=[task.process_id, task.pk]))

    task.refresh_from_db()
    assert response.status_code in (302, 403) and task.owner is None
