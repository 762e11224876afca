"""Real processes for the concurrency and fault tests: daphne, Celery workers, a private Redis and
PostgreSQL, and an outside receiver that deduplicates by idempotency key.

Every process is started with a bounded wait for it to answer and stopped in a ``finally``;
a test never touches the machine's shared PostgreSQL (5432) or Redis (6379) other than its
own test database.
"""

import base64
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "pass-12345"  # tests.factories' password for every user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def database_url(settings_dict=None) -> str:
    """The URL of the database this test runs on (``test_`` + the configured name)."""
    db = settings_dict or connection.settings_dict
    quote = urllib.parse.quote
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def service_environment(tmp_path: Path, port: int, **overrides) -> dict:
    """The environment of a server or worker on this test's database (``overrides`` win)."""
    assert connection.vendor == "postgresql" and settings.REDIS_URL, "these tests need PostgreSQL and Redis (./scripts/test)"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
    }
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.2):
    """Poll ``condition()`` until it is truthy (returned) or ``timeout`` passes (AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def collectstatic(env: dict) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"collectstatic failed:\n{done.stderr[-3000:]}"


@contextmanager
def daphne(env: dict, port: int, log: Path, *, static: bool = True):
    """The service under daphne on ``port`` with ``env``; yields the Popen once /healthz answers."""
    if static:
        collectstatic(env)
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "workflow_service.asgi:application"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        def answers():
            if server.poll() is not None:
                raise AssertionError(f"daphne exited with {server.returncode}:\n{log_tail(log)}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    return answer.status == 200
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        wait_for(answers, timeout=30, what=f"daphne on {port}:\n{log_tail(log)}")
        yield server
    finally:
        stop(server)


@contextmanager
def celery_worker(env: dict, log: Path):
    """``celery -A workflow_service worker`` (one solo process); yields the Popen once it is ready."""
    process = start_worker(env, log)
    try:
        yield process
    finally:
        stop(process)


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    marker = log.read_text(errors="replace").count("ready.") if log.exists() else 0
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workflow_service", "worker", "--pool=solo", "--concurrency=1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            cwd=BASE_DIR, env={**env, "CELERY_TASK_ALWAYS_EAGER": "0"}, stdout=out, stderr=subprocess.STDOUT,
        )

    def ready():
        if process.poll() is not None:
            raise AssertionError(f"the Celery worker exited with {process.returncode}:\n{log_tail(log)}")
        return log.read_text(errors="replace").count("ready.") > marker

    wait_for(ready, timeout=40, what=f"the Celery worker:\n{log_tail(log)}")
    return process


class PrivateRedis:
    """A redis-server of this test's own on a free port (the machine's Redis is shared: never stopped)."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (./scripts/test installs it)"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

        def pong():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(pong, timeout=10, what="the private redis-server")

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


# --- an outside receiver -------------------------------------------------------------------------


@dataclass
class Receiver:
    """What the dedup receiver got: every POST, the distinct idempotency keys, and how it answers."""

    url: str = ""
    posts: list = field(default_factory=list)
    keys: dict = field(default_factory=dict)  # idempotency key → times received
    delay: float = 0.0
    down: bool = False  # answers 503 while set

    @property
    def delivered(self) -> set:
        return set(self.keys)


@contextmanager
def dedup_receiver():
    """An HTTP receiver on 127.0.0.1 that deduplicates by the ``Idempotency-Key`` header (or the body's
    ``transfer_id`` + ``result``): a repeated key is the same message, answered 200 and not counted again."""
    state = Receiver()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if state.down:
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if state.delay:
                time.sleep(state.delay)
            key = self.headers.get("Idempotency-Key")
            if not key:
                try:
                    message = json.loads(body)
                    key = f"{message.get('transfer_id')}:{message.get('result')}"
                except ValueError:
                    key = base64.b64encode(body).decode()
            with lock:
                state.posts.append(key)
                state.keys[key] = state.keys.get(key, 0) + 1
            data = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/receive"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


# --- HTTP as a client does it --------------------------------------------------------------------


def request(method: str, url: str, *, body: bytes | None = None, headers: dict | None = None, timeout: float = 30) -> tuple[int, bytes]:
    """(status, body) of one request on its own connection; status 0 when no answer came (refused, reset, timed out)."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, b""


def post_json(url: str, data, *, headers: dict | None = None, timeout: float = 30) -> tuple[int, bytes]:
    body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return request("POST", url, body=body, headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}, timeout=timeout)


def at_once(calls: list) -> list:
    """Run the callables in as many threads, released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=20)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertion
            results[index] = ("error", repr(error))

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


class HTTPSMSBackend:
    """An SMS gateway over HTTP for the fault tests (``SMS_BACKEND=tests.live.HTTPSMSBackend``): POSTs each
    message to ``FAULTS_SMS_URL``, keyed by its content; slow or down when the receiver is."""

    def send(self, *, phone: str, text: str) -> None:
        import hashlib

        key = hashlib.sha256(f"{phone}|{text}".encode()).hexdigest()
        status, _ = post_json(os.environ["FAULTS_SMS_URL"], {"phone": phone, "text": text}, headers={"Idempotency-Key": "sms:" + key}, timeout=20)
        if not 200 <= status < 300:
            raise RuntimeError(f"SMS gateway answered {status}")


def sms_key(phone: str, text: str) -> str:
    import hashlib

    return "sms:" + hashlib.sha256(f"{phone}|{text}".encode()).hexdigest()

