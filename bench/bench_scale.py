"""Inbox and case page at scale (group 2) and the joint punishment check under load (group 3).

    DATABASE_URL=postgres://…/bench_workflow REDIS_URL=redis://…/4 .venv/bin/python bench/bench_scale.py [--records N] [--open-tasks N] [--requests N] [--check-seconds S]

Seeds the register with bulk inserts (bench_oversight.seed: records, open tasks spread
over six departments with due dates, their cases), starts the real ASGI server
(uvicorn, one worker per core) and times, over HTTP on loopback, a staff member's workbench page, the
inbox and queue API and case pages (p50/p95/p99, one keep-alive connection), then
loads GET /api/v1/check/ from a second process (wrk, 4 connections) with random
codes from the same register. The last line is JSON.
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time

from _common import ROOT, emit, free_port, http_get, make_staff, pct, session_cookie, setup, stop
from _servers import start_asgi

WRK_LUA = """
local codes = {}
for line in io.lines("%(codes)s") do codes[#codes + 1] = line end
math.randomseed(7)
request = function()
  return wrk.format("GET", "/api/v1/check/?code=" .. codes[math.random(#codes)], {["Authorization"] = "Bearer %(token)s"})
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %%d, \\"seconds\\": %%.3f, \\"errors\\": %%d, \\"non2xx\\": %%d, \\"p50_us\\": %%d, \\"p95_us\\": %%d, \\"p99_us\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


async def time_paths(port, paths, headers, repeat):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    samples, statuses = [], {}
    for n in range(repeat + 5):
        path = paths[n % len(paths)]
        started = time.perf_counter()
        status, _ = await asyncio.wait_for(http_get(reader, writer, path, headers), 30)
        elapsed = (time.perf_counter() - started) * 1000
        statuses[status] = statuses.get(status, 0) + 1
        if n >= 5:  # warm-up
            samples.append(elapsed)
    writer.close()
    if set(statuses) != {200}:  # a figure for error pages would mean nothing
        raise RuntimeError(f"{paths[0]} answered {statuses}")
    return {"p50_ms": pct(samples, 0.5), "p95_ms": pct(samples, 0.95), "p99_ms": pct(samples, 0.99), "requests": len(samples), "statuses": statuses}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--open-tasks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page (default 300)")
    parser.add_argument("--check-seconds", type=int, default=20)
    args = parser.parse_args()
    setup()
    sys.path.insert(0, str(ROOT / "bench"))
    from django.db import connection
    from django.utils import timezone

    from credit.models import CreditRecord, Subject
    from processes.objection.models import Objection

    figures = {}
    started = time.perf_counter()
    if CreditRecord.objects.count() < args.records:
        from bench_oversight import seed

        seed(records=args.records, open_tasks=args.open_tasks, finished=0, today=timezone.localdate(), rng=random.Random(7))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    figures["seed_s"] = round(time.perf_counter() - started, 1)
    figures["register"] = {
        "records": CreditRecord.objects.count(), "subjects": Subject.objects.count(),
        "open_tasks": connection.cursor().execute("select count(*) from viewflow_task where status in ('NEW','ASSIGNED')").fetchone()[0],
    }
    print(f"  register: {figures['register']} (seeded in {figures['seed_s']} s)", flush=True)

    staff = make_staff("legal", "handler", "bench.legal.handler")
    make_staff("legal", "intake", "bench.legal.handler")
    make_staff("legal", "reviewer", "bench.legal.handler")
    cookie = session_cookie(staff)
    rng = random.Random(11)
    case_ids = list(Objection.objects.filter(process__isnull=False).values_list("pk", flat=True)[:2000])
    case_paths = [f"/staff/objections/{pk}/" for pk in rng.sample(case_ids, min(200, len(case_ids)))]

    from processes.listing.services import check_client_create

    _, token = check_client_create(name=f"bench-{time.time()}", system_kind="licensing", rate_limit_per_minute=10**9)
    codes = [c for c in Subject.objects.order_by("?").values_list("uscc", flat=True)[:5000] if c]

    port = free_port()
    server = start_asgi(port)
    try:
        headers = {"Cookie": cookie}
        pages = {
            "workbench_page": ["/workbench/"],
            "inbox_api": ["/api/v1/tasks/inbox/"],
            "queue_api": ["/api/v1/tasks/queue/"],
            "case_page": case_paths,
        }
        for label, paths in pages.items():
            figures[label] = asyncio.run(time_paths(port, paths, headers, args.requests))
            print(f"  {label:<16} {figures[label]}", flush=True)
        figures["check_single"] = asyncio.run(time_paths(port, [f"/api/v1/check/?code={c}" for c in codes[:200]], {"Authorization": f"Bearer {token}"}, args.requests))
        print(f"  check (1 conn)   {figures['check_single']}", flush=True)

        with tempfile.TemporaryDirectory() as tmp:
            codes_file = os.path.join(tmp, "codes.txt")
            with open(codes_file, "w") as f:
                f.write("\n".join(codes))
            script = os.path.join(tmp, "check.lua")
            with open(script, "w") as f:
                f.write(WRK_LUA % {"codes": codes_file, "token": token})
            out = subprocess.run(["wrk", "-t1", "-c4", f"-d{args.check_seconds}s", "--timeout", "5s", "-s", script, f"http://127.0.0.1:{port}"],
                                 capture_output=True, text=True, check=True).stdout
        load = json.loads([line for line in out.splitlines() if line.startswith("JSON ")][-1][5:])
        figures["check_load"] = {
            "requests_per_s": round(load["requests"] / load["seconds"], 1), "p50_ms": load["p50_us"] / 1000, "p95_ms": load["p95_us"] / 1000,
            "p99_ms": load["p99_us"] / 1000, "errors": load["errors"], "non2xx": load["non2xx"], "connections": 4, "tool": "wrk", "seconds": args.check_seconds,
        }
        print(f"  check under load {figures['check_load']}", flush=True)
    finally:
        stop(server)
    emit({"bench": "scale", **figures})


if __name__ == "__main__":
    main()
