"""What the list tests do the way people do it: staff pages, the portal, viewflow's task pages.

The process-neutral helpers (claiming and completing a task on viewflow's pages,
reading a PDF's text, tiny valid uploads) are the objection tests' own.
"""

import datetime
import zoneinfo

from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from credit import services as credit_services
from credit.models import Department, ListEntry
from documents.models import Document
from notifications.models import Notification
from processes.common.models import CaseEvent, DepartmentTask
from processes.listing import services
from processes.listing.flows import ListingFlow, RemovalFlow
from processes.listing.models import ListingCase, RemovalCase
from processes.objection.tests.support import _form_errors, claim, pdf_text, pdf_upload, submit  # noqa: F401

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
NOW = datetime.datetime(2026, 6, 15, 10, 0)  # a Monday; the Dragon Boat holiday falls on 19–21 June

PRE_NOTICE, LISTING_DECISION, NOT_LISTED, REMOVAL_DECISION = "列入名单告知书", "列入名单决定书", "不予列入名单决定书", "移出名单决定书"


def freeze(monkeypatch, moment: datetime.datetime) -> None:
    """From now on it is ``moment``, Beijing time, for everything that asks Django for now or today."""
    frozen = moment.replace(tzinfo=BEIJING)
    monkeypatch.setattr(timezone, "now", lambda: frozen)


def make_penalty(subject, *, severity="serious", decision_date=D(2026, 3, 2), publish_on=D(2026, 3, 5), department="enforcement", **fields):
    values = {
        "kind": "penalty", "severity": severity, "title": "超限超载运输", "document_number": "交执罚〔2026〕31号",
        "deciding_authority": "市交通运输综合行政执法支队", "decision_date": decision_date, "publish_on": publish_on,
    }
    values.update(fields)
    return credit_services.record_create(subject=subject, source_department=Department.objects.get(code=department), **values)


PROPOSAL = {
    "list_kind": "black",
    "designation_standard": "《交通运输领域严重失信主体名单认定标准》第三条：一年内三次以上严重超限超载",
    "legal_basis": "《交通运输行业信用管理办法》第二十条",
    "reason": "2026年内三次严重超限超载运输，拒不整改。",
    "measures": "限制参与交通运输工程招标投标\n加强日常监管，提高抽查比例",
    "remedy": "可依法申请行政复议或者提起行政诉讼。",
    "expires_on": "2027-06-30",
}


# --- staff pages ------------------------------------------------------------------------------------


def propose_page(client, handler, subject, *, basis=None, **overrides):
    """The handler's proposal on the staff page; the response (not followed)."""
    client.force_login(handler)
    data = {
        **PROPOSAL, "department": str(Department.objects.get(code="enforcement").pk), "subject_code": subject.code,
        "basis_document_number": basis.document_number if basis is not None else "", **overrides,
    }
    return client.post(reverse("listing:propose"), data)


def propose(client, handler, subject, **kwargs) -> ListingCase:
    response = propose_page(client, handler, subject, **kwargs)
    assert response.status_code == 302, _form_errors(response)
    case = ListingCase.objects.filter(subject=subject).latest("pk")
    assert response["Location"] == case.get_staff_url()
    return case


def open_task(case, node) -> DepartmentTask:
    return DepartmentTask.objects.get(process_id=case.process_id, flow_task=node, status__in=OPEN)


def act(client, user, case, node, data):
    """Claim the open ``node`` task and complete it with ``data``; the case as it is afterwards."""
    task = claim(client, user, open_task(case, node))
    response = submit(client, user, task, data)
    assert response.status_code == 302, _form_errors(response)
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    case.refresh_from_db()
    return case


def leader_decides(client, leader, case, decision="list", reason="事实清楚，符合认定标准。", **extra) -> ListingCase:
    return act(client, leader, case, ListingFlow.decide, {"decision": decision, "reason": reason, "expires_on": "2027-06-30", **extra})


def reviewer_decides(client, reviewer, case, decision="remove", reason="经审核，移出条件成立。") -> RemovalCase:
    return act(client, reviewer, case, RemovalFlow.review, {"decision": decision, "reason": reason})


def start_removal_page(client, user, entry, *, reason, statement="（2026）闽01行终88号判决撤销原处罚决定。", evidence=True):
    client.force_login(user)
    data = {"reason": reason, "statement": statement}
    if evidence:
        data["evidence"] = pdf_upload("判决书.pdf")
    return client.post(reverse("listing:removal_start", args=[entry.pk]), data)


def listed_entry(people, *, subject=None, basis=None, list_kind="black", expires_on=D(2027, 6, 30), measures=("限制参与交通运输工程招标投标",)) -> ListEntry:
    """An entry listed through the services (proposal, the subject waives the window, the leader lists it)."""
    subject = subject or people.subject
    case = services.listing_propose(
        subject=subject, list_kind=list_kind, department=Department.objects.get(code="enforcement"), basis_record=basis,
        designation_standard=PROPOSAL["designation_standard"], reason=PROPOSAL["reason"], expires_on=expires_on,
        measures=list(measures), by=people.handler,
    )
    if subject == people.subject:
        services.listing_waive_objection(case=case, by=people.applicant)
    else:
        services.listings_close_windows(today=case.entry.objection_window_ends + datetime.timedelta(days=1))
    task = open_task(case, ListingFlow.decide)
    from processes.common.taskapi import task_claim, task_complete

    task_claim(task_id=task.pk, user=people.leader)
    task_complete(task_id=task.pk, user=people.leader, perform=lambda _t: services.listing_decide(case=case, by=people.leader, decision="list", reason="符合认定标准。"))
    return ListEntry.objects.get(pk=case.entry_id)


# --- the portal ------------------------------------------------------------------------------------------


def portal_object(client, user, case, *, grounds="wrong", statement="三次超限记录中有一次车辆并非本单位所有。", files=True):
    client.force_login(user)
    data = {"grounds": grounds, "statement": statement}
    if files:
        data["decision_documents"] = pdf_upload("车辆转让合同.pdf")
        data["commitment_letter"] = pdf_upload("异议申诉信用承诺书.pdf")
    return client.post(reverse("listing:portal_object", args=[case.pk]), data)


def portal_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- what people notice -------------------------------------------------------------------------


def notified(event: str, case=None) -> list[str]:
    rows = Notification.objects.filter(event=event)
    if case is not None:
        rows = rows.filter(object_id=str(case.pk), content_type__model=case._meta.model_name)
    return sorted(rows.values_list("recipient__username", flat=True))


def document_titles(case) -> list[str]:
    return list(Document.objects.for_case(case).order_by("created_at", "year", "sequence").values_list("title", flat=True))


def document_text(case, title: str) -> str:
    return pdf_text(Document.objects.for_case(case).get(title=title).file.read())


def timeline(case, *, for_subject: bool = False) -> list[str]:
    events = CaseEvent.objects.filter(content_type__model=case._meta.model_name, object_id=str(case.pk))
    if for_subject:
        events = events.filter(visible_to_subject=True)
    return list(events.values_list("action", flat=True))
