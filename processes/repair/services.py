"""Every write of the repair process. One service, one thing, one transaction."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from credit.models import CreditRecord, ListEntry, Platform, PlatformSync
from credit.selectors import user_may_act_for_subject
from credit.signals import record_repaired
from processes.common.deadlines import deadline_extend
from processes.common.materials import check_material, material_attach
from processes.common.models import provisional_reference
from processes.common.signals import case_closed
from processes.common.timeline import case_log

from . import documents, notices
from .eligibility import repair_eligibility
from .models import RepairApplication

#: Materials as the interfaces hand them over: (file name, content, material kind).
Upload = tuple[str, bytes, str]


@transaction.atomic
def repair_file(
    *,
    record: CreditRecord | None,
    statement: str,
    obligations_performed_on: datetime.date | None,
    by=None,
    channel: str = RepairApplication.Channel.PORTAL,
    uploads: list[Upload] = (),
    subject=None,
    applicant_name: str = "",
    applicant_phone: str = "",
    applicant_email: str = "",
    today: datetime.date | None = None,
    check_eligibility: bool = True,
) -> RepairApplication:
    """Apply for repair of a penalty record. Every reason it cannot be accepted is given at once; nothing is created then.

    A transferred case whose record is not found locally is still filed (``record=None``,
    ``subject`` given) and matched by hand at intake; it is never dropped. For the same
    reason a transfer passes ``check_eligibility=False``: the reasons it is not eligible
    are recorded on the case (``eligibility["reasons"]`` and the timeline) for intake to
    judge, instead of refusing the filing.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    uploads = list(uploads)
    upload_problems = [problem for name, content, _ in uploads for problem in check_material(name, content)]
    if upload_problems:
        errors["uploads"] = upload_problems
    if not (statement or "").strip():
        errors["statement"] = ["请填写申请理由：已履行了哪些义务、如何整改。"]
    eligibility = None
    if record is not None:
        record = CreditRecord.objects.select_for_update().select_related("subject", "source_department").get(pk=record.pk)
        if channel == RepairApplication.Channel.PORTAL and not user_may_act_for_subject(by, record.subject):
            raise PermissionDenied("您无权代表该信用主体申请信用修复。")
        eligibility = repair_eligibility(
            record=record, obligations_performed_on=obligations_performed_on, material_kinds={kind for _, _, kind in uploads}, today=today
        )
        if not eligibility.eligible and check_eligibility:
            errors["eligibility"] = eligibility.reasons
        subject = record.subject
    elif channel != RepairApplication.Channel.TRANSFER or subject is None:
        errors["record"] = ["请选择要修复的行政处罚记录。"]
    if errors:
        raise ValidationError(errors)

    application = RepairApplication.objects.create(
        reference=provisional_reference(),
        subject=subject,
        record=record,
        statement=statement.strip(),
        obligations_performed_on=obligations_performed_on,
        channel=channel,
        filed_by=by if getattr(by, "is_authenticated", False) else None,
        applicant_name=applicant_name or getattr(by, "full_name", "") or getattr(by, "username", ""),
        applicant_phone=applicant_phone or getattr(by, "phone", ""),
        applicant_email=applicant_email or getattr(by, "email", ""),
        rule_version=eligibility.rule_version if eligibility else None,
        eligibility=(
            {**eligibility.as_dict(), **({"reasons": eligibility.reasons} if not eligibility.eligible else {})} if eligibility else {}
        ),
    )
    application.reference = f"XF{today.year}{application.pk:06d}"
    application.save(update_fields=["reference"])
    for name, content, kind in uploads:
        material_attach(case=application, name=name, content=content, kind=kind, by=by)
    case_log(case=application, action="filed", label="提交信用修复申请", actor=by, actor_label=application.get_channel_display(), reason=application.statement)
    if record is None:
        case_log(case=application, action="unmatched", label="转办案件未匹配到本地信用记录，待法规科人工匹配", actor_label="系统", visible_to_subject=False)
    elif not eligibility.eligible:
        case_log(
            case=application, action="eligibility_reasons", label="资格审查未通过，请受理时审查（转办案件不退回）", actor_label="系统",
            reason="\n".join(eligibility.reasons), visible_to_subject=False, reasons=eligibility.reasons,
        )

    from .flows import RepairFlow

    RepairFlow.start.run(application=application)
    notices.repair_filed(application=application)
    return application


def _lock(application: RepairApplication) -> RepairApplication:
    # of=("self",): the record is nullable (an unmatched transfer), so it is an outer join PostgreSQL will not lock.
    return RepairApplication.objects.select_for_update(of=("self",)).select_related("record", "subject", "record__source_department").get(pk=application.pk)


@transaction.atomic
def repair_match_record(*, application: RepairApplication, record: CreditRecord, by) -> RepairApplication:
    """The credit office matches a transferred case to the local record it concerns."""
    application = _lock(application)
    if application.record_id:
        raise ValidationError({"record": ["该申请已关联信用记录。"]})
    if record.subject_id != application.subject_id:
        raise ValidationError({"record": ["所选记录不属于该信用主体。"]})
    application.record = record
    application.save(update_fields=["record"])
    case_log(case=application, action="matched", label=f"匹配信用记录“{record}”", actor=by, visible_to_subject=False)
    return application


@transaction.atomic
def repair_refuse_intake(*, application: RepairApplication, by, reason: str) -> RepairApplication:
    if not (reason or "").strip():
        raise ValidationError({"reason": ["不予受理必须写明理由。"]})
    application = _lock(application)
    application.refuse_intake(reason=reason.strip())
    application.save()
    document = documents.issue_non_acceptance_notice(application=application, by=by)
    case_log(case=application, action="not_accepted", label="不予受理", actor=by, reason=application.refusal_reason, document=str(document.pk))
    notices.repair_not_accepted(application=application)
    case_closed.send(
        sender=RepairApplication, case=application, result="not_accepted", reason=application.refusal_reason,
        department=documents.credit_office().name, decided_at=timezone.now(), document=document,
    )
    return application


@transaction.atomic
def repair_accept(*, application: RepairApplication, by) -> RepairApplication:
    application = _lock(application)
    if application.record_id is None:
        raise ValidationError({"record": ["请先匹配申请所涉信用记录，再受理。"]})
    application.accept(at=timezone.now())
    application.save()
    notice = documents.issue_acceptance_notice(application=application, by=by)
    case_log(case=application, action="accepted", label=f"受理，转{application.deciding_department.name}审查决定", actor=by, document=str(notice.pk))
    notices.repair_accepted(application=application)
    return application


@transaction.atomic
def repair_extend(*, application: RepairApplication, by, reason: str, task) -> RepairApplication:
    """A complex case: the decision's due date moves by the rule table's extension; the subject is told."""
    from credit.rules import deadline_days

    if not (reason or "").strip():
        raise ValidationError({"reason": ["延长办理期限必须写明理由。"]})
    application = _lock(application)
    days = deadline_days("repair.extension", on=timezone.localdate(application.filed_at))
    application.extend(days=days, reason=reason.strip())
    application.save()
    deadline = deadline_extend(task=task, working_days=days, by=by, reason=application.extension_reason, case=application)
    notices.repair_extended(application=application, due_on=deadline.due_on)
    return application


@transaction.atomic
def repair_approve(*, application: RepairApplication, by, reason: str) -> RepairApplication:
    """准予修复: publication and sharing stop, lists resting on it go to removal, the repair is published."""
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请写明准予修复的理由（义务履行情况、整改情况）。"]})
    application = _lock(application)
    application.approve(at=timezone.now(), by=by, reason=reason.strip())
    application.save()
    record = CreditRecord.objects.select_for_update().get(pk=application.record_id)
    record.stop_publication_by_repair()
    record.save()
    entries = list(ListEntry.objects.filter(basis_record=record, status=ListEntry.Status.LISTED))
    # The hook the list process connects to (移出名单: 信用修复).
    record_repaired.send(sender=RepairApplication, record=record, case=application, list_entries=entries)
    document = documents.issue_decision(application=application, by=by)
    _queue_platform_syncs(application, record, document)
    case_log(case=application, action="approved", label="准予信用修复，终止公示、停止共享", actor=by, reason=application.decision_reason, document=str(document.pk))
    notices.repair_decided(application=application)
    case_closed.send(
        sender=RepairApplication, case=application, result="approved", reason=application.decision_reason,
        department=application.deciding_department.name, decided_at=application.decided_at, document=document,
    )
    return application


@transaction.atomic
def repair_reject(*, application: RepairApplication, by, reason: str) -> RepairApplication:
    if not (reason or "").strip():
        raise ValidationError({"reason": ["不予修复必须写明理由。"]})
    application = _lock(application)
    application.reject(at=timezone.now(), by=by, reason=reason.strip())
    application.save()
    document = documents.issue_refusal(application=application, by=by)
    case_log(case=application, action="rejected", label="不予信用修复", actor=by, reason=application.decision_reason, document=str(document.pk))
    notices.repair_decided(application=application)
    case_closed.send(
        sender=RepairApplication, case=application, result="rejected", reason=application.decision_reason,
        department=application.deciding_department.name, decided_at=application.decided_at, document=document,
    )
    return application


def _queue_platform_syncs(application: RepairApplication, record: CreditRecord, document) -> None:
    for platform in (Platform.NATIONAL, Platform.CREDITCHINA, Platform.PROVINCIAL):
        PlatformSync.objects.create(
            platform=platform,
            event="repair_result",
            target=application,
            idempotency_key=f"repair:{application.pk}:{platform}:approved",
            payload={
                "case": application.reference,
                "record_document_number": record.document_number,
                "subject_code": record.subject.code,
                "subject_name": record.subject.name,
                "result": "approved",
                "publication_stopped_on": timezone.localdate(application.decided_at).isoformat(),
                "decision_number": document.number,
            },
        )


@transaction.atomic
def repair_notice_issue(*, record: CreditRecord, by):
    """A repair notice (信用修复告知书) for a penalty record: when and how the subject may apply."""
    if record.kind != "penalty":
        raise ValidationError({"record": ["只有行政处罚记录可以出具信用修复告知书。"]})
    document = documents.issue_repair_notice(record=record, by=by)
    return document
