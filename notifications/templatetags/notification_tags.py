"""Template helpers for notification texts and the live inbox script."""

import datetime

from django import template
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

LIVE_SCRIPT = "notifications/live.js"
WEBSOCKET_PATH = "/ws/notifications/"


@register.filter
def cn_date(value) -> str:
    """2026年4月1日 for a date or datetime; any other value as it is (an event context may carry text)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)


@register.simple_tag
def notifications_live_script():
    """The ``<script>`` that keeps the inbox badge live.

    Falls back to the unhashed URL when the manifest has no entry (tests and
    checkouts without ``collectstatic``), so a page never fails over its badge.
    """
    try:
        url = staticfiles_storage.url(LIVE_SCRIPT)
    except ValueError:
        url = settings.STATIC_URL + LIVE_SCRIPT
    return format_html('<script src="{}" data-websocket-path="{}" defer></script>', url, WEBSOCKET_PATH)
