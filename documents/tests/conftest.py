import datetime
import io

import pytest
from pypdf import PdfReader

from credit.models import Department
from documents.services import document_issue

DECISION_SENTENCE = "经核查，该条行政处罚信息的作出决定机关登记有误，本机关决定予以更正，并将更正结果同步至信用交通网站和信用中国网站。"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes its PDFs under its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://credit.example.gov.cn"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """403/404 pages come from viewflow's templates, which use {% static %}; with
    DEBUG off the manifest storage needs collectstatic, which tests do not run."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def department(code: str) -> Department:
    return Department.objects.get(code=code)


def issue_decision(*, subject=None, department_code="legal", issued_on=datetime.date(2026, 11, 21), **overrides):
    """An objection decision (异议处理决定书), the typical one-page document."""
    fields = {
        "kind": "objection_decision",
        "title": "异议处理决定书",
        "department": overrides.pop("department", None) or department(department_code),
        "addressee": subject.name if subject else "张三",
        "body": [
            "你单位于2026年11月3日通过本局信用信息异议申请渠道，对本局公示的行政处罚信息（处罚决定书文号：交执罚〔2026〕0318号）提出异议，本局已于2026年11月5日依法受理。",
            DECISION_SENTENCE,
            "如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
        ],
        "legal_basis": "《交通运输部关于印发〈交通运输行业信用信息异议处理办法〉的通知》及《信用交通信息异议处理工作规范》",
        "subject": subject,
        "issued_on": issued_on,
    }
    fields.update(overrides)
    return document_issue(**fields)


def pdf_text(document) -> str:
    """The text pypdf reads out of the stored PDF, whitespace removed (lines wrap anywhere in Chinese)."""
    with document.file.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return "".join("".join(page.extract_text() for page in reader.pages).split())
