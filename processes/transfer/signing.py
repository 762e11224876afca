"""HMAC signing of messages to and from the national site (both directions, same rules).

``X-Transfer-Timestamp``: Unix time in whole seconds; ``X-Transfer-Signature``:
``sha256=`` + hex HMAC-SHA256 of ``<timestamp>.<raw body>`` keyed with the UTF-8
bytes of ``NATIONAL_SITE_SECRET``. A timestamp more than 300 s from our clock is
refused so a captured message cannot be replayed later.
"""

import hashlib
import hmac
import time

from django.conf import settings

TIMESTAMP_HEADER = "X-Transfer-Timestamp"
SIGNATURE_HEADER = "X-Transfer-Signature"
MAX_CLOCK_SKEW_SECONDS = 300


class SecretMissing(Exception):
    """NATIONAL_SITE_SECRET is not set: nothing can be checked or signed (our fault, not the sender's)."""


def secret() -> bytes:
    value = settings.NATIONAL_SITE_SECRET
    if not value:
        raise SecretMissing("NATIONAL_SITE_SECRET is not set")
    return value.encode("utf-8")


def signature(timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret(), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(timestamp, body)}


def signature_problem(headers, body: bytes, *, now: float | None = None) -> str | None:
    """Why this message's signature is not acceptable, or None when it is."""
    timestamp = headers.get(TIMESTAMP_HEADER) or ""
    given = headers.get(SIGNATURE_HEADER) or ""
    if not timestamp or not given:
        return f"缺少签名：请求须带 {TIMESTAMP_HEADER} 与 {SIGNATURE_HEADER}。"
    # Whole seconds in ASCII digits only (int() would also take "+1_0" or Arabic-Indic digits).
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return f"{TIMESTAMP_HEADER} 应为 Unix 时间（整数秒）。"
    now = time.time() if now is None else now
    if abs(int(timestamp) - now) > MAX_CLOCK_SKEW_SECONDS:
        return f"时间戳与本方时钟相差超过 {MAX_CLOCK_SKEW_SECONDS} 秒，请求已过期或时钟不准。"
    expected = signature(timestamp, body)
    # Constant-time comparison, on bytes: compare_digest refuses non-ASCII str.
    if not hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "replace")):
        return "签名不正确。"
    return None
