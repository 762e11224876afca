"""Fixtures of the oversight tests: the people who look, and a subject the records are about."""

import uuid
from types import SimpleNamespace

import pytest

from tests.factories import SubjectFactory, make_staff


@pytest.fixture(autouse=True)
def _media_and_static(settings, tmp_path):
    """Each test stores its PDFs under its own directory; error pages render without a collectstatic manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # A cache of the test's own (the suite's Redis outlives a test, and a run), and handling
    # times that follow every finished case at once.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"oversight-{uuid.uuid4()}"}}
    settings.OVERSIGHT_HANDLING_TIMES_MAX_AGE = 0


@pytest.fixture
def people(db):
    """Who may look, and who may not.

    The credit office (法规科) and leaders see every department; a section chief
    (审核人) sees their own; a handler sees nothing here.
    """
    return SimpleNamespace(
        credit_clerk=make_staff("legal", "intake", username="legal.clerk"),
        credit_reviewer=make_staff("legal", "reviewer", username="legal.reviewer"),
        leader=make_staff("legal", "leader", username="legal.leader"),
        other_leader=make_staff("enforcement", "leader", username="enf.leader"),
        chief=make_staff("enforcement", "reviewer", username="enf.reviewer"),
        approval_chief=make_staff("approval", "reviewer", username="approval.reviewer"),
        handler=make_staff("enforcement", "handler", username="enf.handler"),
    )


@pytest.fixture
def subject(db):
    return SubjectFactory(name="广州市恒通货运有限公司")
