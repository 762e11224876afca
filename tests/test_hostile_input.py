"""Hostile input: uploads that must be refused, and markup that must come back escaped.

Every refused upload is tried through the portal form and the API; each must give a
clear Chinese message and leave nothing behind (no case, no Material row, no file).
"""

import base64
import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from processes.common.models import Material
from processes.objection.flows import ObjectionFlow
from processes.objection.models import Objection
from processes.objection.tests.support import PDF_BYTES, act, make_record, pdf_upload
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


# --- markup typed by a subject comes back escaped ------------------------------------------

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def assert_escaped(html: str, payload: str):
    assert payload not in html, "raw markup reached the page"
    assert "<script>alert(1)" not in html and "<img src=x onerror" not in html
    escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert escaped in html, "the text is not shown at all"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_the_objection_statement_supply_note_and_file_name_is_escaped_on_every_page(client, people, payload):
    user, subject, record, _ = people
    clerk = make_staff("legal", "intake", username="legal.clerk")
    client.force_login(user)
    client.post(
        reverse("objection:portal_file", args=[record.pk]),
        {"grounds": "wrong", "statement": f"陈述{payload}", "decision_documents": pdf_upload(f"文书{payload}.pdf"),
         "commitment_letter": pdf_upload("承诺书.pdf")},
    )
    objection = Objection.objects.get()
    due_on = timezone.localdate() + datetime.timedelta(days=10)
    act(client, clerk, objection, ObjectionFlow.intake, {"decision": "supplement", "reason": "请补充。", "due_on": due_on.isoformat()})
    client.force_login(user)
    client.post(reverse("objection:portal_supply", args=[objection.pk]), {"note": f"补正{payload}", "files": pdf_upload()})
    pages = {
        "portal case": (user, reverse("objection:portal_detail", args=[objection.pk])),
        "staff case": (clerk, reverse("objection:staff_detail", args=[objection.pk])),
        "workbench": (clerk, reverse("workbench:home")),
    }
    for label, (who, url) in pages.items():
        client.force_login(who)
        html = client.get(url).content.decode()
        if label != "workbench":
            assert_escaped(html, payload)
        else:
            assert payload not in html
