"""Fixtures shared by every test package (root conftest, so app-local tests see them too)."""

import pytest

from tests.factories import make_staff, make_subject_user


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run with DEBUG off but without collectstatic: no manifest to look names up in.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Departments, rule regimes and the calendar come from data migrations; a transactional
    test's flush removes them, so put them back for every database test that needs them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if (marker and marker.kwargs.get("transaction")) else "db")
    from credit.models import CalendarDay, CalendarYear, Department, ProcessDeadline, PublicationPeriod, RuleVersion

    if not Department.objects.exists():
        from credit.reference_data import load_departments, load_rule_versions
        from credit.workdays import load_official_calendar

        load_departments(Department)
        load_rule_versions(RuleVersion, PublicationPeriod, ProcessDeadline)
        load_official_calendar(day_model=CalendarDay, year_model=CalendarYear)


@pytest.fixture
def staff(db):
    """``staff("enforcement", "handler")`` → a user holding that role in that department."""
    return make_staff


@pytest.fixture
def subject_user(db):
    """``subject_user()`` → (user, subject): a portal user acting for a fresh legal-person subject."""
    return make_subject_user
