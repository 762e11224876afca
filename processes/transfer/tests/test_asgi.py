"""Under ASGI (daphne) Django reads a whole body before any view: the guard refuses an oversized one first."""

import asyncio
import json

import pytest

from processes.transfer.asgi import TransferBodyLimit


class App:
    def __init__(self):
        self.bodies = []

    async def __call__(self, scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def call(app, *, path="/api/v1/transfers/", method="POST", headers=(), chunks=(b"",)):
    pending = [{"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1} for index, chunk in enumerate(chunks)]
    reads, sent = [], []

    async def receive():
        reads.append(1)
        return pending.pop(0)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": path, "method": method, "headers": list(headers)}
    asyncio.run(TransferBodyLimit(app)(scope, receive, send))
    status = next(message["status"] for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return status, body, len(reads)


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.TRANSFER_MAX_BODY_BYTES = 100


def test_content_length_over_the_limit_is_refused_without_reading_the_body():
    app = App()
    status, body, reads = call(app, headers=[(b"content-length", b"101")], chunks=(b"x" * 101,))
    assert status == 413 and "100" in json.loads(body)["error"]
    assert reads == 0 and app.bodies == []


def test_a_chunked_body_is_read_only_until_it_passes_the_limit():
    app = App()
    status, _, reads = call(app, chunks=(b"x" * 60, b"x" * 60, b"x" * 60, b"x" * 60))
    assert status == 413 and reads == 2 and app.bodies == []


def test_a_body_within_the_limit_reaches_django_unchanged():
    app = App()
    status, _, _ = call(app, headers=[(b"content-length", b"100")], chunks=(b"a" * 50, b"b" * 50))
    assert status == 200 and app.bodies == [b"a" * 50 + b"b" * 50]


def test_other_paths_are_not_touched():
    app = App()
    status, _, _ = call(app, path="/api/v1/objections/", headers=[(b"content-length", b"1000")], chunks=(b"x" * 1000,))
    assert status == 200 and app.bodies == [b"x" * 1000]
