"""Dates of a reporting period: months, local-day boundaries."""

import datetime
import re

from django.utils import timezone


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return next_month(day) - datetime.timedelta(days=1)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """First days of the months from ``start``'s to ``end``'s, both included."""
    months, month = [], month_start(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def parse_month(text: str) -> datetime.date | None:
    """``2026-02`` → 2026-02-01; anything else → ``None``."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2999):
        return None
    return datetime.date(year, month, 1)


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day``, Beijing time (the bureau's day)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def chinese_month(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月"
