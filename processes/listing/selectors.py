"""Read-only questions: who may act on an entry, what the lists hold now, what a check answers."""

import datetime

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from credit.models import CreditRecord, ListEntry, RecordKind, Role, Severity, StaffRole, Subject
from credit.validators import check_id_number, check_uscc, mask_id_number
from processes.common.access import is_admin

from .models import RemovalCase

#: The lists published to everyone (the focus list is shared with government systems only).
PUBLIC_KINDS = (ListEntry.ListKind.RED, ListEntry.ListKind.BLACK)


def staff_may_act_for_entry(user, entry: ListEntry) -> bool:
    """Staff of the designating department (谁认定、谁负责), of the credit office, or an administrator."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user):
        return True
    return StaffRole.objects.filter(user=user).filter(Q(department_id=entry.designating_department_id) | Q(department__is_credit_lead=True)).exists()


def proposing_departments(user):
    """The departments where ``user`` may propose a listing: those where it is a handler (all, for an administrator)."""
    from credit.models import Department

    if is_admin(user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=StaffRole.objects.filter(user=user, role=Role.HANDLER).values("department_id"))


def in_force(today: datetime.date | None = None) -> Q:
    """Listed, and its period not yet over (an expired entry no longer applies while its removal is under way)."""
    today = today or timezone.localdate()
    return Q(status=ListEntry.Status.LISTED) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def public_entries(*, kind: str, query: str = "", today: datetime.date | None = None) -> QuerySet[ListEntry]:
    entries = ListEntry.objects.filter(in_force(today), list_kind=kind).select_related("subject", "designating_department").order_by("-listed_on", "-pk")
    query = (query or "").strip()
    if query:
        code = query.upper()
        entries = entries.filter(Q(subject__name__icontains=query) | Q(subject__uscc=code) | Q(subject__id_number=code))
    return entries


def public_code(subject: Subject) -> str:
    """A natural person's ID number masked (1101**********002X); an organisation's code in full."""
    return subject.uscc or mask_id_number(subject.id_number or "")


# --- the joint punishment check -----------------------------------------------------------------


def normalise_code(value: str) -> str:
    return "".join((value or "").split()).upper()


def code_problems(code: str) -> list[str]:
    """Nothing when ``code`` is a valid unified social credit code or resident ID number; else what is wrong."""
    if not code:
        return ["请提供要核查的统一社会信用代码或居民身份证号码（code）。"]
    uscc = check_uscc(code)
    if not uscc:
        return []
    id_number = check_id_number(code)
    if not id_number:
        return []
    looks_like_id = len(code) == 18 and code[:17].isdigit() and (code[17].isdigit() or code[17] == "X")
    return id_number if looks_like_id else uscc


def check_answer(*, code: str, now: datetime.datetime | None = None) -> tuple[Subject | None, dict]:
    """What the check API answers about ``code``: the lists in force, their measures, serious penalties published.

    Three queries whatever the register's size: the subject by its unique code, its
    entries in force (with their department, and a removal under way, in the same
    query), and its published serious penalties; each through an index.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_removal = RemovalCase.objects.filter(entry=OuterRef("pk"), status=RemovalCase.Status.REVIEWING).values("reason")[:1]
    entries = (
        ListEntry.objects.filter(in_force(today)).select_related("designating_department")
        .annotate(removal_reason_pending=Subquery(open_removal)).order_by("list_kind", "-listed_on")
    )
    records = CreditRecord.objects.visible().filter(kind=RecordKind.PENALTY, severity=Severity.SERIOUS).order_by("-decision_date")
    subject = (
        Subject.objects.filter(Q(uscc=code) | Q(id_number=code))
        .prefetch_related(Prefetch("list_entries", queryset=entries, to_attr="entries_in_force"), Prefetch("records", queryset=records, to_attr="serious_records"))
        .first()
    )
    answer = {"code": code, "found": subject is not None, "checked_at": timezone.localtime(now).isoformat()}
    if subject is None:
        return None, {**answer, "subject": None, "on_list": False, "lists": [], "measures": [], "serious_records": []}
    reasons = dict(ListEntry.RemovalReason.choices)
    lists = [
        {
            "kind": entry.list_kind,
            "kind_label": entry.get_list_kind_display(),
            "listed_on": entry.listed_on.isoformat() if entry.listed_on else None,
            "expires_on": entry.expires_on.isoformat() if entry.expires_on else None,
            "designating_department": entry.designating_department.name,
            "reason": entry.reason,
            "measures": list(entry.measures or []),
            "removal_pending": reasons.get(entry.removal_reason_pending) if entry.removal_reason_pending else None,
        }
        for entry in subject.entries_in_force
    ]
    measures = list(dict.fromkeys(measure for item in lists for measure in item["measures"]))
    serious = [
        {
            "document_number": record.document_number,
            "title": record.title,
            "decision_date": record.decision_date.isoformat(),
            "deciding_authority": record.deciding_authority,
            "publication_ends_on": record.publication_ends_on.isoformat() if record.publication_ends_on else None,
        }
        for record in subject.serious_records
    ]
    return subject, {
        **answer,
        "subject": {"name": subject.name, "kind": subject.kind, "kind_label": subject.get_kind_display()},
        "on_list": bool(lists),
        "lists": lists,
        "measures": measures,
        "serious_records": serious,
    }


def portal_list_info(subject: Subject | None) -> dict:
    """我的名单信息 on the portal home: the subject's entries (proposed, listed, past) with their cases."""
    if subject is None:
        return {"list_entries": []}
    entries = (
        ListEntry.objects.filter(subject=subject).select_related("designating_department", "listing_case")
        .prefetch_related(Prefetch("removal_cases", queryset=RemovalCase.objects.order_by("-started_at")))
        .order_by("-proposed_on", "-pk")
    )
    return {"list_entries": entries}
