"""Fixtures of the repair tests: the people of a case, a published penalty, a frozen clock."""

import datetime
from types import SimpleNamespace

import pytest

from tests.factories import make_staff, make_subject_user

from .support import freeze, make_penalty


@pytest.fixture(autouse=True)
def _media_and_static(settings, tmp_path):
    """Each test stores its PDFs and uploads under its own directory; error pages (viewflow's
    templates use {% static %}) render without a collectstatic manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def clock(monkeypatch):
    """``clock(datetime(2026, 4, 30, 10))``: from now on it is that moment, Beijing time."""
    return lambda moment: freeze(monkeypatch, moment)


@pytest.fixture
def people(db):
    """Everyone a repair involves, named by what they do in it.

    The penalty comes from the enforcement detachment (执法支队), so the decision is its
    handlers' (谁认定、谁修复); intake is the credit office's (法规科); 运管科 is not involved.
    """
    applicant, subject = make_subject_user(username="applicant")
    colleague, _ = make_subject_user(subject=subject, username="applicant.colleague")
    stranger, other_subject = make_subject_user(username="stranger")
    return SimpleNamespace(
        subject=subject,
        applicant=applicant,
        colleague=colleague,
        stranger=stranger,
        other_subject=other_subject,
        clerk=make_staff("legal", "intake", username="legal.clerk"),
        clerk2=make_staff("legal", "intake", username="legal.clerk2"),
        handler=make_staff("enforcement", "handler", username="enf.handler"),
        handler2=make_staff("enforcement", "handler", username="enf.handler2"),
        reviewer=make_staff("enforcement", "reviewer", username="enf.reviewer"),
        outsider=make_staff("transport", "handler", username="transport.handler"),
    )


@pytest.fixture
def record(people):
    """A published general penalty (一般, 2025 rules: clock at the decision) from the enforcement detachment:
    decided 2026-01-06, repairable from 2026-04-06."""
    return make_penalty(people.subject, decision_date=datetime.date(2026, 1, 6), publish_on=datetime.date(2026, 1, 9))
