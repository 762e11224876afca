"""Which regime of the national credit rules governs a date, and what it says.

Every period and deadline is a row in the database (``RuleVersion`` and its
``PublicationPeriod`` and ``ProcessDeadline`` rows), never a literal in code:
the national rules changed in 2019, 2023, 2025 and 2026.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Subquery

from .workdays import WorkingDayResult, add_working_days
from .models import ClockStart, ProcessDeadline, RuleVersion


class NoRuleInForce(LookupError):
    """No regime covers the date: the rule table needs a row for it."""


def rule_version_for(day: datetime.date) -> RuleVersion:
    """The regime in force on ``day`` (the latest one that started on or before it)."""
    version = RuleVersion.objects.in_force_on(day).prefetch_related("publication_periods").first()
    if version is None:
        raise NoRuleInForce(f"{day.isoformat()} 没有施行中的信用规则版本，请在“规则版本”中补充。")
    return version


def deadline_days(key: str, *, on: datetime.date) -> int:
    """Working days allowed for the step ``key`` (e.g. ``objection.intake``) under the regime of ``on``."""
    # One query (every task created asks): the deadline row of the regime in force.
    in_force = RuleVersion.objects.in_force_on(on).values("pk")[:1]
    days = ProcessDeadline.objects.filter(rule_version=Subquery(in_force), key=key).values_list("working_days", flat=True).first()
    if days is None:  # no regime, or no such deadline in it: the errors that say which
        return rule_version_for(on).deadline(key).working_days
    return days


def due_date(key: str, *, start: datetime.date, regime_date: datetime.date | None = None) -> WorkingDayResult:
    """The due date of step ``key`` started on ``start``, judged by the regime in force on ``regime_date``."""
    return add_working_days(start, deadline_days(key, on=regime_date or start))


@dataclass(frozen=True)
class PublicationDates:
    rule_version: RuleVersion
    published: bool
    earliest_repair_on: datetime.date | None
    publication_ends_on: datetime.date | None
    repairable_when_performed: bool


def publication_dates(
    *, severity: str, decision_date: datetime.date, publication_date: datetime.date | None, sector: str = ""
) -> PublicationDates:
    """Earliest repair date and end of publication of a penalty, under the regime of its decision date.

    Under the older rules the clock starts at the decision; under order 36 it may
    start at publication (the rule table's ``clock_start``, flagged unverified).
    """
    version = rule_version_for(decision_date)
    period = version.period_for(severity, sector)
    if period is None or not period.published:
        return PublicationDates(version, False, None, None, bool(period and period.repairable_when_performed))
    start = decision_date
    if version.clock_start == ClockStart.PUBLICATION and publication_date:
        start = publication_date
    earliest = start + relativedelta(months=period.min_months) if period.min_months is not None else None
    ends = start + relativedelta(months=period.max_months) if period.max_months is not None else None
    return PublicationDates(version, True, earliest, ends, period.repairable_when_performed)
