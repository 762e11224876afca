"""Delivering every ``credit.PlatformSync`` (pushes to outside platforms): at least once, never twice at a time.

A push is recorded in the transaction of the decision it reports
(``platform_sync_queue``) and handed to Celery only after that commits, so a
rolled-back decision sends nothing and a committed one is never lost: if the
dispatch is lost (worker or broker down between commit and send) the periodic
sweep (``platform_syncs_sweep``) finds the row still pending and sends it.

One attempt (``platform_sync_deliver``) claims the row with ``SELECT … FOR UPDATE
SKIP LOCKED`` and holds it while the request is in flight, so two workers never
send the same row at once, and a delivered row is never sent again. A 2xx
answer delivers it; a network error or 5xx is retried with growing back-off
(``PLATFORM_SYNC_RETRY_BASE_SECONDS`` · 2ⁿ, at most an hour); a 4xx (or a
redirect) stops it as failed, for staff to look at and resend.

Where it goes: ``transfer_feedback`` to ``NATIONAL_SITE_FEEDBACK_URL`` (the
contract); any other event to ``PLATFORM_SYNC_URLS[platform]``. With no address
configured the row stays pending (``未配置接收地址``) and is not retried until
one is. Every request is signed like the national contract
(``X-Transfer-Timestamp`` / ``X-Transfer-Signature``) when the secret is set.
"""

import datetime
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from credit.models import PlatformSync

from . import signing

logger = logging.getLogger(__name__)

NO_DESTINATION = "未配置接收地址"
FEEDBACK_EVENT = "transfer_feedback"
MAX_BACKOFF_SECONDS = 3600
ERROR_TEXT_LIMIT = 1000

S = PlatformSync.Status


# --- recording -------------------------------------------------------------------------------


@transaction.atomic
def platform_sync_queue(*, platform: str, event: str, idempotency_key: str, payload: dict, target=None) -> PlatformSync:
    """Record a push in the current transaction; it is dispatched to a worker once that commits.

    A second call with the same ``idempotency_key`` returns the first row unchanged.
    """
    sync, created = PlatformSync.objects.get_or_create(
        idempotency_key=idempotency_key, defaults={"platform": platform, "event": event, "payload": payload, "target": target}
    )
    if created:
        transaction.on_commit(lambda: dispatch(sync.pk))
    return sync


def dispatch(sync_id: int, *, countdown: float | None = None) -> None:
    """Hand one row to a Celery worker; a broker failure is only logged (the sweep sends the row later)."""
    from .tasks import platform_sync_deliver

    try:
        platform_sync_deliver.apply_async((sync_id,), countdown=countdown)
    except Exception:  # noqa: BLE001 - the row is committed; losing this message loses nothing
        logger.warning("platform sync %s: dispatch to the worker failed; the sweep will send it", sync_id, exc_info=True)


# --- where and how ---------------------------------------------------------------------------


def destination_url(sync: PlatformSync) -> str:
    if sync.event == FEEDBACK_EVENT:
        return settings.NATIONAL_SITE_FEEDBACK_URL or ""
    return (getattr(settings, "PLATFORM_SYNC_URLS", None) or {}).get(sync.platform, "") or ""


def _with_destination() -> Q:
    """The rows some address is configured for (the others wait for one, without retrying)."""
    condition = Q(pk__in=[])
    if settings.NATIONAL_SITE_FEEDBACK_URL:
        condition |= Q(event=FEEDBACK_EVENT)
    platforms = [platform for platform, url in (getattr(settings, "PLATFORM_SYNC_URLS", None) or {}).items() if url]
    if platforms:
        condition |= Q(platform__in=platforms) & ~Q(event=FEEDBACK_EVENT)
    return condition


def backoff_seconds(attempts: int) -> int:
    base = int(getattr(settings, "PLATFORM_SYNC_RETRY_BASE_SECONDS", 30))
    return int(min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib would follow a redirect of a POST as a GET without the body: a redirect is an error here.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """(HTTP status, short text) of one POST; status None for a network error."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    timeout = float(getattr(settings, "PLATFORM_SYNC_TIMEOUT_SECONDS", 10))
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.read(ERROR_TEXT_LIMIT).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        try:
            text = error.read(ERROR_TEXT_LIMIT).decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - the status is what matters
            text = ""
        return error.code, text
    except (urllib.error.URLError, OSError, ValueError) as error:
        # ValueError: a malformed URL; treated as retryable so fixing the setting is enough.
        return None, f"{type(error).__name__}: {error}"


# --- sending ---------------------------------------------------------------------------------


def platform_sync_deliver(*, sync_id: int, now: datetime.datetime | None = None) -> PlatformSync | None:
    """One delivery attempt of one row, if it is due and no one else is sending it.

    Returns the row as it is afterwards, or None when there was nothing to do
    (already delivered or failed, not due yet, or claimed by another worker).
    """
    now = now or timezone.now()
    with transaction.atomic():
        sync = (
            PlatformSync.objects.select_for_update(skip_locked=True)
            .filter(pk=sync_id, status__in=[S.PENDING, S.RETRYING])
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if sync is None:
            return None
        url = destination_url(sync)
        if not url:
            if sync.last_error != NO_DESTINATION:
                sync.last_error = NO_DESTINATION
                sync.save(update_fields=["last_error", "updated_at"])
            return sync
        body = json.dumps(sync.payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": sync.idempotency_key, "User-Agent": "workflow-service/1"}
        try:
            headers.update(signing.signed_headers(body, now=time.time()))
        except signing.SecretMissing:
            if sync.event == FEEDBACK_EVENT:
                # The national site refuses unsigned results; keep the row until the secret is set.
                return _retry_later(sync, now, "未配置 NATIONAL_SITE_SECRET，无法签名。")
        status, text = _post(url, body, headers)
        sync.attempts += 1
        if status is not None and 200 <= status < 300:
            sync.status, sync.delivered_at, sync.next_attempt_at, sync.last_error = S.DELIVERED, timezone.now(), None, ""
            sync.save(update_fields=["status", "delivered_at", "next_attempt_at", "last_error", "attempts", "updated_at"])
            logger.info("platform sync %s (%s) delivered to %s after %s attempt(s)", sync.pk, sync.idempotency_key, url, sync.attempts)
            return sync
        if status is not None and (300 <= status < 500):
            sync.status, sync.next_attempt_at = S.FAILED, None
            sync.last_error = f"HTTP {status}：{text}"[:ERROR_TEXT_LIMIT]
            sync.save(update_fields=["status", "next_attempt_at", "last_error", "attempts", "updated_at"])
            logger.error("platform sync %s (%s) refused by %s: HTTP %s %s", sync.pk, sync.idempotency_key, url, status, text[:200])
            return sync
        return _retry_later(sync, now, f"HTTP {status}：{text}" if status is not None else text, counted=False)


def _retry_later(sync: PlatformSync, now, error: str, *, counted: bool = True) -> PlatformSync:
    if counted:
        sync.attempts += 1
    sync.status = S.RETRYING
    sync.next_attempt_at = now + datetime.timedelta(seconds=backoff_seconds(sync.attempts))
    sync.last_error = error[:ERROR_TEXT_LIMIT]
    sync.save(update_fields=["status", "next_attempt_at", "last_error", "attempts", "updated_at"])
    logger.warning("platform sync %s (%s): %s; next attempt at %s", sync.pk, sync.idempotency_key, error[:200], sync.next_attempt_at)
    return sync


def platform_syncs_due(*, now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Rows to send now: pending or retrying, due, with an address configured, oldest first."""
    now = now or timezone.now()
    return list(
        PlatformSync.objects.filter(status__in=[S.PENDING, S.RETRYING])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(_with_destination())
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def platform_syncs_waiting():
    """Rows still to be delivered that have somewhere to go (due now or later)."""
    return PlatformSync.objects.filter(status__in=[S.PENDING, S.RETRYING]).filter(_with_destination())


def platform_syncs_sweep(*, now: datetime.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every due row now, in this process (the management command; the Celery sweep fans out instead)."""
    counts = {}
    for sync_id in platform_syncs_due(now=now, limit=limit):
        sync = platform_sync_deliver(sync_id=sync_id, now=now)
        if sync is not None:
            counts[sync.status] = counts.get(sync.status, 0) + 1
    return counts


# --- staff -----------------------------------------------------------------------------------


@transaction.atomic
def platform_sync_resend(*, sync: PlatformSync, by) -> PlatformSync:
    """Staff send a failed push again (after the receiver was fixed): it is due at once, attempts start over."""
    from django.core.exceptions import ValidationError

    sync = PlatformSync.objects.select_for_update().get(pk=sync.pk)
    if sync.status != S.FAILED:
        raise ValidationError(f"只有发送失败的推送可以重新发送（当前状态：{sync.get_status_display()}）。")
    previous = sync.last_error
    sync.last_error = f"{by} 于 {timezone.localtime():%Y-%m-%d %H:%M} 重新发送（此前已尝试 {sync.attempts} 次）；上次错误：{previous}"[:ERROR_TEXT_LIMIT]
    sync.status, sync.attempts, sync.next_attempt_at = S.PENDING, 0, None
    sync.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "updated_at"])
    if sync.target is not None and hasattr(sync.target, "reference"):
        from processes.common.timeline import case_log

        case_log(case=sync.target, action="sync_resent", label=f"重新发送推送（{sync.get_platform_display()} {sync.event}）", actor=by, visible_to_subject=False)
    transaction.on_commit(lambda: dispatch(sync.pk))
    return sync
