"""Every write of the transfer integration: receiving a transferred case, recording its result for the national site.

A transfer starts its case through the same services as a portal filing
(``repair_file``, ``objection_file``) with the channel ``transfer``; what a
portal filing would be refused for (no local record, not eligible) is instead
left on the case for the credit office to judge at intake, because a transfer is
never dropped.
"""

import base64
import hashlib
import logging
import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from credit.models import CreditRecord, Platform, PlatformSync, RecordKind, RecordStatus, Subject
from credit.services import subject_create
from processes.common.models import CaseEvent, Material
from processes.common.timeline import case_log
from processes.objection.models import Objection
from processes.objection.services import objection_file
from processes.repair.models import RepairApplication
from processes.repair.services import repair_file

from . import delivery
from .models import Transfer
from .validation import TransferMessage

logger = logging.getLogger(__name__)


@dataclass
class Answer:
    status: int
    body: dict


# --- receiving ------------------------------------------------------------------------------


def transfer_receive(*, message: TransferMessage, digest: str) -> Answer:
    """Receive one checked transfer: 201 with the new case, or the answer to a repeat (200 same content, 409 other content).

    One transaction: the Transfer row, the subject, the case with its materials
    and its started process commit together or not at all. The unique
    ``transfer_id`` makes concurrent deliveries of one message create one case:
    the second insert waits for the first transaction and then fails, and is
    answered as a repeat. A repeat sent later is answered the same way; the view
    answers it before calling this (and before the check of its attachments), so no
    lookup is made here first.
    """
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                transfer_id=message.transfer_id, source=message.source, case_type=message.case_type,
                received_at=message.received_at, payload=message.stored_payload, payload_sha256=digest,
            )
            case = _start_case(message)
            transfer.content_type = ContentType.objects.get_for_model(case)
            transfer.object_id = str(case.pk)
            transfer.answer = {"transfer_id": transfer.transfer_id, "case_id": case.reference, "status": case.status}
            transfer.save(update_fields=["content_type", "object_id", "answer"])
    except IntegrityError:
        existing = Transfer.objects.filter(transfer_id=message.transfer_id).first()
        if existing is None:
            raise
        logger.info("transfer %s was received concurrently; answered from the first receipt", message.transfer_id)
        return transfer_repeat_answer(transfer=existing, digest=digest)
    return Answer(201, transfer.answer)


def transfer_repeat_answer(*, transfer: Transfer, digest: str) -> Answer:
    if transfer.payload_sha256 == digest:
        return Answer(200, transfer.answer)
    return Answer(
        409,
        {"error": f"转办编号 {transfer.transfer_id} 已于 {timezone.localtime(transfer.created_at):%Y-%m-%d %H:%M:%S} 以不同内容接收（案件 {transfer.answer.get('case_id', '')}），本次内容未采用。"},
    )


def _start_case(message: TransferMessage):
    subject, subject_note = _subject(message)
    record, record_note = _record(message, subject)
    source = Transfer.Source(message.source).label
    if message.case_type == Transfer.CaseType.REPAIR:
        case = repair_file(
            # The contract carries no performance date: the local record's, when the department entered it.
            record=record, subject=subject, statement=message.reason, obligations_performed_on=record.obligations_performed_on if record else None, by=None,
            channel=RepairApplication.Channel.TRANSFER, uploads=_uploads(message, REPAIR_KINDS),
            applicant_name=message.applicant_name, applicant_phone=message.applicant_phone, applicant_email=message.applicant_email,
            check_eligibility=False,
        )
    else:
        case = objection_file(
            record=record, subject=subject, statement=message.reason,
            # The contract carries no objection type: registered as 信息错误, for intake to correct in the statement's light.
            grounds=Objection.Grounds.WRONG, by=None, channel=Objection.Channel.TRANSFER, uploads=_uploads(message, OBJECTION_KINDS),
            applicant_name=message.applicant_name, applicant_phone=message.applicant_phone, applicant_email=message.applicant_email,
        )
    notes = [note for note in (subject_note, record_note) if note]
    case_log(
        case=case, action="transferred", label=f"{source}转办（转办编号 {message.transfer_id}）", actor_label=source,
        reason="\n".join(notes), transfer_id=message.transfer_id,
        record={"decision_no": message.decision_no, "authority": message.authority, "decision_date": message.decision_date.isoformat()},
    )
    return case


def _subject(message: TransferMessage) -> tuple[Subject, str]:
    lookup = {"uscc": message.uscc} if message.uscc else {"id_number": message.id_number}
    subject = Subject.objects.filter(**lookup).first()
    if subject is None:
        try:
            with transaction.atomic():
                return subject_create(kind=message.subject_kind, name=message.subject_name, **lookup), "信用主体为首次出现，已按转办信息登记。"
        except (IntegrityError, ValidationError):
            # Created meanwhile by a concurrent transfer or filing for the same subject.
            subject = Subject.objects.filter(**lookup).first()
            if subject is None:
                raise
    if subject.name != message.subject_name:
        return subject, f"转办的主体名称“{message.subject_name}”与本地登记“{subject.name}”不一致，以本地登记为准，请核对。"
    return subject, ""


_OPENING = str.maketrans({"[": "〔", "［": "〔", "(": "〔", "（": "〔", "【": "〔", "]": "〕", "］": "〕", ")": "〕", "）": "〕", "】": "〕"})


def _document_number_key(value: str) -> str:
    """文号 as compared: brackets of any style alike, no white space (the sites write them differently)."""
    return re.sub(r"\s+", "", value or "").translate(_OPENING)


def _record(message: TransferMessage, subject: Subject) -> tuple[CreditRecord | None, str]:
    """The local record the transfer concerns, matched by subject and 文号 (then date and authority); None to match by hand."""
    key = _document_number_key(message.decision_no)
    records = subject.records.all()
    if message.case_type == Transfer.CaseType.REPAIR:
        records = records.filter(kind=RecordKind.PENALTY)
    candidates = [record for record in records if _document_number_key(record.document_number) == key]
    if len(candidates) > 1:
        candidates = [record for record in candidates if record.decision_date == message.decision_date] or candidates
    if len(candidates) > 1 and message.authority:
        candidates = [record for record in candidates if message.authority in record.deciding_authority] or candidates
    if not candidates:
        return None, f"本地未找到该主体文号为“{message.decision_no}”的信用记录，请人工匹配。"
    if len(candidates) > 1:
        return None, f"该主体有 {len(candidates)} 条文号为“{message.decision_no}”的记录，无法自动确定，请人工匹配。"
    record = candidates[0]
    notes = []
    if record.decision_date != message.decision_date:
        notes.append(f"转办的决定日期 {message.decision_date:%Y-%m-%d} 与本地记录 {record.decision_date:%Y-%m-%d} 不一致，请核对。")
    if message.case_type == Transfer.CaseType.OBJECTION and record.status not in (RecordStatus.PUBLISHED, RecordStatus.CORRECTED):
        # objection_file would refuse it; the case is filed unmatched and intake decides.
        return None, f"匹配到记录“{record}”，但其状态为“{record.get_status_display()}”，不能标注异议，请人工核对后匹配或不予受理。"
    return record, " ".join(notes)


#: Material kinds guessed from the attachment's file name (the contract sends no kind); anything else is 证明材料.
REPAIR_KINDS = [
    (re.compile("承诺书"), Material.Kind.COMMITMENT_LETTER),
    (re.compile("授权委托|法定代表人"), Material.Kind.AUTHORISATION_LETTER),
    (re.compile("培训"), Material.Kind.TRAINING_CERTIFICATE),
    (re.compile("信用报告"), Material.Kind.CREDIT_REPORT),
    (re.compile("缴款|罚款|缴纳|整改|履行|凭证|收据|票据"), Material.Kind.PERFORMANCE_PROOF),
]
OBJECTION_KINDS = [
    (re.compile("承诺书"), Material.Kind.OBJECTION_COMMITMENT_LETTER),
    (re.compile("决定书|判决|裁定|复议|撤销"), Material.Kind.DECISION_DOCUMENT),
]


def _uploads(message: TransferMessage, kinds) -> list[tuple[str, bytes, str]]:
    def kind_of(name: str) -> str:
        return next((kind for pattern, kind in kinds if pattern.search(name)), Material.Kind.EVIDENCE)

    return [(attachment.name, attachment.content, kind_of(attachment.name)) for attachment in message.attachments]


# --- reading ---------------------------------------------------------------------------------


def transfer_for_case(case) -> Transfer | None:
    return Transfer.objects.filter(content_type=ContentType.objects.get_for_model(case), object_id=str(case.pk)).first()


def transfer_status(transfer: Transfer) -> dict:
    """The status answer: the case's current state and when it last changed."""
    case = transfer.case
    last = None
    if case is not None:
        last = CaseEvent.objects.filter(content_type_id=transfer.content_type_id, object_id=transfer.object_id).order_by("-at").values_list("at", flat=True).first()
    return {
        "transfer_id": transfer.transfer_id,
        "case_id": getattr(case, "reference", transfer.answer.get("case_id")),
        "status": getattr(case, "status", transfer.answer.get("status")),
        "updated_at": timezone.localtime(last or transfer.created_at).isoformat(timespec="seconds"),
    }


# --- the result fed back ------------------------------------------------------------------------


@transaction.atomic
def transfer_feedback_queue(*, transfer: Transfer, case, result: str, reason: str, department: str, decided_at, document=None) -> PlatformSync:
    """Record the result for the national site in the transaction that closed the case; delivered after commit."""
    payload = {
        "transfer_id": transfer.transfer_id,
        "case_id": case.reference,
        "result": result,
        "decided_at": timezone.localtime(decided_at or timezone.now()).isoformat(timespec="seconds"),
        "department": department,
        "reason": reason or "",
        "document": _document_payload(document),
    }
    sync = delivery.platform_sync_queue(
        platform=Platform.NATIONAL, event=delivery.FEEDBACK_EVENT, target=case, idempotency_key=f"transfer:{transfer.transfer_id}:{result}", payload=payload
    )
    case_log(case=case, action="feedback_queued", label=f"处理结果（{result}）待回传{transfer.get_source_display()}", actor_label="系统", visible_to_subject=False)
    return sync


def _document_payload(document) -> dict | None:
    if document is None:
        return None
    with document.file.open("rb") as stored:
        content = stored.read()
    return {"name": f"{document.title}.pdf", "sha256": hashlib.sha256(content).hexdigest(), "content_base64": base64.b64encode(content).decode("ascii")}
