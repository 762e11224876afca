"""Pluggable SMS delivery. ``settings.SMS_BACKEND`` names the class; the default writes to the log."""

import abc
import logging

from django.conf import settings
from django.utils.module_loading import import_string

from credit.validators import mask_personal_data, mask_phone

logger = logging.getLogger("notifications.sms")


class BaseSMSBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, *, phone: str, text: str) -> None:
        """Send ``text`` to ``phone``; raise on failure so the delivery is retried."""


class LogSMSBackend(BaseSMSBackend):
    """Writes the message to the log instead of sending it (development and tests)."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), mask_personal_data(text))


# Messages "sent" by LocmemSMSBackend, like django.core.mail.outbox: tests empty it and read it.
outbox: list[dict] = []


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps messages in ``notifications.sms.outbox`` (tests: ``settings.SMS_BACKEND = "notifications.sms.LocmemSMSBackend"``)."""

    def send(self, *, phone: str, text: str) -> None:
        outbox.append({"phone": phone, "text": text})


def get_sms_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()
