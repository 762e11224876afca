"""The sweep that recovers lost dispatches only helps if Celery beat actually schedules it."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_beat_schedules_the_platform_sync_sweep_every_minute_in_a_fresh_process():
    # A fresh interpreter, as `celery -A workflow_service beat` starts: Django is not set up yet
    # when Celery reads its configuration (collecting the schedule then used to fail silently).
    code = (
        "from workflow_service.celery import app; "
        "entry = app.conf.beat_schedule.get('transfer-sweep-platform-syncs'); "
        "print(entry['task'], entry['schedule'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "workflow_service.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(settings.BASE_DIR), env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "transfer.sweep_platform_syncs 60.0"
