"""A stand-in for the national site's feedback receiver: a real HTTP server on 127.0.0.1, in a thread.

It checks each delivery's signature as the national site does, answers with the
scripted codes in order (then 200), and keeps every request it got.
"""

import hashlib
import hmac
import http.server
import json
import threading
import time
from dataclasses import dataclass, field

from .support import SECRET


@dataclass
class Received:
    headers: dict
    body: bytes
    signature_ok: bool
    answered: int

    @property
    def message(self) -> dict:
        return json.loads(self.body)


@dataclass
class FeedbackReceiver:
    url: str = ""
    script: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    delay: float = 0.0

    def answer_with(self, *codes: int):
        self.script = list(codes)

    @property
    def accepted(self) -> list[Received]:
        return [request for request in self.received if 200 <= request.answered < 300]


def start(secret: str = SECRET):
    state = FeedbackReceiver()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            timestamp = self.headers.get("X-Transfer-Timestamp", "")
            expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            good = timestamp.isdigit() and abs(int(timestamp) - time.time()) <= 300 and hmac.compare_digest(self.headers.get("X-Transfer-Signature", ""), expected)
            if state.delay:
                time.sleep(state.delay)
            with lock:
                code = 401 if not good else (state.script.pop(0) if state.script else 200)
                state.received.append(Received(headers=dict(self.headers), body=body, signature_ok=good, answered=code))
            data = json.dumps({"ok": 200 <= code < 300}).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/feedback"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, state
