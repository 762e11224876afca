"""The documents the list process issues, built from the case (no writes of its own)."""

from django.utils import timezone

from credit.models import ListEntry, Subject
from documents.rendering import chinese_date
from documents.services import document_issue

from .models import ListingCase, RemovalCase

LEGAL_BASIS = "《交通运输行业信用管理办法》《交通运输领域严重失信主体名单管理办法》及本局红黑名单认定与移出工作规定"


def _code_label(subject: Subject) -> str:
    return "居民身份证号码" if subject.is_natural_person else "统一社会信用代码"


def _subject_line(subject: Subject) -> str:
    return f"{subject.name}（{_code_label(subject)}：{subject.code}）"


def _basis_line(entry: ListEntry) -> str:
    record = entry.basis_record
    if record is None:
        return ""
    number = f"（{record.document_number}）" if record.document_number else ""
    return f"依据信用记录：{record.get_kind_display()}“{record.title}”{number}，{chinese_date(record.decision_date)}由{record.deciding_authority}作出。"


def _measures_line(entry: ListEntry) -> str:
    if not entry.measures:
        return ""
    label = "激励措施" if entry.list_kind == ListEntry.ListKind.RED else "惩戒措施"
    return f"{label}：{'；'.join(entry.measures)}。"


def _issue(case, *, kind: str, title: str, body: list[str], by):
    entry = case.entry
    return document_issue(
        kind=kind, title=title, department=entry.designating_department, addressee=case.subject.name,
        body=[line for line in body if line], legal_basis=entry.legal_basis or LEGAL_BASIS, subject=case.subject, case=case, issued_by=by,
    )


def issue_pre_notice(*, case: ListingCase, by):
    """列入名单告知书: the reasons, the basis and the subject's rights, before the decision."""
    entry = case.entry
    ends = entry.objection_window_ends
    return _issue(
        case, kind="listing_pre_notice", title="列入名单告知书", by=by,
        body=[
            f"信用主体：{_subject_line(case.subject)}。",
            f"本机关拟将你（单位）列入{entry.get_list_kind_display()}（案件编号 {case.reference}）。",
            f"事实与理由：{entry.reason}",
            f"认定标准：{entry.designation_standard}",
            _basis_line(entry),
            _measures_line(entry),
            f"拟列入有效期至{chinese_date(case.proposed_expires_on)}。",
            f"依法告知你（单位）享有陈述、申辩和提出异议的权利。如有异议，请于{chinese_date(ends)}前（含当日）通过信用主体门户或书面方式提出，"
            "并提交相关证明材料；异议期内提出的异议，本机关将依法核查并答复，待异议处理结果作出后再作决定。逾期未提出的，视为放弃上述权利。",
        ],
    )


def issue_listing_decision(*, case: ListingCase, by):
    """列入名单决定书: subject, code, date, reason, remedy and authority."""
    entry = case.entry
    department = entry.designating_department
    return _issue(
        case, kind="listing_decision", title="列入名单决定书", by=by,
        body=[
            f"信用主体：{_subject_line(case.subject)}。",
            f"本机关于{chinese_date(entry.proposed_on)}向你（单位）送达列入名单告知书（案件编号 {case.reference}），"
            + (f"你（单位）于{chinese_date(timezone.localdate(case.objected_at))}提出异议，经核查答复如下：{case.objection_reply}" if case.has_objection else "你（单位）在异议期内未提出异议。"),
            f"经审查，本机关决定自{chinese_date(entry.listed_on)}起将你（单位）列入{entry.get_list_kind_display()}，有效期至{chinese_date(entry.expires_on)}。",
            f"列入理由：{entry.reason}",
            f"认定标准：{entry.designation_standard}",
            _basis_line(entry),
            _measures_line(entry),
            f"决定意见：{case.decision_reason}" if case.decision_reason else "",
            f"救济途径：{entry.remedy}" if entry.remedy else "",
            "如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
            f"作出决定机关：{department.name}    决定日期：{chinese_date(entry.listed_on)}",
        ],
    )


def issue_not_listed_decision(*, case: ListingCase, by):
    entry = case.entry
    return _issue(
        case, kind="listing_not_listed", title="不予列入名单决定书", by=by,
        body=[
            f"信用主体：{_subject_line(case.subject)}。",
            f"本机关于{chinese_date(entry.proposed_on)}告知拟将你（单位）列入{entry.get_list_kind_display()}（案件编号 {case.reference}）。"
            + (f"你（单位）提出的异议经核查答复如下：{case.objection_reply}" if case.has_objection else ""),
            f"经审查，本机关决定不将你（单位）列入{entry.get_list_kind_display()}。",
            f"理由：{case.decision_reason}",
            f"作出决定机关：{entry.designating_department.name}    决定日期：{chinese_date(timezone.localdate(case.decided_at))}",
        ],
    )


def issue_removal_decision(*, case: RemovalCase, by):
    """移出名单决定书: subject, code, date, reason and authority."""
    entry = case.entry
    return _issue(
        case, kind="removal_decision", title="移出名单决定书", by=by,
        body=[
            f"信用主体：{_subject_line(case.subject)}。",
            f"你（单位）于{chinese_date(entry.listed_on)}被列入{entry.get_list_kind_display()}（列入理由：{entry.reason}）。",
            f"移出原因：{case.get_reason_display()}。{case.statement}",
            f"审核意见：{case.review_reason}" if case.review_reason else "",
            f"经审核，本机关决定自{chinese_date(entry.removed_on)}起将你（单位）移出{entry.get_list_kind_display()}，停止公示，"
            "相关措施不再适用，并将移出结果推送至信用交通网站、信用中国网站及省信用信息平台。",
            f"作出决定机关：{entry.designating_department.name}    决定日期：{chinese_date(entry.removed_on)}",
        ],
    )
