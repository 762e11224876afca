"""Who may see and do what in an interview, as the pages answer it."""

import datetime

import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from processes.interview.flows import InterviewFlow
from processes.interview.models import WarningInterview
from processes.interview.services import interviews_sweep

from .support import claim, open_task, portal_confirm, send_notice, start, start_interview, submit, task_url, workbench

pytestmark = pytest.mark.usefixtures("monday")
LOGIN = "/accounts/login/"
S = WarningInterview.Status


@pytest.fixture
def case(client, people, listed):
    """A notice sent by the enforcement detachment, waiting for the subject's confirmation."""
    return send_notice(client, people.handler, start_interview(client, people.handler, list_entry=listed))


# --- subjects ---------------------------------------------------------------------------------


def test_another_subjects_user_gets_404_on_the_case_and_cannot_confirm_it(client, people, case):
    client.force_login(people.stranger)

    assert client.get(case.get_absolute_url()).status_code == 404
    assert portal_confirm(client, people.stranger, case).status_code == 404
    assert case.reference not in client.get(reverse("portal:home")).content.decode()
    case.refresh_from_db()
    assert case.status == S.NOTIFIED


def test_a_subjects_user_is_kept_off_the_staff_pages(client, people, case):
    client.force_login(people.company)

    for url in (case.get_staff_url(), reverse("interview:staff_list"), reverse("interview:staff_start"), reverse("interview:import")):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("interview:staff_confirm", args=[case.pk]), {"note": "电话确认"}).status_code == 403
    case.refresh_from_db()
    assert case.status == S.NOTIFIED


def test_anonymous_visitors_are_sent_to_log_in(client, case):
    client.logout()
    for url in (case.get_absolute_url(), case.get_staff_url(), reverse("interview:staff_start")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url
    assert client.post(reverse("interview:portal_confirm", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.status == S.NOTIFIED


# --- staff --------------------------------------------------------------------------------------


def test_a_department_not_involved_neither_sees_nor_acts_on_the_case(client, people, case):
    client.force_login(people.outsider)

    assert client.get(case.get_staff_url()).status_code == 403
    assert client.post(reverse("interview:staff_confirm", args=[case.pk]), {"note": "电话确认"}).status_code == 403
    assert case not in workbench(client, people.outsider)["queue"]
    assert case.reference not in client.get(reverse("interview:staff_list")).content.decode()
    # nor through viewflow's own pages
    assert client.get(f"/workflow/credit_processes/interview/{case.process_id}/").status_code in (403, 404)
    case.refresh_from_db()
    assert case.status == S.NOTIFIED


def test_the_credit_office_follows_every_interview(client, people, case):
    client.force_login(people.clerk)

    assert client.get(case.get_staff_url()).status_code == 200
    assert case.reference in client.get(reverse("interview:staff_list")).content.decode()


def test_only_the_designating_department_starts_an_interview(client, people, listed):
    response = start(client, people.outsider, list_entry=listed)

    assert response.status_code == 403
    assert not WarningInterview.objects.exists()
    # the credit office leads credit work and may start one for the department
    client.force_login(people.clerk)
    interview = start_interview(client, people.clerk, list_entry=listed)
    assert interview.department.code == "enforcement"


def test_a_task_claimed_by_one_handler_cannot_be_completed_by_another(client, people, listed):
    interview = start_interview(client, people.handler, list_entry=listed)
    task = claim(client, people.handler, open_task(interview, InterviewFlow.prepare))

    response = submit(client, people.handler2, task, {"kind": "warning", "scheduled_at": "2026-03-05 09:30", "place": "三楼", "matter": "督促"})

    assert response.status_code in (302, 403)
    task.refresh_from_db()
    interview.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and interview.status == S.PREPARING


def test_another_departments_handler_cannot_take_the_notice_task(client, people, listed):
    interview = start_interview(client, people.handler, list_entry=listed)
    task = open_task(interview, InterviewFlow.prepare)
    client.force_login(people.outsider)

    client.post(task_url(task, "assign"))

    task.refresh_from_db()
    assert task.owner is None and task.status == STATUS.NEW


def test_the_leaders_decision_is_for_the_leader_of_the_designating_department(client, people, case, clock):
    clock(datetime.datetime(2026, 3, 6, 9, 0))
    interviews_sweep(today=datetime.date(2026, 3, 6))
    task = open_task(case, InterviewFlow.leader_decide)

    for user in (people.transport_leader, people.legal_leader, people.reviewer):
        client.force_login(user)
        client.post(task_url(task, "assign"))
        task.refresh_from_db()
        assert task.owner is None, user
    assert case in workbench(client, people.leader)["queue"]
    assert case not in workbench(client, people.transport_leader)["queue"]
