"""The dashboard: open cases by process, department and step; overdue and soon-due cases a click away."""

import pytest
from django.urls import reverse

from processes.objection.flows import ObjectionFlow
from processes.objection.tests.support import accept, file_objection, make_record, open_task
from tests.factories import make_subject_user

from .support import D, at, freeze


@pytest.fixture
def objection(client, people, monkeypatch):
    """An objection filed on Monday 2026-03-02: the credit office's intake is due in 2 working days (03-04)."""
    freeze(monkeypatch, at(D(2026, 3, 2)))
    applicant, subject = make_subject_user(username="applicant")
    record = make_record(subject, decision_date=D(2026, 2, 2), publish_on=D(2026, 2, 3))
    objection = file_objection(client, applicant, record)
    assert open_task(objection, ObjectionFlow.intake).deadline.due_on == D(2026, 3, 4)
    return objection


def dashboard(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("oversight:dashboard"), params)
    assert response.status_code == 200
    return response


def test_open_case_is_counted_by_process_department_and_step(client, people, objection, monkeypatch):
    response = dashboard(client, people.leader)

    opened = response.context["open_cases"]
    assert opened.total == 1
    assert opened.by_process == [("异议处理", 1)]
    assert [(name, n) for _, name, n in opened.by_department] == [("法规科", 1)]
    assert opened.by_step == [("异议处理", "受理审查", 1)]
    page = response.content.decode()
    assert "异议处理·受理审查" in page and "1件" in page  # the chart's bar and its number


def test_due_soon_then_overdue_each_a_click_from_the_case(client, people, objection, monkeypatch):
    # Tuesday 03-03: due 03-04, within two working days (03-05).
    freeze(monkeypatch, at(D(2026, 3, 3)))
    response = dashboard(client, people.leader)
    assert response.context["due_soon_count"] == 1 and response.context["overdue_count"] == 0
    [row] = response.context["due_soon_rows"]
    assert (row["url"], row["case"], row["department"], row["days_left"]) == (objection.get_staff_url(), str(objection), "法规科", 1)
    assert f'href="{objection.get_staff_url()}"' in response.content.decode()

    # Friday 03-06: two days past the due date.
    freeze(monkeypatch, at(D(2026, 3, 6)))
    response = dashboard(client, people.leader)
    assert response.context["due_soon_count"] == 0 and response.context["overdue_count"] == 1
    [row] = response.context["overdue_rows"]
    assert (row["url"], row["step"], row["days_late"]) == (objection.get_staff_url(), "受理审查", 2)

    full = client.get(reverse("oversight:deadlines", args=["overdue"]))
    assert full.status_code == 200 and objection.get_staff_url() in full.content.decode()


def test_a_section_chief_sees_only_the_cases_at_their_department(client, people, objection, monkeypatch):
    freeze(monkeypatch, at(D(2026, 3, 6)))
    # The intake is the credit office's: nothing at 执法支队 yet.
    assert dashboard(client, people.chief).context["open_cases"].total == 0
    assert dashboard(client, people.chief).context["overdue_count"] == 0

    accept(client, people.credit_clerk, objection)

    response = dashboard(client, people.chief)
    assert response.context["open_cases"].by_step == [("异议处理", "核查异议（数据提供部门）", 1)]
    assert response.context["overdue_count"] == 0
