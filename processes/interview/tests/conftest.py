"""Fixtures of the interview tests: the people of a case, its basis, a frozen clock."""

import datetime
from types import SimpleNamespace

import pytest

from tests.factories import make_staff, make_subject_user

from .support import freeze, make_dishonesty, make_list_entry


@pytest.fixture(autouse=True)
def _media_and_static(settings, tmp_path):
    """Each test stores its PDFs and uploads under its own directory; error pages (viewflow's
    templates use {% static %}) render without a collectstatic manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def clock(monkeypatch):
    """``clock(datetime(2026, 3, 2, 9))``: from now on it is that moment, Beijing time."""
    return lambda moment: freeze(monkeypatch, moment)


@pytest.fixture
def people(db):
    """Everyone an interview involves, named by what they do in it.

    The subject was designated by the enforcement detachment (执法支队), so the interview is
    its handlers' and its leader's (谁认定、谁约谈); 运管科 is not involved.
    """
    company, subject = make_subject_user(username="company")
    colleague, _ = make_subject_user(subject=subject, username="company.colleague")
    stranger, other_subject = make_subject_user(username="stranger")
    return SimpleNamespace(
        subject=subject,
        company=company,
        colleague=colleague,
        stranger=stranger,
        other_subject=other_subject,
        clerk=make_staff("legal", "intake", username="legal.clerk"),
        legal_leader=make_staff("legal", "leader", username="legal.leader"),
        handler=make_staff("enforcement", "handler", username="enf.handler"),
        handler2=make_staff("enforcement", "handler", username="enf.handler2"),
        reviewer=make_staff("enforcement", "reviewer", username="enf.reviewer"),
        leader=make_staff("enforcement", "leader", username="enf.leader"),
        outsider=make_staff("transport", "handler", username="transport.handler"),
        transport_leader=make_staff("transport", "leader", username="transport.leader"),
    )


@pytest.fixture
def monday(clock):
    """Monday 2026-03-02, 09:00 Beijing time: an ordinary working week (no holiday until 清明, 4–6 April)."""
    clock(datetime.datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def dishonesty(people):
    return make_dishonesty(people.subject)


@pytest.fixture
def listed(people):
    return make_list_entry(people.subject)
