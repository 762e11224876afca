"""Who may see and do what in an objection case, as the pages answer it."""

import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from credit.models import RecordStatus
from processes.objection.flows import ObjectionFlow
from processes.objection.models import Objection

from .support import (
    accept,
    claim,
    document,
    download,
    file_objection,
    make_record,
    open_task,
    pdf_upload,
    portal_file,
    submit,
    task_url,
    workbench,
)

LOGIN = "/accounts/login/"


@pytest.fixture
def case(client, people, record):
    """An accepted case: its verification task waits in the enforcement detachment's queue."""
    return accept(client, people.clerk, file_objection(client, people.applicant, record))


# --- subjects ---------------------------------------------------------------------------------


def test_another_subjects_user_gets_404_on_the_case_and_its_supply_page(client, people, case):
    client.force_login(people.stranger)

    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.post(reverse("objection:portal_supply", args=[case.pk]), {"note": "x", "files": pdf_upload()}).status_code == 404
    case.refresh_from_db()
    assert case.status == Objection.Status.VERIFYING
    # the stranger's own portal does not list it either
    assert case.reference not in client.get(reverse("portal:home")).content.decode()


def test_another_subjects_user_cannot_file_against_a_record_not_theirs(client, people, record):
    client.force_login(people.stranger)
    assert client.get(reverse("objection:portal_file", args=[record.pk])).status_code == 404

    response = portal_file(client, people.stranger, record)

    assert response.status_code == 404
    assert not Objection.objects.exists()
    record.refresh_from_db()
    assert record.status == RecordStatus.PUBLISHED


def test_subject_user_gets_403_on_the_workbench_and_task_pages(client, people, case):
    verify = open_task(case, ObjectionFlow.verify)
    client.force_login(people.applicant)

    for url in [
        reverse("workbench:home"),
        reverse("workbench:task", args=[verify.pk]),
        task_url(verify, "index"),
        task_url(verify, "detail"),
        case.get_staff_url(),
        reverse("objection:staff_file"),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(task_url(verify, "assign")).status_code == 403
    assert client.post(task_url(verify, "execute"), {"outcome": "withdrawn", "reason": "自己撤销"}).status_code == 403

    verify.refresh_from_db()
    case.refresh_from_db()
    assert verify.owner is None and verify.status == STATUS.NEW and case.status == Objection.Status.VERIFYING


def test_anonymous_visitor_is_sent_to_login(client, people, case):
    notice = document(case, "异议受理通知书")
    client.logout()
    for url in [
        reverse("portal:home"),
        case.get_absolute_url(),
        reverse("objection:portal_file", args=[case.record_id]),
        reverse("workbench:home"),
        case.get_staff_url(),
        reverse("objection:staff_file"),
        reverse("documents:download", args=[notice.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url


def test_anonymous_visitor_is_refused_on_viewflow_task_pages(client, case):
    # viewflow's site middleware answers before any view, with 403 rather than a login redirect
    verify = open_task(case, ObjectionFlow.verify)
    client.logout()
    assert client.get(task_url(verify, "index")).status_code == 403
    assert client.post(task_url(verify, "assign")).status_code == 403
    verify.refresh_from_db()
    assert verify.owner is None


# --- staff of other departments and roles ---------------------------------------------------------


def test_handler_of_an_uninvolved_department_neither_sees_nor_takes_the_verify_task(client, people, case):
    verify = open_task(case, ObjectionFlow.verify)

    assert workbench(client, people.handler)["queue"] == [case]
    assert workbench(client, people.outsider) == {"inbox": [], "queue": []}  # 运管科 handler: same role, another department
    assert client.post(task_url(verify, "assign")).status_code == 403
    assert client.post(task_url(verify, "execute"), {"outcome": "upheld", "reason": "维持"}).status_code == 403
    assert client.get(case.get_staff_url()).status_code == 403
    # following the task link leads to neither the claim page nor the form
    response = client.get(task_url(verify, "index"))
    assert response.status_code == 302 and response["Location"] not in (task_url(verify, "assign"), task_url(verify, "execute"))

    verify.refresh_from_db()
    case.refresh_from_db()
    assert verify.owner is None and verify.status == STATUS.NEW and case.status == Objection.Status.VERIFYING


def test_intake_clerk_cannot_take_or_execute_the_verify_task(client, people, case):
    verify = open_task(case, ObjectionFlow.verify)

    client.force_login(people.clerk)
    assert client.post(task_url(verify, "assign")).status_code == 403

    claim(client, people.handler, verify)
    response = submit(client, people.clerk, verify, {"outcome": "withdrawn", "reason": "受理员越权"})

    assert response.status_code == 403
    case.refresh_from_db()
    verify.refresh_from_db()
    assert case.status == Objection.Status.VERIFYING and verify.owner == people.handler and verify.status == STATUS.ASSIGNED


def test_a_claimed_task_is_the_claimants_alone(client, people, case):
    verify = claim(client, people.handler, open_task(case, ObjectionFlow.verify))

    assert workbench(client, people.handler) == {"inbox": [case], "queue": []}
    assert workbench(client, people.handler2) == {"inbox": [], "queue": []}  # gone from the department's queue
    assert client.post(task_url(verify, "assign")).status_code == 403
    assert submit(client, people.handler2, verify, {"outcome": "upheld", "reason": "维持"}).status_code == 403

    verify.refresh_from_db()
    assert verify.owner == people.handler and verify.status == STATUS.ASSIGNED


def test_review_belongs_to_the_source_departments_reviewer_not_its_handler(client, people, case):
    verify = claim(client, people.handler, open_task(case, ObjectionFlow.verify))
    assert submit(client, people.handler, verify, {"outcome": "upheld", "reason": "记录无误。"}).status_code == 302
    review = open_task(case, ObjectionFlow.review)

    for user in (people.handler, people.legal_reviewer, people.outsider):
        client.force_login(user)
        assert client.post(task_url(review, "assign")).status_code == 403, user.username
    claim(client, people.reviewer, review)


def test_only_the_credit_office_files_on_a_subjects_behalf(client, people, record):
    client.force_login(people.handler)
    assert client.get(reverse("objection:staff_file")).status_code == 403
    response = client.post(
        reverse("objection:staff_file"),
        {"record": record.pk, "applicant_name": "王经理", "grounds": "wrong", "statement": "记录有误。"},
    )
    assert response.status_code == 403
    assert not Objection.objects.exists()


def test_staff_case_page_is_for_the_credit_office_and_the_source_department(client, people, case):
    for user in (people.clerk, people.legal_reviewer, people.handler, people.reviewer):
        client.force_login(user)
        assert client.get(case.get_staff_url()).status_code == 200, user.username
    client.force_login(people.outsider)
    assert client.get(case.get_staff_url()).status_code == 403


# --- documents ------------------------------------------------------------------------------------


def test_documents_download_for_the_subjects_users_and_the_credit_office_only(client, people, case):
    notice = document(case, "异议受理通知书")

    for user in (people.applicant, people.colleague, people.clerk, people.legal_reviewer):
        response = download(client, user, notice)
        assert response.status_code == 200, user.username
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for user in (people.stranger, people.outsider):
        assert download(client, user, notice).status_code == 403, user.username


def test_a_subject_user_cannot_download_another_subjects_documents_by_guessing(client, people):
    other_record = make_record(people.other_subject, document_number="交执罚〔2026〕99号")
    other_case = file_objection(client, people.stranger, other_record)
    other_case = accept(client, people.clerk, other_case)

    assert download(client, people.applicant, document(other_case, "异议受理通知书")).status_code == 403
    assert download(client, people.stranger, document(other_case, "异议受理通知书")).status_code == 200


def test_source_department_handler_can_download_the_verification_letter_addressed_to_it(client, people, case):
    letter = document(case, "信用信息异议协查函")
    assert letter.addressee == "交通运输综合行政执法支队"
    assert download(client, people.handler, letter).status_code == 200


def test_the_internal_verification_letter_is_neither_listed_nor_downloadable_for_the_subject(client, people, case):
    letter = document(case, "信用信息异议协查函")
    assert download(client, people.applicant, letter).status_code == 403
    client.force_login(people.applicant)
    assert "协查函" not in client.get(case.get_absolute_url()).content.decode()


def test_viewflow_lists_show_a_department_only_its_own_processes_and_tasks(client, people, case):
    from processes.objection.flows import ObjectionFlow

    viewset = "/workflow/credit_processes/objection/"
    client.force_login(people.outsider)
    processes_page = client.get(viewset + "flows/")
    tasks_page = client.get(viewset + "tasks/")
    assert processes_page.status_code == tasks_page.status_code == 200
    assert case.reference not in processes_page.content.decode()
    assert f"#{case.process_id}/" not in tasks_page.content.decode()

    client.force_login(people.handler)  # the record's department: involved
    assert f"#{case.process_id}/" in client.get(viewset + "tasks/").content.decode()
    assert case.reference in client.get(viewset + "flows/").content.decode()
    assert ObjectionFlow.instance.has_view_permission(people.handler, case.process)
