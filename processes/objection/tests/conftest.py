"""Fixtures of the objection tests: the people of a case and a published penalty record."""

import datetime
from types import SimpleNamespace

import pytest

from tests.factories import make_staff, make_subject_user

from .support import make_record


@pytest.fixture(autouse=True)
def _media_and_static(settings, tmp_path):
    """Each test stores its PDFs and uploads under its own directory; error pages (viewflow's
    templates use {% static %}) render without a collectstatic manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def people(db):
    """Everyone an objection involves, named by what they do in it.

    The record comes from the enforcement detachment (执法支队), so verification and
    review are theirs; intake is the credit office's (法规科); 运管科 is not involved.
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
        legal_reviewer=make_staff("legal", "reviewer", username="legal.reviewer"),
        legal_leader=make_staff("legal", "leader", username="legal.leader"),
        handler=make_staff("enforcement", "handler", username="enf.handler"),
        handler2=make_staff("enforcement", "handler", username="enf.handler2"),
        reviewer=make_staff("enforcement", "reviewer", username="enf.reviewer"),
        leader=make_staff("enforcement", "leader", username="enf.leader"),
        outsider=make_staff("transport", "handler", username="transport.handler"),
    )


@pytest.fixture
def record(people):
    """A published general penalty (一般) against the subject, from the enforcement detachment."""
    return make_record(people.subject, decision_date=datetime.date(2026, 1, 6), publish_on=datetime.date(2026, 1, 9))
