"""Fixtures of the transfer tests: the shared secret, the people of a case, a published penalty record."""

import datetime
from types import SimpleNamespace

import pytest

from processes.objection.tests.support import make_record
from tests.factories import SubjectFactory, make_staff

from .support import SECRET


@pytest.fixture(autouse=True)
def _transfer_settings(settings, tmp_path):
    settings.NATIONAL_SITE_SECRET = SECRET
    settings.NATIONAL_SITE_FEEDBACK_URL = ""
    settings.PLATFORM_SYNC_URLS = {}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(db):
    return SimpleNamespace(
        clerk=make_staff("legal", "intake", username="legal.clerk"),
        handler=make_staff("enforcement", "handler", username="enf.handler"),
        reviewer=make_staff("enforcement", "reviewer", username="enf.reviewer"),
        outsider=make_staff("transport", "handler", username="transport.handler"),
    )


@pytest.fixture
def subject(db):
    return SubjectFactory()


@pytest.fixture
def record(subject):
    """A published general penalty from 2026-01-06 (its 3-month minimum has passed), by the enforcement detachment."""
    return make_record(subject, decision_date=datetime.date(2026, 1, 6), publish_on=datetime.date(2026, 1, 9))


@pytest.fixture
def national_site(settings):
    """The national site's feedback receiver, listening; NATIONAL_SITE_FEEDBACK_URL points at it."""
    from . import receiver_server

    server, state = receiver_server.start()
    settings.NATIONAL_SITE_FEEDBACK_URL = state.url
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def celery_eager(settings):
    """Run Celery tasks in-process (the test settings use the real Redis broker, with no worker)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
