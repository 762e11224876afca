"""Login throttling (django-axes), session and CSRF hardening, personal data kept out of logs."""

import base64
import logging

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from rest_framework.test import APIClient

from credit.validators import PersonalDataLogFilter, mask_personal_data
from notifications.sms import LogSMSBackend
from tests.factories import make_subject_user

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


@pytest.fixture
def user(db):
    user, _ = make_subject_user(username="company")
    return user


def login(client, password):
    return client.post(reverse("login"), {"username": "company", "password": password}, REMOTE_ADDR="10.0.0.7")


def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(client, user):
    assert django_settings.AXES_FAILURE_LIMIT == 5 and django_settings.AXES_COOLOFF_TIME == 0.25  # 15 minutes
    for _ in range(4):
        response = login(client, "wrong")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    locked = login(client, "wrong")
    assert locked.status_code == 429
    right = login(client, "pass-12345")
    page = right.content.decode()
    assert right.status_code == 429 and LOCKED in page and "15 分钟后再试" in page
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(client, user):
    for _ in range(4):
        login(client, "wrong")
    assert login(client, "pass-12345").status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "wrong").status_code == 200


def test_api_basic_auth_failures_lock_the_api_too(user):
    def call(password):
        api = APIClient()
        header = "Basic " + base64.b64encode(f"company:{password}".encode()).decode()
        return api.get("/api/v1/objections/", HTTP_AUTHORIZATION=header, REMOTE_ADDR="10.0.0.8")

    assert call("pass-12345").status_code == 200
    for _ in range(5):
        assert call("wrong").status_code in (401, 403, 429)
    locked = call("pass-12345")
    assert locked.status_code == 429 and LOCKED in locked.json()["error" if "error" in locked.json() else "detail"]


def test_session_and_csrf_cookies_follow_the_hardening_guide():
    assert django_settings.SESSION_COOKIE_HTTPONLY and django_settings.CSRF_COOKIE_HTTPONLY
    assert django_settings.SESSION_COOKIE_SAMESITE == "Lax" and django_settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and django_settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert django_settings.X_FRAME_OPTIONS == "DENY" and django_settings.SECURE_CONTENT_TYPE_NOSNIFF


def test_login_rotates_the_session_key(client, user):
    client.get(reverse("login"))
    session_before = client.cookies.get("sessionid")
    assert login(client, "pass-12345").status_code == 302
    assert client.cookies["sessionid"].value != getattr(session_before, "value", None)
    assert client.cookies["sessionid"]["httponly"]


# --- personal data in logs ------------------------------------------------------------------

ID_NUMBER, PHONE = "11010519491231002X", "13912345678"


def test_sms_log_shows_neither_the_phone_nor_an_id_number_in_the_text(caplog):
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        LogSMSBackend().send(phone=PHONE, text=f"张三（{ID_NUMBER}）您好，您的异议已受理。")
    assert PHONE not in caplog.text and ID_NUMBER not in caplog.text
    assert "139****5678" in caplog.text and "1101**********002X" in caplog.text


def test_every_log_line_passes_through_the_personal_data_filter(caplog):
    record = logging.LogRecord("any", logging.WARNING, __file__, 1, "subject %s phone %s", (ID_NUMBER, PHONE), None)
    PersonalDataLogFilter().filter(record)
    assert record.getMessage() == "subject 1101**********002X phone 139****5678"
    handler_filters = django_settings.LOGGING["handlers"]["console"]["filters"]
    assert handler_filters == ["personal_data"]


def test_codes_that_are_not_personal_data_are_left_alone():
    uscc = "91350100MA2XXXXX1K"
    assert mask_personal_data(f"代码 {uscc}，文号 交执罚〔2026〕7号") == f"代码 {uscc}，文号 交执罚〔2026〕7号"
