"""Every write of the list process. One service, one thing, one transaction."""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed
from viewflow.workflow.status import STATUS

from credit.models import VISIBLE_STATES, CreditRecord, Department, ListEntry, Platform, PlatformSync, RecordStatus, Subject
from credit.rules import deadline_days
from credit.selectors import user_may_act_for_subject
from credit.workdays import add_working_days
from documents.rendering import chinese_date
from processes.common.materials import check_material, material_attach
from processes.common.models import provisional_reference
from processes.common.signals import case_closed
from processes.common.timeline import case_log
from processes.objection.models import Objection
from processes.objection.services import objection_file

from . import documents, notices
from .models import CheckClient, CheckLog, ListingCase, RemovalCase
from .selectors import proposing_departments, staff_may_act_for_entry

logger = logging.getLogger(__name__)

#: Materials as the interfaces hand them over: (file name, content, material kind).
Upload = tuple[str, bytes, str]

PLATFORMS = (Platform.NATIONAL, Platform.CREDITCHINA, Platform.PROVINCIAL)
ACTIVE_ENTRY_STATES = (ListEntry.Status.PROPOSED, ListEntry.Status.PRE_NOTICE, ListEntry.Status.LISTED)
#: Removal grounds staff start by hand; the period's end and a repair start by themselves.
STAFF_REMOVAL_REASONS = (ListEntry.RemovalReason.COURT_RULING, ListEntry.RemovalReason.ERROR, ListEntry.RemovalReason.NO_LONGER_QUALIFIES)
#: Grounds that must be shown by evidence (a judgement, the documents proving the error).
EVIDENCE_REQUIRED = (ListEntry.RemovalReason.COURT_RULING, ListEntry.RemovalReason.ERROR)


def _upload_problems(uploads) -> list[str]:
    return [problem for name, content, _ in uploads for problem in check_material(name, content)]


# --- designation (列入名单) -----------------------------------------------------------------------


@transaction.atomic
def listing_propose(
    *,
    subject: Subject,
    list_kind: str,
    department: Department,
    designation_standard: str,
    reason: str,
    expires_on: datetime.date | None,
    by,
    basis_record: CreditRecord | None = None,
    legal_basis: str = "",
    remedy: str = "",
    measures: list[str] = (),
    today: datetime.date | None = None,
) -> ListingCase:
    """A department proposes a listing: the entry is created, the pre-notice issued, the objection window opens."""
    today = today or timezone.localdate()
    if not proposing_departments(by).filter(pk=department.pk).exists():
        raise PermissionDenied("只有认定部门的承办人可以提出列入名单。")
    errors: dict[str, list[str]] = {}
    if list_kind not in ListEntry.ListKind.values:
        errors["list_kind"] = ["请选择名单类型。"]
    if not (designation_standard or "").strip():
        errors["designation_standard"] = ["请写明所依据的认定标准。"]
    if not (reason or "").strip():
        errors["reason"] = ["请写明列入的事实与理由。"]
    if expires_on is None:
        errors["expires_on"] = ["请按认定标准填写列入有效期的截止日期。"]
    elif expires_on <= today:
        errors["expires_on"] = ["列入有效期截止日期应晚于今天。"]
    measures = [m.strip() for m in measures if m and m.strip()]
    if not measures:
        errors["measures"] = ["请列明列入后适用的惩戒或激励措施（每行一项）。"]
    if basis_record is not None:
        basis_record = CreditRecord.objects.select_for_update().get(pk=basis_record.pk)
        if basis_record.subject_id != subject.pk:
            errors["basis_record"] = ["依据记录不属于该信用主体。"]
        elif basis_record.status == RecordStatus.UNDER_OBJECTION:
            errors["basis_record"] = ["依据记录正在异议处理中，请待异议办结后再提出列入。"]
        elif basis_record.status not in VISIBLE_STATES:
            errors["basis_record"] = [f"依据记录当前为“{basis_record.get_status_display()}”，不在公示中，不能作为列入依据。"]
    if list_kind in ListEntry.ListKind.values and ListEntry.objects.filter(subject=subject, list_kind=list_kind, status__in=ACTIVE_ENTRY_STATES).exists():
        errors["list_kind"] = [f"该主体已在或拟列入{ListEntry.ListKind(list_kind).label}。"]
    if errors:
        raise ValidationError(errors)

    entry = ListEntry.objects.create(
        subject=subject, list_kind=list_kind, designating_department=department, basis_record=basis_record,
        designation_standard=designation_standard.strip(), legal_basis=(legal_basis or "").strip(), reason=reason.strip(),
        remedy=(remedy or "").strip(), measures=measures, proposed_on=today,
    )
    window = add_working_days(today, deadline_days("listing.objection_window", on=today))
    entry.send_pre_notice(window_ends=window.date)
    entry.save()
    case = ListingCase.objects.create(
        reference=provisional_reference(), entry=entry, subject=subject,
        proposed_by=by, proposed_expires_on=expires_on, window_provisional=window.provisional,
    )
    case.reference = f"LR{today.year}{case.pk:06d}"
    case.save(update_fields=["reference"])
    case_log(case=case, action="proposed", label=f"提出列入{entry.get_list_kind_display()}", actor=by, reason=entry.reason)
    notice = documents.issue_pre_notice(case=case, by=by)
    case_log(
        case=case, action="pre_notice", actor=by, document=str(notice.pk),
        label=f"送达列入名单告知书（{notice.number}），异议期至{window.date:%Y年%m月%d日}" + ("（超出已发布节假日安排，暂定）" if window.provisional else ""),
    )

    from .flows import ListingFlow

    ListingFlow.start.run(case=case)
    notices.listing_pre_notice(case=case)
    return case


def _lock_listing(case: ListingCase) -> ListingCase:
    return ListingCase.objects.select_for_update(of=("self",)).select_related("entry", "entry__designating_department", "entry__basis_record", "subject").get(pk=case.pk)


def _finish_window(case: ListingCase) -> None:
    """The wait for the objection window (or for the objection's result) is over: the leader's task opens."""
    from .flows import ListingFlow

    task = case.process.task_set.filter(flow_task=ListingFlow.await_window, status=STATUS.NEW).first()
    if task is not None:
        ListingFlow.await_window.run(task)


def _open_objection(record: CreditRecord) -> Objection | None:
    return Objection.objects.filter(record=record).exclude(status__in=Objection.CLOSED_STATUSES).order_by("-filed_at").first()


@transaction.atomic
def listing_object(
    *, case: ListingCase, by, grounds: str, statement: str, uploads: list[Upload] = (), today: datetime.date | None = None,
) -> ListingCase:
    """The subject objects within the window.

    Against the basis record, the objection runs through the objection process and
    the designation waits for its result; with no basis record (a red list resting
    on a designation standard, facts beyond one record) it is recorded here and the
    leader answers it in the decision.
    """
    today = today or timezone.localdate()
    if not user_may_act_for_subject(by, case.subject):
        raise PermissionDenied("您无权代表该信用主体提出异议。")
    case = _lock_listing(case)
    entry = case.entry
    errors: dict[str, list[str]] = {}
    if case.status != ListingCase.Status.WINDOW:
        errors["__all__"] = [f"该案件当前为“{case.get_status_display()}”，不能再提出异议。"]
    elif entry.objection_window_ends and today > entry.objection_window_ends:
        errors["__all__"] = [f"异议期已于{chinese_date(entry.objection_window_ends)}届满。"]
    if grounds not in Objection.Grounds.values:
        errors["grounds"] = ["请选择异议类型。"]
    if not (statement or "").strip():
        errors["statement"] = ["请写明异议的事实和理由。"]
    uploads = list(uploads)
    problems = _upload_problems(uploads)
    if problems:
        errors["uploads"] = problems
    if errors:
        raise ValidationError(errors)
    statement = statement.strip()
    now = timezone.now()

    objection = _open_objection(entry.basis_record) if entry.basis_record_id else None
    if entry.basis_record_id and objection is None:
        # The materials go with the objection case, where the record's department verifies them.
        objection = objection_file(
            record=entry.basis_record, grounds=grounds, by=by, channel=Objection.Channel.PORTAL, uploads=uploads,
            statement=f"（针对拟列入{entry.get_list_kind_display()}，案件 {case.reference}）{statement}",
        )
    else:
        for name, content, kind in uploads:
            material_attach(case=case, name=name, content=content, kind=kind, by=by)
    case.receive_objection(at=now, by=by, grounds=grounds, statement=statement, objection=objection)
    case.save()
    if objection is not None:
        case_log(case=case, action="objected", actor=by, reason=statement, objection=objection.reference,
                 label=f"主体提出异议，依据记录按异议处理程序核查（异议案件 {objection.reference}），认定等待异议结果")
    else:
        case_log(case=case, action="objected", actor=by, reason=statement, label="主体提出异议（无依据记录），由认定部门核查并在决定中答复")
        case.close_window(at=now)
        case.save()
        _finish_window(case)
    notices.listing_objection_received(case=case)
    return case


@transaction.atomic
def listing_waive_objection(*, case: ListingCase, by) -> ListingCase:
    """The subject states it will not object (放弃陈述申辩): the window closes early."""
    if not user_may_act_for_subject(by, case.subject):
        raise PermissionDenied("您无权代表该信用主体。")
    case = _lock_listing(case)
    if case.status != ListingCase.Status.WINDOW:
        raise ValidationError(f"该案件当前为“{case.get_status_display()}”，无需确认。")
    case.waive(at=timezone.now())
    case.save()
    case_log(case=case, action="waived", actor=by, label="主体确认无异议，放弃异议期剩余期间")
    _finish_window(case)
    return case


@transaction.atomic
def listing_close_window(*, case: ListingCase, today: datetime.date | None = None) -> ListingCase:
    """The window has passed. An objection filed against the basis record meanwhile (on the objection pages) is waited for."""
    today = today or timezone.localdate()
    case = _lock_listing(case)
    if case.status != ListingCase.Status.WINDOW or not (case.entry.objection_window_ends and today > case.entry.objection_window_ends):
        return case
    objection = _open_objection(case.entry.basis_record) if case.entry.basis_record_id else None
    if objection is not None:
        case.receive_objection(at=objection.filed_at, by=objection.filed_by, grounds=objection.grounds, statement=objection.statement, objection=objection)
        case.save()
        case_log(case=case, action="objected", actor_label="系统", reason=objection.statement, objection=objection.reference,
                 label=f"异议期内依据记录被提出异议（异议案件 {objection.reference}），认定等待异议结果")
        return case
    case.close_window(at=timezone.now())
    case.save()
    case_log(case=case, action="window_closed", actor_label="系统", label=f"异议期于{case.entry.objection_window_ends:%Y年%m月%d日}届满，未提出异议")
    _finish_window(case)
    return case


def listings_close_windows(*, today: datetime.date | None = None) -> int:
    """Close every objection window that has passed (the beat job). Each case in its own transaction."""
    today = today or timezone.localdate()
    count = 0
    due = ListingCase.objects.filter(status=ListingCase.Status.WINDOW, entry__objection_window_ends__lt=today)
    for case in due:
        if listing_close_window(case=case, today=today).status != ListingCase.Status.WINDOW:
            count += 1
    return count


@transaction.atomic
def listing_objection_closed(*, objection: Objection, result: str, reason: str = "") -> int:
    """The objection a designation waits for is closed: the leader decides, seeing its result."""
    count = 0
    for case in ListingCase.objects.filter(objection=objection, status=ListingCase.Status.OBJECTION):
        case = _lock_listing(case)
        if case.status != ListingCase.Status.OBJECTION:
            continue
        case.close_window(at=timezone.now())
        case.save()
        objection.refresh_from_db()
        case_log(case=case, action="objection_closed", actor_label="系统", reason=reason,
                 label=f"异议案件 {objection.reference} 办结：{objection.result_label}，转负责人决定")
        _finish_window(case)
        count += 1
    return count


@transaction.atomic
def listing_decide(
    *, case: ListingCase, by, decision: str, reason: str, objection_reply: str = "", expires_on: datetime.date | None = None,
) -> ListingCase:
    """The leader decides: list (published, measures attached, platforms told) or not list (the entry is withdrawn)."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if decision not in ("list", "not_list"):
        errors["decision"] = ["请选择决定：列入或不予列入。"]
    if not (reason or "").strip():
        errors["reason"] = ["请写明决定理由。"]
    case = _lock_listing(case)
    entry = case.entry
    if case.has_objection and not (objection_reply or "").strip():
        errors["objection_reply"] = ["主体提出了异议，请写明核查情况和答复。"]
    if decision == "list":
        expires_on = expires_on or case.proposed_expires_on
        if expires_on <= today:
            errors["expires_on"] = ["列入有效期截止日期应晚于今天。"]
        record = entry.basis_record
        if record is not None:
            record.refresh_from_db()
            if record.status not in VISIBLE_STATES or record.status == RecordStatus.UNDER_OBJECTION:
                errors["decision"] = [f"依据记录当前为“{record.get_status_display()}”，不能据此列入。"]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    reason, reply = reason.strip(), (objection_reply or "").strip()
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    if decision == "list":
        entry.list(on=today, expires_on=expires_on)
        entry.save()
        case.entry = entry
        case.decide_list(at=now, by=by, reason=reason, reply=reply)
        case.save()
        document = documents.issue_listing_decision(case=case, by=by)
        _queue_platform_syncs(case, entry, event="list_designation", key=f"listing:{case.pk}", payload={
            "case": case.reference, "list_kind": entry.list_kind, "listed_on": entry.listed_on.isoformat(),
            "expires_on": entry.expires_on.isoformat(), "reason": entry.reason, "measures": entry.measures, "decision_number": document.number,
        })
        case_log(case=case, action="listed", actor=by, reason=reason, document=str(document.pk),
                 label=f"决定列入{entry.get_list_kind_display()}，有效期至{entry.expires_on:%Y年%m月%d日}，予以公示并推送平台")
        result = "approved"
    else:
        entry.withdraw()
        entry.save()
        case.entry = entry
        case.decide_not_list(at=now, by=by, reason=reason, reply=reply)
        case.save()
        document = documents.issue_not_listed_decision(case=case, by=by)
        case_log(case=case, action="not_listed", actor=by, reason=reason, document=str(document.pk), label="决定不予列入")
        result = "rejected"
    notices.listing_decided(case=case)
    case_closed.send(
        sender=ListingCase, case=case, result=result, reason=reason, department=entry.designating_department.name, decided_at=now, document=document,
    )
    return case


def _queue_platform_syncs(case, entry: ListEntry, *, event: str, key: str, payload: dict) -> None:
    for platform in PLATFORMS:
        PlatformSync.objects.create(
            platform=platform, event=event, target=case, idempotency_key=f"{key}:{platform}:{event}",
            payload={
                "subject_code": entry.subject.code, "subject_name": entry.subject.name,
                "designating_department": entry.designating_department.name, **payload,
            },
        )


# --- removal (移出名单) -------------------------------------------------------------------------------


@transaction.atomic
def removal_start(
    *, entry: ListEntry, reason: str, statement: str, by=None, uploads: list[Upload] = (), today: datetime.date | None = None,
) -> RemovalCase:
    """Start the removal of a listed entry. ``by`` is None when a trigger starts it (the period's end, a repair)."""
    if by is not None and not staff_may_act_for_entry(by, entry):
        raise PermissionDenied("只有认定部门或法规科的工作人员可以发起移出。")
    entry = ListEntry.objects.select_for_update().select_related("subject", "designating_department").get(pk=entry.pk)
    errors: dict[str, list[str]] = {}
    if entry.status != ListEntry.Status.LISTED:
        errors["__all__"] = [f"该名单当前为“{entry.get_status_display()}”，不能移出。"]
    elif entry.removal_cases.filter(status=RemovalCase.Status.REVIEWING).exists():
        errors["__all__"] = ["该名单已有正在办理的移出案件。"]
    if reason not in ListEntry.RemovalReason.values or (by is not None and reason not in STAFF_REMOVAL_REASONS):
        errors["reason"] = ["请选择移出原因：司法裁判、认定错误，或（红名单）不再符合条件。"]
    elif reason == ListEntry.RemovalReason.NO_LONGER_QUALIFIES and entry.list_kind != ListEntry.ListKind.RED:
        errors["reason"] = ["“不再符合条件”只适用于红名单。"]
    if not (statement or "").strip():
        errors["statement"] = ["请写明移出的依据和说明。"]
    uploads = list(uploads)
    problems = _upload_problems(uploads)
    if problems:
        errors["uploads"] = problems
    elif reason in EVIDENCE_REQUIRED and not uploads:
        errors["uploads"] = ["司法裁判或认定错误须上传证明材料（裁判文书、证明认定错误的材料）。"]
    if errors:
        raise ValidationError(errors)

    case = RemovalCase.objects.create(
        reference=provisional_reference(), entry=entry, subject=entry.subject, reason=reason,
        statement=statement.strip(), started_by=by if getattr(by, "is_authenticated", False) else None,
    )
    case.reference = f"YC{(today or timezone.localdate()).year}{case.pk:06d}"
    case.save(update_fields=["reference"])
    for name, content, kind in uploads:
        material_attach(case=case, name=name, content=content, kind=kind, by=by)
    case_log(case=case, action="started", actor=by, actor_label="" if by else "系统", reason=case.statement,
             label=f"发起移出{entry.get_list_kind_display()}（{case.get_reason_display()}）")

    from .flows import RemovalFlow

    RemovalFlow.start.run(case=case)
    return case


def removals_start_expired(*, today: datetime.date | None = None) -> int:
    """Start the removal of every entry whose listing period has ended (the beat job). Safe to run again."""
    today = today or timezone.localdate()
    count = 0
    due = (
        ListEntry.objects.filter(status=ListEntry.Status.LISTED, expires_on__lt=today)
        .exclude(removal_cases__status=RemovalCase.Status.REVIEWING).order_by("expires_on", "pk")
    )
    for entry in due:
        try:
            removal_start(
                entry=entry, reason=ListEntry.RemovalReason.EXPIRED, today=today,
                statement=f"列入有效期至{chinese_date(entry.expires_on)}，已届满。",
            )
        except (ValidationError, IntegrityError) as error:
            # Removed or taken up meanwhile (a repair, a staff member): nothing to do for this one.
            logger.info("expiry removal of list entry %s skipped: %s", entry.pk, error)
            continue
        count += 1
    return count


@transaction.atomic
def removals_start_for_repair(*, record: CreditRecord, repair_case, list_entries) -> list[RemovalCase]:
    """A successful repair of the basis record starts the removal of each entry resting on it (移出名单: 信用修复)."""
    started = []
    for entry in list_entries:
        open_case = entry.removal_cases.filter(status=RemovalCase.Status.REVIEWING).first()
        statement = (
            f"依据记录“{record.title}”（{record.document_number or '无文号'}）已于{chinese_date(timezone.localdate())}"
            f"经信用修复（案件 {getattr(repair_case, 'reference', '')}）终止公示。"
        )
        if open_case is not None:
            case_log(case=open_case, action="basis_repaired", actor_label="系统", label="依据记录已信用修复", reason=statement)
            continue
        started.append(removal_start(entry=entry, reason=ListEntry.RemovalReason.REPAIRED, statement=statement))
    return started


def _lock_removal(case: RemovalCase) -> RemovalCase:
    return RemovalCase.objects.select_for_update(of=("self",)).select_related("entry", "entry__designating_department", "subject").get(pk=case.pk)


@transaction.atomic
def removal_decide(*, case: RemovalCase, by, decision: str, reason: str) -> RemovalCase:
    """The reviewer decides: remove (publication ends, platforms told, subject told) or, for a staff-started ground, not."""
    errors: dict[str, list[str]] = {}
    case = _lock_removal(case)
    if decision not in ("remove", "refuse"):
        errors["decision"] = ["请选择审核意见。"]
    elif decision == "refuse" and case.is_automatic:
        errors["decision"] = [f"“{case.get_reason_display()}”是已确定的事实，只能确认移出。"]
    if not (reason or "").strip():
        errors["reason"] = ["请写明审核意见。"]
    if errors:
        raise ValidationError(errors)
    now, reason = timezone.now(), reason.strip()
    entry = ListEntry.objects.select_for_update().select_related("subject", "designating_department").get(pk=case.entry_id)
    if decision == "remove":
        try:
            entry.remove(on=timezone.localdate(), reason=case.reason)
        except TransitionNotAllowed:
            raise ValidationError(f"该名单当前为“{entry.get_status_display()}”，不能移出。") from None
        entry.save()
        case.entry = entry
        case.remove(at=now, by=by, reason=reason)
        case.save()
        document = documents.issue_removal_decision(case=case, by=by)
        _queue_platform_syncs(case, entry, event="list_removal", key=f"removal:{case.pk}", payload={
            "case": case.reference, "list_kind": entry.list_kind, "removed_on": entry.removed_on.isoformat(),
            "removal_reason": entry.removal_reason, "decision_number": document.number,
        })
        case_log(case=case, action="removed", actor=by, reason=reason, document=str(document.pk),
                 label=f"决定移出{entry.get_list_kind_display()}，停止公示并推送平台")
        result = "approved"
    else:
        document = None
        case.refuse(at=now, by=by, reason=reason)
        case.save()
        case_log(case=case, action="not_removed", actor=by, reason=reason, label="审核决定不予移出")
        result = "rejected"
    notices.removal_decided(case=case)
    case_closed.send(
        sender=RemovalCase, case=case, result=result, reason=reason, department=entry.designating_department.name, decided_at=now, document=document,
    )
    return case


# --- the joint punishment check ------------------------------------------------------------------------


def check_log_create(*, client: CheckClient, code: str, subject: Subject | None, answer: dict, ip: str | None = None, matter: str = "") -> CheckLog:
    """Log one check: who asked, when, about whom, and a summary of the answer (what lists, which records)."""
    summary = {
        "found": answer.get("found", False),
        "lists": [{"kind": item["kind"], "listed_on": item["listed_on"], "expires_on": item["expires_on"]} for item in answer.get("lists", [])],
        "measures": answer.get("measures", []),
        "serious_records": [item["document_number"] or item["title"] for item in answer.get("serious_records", [])],
    }
    return CheckLog.objects.create(
        client=client, code=code, subject=subject, on_list=bool(answer.get("on_list")), answer=summary, ip=ip or None, matter=(matter or "")[:200],
    )


@transaction.atomic
def check_client_create(*, name: str, system_kind: str, rate_limit_per_minute: int = 60, token: str | None = None) -> tuple[CheckClient, str]:
    """A calling system and its token. The token is returned once and stored only as its SHA-256."""
    import secrets

    token = token or secrets.token_urlsafe(32)
    client = CheckClient(name=name, system_kind=system_kind, rate_limit_per_minute=rate_limit_per_minute)
    client.set_token(token)
    client.full_clean()
    client.save()
    return client, token
