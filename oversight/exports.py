"""The monthly report as an Excel workbook (openpyxl): one sheet per section, rows as in the report."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .periods import local_date
from .reports import MonthlyData, percent


def _sheet(workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for n, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = max(10, min(40, len(name) * 2 + 4))
    sheet.freeze_panes = "A2"


def monthly_workbook(data: MonthlyData) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    scope = f"（{data.department}）" if data.department else ""

    _sheet(
        workbook, "案件办理情况", ["流程", "本月新收", "本月办结", "月末在办", "办结结果", "件数"],
        [
            (entry.process, entry.received, entry.finished, entry.open_at_end, label, count)
            for entry in data.processes
            for label, count in (entry.outcomes or [("", "")])
        ],
    )
    _sheet(
        workbook, "7天合格率", ["部门", "决定数", "按期公示", "逾期公示", "逾期未公示", "未到期未公示", "7天合格率"],
        [
            (row.department, row.decided, row.on_time, row.late_published, row.late_unpublished, row.pending, percent(row.rate))
            for row in [*data.publication_rows, data.publication]
        ],
    )
    _sheet(
        workbook, "逾期公示记录", ["部门", "类型", "文号", "事项", "信用主体", "决定日期", "公示期限", "公示日期"],
        [
            (
                r.source_department.name, r.get_kind_display(), r.document_number, r.title, r.subject.name,
                r.decision_date, r.due_on, r.publication_date or "未公示",
            )
            for r in data.late
        ],
    )
    _sheet(
        workbook, "联合奖惩成效清单", ["信用主体", "代码", "类型", "措施", "执行部门", "执行时间", "事项", "成效"],
        [
            (
                a.subject.name, a.subject.display_code, a.get_kind_display(), a.measure, a.executing_department.name,
                local_date(a.executed_at), a.matter, a.result,
            )
            for a in data.joint_actions
        ],
    )
    _sheet(
        workbook, "超期案件", ["流程", "环节", "案件", "承办部门", "办理期限", "办结日期", "逾期天数"],
        [(r["process"], r["step"], r["case"], r["department"], r["due_on"], r["finished_on"] or "未办结", r["days_late"]) for r in data.overdue],
    )
    _sheet(
        workbook, "数据质量", ["部门", "记录数", "合格记录数", "合格率"],
        [(row.department, row.total, row.qualified, percent(row.share)) for row in [*data.quality_rows, data.quality]],
    )
    workbook.properties.title = data.title + scope
    workbook.properties.creator = "信用交通工作流服务"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
