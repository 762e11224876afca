"""Fixtures of the commitment tests: the people of a case, a frozen clock."""

from types import SimpleNamespace

import pytest

from tests.factories import make_staff, make_subject_user

from .support import freeze


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
    """Everyone a commitment involves, named by what they do in it.

    The commitment is made to the approval section (行政审批科): its clerk registers at
    the counter, its handlers verify, its reviewer confirms a breach. The credit office
    (法规科) sees the case; 运管科 is not involved.
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
        clerk=make_staff("approval", "intake", username="approval.clerk"),
        handler=make_staff("approval", "handler", username="approval.handler"),
        handler2=make_staff("approval", "handler", username="approval.handler2"),
        reviewer=make_staff("approval", "reviewer", username="approval.reviewer"),
        legal_reviewer=make_staff("legal", "reviewer", username="legal.reviewer"),
        outsider=make_staff("transport", "handler", username="transport.handler"),
        outsider_reviewer=make_staff("transport", "reviewer", username="transport.reviewer"),
    )
