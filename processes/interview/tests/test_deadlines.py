"""Dates in the interview: the rule table's periods, the no-show on the day after an unconfirmed
interview, the follow-up on the promised rectification date, reminders and escalation.

Time travels: ``clock`` freezes Django's "now" (documents, task creation and due dates follow
it) and the periodic sweep is called for the day it would run on.
"""

import datetime

import pytest

from credit.models import ProcessDeadline
from credit.rules import rule_version_for
from processes.common.deadlines import deadlines_sweep
from processes.common.models import CaseEvent
from processes.interview import tasks
from processes.interview.flows import InterviewFlow
from processes.interview.models import WarningInterview
from processes.interview.services import interviews_sweep

from .support import D, act, hold, notified, open_nodes, open_task, portal_confirm, portal_page, send_notice, start_interview, workbench

S = WarningInterview.Status
pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def notice_sent(client, people, listed):
    """Monday 2026-03-02: the notice goes out for Thursday 2026-03-05 09:30."""
    return send_notice(client, people.handler, start_interview(client, people.handler, list_entry=listed))


@pytest.fixture
def minutes_in(client, people, notice_sent, clock):
    """Confirmed, held on Thursday 2026-03-05; rectification promised by Friday 2026-04-03."""
    portal_confirm(client, people.company, notice_sent)
    clock(datetime.datetime(2026, 3, 5, 11, 0))
    return hold(client, people.handler, notice_sent, due_on="2026-04-03")


# --- the rule table --------------------------------------------------------------------------


def test_periods_come_from_the_rule_table_and_change_with_it(client, people, listed, dishonesty):
    version = rule_version_for(D(2026, 3, 2))
    ProcessDeadline.objects.filter(rule_version=version, key="interview.hold").update(working_days=5)
    ProcessDeadline.objects.filter(rule_version=version, key="interview.confirm").update(working_days=1)

    interview = start_interview(client, people.handler, list_entry=listed)
    # interview.hold = 5 working days from Monday 03-02: Monday 03-09
    assert open_task(interview, InterviewFlow.prepare).deadline.due_on == D(2026, 3, 9)
    interview = send_notice(client, people.handler, interview, when="2026-03-06 09:30")
    # interview.confirm = 1 working day from Monday: Tuesday 03-03
    assert interview.confirm_due_on == D(2026, 3, 3)


def test_the_subject_is_never_asked_to_confirm_after_the_interview_day(client, people, listed):
    interview = send_notice(client, people.handler, start_interview(client, people.handler, list_entry=listed), when="2026-03-03 15:00")

    # interview.confirm would be Thursday 03-05; the interview is on Tuesday 03-03
    assert interview.confirm_due_on == D(2026, 3, 3)


# --- the no-show on its date --------------------------------------------------------------------------


def test_an_unconfirmed_interview_becomes_a_no_show_the_day_after_and_goes_to_the_leader(client, people, notice_sent, clock):
    assert interviews_sweep(today=D(2026, 3, 4)) == {"followups": 0, "no_shows": 0}
    assert interviews_sweep(today=D(2026, 3, 5)) == {"followups": 0, "no_shows": 0}  # the interview day itself is given whole
    assert notified("interview_no_show_escalated") == []

    clock(datetime.datetime(2026, 3, 6, 0, 20))
    assert interviews_sweep(today=D(2026, 3, 6)) == {"followups": 0, "no_shows": 1}

    interview = WarningInterview.objects.get(pk=notice_sent.pk)
    assert interview.status == S.NO_SHOW
    assert interview.no_show_note == "约谈日期已过，信用主体既未确认参加，也未由工作人员登记到场。"
    assert notified("interview_no_show_escalated", interview) == ["enf.leader"]
    escalation = people.leader.notifications.get(event="interview_no_show_escalated")
    assert escalation.title == f"约谈对象未到场，请决定：{interview.reference}" and "2026年3月5日 09:30" in escalation.body
    assert open_nodes(interview) == ["leader_decide"]
    assert interview in workbench(client, people.leader)["queue"]
    no_show = CaseEvent.objects.get(object_id=str(interview.pk), content_type__model="warninginterview", action="no_show")
    assert no_show.actor_label == "系统" and no_show.visible_to_subject
    assert "未到场，待负责人决定" in portal_page(client, people.company, interview)

    # the sweep runs every hour: nothing is recorded or told twice
    assert interviews_sweep(today=D(2026, 3, 6)) == {"followups": 0, "no_shows": 0}
    assert interviews_sweep(today=D(2026, 3, 9)) == {"followups": 0, "no_shows": 0}
    assert notified("interview_no_show_escalated", interview) == ["enf.leader"]


def test_a_confirmed_interview_is_not_taken_for_a_no_show(client, people, notice_sent):
    portal_confirm(client, people.company, notice_sent)

    assert interviews_sweep(today=D(2026, 3, 20)) == {"followups": 0, "no_shows": 0}
    notice_sent.refresh_from_db()
    assert notice_sent.status == S.CONFIRMED and open_nodes(notice_sent) == ["hold"]


def test_a_rescheduled_interview_is_judged_by_its_new_date(client, people, notice_sent, clock):
    clock(datetime.datetime(2026, 3, 6, 9, 0))
    interviews_sweep(today=D(2026, 3, 6))
    interview = act(client, people.leader, notice_sent, InterviewFlow.leader_decide, {"decision": "reschedule", "comment": "书面送达后再约。"})
    interview = send_notice(client, people.handler, interview, when="2026-03-12 09:30")

    assert interviews_sweep(today=D(2026, 3, 12)) == {"followups": 0, "no_shows": 0}
    assert interviews_sweep(today=D(2026, 3, 13)) == {"followups": 0, "no_shows": 1}
    assert notified("interview_no_show_escalated", interview) == ["enf.leader", "enf.leader"]


# --- the follow-up on the rectification due date ----------------------------------------------------------


def test_the_follow_up_task_comes_on_the_promised_date_due_by_the_rule_table_across_holidays(client, people, minutes_in, clock):
    assert interviews_sweep(today=D(2026, 4, 2)) == {"followups": 0, "no_shows": 0}
    assert open_nodes(minutes_in) == ["await_followup_date"]

    clock(datetime.datetime(2026, 4, 3, 0, 20))
    assert interviews_sweep(today=D(2026, 4, 3)) == {"followups": 1, "no_shows": 0}

    task = open_task(minutes_in, InterviewFlow.followup)
    # interview.followup = 20 working days from Friday 04-03, over 清明 (04-04 … 04-06) and 劳动节 (05-01 … 05-05):
    #   Apr 7–10: 4 · Apr 13–17: 9 · Apr 20–24: 14 · Apr 27–30: 18 · May 6: 19 · Thu May 7: 20
    assert task.deadline.rule_key == "interview.followup" and task.deadline.due_on == D(2026, 5, 7)
    assert task.deadline.remind_on == D(2026, 5, 6) and task.deadline.department.code == "enforcement"
    assert notified("task_assigned", minutes_in).count("enf.handler") == 3  # notice, interview, follow-up
    assert "followup_due" in [e.action for e in CaseEvent.objects.filter(object_id=str(minutes_in.pk), content_type__model="warninginterview")]
    assert interviews_sweep(today=D(2026, 4, 3)) == {"followups": 0, "no_shows": 0}


def test_a_late_sweep_still_brings_the_follow_up(client, people, minutes_in, clock):
    clock(datetime.datetime(2026, 4, 8, 9, 0))  # the beat was down over the holiday

    assert interviews_sweep(today=D(2026, 4, 8)) == {"followups": 1, "no_shows": 0}
    assert open_nodes(minutes_in) == ["followup"]


def test_the_periodic_task_runs_the_sweep_and_is_scheduled(client, people, minutes_in, clock, monkeypatch):
    clock(datetime.datetime(2026, 4, 3, 0, 20))

    assert tasks.sweep_interviews.apply().get() == {"followups": 1, "no_shows": 0}
    assert tasks.beat_schedule["interview-sweep"]["task"] == "interview.sweep"


# --- reminders and escalation of the department's own tasks ------------------------------------------------


def test_an_overdue_notice_task_is_escalated_to_the_departments_reviewer_and_leader(client, people, listed):
    interview = start_interview(client, people.handler, list_entry=listed)  # prepare due Monday 03-16

    assert deadlines_sweep(today=D(2026, 3, 13)) == {"reminded": 1, "escalated": 0}
    assert notified("task_reminder", interview) == ["enf.handler", "enf.handler2"]
    assert deadlines_sweep(today=D(2026, 3, 17)) == {"reminded": 0, "escalated": 1}
    assert notified("task_escalated", interview) == ["enf.leader", "enf.reviewer"]
