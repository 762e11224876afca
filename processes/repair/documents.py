"""The documents the repair process issues, built from the case (no writes of its own)."""

from django.utils import timezone

from credit.models import CreditRecord, Department
from credit.rules import NoRuleInForce, publication_dates, rule_version_for
from documents.rendering import DocumentContent, chinese_date, render_pdf
from documents.services import document_issue

from .models import RepairApplication

LEGAL_BASIS = "《失信行为纠正后的信用信息修复管理办法》《交通运输行业信用管理办法》及本局信用修复工作规定"


def credit_office() -> Department:
    return Department.objects.get(is_credit_lead=True)


def _record_line(record: CreditRecord | None) -> str:
    if record is None:
        return "（待匹配的行政处罚记录）"
    number = f"（{record.document_number}）" if record.document_number else ""
    return f"行政处罚“{record.title}”{number}"


def _issue(application, *, kind, title, department, body, by):
    return document_issue(
        kind=kind, title=title, department=department, addressee=application.subject.name, body=body, legal_basis=LEGAL_BASIS,
        subject=application.subject, case=application, issued_by=by,
    )


def issue_acceptance_notice(*, application: RepairApplication, by):
    return _issue(
        application, kind="repair_acceptance", title="信用修复申请受理通知书", department=credit_office(), by=by,
        body=[
            f"你（单位）于{chinese_date(timezone.localdate(application.filed_at))}就{_record_line(application.record)}提出的信用修复申请"
            f"（案件编号 {application.reference}）材料齐全，本机关决定予以受理，并转{application.deciding_department.name}审查决定。",
        ],
    )


def issue_non_acceptance_notice(*, application: RepairApplication, by):
    return _issue(
        application, kind="repair_non_acceptance", title="信用修复申请不予受理通知书", department=credit_office(), by=by,
        body=[
            f"你（单位）就{_record_line(application.record)}提出的信用修复申请（案件编号 {application.reference}），经审查，本机关决定不予受理。",
            f"理由：{application.refusal_reason}",
            "如对本决定不服，可依法申请行政复议或者提起行政诉讼。",
        ],
    )


def issue_decision(*, application: RepairApplication, by):
    record = application.record
    return _issue(
        application, kind="repair_decision", title="信用修复决定书", department=record.source_department, by=by,
        body=[
            f"你（单位）就{_record_line(record)}提出的信用修复申请（案件编号 {application.reference}），经审查，"
            f"你（单位）已履行行政处罚决定规定的义务，符合信用修复条件。",
            f"本机关决定准予信用修复：自{chinese_date(timezone.localdate(application.decided_at))}起终止公示该行政处罚信息，停止共享和使用，"
            "相关信用评价结果予以更新，依据该记录采取的惩戒措施予以解除，并将修复结果推送至信用交通网站、信用中国网站及省信用信息平台。",
            f"理由：{application.decision_reason}",
        ],
    )


def issue_refusal(*, application: RepairApplication, by):
    record = application.record
    return _issue(
        application, kind="repair_refusal", title="不予信用修复决定书", department=record.source_department, by=by,
        body=[
            f"你（单位）就{_record_line(record)}提出的信用修复申请（案件编号 {application.reference}），经审查，本机关决定不予信用修复。",
            f"理由：{application.decision_reason}",
            "如对本决定不服，可依法申请行政复议或者提起行政诉讼；符合条件后可重新申请。",
        ],
    )


def _earliest_sentence(record: CreditRecord) -> str:
    try:
        version = rule_version_for(record.decision_date)
    except NoRuleInForce:
        return "该处罚的可修复日期请咨询法规科。"
    period = version.period_for(record.severity, record.sector)
    if period is not None and period.repairable_when_performed:
        return f"该处罚属{record.get_severity_display()}失信行为，按{version.name}，履行行政处罚决定规定的义务后即可申请信用修复。"
    dates = publication_dates(severity=record.severity, decision_date=record.decision_date, publication_date=record.publication_date, sector=record.sector)
    if dates.earliest_repair_on is None:
        return "该处罚不予公示，无需申请信用修复。"
    return (
        f"该处罚属{record.get_severity_display()}失信行为，按{version.name}，最短公示期{period.min_months}个月，"
        f"履行义务后，最早可于{chinese_date(dates.earliest_repair_on)}申请信用修复；"
        f"公示期最长至{chinese_date(dates.publication_ends_on)}，届满自动停止公示。"
    )


def issue_repair_notice(*, record: CreditRecord, by):
    return document_issue(
        kind="repair_notice", title="信用修复告知书", department=record.source_department, addressee=record.subject.name,
        body=[
            f"本机关于{chinese_date(record.decision_date)}对你（单位）作出{_record_line(record)}。该处罚信息将依法在信用交通网站等平台公示。",
            _earliest_sentence(record),
            "申请信用修复，应提交履行义务的证明材料（缴款凭证、整改材料）和信用承诺书，可通过信用主体门户在线申请，或经信用交通网站提出。",
        ],
        legal_basis=LEGAL_BASIS, subject=record.subject, case=record, issued_by=by,
    )


def commitment_letter_pdf(*, record: CreditRecord, applicant: str = "") -> bytes:
    """The standard-format credit commitment letter (信用承诺书) for the subject to sign and upload (not numbered)."""
    subject = record.subject
    return render_pdf(
        DocumentContent(
            issuer=f"{subject.name}（承诺人）",
            number="格式文本",
            title="信用承诺书",
            addressee=record.deciding_authority or record.source_department.name,
            body=(
                f"本单位（本人）{subject.name}，统一社会信用代码/身份证号码 {subject.code}，现就{_record_line(record)}申请信用修复，郑重承诺：",
                "一、已全面履行行政处罚决定规定的义务，所提交的履行义务证明及整改材料真实、合法、有效；",
                "二、已完成整改，今后严格遵守交通运输法律法规，诚信经营，不再发生同类违法失信行为；",
                "三、如有虚假承诺或违反承诺，自愿接受撤销信用修复决定、重新公示失信信息、列入失信名单等处理，并承担相应法律责任。",
                f"承诺人（签章）：{applicant or '__________'}        日期：____年__月__日",
            ),
            legal_basis=LEGAL_BASIS,
            issued_on=timezone.localdate(),
            verification_code="签署后上传",
            verification_url="信用主体门户",
        )
    )
