"""The documents the interview process issues, built from the case (no writes of its own)."""

from django.utils import timezone

from credit.models import InterviewRecord
from documents.rendering import chinese_date
from documents.services import document_issue

from .models import WarningInterview

LEGAL_BASIS = "《交通运输行业信用管理办法》《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》及本局信用约谈工作规定"


def _moment(value) -> str:
    local = timezone.localtime(value)
    return f"{chinese_date(local.date())}{local:%H:%M}"


def _origin_line(interview: WarningInterview) -> str:
    if interview.origin == WarningInterview.Origin.LIST_ENTRY and interview.list_entry_id:
        return f"你（单位）被列入{interview.list_entry.get_list_kind_display()}（事由：{interview.basis}）"
    if interview.origin == WarningInterview.Origin.IMPORT:
        listed = f"于{chinese_date(interview.listed_on)}" if interview.listed_on else ""
        return f"你（单位）{listed}被{interview.get_list_source_display() or '上级'}失信主体名单列入（事由：{interview.basis}）"
    return f"你（单位）存在失信行为（{interview.basis}）"


def _issue(interview, *, kind, title, body, by):
    return document_issue(
        kind=kind, title=title, department=interview.department, addressee=interview.subject.name, body=body, legal_basis=LEGAL_BASIS,
        subject=interview.subject, case=interview, issued_by=by,
    )


def issue_notice(*, interview: WarningInterview, by):
    """约谈通知书: time, place and matter, and how to confirm."""
    return _issue(
        interview, kind="interview_notice", title="约谈通知书", by=by,
        body=[
            f"因{_origin_line(interview)}，根据谁认定、谁约谈的原则，本机关决定对你（单位）进行{interview.get_kind_display()}（案件编号 {interview.reference}）。",
            f"约谈时间：{_moment(interview.scheduled_at)}。",
            f"约谈地点：{interview.place}。",
            f"约谈事项：{interview.matter}。",
            f"请你（单位）法定代表人或主要负责人（自然人本人）携带身份证明准时参加，并于{chinese_date(interview.confirm_due_on)}前通过信用主体门户确认参加，"
            "或向本机关电话确认。",
            "无正当理由不参加约谈的，本机关将记录在案，并依法依规采取相应的信用监管措施。",
        ],
    )


def issue_minutes(*, interview: WarningInterview, record: InterviewRecord, signed_file_names: list[str], by):
    """约谈记录: generated from the minutes entered; the signed original is kept as a material of the case."""
    rectification = (
        f"整改承诺：{record.rectification}；整改期限：{chinese_date(record.rectification_due_on)}。本机关将于期限届满后核实整改情况。"
        if record.rectification
        else "整改承诺：无。"
    )
    return _issue(
        interview, kind="interview_minutes", title="约谈记录", by=by,
        body=[
            f"约谈类型：{record.get_kind_display()}（案件编号 {interview.reference}）。",
            f"约谈时间：{_moment(record.held_at)}；约谈地点：{record.place}。",
            f"约谈部门：{record.department.name}；约谈对象：{interview.subject.name}（{interview.subject.display_code}）。",
            f"约谈事项：{record.matter}。",
            f"参加人员：{record.attendees}。",
            f"约谈内容：{record.minutes}",
            rectification,
            f"经双方签字确认的约谈记录原件已存档（{'、'.join(signed_file_names)}），本约谈记录已记入该主体信用档案，并报送省信用信息平台。",
        ],
    )
