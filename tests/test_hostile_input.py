"""Hostile input: uploads that must be refused, and markup that must come back escaped.

Every refused upload is tried through the portal form and the API; each must give a
clear Chinese message and leave nothing behind (no case, no Material row, no file).
"""

import base64
import datetime
import io
import json
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient
from viewflow.workflow.status import STATUS

from credit.models import Department
from documents.models import Document
from processes.commitment.models import CommitmentCase
from processes.common.models import DepartmentTask, Material
from processes.objection.flows import ObjectionFlow
from processes.objection.models import Objection
from processes.objection.tests.support import (
    PDF_BYTES,
    act,
    claim,
    make_record,
    pdf_upload,
    submit,
    task_url,
)
from processes.repair.models import RepairApplication
from processes.transfer.models import Transfer
from tests.factories import make_staff, make_subject_user

pytestmark = pytest.mark.django_db


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Main-Class: Evil\n")
        archive.writestr("Evil.class", b"\xca\xfe\xba\xbe")
    return buffer.getvalue()


# (what, file name, content, words the message must contain)
HOSTILE_UPLOADS = [
    ("oversize", "处罚决定书.pdf", PDF_BYTES + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n", "超过 5 MB"),
    ("executable under a PDF name", "处罚决定书.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "不是 PDF、JPEG 或 PNG"),
    ("PDF + ZIP/JAR polyglot", "处罚决定书.pdf", PDF_BYTES + _zip(), "压缩包"),
    ("HTML under a PDF header", "处罚决定书.pdf", PDF_BYTES.replace(b"%%EOF", b"<html><script>alert(1)</script></html>\n%%EOF"), "脚本"),
    ("PDF with JavaScript action", "处罚决定书.pdf", PDF_BYTES.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "脚本"),
    ("malformed PDF", "处罚决定书.pdf", b"%PDF-1.7\nthis is not a pdf at all\n%%EOF\n", "结构损坏"),
    ("empty file", "处罚决定书.pdf", b"", "空文件"),
    ("SVG image named .png", "照片.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "不是 PDF、JPEG 或 PNG"),
]


@pytest.fixture
def people(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user, subject = make_subject_user(username="applicant")
    record = make_record(subject)
    return user, subject, record, tmp_path / "media"


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize("what,name,content,words", HOSTILE_UPLOADS, ids=[h[0] for h in HOSTILE_UPLOADS])
def test_hostile_upload_is_refused_on_the_portal_with_nothing_stored(client, people, what, name, content, words):
    user, _, record, media = people
    client.force_login(user)
    response = client.post(
        reverse("objection:portal_file", args=[record.pk]),
        {"grounds": "wrong", "statement": "文号有误。", "decision_documents": SimpleUploadedFile(name, content, "application/pdf"),
         "commitment_letter": pdf_upload("承诺书.pdf")},
    )
    assert response.status_code == 200  # the form again, with the reason
    assert words in response.content.decode()
    assert not Objection.objects.exists() and not Material.objects.exists() and not stored_files(media)


@pytest.mark.parametrize("what,name,content,words", HOSTILE_UPLOADS, ids=[h[0] for h in HOSTILE_UPLOADS])
def test_hostile_upload_is_refused_by_the_api_with_nothing_stored(people, what, name, content, words):
    user, _, record, media = people
    api = APIClient()
    api.force_login(user)
    attachment = {"name": name, "content_base64": base64.b64encode(content).decode(), "kind": Material.Kind.DECISION_DOCUMENT}
    response = api.post("/api/v1/objections/", {"record": record.pk, "grounds": "wrong", "statement": "文号有误。", "attachments": [attachment]}, format="json")
    assert response.status_code == 400
    assert words in str(response.json()) or (what == "empty file" and response.json())
    assert not Objection.objects.exists() and not Material.objects.exists() and not stored_files(media)


def test_path_traversal_file_name_is_kept_as_a_plain_name_and_stored_under_a_random_path(client, people):
    user, _, record, media = people
    client.force_login(user)
    client.post(
        reverse("objection:portal_file", args=[record.pk]),
        {"grounds": "wrong", "statement": "文号有误。", "decision_documents": SimpleUploadedFile("../../etc/passwd.pdf", PDF_BYTES, "application/pdf"),
         "commitment_letter": SimpleUploadedFile("..\\..\\windows\\win.ini.pdf", PDF_BYTES, "application/pdf")},
    )
    names = sorted(Material.objects.values_list("name", flat=True))
    assert names == ["passwd.pdf", "win.ini.pdf"]
    for material in Material.objects.all():
        assert ".." not in material.file.name and material.file.name.startswith("materials/")
        assert (media / material.file.name).resolve().is_relative_to(media.resolve())


# --- markup typed by a subject, or sent from outside, comes back escaped ------------------------
#
# Every text field a subject fills (portal forms and the API), and every field that arrives from
# outside (a transferred case from the national site, a list province or city sends down, a check
# client's matter), is filed through the real form or endpoint with hostile markup tagged with the
# field's name; then every page that shows the case is fetched: portal, staff case page, viewflow's
# task pages and lists, workbench, notifications, public lists, admin. On every page no payload
# adds markup as a browser parses it and no {{ }} is evaluated; on the pages that show a field (the
# table each scenario returns) its escaped text does appear, so a field left out or escaped twice
# fails as well. The API answers the text as JSON data (application/json, also to a browser asking
# for HTML). Documents are PDFs drawn with reportlab, not markup: only their content type is checked.

PAYLOADS = {
    "script": "<script>alert(1)</script>{{7*7}}",
    "attribute": 'javascript:alert(1)//"><img src=x onerror=alert(1)>',
}
# Upload names lose HTML entities (Django's multipart parser unescapes them), any path and <>:"|?*
# (materials.clean_filename); what is left must still be escaped.
NAME_PAYLOADS = {
    "script": "{{7}}{% debug %}&x",
    "attribute": "x' onmouseover='alert(1)",
}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")


class Injected(HTMLParser):
    """What the payloads would have added to the page as a browser parses it: a script running
    alert(1), an element or event handler from the payload, a javascript: link. Text and attribute
    values that merely contain the characters are not markup (viewflow's form components, for one,
    leave "<" unescaped inside a quoted attribute, where it is inert)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "alert(1)" in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.found.append(f"<script>{data[:40]}")


class Hostile:
    """The values filed into one case, each tagged with its field so a page shows which field it escaped."""

    def __init__(self, payload: str):
        self.payload = payload
        self.values: dict[str, str] = {}

    def text(self, field: str) -> str:
        self.values[field] = f"{PAYLOADS[self.payload]}〔{field}〕"
        return self.values[field]

    def name(self, field: str) -> str:
        self.values[field] = f"{NAME_PAYLOADS[self.payload]}〔{field}〕.pdf"
        return self.values[field]

    def upload(self, field: str) -> SimpleUploadedFile:
        return pdf_upload(self.name(field))


class Pages:
    """The pages of one scenario as each user sees them: label → HTML (status 200 asserted)."""

    def __init__(self, client):
        self.client = client
        self.html: dict[str, str] = {}
        self.api: dict[str, object] = {}

    def get(self, label: str, user, url: str) -> None:
        """``user`` None: an anonymous visitor (the public pages)."""
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        response = self.client.get(url)
        assert response.status_code == 200, f"{label} {url}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), label
        self.html[label] = response.content.decode()

    def get_api(self, label: str, user, url: str) -> None:
        self.client.force_login(user)
        response = self.client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200 and response["Content-Type"] == "application/json", f"{label}: {response['Content-Type']}"
        self.api[label] = response.json()
        # a browser asking for HTML gets no HTML rendering of the data (no browsable API)
        browsed = self.client.get(url, HTTP_ACCEPT="text/html")
        assert browsed["Content-Type"] == "application/json", f"{label}: {browsed['Content-Type']}"

    def viewflow(self, task, user) -> None:
        """Viewflow's pages around an open task: the queue and the claim page, then (claimed) the
        task page, its detail, the inbox, the process and task lists, the process page, the dashboard."""
        flow = task.flow_task.flow_class.instance
        self.get("viewflow queue", user, flow.reverse("queue"))
        self.get("viewflow dashboard", user, flow.reverse("index"))
        self.get("viewflow claim", user, task_url(task, "assign"))
        claim(self.client, user, task)
        self.get("viewflow task", user, task_url(task, "execute"))
        self.get("viewflow task detail", user, task_url(task, "detail"))
        self.get("viewflow inbox", user, flow.reverse("inbox"))
        self.get("viewflow process", user, flow.reverse("process_detail", args=[task.process_id]))
        self.get("viewflow processes", user, flow.reverse("process_list"))
        self.get("viewflow tasks", user, flow.reverse("task_list"))

    def documents_are_pdf(self, case, user, *urls: str) -> None:
        """The case's documents (and ``urls``, PDFs drawn on request) are served as PDF, never sniffed as HTML."""
        self.client.force_login(user)
        urls = [reverse("documents:download", args=[document.pk]) for document in Document.objects.for_case(case)] + list(urls)
        assert urls
        for url in urls:
            response = self.client.get(url)
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf", url
            assert response["X-Content-Type-Options"] == "nosniff"


def open_human_task(case):
    return DepartmentTask.objects.get(process_id=case.process_id, flow_task_type="HUMAN", status=STATUS.NEW)


VIEWFLOW_TASK = ("viewflow task",)
# Where viewflow shows a process's brief ({{ process.case }}: the case's reference and the subject's name).
VIEWFLOW_BRIEF = ("viewflow processes", "viewflow tasks", "viewflow process")
# Pages showing a JSON field's value (the admin's read-only JSONField: json.dumps, then HTML-escaped).
JSON_PAGES = ("admin transfer",)


def admin_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(username="admin", password="pass-12345", email="admin@example.com")


# --- the scenarios: file a case with hostile text in every field the outside fills --------------
# Each returns the pages and, per field, the labels of the pages that must show it.


def objection_scenario(client, h: Hostile):
    """异议: the statement and the materials' names at filing; the supplement's note and file."""
    user, subject = make_subject_user(username="applicant")
    clerk = make_staff("legal", "intake", username="legal.clerk")
    client.force_login(user)
    response = client.post(
        reverse("objection:portal_file", args=[make_record(subject).pk]),
        {"grounds": "wrong", "statement": h.text("statement"), "decision_documents": h.upload("decision_document"),
         "commitment_letter": h.upload("commitment_letter")},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    objection = Objection.objects.get()
    due_on = timezone.localdate() + datetime.timedelta(days=10)
    act(client, clerk, objection, ObjectionFlow.intake, {"decision": "supplement", "reason": "请补充。", "due_on": due_on.isoformat()})
    client.force_login(user)
    response = client.post(reverse("objection:portal_supply", args=[objection.pk]), {"note": h.text("supply_note"), "files": h.upload("supply_file")})
    assert response.status_code == 302

    pages = Pages(client)
    pages.get("portal home", user, reverse("portal:home"))
    pages.get("portal case", user, objection.get_absolute_url())
    pages.get("staff case", clerk, objection.get_staff_url())
    pages.get("workbench", clerk, reverse("workbench:home"))
    pages.viewflow(open_human_task(objection), clerk)
    pages.get("notifications (subject)", user, reverse("notifications:inbox"))
    pages.get("notifications (staff)", clerk, reverse("notifications:inbox"))
    pages.get_api("api (subject)", user, reverse("objection_api:case-detail", args=[objection.pk]))
    pages.get_api("api (staff)", clerk, reverse("objection_api:case-detail", args=[objection.pk]))
    pages.documents_are_pdf(objection, clerk)
    case_pages = ("portal case", "staff case", "api (subject)", "api (staff)")
    return pages, {
        "statement": (*case_pages, *VIEWFLOW_TASK),
        "supply_note": case_pages,  # the timeline's reason
        "decision_document": case_pages,
        "commitment_letter": case_pages,
        "supply_file": case_pages,
    }


def repair_scenario(client, h: Hostile):
    """信用修复: the statement and the materials' names."""
    user, subject = make_subject_user(username="applicant")
    clerk = make_staff("legal", "intake", username="legal.clerk")
    record = make_record(subject, decision_date=datetime.date(2026, 1, 6), publish_on=datetime.date(2026, 1, 9))
    client.force_login(user)
    response = client.post(
        reverse("repair:portal_file", args=[record.pk]),
        {"obligations_performed_on": "2026-01-20", "statement": h.text("statement"),
         "performance_proof": h.upload("performance_proof"), "commitment_letter": h.upload("commitment_letter")},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    application = RepairApplication.objects.get()

    pages = Pages(client)
    pages.get("portal home", user, reverse("portal:home"))
    pages.get("portal case", user, application.get_absolute_url())
    pages.get("staff case", clerk, application.get_staff_url())
    pages.get("workbench", clerk, reverse("workbench:home"))
    pages.viewflow(open_human_task(application), clerk)
    pages.get("notifications (subject)", user, reverse("notifications:inbox"))
    pages.get("notifications (staff)", clerk, reverse("notifications:inbox"))
    case_pages = ("portal case", "staff case")
    return pages, {
        "statement": (*case_pages, *VIEWFLOW_TASK),
        "performance_proof": case_pages,
        "commitment_letter": case_pages,
    }


def commitment_scenario(client, h: Hostile):
    """信用承诺: matter, content and missing materials, the signed letter's name; the supplement's note and file."""
    user, subject = make_subject_user(username="applicant")
    handler = make_staff("approval", "handler", username="approval.handler")
    client.force_login(user)
    response = client.post(
        reverse("commitment:portal_register"),
        {"subject": subject.pk, "kind": "tolerance", "department": Department.objects.get(code="approval").pk,
         "matter": h.text("matter"), "content": h.text("content"), "missing_materials": h.text("missing_material"),
         "signed_letter": h.upload("signed_letter")},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    case = CommitmentCase.objects.get()
    response = client.post(reverse("commitment:portal_supply", args=[case.pk]), {"note": h.text("supply_note"), "files": h.upload("supply_file")})
    assert response.status_code == 302

    pages = Pages(client)
    pages.get("portal home", user, reverse("portal:home"))
    pages.get("portal case", user, case.get_absolute_url())
    pages.get("public list", user, reverse("commitment:public_list"))
    pages.get("staff case", handler, case.get_staff_url())
    pages.get("workbench", handler, reverse("workbench:home"))
    pages.viewflow(open_human_task(case), handler)
    pages.get("notifications (subject)", user, reverse("notifications:inbox"))
    pages.get("notifications (staff)", handler, reverse("notifications:inbox"))
    pages.get_api("api (subject)", user, reverse("commitment_api:case-detail", args=[case.pk]))
    pages.get_api("api (staff)", handler, reverse("commitment_api:case-detail", args=[case.pk]))
    pages.documents_are_pdf(case, handler, reverse("commitment:letter", args=[case.pk]))
    admin = admin_user()
    pages.get("admin commitments", admin, reverse("admin:credit_commitment_changelist"))
    pages.get("admin commitment", admin, reverse("admin:credit_commitment_change", args=[case.commitment_id]))
    case_pages = ("portal case", "staff case", "api (subject)", "api (staff)")
    return pages, {
        "matter": (*case_pages, *VIEWFLOW_TASK, "portal home", "public list", "notifications (subject)", "admin commitments", "admin commitment"),
        "content": (*case_pages, *VIEWFLOW_TASK, "public list", "admin commitment"),
        "missing_material": (*case_pages, *VIEWFLOW_TASK, "notifications (subject)"),
        "supply_note": case_pages,  # the timeline's reason
        "signed_letter": case_pages,
        "supply_file": case_pages,
    }


def commitment_api_scenario(client, h: Hostile):
    """信用承诺 made through the API: there the subject also names the signer (承诺人/经办人)."""
    user, subject = make_subject_user(username="applicant")
    handler = make_staff("approval", "handler", username="approval.handler")
    api = APIClient()
    api.force_login(user)
    response = api.post(
        "/api/v1/commitments/",
        {"subject": subject.pk, "kind": "notification", "department": "approval", "matter": h.text("matter"), "content": h.text("content"),
         "applicant_name": h.text("applicant"),
         "attachments": [{"name": h.name("api_letter"), "content_base64": base64.b64encode(PDF_BYTES).decode()}]},
        format="json",
    )
    assert response.status_code == 201, response.content.decode()
    case = CommitmentCase.objects.get()

    pages = Pages(client)
    pages.get("portal case", user, case.get_absolute_url())
    pages.get("public list", None, reverse("commitment:public_list"))
    pages.get("staff case", handler, case.get_staff_url())
    pages.get("workbench", handler, reverse("workbench:home"))
    pages.viewflow(open_human_task(case), handler)
    pages.get_api("api (subject)", user, reverse("commitment_api:case-detail", args=[case.pk]))
    case_pages = ("portal case", "staff case", "api (subject)")
    return pages, {
        "matter": (*case_pages, *VIEWFLOW_TASK, "public list"),
        "content": (*case_pages, *VIEWFLOW_TASK, "public list"),
        "applicant": (*case_pages, *VIEWFLOW_TASK),
        "api_letter": case_pages,
    }


def joint_check_scenario(client, h: Hostile):
    """联合奖惩核查 by another system: the matter it is handling goes into the check log staff read."""
    from processes.listing.models import CheckClient
    from processes.listing.services import check_client_create
    from tests.factories import SubjectFactory

    subject = SubjectFactory(name=h.text("subject_name"))  # a name the national site once sent
    clerk = make_staff("legal", "intake", username="legal.clerk")
    _, token = check_client_create(name="行政审批系统", system_kind=CheckClient.SystemKind.LICENSING)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get("/api/v1/check/", {"code": subject.uscc, "matter": h.text("check_matter")})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()["subject"]["name"] == h.values["subject_name"]

    pages = Pages(client)
    pages.get("check log", clerk, reverse("listing:check_log"))
    return pages, {"check_matter": ("check log",), "subject_name": ("check log",)}


def interview_scenario(client, h: Hostile):
    """约谈: the subject's note when confirming in the portal."""
    from processes.interview.flows import InterviewFlow
    from processes.interview.tests.support import (
        make_dishonesty,
        send_notice,
        start_interview,
    )

    user, subject = make_subject_user(username="company")
    handler = make_staff("enforcement", "handler", username="enf.handler")
    interview = start_interview(client, handler, record=make_dishonesty(subject))
    when = timezone.localtime() + datetime.timedelta(days=3)
    send_notice(client, handler, interview, when=when.strftime("%Y-%m-%d 09:30"))
    client.force_login(user)
    response = client.post(reverse("interview:portal_confirm", args=[interview.pk]), {"note": h.text("confirmation_note")})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == "confirmed"

    pages = Pages(client)
    pages.get("portal home", user, reverse("portal:home"))
    pages.get("portal case", user, interview.get_absolute_url())
    pages.get("staff case", handler, interview.get_staff_url())
    pages.get("staff list", handler, reverse("interview:staff_list"))
    pages.get("workbench", handler, reverse("workbench:home"))
    task = open_human_task(interview)
    assert task.flow_task == InterviewFlow.hold
    pages.viewflow(task, handler)
    pages.get("notifications (subject)", user, reverse("notifications:inbox"))
    pages.get("notifications (staff)", handler, reverse("notifications:inbox"))
    pages.get_api("api (subject)", user, reverse("interview_api:case-detail", args=[interview.pk]))
    pages.get_api("api (staff)", handler, reverse("interview_api:case-detail", args=[interview.pk]))
    pages.documents_are_pdf(interview, handler)
    return pages, {
        "confirmation_note": ("portal case", "staff case", *VIEWFLOW_TASK, "api (subject)", "api (staff)"),
    }


def interview_import_scenario(client, h: Hostile):
    """约谈 from a list province or city sends down: the names and reasons in the file, and its name (outside input)."""
    from processes.interview.models import ImportBatch, WarningInterview
    from processes.interview.tests.support import csv_file, upload
    from tests.factories import SubjectFactory, next_uscc

    handler = make_staff("enforcement", "handler", username="enf.handler")
    known = SubjectFactory(name="某某运输有限公司")
    rows = [
        [h.text("import_name"), next_uscc(), h.text("import_reason"), "交通运输综合行政执法支队", "2026-02-10", "省", "警示约谈"],
        # refused: the name differs from the one registered for the code, and the message quotes it
        [h.text("import_wrong_name"), known.uscc, "超限运输", "交通运输综合行政执法支队", "2026-02-10", "市", ""],
    ]
    response = upload(client, handler, csv_file(rows, name=h.name("import_file").removesuffix(".pdf") + ".csv"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    h.values["import_file"] = h.values["import_file"].removesuffix(".pdf") + ".csv"
    batch = ImportBatch.objects.get()
    assert batch.imported_count == 1 and batch.invalid_count == 1
    interview = WarningInterview.objects.get()

    pages = Pages(client)
    pages.get("import result", handler, response["Location"])
    pages.get("staff case", handler, interview.get_staff_url())
    pages.get("staff list", handler, reverse("interview:staff_list"))
    pages.get("workbench", handler, reverse("workbench:home"))
    pages.get("notifications (staff)", handler, reverse("notifications:inbox"))
    pages.viewflow(open_human_task(interview), handler)
    pages.get_api("api import", handler, reverse("interview_api:import-detail", args=[batch.pk]))
    pages.get_api("api (staff)", handler, reverse("interview_api:case-detail", args=[interview.pk]))
    return pages, {
        "import_file": ("import result", "api import"),
        "import_name": (
            "import result", "staff case", "staff list", "workbench", "notifications (staff)", *VIEWFLOW_TASK, *VIEWFLOW_BRIEF,
            "api import", "api (staff)",
        ),
        "import_reason": ("staff case", *VIEWFLOW_TASK, "api (staff)"),  # the basis, and the matter made from it
        "import_wrong_name": ("import result", "api import"),
    }


def _listing_proposed(*, basis=None):
    from processes.listing import services as listing_services

    user, subject = make_subject_user(username="applicant")
    handler = make_staff("enforcement", "handler", username="enf.handler")
    case = listing_services.listing_propose(
        subject=subject, list_kind="black", department=Department.objects.get(code="enforcement"),
        basis_record=basis(subject) if basis else None,
        designation_standard="《交通运输领域严重失信主体名单认定标准》第三条", reason="一年内三次严重超限超载运输。",
        expires_on=timezone.localdate() + datetime.timedelta(days=365), measures=["限制参与交通运输工程招标投标"], by=handler,
    )
    return user, case


def _listing_object(client, user, case, h: Hostile):
    client.force_login(user)
    response = client.post(
        reverse("listing:portal_object", args=[case.pk]),
        {"grounds": "wrong", "statement": h.text("listing_statement"), "decision_documents": h.upload("listing_evidence"),
         "commitment_letter": h.upload("listing_commitment_letter")},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    case.refresh_from_db()


def listing_objection_scenario(client, h: Hostile):
    """列入名单 with no basis record: the objection's statement and materials stay on the listing case."""
    user, case = _listing_proposed()
    leader = make_staff("enforcement", "leader", username="enf.leader")
    _listing_object(client, user, case, h)

    pages = Pages(client)
    pages.get("portal home", user, reverse("portal:home"))
    pages.get("portal case", user, case.get_absolute_url())
    pages.get("staff case", leader, case.get_staff_url())
    pages.get("list register", leader, reverse("listing:register"))
    pages.get("workbench", leader, reverse("workbench:home"))
    pages.viewflow(open_human_task(case), leader)
    pages.get("notifications (subject)", user, reverse("notifications:inbox"))
    pages.get("notifications (staff)", leader, reverse("notifications:inbox"))
    pages.documents_are_pdf(case, leader)
    pages.get("admin listing case", admin_user(), reverse("admin:listing_listingcase_change", args=[case.pk]))
    case_pages = ("portal case", "staff case")
    return pages, {
        "listing_statement": (*case_pages, *VIEWFLOW_TASK, "admin listing case"),
        "listing_evidence": case_pages,
        "listing_commitment_letter": case_pages,
    }


def listing_objection_on_record_scenario(client, h: Hostile):
    """列入名单 on a basis record: the objection runs as an objection case, the listing case shows the statement."""
    user, case = _listing_proposed(basis=lambda subject: make_record(subject, severity="serious"))
    clerk = make_staff("legal", "intake", username="legal.clerk")
    handler = make_staff("enforcement", "handler", username="enf.handler2")
    _listing_object(client, user, case, h)
    objection = case.objection
    assert objection is not None

    pages = Pages(client)
    pages.get("portal case", user, case.get_absolute_url())
    pages.get("staff case", handler, case.get_staff_url())
    pages.get("portal objection", user, objection.get_absolute_url())
    pages.get("staff objection", clerk, objection.get_staff_url())
    pages.get("workbench", clerk, reverse("workbench:home"))
    pages.viewflow(open_human_task(objection), clerk)
    pages.get_api("api (subject)", user, reverse("objection_api:case-detail", args=[objection.pk]))
    objection_pages = ("portal objection", "staff objection", "api (subject)")
    return pages, {
        "listing_statement": ("portal case", "staff case", *objection_pages, *VIEWFLOW_TASK),
        "listing_evidence": objection_pages,
        "listing_commitment_letter": objection_pages,
    }


def transfer_scenario(case_type):
    def scenario(client, h: Hostile):
        """转办 from the national site: every text of the message (a new subject's name too)."""
        from processes.transfer.tests.support import make_case, post

        clerk = make_staff("legal", "intake", username="legal.clerk")
        message = make_case(case_type=case_type)
        message["transfer_id"] = h.text("transfer_id")
        message["subject"]["name"] = h.text("subject_name")
        message["record"]["decision_no"] = h.text("decision_no")  # matches no local record: named in the timeline
        message["applicant"]["name"] = h.text("applicant")
        message["reason"] = h.text("reason")
        message["attachments"][0]["name"] = h.name("attachment")
        response = post(client, message)
        assert response.status_code == 201, response.content.decode()
        case = (Objection if case_type == "objection" else RepairApplication).objects.get()

        pages = Pages(client)
        pages.get("staff case", clerk, case.get_staff_url())
        pages.get("workbench", clerk, reverse("workbench:home"))
        pages.get("notifications (staff)", clerk, reverse("notifications:inbox"))  # 新待办 … 案件：<case>（<subject>）
        task = open_human_task(case)
        pages.viewflow(task, clerk)
        shows_api = ()
        if case_type == "objection":
            pages.get_api("api (staff)", clerk, reverse("objection_api:case-detail", args=[case.pk]))
            shows_api = ("api (staff)",)
        admin = admin_user()
        transfer = Transfer.objects.get()
        pages.get("admin transfer", admin, reverse("admin:transfer_transfer_change", args=[transfer.pk]))
        pages.get("admin transfers", admin, reverse("admin:transfer_transfer_changelist"))
        pages.get("admin subjects", admin, reverse("admin:credit_subject_changelist"))
        pages.get("admin subject", admin, reverse("admin:credit_subject_change", args=[case.subject_id]))

        # accepted, with the record matched by hand: the acceptance notice is addressed to the subject by name
        record = make_record(case.subject)
        response = submit(client, clerk, task, {"record": record.pk, "decision": "accept", "reason": ""})
        assert response.status_code == 302, response.content.decode()[-2000:]
        notice = Document.objects.for_case(case).get(title__endswith="受理通知书")
        pages.get("document check (public)", None, reverse("documents:verify", args=[notice.verification_code]))
        pages.documents_are_pdf(case, clerk)
        return pages, {
            "subject_name": (
                "staff case", "workbench", "notifications (staff)", *VIEWFLOW_TASK, *VIEWFLOW_BRIEF, *shows_api,
                "admin transfer", "admin subjects", "admin subject", "document check (public)",
            ),
            "applicant": ("staff case", *VIEWFLOW_TASK, *shows_api, "admin transfer"),
            "reason": ("staff case", *VIEWFLOW_TASK, *shows_api, "admin transfer"),
            "decision_no": ("staff case", *shows_api, "admin transfer"),  # the timeline: 本地未找到该主体文号为“…”的信用记录
            "transfer_id": ("staff case", *shows_api, "admin transfer", "admin transfers"),  # the timeline: 转办（转办编号 …）
            "attachment": ("staff case", *shows_api, "admin transfer"),
        }

    return scenario


def public_lists_and_oversight_scenario(client, h: Hostile):
    """A subject's name (as the national site may send it) on the public red and black lists and the public
    repair list (anonymous), and on the oversight pages a leader reads: the dashboard, the overdue and
    soon-due lists and the month's report preview, through the cases with open deadlines."""
    from types import SimpleNamespace

    from processes.common.models import TaskDeadline
    from processes.listing.tests.support import listed_entry
    from processes.objection.tests.support import file_objection
    from tests.factories import SubjectFactory

    today = timezone.localdate()
    applicant, subject = make_subject_user(subject=SubjectFactory(name=h.text("subject_name")), username="applicant")
    people = SimpleNamespace(
        subject=None,  # the windows are closed by the clock, not waived by the subject
        handler=make_staff("enforcement", "handler", username="enf.handler"),
        leader=make_staff("enforcement", "leader", username="enf.leader"),
    )
    listed_entry(people, subject=subject, expires_on=today + datetime.timedelta(days=365))
    # another organisation the national site sent under the same name, on the red list
    red = SubjectFactory(name=h.values["subject_name"])
    listed_entry(people, subject=red, list_kind="red", expires_on=today + datetime.timedelta(days=365), measures=("行政审批绿色通道",))
    # a repair approved and published (the row the repair flow leaves; the flow itself is the repair scenario's)
    RepairApplication.objects.create(
        reference="XF-HOSTILE-1", subject=subject, record=make_record(subject, document_number="交执罚〔2026〕31号"),
        statement="已履行处罚决定。", status=RepairApplication.Status.APPROVED, decided_at=timezone.now(), published_at=timezone.now(),
    )
    # two objections with the credit office's intake open: one due within two working days, one made overdue
    due_soon = file_objection(client, applicant, make_record(subject, document_number="交执罚〔2026〕32号"))
    overdue = file_objection(client, applicant, make_record(subject, document_number="交执罚〔2026〕33号"))
    TaskDeadline.objects.filter(task=open_human_task(overdue)).update(due_on=today - datetime.timedelta(days=1))
    assert TaskDeadline.objects.get(task=open_human_task(due_soon)).due_on >= today

    leader = make_staff("legal", "leader", username="legal.leader")
    pages = Pages(client)
    pages.get("public black list", None, reverse("listing:public_list", args=["black"]))
    pages.get("public red list", None, reverse("listing:public_list", args=["red"]))
    pages.get("public repair list", None, reverse("repair:public_list"))
    pages.get("oversight dashboard", leader, reverse("oversight:dashboard"))
    pages.get("oversight overdue", leader, reverse("oversight:deadlines", args=["overdue"]))
    pages.get("oversight due soon", leader, reverse("oversight:deadlines", args=["due_soon"]))
    pages.get("oversight monthly report", leader, reverse("oversight:monthly_report", args=[today.strftime("%Y-%m")]))
    for label, cases in (
        ("oversight dashboard", (overdue, due_soon)), ("oversight overdue", (overdue,)), ("oversight due soon", (due_soon,)),
        ("oversight monthly report", (overdue,)),
    ):
        for case in cases:
            assert case.reference in pages.html[label], f"{case.reference} is not listed on {label}"
    return pages, {
        "subject_name": (
            "public black list", "public red list", "public repair list",
            "oversight dashboard", "oversight overdue", "oversight due soon", "oversight monthly report",
        ),
    }


SCENARIOS = {
    "objection": objection_scenario,
    "repair": repair_scenario,
    "commitment": commitment_scenario,
    "commitment through the API": commitment_api_scenario,
    "interview": interview_scenario,
    "interview import": interview_import_scenario,
    "listing objection": listing_objection_scenario,
    "listing objection on a record": listing_objection_on_record_scenario,
    "joint check": joint_check_scenario,
    "transfer objection": transfer_scenario("objection"),
    "transfer repair": transfer_scenario("repair"),
    "public lists and oversight": public_lists_and_oversight_scenario,
}


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_markup_in_every_field_is_escaped_on_every_page_that_shows_it(client, settings, tmp_path, scenario, payload):
    from processes.transfer.tests.support import SECRET

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NATIONAL_SITE_SECRET, settings.NATIONAL_SITE_FEEDBACK_URL, settings.PLATFORM_SYNC_URLS = SECRET, "", {}
    h = Hostile(payload)
    pages, shows = SCENARIOS[scenario](client, h)

    assert set(shows) == set(h.values), "every filed field is in the table"
    for label, html in pages.html.items():
        assert not Injected(html).found, f"{label}: markup from a payload: {Injected(html).found}"
        for field, value in h.values.items():
            assert f"49〔{field}〕" not in html, f"{label}: {field} was evaluated as a template"
    for field, labels in shows.items():
        value = h.values[field]
        for label in labels:
            if label in pages.api:  # data, not markup: the text as filed
                assert any(value in text for text in json_strings(pages.api[label])), f"{field} is missing from {label}"
            else:
                shown = escape(json.dumps(value, ensure_ascii=False)[1:-1]) if label in JSON_PAGES else escape(value)
                assert shown in pages.html[label], f"{field} is not shown (escaped) on {label}"


def json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)
