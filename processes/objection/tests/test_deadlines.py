"""Due dates of the objection's tasks in working days (工作日) on the official calendar, the
reminder one working day before, and the escalation once the due date has passed.

Time is frozen by replacing ``django.utils.timezone.now`` (everything that asks Django for
"now" or "today" goes through it), so the filing, the task's creation and the documents all
happen on the chosen Beijing date. The sweep takes its day as an argument.
"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from credit.models import CalendarDay, ProcessDeadline
from processes.common.deadlines import deadlines_sweep
from processes.common.models import CaseEvent
from processes.objection.flows import ObjectionFlow
from processes.objection.models import Objection

from .support import accept, claim, document, file_objection, notified, open_task, pdf_text, portal_page

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture
def clock(monkeypatch):
    """``clock(datetime(2026, 2, 13, 10))``: from now on it is that moment, Beijing time."""

    def set_to(moment: datetime.datetime):
        frozen = moment.replace(tzinfo=BEIJING)
        monkeypatch.setattr(timezone, "now", lambda: frozen)

    return set_to


@pytest.fixture
def spring_festival_2026(db):
    """The 2026 arrangement the calendar migration loads (国办发明电〔2025〕7号), which these tests rely on."""
    days = dict(CalendarDay.objects.filter(date__range=(D(2026, 2, 13), D(2026, 3, 1))).values_list("date", "kind"))
    assert days[D(2026, 2, 14)] == CalendarDay.Kind.WORKDAY  # Saturday, make-up working day (调休上班)
    assert all(days[D(2026, 2, day)] == CalendarDay.Kind.HOLIDAY for day in range(15, 24))  # Sun 15 – Mon 23: 春节
    assert D(2026, 2, 24) not in days  # Tuesday, an ordinary working day
    assert days[D(2026, 2, 28)] == CalendarDay.Kind.WORKDAY  # Saturday, make-up working day


@pytest.fixture
def filed_before_spring_festival(client, people, record, clock, spring_festival_2026):
    clock(datetime.datetime(2026, 2, 13, 10, 0))  # Friday before the Spring Festival holiday
    return file_objection(client, people.applicant, record)


def test_intake_is_due_two_working_days_after_filing_across_the_spring_festival(client, people, filed_before_spring_festival):
    deadline = open_task(filed_before_spring_festival, ObjectionFlow.intake).deadline

    # objection.intake = 2 working days (rule table), counted from the day after filing (Fri 2026-02-13):
    #   Sat 02-14 is a make-up working day  → working day 1
    #   Sun 02-15 … Mon 02-23 are the Spring Festival holiday
    #   Tue 02-24                           → working day 2: the due date
    assert deadline.working_days == 2
    assert deadline.due_on == D(2026, 2, 24)
    # the reminder goes out on the working day before the due date, which is that make-up Saturday
    assert deadline.remind_on == D(2026, 2, 14)
    assert deadline.provisional is False and deadline.department.code == "legal"

    # what the clerks see: the due date in the queue and in the notice of the new task
    assert "2026-02-24" in _workbench_html(client, people.clerk)
    assigned = people.clerk.notifications.get(event="task_assigned")
    assert "请在2026年2月24日前办理" in assigned.body


def test_verification_is_due_ten_working_days_after_acceptance_counting_make_up_saturdays(client, people, filed_before_spring_festival):
    objection = accept(client, people.clerk, filed_before_spring_festival)  # accepted the same Friday, 2026-02-13
    deadline = open_task(objection, ObjectionFlow.verify).deadline

    # objection.verify = 10 working days from Fri 2026-02-13:
    #   Sat 02-14 (调休) 1 · [02-15 … 02-23 holiday] · Tue 24 2 · Wed 25 3 · Thu 26 4 · Fri 27 5 ·
    #   Sat 02-28 (调休) 6 · [Sun 03-01] · Mon 03-02 7 · Tue 03 8 · Wed 04 9 · Thu 03-05 10
    assert deadline.working_days == 10 and deadline.due_on == D(2026, 3, 5)
    assert deadline.remind_on == D(2026, 3, 4) and deadline.department.code == "enforcement"


def test_supplement_due_date_defaults_to_the_rule_table(client, people, filed_before_spring_festival):
    objection = filed_before_spring_festival
    intake = claim(client, people.clerk, open_task(objection, ObjectionFlow.intake))
    client.force_login(people.clerk)
    response = client.post(intake.flow_task.reverse("execute", args=[intake.process_id, intake.pk]), {"decision": "supplement", "reason": "请补充行政复议决定书。", "due_on": ""})
    assert response.status_code == 302

    objection.refresh_from_db()
    # objection.supplement = 5 working days from Fri 02-13: Sat 14 (调休) 1, Tue 24 2, Wed 25 3, Thu 26 4, Fri 27 5
    assert objection.supplement_due_on == D(2026, 2, 27)
    notice = pdf_text(document(objection, "补正材料通知书").file.read())
    assert "请于2026年02月27日前通过信用主体门户提交" in notice
    assert "2026-02-27" in portal_page(client, people.applicant, objection)


def test_reminder_goes_once_to_the_role_holders_one_working_day_before(client, people, filed_before_spring_festival):
    objection = filed_before_spring_festival

    assert deadlines_sweep(today=D(2026, 2, 13)) == {"reminded": 0, "escalated": 0}  # filing day: too early
    assert deadlines_sweep(today=D(2026, 2, 14)) == {"reminded": 1, "escalated": 0}
    # nobody has claimed it: every intake clerk of the credit office is reminded, nobody else
    assert notified("task_reminder", objection) == ["legal.clerk", "legal.clerk2"]
    reminder = people.clerk.notifications.get(event="task_reminder")
    assert "受理审查" in reminder.title and "2026年2月24日" in reminder.body

    assert deadlines_sweep(today=D(2026, 2, 14)) == {"reminded": 0, "escalated": 0}  # the sweep runs every 15 minutes
    assert deadlines_sweep(today=D(2026, 2, 24)) == {"reminded": 0, "escalated": 0}  # due today: not yet overdue
    assert notified("task_reminder", objection) == ["legal.clerk", "legal.clerk2"]
    assert notified("task_escalated", objection) == []


def test_reminder_goes_to_the_owner_alone_once_the_task_is_claimed(client, people, filed_before_spring_festival):
    claim(client, people.clerk2, open_task(filed_before_spring_festival, ObjectionFlow.intake))

    deadlines_sweep(today=D(2026, 2, 14))

    assert notified("task_reminder", filed_before_spring_festival) == ["legal.clerk2"]


def test_overdue_task_is_escalated_once_to_reviewer_and_leader_without_taking_it_from_its_owner(client, people, filed_before_spring_festival, clock):
    objection = filed_before_spring_festival
    intake = claim(client, people.clerk, open_task(objection, ObjectionFlow.intake))

    assert deadlines_sweep(today=D(2026, 2, 25)) == {"reminded": 0, "escalated": 1}  # the day after the due date

    # the credit office's reviewer and leader are told; the enforcement detachment's leader is not
    assert notified("task_escalated", objection) == ["legal.leader", "legal.reviewer"]
    escalation = people.legal_leader.notifications.get(event="task_escalated")
    assert "逾期督办" in escalation.title and "2026年2月24日" in escalation.body
    intake.refresh_from_db()
    assert intake.owner == people.clerk and intake.status == STATUS.ASSIGNED
    [event] = CaseEvent.objects.filter(object_id=str(objection.pk), content_type__model="objection", action="escalated")
    assert event.label == "“受理审查”超过办理期限（2026年02月24日），已督办"
    assert event.actor_label == "系统" and event.visible_to_subject is False

    assert deadlines_sweep(today=D(2026, 2, 26)) == {"reminded": 0, "escalated": 0}
    assert deadlines_sweep(today=D(2026, 3, 2)) == {"reminded": 0, "escalated": 0}
    assert notified("task_escalated", objection) == ["legal.leader", "legal.reviewer"]

    # what the people involved see a day after the due date
    clock(datetime.datetime(2026, 2, 25, 9, 0))
    assert "已超期督办" in _staff_page(client, people.legal_reviewer, objection)
    assert "已超期" in _workbench_html(client, people.clerk)
    assert "超过办理期限" not in portal_page(client, people.applicant, objection)


def test_overdue_verification_is_escalated_in_the_source_department(client, people, filed_before_spring_festival):
    objection = accept(client, people.clerk, filed_before_spring_festival)

    deadlines_sweep(today=D(2026, 3, 6))  # verification was due Thu 2026-03-05

    assert notified("task_escalated", objection) == ["enf.leader", "enf.reviewer"]
    assert people.leader.notifications.get(event="task_escalated").title == "逾期督办：核查异议（数据提供部门）"


def test_a_task_done_in_time_is_neither_reminded_nor_escalated(client, people, filed_before_spring_festival):
    objection = accept(client, people.clerk, filed_before_spring_festival)  # intake done on the filing day

    deadlines_sweep(today=D(2026, 2, 14))  # intake's reminder day
    deadlines_sweep(today=D(2026, 2, 25))  # the day after intake's due date; verification is due 03-05

    assert notified("task_reminder", objection) == [] and notified("task_escalated", objection) == []


def test_regime_is_that_in_force_on_the_beijing_filing_date(client, people, record, clock):
    # The administrator sets a longer intake period in the order 36 regime (in force from 2026-04-01).
    ProcessDeadline.objects.filter(rule_version__code="2026-order36", key="objection.intake").update(working_days=3)
    # 07:30 on 1 April in Beijing is still 31 March in UTC, under the older regime (2 working days).
    clock(datetime.datetime(2026, 4, 1, 7, 30))

    objection = file_objection(client, people.applicant, record)

    deadline = open_task(objection, ObjectionFlow.intake).deadline
    # order 36: 3 working days from Wed 04-01: Thu 04-02 1, Fri 04-03 2, [Sat 04-04 – Mon 04-06 清明节], Tue 04-07 3
    assert deadline.working_days == 3 and deadline.due_on == D(2026, 4, 7)


def test_due_date_beyond_the_published_calendar_is_marked_provisional(client, people, record, clock):
    clock(datetime.datetime(2026, 12, 30, 9, 0))  # Wednesday; the 2027 arrangement is not published yet

    objection = file_objection(client, people.applicant, record)

    deadline = open_task(objection, ObjectionFlow.intake).deadline
    # Thu 12-31 1, Fri 2027-01-01 2: counted by weekends alone (New Year's Day is not entered for 2027)
    assert deadline.due_on == D(2027, 1, 1) and deadline.provisional is True
    assert "2027-01-01（暂定）" in _workbench_html(client, people.clerk)


def _workbench_html(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("workbench:home")).content.decode()


def _staff_page(client, user, objection: Objection) -> str:
    client.force_login(user)
    response = client.get(objection.get_staff_url())
    assert response.status_code == 200
    return response.content.decode()
