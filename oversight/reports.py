"""The monthly report (月度报告): its figures, and its text as an official document.

``monthly_data`` gathers one month (for one department, for a section chief's
preview); ``monthly_report_content`` writes the bureau-wide month as the
paragraphs of the credit office's report to the province. Documents render
paragraphs only, so each table row is a numbered paragraph; the Excel workbook
(``oversight.exports``) carries the same rows as tables.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from credit.models import COMPLETENESS_THRESHOLD, Department, RecordKind
from documents.rendering import chinese_date

from . import selectors
from .periods import chinese_month, local_date, month_start, next_month

#: Rows of a list printed in the PDF; the rest are in the Excel workbook.
PDF_LIST_LIMIT = 30
DEFAULT_ADDRESSEE = "省交通运输厅信用工作领导小组办公室"
CHINESE_ORDINALS = "一二三四五六七八九十"


def report_addressee() -> str:
    return getattr(settings, "OVERSIGHT_REPORT_ADDRESSEE", DEFAULT_ADDRESSEE)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@dataclass
class MonthlyData:
    month: datetime.date
    as_of: datetime.date
    department_id: int | None
    department: str
    processes: list
    publication: selectors.PublicationRow
    publication_by_kind: dict
    publication_rows: list
    allowances: list[int]
    late: list  # the first ``list_limit`` (all when None); there are ``publication.late``
    joint_actions: list
    quarter_joint_actions: int
    overdue: list  # the first ``list_limit``; there are ``overdue_total``
    overdue_total: int
    quality: selectors.QualityRow
    quality_rows: list = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{chinese_month(self.month)}信用工作月度报告"

    @property
    def allowance_text(self) -> str:
        return "、".join(str(days) for days in self.allowances) or "（规则表未设定）"


def monthly_data(*, month: datetime.date, today: datetime.date, department_id: int | None = None, list_limit: int | None = None) -> MonthlyData:
    """One month's figures; the late records and overdue steps listed up to ``list_limit`` (all for the workbook)."""
    month = month_start(month)
    last_day = next_month(month) - datetime.timedelta(days=1)
    as_of = min(last_day, today)
    dues = selectors.publication_due_dates(month, last_day)
    figures = selectors.record_month_figures(month, today=today, department_id=department_id, dues=dues)
    overall, rows = selectors.publication_month_rows(figures)
    by_kind = {}
    for (pk, kind), counts in figures.items():
        if kind in selectors.PUBLISHED_KINDS:
            by_kind.setdefault(kind, selectors.PublicationRow(None, RecordKind(kind).label)).add(counts)
    quality = selectors.QualityRow(None, "合计")
    quality_rows = {}
    names = dict(Department.objects.values_list("pk", "name"))
    for (pk, kind), counts in figures.items():
        row = quality_rows.setdefault(pk, selectors.QualityRow(pk, names.get(pk, "")))
        row.total += counts["total"]
        row.qualified += counts["qualified"]
        quality.total += counts["total"]
        quality.qualified += counts["qualified"]
    quarter_start = month.replace(month=(month.month - 1) // 3 * 3 + 1)
    overdue, overdue_total = selectors.overdue_in_month(month=month, today=today, department_id=department_id, limit=list_limit)
    return MonthlyData(
        month=month,
        as_of=as_of,
        department_id=department_id,
        department=names.get(department_id, "") if department_id else "",
        processes=selectors.cases_by_process(month=month, department_id=department_id),
        publication=overall,
        publication_by_kind=by_kind,
        publication_rows=rows,
        allowances=sorted({due.working_days for due in dues.values() if due is not None}),
        late=selectors.late_records(month=month, today=today, department_id=department_id, dues=dues, limit=list_limit),
        joint_actions=list(selectors.joint_actions(start=month, end=last_day, department_id=department_id)),
        quarter_joint_actions=selectors.joint_actions(start=quarter_start, end=last_day, department_id=department_id).count(),
        overdue=overdue,
        overdue_total=overdue_total,
        quality=quality,
        quality_rows=sorted(quality_rows.values(), key=lambda r: r.department),
    )


@dataclass
class ReportContent:
    title: str
    paragraphs: list[str]
    summary: dict


def _more(count: int) -> list[str]:
    return [f"另有{count}条，详见Excel附表。"] if count > 0 else []


def monthly_report_content(*, month: datetime.date, today: datetime.date) -> ReportContent:
    """The bureau-wide month as the paragraphs of the credit office's report."""
    data = monthly_data(month=month, today=today, list_limit=PDF_LIST_LIMIT)
    threshold = f"{COMPLETENESS_THRESHOLD * 100:.0f}%"
    p = [f"现将本局{chinese_month(data.month)}信用工作情况报告如下（数据统计截至{chinese_date(data.as_of)}）。"]

    p.append("一、案件办理情况")
    if data.processes:
        for n, entry in enumerate(data.processes):
            outcomes = "、".join(f"{label}{count}件" for label, count in entry.outcomes)
            ordinal = CHINESE_ORDINALS[n] if n < len(CHINESE_ORDINALS) else str(n + 1)
            p.append(
                f"（{ordinal}）{entry.process}：本月新收{entry.received}件，办结{entry.finished}件"
                + (f"（{outcomes}）" if outcomes else "")
                + f"，月末在办{entry.open_at_end}件。"
            )
    else:
        p.append("本月无案件。")

    pub = data.publication
    licences = data.publication_by_kind.get(RecordKind.LICENCE, selectors.PublicationRow(None, ""))
    penalties = data.publication_by_kind.get(RecordKind.PENALTY, selectors.PublicationRow(None, ""))
    p.append("二、行政许可和行政处罚信息“双公示”7天合格率")
    p.append(
        f"本月作出行政许可决定{licences.decided}件、行政处罚决定{penalties.decided}件。按规定应自决定之日起"
        f"{data.allowance_text}个工作日内公示（按本局工作日历计算，节假日顺延，调休上班日计入）。"
        f"已到期{pub.on_time + pub.late}件，其中按期公示{pub.on_time}件、逾期公示{pub.late_published}件、逾期未公示{pub.late_unpublished}件，"
        f"7天合格率{percent(pub.rate)}（行政许可{percent(licences.rate)}，行政处罚{percent(penalties.rate)}）；"
        f"尚未到期未公示{pub.pending}件，不计入合格率。"
    )
    for row in data.publication_rows:
        p.append(f"{row.department}：已到期{row.on_time + row.late}件，按期公示{row.on_time}件，逾期{row.late}件，7天合格率{percent(row.rate)}。")
    if data.late:
        p.append("逾期公示记录如下：")
        for n, record in enumerate(data.late, start=1):
            published = f"公示日期{chinese_date(record.publication_date)}" if record.publication_date else "截至统计日未公示"
            p.append(
                f"{n}. {record.source_department.name}，{record.get_kind_display()}，{record.document_number or record.title}"
                f"（{record.subject.name}），决定日期{chinese_date(record.decision_date)}，公示期限{chinese_date(record.due_on)}，{published}。"
            )
        p.extend(_more(pub.late - len(data.late)))

    p.append("三、联合奖惩成效清单")
    if data.joint_actions:
        for n, action in enumerate(data.joint_actions[:PDF_LIST_LIMIT], start=1):
            result = f"；成效：{action.result}" if action.result else ""
            p.append(
                f"{n}. {action.subject.name}（{action.subject.display_code}）；{action.get_kind_display()}；措施：{action.measure}；"
                f"执行部门：{action.executing_department.name}；执行时间：{chinese_date(local_date(action.executed_at))}；事项：{action.matter}{result}。"
            )
        p.extend(_more(len(data.joint_actions) - PDF_LIST_LIMIT))
    else:
        p.append("本月无联合奖惩案例。")
    p.append(f"本季度截至本月累计联合奖惩案例{data.quarter_joint_actions}件。")

    p.append("四、超期案件")
    if data.overdue:
        p.append(f"本月超过办理期限的办理环节{data.overdue_total}个：")
        for n, row in enumerate(data.overdue, start=1):
            if row["finished_on"]:
                state = f"已于{chinese_date(row['finished_on'])}办结，逾期{row['days_late']}天"
            else:
                state = f"截至统计日未办结，已逾期{row['days_late']}天"
            p.append(f"{n}. {row['process']}·{row['step']}：{row['case']}，承办部门{row['department']}，办理期限{chinese_date(row['due_on'])}，{state}。")
        p.extend(_more(data.overdue_total - len(data.overdue)))
    else:
        p.append("本月无超期案件。")

    p.append("五、信用信息数据质量")
    p.append(
        f"本月决定的信用记录{data.quality.total}条，指标项填写率不低于{threshold}的合格记录{data.quality.qualified}条，合格率{percent(data.quality.share)}。"
    )
    weak = [row for row in data.quality_rows if row.share is not None and row.share < COMPLETENESS_THRESHOLD]
    if weak:
        p.append("合格率较低的部门：" + "、".join(f"{row.department}（{percent(row.share)}）" for row in weak) + "。")

    summary = {
        "month": data.month.strftime("%Y-%m"),
        "as_of": data.as_of.isoformat(),
        "received": sum(e.received for e in data.processes),
        "finished": sum(e.finished for e in data.processes),
        "open_at_end": sum(e.open_at_end for e in data.processes),
        "publication_on_time": pub.on_time,
        "publication_late": pub.late,
        "publication_pending": pub.pending,
        "publication_rate": pub.rate,
        "joint_actions": len(data.joint_actions),
        "overdue_steps": data.overdue_total,
        "records": data.quality.total,
        "qualified": data.quality.qualified,
    }
    return ReportContent(title=data.title, paragraphs=p, summary=summary)

