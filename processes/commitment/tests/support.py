"""What the commitment tests do the way people do it: the counter and portal pages, viewflow's task pages.

The process-neutral helpers (claiming and completing a task on viewflow's assign and
execute pages, reading a PDF's text, the workbench) are the objection tests' own;
what is bound to a case (its tasks, documents, notifications, timeline) is repeated
here for the commitment case.
"""

import datetime
import zoneinfo

from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from documents.models import Document
from notifications.models import Notification
from processes.commitment.flows import CommitmentFlow
from processes.commitment.models import CommitmentCase
from processes.common.models import CaseEvent, DepartmentTask
from processes.objection.tests.support import (  # noqa: F401  (re-exported for the commitment tests)
    PDF_BYTES,
    _form_errors,
    claim,
    download,
    pdf_text,
    pdf_upload,
    submit,
    task_url,
    workbench,
)

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
S = CommitmentCase.Status
LETTER, RESULT, BREACH = "信用承诺书", "信用承诺核查结果通知书", "违背信用承诺认定书"
MATTER = "道路货物运输经营许可"
MISSING = ("安全生产管理制度文本", "专职安全管理人员证明")


def freeze(monkeypatch, moment: datetime.datetime) -> None:
    """From now on it is ``moment``, Beijing time, for everything that asks Django for now or today."""
    frozen = moment.replace(tzinfo=BEIJING)
    monkeypatch.setattr(timezone, "now", lambda: frozen)


def form_errors(response, name: str = "form") -> list[str]:
    """Every error the refused form (``name`` in the page's context) shows, field and non-field alike."""
    form = response.context[name]
    return [message for messages in form.errors.values() for message in messages]


# --- registering: the portal and the counter -----------------------------------------------


def portal_register(client, user, subject, *, kind="tolerance", matter=MATTER, materials=MISSING, content="", department=None, signed=False):
    """The subject's user submits a commitment on the portal; the response (not followed)."""
    from credit.models import Department

    client.force_login(user)
    data = {
        "subject": subject.pk, "kind": kind, "matter": matter, "content": content, "missing_materials": "\n".join(materials),
        "department": (department or Department.objects.get(code="approval")).pk,
    }
    if signed:
        data["signed_letter"] = pdf_upload("信用承诺书（已签署）.pdf")
    return client.post(reverse("commitment:portal_register"), data)


def submit_commitment(client, user, subject, **kwargs) -> CommitmentCase:
    response = portal_register(client, user, subject, **kwargs)
    assert response.status_code == 302, _form_errors(response)
    case = CommitmentCase.objects.filter(subject=subject).latest("pk")
    assert response["Location"] == case.get_absolute_url()
    return case


def staff_register(client, user, subject, *, kind="tolerance", matter=MATTER, materials=MISSING, due_on=None, signed=False, department=None, **extra):
    """The counter registers a commitment for the subject; the response (not followed)."""
    from credit.models import Department

    client.force_login(user)
    data = {
        "subject_code": subject.code, "applicant_name": "张经办", "applicant_phone": "13912345678", "kind": kind, "matter": matter,
        "content": "", "missing_materials": "\n".join(materials), "supplement_due_on": due_on.isoformat() if due_on else "",
        "department": (department or Department.objects.get(code="approval")).pk, **extra,
    }
    if signed:
        data["signed_letter"] = pdf_upload("信用承诺书（当场签署）.pdf")
    return client.post(reverse("commitment:staff_register"), data)


def register_at_counter(client, user, subject, **kwargs) -> CommitmentCase:
    response = staff_register(client, user, subject, **kwargs)
    assert response.status_code == 302, _form_errors(response)
    case = CommitmentCase.objects.filter(subject=subject).latest("pk")
    assert response["Location"] == case.get_staff_url()
    return case


def letter(client, user, case):
    client.force_login(user)
    return client.get(reverse("commitment:letter", args=[case.pk]))


def sign(client, user, case, files=("信用承诺书（已签署）.pdf",)):
    client.force_login(user)
    return client.post(reverse("commitment:portal_sign", args=[case.pk]), {"signed_letter": [pdf_upload(name) for name in files]})


def supply(client, user, case, note="已补齐安全生产管理制度文本和专职安全管理人员证明。", files=("安全生产管理制度.pdf", "安全管理人员证明.pdf")):
    client.force_login(user)
    return client.post(reverse("commitment:portal_supply", args=[case.pk]), {"note": note, "files": [pdf_upload(name) for name in files]})


def portal_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def public_page(client, q="") -> str:
    client.logout()
    response = client.get(reverse("commitment:public_list"), {"q": q} if q else {})
    assert response.status_code == 200
    return response.content.decode()


# --- the workbench (viewflow task pages) --------------------------------------------------


def open_task(case, node) -> DepartmentTask:
    return DepartmentTask.objects.get(process_id=case.process_id, flow_task=node, status__in=OPEN)


def act(client, user, case, node, data) -> CommitmentCase:
    """Claim the open ``node`` task and complete it with ``data``; the case as it is afterwards."""
    task = claim(client, user, open_task(case, node))
    response = submit(client, user, task, data)
    assert response.status_code == 302, _form_errors(response)
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    case.refresh_from_db()
    return case


def verify_kept(client, handler, case, method="online", finding="经网上核查，容缺材料已补齐且符合要求。") -> CommitmentCase:
    return act(client, handler, case, CommitmentFlow.verify, {"method": method, "finding": finding, "result": "fulfilled"})


def verify_broken(client, handler, case, *, severity="serious", legal_basis="《交通运输行业信用管理办法》第十九条；信用承诺书第四条", **extra) -> CommitmentCase:
    data = {
        "method": "on_site", "finding": "现场核查发现企业未建立安全生产管理制度，与承诺不符。", "result": "breached",
        "severity": severity, "legal_basis": legal_basis, "measures": "依法撤销道路货物运输经营许可", **extra,
    }
    return act(client, handler, case, CommitmentFlow.verify, data)


def confirm(client, reviewer, case, comment="同意认定违背承诺。") -> CommitmentCase:
    return act(client, reviewer, case, CommitmentFlow.review, {"decision": "confirm", "comment": comment})


def send_back(client, reviewer, case, comment="证据不足，请补充现场核查记录。") -> CommitmentCase:
    return act(client, reviewer, case, CommitmentFlow.review, {"decision": "return", "comment": comment})


# --- what people notice -------------------------------------------------------------------


def notified(event: str, case=None) -> list[str]:
    """Usernames told about ``event`` (about ``case`` when given), sorted, one per notification."""
    rows = Notification.objects.filter(event=event)
    if case is not None:
        rows = rows.filter(object_id=str(case.pk), content_type__model="commitmentcase")
    return sorted(rows.values_list("recipient__username", flat=True))


def document_titles(case) -> list[str]:
    return list(Document.objects.for_case(case).order_by("created_at", "year", "sequence").values_list("title", flat=True))


def document(case, title: str) -> Document:
    return Document.objects.for_case(case).get(title=title)


def document_text(case, title: str) -> str:
    return pdf_text(document(case, title).file.read())


def timeline(case, *, for_subject: bool = False) -> list[str]:
    events = CaseEvent.objects.filter(content_type__model="commitmentcase", object_id=str(case.pk))
    if for_subject:
        events = events.filter(visible_to_subject=True)
    return list(events.values_list("action", flat=True))


def next_working_days(start: datetime.date, days: int) -> datetime.date:
    from credit.workdays import add_working_days

    return add_working_days(start, days).date
