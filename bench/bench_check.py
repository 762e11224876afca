"""How fast the joint punishment check (逢批必查) answers with a large register.

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_check.py [--subjects N] [--checks N]

Builds a throw-away test database on whatever DATABASE_URL points at (SQLite by
default; PostgreSQL is what production runs), fills it with ``--subjects`` subjects,
two penalty records each (a quarter serious) and a list entry for every tenth, then
asks ``--checks`` times about random subjects through the real API (token, rate
limit, log row). Prints the latency percentiles and the queries per check; the last
line is JSON.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_service.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=50000, help="subjects in the register (default 50000)")
    parser.add_argument("--checks", type=int, default=500, help="checks to time (default 500)")
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()

    from django.db import connection, reset_queries
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        codes = fill(args.subjects)
        from rest_framework.test import APIClient

        from processes.listing.services import check_client_create

        _, token = check_client_create(name="bench", system_kind="licensing", rate_limit_per_minute=10**9)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        rng = random.Random(7)
        client.get("/api/v1/check/", {"code": codes[0]})  # warm-up
        timings, queries = [], []
        from django.conf import settings

        settings.DEBUG = True  # record queries
        for _ in range(args.checks):
            reset_queries()
            started = time.perf_counter()
            response = client.get("/api/v1/check/", {"code": rng.choice(codes)})
            timings.append((time.perf_counter() - started) * 1000)
            queries.append(len(connection.queries))
            assert response.status_code == 200, response.content
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    timings.sort()
    p50, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]
    print(f"register: {args.subjects} subjects, {args.subjects * 2} records, {args.subjects // 10} list entries ({connection.vendor})")
    print(f"check: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms over {args.checks} checks; {max(queries)} queries each")
    print(json.dumps({"bench": "check", "vendor": connection.vendor, "subjects": args.subjects, "p50_ms": round(p50, 2), "p95_ms": round(p95, 2), "queries": max(queries)}))


def fill(count: int) -> list[str]:
    """Bulk rows (no per-row services: they are not what is measured)."""
    from credit.models import CreditRecord, Department, ListEntry, Subject
    from credit.validators import uscc_check_character

    department = Department.objects.get(code="enforcement")
    subjects = []
    for n in range(count):
        body = "91350100" + "%09d" % n
        subjects.append(Subject(kind="legal_person", name=f"基准运输有限公司{n}", uscc=body + uscc_check_character(body)))
    Subject.objects.bulk_create(subjects, batch_size=5000)
    subjects = list(Subject.objects.order_by("pk"))
    day = datetime.date(2026, 3, 2)
    records = [
        CreditRecord(
            subject=subject, kind="penalty", severity="serious" if (n + m) % 4 == 0 else "general", source_department=department,
            title="超限超载运输", document_number=f"交执罚〔2026〕{n * 2 + m}号", deciding_authority=department.name,
            decision_date=day, publication_date=day, status="published",
        )
        for n, subject in enumerate(subjects) for m in range(2)
    ]
    CreditRecord.objects.bulk_create(records, batch_size=5000)
    entries = [
        ListEntry(
            subject=subject, list_kind="black", designating_department=department, designation_standard="认定标准", reason="基准",
            measures=["限制参与招标投标"], proposed_on=day, listed_on=day, expires_on=datetime.date(2099, 1, 1), status="listed",
        )
        for subject in subjects[::10]
    ]
    ListEntry.objects.bulk_create(entries, batch_size=5000)
    return [subject.uscc for subject in subjects]


if __name__ == "__main__":
    main()
