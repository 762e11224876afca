"""Who may see and do what in a commitment case, as the pages answer it."""

import pytest
from django.urls import reverse

from credit import services as credit_services
from processes.commitment.flows import CommitmentFlow
from processes.commitment.models import CommitmentCase
from tests.factories import make_subject_user

from .support import (
    BREACH,
    MATTER,
    RESULT,
    S,
    claim,
    confirm,
    document,
    download,
    letter,
    open_task,
    portal_register,
    public_page,
    sign,
    staff_register,
    submit,
    submit_commitment,
    supply,
    task_url,
    verify_broken,
    verify_kept,
    workbench,
)

LOGIN = "/accounts/login/"


@pytest.fixture
def case(client, people):
    """A tolerance commitment submitted on the portal, not yet signed."""
    return submit_commitment(client, people.applicant, people.subject)


@pytest.fixture
def verifying(client, people):
    """A notification commitment signed at once: its verification task waits in the approval section's queue."""
    return submit_commitment(client, people.applicant, people.subject, kind="notification", materials=(), signed=True)


# --- subjects ---------------------------------------------------------------------------------


def test_another_subjects_user_gets_404_on_the_case_its_letter_and_its_actions(client, people, case):
    client.force_login(people.stranger)

    assert client.get(case.get_absolute_url()).status_code == 404
    assert letter(client, people.stranger, case).status_code == 404
    assert sign(client, people.stranger, case).status_code == 404
    assert supply(client, people.stranger, case).status_code == 404
    case.refresh_from_db()
    assert case.status == S.SIGNING
    client.force_login(people.stranger)
    assert case.reference not in client.get(reverse("portal:home")).content.decode()


def test_a_user_cannot_commit_for_a_subject_they_do_not_act_for(client, people):
    response = portal_register(client, people.stranger, people.subject)

    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
    assert not CommitmentCase.objects.exists()


def test_a_colleague_acting_for_the_same_subject_may_sign_and_supply(client, people, case):
    assert sign(client, people.colleague, case).status_code == 302
    assert supply(client, people.colleague, case).status_code == 302
    case.refresh_from_db()
    assert case.status == S.VERIFYING


def test_subject_user_gets_403_on_staff_pages_and_task_pages(client, people, verifying):
    verify = open_task(verifying, CommitmentFlow.verify)
    client.force_login(people.applicant)

    assert client.get(verifying.get_staff_url()).status_code == 403
    assert client.get(reverse("commitment:staff_register")).status_code == 403
    assert client.get(reverse("workbench:home")).status_code == 403
    assert client.post(task_url(verify, "assign")).status_code == 403
    assert client.post(task_url(verify, "execute"), {"method": "online", "finding": "自查已履行", "result": "fulfilled"}).status_code == 403
    verifying.refresh_from_db()
    assert verifying.status == S.VERIFYING


def test_anonymous_visitors_are_sent_to_log_in_but_may_read_the_public_page(client, people, verifying):
    client.logout()
    for url in (verifying.get_absolute_url(), reverse("commitment:portal_register"), reverse("commitment:letter", args=[verifying.pk]),
                verifying.get_staff_url(), reverse("commitment:staff_register")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url
    assert MATTER in public_page(client)


# --- staff ------------------------------------------------------------------------------------


def test_only_the_approval_sections_handlers_take_the_verification_and_only_its_reviewer_confirms(client, people, verifying):
    verify = open_task(verifying, CommitmentFlow.verify)
    for user in (people.outsider, people.reviewer, people.clerk, people.legal_reviewer):
        client.force_login(user)
        assert client.post(task_url(verify, "assign")).status_code == 403, user.username
    assert verifying not in workbench(client, people.outsider)["queue"]

    case = verify_broken(client, people.handler, verifying)
    review = open_task(case, CommitmentFlow.review)
    for user in (people.handler, people.handler2, people.outsider_reviewer):
        client.force_login(user)
        assert client.post(task_url(review, "assign")).status_code == 403, user.username
    assert case in workbench(client, people.reviewer)["queue"]


def test_a_handler_cannot_complete_a_verification_claimed_by_a_colleague(client, people, verifying):
    task = claim(client, people.handler, open_task(verifying, CommitmentFlow.verify))

    response = submit(client, people.handler2, task, {"method": "online", "finding": "已履行", "result": "fulfilled"})

    assert response.status_code == 403
    verifying.refresh_from_db()
    assert verifying.status == S.VERIFYING


def test_staff_of_an_uninvolved_department_cannot_see_the_case_or_its_letter(client, people, verifying):
    client.force_login(people.outsider)
    assert client.get(verifying.get_staff_url()).status_code == 403
    assert letter(client, people.outsider, verifying).status_code == 404

    # the approval section and the credit office (牵头, keeps the credit file) do see it
    for user in (people.handler, people.reviewer, people.legal_reviewer):
        client.force_login(user)
        assert client.get(verifying.get_staff_url()).status_code == 200, user.username
        assert letter(client, user, verifying).status_code == 200, user.username


def test_only_the_departments_intake_clerks_and_handlers_register_and_only_for_their_department(client, people):
    client.force_login(people.reviewer)
    assert client.get(reverse("commitment:staff_register")).status_code == 403

    # 运管科's handler registers for 运管科, not for the approval section
    from credit.models import Department

    response = staff_register(client, people.outsider, people.subject)
    assert response.status_code == 200 and "department" in response.context["form"].errors
    assert not CommitmentCase.objects.exists()
    response = staff_register(client, people.outsider, people.subject, kind="public", materials=(), department=Department.objects.get(code="transport"))
    assert response.status_code == 302
    assert CommitmentCase.objects.get().commitment.department.code == "transport"


def test_documents_are_downloaded_by_the_subject_and_the_involved_departments_only(client, people, verifying):
    case = confirm(client, people.reviewer, verify_broken(client, people.handler, verifying))
    decision = document(case, BREACH)

    for user in (people.applicant, people.colleague, people.handler, people.legal_reviewer):
        assert download(client, user, decision).status_code == 200, user.username
    for user in (people.stranger, people.outsider):
        assert download(client, user, decision).status_code == 403, user.username


def test_result_notice_of_another_subject_is_not_downloadable(client, people):
    other = submit_commitment(client, people.stranger, people.other_subject, kind="public", materials=(), signed=True)
    other = verify_kept(client, people.handler, other)

    assert download(client, people.applicant, document(other, RESULT)).status_code == 403


# --- the public page ----------------------------------------------------------------------------


def test_public_page_masks_a_natural_persons_id_never_shows_phones_and_searches_by_name_or_code(client, people):
    driver_subject = credit_services.subject_create(kind="natural_person", name="李驾驶", id_number="11010519491231002X", contact_phone="13700001111")
    driver, _ = make_subject_user(subject=driver_subject, username="driver")
    driver.phone = "13800002222"
    driver.save()
    submit_commitment(client, driver, driver_subject, kind="self_discipline", materials=(), signed=True, matter="遵守道路运输从业人员职业道德")
    submit_commitment(client, people.applicant, people.subject, kind="public", materials=(), signed=True, matter="主动公示诚信经营承诺")
    unsigned = submit_commitment(client, people.applicant, people.subject, kind="notification", materials=(), matter="尚未签署的承诺")

    page = public_page(client)
    assert "李驾驶" in page and "1101**********002X" in page and "11010519491231002X" not in page
    assert "13700001111" not in page and "13800002222" not in page and "13900000000" not in page
    assert "主动公示诚信经营承诺" in page and unsigned.commitment.matter not in page

    by_code = public_page(client, "11010519491231002x")
    assert "李驾驶" in by_code and people.subject.name not in by_code
    by_uscc = public_page(client, people.subject.uscc)
    assert people.subject.name in by_uscc and "李驾驶" not in by_uscc
    by_name = public_page(client, "驾驶")
    assert "李驾驶" in by_name and people.subject.name not in by_name


def test_portal_upload_checks_the_files_content_not_its_name(client, people, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people.applicant)
    fake = SimpleUploadedFile("信用承诺书.pdf", b"not really a pdf", content_type="application/pdf")
    response = client.post(reverse("commitment:portal_sign", args=[case.pk]), {"signed_letter": fake})

    assert response.status_code == 200 and "不是 PDF、JPEG 或 PNG 文件" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.SIGNING
