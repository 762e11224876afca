"""Working days on the bureau's calendar: holidays, make-up days (调休), and years not yet published."""

import datetime

import pytest

from credit.models import CalendarDay, CalendarYear
from credit.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished_2027():
    """2027's holiday arrangement is not entered (chinesecalendar 1.11 stops at 2026): make sure of it."""
    CalendarDay.objects.filter(date__year__gte=2027).delete()
    CalendarYear.objects.filter(year__gte=2027).delete()


# --- the calendar the migration loads ------------------------------------------------------------


def test_migration_loads_2026_spring_festival_holidays_and_make_up_saturdays():
    rows = dict(CalendarDay.objects.filter(date__range=(D(2026, 2, 1), D(2026, 3, 15))).values_list("date", "kind"))
    holidays = {day for day, kind in rows.items() if kind == CalendarDay.Kind.HOLIDAY}
    workdays = {day for day, kind in rows.items() if kind == CalendarDay.Kind.WORKDAY}
    assert holidays == {D(2026, 2, 15) + datetime.timedelta(days=n) for n in range(9)}  # 15–23 February
    assert workdays == {D(2026, 2, 14), D(2026, 2, 28)}
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).name == "春节调休"
    assert CalendarDay.objects.get(date=D(2026, 2, 16)).name == "春节"


def test_migration_publishes_every_year_chinesecalendar_knows_and_no_other():
    import chinese_calendar

    known = {day.year for day in chinese_calendar.holidays}
    assert 2026 in known
    assert set(CalendarYear.objects.values_list("year", flat=True)) == known


# --- is_working_day ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2026, 2, 13), True),  # Friday before the festival
        (D(2026, 2, 14), True),  # Saturday, make-up working day
        (D(2026, 2, 16), False),  # Monday, Spring Festival
        (D(2026, 2, 23), False),  # Monday, last day of the festival
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday, make-up working day
        (D(2026, 3, 1), False),  # ordinary Sunday
        (D(2026, 3, 7), False),  # ordinary Saturday
        (D(2026, 10, 1), False),  # National Day
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, make-up working day
    ],
)
def test_is_working_day_follows_holidays_and_make_up_days(day, working):
    assert is_working_day(day) is working


# --- add_working_days -----------------------------------------------------------------------------


def test_two_working_days_after_a_friday_is_the_tuesday():
    result = add_working_days(D(2026, 3, 6), 2)
    assert result.date == D(2026, 3, 10)
    assert result.provisional is False
    assert str(result) == "2026-03-10"


def test_deadline_counts_the_make_up_saturday_and_skips_the_spring_festival():
    assert add_working_days(D(2026, 2, 13), 1).date == D(2026, 2, 14)  # the make-up Saturday
    assert add_working_days(D(2026, 2, 13), 2).date == D(2026, 2, 24)  # after nine days off
    # Ten working days to verify an objection received on Thursday 12 February.
    assert add_working_days(D(2026, 2, 12), 10).date == D(2026, 3, 4)


def test_deadline_skips_national_day_and_counts_its_make_up_saturday():
    assert add_working_days(D(2026, 9, 30), 1).date == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3).date == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4).date == D(2026, 10, 12)


def test_zero_working_days_from_a_holiday_is_the_next_working_day():
    assert add_working_days(D(2026, 2, 16), 0).date == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 24), 0).date == D(2026, 2, 24)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 6), -1)


def test_deadline_reaching_an_unpublished_year_is_provisional_and_counts_weekends_only(unpublished_2027):
    result = add_working_days(D(2026, 12, 31), 1)
    # 1 January 2027 will surely be a holiday, but until the arrangement is entered only weekends count.
    assert result.date == D(2027, 1, 1)
    assert result.provisional is True
    assert str(result) == "2027-01-01（暂定：超出已发布的节假日安排）"


def test_deadline_entirely_in_an_unpublished_year_is_provisional(unpublished_2027):
    result = add_working_days(D(2027, 3, 5), 2)  # a Friday
    assert (result.date, result.provisional) == (D(2027, 3, 9), True)
    assert add_working_days(D(2030, 2, 1), 10).provisional is True


def test_deadline_ending_before_the_unpublished_year_is_not_provisional(unpublished_2027):
    result = add_working_days(D(2026, 12, 28), 3)
    assert (result.date, result.provisional) == (D(2026, 12, 31), False)


def test_calendar_entered_by_the_administrator_changes_the_deadline(unpublished_2027, client):
    from tests.factories import UserFactory

    admin = UserFactory(username="calendar.admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post("/admin/credit/calendaryear/add/", {"year": "2027", "source": "国办发明电〔2026〕X号"})
    assert response.status_code == 302
    response = client.post("/admin/credit/calendarday/add/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302
    response = client.post("/admin/credit/calendarday/add/", {"date": "2027-01-09", "kind": "workday", "name": "调休"})
    assert response.status_code == 302

    result = add_working_days(D(2026, 12, 31), 1)
    assert (result.date, result.provisional) == (D(2027, 1, 4), False)
    assert is_working_day(D(2027, 1, 9)) is True  # a Saturday made a working day
    assert add_working_days(D(2027, 1, 8), 1).date == D(2027, 1, 9)


def test_a_published_year_without_exceptions_is_no_longer_provisional(unpublished_2027):
    CalendarYear.objects.create(year=2027, source="entered by hand")
    result = add_working_days(D(2026, 12, 31), 1)
    assert (result.date, result.provisional) == (D(2027, 1, 1), False)


def test_long_deadline_into_an_unpublished_year_counts_back_to_the_same_number(unpublished_2027):
    result = add_working_days(D(2026, 1, 1), 300)
    assert result.date.year == 2027
    assert result.provisional is True
    assert working_days_between(D(2026, 1, 1), result.date) == (300, True)


def test_closure_longer_than_the_lookahead_window_is_skipped_whole():
    # An administrator enters a month-long closure; the deadline must not fall inside it.
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=D(2026, 7, 1) + datetime.timedelta(days=n), kind=CalendarDay.Kind.HOLIDAY, name="停工") for n in range(31)]
    )
    result = add_working_days(D(2026, 6, 30), 1)
    assert (result.date, result.provisional) == (D(2026, 8, 3), False)
    assert working_days_between(D(2026, 6, 30), D(2026, 8, 3)) == (1, False)


# --- working_days_between ----------------------------------------------------------------------------


def test_working_days_between_skips_the_spring_festival():
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == (2, False)
    assert working_days_between(D(2026, 2, 24), D(2026, 2, 13)) == (-2, False)
    assert working_days_between(D(2026, 2, 16), D(2026, 2, 16)) == (0, False)


def test_working_days_between_into_an_unpublished_year_is_provisional(unpublished_2027):
    assert working_days_between(D(2026, 12, 30), D(2027, 1, 4)) == (3, True)


def test_adding_then_counting_working_days_gives_the_same_number():
    starts = [D(2026, 2, 1) + datetime.timedelta(days=n) for n in range(35)]
    starts += [D(2026, 9, 18) + datetime.timedelta(days=n) for n in range(28)]
    mismatches = []
    for start in starts:
        for days in (1, 2, 3, 7, 10):
            end = add_working_days(start, days).date
            counted, _ = working_days_between(start, end)
            if counted != days:
                mismatches.append((start, days, end, counted))
        if is_working_day(start) and working_days_between(start, add_working_days(start, 0).date)[0] != 0:
            mismatches.append((start, 0))
    assert mismatches == []


# --- due_and_reminder --------------------------------------------------------------------------------


def test_due_and_reminder_agree_with_add_working_days_and_the_previous_working_day_around_holidays():
    from credit.workdays import due_and_reminder
    from processes.common.deadlines import previous_working_day

    starts = [D(2026, 1, 20) + datetime.timedelta(days=n) for n in range(45)] + [D(2026, 9, 25) + datetime.timedelta(days=n) for n in range(20)]
    for start in starts:
        for days in (0, 1, 2, 5, 15, 40):
            due, remind_on = due_and_reminder(start, days)
            expected = add_working_days(start, days)
            assert (due, remind_on) == (expected, previous_working_day(expected.date)), (start, days)


def test_due_on_the_first_day_after_the_spring_festival_is_reminded_on_the_make_up_saturday_before_it():
    from credit.workdays import due_and_reminder

    due, remind_on = due_and_reminder(D(2026, 2, 16), 0)  # started on a holiday: due the next working day
    assert due.date == D(2026, 2, 24)
    assert remind_on == D(2026, 2, 14)  # the Saturday make-up working day, before the festival
