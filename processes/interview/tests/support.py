"""What the interview tests do the way people do it: staff pages, viewflow's task pages, the portal.

The process-neutral helpers (claiming and completing a task on viewflow's assign and
execute pages, reading a PDF's text, the workbench) are the objection tests' own;
what is bound to a case (its tasks, documents, notifications, timeline) is repeated
here for the interview.
"""

import csv
import datetime
import io
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from credit import services as credit_services
from credit.models import Department, ListEntry
from documents.models import Document
from notifications.models import Notification
from processes.common.models import CaseEvent, DepartmentTask
from processes.interview.flows import InterviewFlow
from processes.interview.models import WarningInterview
from processes.objection.tests.support import (  # noqa: F401  (re-exported for the interview tests)
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
D = datetime.date
NOTICE, MINUTES = "约谈通知书", "约谈记录"

#: The columns of the lists province and city send down, as the import template names them.
HEADER = ["主体名称", "统一社会信用代码/身份证号", "失信事由", "认定部门", "列入日期", "来源", "约谈类型"]


def freeze(monkeypatch, moment: datetime.datetime) -> None:
    """From now on it is ``moment``, Beijing time, for everything that asks Django for now or today."""
    frozen = moment.replace(tzinfo=BEIJING)
    monkeypatch.setattr(timezone, "now", lambda: frozen)


def beijing(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BEIJING)


# --- the credit data an interview rests on ----------------------------------------------------


def make_dishonesty(subject, *, department="enforcement", title="违反信用承诺，未按期补齐容缺材料", **fields):
    """A published dishonesty record (失信记录), made through ``credit.services``."""
    values = {
        "kind": "dishonesty", "title": title, "document_number": "交执失〔2026〕3号", "deciding_authority": "市交通运输综合行政执法支队",
        "decision_date": D(2026, 1, 12), "publish_on": D(2026, 1, 14),
    }
    values.update(fields)
    return credit_services.record_create(subject=subject, source_department=Department.objects.get(code=department), **values)


def make_list_entry(subject, *, department="enforcement", kind=ListEntry.ListKind.BLACK, listed=True, reason="一年内三次超限超载运输"):
    """A list entry as the list process leaves it: designated by ``department``, listed unless ``listed=False``."""
    entry = ListEntry.objects.create(
        subject=subject, list_kind=kind, designating_department=Department.objects.get(code=department),
        designation_standard="《交通运输领域严重失信主体名单认定标准》", reason=reason, proposed_on=D(2026, 1, 5),
    )
    if listed:
        entry.list(on=D(2026, 1, 20), expires_on=D(2027, 1, 20))
        entry.save()
    return entry


# --- staff pages ----------------------------------------------------------------------------


def start(client, user, *, record=None, list_entry=None, kind="warning", matter=""):
    """Start an interview on the staff page; the response (not followed)."""
    client.force_login(user)
    data = {"kind": kind, "matter": matter}
    if record is not None:
        data["record"] = record.pk
    if list_entry is not None:
        data["list_entry"] = list_entry.pk
    return client.post(reverse("interview:staff_start"), data)


def start_interview(client, user, **kwargs) -> WarningInterview:
    response = start(client, user, **kwargs)
    assert response.status_code == 302, _form_errors(response)
    interview = WarningInterview.objects.latest("pk")
    assert response["Location"] == interview.get_staff_url()
    return interview


def csv_file(rows, *, name="名单.csv", encoding="utf-8", header=HEADER) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, *, name="名单.xlsx", header=HEADER) -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def upload(client, user, file):
    """Upload a list on the import page; the response (not followed)."""
    client.force_login(user)
    return client.post(reverse("interview:import"), {"file": file})


# --- the workbench (viewflow task pages) --------------------------------------------------


def open_task(interview, node) -> DepartmentTask:
    return DepartmentTask.objects.get(process_id=interview.process_id, flow_task=node, status__in=OPEN)


def open_nodes(interview) -> list[str]:
    """The flow nodes the case waits at (human tasks and waits alike), by name."""
    return sorted(node.name for node in DepartmentTask.objects.filter(process_id=interview.process_id, status__in=OPEN).values_list("flow_task", flat=True))


def act(client, user, interview, node, data) -> WarningInterview:
    """Claim the open ``node`` task and complete it with ``data``; the case as it is afterwards."""
    task = claim(client, user, open_task(interview, node))
    response = submit(client, user, task, data)
    assert response.status_code == 302, _form_errors(response)
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    interview.refresh_from_db()
    return interview


def send_notice(client, handler, interview, *, when="2026-03-05 09:30", place="市交通运输局三楼约谈室", matter="告知失信后果，督促整改", kind="warning"):
    return act(client, handler, interview, InterviewFlow.prepare, {"kind": kind, "scheduled_at": when, "place": place, "matter": matter})


def hold(client, handler, interview, *, held_at="2026-03-05 09:30", rectification="一个月内完成车辆动态监控整改并提交整改报告", due_on="2026-04-03", files=None):
    data = {
        "outcome": "held", "held_at": held_at, "attendees": "执法支队：孙承办、周审核；企业：法定代表人王某",
        "minutes": "告知列入名单的原因与失信后果，企业承认超限运输事实，表示将加强车辆管理。",
        "rectification": rectification, "rectification_due_on": due_on,
        "signed_minutes": files if files is not None else pdf_upload("约谈记录（签字）.pdf"),
    }
    return act(client, handler, interview, InterviewFlow.hold, data)


def portal_confirm(client, user, interview, note=""):
    client.force_login(user)
    return client.post(reverse("interview:portal_confirm", args=[interview.pk]), {"note": note})


def portal_page(client, user, interview) -> str:
    client.force_login(user)
    response = client.get(interview.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def staff_page(client, user, interview) -> str:
    client.force_login(user)
    response = client.get(interview.get_staff_url())
    assert response.status_code == 200
    return response.content.decode()


# --- what people notice -------------------------------------------------------------------


def notified(event: str, interview=None) -> list[str]:
    """Usernames told about ``event`` (about ``interview`` when given), sorted, one per notification."""
    rows = Notification.objects.filter(event=event)
    if interview is not None:
        rows = rows.filter(object_id=str(interview.pk), content_type__model="warninginterview")
    return sorted(rows.values_list("recipient__username", flat=True))


def document_titles(interview) -> list[str]:
    return list(Document.objects.for_case(interview).order_by("created_at", "year", "sequence").values_list("title", flat=True))


def documents(interview, title: str) -> list[Document]:
    return list(Document.objects.for_case(interview).filter(title=title).order_by("created_at", "year", "sequence"))


def timeline(interview, *, for_subject: bool = False) -> list[str]:
    events = CaseEvent.objects.filter(content_type__model="warninginterview", object_id=str(interview.pk))
    if for_subject:
        events = events.filter(visible_to_subject=True)
    return list(events.values_list("action", flat=True))
