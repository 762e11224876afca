"""Live notification latency (group 6): from the commit of a step to the websocket message at a connected client.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/bench_live.py [--messages N]

Starts the server (uvicorn, one worker per core) and a real Celery worker on the same Redis, connects a websocket to
ws/notifications/ as a subject user (session cookie), then ``--messages`` times commits a
transaction that calls notifications.services.notify for that user (as every step does)
and waits for the message. Latency = receipt − commit. The last line is JSON.
"""

import argparse
import asyncio
import subprocess
import time

from _common import ROOT, WebSocket, emit, free_port, make_user, pct, session_cookie, setup, stop
from _servers import start_asgi


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    setup()
    from django.db import transaction

    from notifications.services import notify

    celery = str(ROOT / ".venv" / "bin" / "celery")
    subprocess.run([celery, "-A", "workflow_service", "purge", "-f"], cwd=ROOT, capture_output=True)  # earlier groups' queued deliveries
    worker = subprocess.Popen([celery, "-A", "workflow_service", "worker", "-l", "warning", "-c", "1", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    user = make_user("bench.live.subject")
    cookie = session_cookie(user)
    port = free_port()
    server = start_asgi(port)

    def step(n):
        with transaction.atomic():
            notify(recipients=[user], event=EVENT, context=CONTEXT, data={"bench": n}, channels=["inapp"])
            committed = [None]
            transaction.on_commit(lambda: committed.__setitem__(0, time.perf_counter()))  # first callback: runs right after COMMIT
        return committed[0]

    async def run():
        ws = await WebSocket.connect(port, "/ws/notifications/", cookie)
        await asyncio.wait_for(ws.receive(), 10)  # hello
        samples = []
        for n in range(args.messages + 5):
            committed = await asyncio.to_thread(step, n)
            while True:
                message = await asyncio.wait_for(ws.receive(), 30)
                if message.get("type") == "notification":
                    break
            if n >= 5:
                samples.append((time.perf_counter() - committed) * 1000)
        ws.close()
        return samples

    try:
        samples = asyncio.run(run())
    finally:
        stop(server)
        stop(worker)
    figures = {"messages": len(samples), "p50_ms": pct(samples, 0.5), "p95_ms": pct(samples, 0.95), "p99_ms": pct(samples, 0.99), "max_ms": round(max(samples), 1)}
    print(f"  live notifications: {figures}", flush=True)
    emit({"bench": "live", **figures})


EVENT, CONTEXT = "case_status_changed", {"case_title": "异议处理 YY2026000001", "status_label": "已受理"}

if __name__ == "__main__":
    main()
