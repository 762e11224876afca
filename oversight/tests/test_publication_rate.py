"""The 7-day publication rate (7天合格率) on a known data set, with the 2026 Spring Festival calendar."""

import pytest
from django.urls import reverse

from credit.models import ProcessDeadline
from oversight import selectors
from oversight.models import RecordMonthStat
from oversight.services import record_stats_refresh

from .support import TODAY, D, at, department, freeze, seed_february


def test_due_dates_follow_the_calendar_with_the_make_up_saturday(db):
    dues = selectors.publication_due_dates(D(2026, 2, 1), D(2026, 2, 28))

    # 02-06 (Fri): 02-09…02-13, 02-14 (Sat, 调休), then 02-24 after the holiday is day 7.
    assert dues[D(2026, 2, 6)].date == D(2026, 2, 24)
    # 02-13 (Fri): 02-14 is day 1, 02-24…02-27 days 2…5, 02-28 (Sat, 调休) day 6, 03-02 day 7.
    assert dues[D(2026, 2, 13)].date == D(2026, 3, 2)
    # 02-26 (Thu): 02-27, 02-28 (调休), 03-02…03-06 → 03-06.
    assert dues[D(2026, 2, 26)].date == D(2026, 3, 6)
    assert {due.working_days for due in dues.values()} == {7}  # from the rule table
    assert not any(due.provisional for due in dues.values())


def test_rate_per_department_and_month_from_the_refreshed_figures(subject):
    seed_february(subject)

    assert record_stats_refresh(today=TODAY) == {"months": 2, "rows": 3}
    rates = selectors.publication_rates(start=D(2026, 1, 1), end=D(2026, 2, 28))

    enforcement, approval = department("enforcement").pk, department("approval").pk
    february = rates.cells[(enforcement, D(2026, 2, 1))]
    # A, B on time; C, D published late; E unpublished though due 02-26 → 2 / 5.
    assert (february.decided, february.on_time, february.late_published, february.late_unpublished, february.pending) == (5, 2, 2, 1, 0)
    assert february.rate == pytest.approx(0.4)
    # F on time; H late (the 调休 Saturday 02-28 counts); G due 03-09 = today, not yet late, left out → 1 / 2.
    licences = rates.cells[(approval, D(2026, 2, 1))]
    assert (licences.decided, licences.on_time, licences.late_published, licences.pending) == (3, 1, 1, 1)
    assert licences.rate == pytest.approx(0.5)
    # January: I and J published on working day 1.
    assert rates.cells[(enforcement, D(2026, 1, 1))].rate == 1.0
    # The period: enforcement 4 of 7 on time (A, B, I, J), overall 5 of 9.
    by_department = {row.department_id: row for row in rates.by_department}
    assert (by_department[enforcement].on_time, by_department[enforcement].late) == (4, 3)
    assert (rates.overall.on_time, rates.overall.late, rates.overall.pending) == (5, 4, 1)
    assert rates.overall.rate == pytest.approx(5 / 9)


def test_late_records_of_a_month_are_listed_with_their_due_dates(subject):
    records = seed_february(subject)

    late = selectors.late_records(month=D(2026, 2, 1), today=TODAY)

    # By department (approval before enforcement), then decision date.
    assert [r.pk for r in late] == [records[key].pk for key in "HDEC"]
    assert [r.due_on for r in late] == [D(2026, 3, 6), D(2026, 2, 24), D(2026, 2, 26), D(2026, 3, 2)]
    assert [r.pk for r in selectors.late_records(month=D(2026, 2, 1), today=TODAY, department_id=department("approval").pk)] == [records["H"].pk]


def test_the_allowance_is_read_from_the_rule_table(subject):
    records = seed_february(subject)
    # The regime in force in February 2026 allows 8 working days instead: C, D and H (day 8) are on time,
    # E (due 02-27) is still late, G (due 03-10) not yet due.
    ProcessDeadline.objects.filter(rule_version__code="2025-22", key=selectors.PUBLICATION_DEADLINE_KEY).update(working_days=8)

    late = selectors.late_records(month=D(2026, 2, 1), today=TODAY)

    assert [r.pk for r in late] == [records["E"].pk]
    figures = selectors.record_month_figures(D(2026, 2, 1), today=TODAY)
    assert figures[(department("enforcement").pk, "penalty")]["on_time"] == 4


def test_refresh_replaces_a_months_figures(subject):
    records = seed_february(subject)
    record_stats_refresh(today=TODAY)
    records["E"].delete()
    records["A"].delete()

    record_stats_refresh(months=[D(2026, 2, 1)], today=TODAY)

    stat = RecordMonthStat.objects.get(month=D(2026, 2, 1), department=department("enforcement"), kind="penalty")
    assert (stat.total, stat.on_time, stat.late_published, stat.late_unpublished) == (3, 1, 2, 0)


def test_publication_page_shows_the_rates_and_the_late_records(client, people, subject, monkeypatch):
    seed_february(subject)
    record_stats_refresh(today=TODAY)
    freeze(monkeypatch, at(TODAY))
    client.force_login(people.leader)

    response = client.get(reverse("oversight:publication_rate"), {"from": "2026-01-01", "to": "2026-02-28", "month": "2026-02"})

    page = response.content.decode()
    assert response.status_code == 200
    # February: enforcement 40.0 %, approval 50.0 %; the period: enforcement 57.1 %, all 55.6 %.
    assert all(figure in page for figure in ("40.0%", "50.0%", "57.1%", "55.6%"))
    assert all(f"〔2026〕{key}号" in page for key in "CDEH")
    assert "交执罚〔2026〕A号" not in page and "交审许〔2026〕G号" not in page
    assert "2026年2月逾期公示的记录（4）" in page


def test_figures_are_computed_on_the_first_look_and_kept_current_by_beat(client, people, subject, monkeypatch, settings):
    from oversight import tasks

    seed_february(subject)
    freeze(monkeypatch, at(TODAY))
    client.force_login(people.leader)
    assert not RecordMonthStat.objects.exists()

    response = client.get(reverse("oversight:dashboard"), {"from": "2026-02-01", "to": "2026-02-28"})

    assert response.status_code == 200 and response.context["publication"].overall.rate == pytest.approx(3 / 7)
    assert "oversight.tasks" in settings.CELERY_BEAT_SCHEDULE_MODULES
    assert {entry["task"] for entry in tasks.beat_schedule.values()} == {"oversight.refresh_recent_stats", "oversight.refresh_all_stats"}
    # Hourly: the last three months (January–March 2026 on 03-09): January and February have records.
    assert tasks.refresh_recent_stats() == {"months": 3, "rows": 3}
