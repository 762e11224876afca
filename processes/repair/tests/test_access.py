"""Who may see and do what in a repair case, as the pages answer it."""

import datetime

import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from processes.repair.flows import RepairFlow
from processes.repair.models import RepairApplication

from .support import ACCEPTANCE, accept, claim, document, download, file_repair, open_task, portal_file, submit, task_url, workbench

LOGIN = "/accounts/login/"
S = RepairApplication.Status


@pytest.fixture
def case(client, people, record, clock):
    """An accepted case: its decision task waits in the enforcement detachment's queue."""
    clock(datetime.datetime(2026, 5, 11, 10, 0))
    return accept(client, people.clerk, file_repair(client, people.applicant, record))


# --- subjects ---------------------------------------------------------------------------------------


def test_another_subjects_user_gets_404_on_the_case_and_cannot_file_for_the_record(client, people, case, record):
    client.force_login(people.stranger)

    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("repair:portal_file", args=[record.pk])).status_code == 404
    assert portal_file(client, people.stranger, record).status_code == 404
    assert RepairApplication.objects.count() == 1
    assert case.reference not in client.get(reverse("portal:home")).content.decode()


def test_the_subjects_other_users_follow_the_case(client, people, case):
    client.force_login(people.colleague)
    assert client.get(case.get_absolute_url()).status_code == 200


def test_subject_user_gets_403_on_the_staff_pages(client, people, case, record):
    decide = open_task(case, RepairFlow.decide)
    client.force_login(people.applicant)

    for url in [case.get_staff_url(), reverse("workbench:home"), reverse("workbench:task", args=[decide.pk]), task_url(decide, "index")]:
        assert client.get(url).status_code == 403, url
    assert client.post(task_url(decide, "assign")).status_code == 403
    assert client.post(task_url(decide, "execute"), {"decision": "approve", "reason": "自己批准"}).status_code == 403
    assert client.post(reverse("repair:repair_notice", args=[record.pk])).status_code == 403

    decide.refresh_from_db()
    case.refresh_from_db()
    assert decide.owner is None and decide.status == STATUS.NEW and case.status == S.DECIDING


def test_anonymous_visitor_is_sent_to_login(client, people, case, record):
    notice = document(case, ACCEPTANCE)
    client.logout()
    for url in [
        case.get_absolute_url(),
        reverse("repair:portal_file", args=[record.pk]),
        reverse("repair:commitment_letter", args=[record.pk]),
        case.get_staff_url(),
        reverse("documents:download", args=[notice.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url
    response = client.post(reverse("repair:repair_notice", args=[record.pk]))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    # viewflow's site middleware answers its task pages with 403 before any view
    decide = open_task(case, RepairFlow.decide)
    assert client.post(task_url(decide, "assign")).status_code == 403
    # the repair publication is public
    assert client.get(reverse("repair:public_list")).status_code == 200


# --- staff of other departments and roles ----------------------------------------------------------


def test_handler_of_an_uninvolved_department_neither_sees_nor_takes_the_decision(client, people, case):
    decide = open_task(case, RepairFlow.decide)

    assert workbench(client, people.handler)["queue"] == [case]
    assert workbench(client, people.outsider) == {"inbox": [], "queue": []}  # 运管科 handler: same role, another department
    assert client.post(task_url(decide, "assign")).status_code == 403
    assert client.post(task_url(decide, "execute"), {"decision": "approve", "reason": "同意"}).status_code == 403
    assert client.get(case.get_staff_url()).status_code == 403
    response = client.get(task_url(decide, "index"))
    assert response.status_code == 302 and response["Location"] not in (task_url(decide, "assign"), task_url(decide, "execute"))
    assert download(client, people.outsider, document(case, ACCEPTANCE)).status_code == 403

    decide.refresh_from_db()
    case.refresh_from_db()
    assert decide.owner is None and decide.status == STATUS.NEW and case.status == S.DECIDING


def test_intake_and_decision_belong_to_their_own_roles(client, people, record, clock):
    clock(datetime.datetime(2026, 5, 11, 10, 0))
    application = file_repair(client, people.applicant, record)
    intake = open_task(application, RepairFlow.intake)
    client.force_login(people.handler)
    assert client.post(task_url(intake, "assign")).status_code == 403  # the deciding department does not take intake

    application = accept(client, people.clerk, application)
    decide = open_task(application, RepairFlow.decide)
    client.force_login(people.clerk)
    assert client.post(task_url(decide, "assign")).status_code == 403  # nor the credit office the decision
    client.force_login(people.reviewer)
    assert client.post(task_url(decide, "assign")).status_code == 403  # the decision is the handlers' (承办人)
    claim(client, people.handler, decide)


def test_a_claimed_decision_is_the_claimants_alone(client, people, case):
    decide = claim(client, people.handler, open_task(case, RepairFlow.decide))

    assert workbench(client, people.handler) == {"inbox": [case], "queue": []}
    assert workbench(client, people.handler2) == {"inbox": [], "queue": []}
    assert client.post(task_url(decide, "assign")).status_code == 403
    assert submit(client, people.handler2, decide, {"decision": "extend", "reason": "延长"}).status_code == 403

    decide.refresh_from_db()
    case.refresh_from_db()
    assert decide.owner == people.handler and decide.status == STATUS.ASSIGNED and case.extended_days == 0


def test_staff_case_page_is_for_the_credit_office_and_the_deciding_department(client, people, case):
    for user in (people.clerk, people.handler, people.reviewer):
        client.force_login(user)
        page = client.get(case.get_staff_url())
        assert page.status_code == 200, user.username
        assert case.reference in page.content.decode()
    client.force_login(people.outsider)
    assert client.get(case.get_staff_url()).status_code == 403


def test_documents_download_for_the_subjects_users_and_the_involved_departments_only(client, people, case):
    notice = document(case, ACCEPTANCE)

    for user in (people.applicant, people.colleague, people.clerk, people.handler):
        assert download(client, user, notice).status_code == 200, user.username
    for user in (people.stranger, people.outsider):
        assert download(client, user, notice).status_code == 403, user.username
