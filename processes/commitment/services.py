"""Every write of the commitment process. One service, one thing, one transaction."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed
from viewflow.workflow.status import STATUS

from credit import services as credit_services
from credit.models import Commitment, Department, RecordKind, Subject
from credit.rules import due_date
from credit.selectors import user_may_act_for_subject
from documents.rendering import issuer_name
from processes.common.deadlines import previous_working_day
from processes.common.materials import check_material, material_attach
from processes.common.models import Material, provisional_reference
from processes.common.signals import case_closed
from processes.common.timeline import case_log

from . import documents, notices, selectors
from .models import CommitmentCase

#: Materials as the interfaces hand them over: (file name, content, material kind).
Upload = tuple[str, bytes, str]

MATTER_MAX = Commitment._meta.get_field("matter").max_length


def _upload_problems(uploads: list[Upload]) -> list[str]:
    return [problem for name, content, _ in uploads for problem in check_material(name, content)]


def _lock(case: CommitmentCase) -> CommitmentCase:
    return CommitmentCase.objects.select_for_update(of=("self",)).select_related("commitment", "commitment__department", "subject").get(pk=case.pk)


def _lock_commitment(case: CommitmentCase) -> Commitment:
    case.commitment = Commitment.objects.select_for_update(of=("self",)).select_related("department", "subject").get(pk=case.commitment_id)
    return case.commitment


def _finish_wait(case: CommitmentCase, node) -> None:
    """Complete the flow's waiting step (signature or supplement) once the case has moved on."""
    task = case.process.task_set.filter(flow_task=node, status=STATUS.NEW).first() if case.process_id else None
    if task is not None:
        node.run(task)


# --- registration and signature -------------------------------------------------------------


@transaction.atomic
def commitment_register(
    *,
    subject: Subject,
    kind: str,
    department: Department,
    matter: str,
    by,
    content: str = "",
    missing_materials: list[str] = (),
    supplement_due_on: datetime.date | None = None,
    channel: str = CommitmentCase.Channel.PORTAL,
    uploads: list[Upload] = (),
    applicant_name: str = "",
    applicant_phone: str = "",
    today: datetime.date | None = None,
) -> CommitmentCase:
    """Register a commitment (by the department's counter) or submit one (by the subject); every problem at once.

    ``uploads`` are the signed letter when the subject signed at once (at the counter):
    the commitment is then published straight away.
    """
    today = today or timezone.localdate()
    if channel == CommitmentCase.Channel.PORTAL:
        if not user_may_act_for_subject(by, subject):
            raise PermissionDenied("您无权代表该信用主体作出信用承诺。")
    elif not selectors.staff_may_register(by, department):
        raise PermissionDenied(f"您不是{department.name}的受理员或承办人，不能为其登记信用承诺。")

    errors: dict[str, list[str]] = {}
    uploads = list(uploads)
    materials = [item.strip() for item in missing_materials or () if item and item.strip()]
    matter = (matter or "").strip()
    if kind not in Commitment.Kind.values:
        errors["kind"] = ["请选择承诺类型：容缺受理、告知承诺、主动公示型、行业自律型或信用修复型。"]
    if not matter:
        errors["matter"] = ["请填写承诺事项（如申请办理的许可事项）。"]
    elif len(matter) > MATTER_MAX:
        errors["matter"] = [f"承诺事项不能超过 {MATTER_MAX} 个字。"]
    if kind == Commitment.Kind.TOLERANCE and not materials:
        errors["missing_materials"] = ["容缺受理须列明容缺的材料（每行一项）。"]
    elif kind != Commitment.Kind.TOLERANCE and materials:
        errors["missing_materials"] = ["只有容缺受理的承诺列明容缺材料，其他类型请留空。"]
    if supplement_due_on is not None:
        if channel == CommitmentCase.Channel.PORTAL:
            errors["supplement_due_on"] = ["补齐期限由受理部门确定（按规则表默认期限），无需填写。"]
        elif kind != Commitment.Kind.TOLERANCE:
            errors["supplement_due_on"] = ["只有容缺受理设补齐期限。"]
        elif supplement_due_on <= today:
            errors["supplement_due_on"] = ["补齐期限应晚于今天。"]
    problems = _upload_problems(uploads)
    if problems:
        errors["uploads"] = problems
    if errors:
        raise ValidationError(errors)

    if kind == Commitment.Kind.TOLERANCE and supplement_due_on is None:
        supplement_due_on = due_date("commitment.supplement", start=today).date
    commitment = Commitment.objects.create(
        subject=subject, kind=kind, department=department, matter=matter,
        content=(content or "").strip() or documents.standard_promise(kind),
        missing_materials=materials, supplement_due_on=supplement_due_on if kind == Commitment.Kind.TOLERANCE else None,
        committed_on=today, is_public=True,
    )
    case = CommitmentCase.objects.create(
        reference=provisional_reference(),
        commitment=commitment,
        subject=subject,
        channel=channel,
        registered_by=by if getattr(by, "is_authenticated", False) else None,
        applicant_name=applicant_name or getattr(by, "full_name", "") or getattr(by, "username", ""),
        applicant_phone=applicant_phone or (getattr(by, "phone", "") if channel == CommitmentCase.Channel.PORTAL else ""),
    )
    case.reference = f"CN{today.year}{case.pk:06d}"
    case.save(update_fields=["reference"])
    case_log(
        case=case, action="registered", label=f"{case.get_channel_display()}{commitment.get_kind_display()}信用承诺：{commitment.matter}",
        actor=by, actor_label=case.get_channel_display(),
    )
    if uploads:  # signed at the counter: published before the flow starts, which then skips the wait
        _publish(case, by=by, uploads=uploads)

    from .flows import CommitmentFlow

    CommitmentFlow.start.run(case=case)
    notices.commitment_registered(case=case)
    if uploads:
        notices.commitment_published(case=case)
    return case


def _publish(case: CommitmentCase, *, by, uploads: list[Upload]) -> None:
    """The signed letter is in: the commitment is published, and awaits its missing materials or its verification."""
    commitment = _lock_commitment(case)
    now = timezone.now()
    if commitment.kind == Commitment.Kind.TOLERANCE and commitment.missing_materials:
        case.publish_awaiting_supplement(at=now, remind_on=previous_working_day(commitment.supplement_due_on))
        commitment.await_supplement(due_on=commitment.supplement_due_on)
    else:
        case.publish_for_verification(at=now)
        commitment.start_verification()
    commitment.save()
    case.save()
    for name, content, _ in uploads:
        material_attach(case=case, name=name, content=content, kind=Material.Kind.COMMITMENT_LETTER, by=by)
    case_log(case=case, action="signed", label="已上传签署的信用承诺书，承诺予以公示", actor=by)


@transaction.atomic
def commitment_sign(*, case: CommitmentCase, by, uploads: list[Upload]) -> CommitmentCase:
    """The subject uploads the signed standard-format letter; the commitment is published."""
    if not user_may_act_for_subject(by, case.subject):
        raise PermissionDenied("您无权代表该信用主体上传承诺书。")
    uploads = list(uploads)
    problems = _upload_problems(uploads)
    if not uploads:
        problems.append("请上传签署后的信用承诺书（PDF、JPEG 或 PNG）。")
    if problems:
        raise ValidationError({"uploads": problems})
    case = _lock(case)
    _publish(case, by=by, uploads=uploads)

    from .flows import CommitmentFlow

    _finish_wait(case, CommitmentFlow.await_signature)
    notices.commitment_published(case=case)
    return case


# --- missing materials (容缺材料) -----------------------------------------------------------


@transaction.atomic
def commitment_supply(*, case: CommitmentCase, by, note: str = "", uploads: list[Upload] = (), today: datetime.date | None = None) -> CommitmentCase:
    """The subject supplies the missing materials by the due date; the case goes to verification."""
    if not user_may_act_for_subject(by, case.subject):
        raise PermissionDenied("您无权代表该信用主体补齐材料。")
    today = today or timezone.localdate()
    uploads = list(uploads)
    problems = _upload_problems(uploads)
    if not uploads:
        problems.append("请上传所缺的材料（PDF、JPEG 或 PNG）。")
    due = case.commitment.supplement_due_on
    if case.status == CommitmentCase.Status.AWAITING_SUPPLEMENT and due is not None and today > due:
        problems.append(f"补齐期限（{due:%Y年%m月%d日}）已过，不能再补齐；承诺将转入核查。")
    if problems:
        raise ValidationError({"uploads": problems})
    case = _lock(case)
    commitment = _lock_commitment(case)
    case.supply(at=timezone.now(), note=(note or "").strip())
    commitment.start_verification()
    commitment.save()
    case.save()
    for name, content, _ in uploads:
        material_attach(case=case, name=name, content=content, kind=Material.Kind.SUPPLEMENT, by=by)
    case_log(case=case, action="supplied", label="已补齐容缺材料", actor=by, reason=case.supplement_note)

    from .flows import CommitmentFlow

    _finish_wait(case, CommitmentFlow.await_supplement)
    notices.commitment_supplied(case=case)
    return case


@transaction.atomic
def commitment_supplement_remind(*, case: CommitmentCase) -> CommitmentCase:
    """One working day before the due date the subject's users are reminded (once)."""
    case = _lock(case)
    if case.status != CommitmentCase.Status.AWAITING_SUPPLEMENT or case.supplement_reminded_at is not None:
        return case
    case.supplement_reminded_at = timezone.now()
    case.save(update_fields=["supplement_reminded_at"])
    case_log(case=case, action="supplement_reminded", label="提醒按期补齐容缺材料", actor_label="系统")
    notices.commitment_supplement_reminder(case=case)
    return case


@transaction.atomic
def commitment_supplement_lapse(*, case: CommitmentCase) -> CommitmentCase:
    """The due date passed without the materials: the case goes to verification, flagged as not supplied."""
    case = _lock(case)
    commitment = _lock_commitment(case)
    case.lapse()
    commitment.start_verification()
    commitment.save()
    case.save()
    case_log(
        case=case, action="supplement_overdue", actor_label="系统",
        label=f"逾期未补齐容缺材料（期限 {commitment.supplement_due_on:%Y年%m月%d日}），转入核查",
    )

    from .flows import CommitmentFlow

    _finish_wait(case, CommitmentFlow.await_supplement)
    notices.commitment_supplement_overdue(case=case)
    return case


def commitments_sweep_supplements(*, today: datetime.date | None = None) -> dict:
    """Reminders due today and cases whose due date has passed. Safe to run as often as wanted."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "lapsed": 0}
    waiting = CommitmentCase.objects.filter(status=CommitmentCase.Status.AWAITING_SUPPLEMENT)
    for case in waiting.filter(
        supplement_reminded_at__isnull=True, supplement_remind_on__lte=today, commitment__supplement_due_on__gte=today
    ):
        if commitment_supplement_remind(case=case).supplement_reminded_at is not None:
            counts["reminded"] += 1
    for case in waiting.filter(commitment__supplement_due_on__lt=today):
        try:
            commitment_supplement_lapse(case=case)
        except TransitionNotAllowed:
            continue  # supplied while the sweep ran: nothing to do, carry on with the rest
        counts["lapsed"] += 1
    return counts


# --- verification and its review --------------------------------------------------------------


@transaction.atomic
def commitment_verify(
    *,
    case: CommitmentCase,
    by,
    method: str,
    finding: str,
    result: str,
    severity: str = "",
    legal_basis: str = "",
    measures: str = "",
    uploads: list[Upload] = (),
) -> CommitmentCase:
    """The department's handler records the verification: kept (closes the case) or broken (to the reviewer)."""
    errors: dict[str, list[str]] = {}
    uploads = list(uploads)
    if method not in CommitmentCase.Method.values:
        errors["method"] = ["请选择核查方式：书面、网上、现场或公示核查。"]
    if not (finding or "").strip():
        errors["finding"] = ["请写明核查情况。"]
    if result not in CommitmentCase.Result.values:
        errors["result"] = ["请选择核查结论：已履行承诺或违背承诺。"]
    if result == CommitmentCase.Result.BREACHED:
        if severity not in dict(CommitmentCase.BREACH_SEVERITIES):
            errors["severity"] = ["认定违背承诺须注明失信程度：一般或严重。"]
        if not (legal_basis or "").strip():
            errors["legal_basis"] = ["认定违背承诺须写明认定依据（法律、法规、规章或承诺条款）。"]
    problems = _upload_problems(uploads)
    if problems:
        errors["uploads"] = problems
    if errors:
        raise ValidationError(errors)

    case = _lock(case)
    now = timezone.now()
    for name, content, kind in uploads:
        material_attach(case=case, name=name, content=content, kind=kind or Material.Kind.VERIFICATION_EVIDENCE, by=by)
    if result == CommitmentCase.Result.BREACHED:
        case.propose_breach(
            at=now, by=by, verification_method=method, finding=finding.strip(), severity=severity, legal_basis=legal_basis.strip(), measures=(measures or "").strip(),
        )
        case.save()
        case_log(
            case=case, action="breach_proposed", actor=by, reason=case.verification_finding, visible_to_subject=False,
            label=f"{case.get_verification_method_display()}：拟认定违背承诺（{case.get_breach_severity_display()}），报审核",
        )
        return case

    commitment = _lock_commitment(case)
    case.fulfil(at=now, by=by, verification_method=method, finding=finding.strip())
    commitment.fulfil()
    commitment.save()
    case.save()
    document = documents.issue_result_notice(case=case, by=by)
    case_log(
        case=case, action="fulfilled", actor=by, reason=case.verification_finding, document=str(document.pk),
        label=f"{case.get_verification_method_display()}：确认已履行承诺，记入信用档案",
    )
    notices.commitment_fulfilled(case=case)
    case_closed.send(
        sender=CommitmentCase, case=case, result="fulfilled", reason=case.verification_finding,
        department=commitment.department.name, decided_at=case.decided_at, document=document,
    )
    return case


@transaction.atomic
def commitment_return(*, case: CommitmentCase, by, comment: str) -> CommitmentCase:
    """The reviewer sends the breach finding back to the handlers."""
    if not (comment or "").strip():
        raise ValidationError({"comment": ["退回重新核查必须写明理由。"]})
    case = _lock(case)
    case.return_to_handler(comment=comment.strip())
    case.save()
    case_log(case=case, action="returned", label="违诺认定退回承办人重新核查", actor=by, reason=case.review_comment, visible_to_subject=False)
    return case


@transaction.atomic
def commitment_breach_confirm(*, case: CommitmentCase, by, comment: str = "") -> CommitmentCase:
    """违诺: the reviewer confirms; a dishonesty record (失信记录) is created and published, the subject told."""
    case = _lock(case)
    commitment = _lock_commitment(case)
    now = timezone.now()
    case.confirm_breach(at=now, by=by, comment=(comment or "").strip())
    case.save()
    decision = documents.issue_breach_decision(case=case, by=by)
    department = commitment.department
    today = timezone.localdate(now)
    record = credit_services.record_create(
        subject=case.subject,
        kind=RecordKind.DISHONESTY,
        source_department=department,
        title=f"违背信用承诺：{commitment.matter}"[:200],
        document_number=decision.number,
        deciding_authority=issuer_name(department)[:100],
        legal_basis=case.breach_legal_basis,
        decision_date=today,
        # A breach's severity is not a penalty's (CreditRecord.severity is for penalties only): kept with the indicators.
        indicators={
            "dishonest_act": f"违背{commitment.get_kind_display()}信用承诺（{commitment.matter}）：{case.verification_finding}",
            "basis": case.breach_legal_basis,
            "determined_by": department.name,
            "determined_on": today.isoformat(),
            "measures": case.breach_measures,
            "severity": case.breach_severity,
            "severity_label": case.get_breach_severity_display(),
            "commitment_kind": commitment.kind,
            "case_reference": case.reference,
        },
        publish_on=today,
    )
    commitment.breach(record=record)
    commitment.save()
    case_log(
        case=case, action="breached", actor=by, reason=case.verification_finding, document=str(decision.pk), record=record.pk,
        label=f"认定违背信用承诺（{case.get_breach_severity_display()}），记入失信记录并公示",
    )
    notices.commitment_breached(case=case, record=record)
    case_closed.send(
        sender=CommitmentCase, case=case, result="breached", reason=case.verification_finding,
        department=department.name, decided_at=case.decided_at, document=decision,
    )
    return case
