"""Working days (工作日) on the bureau's calendar.

The week is Monday–Friday, except for the dates in ``CalendarDay``: public
holidays (法定节假日) and make-up working days on a weekend (调休上班). The
official arrangement is published a year at a time, so a date in a year with no
``CalendarYear`` row is judged by weekends alone and the result is marked
*provisional*: a deadline that reaches into such a year must say so.
"""

import datetime
from dataclasses import dataclass

from .models import CalendarDay, CalendarYear

ONE_DAY = datetime.timedelta(days=1)
# How far before a start date due_and_reminder reads the calendar: longer than any holiday.
REMINDER_LOOKBACK = datetime.timedelta(days=14)


@dataclass(frozen=True)
class WorkingDayResult:
    date: datetime.date
    provisional: bool  # True when the computation used a year whose holidays are not entered yet

    def __str__(self):
        return f"{self.date.isoformat()}（暂定：超出已发布的节假日安排）" if self.provisional else self.date.isoformat()


class _Calendar:
    """The exceptions and known years for a date range, loaded with two queries."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start, self.end = start, end
        self.days = dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))
        self.known_years = set(CalendarYear.objects.filter(year__gte=start.year, year__lte=end.year).values_list("year", flat=True))

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self.days.get(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        if kind == CalendarDay.Kind.WORKDAY:
            return True
        return day.weekday() < 5

    def is_known(self, day: datetime.date) -> bool:
        return day.year in self.known_years


def is_working_day(day: datetime.date) -> bool:
    return _Calendar(day, day).is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> WorkingDayResult:
    """The ``days``-th working day after ``start`` (``start`` itself not counted).

    "Within 2 working days of receipt on a Friday" is the following Tuesday.
    ``days=0`` answers ``start`` itself if it is a working day, else the next one.
    """
    if days < 0:
        raise ValueError("days must be zero or more")
    return _add(start, days, _Calendar(start, start + datetime.timedelta(days=_window(days))))


def due_and_reminder(start: datetime.date, days: int) -> tuple[WorkingDayResult, datetime.date]:
    """``add_working_days(start, days)`` and the working day before that date (when to remind).

    One read of the calendar for both where the reminder falls within a fortnight
    before ``start`` (always, unless a holiday longer than that): a task's deadline is
    set on every task created, so the calendar queries are counted.
    """
    if days < 0:
        raise ValueError("days must be zero or more")
    calendar = _Calendar(start - REMINDER_LOOKBACK, start + datetime.timedelta(days=_window(days)))
    due = _add(start, days, calendar)
    day = due.date - ONE_DAY
    while calendar.covers(day) and not calendar.is_working_day(day):
        day -= ONE_DAY
    if not calendar.covers(day):
        while not is_working_day(day):
            day -= ONE_DAY
    return due, day


def _window(days: int) -> int:
    # Long holidays (Spring Festival, National Day) add at most ~9 days per 5 working days.
    return days * 2 + 20


def _add(start: datetime.date, days: int, calendar: _Calendar) -> WorkingDayResult:
    provisional = not calendar.is_known(start)
    day, remaining = start, days
    if days == 0:
        while not calendar.is_working_day(day):
            day += ONE_DAY
            provisional |= not calendar.is_known(day)
        return WorkingDayResult(day, provisional)
    while remaining:
        day += ONE_DAY
        if not calendar.covers(day):
            calendar = _Calendar(day, day + datetime.timedelta(days=_window(days)))
        provisional |= not calendar.is_known(day)
        if calendar.is_working_day(day):
            remaining -= 1
    return WorkingDayResult(day, provisional)


def working_days_between(start: datetime.date, end: datetime.date) -> tuple[int, bool]:
    """Working days after ``start`` up to and including ``end``, and whether the count is provisional.

    Negative when ``end`` is before ``start``. ``add_working_days(a, n).date == b``
    implies ``working_days_between(a, b)[0] == n`` for ``n >= 1`` (and for ``n == 0``
    when ``a`` is a working day; otherwise ``b`` is the next working day, one away).
    """
    if end < start:
        count, provisional = working_days_between(end, start)
        return -count, provisional
    calendar = _Calendar(start, end)
    count, day = 0, start
    provisional = not calendar.is_known(start)
    while day < end:
        day += ONE_DAY
        provisional |= not calendar.is_known(day)
        if calendar.is_working_day(day):
            count += 1
    return count, provisional


def load_official_calendar(years=None, *, day_model=CalendarDay, year_model=CalendarYear) -> list[int]:
    """Enter the holidays and make-up days the ``chinese_calendar`` package knows.

    Idempotent; leaves rows an administrator added by hand alone. Returns the years
    loaded. A data migration passes its historical models.
    """
    import chinese_calendar

    names = {
        "New Year's Day": "元旦",
        "Spring Festival": "春节",
        "Tomb-sweeping Day": "清明节",
        "Labour Day": "劳动节",
        "Dragon Boat Festival": "端午节",
        "National Day": "国庆节",
        "Mid-autumn Festival": "中秋节",
        "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
    }
    by_year: dict[int, list[CalendarDay]] = {}
    for day, holiday in chinese_calendar.holidays.items():
        if day.weekday() >= 5 and holiday is None:
            continue  # an ordinary weekend: not an exception
        by_year.setdefault(day.year, []).append(
            CalendarDay(date=day, kind=CalendarDay.Kind.HOLIDAY, name=names.get(_holiday_name(holiday), ""))
        )
    for day, holiday in chinese_calendar.workdays.items():
        if day.weekday() < 5:
            continue  # an ordinary weekday
        by_year.setdefault(day.year, []).append(
            CalendarDay(date=day, kind=CalendarDay.Kind.WORKDAY, name=(names.get(_holiday_name(holiday), "") + "调休").strip())
        )
    wanted = sorted(year for year in by_year if years is None or year in years)
    for year in wanted:
        day_model.objects.bulk_create(
            [day_model(date=d.date, kind=d.kind, name=d.name) for d in by_year[year]], ignore_conflicts=True
        )
        year_model.objects.get_or_create(year=year, defaults={"source": f"chinesecalendar {chinese_calendar.__version__}"})
    return wanted


def _holiday_name(holiday) -> str:
    # chinese_calendar gives plain strings in recent releases, an Enum in older ones.
    return str(getattr(holiday, "value", holiday) or "")
