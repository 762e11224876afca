"""Writes of oversight: refreshing the monthly figures, issuing the monthly report."""

import datetime

from django.db import transaction
from django.utils import timezone

from credit.models import CreditRecord, Department
from documents.services import document_issue

from . import reports
from .models import MonthlyReport, RecordMonthStat
from .periods import month_start
from .selectors import least_complete_ids, record_month_figures

#: How many months back the frequent refresh recomputes: licences and penalties of last month
#: are still being published this month, and corrections reach back a little further.
RECENT_MONTHS = 3


def register_months() -> list[datetime.date]:
    """The months in which the register has decisions."""
    return [day for day in CreditRecord.objects.order_by().dates("decision_date", "month")]


def recent_months(today: datetime.date, count: int = RECENT_MONTHS) -> list[datetime.date]:
    months, month = [], month_start(today)
    for _ in range(count):
        months.append(month)
        month = month_start(month - datetime.timedelta(days=1))
    return sorted(months)


@transaction.atomic
def record_month_stat_refresh(*, month: datetime.date, today: datetime.date | None = None) -> int:
    """Recompute one month's figures (``RecordMonthStat`` rows) from the register; returns the rows written."""
    today = today or timezone.localdate()
    month = month_start(month)
    figures = record_month_figures(month, today=today)
    worst = least_complete_ids(month)
    now = timezone.now()
    RecordMonthStat.objects.filter(month=month).delete()
    RecordMonthStat.objects.bulk_create(
        [
            RecordMonthStat(month=month, department_id=department_id, kind=kind, refreshed_at=now, worst_ids=worst.get((department_id, kind), []), **counts)
            for (department_id, kind), counts in figures.items()
        ]
    )
    return len(figures)


def record_stats_refresh(*, months: list[datetime.date] | None = None, today: datetime.date | None = None) -> dict:
    """Recompute the figures of ``months`` (default: every month of the register), one transaction per month.

    Months without records lose their rows: a month's rows are always replaced whole.
    """
    today = today or timezone.localdate()
    if months is None:
        months = register_months()
        stale = RecordMonthStat.objects.exclude(month__in=months)
        stale.delete()
    rows = sum(record_month_stat_refresh(month=month, today=today) for month in months)
    return {"months": len(months), "rows": rows}


@transaction.atomic
def monthly_report_issue(*, month: datetime.date, by=None, today: datetime.date | None = None) -> MonthlyReport:
    """Issue the month's report to the province as an official document of the credit office (交法〔年〕号)."""
    today = today or timezone.localdate()
    month = month_start(month)
    content = reports.monthly_report_content(month=month, today=today)
    report = MonthlyReport.objects.create(month=month, issued_by=by, figures=content.summary)
    report.document = document_issue(
        kind="monthly_report",
        title=content.title,
        department=Department.objects.get(is_credit_lead=True),
        addressee=reports.report_addressee(),
        body=content.paragraphs,
        case=report,
        issued_by=by,
        issued_on=today,
    )
    report.save(update_fields=["document"])
    return report
