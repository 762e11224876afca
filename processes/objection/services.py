"""Every write of the objection process. One service, one thing, one transaction.

Views, the API and Celery tasks call these; flow tasks are advanced by the
caller (the task view or ``processes.common.tasks_api``) after the service ran,
in the same transaction and under the flow's process lock.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from credit.models import CORRECTABLE_FIELDS, CreditRecord, Platform, PlatformSync, RecordStatus, VISIBLE_STATES
from credit.rules import due_date
from credit.services import record_apply_rule_dates
from credit.selectors import credit_lead_department, user_may_act_for_subject
from processes.common.materials import check_material, material_attach
from processes.common.models import Material, provisional_reference
from processes.common.signals import case_closed
from processes.common.timeline import case_log

from . import documents, notices
from .models import Objection

#: Materials as the interfaces hand them over: (file name, content, material kind).
Upload = tuple[str, bytes, str]


def _check_uploads(uploads: list[Upload]) -> list[str]:
    problems = []
    for name, content, _kind in uploads:
        problems.extend(check_material(name, content))
    return problems


@transaction.atomic
def objection_file(
    *,
    record: CreditRecord | None,
    grounds: str,
    statement: str,
    by=None,
    channel: str = Objection.Channel.PORTAL,
    uploads: list[Upload] = (),
    subject=None,
    applicant_name: str = "",
    applicant_phone: str = "",
    applicant_email: str = "",
) -> Objection:
    """File an objection against a published record; the record turns under objection at once.

    Every problem is reported at once (ValidationError with a message per field)
    and nothing is written when there is one. A transferred case whose record is not
    found locally is still filed (``record=None``, ``subject`` given) and matched by
    hand at intake (``objection_match_record``); it is never dropped.
    """
    errors: dict[str, list[str]] = {}
    if record is not None:
        record = CreditRecord.objects.select_for_update(of=("self",)).select_related("subject", "source_department").get(pk=record.pk)
        if channel == Objection.Channel.PORTAL and not user_may_act_for_subject(by, record.subject):
            raise PermissionDenied("您无权代表该信用主体提出异议。")
        errors.update(_record_problems(record))
        subject = record.subject
    elif channel != Objection.Channel.TRANSFER or subject is None:
        errors["record"] = ["请选择提出异议的信用记录。"]
    if grounds not in Objection.Grounds.values:
        errors.setdefault("grounds", []).append("请选择异议类型。")
    if not (statement or "").strip():
        errors.setdefault("statement", []).append("请填写异议陈述：记录哪里有误、应当如何。")
    upload_problems = _check_uploads(list(uploads))
    if upload_problems:
        errors["uploads"] = upload_problems
    if errors:
        raise ValidationError(errors)

    objection = Objection.objects.create(
        reference=provisional_reference(),
        subject=subject,
        record=record,
        grounds=grounds,
        statement=statement.strip(),
        channel=channel,
        filed_by=by if getattr(by, "is_authenticated", False) else None,
        # The filer's own contacts stand for the applicant only when the subject files itself.
        applicant_name=applicant_name or (_own(by, "full_name") or _own(by, "username") if channel == Objection.Channel.PORTAL else ""),
        applicant_phone=applicant_phone or (_own(by, "phone") if channel == Objection.Channel.PORTAL else ""),
        applicant_email=applicant_email or (_own(by, "email") if channel == Objection.Channel.PORTAL else ""),
    )
    objection.reference = f"YY{timezone.localdate().year}{objection.pk:06d}"
    objection.save(update_fields=["reference"])

    if record is not None:
        record.open_objection()
        record.save()

    for name, content, kind in uploads:
        material_attach(case=objection, name=name, content=content, kind=kind, by=by)
    case_log(case=objection, action="filed", label=f"提交异议（{objection.get_grounds_display()}）", actor=by, reason=objection.statement, actor_label=objection.get_channel_display())
    if record is not None:
        case_log(case=objection, action="record_under_objection", label=f"记录“{record}”标注为异议处理中", actor_label="系统")
    else:
        case_log(case=objection, action="unmatched", label="转办案件未匹配到本地信用记录，待法规科人工匹配", actor_label="系统", visible_to_subject=False)

    from .flows import ObjectionFlow

    ObjectionFlow.start.run(objection=objection)
    notices.objection_filed(objection=objection)
    return objection


def _own(user, attribute: str) -> str:
    return getattr(user, attribute, "") or ""


def _record_problems(record: CreditRecord) -> dict[str, list[str]]:
    if record.status not in VISIBLE_STATES:
        return {"record": [f"该记录当前状态为“{record.get_status_display()}”，不在公示中，不能提出异议。"]}
    if record.status == RecordStatus.UNDER_OBJECTION:
        return {"record": ["该记录已有正在处理的异议，请等待处理结果。"]}
    return {}


def _lock(objection: Objection) -> Objection:
    # of=("self",): the record is a nullable join, and PostgreSQL refuses FOR UPDATE on an outer join.
    return Objection.objects.select_for_update(of=("self",)).select_related("record", "subject").get(pk=objection.pk)


@transaction.atomic
def objection_match_record(*, objection: Objection, record: CreditRecord, by) -> Objection:
    """The credit office matches a transferred case to the local record it concerns; the record turns under objection."""
    objection = _lock(objection)
    if objection.record_id:
        raise ValidationError({"record": ["该异议已关联信用记录。"]})
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if record.subject_id != objection.subject_id:
        raise ValidationError({"record": ["所选记录不属于该信用主体。"]})
    problems = _record_problems(record)
    if problems:
        raise ValidationError(problems)
    objection.record = record
    objection.save(update_fields=["record"])
    record.open_objection()
    record.save()
    case_log(case=objection, action="matched", label=f"匹配信用记录“{record}”", actor=by, visible_to_subject=False)
    case_log(case=objection, action="record_under_objection", label=f"记录“{record}”标注为异议处理中", actor_label="系统")
    return objection


@transaction.atomic
def objection_request_supplement(*, objection: Objection, by, request: str, due_on: datetime.date | None = None) -> Objection:
    if not (request or "").strip():
        raise ValidationError({"request": ["请写明需要补正的材料。"]})
    objection = _lock(objection)
    if due_on is None:
        due_on = due_date("objection.supplement", start=timezone.localdate(), regime_date=timezone.localdate(objection.filed_at)).date
    elif due_on <= timezone.localdate():
        raise ValidationError({"due_on": ["补正期限应晚于今天。"]})
    objection.request_supplement(request=request.strip(), due_on=due_on)
    objection.save()
    document = documents.issue_supplement_notice(objection=objection, by=by)
    case_log(case=objection, action="supplement_requested", label=f"要求补正材料，期限 {due_on:%Y年%m月%d日}", actor=by, reason=objection.supplement_request, document=str(document.pk))
    notices.objection_supplement_requested(objection=objection)
    return objection


@transaction.atomic
def objection_supply(*, objection: Objection, by, note: str = "", uploads: list[Upload] = ()) -> Objection:
    """The subject supplies what intake asked for; the case returns to intake."""
    if not user_may_act_for_subject(by, objection.subject):
        raise PermissionDenied("您无权代表该信用主体补正材料。")
    problems = _check_uploads(list(uploads))
    if not uploads and not (note or "").strip():
        problems.append("请上传补正材料或填写说明。")
    if problems:
        raise ValidationError({"uploads": problems})
    objection = _lock(objection)
    objection.supply()
    objection.save()
    for name, content, kind in uploads:
        material_attach(case=objection, name=name, content=content, kind=kind or Material.Kind.SUPPLEMENT, by=by)
    case_log(case=objection, action="supplied", label="已补正材料", actor=by, reason=note)
    _finish_supplement_wait(objection)
    notices.objection_supplied(objection=objection)
    return objection


@transaction.atomic
def objection_close_unsupplied(*, objection: Objection) -> Objection:
    """No answer by the due date: the case closes as withdrawn and the record returns to publication."""
    objection = _lock(objection)
    objection.close_unsupplied()
    objection.save()
    _release_record(objection)
    case_log(case=objection, action="withdrawn", label="逾期未补正材料，异议视为撤回", actor_label="系统")
    _finish_supplement_wait(objection)
    notices.objection_withdrawn(objection=objection)
    # The record was never judged, so for the platforms the case was not accepted (withdrawn
    # is an outcome about the record: the record withdrawn from publication).
    case_closed.send(
        sender=Objection, case=objection, result="not_accepted", reason="逾期未补正材料，异议视为撤回。",
        department=credit_lead_department().name, decided_at=timezone.now(), document=None,
    )
    return objection


def objections_close_overdue_supplements(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    count = 0
    for objection in Objection.objects.filter(status=Objection.Status.SUPPLEMENT_REQUESTED, supplement_due_on__lt=today):
        try:
            objection_close_unsupplied(objection=objection)
        except TransitionNotAllowed:
            continue  # supplied while the sweep ran: nothing to close, carry on with the rest
        count += 1
    return count


def _finish_supplement_wait(objection: Objection) -> None:
    from viewflow.workflow.status import STATUS

    from .flows import ObjectionFlow

    task = objection.process.task_set.filter(flow_task=ObjectionFlow.await_supplement, status=STATUS.NEW).first()
    if task is not None:
        ObjectionFlow.await_supplement.run(task)


def _release_record(objection: Objection) -> None:
    if objection.record_id:
        record = CreditRecord.objects.select_for_update().get(pk=objection.record_id)
        if record.status == RecordStatus.UNDER_OBJECTION:
            record.uphold()
            record.save()


@transaction.atomic
def objection_refuse(*, objection: Objection, by, reason: str) -> Objection:
    if not (reason or "").strip():
        raise ValidationError({"reason": ["不予受理必须写明理由。"]})
    objection = _lock(objection)
    objection.refuse(reason=reason.strip())
    objection.save()
    _release_record(objection)
    document = documents.issue_non_acceptance_notice(objection=objection, by=by)
    case_log(case=objection, action="refused", label="不予受理", actor=by, reason=objection.refusal_reason, document=str(document.pk))
    notices.objection_refused(objection=objection)
    case_closed.send(
        sender=Objection, case=objection, result="not_accepted", reason=objection.refusal_reason,
        department=document.department.name, decided_at=timezone.now(), document=document,
    )
    return objection


@transaction.atomic
def objection_accept(*, objection: Objection, by) -> Objection:
    objection = _lock(objection)
    if objection.record_id is None:
        raise ValidationError({"record": ["请先匹配异议所涉信用记录，再受理。"]})
    objection.accept(at=timezone.now())
    objection.save()
    notice = documents.issue_acceptance_notice(objection=objection, by=by)
    letter = documents.issue_verification_letter(objection=objection, by=by)
    case_log(case=objection, action="accepted", label="受理异议", actor=by, document=str(notice.pk))
    case_log(
        case=objection, action="verification_sent", actor=by, visible_to_subject=False,
        label=f"向{objection.record.source_department.name}发出协查函（{letter.number}）", document=str(letter.pk),
    )
    notices.objection_accepted(objection=objection)
    return objection


@transaction.atomic
def objection_propose(*, objection: Objection, by, outcome: str, reason: str, changes: dict | None = None, uploads: list[Upload] = ()) -> Objection:
    errors: dict[str, list[str]] = {}
    if outcome not in Objection.Outcome.values:
        errors["outcome"] = ["请选择核查意见：更正、撤销或维持。"]
    if not (reason or "").strip():
        errors["reason"] = ["请写明核查理由。"]
    changes = {k: v for k, v in (changes or {}).items() if v not in (None, "")}
    if outcome == Objection.Outcome.CORRECTED and not changes:
        errors["changes"] = ["更正时请至少填写一项更正后的内容。"]
    upload_problems = _check_uploads(list(uploads))
    if upload_problems:
        errors["uploads"] = upload_problems
    if errors:
        raise ValidationError(errors)
    objection = _lock(objection)
    objection.propose(outcome=outcome, reason=reason.strip(), changes=changes if outcome == Objection.Outcome.CORRECTED else {}, by=by)
    objection.save()
    for name, content, kind in uploads:
        material_attach(case=objection, name=name, content=content, kind=kind or Material.Kind.VERIFICATION_EVIDENCE, by=by)
    case_log(case=objection, action="proposed", label=f"核查意见：{objection.get_proposed_outcome_display()}", actor=by, reason=objection.proposed_reason, visible_to_subject=False, changes=changes)
    return objection


@transaction.atomic
def objection_return(*, objection: Objection, by, comment: str) -> Objection:
    if not (comment or "").strip():
        raise ValidationError({"comment": ["退回时请写明审核意见。"]})
    objection = _lock(objection)
    objection.return_to_handler(comment=comment.strip())
    objection.save()
    case_log(case=objection, action="returned", label="审核退回承办人重新核查", actor=by, reason=objection.review_comment, visible_to_subject=False)
    return objection


def _as_field_values(changes: dict) -> dict:
    """The proposal as stored (JSON: a date is ISO text) in the record's field types, so dates compute."""
    return {
        key: CreditRecord._meta.get_field(key).to_python(value) if key in CORRECTABLE_FIELDS else value
        for key, value in changes.items()
    }


@transaction.atomic
def objection_decide(*, objection: Objection, by, comment: str = "") -> Objection:
    """The reviewer approves the proposal: applied to the record, synced out, the subject told."""
    objection = _lock(objection)
    objection.decide(at=timezone.now(), by=by, comment=comment.strip())
    objection.save()

    record = CreditRecord.objects.select_for_update().get(pk=objection.record_id)
    if objection.outcome == Objection.Outcome.CORRECTED:
        record.correct(changes=_as_field_values(objection.proposed_changes), reason=objection.outcome_reason, by=str(by))
        # A corrected decision date or severity moves the publication period.
        record_apply_rule_dates(record)
    elif objection.outcome == Objection.Outcome.WITHDRAWN:
        record.withdraw()
    else:
        record.uphold()
    record.save()

    document = documents.issue_decision(objection=objection, by=by)
    for platform in (Platform.NATIONAL, Platform.PROVINCIAL):
        PlatformSync.objects.create(
            platform=platform,
            event="objection_result",
            target=objection,
            idempotency_key=f"objection:{objection.pk}:{platform}:{objection.outcome}",
            payload={
                "case": objection.reference,
                "record_document_number": record.document_number,
                "subject_code": record.subject.code,
                "result": objection.outcome,
                "reason": objection.outcome_reason,
                "decision_number": document.number,
                "decided_at": objection.decided_at.isoformat(),
            },
        )
    case_log(case=objection, action="decided", label=f"异议处理决定：{objection.get_outcome_display()}", actor=by, reason=objection.outcome_reason, document=str(document.pk))
    notices.objection_decided(objection=objection)
    case_closed.send(
        sender=Objection, case=objection, result=objection.outcome, reason=objection.outcome_reason,
        department=document.department.name, decided_at=objection.decided_at, document=document,
    )
    return objection
