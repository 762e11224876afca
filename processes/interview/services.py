"""Every write of the interview process. One service, one thing, one transaction.

Views, the API and Celery tasks call these; a human task is completed by its caller
(the task view or ``processes.common.taskapi``) after the service ran, in the same
transaction and under the flow's process lock. The waits (the subject's
confirmation, the rectification due date) are completed here, when what they wait
for happens.
"""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed
from viewflow.workflow.status import STATUS

from credit.models import CreditRecord, InterviewRecord, ListEntry, Platform, PlatformSync, RecordKind, Subject, VISIBLE_STATES
from credit.rules import due_date
from credit.selectors import user_may_act_for_subject
from credit.services import record_create, subject_create
from processes.common.materials import check_material, material_attach
from processes.common.models import Material, provisional_reference
from processes.common.signals import case_closed
from processes.common.timeline import case_log

from . import documents, importing, notices
from .models import ImportBatch, ImportedRow, WarningInterview
from .selectors import staff_may_act_for_department

#: Materials as the interfaces hand them over: (file name, content, material kind).
Upload = tuple[str, bytes, str]

TEXT_MAX = 4000


def _blank(value) -> bool:
    return not (value or "").strip()


def _lock(interview: WarningInterview) -> WarningInterview:
    return WarningInterview.objects.select_for_update(of=("self",)).select_related("subject", "department", "interview_record").get(pk=interview.pk)


def _finish_wait(interview: WarningInterview, node) -> None:
    """Complete the flow's wait ``node`` (a Handle) if it is open: the flow moves on."""
    if interview.process_id is None:
        return
    task = interview.process.task_set.filter(flow_task=node, status=STATUS.NEW).first()
    if task is not None:
        node.run(task)


# --- starting ---------------------------------------------------------------------------


def _create(*, subject, department, kind, origin, basis, matter, by, source_record=None, list_entry=None, listed_on=None, list_source="") -> WarningInterview:
    interview = WarningInterview.objects.create(
        reference=provisional_reference(),
        subject=subject, department=department, kind=kind, origin=origin, basis=basis, matter=matter[:200],
        source_record=source_record, list_entry=list_entry, listed_on=listed_on, list_source=list_source,
        started_by=by if getattr(by, "is_authenticated", False) else None,
    )
    interview.reference = f"YT{timezone.localdate().year}{interview.pk:06d}"
    interview.save(update_fields=["reference"])
    case_log(
        case=interview, action="started", label=f"发起{interview.get_kind_display()}（{interview.get_origin_display()}），由{department.name}约谈",
        actor=by, reason=basis, visible_to_subject=False,
    )

    from .flows import InterviewFlow

    InterviewFlow.start.run(interview=interview)
    return interview


@transaction.atomic
def interview_start(*, by, kind: str, record: CreditRecord | None = None, list_entry: ListEntry | None = None, matter: str = "") -> WarningInterview:
    """Start an interview from a dishonesty record or a list entry, in the department that designated the subject."""
    errors: dict[str, list[str]] = {}
    if kind not in WarningInterview.Kind.values:
        errors["kind"] = ["请选择约谈类型：提示约谈或警示约谈。"]
    if (record is None) == (list_entry is None):
        raise ValidationError({"source": ["请选择一条失信记录或一条名单作为约谈依据。"]})
    if record is not None:
        record = CreditRecord.objects.select_related("subject", "source_department").get(pk=record.pk)
        department, subject, origin = record.source_department, record.subject, WarningInterview.Origin.RECORD
        basis = f"{record.title}（{record.document_number}）" if record.document_number else record.title
        if record.kind != RecordKind.DISHONESTY:
            errors.setdefault("source", []).append(f"只能依据失信记录发起约谈，所选记录为{record.get_kind_display()}。")
        elif record.status not in VISIBLE_STATES:
            errors.setdefault("source", []).append(f"该失信记录当前为“{record.get_status_display()}”，不能据此约谈。")
        open_cases = WarningInterview.objects.filter(source_record=record)
    else:
        list_entry = ListEntry.objects.select_related("subject", "designating_department").get(pk=list_entry.pk)
        department, subject, origin = list_entry.designating_department, list_entry.subject, WarningInterview.Origin.LIST_ENTRY
        basis = list_entry.reason
        if list_entry.list_kind == ListEntry.ListKind.RED:
            errors.setdefault("source", []).append("红名单（守信激励）主体不适用约谈。")
        if list_entry.status != ListEntry.Status.LISTED:
            errors.setdefault("source", []).append(f"该名单当前为“{list_entry.get_status_display()}”，已列入的名单才能约谈。")
        open_cases = WarningInterview.objects.filter(list_entry=list_entry)
    if not staff_may_act_for_department(by, department):
        raise PermissionDenied(f"谁认定、谁约谈：只有{department.name}（或法规科）可以发起该约谈。")
    existing = open_cases.exclude(status__in=WarningInterview.CLOSED_STATUSES).first()
    if existing is not None:
        errors.setdefault("source", []).append(f"该依据已有进行中的约谈（{existing.reference}）。")
    if len(matter or "") > 200:
        errors["matter"] = ["约谈事项不能超过200个字符。"]
    if errors:
        raise ValidationError(errors)
    return _create(
        subject=subject, department=department, kind=kind, origin=origin, basis=basis, matter=(matter or "").strip() or f"就{basis}进行约谈",
        by=by, source_record=record, list_entry=list_entry,
        listed_on=list_entry.listed_on if list_entry is not None else record.decision_date,
    )


# --- importing the lists province and city send down --------------------------------------------------


def _row_subject(check: importing.RowCheck):
    if check.subject is not None:
        return check.subject
    name = check.values.get("name", "").strip()
    if check.subject_kind == Subject.Kind.NATURAL_PERSON:
        return subject_create(kind=check.subject_kind, name=name, id_number=check.code)
    return subject_create(kind=check.subject_kind, name=name, uscc=check.code)


def _duplicate_reason(previous: ImportedRow) -> str:
    return (
        f"该名单条目已于{timezone.localtime(previous.batch.uploaded_at):%Y-%m-%d %H:%M}随“{previous.batch.file_name}”"
        f"第{previous.row_number}行导入（案件 {previous.interview.reference}），未重复导入。"
    )


@transaction.atomic
def interview_import(*, name: str, content: bytes, by, today: datetime.date | None = None) -> ImportBatch:
    """Import a list: every row checked, bad rows reported with their reasons, good rows become cases, none twice.

    A problem with the file itself (encoding, format, missing columns) is a
    ValidationError and nothing is written. A row already imported (the same
    list entry, whichever file brought it) is reported and skipped.
    """
    today = today or timezone.localdate()
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied("请先登录。")
    parsed = importing.parse(name=name, content=content)
    batch = ImportBatch.objects.create(
        file_name=(name or "名单")[:200], file_format=parsed.file_format, encoding=parsed.encoding,
        sha256=hashlib.sha256(content).hexdigest(), size=len(content), uploaded_by=by, total_rows=len(parsed.rows),
    )
    seen: dict[str, int] = {}
    report = []
    for row_number, cells in parsed.rows:
        check = importing.check_row(
            row_number, cells, parsed.columns, may_import_for=lambda department: staff_may_act_for_department(by, department), today=today,
        )
        line = check.as_report()
        if check.problems:
            report.append({**line, "result": "invalid", "reasons": check.problems})
            continue
        fingerprint = check.fingerprint
        if fingerprint in seen:
            report.append({**line, "result": "duplicate", "reasons": [f"与本文件第{seen[fingerprint]}行是同一名单条目，未重复导入。"]})
            continue
        previous = ImportedRow.objects.select_related("batch", "interview").filter(fingerprint=fingerprint).first()
        if previous is not None:
            report.append({**line, "result": "duplicate", "reasons": [_duplicate_reason(previous)], "case": previous.interview.reference})
            continue
        try:
            # A savepoint per row: a row that fails (e.g. imported meanwhile by someone else) leaves the others.
            with transaction.atomic():
                interview = _create(
                    subject=_row_subject(check), department=check.department, kind=check.kind, origin=WarningInterview.Origin.IMPORT,
                    basis=" ".join(check.values["reason"].split()), matter=f"就列入失信主体名单（{' '.join(check.values['reason'].split())}）进行约谈",
                    by=by, listed_on=check.listed_on, list_source=check.source,
                )
                ImportedRow.objects.create(batch=batch, row_number=row_number, fingerprint=fingerprint, interview=interview, data=check.values)
        except IntegrityError:
            previous = ImportedRow.objects.select_related("batch", "interview").filter(fingerprint=fingerprint).first()
            reason = _duplicate_reason(previous) if previous else "同时有其他导入在处理相同的主体，请稍后重新导入本文件。"
            report.append({**line, "result": "duplicate" if previous else "invalid", "reasons": [reason]})
            continue
        except ValidationError as error:
            report.append({**line, "result": "invalid", "reasons": list(error.messages)})
            continue
        seen[fingerprint] = row_number
        report.append({**line, "result": "imported", "reasons": [], "case": interview.reference, "case_id": interview.pk})

    batch.report = report
    batch.imported_count = sum(1 for line in report if line["result"] == "imported")
    batch.duplicate_count = sum(1 for line in report if line["result"] == "duplicate")
    batch.invalid_count = sum(1 for line in report if line["result"] == "invalid")
    batch.save(update_fields=["report", "imported_count", "duplicate_count", "invalid_count"])
    return batch


# --- the notice and the confirmation ---------------------------------------------------------------


@transaction.atomic
def interview_notify(*, interview: WarningInterview, by, kind: str, scheduled_at: datetime.datetime | None, place: str, matter: str) -> WarningInterview:
    """Issue the interview notice (约谈通知书); the subject is to confirm within the rule table's days."""
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if kind not in WarningInterview.Kind.values:
        errors["kind"] = ["请选择约谈类型：提示约谈或警示约谈。"]
    if scheduled_at is None:
        errors["scheduled_at"] = ["请填写约谈时间。"]
    elif scheduled_at <= now:
        errors["scheduled_at"] = ["约谈时间应晚于现在。"]
    if _blank(place):
        errors["place"] = ["请填写约谈地点。"]
    elif len(place.strip()) > 100:
        errors["place"] = ["约谈地点不能超过100个字符。"]
    if _blank(matter):
        errors["matter"] = ["请填写约谈事项。"]
    elif len(matter.strip()) > 200:
        errors["matter"] = ["约谈事项不能超过200个字符。"]
    if errors:
        raise ValidationError(errors)
    interview = _lock(interview)
    today = timezone.localdate()
    due = due_date("interview.confirm", start=today, regime_date=timezone.localdate(interview.started_at)).date
    # Confirmation is asked for before the interview, never after it.
    confirm_due_on = min(due, timezone.localdate(scheduled_at))
    interview.notify(kind=kind, scheduled_at=scheduled_at, place=place.strip(), matter=matter.strip(), confirm_due_on=confirm_due_on, at=now)
    interview.save()
    document = documents.issue_notice(interview=interview, by=by)
    case_log(
        case=interview, action="notified", actor=by, document=str(document.pk),
        label=f"发出约谈通知书（{document.number}），约谈时间 {timezone.localtime(scheduled_at):%Y-%m-%d %H:%M}，请于 {confirm_due_on:%Y-%m-%d} 前确认",
    )
    notices.interview_notified(interview=interview)
    return interview


@transaction.atomic
def interview_confirm(*, interview: WarningInterview, by, channel: str = WarningInterview.Confirmation.PORTAL, note: str = "") -> WarningInterview:
    """The subject confirms it will attend (in the portal), or staff record its confirmation (phone, written reply)."""
    if channel == WarningInterview.Confirmation.PORTAL:
        if not user_may_act_for_subject(by, interview.subject):
            raise PermissionDenied("您无权代表该信用主体确认约谈。")
    elif channel == WarningInterview.Confirmation.STAFF:
        if not staff_may_act_for_department(by, interview.department):
            raise PermissionDenied(f"只有{interview.department.name}（或法规科）可以代为登记确认。")
        if _blank(note):
            raise ValidationError({"note": ["请写明主体以何种方式确认参加（如电话、书面回执）。"]})
    else:
        raise ValidationError({"channel": ["确认方式无效。"]})
    if len(note or "") > TEXT_MAX:
        raise ValidationError({"note": [f"说明不能超过{TEXT_MAX}个字符。"]})
    interview = _lock(interview)
    interview.confirm(at=timezone.now(), by=by, channel=channel, note=(note or "").strip())
    interview.save()
    label = "信用主体确认参加约谈" if channel == WarningInterview.Confirmation.PORTAL else "工作人员代为登记：信用主体已确认参加约谈"
    case_log(case=interview, action="confirmed", label=label, actor=by, reason=interview.confirmation_note)
    from .flows import InterviewFlow

    _finish_wait(interview, InterviewFlow.await_confirmation)
    notices.interview_confirmed(interview=interview)
    return interview


# --- the interview -------------------------------------------------------------------------------


def _escalate_no_show(interview: WarningInterview, by, label: str) -> None:
    case_log(case=interview, action="no_show", label=label, actor=by, actor_label="" if by else "系统", reason=interview.no_show_note)
    case_log(
        case=interview, action="escalated_to_leader", actor_label="系统", visible_to_subject=False,
        label=f"约谈对象未到场，已提请{interview.department.name}负责人决定（重新约谈或记录在案后办结）",
    )
    notices.interview_no_show(interview=interview)


@transaction.atomic
def interview_record_no_show(*, interview: WarningInterview, by, note: str) -> WarningInterview:
    """The subject did not come (未到场): recorded as such, and the case goes to the department's leader."""
    if _blank(note):
        raise ValidationError({"no_show_note": ["请写明未到场的情况（如未到场、未请假、电话无人接听）。"]})
    interview = _lock(interview)
    interview.record_no_show(at=timezone.now(), note=note.strip())
    interview.save()
    _escalate_no_show(interview, by, "约谈对象未按约谈通知到场，已记录在案")
    return interview


@transaction.atomic
def interview_hold(
    *,
    interview: WarningInterview,
    by,
    held_at: datetime.datetime | None,
    attendees: str,
    minutes: str,
    rectification: str = "",
    rectification_due_on: datetime.date | None = None,
    uploads: list[Upload] = (),
) -> WarningInterview:
    """The interview was held: the signed minutes are filed, entered in the credit file and queued for the provincial report."""
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    uploads = list(uploads)
    if held_at is None:
        errors["held_at"] = ["请填写约谈实际举行的时间。"]
    elif held_at > now:
        errors["held_at"] = ["约谈时间不能晚于现在：请在约谈举行后录入约谈记录。"]
    elif interview.notified_at and held_at < interview.notified_at.replace(second=0, microsecond=0):  # the form gives minutes
        errors["held_at"] = ["约谈时间不能早于约谈通知书发出的时间。"]
    if _blank(attendees):
        errors["attendees"] = ["请填写参加人员（双方）。"]
    if _blank(minutes):
        errors["minutes"] = ["请填写约谈内容（谈话要点）。"]
    for key, value in (("attendees", attendees), ("minutes", minutes), ("rectification", rectification)):
        if len(value or "") > TEXT_MAX:
            errors.setdefault(key, []).append(f"不能超过{TEXT_MAX}个字符。")
    if _blank(rectification) and rectification_due_on is not None:
        errors["rectification"] = ["填写了整改期限，请同时写明承诺整改的内容。"]
    elif not _blank(rectification) and rectification_due_on is None:
        errors["rectification_due_on"] = ["请填写承诺的整改期限。"]
    elif rectification_due_on is not None and held_at is not None and rectification_due_on <= timezone.localdate(held_at):
        errors["rectification_due_on"] = ["整改期限应晚于约谈日期。"]
    problems = [problem for name, content, _ in uploads for problem in check_material(name, content)]
    if not uploads:
        problems.append("请上传经双方签字的约谈记录（PDF、JPEG 或 PNG）。")
    if problems:
        errors["uploads"] = problems
    if errors:
        raise ValidationError(errors)

    interview = _lock(interview)
    record = InterviewRecord(
        subject=interview.subject, kind=interview.kind, department=interview.department, matter=interview.matter, held_at=held_at,
        place=interview.place, attendees=attendees.strip(), minutes=minutes.strip(), rectification=(rectification or "").strip(),
        rectification_due_on=rectification_due_on,
    )
    record.full_clean(exclude=["record"])
    record.save()
    interview.hold(record=record, at=now)
    interview.save()
    for name, content, kind in uploads:
        material_attach(case=interview, name=name, content=content, kind=kind or Material.Kind.OTHER, by=by)
    document = documents.issue_minutes(interview=interview, record=record, signed_file_names=[name for name, _, _ in uploads], by=by)
    credit_record = record_create(
        subject=interview.subject, kind=RecordKind.INTERVIEW, source_department=interview.department,
        title=f"{record.get_kind_display()}：{record.matter}"[:200], document_number=document.number,
        deciding_authority=interview.department.name, legal_basis=documents.LEGAL_BASIS, decision_date=timezone.localdate(held_at),
        indicators={
            "interview_kind": record.get_kind_display(), "interview_date": timezone.localdate(held_at).isoformat(), "matter": record.matter,
            "rectification": record.rectification, "department": interview.department.name,
        },
        publish_on=timezone.localdate(now),
    )
    record.record = credit_record
    record.save(update_fields=["record"])
    PlatformSync.objects.create(
        platform=Platform.PROVINCIAL, event="interview_report", target=interview,
        idempotency_key=f"interview:{interview.pk}:{Platform.PROVINCIAL}:report",
        payload={
            "case": interview.reference, "subject_code": interview.subject.code, "subject_name": interview.subject.name,
            "kind": record.kind, "department": interview.department.name, "matter": record.matter, "held_at": held_at.isoformat(),
            "place": record.place, "attendees": record.attendees, "rectification": record.rectification,
            "rectification_due_on": rectification_due_on.isoformat() if rectification_due_on else None,
            "minutes_number": document.number, "verification_code": document.verification_code, "credit_record": credit_record.pk,
        },
    )
    case_log(
        case=interview, action="held", actor=by, document=str(document.pk),
        label=f"约谈已举行，约谈记录（{document.number}）记入信用档案并报送省信用平台"
        + (f"；整改期限 {rectification_due_on:%Y-%m-%d}" if rectification_due_on else ""),
    )
    notices.interview_held(interview=interview)
    if interview.status == WarningInterview.Status.CLOSED:
        _closed(interview, result="held", reason="约谈完毕，无整改事项。", document=document)
    return interview


def _closed(interview: WarningInterview, *, result: str, reason: str, document=None) -> None:
    notices.interview_closed(interview=interview)
    case_closed.send(
        sender=WarningInterview, case=interview, result=result, reason=reason, department=interview.department.name,
        decided_at=interview.closed_at, document=document,
    )


# --- follow-up ------------------------------------------------------------------------------------


@transaction.atomic
def interview_followup_due(*, interview: WarningInterview) -> WarningInterview:
    """The promised rectification date has come: the follow-up task goes to the department's queue."""
    from .flows import InterviewFlow

    interview = _lock(interview)
    task = interview.process.task_set.filter(flow_task=InterviewFlow.await_followup_date, status=STATUS.NEW).first() if interview.process_id else None
    if interview.status != WarningInterview.Status.FOLLOW_UP or task is None:
        raise TransitionNotAllowed("该约谈不在等待整改期限届满。")
    case_log(
        case=interview, action="followup_due", actor_label="系统", visible_to_subject=False,
        label=f"整改期限（{interview.rectification_due_on:%Y-%m-%d}）届满，转{interview.department.name}核实整改情况",
    )
    InterviewFlow.await_followup_date.run(task)
    return interview


@transaction.atomic
def interview_followup_record(*, interview: WarningInterview, by, rectified: bool | None, note: str, uploads: list[Upload] = ()) -> WarningInterview:
    """Whether the promised rectification was done: kept on the interview record and reported to the province."""
    errors: dict[str, list[str]] = {}
    uploads = list(uploads)
    if rectified is None:
        errors["rectified"] = ["请选择是否已按期整改。"]
    if _blank(note):
        errors["note"] = ["请写明核实的整改情况。"]
    elif len(note) > TEXT_MAX:
        errors["note"] = [f"不能超过{TEXT_MAX}个字符。"]
    problems = [problem for name, content, _ in uploads for problem in check_material(name, content)]
    if problems:
        errors["uploads"] = problems
    if errors:
        raise ValidationError(errors)
    interview = _lock(interview)
    now = timezone.now()
    interview.record_followup(at=now, by=by, note=note.strip())
    interview.save()
    record = InterviewRecord.objects.select_for_update().get(pk=interview.interview_record_id)
    record.rectified = rectified
    record.save(update_fields=["rectified", "updated_at"])
    interview.interview_record = record
    for name, content, kind in uploads:
        material_attach(case=interview, name=name, content=content, kind=kind or Material.Kind.EVIDENCE, by=by)
    PlatformSync.objects.create(
        platform=Platform.PROVINCIAL, event="interview_followup", target=interview,
        idempotency_key=f"interview:{interview.pk}:{Platform.PROVINCIAL}:followup",
        payload={
            "case": interview.reference, "subject_code": interview.subject.code, "rectified": rectified, "note": interview.followup_note,
            "rectification_due_on": record.rectification_due_on.isoformat(), "checked_at": now.isoformat(),
        },
    )
    case_log(case=interview, action="followed_up", label="整改已核实：" + ("已按期整改" if rectified else "未按期整改"), actor=by, reason=interview.followup_note)
    _closed(interview, result="rectified" if rectified else "not_rectified", reason=interview.followup_note)
    return interview


# --- the leader's decision after a no-show -----------------------------------------------------------


@transaction.atomic
def interview_leader_decide(*, interview: WarningInterview, by, decision: str, comment: str) -> WarningInterview:
    errors: dict[str, list[str]] = {}
    if decision not in WarningInterview.LeaderDecision.values:
        errors["decision"] = ["请选择：重新安排约谈，或记录在案后办结。"]
    if _blank(comment):
        errors["comment"] = ["请写明处理意见。"]
    elif len(comment) > TEXT_MAX:
        errors["comment"] = [f"不能超过{TEXT_MAX}个字符。"]
    if errors:
        raise ValidationError(errors)
    interview = _lock(interview)
    now = timezone.now()
    if decision == WarningInterview.LeaderDecision.RESCHEDULE:
        interview.reschedule(at=now, by=by, comment=comment.strip())
        interview.save()
        case_log(case=interview, action="rescheduled", label="负责人决定重新安排约谈", actor=by, reason=interview.leader_comment)
        return interview
    interview.close_no_show(at=now, by=by, comment=comment.strip())
    interview.save()
    case_log(case=interview, action="closed_no_show", label="负责人决定：未到场记录在案，办结", actor=by, reason=interview.leader_comment)
    _closed(interview, result="no_show", reason=interview.leader_comment)
    return interview


# --- the periodic sweep -------------------------------------------------------------------------------


@transaction.atomic
def interview_close_unconfirmed(*, interview: WarningInterview) -> WarningInterview:
    """The interview day passed with no confirmation from the subject nor recorded by staff: a no-show."""
    interview = _lock(interview)
    interview.record_no_show(at=timezone.now(), note="约谈日期已过，信用主体既未确认参加，也未由工作人员登记到场。")
    interview.save()
    _escalate_no_show(interview, None, "约谈日期已过仍未确认参加，按未到场记录在案")
    from .flows import InterviewFlow

    _finish_wait(interview, InterviewFlow.await_confirmation)
    return interview


def interviews_sweep(*, today: datetime.date | None = None) -> dict:
    """Follow-ups whose rectification date has come, and interviews whose day passed unconfirmed. Safe to repeat."""
    from .flows import InterviewFlow

    today = today or timezone.localdate()
    counts = {"followups": 0, "no_shows": 0}
    due = WarningInterview.objects.filter(
        status=WarningInterview.Status.FOLLOW_UP, interview_record__rectification_due_on__lte=today,
        process__task__flow_task=InterviewFlow.await_followup_date, process__task__status=STATUS.NEW,
    )
    for interview in due.order_by("pk"):
        try:
            interview_followup_due(interview=interview)
        except TransitionNotAllowed:
            continue  # moved on meanwhile: nothing to wait for
        counts["followups"] += 1
    # The whole interview day is given: unconfirmed only once the day after has begun.
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    unconfirmed = WarningInterview.objects.filter(status=WarningInterview.Status.NOTIFIED, scheduled_at__lt=start_of_today)
    for interview in unconfirmed.order_by("pk"):
        try:
            interview_close_unconfirmed(interview=interview)
        except TransitionNotAllowed:
            continue  # confirmed meanwhile
        counts["no_shows"] += 1
    return counts
