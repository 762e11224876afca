"""What the repair tests do the way people do it: the portal filing page, viewflow's task pages.

The process-neutral helpers (claiming and completing a task on viewflow's assign and
execute pages, reading a PDF's text, the workbench) are the objection tests' own;
what is bound to a case (its tasks, documents, notifications, timeline) is repeated
here for the repair application.
"""

import datetime
import zoneinfo

from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from credit import services as credit_services
from credit.models import Department
from documents.models import Document
from notifications.models import Notification
from processes.common.models import CaseEvent, DepartmentTask
from processes.objection.tests.support import (  # noqa: F401  (re-exported for the repair tests)
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
from processes.repair.flows import RepairFlow
from processes.repair.models import RepairApplication

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date

DECISION, REFUSAL, ACCEPTANCE, NON_ACCEPTANCE = "信用修复决定书", "不予信用修复决定书", "信用修复申请受理通知书", "信用修复申请不予受理通知书"

#: The materials every regime asks for, and those the older ones add (credit.reference_data).
CURRENT_MATERIALS = ("performance_proof", "commitment_letter")
MATERIALS_2023 = (*CURRENT_MATERIALS, "authorisation_letter")
MATERIALS_2019 = (*MATERIALS_2023, "training_certificate", "credit_report")


def freeze(monkeypatch, moment: datetime.datetime) -> None:
    """From now on it is ``moment``, Beijing time, for everything that asks Django for now or today."""
    frozen = moment.replace(tzinfo=BEIJING)
    monkeypatch.setattr(timezone, "now", lambda: frozen)


def make_penalty(subject, *, severity="general", decision_date=D(2026, 1, 6), publish_on=D(2026, 1, 9), department="enforcement", **fields):
    """A penalty record made through ``credit.services`` like the data import does (published when ``publish_on``)."""
    values = {
        "kind": "penalty",
        "severity": severity,
        "title": "未按规定携带道路运输证",
        "document_number": "交执罚〔2026〕7号",
        "deciding_authority": "市交通运输综合行政执法支队",
        "decision_date": decision_date,
        "publish_on": publish_on,
    }
    values.update(fields)
    return credit_services.record_create(subject=subject, source_department=Department.objects.get(code=department), **values)


# --- the portal ---------------------------------------------------------------------------


def portal_file(client, user, record, *, performed_on="2026-01-20", statement="已缴清罚款2000元，车辆已补办道路运输证。", materials=CURRENT_MATERIALS, extra=None):
    """The subject's user applies on the portal with a tiny valid PDF per material kind; the response (not followed)."""
    client.force_login(user)
    data = {"obligations_performed_on": performed_on or "", "statement": statement}
    for kind in materials:
        data[kind] = pdf_upload(f"{kind}.pdf")
    data.update(extra or {})
    return client.post(reverse("repair:portal_file", args=[record.pk]), data)


def file_repair(client, user, record, **kwargs) -> RepairApplication:
    response = portal_file(client, user, record, **kwargs)
    assert response.status_code == 302, _form_errors(response)
    application = RepairApplication.objects.get(record=record, filed_by=user, status=RepairApplication.Status.FILED)
    assert response["Location"] == application.get_absolute_url()
    return application


def form_errors(response) -> list[str]:
    """Every error the refused form shows, field and non-field alike."""
    form = response.context["form"]
    return [message for messages in form.errors.values() for message in messages]


def portal_page(client, user, application) -> str:
    client.force_login(user)
    response = client.get(application.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- the workbench (viewflow task pages) --------------------------------------------------


def open_task(application, node) -> DepartmentTask:
    return DepartmentTask.objects.get(process_id=application.process_id, flow_task=node, status__in=OPEN)


def act(client, user, application, node, data) -> RepairApplication:
    """Claim the open ``node`` task and complete it with ``data``; the case as it is afterwards."""
    task = claim(client, user, open_task(application, node))
    response = submit(client, user, task, data)
    assert response.status_code == 302, _form_errors(response)
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    application.refresh_from_db()
    return application


def accept(client, clerk, application) -> RepairApplication:
    return act(client, clerk, application, RepairFlow.intake, {"decision": "accept", "reason": ""})


def decide(client, handler, application, decision, reason) -> RepairApplication:
    return act(client, handler, application, RepairFlow.decide, {"decision": decision, "reason": reason})


# --- what people notice -------------------------------------------------------------------


def notified(event: str, application=None) -> list[str]:
    """Usernames told about ``event`` (about ``application`` when given), sorted, one per notification."""
    rows = Notification.objects.filter(event=event)
    if application is not None:
        rows = rows.filter(object_id=str(application.pk), content_type__model="repairapplication")
    return sorted(rows.values_list("recipient__username", flat=True))


def document_titles(case) -> list[str]:
    return list(Document.objects.for_case(case).order_by("created_at", "year", "sequence").values_list("title", flat=True))


def document(case, title: str) -> Document:
    return Document.objects.for_case(case).get(title=title)


def document_text(case, title: str) -> str:
    return pdf_text(document(case, title).file.read())


def timeline(application, *, for_subject: bool = False) -> list[str]:
    events = CaseEvent.objects.filter(content_type__model="repairapplication", object_id=str(application.pk))
    if for_subject:
        events = events.filter(visible_to_subject=True)
    return list(events.values_list("action", flat=True))
