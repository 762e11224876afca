"""Settings from the environment and ``/healthz``: under the test configuration, the embedded default and production."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


# --- /healthz under the test configuration (PostgreSQL + Redis) ---------------------------------------


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_channel_layer_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert checks["database"] == {"ok": True, "engine": "postgresql"}
    # REDIS_URL is set under ./scripts/test: Celery really connects to the Redis broker.
    assert checks["broker"] == {"ok": True, "mode": "broker"}
    assert checks["channel_layer"] == {"ok": True, "backend": "RedisChannelLayer"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_check_fails(client, monkeypatch):
    monkeypatch.setattr(
        "workflow_service.health.check_database",
        lambda: {"ok": False, "engine": "postgresql", "error": "connection refused"},
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["error"] == "connection refused"
    assert body["checks"]["broker"]["ok"] and body["checks"]["channel_layer"]["ok"]


@pytest.mark.django_db
def test_healthz_is_never_cached_and_only_answers_get(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


# --- the embedded default: no environment at all ------------------------------------------------------------

HEALTH_SNIPPET = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_service.settings")
import django
django.setup()
from django.conf import settings
from django.test import Client
from credit.models import CalendarYear, Department
response = Client().get("/healthz")
print(json.dumps({
    "status_code": response.status_code,
    "body": response.json(),
    "engine": settings.DATABASES["default"]["ENGINE"],
    "database": str(settings.DATABASES["default"]["NAME"]),
    "channel_backend": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "debug": settings.DEBUG,
    "departments": Department.objects.count(),
    "calendar_years": CalendarYear.objects.count(),
}))
"""

PRODUCTION_ONLY = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")


def bare_environment(tmp_path, **extra) -> dict:
    """Only what a shell always has, plus ``extra``: none of the service's variables."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env["VAR_DIR"] = str(tmp_path / "var")
    env.update(extra)
    return env


def manage(env, *args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_service_runs_on_its_embedded_default_without_any_environment(tmp_path):
    env = bare_environment(tmp_path)
    assert not set(PRODUCTION_ONLY) & set(env)

    migrated = manage(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr

    result = subprocess.run(
        [sys.executable, "-c", HEALTH_SNIPPET], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["status_code"] == 200, report["body"]
    assert report["engine"] == "django.db.backends.sqlite3"
    assert report["database"] == str(tmp_path / "var" / "db.sqlite3")
    assert report["channel_backend"] == "channels.layers.InMemoryChannelLayer"
    assert report["eager"] is True
    assert report["debug"] is True
    checks = report["body"]["checks"]
    assert checks["database"] == {"ok": True, "engine": "sqlite"}
    assert checks["broker"]["ok"] and checks["broker"]["mode"].startswith("eager")
    assert checks["channel_layer"] == {"ok": True, "backend": "InMemoryChannelLayer"}
    # The data migration loaded the reference data the service needs.
    assert report["departments"] == 13
    assert report["calendar_years"] > 0


# --- production: manage.py check --deploy -----------------------------------------------------------------


def production_environment(tmp_path, **overrides) -> dict:
    return bare_environment(
        tmp_path,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="credit.example.gov.cn",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/workflow_service"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        **overrides,
    )


def deploy_check(env) -> tuple[int, set[str], str]:
    result = manage(env, "check", "--deploy")
    output = result.stdout + result.stderr
    return result.returncode, set(re.findall(r"\((\w+\.[A-Z]\d+)\)", output)), output


def test_deploy_check_with_production_variables_is_clean(tmp_path):
    returncode, issues, output = deploy_check(production_environment(tmp_path))
    assert returncode == 0, output
    assert issues == set(), output
    assert "System check identified no issues" in output


def test_production_refuses_to_start_with_the_embedded_secret_key(tmp_path):
    env = production_environment(tmp_path)
    del env["SECRET_KEY"]
    returncode, issues, output = deploy_check(env)
    assert returncode != 0
    assert "SECRET_KEY must be set in the environment when DEBUG is off." in output
