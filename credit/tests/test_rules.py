"""Which regime governs a date, and the publication periods each regime gives."""

import datetime

import pytest

from credit.models import ProcessDeadline, PublicationPeriod, RuleVersion
from credit.rules import NoRuleInForce, deadline_days, due_date, publication_dates, rule_version_for

D = datetime.date

pytestmark = pytest.mark.django_db


# --- the regime in force on a date ----------------------------------------------------------------


@pytest.mark.parametrize(
    "day, code",
    [
        (D(2019, 5, 1), "2019-527"),
        (D(2023, 4, 30), "2019-527"),
        (D(2023, 5, 1), "2023-order58"),
        (D(2025, 2, 28), "2023-order58"),
        (D(2025, 3, 1), "2025-22"),
        (D(2026, 3, 31), "2025-22"),
        (D(2026, 4, 1), "2026-order36"),
        (D(2035, 1, 1), "2026-order36"),
    ],
)
def test_regime_in_force_on_each_boundary_date(day, code):
    assert rule_version_for(day).code == code


def test_date_before_the_first_regime_has_no_rule_in_force():
    with pytest.raises(NoRuleInForce) as caught:
        rule_version_for(D(2019, 4, 30))
    assert "2019-04-30" in str(caught.value)
    assert "规则版本" in str(caught.value)


def test_repeal_date_is_the_first_day_without_the_regime():
    # effective_to is exclusive (不含当日): with no successor entered, that day has no rule in force.
    RuleVersion.objects.filter(code="2026-order36").update(effective_to=D(2030, 1, 1))
    assert rule_version_for(D(2029, 12, 31)).code == "2026-order36"
    with pytest.raises(NoRuleInForce):
        rule_version_for(D(2030, 1, 1))


def test_a_new_regime_entered_by_the_administrator_takes_over_from_its_date():
    current = RuleVersion.objects.get(code="2026-order36")
    current.effective_to = D(2028, 1, 1)
    current.save()
    RuleVersion.objects.create(code="2028-new", name="2028年新规", effective_from=D(2028, 1, 1), source="假设的新规")
    assert rule_version_for(D(2027, 12, 31)).code == "2026-order36"
    assert rule_version_for(D(2028, 1, 1)).code == "2028-new"


# --- publication periods -----------------------------------------------------------------------------


def dates(severity, decision, publication=None, sector=""):
    result = publication_dates(severity=severity, decision_date=decision, publication_date=publication, sector=sector)
    return result.rule_version.code, result.published, result.earliest_repair_on, result.publication_ends_on, result.repairable_when_performed


@pytest.mark.parametrize(
    "severity, decision, expected",
    [
        # 2019 rules (527号): general 3 months – 1 year, serious 6 months – 3 years, from the decision.
        ("minor", D(2020, 3, 10), ("2019-527", False, None, None, True)),
        ("general", D(2020, 3, 10), ("2019-527", True, D(2020, 6, 10), D(2021, 3, 10), False)),
        ("serious", D(2020, 3, 10), ("2019-527", True, D(2020, 9, 10), D(2023, 3, 10), False)),
        # Order 58: serious 1 – 3 years, from the decision.
        ("minor", D(2024, 1, 15), ("2023-order58", False, None, None, True)),
        ("general", D(2024, 1, 15), ("2023-order58", True, D(2024, 4, 15), D(2025, 1, 15), False)),
        ("serious", D(2024, 1, 15), ("2023-order58", True, D(2025, 1, 15), D(2027, 1, 15), False)),
        # 22号: minor at most 3 months and repairable once performed; clock from the decision.
        ("minor", D(2025, 6, 10), ("2025-22", True, D(2025, 6, 10), D(2025, 9, 10), True)),
        ("general", D(2025, 6, 10), ("2025-22", True, D(2025, 9, 10), D(2026, 6, 10), False)),
        ("serious", D(2025, 6, 10), ("2025-22", True, D(2026, 6, 10), D(2028, 6, 10), False)),
    ],
)
def test_publication_period_of_each_severity_under_each_older_regime(severity, decision, expected):
    # A publication date ten days later must not move the clock under these regimes.
    assert dates(severity, decision, decision + datetime.timedelta(days=10)) == expected


@pytest.mark.parametrize(
    "severity, expected",
    [
        ("minor", ("2026-order36", True, D(2026, 4, 20), D(2026, 7, 20), True)),
        ("general", ("2026-order36", True, D(2026, 7, 20), D(2027, 4, 20), False)),
        ("serious", ("2026-order36", True, D(2027, 4, 20), D(2029, 4, 20), False)),
    ],
)
def test_order_36_starts_the_clock_at_publication(severity, expected):
    assert dates(severity, D(2026, 4, 10), D(2026, 4, 20)) == expected


def test_order_36_falls_back_to_the_decision_date_before_publication():
    assert dates("serious", D(2026, 4, 10)) == ("2026-order36", True, D(2027, 4, 10), D(2029, 4, 10), False)


def test_regime_is_chosen_by_the_decision_date_not_the_publication_date():
    # Decided under 22号, published after order 36 came into force: 22号 and its decision clock apply.
    assert dates("general", D(2026, 3, 31), D(2026, 4, 2)) == ("2025-22", True, D(2026, 6, 30), D(2027, 3, 31), False)


def test_months_are_counted_to_the_end_of_a_shorter_month():
    assert dates("serious", D(2019, 8, 31))[2] == D(2020, 2, 29)


def test_sector_override_applies_to_its_sector_only():
    PublicationPeriod.objects.create(
        rule_version=RuleVersion.objects.get(code="2025-22"), severity="general", sector="highway", min_months=12, max_months=12
    )
    assert dates("general", D(2025, 6, 10), sector="highway")[2:4] == (D(2026, 6, 10), D(2026, 6, 10))
    assert dates("general", D(2025, 6, 10), sector="waterway")[2:4] == (D(2025, 9, 10), D(2026, 6, 10))


def test_changed_rule_table_changes_the_period():
    period = PublicationPeriod.objects.get(rule_version__code="2025-22", severity="general", sector="")
    period.min_months = 6
    period.save()
    assert dates("general", D(2025, 6, 10))[2] == D(2025, 12, 10)


def test_publication_dates_before_the_first_regime_raise_no_rule_in_force():
    with pytest.raises(NoRuleInForce):
        publication_dates(severity="general", decision_date=D(2019, 4, 1), publication_date=None)


# --- process deadlines --------------------------------------------------------------------------------


def test_deadline_is_read_from_the_regime_of_the_date():
    assert deadline_days("objection.verify", on=D(2026, 2, 12)) == 10
    ProcessDeadline.objects.filter(rule_version__code="2026-order36", key="objection.verify").update(working_days=15)
    assert deadline_days("objection.verify", on=D(2026, 3, 31)) == 10
    assert deadline_days("objection.verify", on=D(2026, 4, 1)) == 15


def test_due_date_counts_working_days_across_the_spring_festival():
    result = due_date("objection.verify", start=D(2026, 2, 12))
    assert (result.date, result.provisional) == (D(2026, 3, 4), False)


def test_missing_deadline_names_the_regime_and_the_key():
    with pytest.raises(ProcessDeadline.DoesNotExist) as caught:
        deadline_days("nonexistent.step", on=D(2026, 4, 1))
    assert "nonexistent.step" in str(caught.value)
    assert "第36号" in str(caught.value)
