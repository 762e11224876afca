"""``/healthz``: is the database, the Celery broker and the channel layer reachable?"""

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from workflow_service.celery import app as celery_app


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "engine": connection.vendor}
    except Exception as exc:  # any failure means "down"; the message tells why
        return {"ok": False, "engine": connection.vendor, "error": str(exc)[:200]}


def check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager (tasks run in-process)"}
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "mode": "broker"}
    except Exception as exc:
        return {"ok": False, "mode": "broker", "error": str(exc)[:200]}


def check_channel_layer() -> dict:
    layer = get_channel_layer()
    backend = type(layer).__name__
    try:
        channel = async_to_sync(layer.new_channel)("healthz.")
        token = uuid.uuid4().hex
        async_to_sync(layer.send)(channel, {"type": "healthz.ping", "token": token})
        message = async_to_sync(layer.receive)(channel)
        return {"ok": message.get("token") == token, "backend": backend}
    except Exception as exc:
        return {"ok": False, "backend": backend, "error": str(exc)[:200]}


@never_cache
@require_GET
def healthz(request):
    checks = {"database": check_database(), "broker": check_broker(), "channel_layer": check_channel_layer()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503)


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"error": "接口不存在。"}, status=404, json_dumps_params={"ensure_ascii": False})
