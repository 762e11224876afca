"""ASGI guard of the transfer endpoint's body size.

Django's ASGI handler reads a request's whole body (to a spooled temporary file)
before any view runs, with no limit, so the view's own check would come after an
arbitrarily large upload. Wrapped around the HTTP application, this answers 413
on ``Content-Length`` alone without reading the body, and stops reading a body
without one (chunked) one byte past ``TRANSFER_MAX_BODY_BYTES``; an acceptable
body is handed on unchanged.
"""

import json

from django.conf import settings

PATH_PREFIX = "/api/v1/transfers"


class TransferBodyLimit:
    def __init__(self, app, path_prefix: str = PATH_PREFIX):
        self.app = app
        self.path_prefix = path_prefix

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope.get("path", "").startswith(self.path_prefix):
            return await self.app(scope, receive, send)
        limit = settings.TRANSFER_MAX_BODY_BYTES
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            return await self._too_big(send, limit)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                return await self._too_big(send, limit)
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    @staticmethod
    async def _too_big(send, limit: int):
        body = json.dumps({"error": f"请求体超过 {limit} 字节的上限。"}, ensure_ascii=False).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})
