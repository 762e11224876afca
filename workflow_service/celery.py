"""The Celery application. Tasks live in each app's ``tasks.py`` and call services."""

import importlib
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_service.settings")

app = Celery("workflow_service")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def collect_beat_schedule(sender, **kwargs):
    """Each app declares its periodic jobs as ``beat_schedule`` in its tasks module.

    The tasks modules import models, so Django is set up first: without it the import
    raised AppRegistryNotReady, which Celery swallows, and beat ran with no schedule.
    """
    import django
    from django.conf import settings

    django.setup()

    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    for module in settings.CELERY_BEAT_SCHEDULE_MODULES:
        schedule.update(getattr(importlib.import_module(module), "beat_schedule", {}))
    sender.conf.beat_schedule = schedule
