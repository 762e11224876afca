"""What the objection tests do the way people do it: pages in the portal, task pages in the workbench.

Staff act on viewflow's own task pages: the "assign" page (领取) and then the
"execute" page with the step's form, the same URLs the workbench links to.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader
from viewflow.workflow.status import STATUS

from credit import services as credit_services
from credit.models import Department
from documents.models import Document
from notifications.models import Notification
from processes.common.models import CaseEvent, DepartmentTask
from processes.objection.flows import ObjectionFlow
from processes.objection.models import Objection

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

# The smallest file the material check recognises as a PDF by its content.
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "处罚决定书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def make_record(subject, *, department: str = "enforcement", **fields):
    """A published penalty record, made through ``credit.services`` like the data import does."""
    values = {
        "kind": "penalty",
        "severity": "general",
        "title": "未按规定携带道路运输证",
        "document_number": "交执罚〔2026〕7号",
        "deciding_authority": "市交通运输综合行政执法支队",
        "decision_date": datetime.date(2026, 1, 6),
        "publish_on": datetime.date(2026, 1, 9),
    }
    values.update(fields)
    return credit_services.record_create(subject=subject, source_department=Department.objects.get(code=department), **values)


# --- the portal ---------------------------------------------------------------------------


def portal_file(client, user, record, *, grounds="wrong", statement="处罚决定书载明的违法日期与事实不符。", files=True):
    """The subject's user files an objection on the portal; returns the response (not followed)."""
    client.force_login(user)
    data = {"grounds": grounds, "statement": statement}
    if files:
        data["decision_documents"] = pdf_upload("行政复议决定书.pdf")
        data["commitment_letter"] = pdf_upload("异议申诉信用承诺书.pdf")
    return client.post(reverse("objection:portal_file", args=[record.pk]), data)


def file_objection(client, user, record, **kwargs) -> Objection:
    response = portal_file(client, user, record, **kwargs)
    objection = Objection.objects.get(record=record, filed_by=user)
    assert response.status_code == 302 and response["Location"] == objection.get_absolute_url()
    return objection


def portal_page(client, user, objection) -> str:
    client.force_login(user)
    response = client.get(objection.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- the workbench (viewflow task pages) --------------------------------------------------


def open_task(objection, node) -> DepartmentTask:
    """The one open task of ``node`` (e.g. ``ObjectionFlow.verify``) in the case."""
    return DepartmentTask.objects.get(process_id=objection.process_id, flow_task=node, status__in=OPEN)


def workbench(client, user) -> dict[str, list]:
    """The cases in ``user``'s workbench: ``{"inbox": [...], "queue": [...]}`` (claimed / to be claimed)."""
    client.force_login(user)
    response = client.get(reverse("workbench:home"))
    assert response.status_code == 200
    return {name: [row["case"] for row in response.context[name]] for name in ("inbox", "queue")}


def task_url(task, action: str) -> str:
    return task.flow_task.reverse(action, args=[task.process_id, task.pk])


def claim(client, user, task):
    """Take the task from the department's queue (viewflow's assign page)."""
    client.force_login(user)
    response = client.post(task_url(task, "assign"))
    assert response.status_code == 302, response.status_code
    task.refresh_from_db()
    assert task.owner == user and task.status == STATUS.ASSIGNED
    return task


def submit(client, user, task, data):
    """POST the task's form on its execute page; returns the response."""
    client.force_login(user)
    return client.post(task_url(task, "execute"), data)


def act(client, user, objection, node, data) -> Objection:
    """Claim the open ``node`` task and complete it with ``data``; the case as it is afterwards."""
    task = claim(client, user, open_task(objection, node))
    response = submit(client, user, task, data)
    assert response.status_code == 302, _form_errors(response)
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    objection.refresh_from_db()
    return objection


def accept(client, clerk, objection) -> Objection:
    return act(client, clerk, objection, ObjectionFlow.intake, {"decision": "accept", "reason": ""})


def propose(client, handler, objection, outcome, reason="经核查，原记录与执法案卷一致。", **extra) -> Objection:
    return act(client, handler, objection, ObjectionFlow.verify, {"outcome": outcome, "reason": reason, **extra})


def approve(client, reviewer, objection, comment="同意。") -> Objection:
    return act(client, reviewer, objection, ObjectionFlow.review, {"decision": "approve", "comment": comment})


def _form_errors(response) -> str:
    form = getattr(response, "context", None) and response.context.get("form")
    return f"{response.status_code} {form.errors if form is not None else ''}"


# --- what people notice -------------------------------------------------------------------


def notified(event: str, objection=None) -> list[str]:
    """Usernames told about ``event`` (about ``objection`` when given), sorted, one per notification."""
    rows = Notification.objects.filter(event=event)
    if objection is not None:
        rows = rows.filter(object_id=str(objection.pk), content_type__model="objection")
    return sorted(rows.values_list("recipient__username", flat=True))


def document_titles(objection) -> list[str]:
    return list(Document.objects.for_case(objection).order_by("created_at", "year", "sequence").values_list("title", flat=True))


def document(objection, title: str) -> Document:
    return Document.objects.for_case(objection).get(title=title)


def timeline(objection, *, for_subject: bool = False) -> list[str]:
    events = CaseEvent.objects.filter(content_type__model="objection", object_id=str(objection.pk))
    if for_subject:
        events = events.filter(visible_to_subject=True)
    return list(events.values_list("action", flat=True))


def pdf_text(content: bytes) -> str:
    """The text pypdf reads out of a PDF, whitespace removed (Chinese lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def download(client, user, doc):
    client.force_login(user)
    return client.get(reverse("documents:download", args=[doc.pk]))
