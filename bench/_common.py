"""Shared by the bench scripts: Django setup on the bench database, actors, percentiles, servers, a websocket client."""

import asyncio
import base64
import itertools
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_service.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
PYTHON = str(ROOT / ".venv" / "bin" / "python")

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def setup():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench: DATABASE_URL must point at the PostgreSQL bench database (run bench/run)")
    import django

    django.setup()


def pct(samples, q):
    samples = sorted(samples)
    if not samples:
        return None
    return round(samples[min(len(samples) - 1, max(0, round(q * len(samples)) - 1))], 2)


def rss_mb(pid="self"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


_serial = itertools.count(int(time.time() * 1000) % 10**7)


def uscc(n: int) -> str:
    from credit.validators import uscc_check_character

    body = "91350200" + "%09d" % n
    return body + uscc_check_character(body)


def make_user(username: str, **extra):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com", **extra})
    return user


def make_staff(department_code: str, role: str, username: str):
    from credit import services
    from credit.models import Department

    user = make_user(username)
    try:
        services.staff_role_grant(user=user, department=Department.objects.get(code=department_code), role=role)
    except Exception:  # granted already on a re-run
        pass
    return user


def session_cookie(user) -> str:
    """A logged-in session for ``user``, as the browser would hold it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # what a password login records
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port: int, path="/healthz", timeout=60):
    async def probe():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return (await asyncio.wait_for(http_get(reader, writer, path, {}), 5))[0]
        finally:
            writer.close()

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if asyncio.run(probe()) == 200:
                return
        except Exception:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not answer {path}")


def stop(proc: subprocess.Popen):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def http_get(reader, writer, path: str, headers: dict) -> tuple[int, bytes]:
    """One keep-alive HTTP/1.1 GET on an open connection (no client library: the numbers are the server's)."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length, chunked = None, False
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == b"content-length":
            length = int(value)
        if key.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if length is not None:
        body = await reader.readexactly(length)
    elif chunked:
        body = b""
        while True:
            size = int((await reader.readline()).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = await reader.read()
    return status, body


class WebSocket:
    """A minimal RFC 6455 client (text frames only), enough to listen to ws/notifications/."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, port: int, path: str, cookie: str):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n").encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"websocket refused: {head[:200]!r}")
        return cls(reader, writer)

    async def receive(self) -> dict:
        while True:
            first, second = await self.reader.readexactly(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                length = int.from_bytes(await self.reader.readexactly(2), "big")
            elif length == 127:
                length = int.from_bytes(await self.reader.readexactly(8), "big")
            payload = await self.reader.readexactly(length)
            if opcode == 1:
                return json.loads(payload)
            if opcode == 8:
                raise ConnectionError("websocket closed")

    def close(self):
        self.writer.close()


def emit(payload: dict):
    print(json.dumps(payload, ensure_ascii=False), flush=True)
