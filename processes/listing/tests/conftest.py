"""Fixtures of the list tests: the people of a designation and a removal, a basis record, a frozen clock."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from tests.factories import make_staff, make_subject_user

from .support import NOW, freeze, make_penalty


@pytest.fixture(autouse=True)
def _media_static_and_rates(settings, tmp_path):
    """Each test stores its PDFs and uploads under its own directory; error pages (viewflow's
    templates use {% static %}) render without a collectstatic manifest; rate-limit counters
    start from nothing (the test Redis database is this suite's own)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    cache.clear()


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """It is Monday 2026-06-15 10:00 in Beijing unless a test moves the clock: ``clock(datetime(...))``."""
    freeze(monkeypatch, NOW)
    return lambda moment: freeze(monkeypatch, moment)


@pytest.fixture
def people(db):
    """Everyone a listing and a removal involve, named by what they do in them.

    The enforcement detachment (执法支队) designates: its handler proposes, its leader
    decides, its reviewer reviews removals. The credit office's clerk takes in
    objections; 运管科 is not involved.
    """
    applicant, subject = make_subject_user(username="applicant")
    stranger, other_subject = make_subject_user(username="stranger")
    return SimpleNamespace(
        subject=subject,
        applicant=applicant,
        stranger=stranger,
        other_subject=other_subject,
        clerk=make_staff("legal", "intake", username="legal.clerk"),
        handler=make_staff("enforcement", "handler", username="enf.handler"),
        reviewer=make_staff("enforcement", "reviewer", username="enf.reviewer"),
        leader=make_staff("enforcement", "leader", username="enf.leader"),
        outsider=make_staff("transport", "handler", username="transport.handler"),
    )


@pytest.fixture
def record(people):
    """A published serious penalty (严重) from the enforcement detachment, the basis of a black listing."""
    return make_penalty(people.subject, severity="serious", decision_date=datetime.date(2026, 3, 2), publish_on=datetime.date(2026, 3, 5))
