"""Faults with real processes: a Celery worker killed mid-delivery, Redis stopped while staff decide,
the outside receiver down, PostgreSQL restarted under load.

Nothing here stops the machine's shared services: each test starts its own redis-server on a free
port (and, for the restart, its own PostgreSQL cluster), its own daphne and Celery worker, and an
outside receiver (``tests.live.dedup_receiver``) that deduplicates by idempotency key as the
contract allows the national site to (delivery is at least once: a repeat of a key is the same message).
"""

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import pytest
from celery import Celery
from django.conf import global_settings
from django.db import transaction
from django.test import Client

from credit.models import PlatformSync
from notifications import services as notification_services
from notifications.models import Delivery, Notification
from processes.transfer import delivery
from processes.transfer.tests.support import SECRET
from tests import live
from tests.factories import UserFactory, make_staff

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

S = PlatformSync.Status
PLATFORMS = ["credit.mot", "creditchina", "provincial"]


# --- the rig: private Redis, receiver, worker, server -------------------------------------------


@pytest.fixture
def rig(transactional_db, tmp_path, settings, monkeypatch):
    """A private Redis, the dedup receiver, the environment of a server and worker using them, and
    ``send(task, *args)`` to put a task on that Redis (this process's own broker is the shared test one)."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    # Rows this process writes are handed to the private worker explicitly (``send``), not to the test broker.
    monkeypatch.setattr(delivery, "dispatch", lambda *args, **kwargs: None)
    # (Notifications written here are queued on the test broker, where no worker listens.)
    redis = live.PrivateRedis(tmp_path / "redis")
    redis.start()
    app = Celery("faults", broker=redis.url, set_as_current=False)  # this process keeps its own app for its own tasks
    app.conf.broker_connection_retry_on_startup = True
    try:
        with live.dedup_receiver() as receiver:
            port = live.free_port()
            env = live.service_environment(
                tmp_path, port, REDIS_URL=redis.url, CELERY_TASK_ALWAYS_EAGER="0",
                NATIONAL_SITE_SECRET=SECRET, NATIONAL_SITE_FEEDBACK_URL=receiver.url,
                PLATFORM_SYNC_URLS=",".join(f"{platform}={receiver.url}" for platform in PLATFORMS),
                PLATFORM_SYNC_RETRY_BASE_SECONDS=1,
                SMS_BACKEND="tests.live.HTTPSMSBackend", FAULTS_SMS_URL=receiver.url,
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            )
            settings.NATIONAL_SITE_FEEDBACK_URL = receiver.url
            settings.PLATFORM_SYNC_URLS = {p: receiver.url for p in PLATFORMS}

            def send(name, *args):
                app.send_task(name, args=list(args), retry=True, retry_policy={"max_retries": 3, "interval_start": 0.2})

            yield type("Rig", (), {"redis": redis, "receiver": receiver, "env": env, "port": port, "send": staticmethod(send),
                                   "tmp": tmp_path, "url": f"http://127.0.0.1:{port}"})
    finally:
        app.close()
        redis.kill()


def queue_syncs(count: int, tag: str) -> list[PlatformSync]:
    target = UserFactory(username=f"{tag}.target")  # what the pushes are about (any row)
    rows = []
    for index in range(count):
        with transaction.atomic():
            rows.append(delivery.platform_sync_queue(
                platform=PLATFORMS[index % len(PLATFORMS)], event="objection_result" if index % 3 else "transfer_feedback",
                idempotency_key=f"{tag}-{index}", payload={"transfer_id": f"{tag}-{index}", "result": "corrected"}, target=target,
            ))
    return rows


def notify_user(user, count: int, tag: str) -> list[Notification]:
    with transaction.atomic():
        return [
            notification_services.notify(recipients=[user], event="case_status_changed", context={"case_title": f"{tag}案件{index}", "status_label": "已办结"})[0]
            for index in range(count)
        ]


def sms_keys(notifications) -> set[str]:
    return {live.sms_key(n.recipient.phone, notification_services.sms_text(n)) for n in notifications}


def all_delivered(sync_ids, notification_ids) -> bool:
    syncs_done = PlatformSync.objects.filter(pk__in=sync_ids, status=S.DELIVERED).count() == len(sync_ids)
    pending = Delivery.objects.filter(notification_id__in=notification_ids, status=Delivery.Status.PENDING).exists()
    return syncs_done and not pending


def sweep(rig, notification_ids=None):
    """What beat runs: the platform-sync sweep on the worker, and the notification requeue (as of now)."""
    rig.send("transfer.sweep_platform_syncs")
    for notification_id in notification_services.deliveries_requeue_stale(older_than_minutes=0, expire_after_hours=24):
        rig.send("notifications.tasks.deliver_notification", notification_id)


def logged_in(user) -> dict:
    client = Client()
    client.force_login(user)
    token = "b" * 32
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}", "X-CSRFToken": token}


# --- the worker killed ---------------------------------------------------------------------------


def test_worker_killed_mid_delivery_everything_arrives_once_after_restart(rig):
    user = UserFactory(username="told.user", phone="13800000001")
    syncs = queue_syncs(6, "kill")
    notifications = notify_user(user, 4, "kill")
    rig.receiver.delay = 0.8  # deliveries are in flight long enough to be cut
    log = rig.tmp / "worker.log"
    worker = live.start_worker(rig.env, log)
    try:
        for sync in syncs:
            rig.send("transfer.platform_sync_deliver", sync.pk)
        for notification in notifications:
            rig.send("notifications.tasks.deliver_notification", notification.pk)
        live.wait_for(lambda: len(rig.receiver.posts) >= 3, timeout=30, what="the first deliveries")
        time.sleep(0.3)  # the next request is in flight
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        cut_at = len(rig.receiver.posts)
        assert not all_delivered([s.pk for s in syncs], [n.pk for n in notifications]), "killed too late to test anything"

        worker = live.start_worker(rig.env, log)
        sweep(rig)
        live.wait_for(lambda: all_delivered([s.pk for s in syncs], [n.pk for n in notifications]), timeout=60,
                      what=f"every delivery after the restart:\n{live.log_tail(log)}", interval=0.5)
    finally:
        live.stop(worker)

    expected = {s.idempotency_key for s in syncs} | sms_keys(notifications)
    assert rig.receiver.delivered == expected  # nothing lost, nothing foreign
    deliveries = Delivery.objects.filter(notification__in=notifications)
    assert {d.status for d in deliveries} == {Delivery.Status.SENT} and deliveries.count() == 3 * len(notifications)
    assert all(s.status == S.DELIVERED for s in PlatformSync.objects.filter(pk__in=[s.pk for s in syncs]))
    repeats = len(rig.receiver.posts) - len(rig.receiver.delivered)
    print(f"worker killed after {cut_at} receipts; {len(expected)} messages delivered, {repeats} repeated POST(s) absorbed by the receiver's dedup")


# --- Redis stopped while staff decide ------------------------------------------------------------


def _cases_at_review(count: int):
    from tests.test_concurrency import _case_at_review

    return [_case_at_review() for _ in range(count)]


def test_redis_down_while_staff_decide_then_deliveries_go_out(rig, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # walking the cases here delivers in this process (shared test Redis)
    cases = _cases_at_review(3)
    reviewer = type(cases[0][2]).objects.get(pk=cases[0][2].pk)  # as saved last (each case set its password again)
    headers = logged_in(reviewer)
    before_syncs = set(PlatformSync.objects.values_list("pk", flat=True))
    before_notes = set(Notification.objects.values_list("pk", flat=True))
    server_log = rig.tmp / "daphne.log"
    with live.daphne(rig.env, rig.port, server_log), live.celery_worker(rig.env, rig.tmp / "worker.log"):
        rig.redis.kill()
        answers = []
        started = time.monotonic()
        for case_id, task_id, _ in cases:
            code, body = live.post_json(f"{rig.url}/api/v1/objections/{case_id}/tasks/{task_id}/complete/", {"decision": "approve", "comment": "同意。"}, headers=headers)
            answers.append((code, body[:300]))
        decide_seconds = time.monotonic() - started
        assert [code for code, _ in answers] == [200] * len(cases), answers
        pages = {
            "case (API)": live.request("GET", f"{rig.url}/api/v1/objections/{cases[0][0]}/", headers=headers)[0],
            "workbench": live.request("GET", f"{rig.url}/workbench/", headers=headers)[0],
            "platform syncs": live.request("GET", f"{rig.url}/staff/platform-syncs/", headers=logged_in(make_staff("legal", "intake")))[0],
        }
        assert set(pages.values()) == {200}, pages
        new_syncs = list(PlatformSync.objects.exclude(pk__in=before_syncs).values_list("pk", flat=True))
        new_notes = list(Notification.objects.exclude(pk__in=before_notes).values_list("pk", flat=True))
        assert new_syncs and new_notes
        assert not rig.receiver.posts  # nothing could go out meanwhile
        assert Delivery.objects.filter(notification_id__in=new_notes, status=Delivery.Status.PENDING).exists()

        rig.redis.start()  # back, empty: the dispatches made while it was down are lost; the sweeps find the rows
        time.sleep(2)  # the worker reconnects
        sweep(rig)
        live.wait_for(lambda: all_delivered(new_syncs, new_notes), timeout=60, what="the deliveries after Redis came back", interval=0.5)
    assert {d.status for d in Delivery.objects.filter(notification_id__in=new_notes)} <= {Delivery.Status.SENT, Delivery.Status.SKIPPED}
    keys = set(PlatformSync.objects.filter(pk__in=new_syncs).values_list("idempotency_key", flat=True))
    assert keys <= rig.receiver.delivered
    print(f"Redis down: {len(cases)} decisions committed in {decide_seconds:.1f} s, pages 200; {len(new_syncs)} pushes and {len(new_notes)} notifications delivered after")


# --- the receiver down ---------------------------------------------------------------------------


def test_receiver_down_is_retried_with_backoff_and_visible_to_staff(rig):
    syncs = queue_syncs(3, "down")
    rig.receiver.down = True
    with live.daphne(rig.env, rig.port, rig.tmp / "daphne.log"), live.celery_worker(rig.env, rig.tmp / "worker.log"):
        for sync in syncs:
            rig.send("transfer.platform_sync_deliver", sync.pk)
        retrying = lambda: PlatformSync.objects.filter(pk__in=[s.pk for s in syncs], status=S.RETRYING, attempts__gte=2).count() == len(syncs)  # noqa: E731
        live.wait_for(retrying, timeout=40, what="two failed attempts of each push", interval=0.5)
        rows = PlatformSync.objects.filter(pk__in=[s.pk for s in syncs])
        assert all(row.next_attempt_at and "503" in row.last_error for row in rows)
        code, page = live.request("GET", f"{rig.url}/staff/platform-syncs/?status=retrying", headers=logged_in(make_staff("legal", "intake")))
        page = page.decode()
        assert code == 200 and all(f'data-key="{s.idempotency_key}"' in page for s in syncs), page[:2000]

        rig.receiver.down = False
        delivered = lambda: PlatformSync.objects.filter(pk__in=[s.pk for s in syncs], status=S.DELIVERED).count() == len(syncs)  # noqa: E731
        live.wait_for(delivered, timeout=40, what="delivery once the receiver is back", interval=0.5)
    attempts = sorted(PlatformSync.objects.filter(pk__in=[s.pk for s in syncs]).values_list("attempts", flat=True))
    assert rig.receiver.delivered == {s.idempotency_key for s in syncs}
    print(f"receiver down: {len(syncs)} pushes retried (attempts {attempts}) and delivered when it came back")


# --- PostgreSQL restarted under load -------------------------------------------------------------


def _pg_bin(name: str) -> str:
    for version in ("17", "16", "15", "14", "13"):
        path = f"/usr/lib/postgresql/{version}/bin/{name}"
        if os.path.exists(path):
            return path
    found = shutil.which(name)
    assert found, f"{name} not found: install PostgreSQL's server binaries"
    return found


def _as_postgres(args, **kwargs):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + args, capture_output=True, text=True, timeout=60, **kwargs)


@pytest.fixture
def private_postgres(transactional_db):
    """A PostgreSQL cluster of this test's own (initdb in a temp dir, a free port) holding a copy of the test database."""
    from django.db import connection

    workdir = tempfile.mkdtemp(prefix="wf-faults-pg-")
    data = os.path.join(workdir, "data")
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    port = live.free_port()
    ctl = _pg_bin("pg_ctl")
    try:
        done = _as_postgres([_pg_bin("initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        assert done.returncode == 0, done.stderr
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        done = _as_postgres([ctl, "-D", data, "-o", options, "-l", os.path.join(workdir, "log"), "-w", "-t", "30", "start"])
        assert done.returncode == 0, done.stderr
        url = f"postgres://postgres@127.0.0.1:{port}/service"
        assert _as_postgres([_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "service"]).returncode == 0
        dump = subprocess.run([_pg_bin("pg_dump"), "--no-owner", "--no-privileges", live.database_url(connection.settings_dict)], capture_output=True, timeout=60)
        assert dump.returncode == 0, dump.stderr[-2000:]
        restore = subprocess.run([_pg_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", url], input=dump.stdout, capture_output=True, timeout=60)
        assert restore.returncode == 0, restore.stderr[-2000:]
        yield type("PG", (), {"url": url, "restart": staticmethod(lambda: _as_postgres([ctl, "-D", data, "-o", options, "-l", os.path.join(workdir, "log"), "-m", "fast", "-w", "-t", "30", "restart"]))})
    finally:
        _as_postgres([ctl, "-D", data, "-m", "immediate", "stop"])
        shutil.rmtree(workdir, ignore_errors=True)


def test_postgres_restarted_under_load_fails_cleanly_and_recovers(private_postgres, tmp_path, settings):
    port = live.free_port()
    env = live.service_environment(tmp_path, port, DATABASE_URL=private_postgres.url, CONN_MAX_AGE=60)
    url = f"http://127.0.0.1:{port}"
    pages = ["/healthz", "/public/repairs/", "/documents/verify/"]
    results, stop = [], threading.Event()
    lock = threading.Lock()

    def hammer(path):
        while not stop.is_set():
            started = time.monotonic()
            code, body = live.request("GET", url + path, timeout=15)
            with lock:
                results.append((time.monotonic(), path, code, time.monotonic() - started, b"Traceback" in body))

    log = tmp_path / "daphne.log"
    with live.daphne(env, port, log) as server:
        threads = [threading.Thread(target=hammer, args=(path,), daemon=True) for path in pages for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(2)
            restart_began = time.monotonic()
            done = private_postgres.restart()
            restart_ended = time.monotonic()
            assert done.returncode == 0, done.stderr
            time.sleep(4)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=20)
        assert server.poll() is None, "daphne died with the database"
        after = [live.request("GET", url + path, timeout=15)[0] for path in pages]

    before = [r for r in results if r[0] < restart_began]
    during = [r for r in results if restart_began <= r[0] <= restart_ended + 1]
    late = [r for r in results if r[0] > restart_ended + 2]
    assert before and all(r[2] == 200 for r in before), before[:5]
    assert all(r[2] in (200, 500, 503) for r in results), sorted({r[2] for r in results})  # an answer, never a hang or a reset
    assert max(r[3] for r in results) < 15
    assert not any(r[4] for r in results), "a traceback was shown to a client"
    assert late and all(r[2] == 200 for r in late), [(round(r[0] - restart_ended, 1), r[1], r[2]) for r in late if r[2] != 200][:10]
    assert after == [200] * len(pages)
    failed = sum(1 for r in results if r[2] != 200)
    print(f"PostgreSQL restart under load: {len(results)} requests, {len(during)} during the restart, {failed} clean errors, recovered without restarting daphne")
