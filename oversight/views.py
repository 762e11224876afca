"""Oversight pages: the dashboard, the 7-day rate, data quality, deadline lists and the monthly report.

Views read the filters, ask the selectors and render; the two writes (refreshing
the monthly figures, issuing the report) go through ``oversight.services``.
Who sees what is ``oversight.access``: a section chief's department filter is forced.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import generic

from credit.models import COMPLETENESS_THRESHOLD, CreditRecord, Department

from . import charts, exports, reports, selectors, services
from .access import oversight_scope
from .models import MonthlyReport, RecordMonthStat
from .periods import chinese_month, month_start, months_between, next_month, parse_month
from .reports import percent

DASHBOARD_LIST_LIMIT = 20
#: Rows of each list on the report's preview page; the Excel workbook has them all.
REPORT_PAGE_LIMIT = 100
DEFAULT_PERIOD_MONTHS = 6


@dataclass(frozen=True)
class Filters:
    department_id: int | None
    department: str
    forced: bool  # a section chief asked for another department (or for all) and sees their own
    date_from: datetime.date
    date_to: datetime.date

    def query(self, **extra) -> str:
        params = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        if self.department_id is not None:
            params["department"] = self.department_id
        params.update({k: v for k, v in extra.items() if v is not None})
        return urlencode(params)


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _date(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None


class OversightView(LoginRequiredMixin, generic.TemplateView):
    """Only the credit office, leaders (everything) and section chiefs (their department)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scope = oversight_scope(request.user)
        if self.scope is None:
            raise PermissionDenied("统计督办仅对信用办（法规科）、负责人和科室负责人开放。")
        self.today = timezone.localdate()
        return super().dispatch(request, *args, **kwargs)

    def filters(self) -> Filters:
        get = self.request.GET
        requested = _int(get.get("department"))
        if requested is not None and not Department.objects.filter(pk=requested).exists():
            requested = None
        department_id = self.scope.department_for(requested)
        default_from = month_start(self.today)
        for _ in range(DEFAULT_PERIOD_MONTHS - 1):
            default_from = month_start(default_from - datetime.timedelta(days=1))
        date_from, date_to = _date(get.get("from")) or default_from, _date(get.get("to")) or self.today
        if date_from > date_to:
            date_from, date_to = date_to, date_from
        name = Department.objects.filter(pk=department_id).values_list("name", flat=True).first() if department_id else ""
        forced = not self.scope.everything and requested is not None and requested != department_id
        return Filters(department_id, name or "", forced, date_from, date_to)

    def get_context_data(self, **kwargs):
        self.f = self.filters()
        return super().get_context_data(
            filters=self.f, scope=self.scope, departments=self.scope.departments(), today=self.today,
            may_refresh=self.scope.everything, **kwargs,
        )


def _ensure_stats(today: datetime.date) -> None:
    """The first look at an installation whose figures were never computed computes them (later: Celery beat)."""
    if not RecordMonthStat.objects.exists() and CreditRecord.objects.exists():
        services.record_stats_refresh(today=today)


def _rate_tone(value: float | None) -> str:
    if value is None:
        return "normal"
    return "good" if value >= 0.95 else "warn" if value >= 0.8 else "bad"


def _days(seconds: float) -> str:
    return f"{seconds / 86400:.1f}天"


# Bars of the charts, each with its number beside it. ``link(pk)`` makes a department's label a link.


def _count_bars(rows, link=None, tone="normal") -> list[charts.Bar]:
    """``rows``: (department id or None, label, count)."""
    return [charts.Bar(label, n, f"{n}件", link(pk) if link else "", tone) for pk, label, n in rows]


def _duration_bars(rows, unit: str, link=None) -> list[charts.Bar]:
    """``rows``: (department id or None, label, Duration)."""
    return [
        charts.Bar(label, d.average_s, f"平均{_days(d.average_s)}，P90 {_days(d.p90_s)}（{d.count}{unit}）", link(pk) if link else "")
        for pk, label, d in rows
    ]


def _publication_bars(rows, link=None) -> list[charts.Bar]:
    return [
        charts.Bar(
            row.department, row.rate or 0, f"{percent(row.rate)}（按期{row.on_time}，逾期{row.late}）",
            link(row.department_id) if link else "", _rate_tone(row.rate),
        )
        for row in rows
    ]


def _quality_bars(rows, link=None) -> list[charts.Bar]:
    return [
        charts.Bar(
            row.department, row.share or 0, f"{percent(row.share)}（{row.qualified}/{row.total}）",
            link(row.department_id) if link else "", _rate_tone(row.share),
        )
        for row in rows
    ]


class DashboardView(OversightView):
    template_name = "oversight/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        f, today = self.f, self.today
        _ensure_stats(today)
        dashboard = reverse("oversight:dashboard")

        def link(pk):
            """The dashboard filtered to one department (for those who may see it)."""
            if not pk or not self.scope.allows(pk):
                return ""
            return f"{dashboard}?{Filters(pk, '', False, f.date_from, f.date_to).query()}"

        opened = selectors.open_cases(department_id=f.department_id)
        overdue = selectors.open_deadlines("overdue", today=today, department_id=f.department_id)
        due_soon = selectors.open_deadlines("due_soon", today=today, department_id=f.department_id)
        overdue_by_department, due_soon_by_department = selectors.open_deadline_counts(today=today, department_id=f.department_id)
        times = selectors.handling_times(start=f.date_from, end=f.date_to, department_id=f.department_id)
        publication = selectors.publication_rates(start=f.date_from, end=f.date_to, department_id=f.department_id)
        quality, quality_rows = selectors.data_quality(start=f.date_from, end=f.date_to, department_id=f.department_id)

        context.update(
            open_cases=opened,
            open_by_process_chart=charts.bar_chart(_count_bars((None, name, n) for name, n in opened.by_process), title="在办案件（按流程）"),
            open_by_department_chart=charts.bar_chart(_count_bars(opened.by_department, link), title="在办案件（按部门）"),
            open_by_step_chart=charts.bar_chart(
                _count_bars((None, f"{process}·{step}", n) for process, step, n in opened.by_step), title="在办案件（按环节）"
            ),
            overdue_count=sum(n for _, _, n in overdue_by_department),
            due_soon_count=sum(n for _, _, n in due_soon_by_department),
            overdue_chart=charts.bar_chart(_count_bars(overdue_by_department, link, "bad"), title="超期（按部门）", empty=""),
            due_soon_chart=charts.bar_chart(_count_bars(due_soon_by_department, link, "warn"), title="临期（按部门）", empty=""),
            overdue_rows=selectors.deadline_rows(overdue, today=today, limit=DASHBOARD_LIST_LIMIT),
            due_soon_rows=selectors.deadline_rows(due_soon, today=today, limit=DASHBOARD_LIST_LIMIT),
            due_soon_until=selectors.due_soon_until(today),
            due_soon_days=selectors.DUE_SOON_WORKING_DAYS,
            times=times,
            times_by_process_chart=charts.bar_chart(
                _duration_bars(((None, name, d) for name, d in times.by_process), "件"),
                title="案件办理时长（按流程）", empty="期间内没有办结的案件。",
            ),
            times_by_department_chart=charts.bar_chart(
                _duration_bars(times.by_department, "个环节", link), title="环节办理时长（按部门）", empty="期间内没有办结的环节。"
            ),
            publication=publication,
            publication_chart=charts.bar_chart(
                _publication_bars(publication.by_department, link),
                title="7天合格率（按部门）", max_value=1, empty="期间内没有行政许可、行政处罚决定。",
            ),
            quality=quality,
            quality_chart=charts.bar_chart(_quality_bars(quality_rows, link), title="数据合格率（按部门）", max_value=1),
            previous_month=month_start(month_start(today) - datetime.timedelta(days=1)),
        )
        return context


class DeadlinesView(OversightView):
    """Every overdue (or soon due) open step, a page at a time."""

    template_name = "oversight/deadlines.html"
    titles = {"overdue": "超期案件", "due_soon": "临期案件（两个工作日内到期）"}

    def get_context_data(self, **kwargs):
        which = self.kwargs["which"]
        if which not in self.titles:
            raise Http404
        context = super().get_context_data(**kwargs)
        deadlines = selectors.open_deadlines(which, today=self.today, department_id=self.f.department_id)
        paginator = Paginator(range(deadlines.count()), 50)
        page = paginator.get_page(self.request.GET.get("page"))
        rows = selectors.deadline_rows(deadlines, today=self.today, limit=50, offset=page.start_index() - 1 if page.object_list else 0)
        context.update(which=which, title=self.titles[which], rows=rows, page=page, total=paginator.count)
        return context


class PublicationRateView(OversightView):
    template_name = "oversight/publication_rate.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        f = self.f
        _ensure_stats(self.today)
        rates = selectors.publication_rates(start=f.date_from, end=f.date_to, department_id=f.department_id)
        month = parse_month(self.request.GET.get("month", "")) or _default_late_month(rates.months, self.today)
        late = selectors.late_records(month=month, today=self.today, department_id=f.department_id, limit=200)
        base = reverse("oversight:publication_rate")

        def cell_link(department_id, month):
            query = Filters(department_id, "", False, f.date_from, f.date_to).query(month=month.strftime("%Y-%m"))
            return f"{base}?{query}#late"

        table = [
            {"row": row, "cells": [(m, rates.cells.get((row.department_id, m)), cell_link(row.department_id, m)) for m in rates.months]}
            for row in rates.by_department
        ]
        context.update(
            rates=rates,
            chart=charts.bar_chart(
                _publication_bars(rates.by_department), title="7天合格率（按部门）", max_value=1, empty="期间内没有行政许可、行政处罚决定。"
            ),
            table=table,
            month=month,
            month_label=chinese_month(month),
            late=late,
            allowance=selectors.publication_allowance(month),
        )
        return context


def _default_late_month(months: list[datetime.date], today: datetime.date) -> datetime.date:
    """Last month when the period holds it (its decisions' 7 working days are mostly up), else the period's latest."""
    previous = month_start(month_start(today) - datetime.timedelta(days=1))
    if previous in months:
        return previous
    return max((m for m in months if m <= today), default=months[-1])


class DataQualityView(OversightView):
    template_name = "oversight/data_quality.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        f = self.f
        _ensure_stats(self.today)
        overall, rows = selectors.data_quality(start=f.date_from, end=f.date_to, department_id=f.department_id)
        context.update(
            overall=overall,
            rows=rows,
            threshold=f"{COMPLETENESS_THRESHOLD * 100:.0f}%",
            chart=charts.bar_chart(_quality_bars(rows), title="数据合格率（按部门）", max_value=1),
            worst=selectors.worst_records(start=f.date_from, end=f.date_to, department_id=f.department_id),
        )
        return context


class RefreshView(OversightView):
    """Recompute the monthly figures of the chosen period now (the credit office and leaders)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not self.scope.everything:
            raise PermissionDenied
        f = self.filters()
        result = services.record_stats_refresh(months=months_between(f.date_from, f.date_to), today=self.today)
        messages.success(request, f"已重新统计{result['months']}个月的数据。")
        target = request.POST.get("next", "")
        if not target.startswith("/oversight/"):
            target = reverse("oversight:dashboard")
        return redirect(target)


class ReportIndexView(OversightView):
    def get(self, request, *args, **kwargs):
        month = parse_month(request.GET.get("month", "")) or month_start(month_start(self.today) - datetime.timedelta(days=1))
        return redirect("oversight:monthly_report", month=month.strftime("%Y-%m"))


class MonthlyReportView(OversightView):
    """The month's report: HTML preview; ``?format=xlsx``; ``?format=pdf`` (the issued document, issued on first request)."""

    template_name = "oversight/monthly_report.html"

    def month(self) -> datetime.date:
        month = parse_month(self.kwargs["month"])
        if month is None or month > self.today:
            raise Http404("没有该月份。")
        return month

    def get(self, request, *args, **kwargs):
        month = self.month()
        output = request.GET.get("format", "html")
        if output == "pdf":
            return self.pdf(month)
        if output == "xlsx":
            f = self.filters()
            data = reports.monthly_data(month=month, today=self.today, department_id=f.department_id)
            suffix = f"（{data.department}）" if data.department else ""
            response = HttpResponse(
                exports.monthly_workbook(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = _attachment(f"{data.title}{suffix}.xlsx")
            response["Cache-Control"] = "private, no-store"
            return response
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """Issue the report again (the figures changed since): a new document number."""
        if not self.scope.everything:
            raise PermissionDenied("月度报告由信用办签发。")
        report = services.monthly_report_issue(month=self.month(), by=request.user, today=self.today)
        messages.success(request, f"已签发{report.document.title}（{report.document.number}）。")
        return redirect(f"{reverse('oversight:monthly_report', args=[self.kwargs['month']])}")

    def pdf(self, month):
        # The official report is the bureau's, to the province: not a single department's view.
        if not self.scope.everything:
            raise PermissionDenied("月度报告（正式文书）仅信用办和负责人可下载；科室可查看本部门的预览和Excel。")
        report = MonthlyReport.objects.filter(month=month, document__isnull=False).select_related("document").first()
        if report is None:
            report = services.monthly_report_issue(month=month, by=self.request.user, today=self.today)
        document = report.document
        response = FileResponse(document.file.open("rb"), content_type="application/pdf", filename=f"{document.title}（{document.number}）.pdf")
        response["Cache-Control"] = "private, no-store"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = self.month()
        data = reports.monthly_data(month=month, today=self.today, department_id=self.f.department_id, list_limit=REPORT_PAGE_LIMIT)
        context.update(
            data=data,
            month_param=month.strftime("%Y-%m"),
            previous=month_start(month - datetime.timedelta(days=1)).strftime("%Y-%m"),
            next=next_month(month).strftime("%Y-%m") if next_month(month) <= self.today else "",
            issued=MonthlyReport.objects.filter(month=month, document__isnull=False).select_related("document", "issued_by")[:5],
            list_limit=REPORT_PAGE_LIMIT,
            list_slice=f":{REPORT_PAGE_LIMIT}",
        )
        return context


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"monthly-report.xlsx\"; filename*=UTF-8''{quote(filename)}"
