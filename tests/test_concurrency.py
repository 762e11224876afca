"""Concurrency over real connections: the service under daphne, clients on their own sockets,
documents numbered from separate OS processes.

- Twenty simultaneous completions of the same task (HTTP, one connection each): exactly one
  succeeds, nineteen answer 409 with a Chinese message, and the step's effects (decision
  document, notifications, platform pushes) exist once.
- Four ``manage.py shell`` processes issuing documents of one department at once: the numbers
  are 1…N with no gap and no repeat.
- The same signed transfer POSTed by eight clients at once: one case, 201 once and 200 for the rest.
"""

import json
import subprocess
import sys
import textwrap
import time

import pytest
from django.conf import global_settings
from django.test import Client
from rest_framework.test import APIClient

from credit.models import Department, PlatformSync
from documents.models import Document, DocumentSequence
from notifications.models import Delivery, Notification
from processes.objection.models import Objection
from processes.objection.tests.support import make_record
from processes.transfer.models import Transfer
from processes.transfer.tests.support import SECRET, body_of, make_case, sign
from tests import live
from tests.factories import make_staff, make_subject_user

pytestmark = [pytest.mark.django_db(transaction=True)]

ATTEMPTS = 20
TRANSFER_CLIENTS = 8
ISSUER_PROCESSES, DOCUMENTS_EACH = 4, 8
CASES = "/api/v1/objections/"


@pytest.fixture
def server(transactional_db, tmp_path, settings):
    """daphne on this test's database; Celery eager in the server, as the browser test runs it."""
    # The server checks passwords with the default hashers, not the tests' fast MD5 one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.CELERY_TASK_ALWAYS_EAGER = True  # this process's own steps deliver in-process
    port = live.free_port()
    env = live.service_environment(tmp_path, port, NATIONAL_SITE_SECRET=SECRET, NATIONAL_SITE_FEEDBACK_URL="", PLATFORM_SYNC_URLS="")
    log = tmp_path / "daphne.log"
    with live.daphne(env, port, log, static=False):
        yield f"http://127.0.0.1:{port}"
    errors = [line for line in live.log_tail(log, 500).splitlines() if "Traceback" in line]
    assert not errors, f"the server logged errors:\n{live.log_tail(log, 80)}"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _logged_in(user) -> dict:
    """Headers of a browser session of ``user`` (session cookie and CSRF token), the session made here."""
    client = Client()
    client.force_login(user)
    token = "a" * 32
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}", "X-CSRFToken": token}


def _claim_next(user, case_id, node) -> int:
    queue = _api(user).get("/api/v1/tasks/queue/").json()["results"]
    task = next(t for t in queue if t["case"] and t["case"]["id"] == str(case_id) and t["node"] == node)
    assert _api(user).post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 200
    return task["id"]


def _case_at_review():
    """An objection walked (in this process) to the reviewer's step, the review task claimed by the reviewer."""
    subject_user, subject = make_subject_user()
    record = make_record(subject)
    clerk, handler = make_staff("legal", "intake"), make_staff("enforcement", "handler")
    reviewer = make_staff("enforcement", "reviewer", username="race.reviewer")
    filed = _api(subject_user).post(CASES, {"record": record.pk, "grounds": "wrong", "statement": "文号登记有误。"}, format="json")
    assert filed.status_code == 201, filed.json()
    case_id = filed.json()["id"]
    task = _claim_next(clerk, case_id, "intake")
    assert _api(clerk).post(f"{CASES}{case_id}/tasks/{task}/complete/", {"decision": "accept"}, format="json").status_code == 200
    task = _claim_next(handler, case_id, "verify")
    body = {"outcome": "corrected", "reason": "文号登记错误。", "changes": {"document_number": "交执罚〔2026〕0319号"}}
    assert _api(handler).post(f"{CASES}{case_id}/tasks/{task}/complete/", body, format="json").status_code == 200
    return case_id, _claim_next(reviewer, case_id, "review"), reviewer


def test_twenty_simultaneous_completions_of_one_task_one_succeeds(server, settings):
    case_id, task_id, reviewer = _case_at_review()
    syncs_before = set(PlatformSync.objects.values_list("pk", flat=True))
    url = f"{server}{CASES}{case_id}/tasks/{task_id}/complete/"
    headers = _logged_in(reviewer)  # one session; each attempt on its own connection

    started = time.monotonic()
    answers = live.at_once([lambda: live.post_json(url, {"decision": "approve", "comment": "同意。"}, headers=headers)] * ATTEMPTS)
    elapsed = time.monotonic() - started

    codes = sorted(code for code, _ in answers)
    assert codes == [200] + [409] * (ATTEMPTS - 1), answers
    for code, body in answers:
        message = json.loads(body)
        if code == 409:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in message["error"]), message  # Chinese, for the user
        else:
            assert message["status"] == "decided"
    objection = Objection.objects.get(pk=case_id)
    assert objection.status == "decided"
    assert Document.objects.filter(kind="objection_decision").count() == 1
    decided = Notification.objects.filter(event="objection_decided")
    assert decided.count() == 1  # the subject's one user, told once
    assert Delivery.objects.filter(notification__in=decided).values("channel").distinct().count() == Delivery.objects.filter(notification__in=decided).count()
    new_syncs = PlatformSync.objects.exclude(pk__in=syncs_before)
    assert new_syncs.exists()
    assert new_syncs.values("platform", "event").distinct().count() == new_syncs.count()  # each push once
    print(f"{ATTEMPTS} simultaneous completions over HTTP: 1 × 200, {ATTEMPTS - 1} × 409 in {elapsed:.1f} s")


ISSUER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from credit.models import Department
    from documents.services import document_issue
    ready = Path(os.environ["READY_DIR"])
    (ready / str(os.getpid())).touch()
    deadline = time.monotonic() + 60
    while len(list(ready.iterdir())) < int(os.environ["PROCESSES"]) and time.monotonic() < deadline:
        time.sleep(0.02)
    section = Department.objects.get(code="parallel-processes")
    for _ in range(int(os.environ["EACH"])):
        document_issue(kind="objection_decision", title="异议处理决定书", department=section, addressee="张三",
                       body=["并发编号测试。"], issued_on=__import__("datetime").date(2026, 11, 21))
    print("issued", os.getpid())
    """
)


def test_documents_numbered_from_several_processes_have_no_gap_and_no_repeat(transactional_db, tmp_path):
    section = Department.objects.create(code="parallel-processes", name="并发测试科", kind="section", document_prefix="交并")
    ready = tmp_path / "ready"
    ready.mkdir()
    env = live.service_environment(tmp_path, 8000, READY_DIR=ready, PROCESSES=ISSUER_PROCESSES, EACH=DOCUMENTS_EACH)
    started = time.monotonic()
    processes = [
        subprocess.Popen([sys.executable, "manage.py", "shell", "-c", ISSUER], cwd=live.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(ISSUER_PROCESSES)
    ]
    try:
        outputs = [process.communicate(timeout=120) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    elapsed = time.monotonic() - started

    assert all(process.returncode == 0 for process in processes), [err[-2000:] for _, err in outputs]
    total = ISSUER_PROCESSES * DOCUMENTS_EACH
    documents = Document.objects.filter(department=section, year=2026)
    assert sorted(documents.values_list("sequence", flat=True)) == list(range(1, total + 1))
    assert documents.values("number").distinct().count() == total
    assert DocumentSequence.objects.get(department=section, year=2026).last_value == total
    print(f"{total} documents from {ISSUER_PROCESSES} processes: numbers 1…{total}, no gap or repeat, {elapsed:.1f} s")


def test_the_same_transfer_posted_by_several_clients_at_once_makes_one_case(server):
    case = make_case()
    body = body_of(case)

    def send():
        timestamp = int(time.time())
        headers = {"X-Transfer-Timestamp": str(timestamp), "X-Transfer-Signature": sign(timestamp, body)}
        return live.post_json(f"{server}/api/v1/transfers/", body, headers=headers)

    answers = live.at_once([send] * TRANSFER_CLIENTS)

    codes = sorted(code for code, _ in answers)
    assert codes == [200] * (TRANSFER_CLIENTS - 1) + [201], answers
    assert len({json.loads(body)["case_id"] for _, body in answers}) == 1
    assert Transfer.objects.filter(transfer_id=case["transfer_id"]).count() == 1
    assert Transfer.objects.count() == 1
