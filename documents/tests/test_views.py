import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.selectors import documents_for
from tests.factories import SubjectFactory

from .conftest import department, issue_decision


@pytest.fixture
def decision(db, subject_user):
    user, subject = subject_user()
    return issue_decision(subject=subject, department_code="enforcement"), user


def verify_url(document):
    return reverse("documents:verify", args=[document.verification_code])


# --- verification (public) ---------------------------------------------------------


def test_verification_page_shows_metadata_and_sha256_without_login(client, decision):
    document, _ = decision

    response = client.get(verify_url(document))

    assert response.status_code == 200
    page = response.content.decode()
    for shown in (document.title, document.number, "交通运输综合行政执法支队", "2026年11月21日", document.addressee, document.sha256):
        assert shown in page


def test_verification_of_unknown_code_is_404(client, db):
    assert client.get(reverse("documents:verify", args=["ABCDEFGHJKMN"])).status_code == 404


def test_code_typed_in_lower_case_with_hyphens_is_found(client, decision):
    document, _ = decision
    code = document.verification_code
    typed = f"{code[:4]}-{code[4:8]}-{code[8:]}".lower()

    response = client.get(reverse("documents:verify_form"), {"code": typed}, follow=True)

    assert response.status_code == 200
    assert document.number in response.content.decode()


def test_verification_form_rejects_a_malformed_code(client, db):
    response = client.get(reverse("documents:verify_form"), {"code": "ABC"})

    assert response.status_code == 200
    assert "验证码应为12位" in response.content.decode()


def test_uploaded_original_matches(client, decision):
    document, _ = decision
    with document.file.open("rb") as f:
        original = f.read()

    response = client.post(verify_url(document), {"file": SimpleUploadedFile("a.pdf", original, "application/pdf")})

    assert response.status_code == 200
    assert "一致" in response.content.decode()
    assert "不一致" not in response.content.decode()


def test_uploaded_altered_copy_does_not_match(client, decision):
    document, _ = decision
    with document.file.open("rb") as f:
        altered = bytearray(f.read())
    altered[-20] ^= 0x01  # same size, one bit changed

    response = client.post(verify_url(document), {"file": SimpleUploadedFile("a.pdf", bytes(altered), "application/pdf")})

    assert response.status_code == 200
    assert "不一致" in response.content.decode()


# --- download (entitled users only) --------------------------------------------------


def download(client, document, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("documents:download", args=[document.pk]))


def test_subject_member_downloads_the_pdf(client, decision):
    document, member = decision

    response = download(client, document, member)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert "%E5%BC%82%E8%AE%AE" in response["Content-Disposition"]  # 异议, percent-encoded UTF-8
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_member_of_another_subject_is_refused(client, decision, subject_user):
    document, _ = decision
    outsider, _ = subject_user()

    assert download(client, document, outsider).status_code == 403


def test_staff_of_issuing_department_downloads(client, decision, staff):
    document, _ = decision

    assert download(client, document, staff("enforcement", "handler")).status_code == 200


def test_staff_of_credit_lead_department_downloads(client, decision, staff):
    document, _ = decision

    assert download(client, document, staff("legal", "intake")).status_code == 200


def test_administrator_downloads(client, decision, staff):
    document, _ = decision

    assert download(client, document, staff("office", "admin")).status_code == 200


def test_staff_of_uninvolved_department_is_refused(client, decision, staff):
    document, _ = decision

    assert download(client, document, staff("planning", "handler")).status_code == 403


def test_anonymous_download_redirects_to_login(client, decision):
    document, _ = decision

    response = download(client, document)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_document_is_404(client, staff, db):
    import uuid

    client.force_login(staff("legal", "handler"))
    assert client.get(reverse("documents:download", args=[uuid.uuid4()])).status_code == 404


# --- documents of a case -------------------------------------------------------------


def test_case_lists_its_own_documents(db):
    # Any model can be a case; two subjects stand in for two processes' cases.
    case, other_case = SubjectFactory(), SubjectFactory()
    acceptance = issue_decision(title="受理通知书", kind="objection_acceptance", case=case)
    decision_ = issue_decision(case=case)
    issue_decision(case=other_case)
    issue_decision()

    assert list(documents_for(case)) == [acceptance, decision_]
    assert decision_.case == case
    assert department("legal").documents.count() == 4
