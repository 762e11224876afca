"""The documents the objection process issues, built from the case (no writes of its own)."""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from credit.models import CreditRecord, Department
from documents.rendering import chinese_date
from documents.services import document_issue

from .models import Objection

LEGAL_BASIS = "《交通运输行业信用管理办法》《失信行为纠正后的信用信息修复管理办法》及本局信用信息异议处理规定"


def _credit_office() -> Department:
    return Department.objects.get(is_credit_lead=True)


def _field_label(key: str) -> str:
    """The Chinese name of a corrected field (an official document never shows code names)."""
    try:
        return str(CreditRecord._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return key


def _field_value(value) -> str:
    """Dates as the document prints them (2025年12月20日); the proposal stores them as ISO text."""
    try:
        return chinese_date(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _record_line(objection: Objection) -> str:
    record = objection.record
    if record is None:
        return "（待匹配的信用记录）"
    number = f"（{record.document_number}）" if record.document_number else ""
    return f"{record.get_kind_display()}“{record.title}”{number}"


def _issue(objection: Objection, *, kind: str, title: str, department: Department, addressee: str, body: list[str], by, to_subject: bool = True):
    return document_issue(
        kind=kind, title=title, department=department, addressee=addressee, body=body, legal_basis=LEGAL_BASIS,
        subject=objection.subject if to_subject else None, case=objection, issued_by=by,
    )


def issue_acceptance_notice(*, objection: Objection, by):
    return _issue(
        objection, kind="objection_acceptance", title="异议受理通知书", department=_credit_office(), addressee=objection.subject.name, by=by,
        body=[
            f"你（单位）于{timezone.localtime(objection.filed_at):%Y年%m月%d日}对{_record_line(objection)}提出的异议申请"
            f"（案件编号 {objection.reference}，异议类型：{objection.get_grounds_display()}），经审查，符合受理条件，本机关决定予以受理。",
            "异议处理期间，该信用记录标注为“异议处理中”。本机关将会同数据提供部门进行核查，并将处理结果书面告知你（单位）。",
        ],
    )


def issue_non_acceptance_notice(*, objection: Objection, by):
    return _issue(
        objection, kind="objection_non_acceptance", title="异议不予受理通知书", department=_credit_office(), addressee=objection.subject.name, by=by,
        body=[
            f"你（单位）于{timezone.localtime(objection.filed_at):%Y年%m月%d日}对{_record_line(objection)}提出的异议申请（案件编号 {objection.reference}），"
            f"经审查，本机关决定不予受理。理由如下：{objection.refusal_reason}",
            "如对本决定不服，可依法申请行政复议或者提起行政诉讼。",
        ],
    )


def issue_supplement_notice(*, objection: Objection, by):
    return _issue(
        objection, kind="objection_supplement", title="补正材料通知书", department=_credit_office(), addressee=objection.subject.name, by=by,
        body=[
            f"你（单位）对{_record_line(objection)}提出的异议申请（案件编号 {objection.reference}）材料不齐全，请补正以下材料：{objection.supplement_request}",
            f"请于{objection.supplement_due_on:%Y年%m月%d日}前通过信用主体门户提交。逾期未补正的，视为撤回异议申请。",
        ],
    )


def issue_verification_letter(*, objection: Objection, by):
    record = objection.record
    return _issue(
        objection, kind="objection_verification_letter", title="信用信息异议协查函", department=_credit_office(),
        addressee=record.source_department.name, by=by, to_subject=False,  # an internal letter between departments
        body=[
            f"{objection.subject.name}（{objection.subject.display_code}）对你部门提供的{_record_line(objection)}提出异议，"
            f"异议类型为“{objection.get_grounds_display()}”，陈述如下：{objection.statement}",
            "按照“谁产生、谁负责”的原则，请你部门对该信用记录进行核实，并在规定期限内提出更正、撤销或维持的核查意见及理由。",
        ],
    )


def issue_decision(*, objection: Objection, by):
    outcome = {
        Objection.Outcome.CORRECTED: "经核查，该记录部分内容有误，本机关决定予以更正，更正后的信息已替换原信息，原信息留档备查。",
        Objection.Outcome.WITHDRAWN: "经核查，该记录不应公示，本机关决定予以撤销，该记录即日起停止公示和共享。",
        Objection.Outcome.UPHELD: "经核查，该记录准确无误，本机关决定维持原记录，恢复正常公示。",
    }[objection.outcome]
    changes = ""
    if objection.outcome == Objection.Outcome.CORRECTED and objection.proposed_changes:
        changes = "更正内容：" + "；".join(f"{_field_label(key)}更正为“{_field_value(value)}”" for key, value in objection.proposed_changes.items()) + "。"
    return _issue(
        objection, kind="objection_decision", title="信用信息异议处理决定书", department=_credit_office(), addressee=objection.subject.name, by=by,
        body=[
            f"你（单位）对{_record_line(objection)}提出的异议（案件编号 {objection.reference}），本机关已受理并会同{objection.record.source_department.name}进行了核查。",
            outcome + changes,
            f"理由：{objection.outcome_reason}",
            "处理结果已同步至信用交通网站及省信用信息平台。如对本决定不服，可依法申请行政复议或者提起行政诉讼。",
        ],
    )
