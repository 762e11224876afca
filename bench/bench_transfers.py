"""Transfer intake (group 4): signed transfers with two attachments each, sustained, duplicates included.

    DATABASE_URL=… NATIONAL_SITE_SECRET=… .venv/bin/python bench/bench_transfers.py [--seconds S] [--connections N]
        [--server daphne|uvicorn|gunicorn] [--workers W] [--intake-staff K] [--attachment-kib A]

Starts the server (uvicorn with one worker per core by default, as in production; or daphne / gunicorn with W worker
processes), then a second process (this one, asyncio, raw HTTP/1.1 keep-alive)
POSTs signed transfers (national-transfer.md) to /api/v1/transfers/ for ``--seconds``;
every tenth message repeats an earlier one exactly (the national site retries); its two
attachments are tiny unless ``--attachment-kib`` gives them a size. The
credit office has at least K intake staff (default 2, as the other groups of bench/run
leave it), each told of every new case as in production. Counts
201 (new cases), 200 (duplicates answered) and anything else. Also the CPU seconds the
server's processes, this client and the database's PostgreSQL backends used during the
run (backends that ended during it are not counted), so that a busy machine's figures can
be read per CPU-second. The last line is JSON.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import random
import time

from _common import PDF, PNG, emit, free_port, make_staff, pct, setup, stop, uscc
from _servers import SERVERS, postgres_cpu_seconds, start_asgi, tree_cpu_seconds


# The two attachments' Base64: the tiny PDF and PNG of _common unless --attachment-kib asks for sized ones.
ATTACHMENTS = {"pdf": base64.b64encode(PDF).decode(), "png": base64.b64encode(PNG).decode()}


def sized_attachments(kib: int) -> dict:
    """A PDF and a PNG of ``kib`` KiB each, their bodies incompressible like a scan's (and accepted by the upload check)."""
    from processes.common.materials import check_material

    rng = random.Random(kib)
    while True:
        filler = rng.randbytes(kib * 1024)
        pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nstream\n" + filler + b"\nendstream\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        png = PNG[:8] + filler
        if not check_material("a.pdf", pdf) and not check_material("b.png", png):
            return {"pdf": base64.b64encode(pdf).decode(), "png": base64.b64encode(png).decode()}


def body_for(n: int, run: str) -> bytes:
    return json.dumps({
        "transfer_id": f"BENCH-{run}-{n:07d}", "source": "credit.mot", "case_type": "objection" if n % 2 else "repair",
        "received_at": "2026-11-20T09:30:00+08:00",
        "subject": {"kind": "legal_person", "name": f"基准转办运输有限公司{n % 500}", "uscc": uscc(900000 + n % 500), "id_number": None},
        "record": {"decision_no": f"闽交执罚〔2026〕{n}号", "authority": "交通运输综合行政执法支队", "decision_date": "2026-05-01"},
        "applicant": {"name": "张三", "phone": "13800000000", "email": "zs@example.com"},
        "reason": "处罚决定书文号登记有误" if n % 2 else "已缴清罚款并完成整改，申请信用修复",
        "attachments": [
            {"name": "信用承诺书.pdf", "content_type": "application/pdf", "content_base64": ATTACHMENTS["pdf"]},
            {"name": "整改照片.png", "content_type": "image/png", "content_base64": ATTACHMENTS["png"]},
        ],
    }, ensure_ascii=False).encode()


async def post(reader, writer, body: bytes, secret: bytes):
    ts = str(int(time.time()))
    sig = hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    head = (f"POST /api/v1/transfers/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nX-Transfer-Timestamp: {ts}\r\nX-Transfer-Signature: sha256={sig}\r\n\r\n")
    writer.write(head.encode() + body)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length"))
    await reader.readexactly(length)
    return status


async def load(port, seconds, connections, secret):
    run = str(int(time.time()))
    counter = {"n": 0}
    statuses, samples = {}, []
    deadline = time.perf_counter() + seconds

    async def client():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            counter["n"] += 1
            n = counter["n"]
            body = body_for(n - 7 if n % 10 == 0 and n > 10 else n, run)  # every tenth: a retry of an earlier message
            started = time.perf_counter()
            status = await asyncio.wait_for(post(reader, writer, body, secret), 30)
            samples.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    return time.perf_counter() - started, statuses, samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--server", choices=SERVERS, default="uvicorn", help="uvicorn by default, as the README serves it")
    parser.add_argument("--workers", type=int, help="server worker processes (uvicorn, gunicorn; default one per core)")
    parser.add_argument("--attachment-kib", type=int, default=0, help="size of each attachment (default: _common's tiny PDF and PNG)")
    parser.add_argument("--intake-staff", type=int, default=2, help="at least this many intake staff in the credit office, each notified of every new case")
    args = parser.parse_args()
    setup()
    if args.attachment_kib:
        ATTACHMENTS.update(sized_attachments(args.attachment_kib))
    from credit.models import StaffRole

    # At least K: the other groups of bench/run leave two in the bench database.
    for n in range(StaffRole.objects.filter(department__code="legal", role="intake").count(), args.intake_staff):
        make_staff("legal", "intake", f"bench.transfers.intake{n}")
    from django.db import connection

    secret = os.environ["NATIONAL_SITE_SECRET"].encode()
    database = connection.settings_dict["NAME"]
    port = free_port()
    args.workers = args.workers or (1 if args.server == "daphne" else os.cpu_count() or 1)
    server = start_asgi(port, server=args.server, workers=args.workers)
    try:
        server_cpu, client_cpu, db_cpu = tree_cpu_seconds(server.pid), time.process_time(), postgres_cpu_seconds(database)
        elapsed, statuses, samples = asyncio.run(load(port, args.seconds, args.connections, secret))
        server_cpu = tree_cpu_seconds(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        db_cpu = postgres_cpu_seconds(database) - db_cpu
    finally:
        stop(server)
    total = sum(statuses.values())
    ok = statuses.get(201, 0) + statuses.get(200, 0)
    figures = {"seconds": round(elapsed, 1), "requests": total, "per_s": round(total / elapsed, 1), "accepted_per_s": round(ok / elapsed, 1),
               "new_cases": statuses.get(201, 0), "duplicates_answered": statuses.get(200, 0), "other": {k: v for k, v in statuses.items() if k not in (200, 201)},
               "p50_ms": pct(samples, 0.5), "p95_ms": pct(samples, 0.95), "connections": args.connections,
               "attachment_kib": args.attachment_kib, "intake_staff": args.intake_staff, "server": args.server, "workers": args.workers,
               "server_cpu_s": round(server_cpu, 1), "client_cpu_s": round(client_cpu, 1), "postgres_cpu_s": round(db_cpu, 1),
               "accepted_per_server_cpu_s": round(ok / server_cpu, 1) if server_cpu else None,
               "accepted_per_cpu_s": round(ok / (server_cpu + db_cpu), 1) if server_cpu + db_cpu else None}
    print(f"  transfers: {figures}", flush=True)
    emit({"bench": "transfers", **figures})


if __name__ == "__main__":
    main()
