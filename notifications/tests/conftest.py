import pytest

from notifications import sms
from tests.factories import SubjectFactory, UserFactory


@pytest.fixture
def celery_eager(settings):
    """Run Celery tasks in-process (the test settings use the real Redis broker)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "notifications.sms.LocmemSMSBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def plain_static_storage(settings):
    """The 404 page (viewflow's) uses {% static %}; tests run DEBUG=0 without a collectstatic manifest."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def handler(db):
    return UserFactory(username="handler", full_name="张承办", email="handler@example.com", phone="13812345678")


@pytest.fixture
def case(db):
    """Something a notification is about (processes pass their case)."""
    return SubjectFactory(name="某某运输有限公司")
