"""How fast the oversight dashboard's queries are on a large register.

    .venv/bin/python bench/bench_oversight.py [--records N] [--open-tasks N] [--finished N] [--repeat N]

The target is the benchmark register of the issue: 1,000,000 credit records and
100,000 open tasks (``--records 1000000``; ``--open-tasks`` defaults to a tenth
of the records, ``--finished`` to a fifth). The default, 100,000 records, is a
quick run. The register is seeded with bulk inserts into a throw-away test
database on whatever DATABASE_URL points at (SQLite by default; PostgreSQL is
the production figure), then each dashboard query and page is timed ``--repeat``
times. Prints p50/p95 in milliseconds; the last line is JSON.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_service.settings")

BATCH = 5000


def timed(label, fn, repeat, results):
    fn()  # warm-up: caches, prepared plans, the first font or template load
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p50 = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    results[label] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1)}
    print(f"  {label:<44} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms", flush=True)


def seed(*, records: int, open_tasks: int, finished: int, today: datetime.date, rng: random.Random) -> dict:
    from django.db import transaction
    from viewflow.workflow.models import Process, Task

    from credit.models import CreditRecord, Department, Subject
    from credit.validators import uscc_check_character
    from processes.common.models import TaskDeadline, role_permission
    from processes.objection.flows import ObjectionFlow
    from processes.objection.models import Objection
    from processes.repair.flows import RepairFlow
    from processes.repair.models import RepairApplication

    departments = {d.code: d.pk for d in Department.objects.all()}
    producers = {
        "licence": [departments[c] for c in ("approval", "transport", "road-transport-center", "maritime-center")],
        "penalty": [departments[c] for c in ("enforcement", "enforcement", "highway-center", "maritime-center")],
        "evaluation": [departments["highway-center"], departments["construction"]],
        "dishonesty": [departments["transport"], departments["legal"]],
    }
    workers = [departments[c] for c in ("legal", "enforcement", "approval", "transport", "highway-center", "road-transport-center")]
    span = 36 * 30  # three years of decisions
    started = time.perf_counter()

    subjects_n = max(100, records // 50)  # 20,000 subjects for the 1,000,000-record register
    subject_ids = []
    for first in range(0, subjects_n, BATCH):
        batch = []
        for n in range(first, min(first + BATCH, subjects_n)):
            body = "91350100" + "%09d" % (n + 1)
            batch.append(Subject(kind="legal_person", name=f"基准运输有限公司{n}", uscc=body + uscc_check_character(body)))
        subject_ids += [s.pk for s in Subject.objects.bulk_create(batch)]

    record_ids = []
    kinds = ["licence"] * 45 + ["penalty"] * 45 + ["evaluation"] * 6 + ["dishonesty"] * 4
    completeness = [0.2, 0.45, 0.55, 0.64, 0.7, 0.82, 0.9, 1.0, 1.0, 1.0]
    for first in range(0, records, BATCH):
        batch = []
        for _ in range(first, min(first + BATCH, records)):
            kind = rng.choice(kinds)
            decided = today - datetime.timedelta(days=rng.randint(0, span))
            published = None if rng.random() < 0.04 else decided + datetime.timedelta(days=rng.randint(0, 16))
            if published and published > today:
                published = None
            batch.append(
                CreditRecord(
                    subject_id=rng.choice(subject_ids), kind=kind, source_department_id=rng.choice(producers[kind]),
                    title="基准记录", deciding_authority="市交通运输局", decision_date=decided, publication_date=published,
                    severity=("serious" if rng.random() < 0.05 else "general") if kind == "penalty" else "", completeness=rng.choice(completeness),
                    status="published" if published else "unpublished",
                )
            )
        with transaction.atomic():
            record_ids += [r.pk for r in CreditRecord.objects.bulk_create(batch)]
    # Every tenth subject on the black list (what the check API answers about).
    from credit.models import ListEntry

    ListEntry.objects.bulk_create(
        [
            ListEntry(
                subject_id=pk, list_kind="black", designating_department_id=departments["transport"], designation_standard="基准认定标准",
                reason="基准", measures=["限制参与招标投标", "从严审核行政许可"], proposed_on=today - datetime.timedelta(days=90),
                listed_on=today - datetime.timedelta(days=60), expires_on=today + datetime.timedelta(days=3 * 365), status="listed",
            )
            for pk in subject_ids[::10]
        ],
        batch_size=BATCH,
    )
    print(f"  seeded {subjects_n} subjects ({len(subject_ids[::10])} on the black list), {records} records ({time.perf_counter() - started:.0f} s)", flush=True)

    now = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    flows = [(ObjectionFlow, [ObjectionFlow.intake, ObjectionFlow.verify, ObjectionFlow.review]), (RepairFlow, None)]
    repair_steps = [node for node in RepairFlow.instance.nodes() if getattr(node, "task_type", "") == "HUMAN"]
    flows[1] = (RepairFlow, repair_steps)

    for first in range(0, open_tasks, BATCH):
        size = min(BATCH, open_tasks - first)
        with transaction.atomic():
            plan = [flows[n % 2] for n in range(size)]
            created = [now - datetime.timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 600)) for _ in range(size)]
            processes = Process.objects.bulk_create([Process(flow_class=flow, status="NEW", created=c) for (flow, _), c in zip(plan, created)])
            tasks = Task.objects.bulk_create(
                [
                    Task(
                        process_id=p.pk, flow_task=rng.choice(steps), flow_task_type="HUMAN", status=rng.choice(["NEW", "NEW", "ASSIGNED"]),
                        created=c, owner_permission=role_permission("handler"), owner_permission_obj_pk=str(rng.choice(workers)),
                    )
                    for p, (_, steps), c in zip(processes, plan, created)
                ]
            )
            deadlines = []
            for task in tasks:
                due = today + datetime.timedelta(days=rng.randint(-20, 15))
                deadlines.append(
                    TaskDeadline(
                        task_id=task.pk, rule_key="bench", working_days=5, due_on=due, remind_on=due - datetime.timedelta(days=1),
                        department_id=int(task.owner_permission_obj_pk),
                    )
                )
            TaskDeadline.objects.bulk_create(deadlines)
            objections, repairs = [], []
            for p, (flow, _) in zip(processes, plan):
                common = {"subject_id": rng.choice(subject_ids), "record_id": rng.choice(record_ids), "statement": "基准", "process_id": p.pk}
                if flow is ObjectionFlow:
                    objections.append(Objection(reference=f"B{p.pk}", grounds="wrong", status="verifying", **common))
                else:
                    repairs.append(RepairApplication(reference=f"R{p.pk}", status="deciding", **common))
            Objection.objects.bulk_create(objections)
            RepairApplication.objects.bulk_create(repairs)
    print(f"  seeded {open_tasks} open cases with a due date ({time.perf_counter() - started:.0f} s)", flush=True)

    for first in range(0, finished, BATCH):
        size = min(BATCH, finished - first)
        with transaction.atomic():
            plan = [flows[n % 2] for n in range(size)]
            spans = []
            for _ in range(size):
                begun = now - datetime.timedelta(days=rng.randint(30, span), minutes=rng.randint(0, 600))
                spans.append((begun, begun + datetime.timedelta(hours=rng.expovariate(1 / 120))))
            processes = Process.objects.bulk_create([Process(flow_class=flow, status="DONE", created=b, finished=e) for (flow, _), (b, e) in zip(plan, spans)])
            tasks = []
            for p, (_, steps), (begun, ended) in zip(processes, plan, spans):
                middle = begun + (ended - begun) / 2
                for start, end in ((begun, middle), (middle, ended)):
                    tasks.append(
                        Task(
                            process_id=p.pk, flow_task=rng.choice(steps), flow_task_type="HUMAN", status="DONE", created=start, finished=end,
                            owner_permission=role_permission("handler"), owner_permission_obj_pk=str(rng.choice(workers)),
                        )
                    )
            Task.objects.bulk_create(tasks)
            objections, repairs = [], []
            for p, (flow, _) in zip(processes, plan):
                common = {"subject_id": rng.choice(subject_ids), "record_id": rng.choice(record_ids), "statement": "基准", "process_id": p.pk}
                if flow is ObjectionFlow:
                    outcome = rng.choice(["corrected", "withdrawn", "upheld", "upheld"])
                    objections.append(Objection(reference=f"B{p.pk}", grounds="wrong", status="decided", outcome=outcome, **common))
                else:
                    repairs.append(RepairApplication(reference=f"R{p.pk}", status=rng.choice(["approved", "approved", "rejected"]), **common))
            Objection.objects.bulk_create(objections)
            RepairApplication.objects.bulk_create(repairs)
    print(f"  seeded {finished} finished cases with 2 steps each ({time.perf_counter() - started:.0f} s)", flush=True)
    return {"seed_s": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="credit records (default 100000; the target is 1000000)")
    parser.add_argument("--open-tasks", type=int, default=None, help="open cases, one open task each (default: records / 10)")
    parser.add_argument("--finished", type=int, default=None, help="finished cases, two steps each (default: records / 5)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query (default 30)")
    parser.add_argument("--keepdb", action="store_true", help="keep the seeded database for the next run (and reuse one already seeded)")
    args = parser.parse_args()
    open_tasks = args.open_tasks if args.open_tasks is not None else args.records // 10
    finished = args.finished if args.finished is not None else args.records // 5

    media = tempfile.TemporaryDirectory(prefix="bench-oversight-")
    os.environ["MEDIA_ROOT"] = media.name
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
    from django.utils import timezone

    setup_test_environment()
    settings.DEBUG = False  # no query log kept while timing
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keepdb, serialize=False)
    results: dict = {}
    try:
        from credit import services as credit_services
        from credit.models import Department
        from oversight import selectors
        from oversight.periods import month_start
        from oversight.services import record_stats_refresh
        from tests.factories import UserFactory

        from credit.models import CreditRecord

        today = timezone.localdate()
        if args.keepdb and CreditRecord.objects.count() >= args.records:
            print(f"Reusing the register kept by an earlier run ({connection.vendor})", flush=True)
            seeded = {"seed_s": None}
        else:
            print(f"Seeding ({connection.vendor}): {args.records} records, {open_tasks} open cases, {finished} finished cases", flush=True)
            seeded = seed(records=args.records, open_tasks=open_tasks, finished=finished, today=today, rng=random.Random(2026))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        started = time.perf_counter()
        stats = record_stats_refresh(today=today)
        refresh_s = time.perf_counter() - started
        print(f"  precomputed the monthly figures: {stats['months']} months, {stats['rows']} rows in {refresh_s:.1f} s (Celery beat job)", flush=True)

        enforcement = Department.objects.get(code="enforcement").pk
        leader = UserFactory(username="bench.leader")  # get_or_create: a kept database has them already
        credit_services.staff_role_grant(user=leader, department=Department.objects.get(code="legal"), role="leader")
        chief = UserFactory(username="bench.chief")
        credit_services.staff_role_grant(user=chief, department=Department.objects.get(pk=enforcement), role="reviewer")
        period_from = month_start(today - datetime.timedelta(days=150))
        last_month = month_start(month_start(today) - datetime.timedelta(days=1))

        print(f"Queries (p50/p95 of {args.repeat} runs; period {period_from} … {today})", flush=True)
        overdue = lambda dept=None: selectors.open_deadlines("overdue", today=today, department_id=dept)  # noqa: E731
        due_soon = lambda dept=None: selectors.open_deadlines("due_soon", today=today, department_id=dept)  # noqa: E731
        queries = {
            "open cases by process/department/step": lambda: selectors.open_cases(),
            "open cases, one department": lambda: selectors.open_cases(department_id=enforcement),
            "overdue and due soon: counts by department": lambda: selectors.open_deadline_counts(today=today),
            "overdue: first 20 with their cases": lambda: selectors.deadline_rows(overdue(), today=today, limit=20),
            "due soon: first 20 with their cases": lambda: selectors.deadline_rows(due_soon(), today=today, limit=20),
            # Computed (the dashboard caches the result until a case or step finishes: see the pages below).
            "handling time avg/p90 (6 months)": lambda: selectors._handling_times(start=period_from, end=today, department_id=None),
            "handling time, one department": lambda: selectors._handling_times(start=period_from, end=today, department_id=enforcement),
            "handling time, cached (watermark probe)": lambda: selectors.handling_times(start=period_from, end=today),
            "7-day rate by department and month": lambda: selectors.publication_rates(start=period_from, end=today),
            "data quality by department": lambda: selectors.data_quality(start=period_from, end=today),
            "late records of last month (200)": lambda: selectors.late_records(month=last_month, today=today, limit=200),
            "worst records (6 months)": lambda: selectors.worst_records(start=period_from, end=today),
            "worst records, one department": lambda: selectors.worst_records(start=period_from, end=today, department_id=enforcement),
        }
        for label, fn in queries.items():
            timed(label, fn, args.repeat, results)

        print("Pages (whole request: queries, charts, template)", flush=True)
        client = Client()
        pages = {
            "page: dashboard, nothing cached": (leader, "/oversight/"),
            "page: dashboard (leader, all departments)": (leader, "/oversight/"),
            "page: dashboard (section chief)": (chief, "/oversight/"),
            "page: 7-day rate": (leader, "/oversight/publication-rate/"),
            "page: data quality": (leader, "/oversight/data-quality/"),
            "page: monthly report preview": (leader, f"/oversight/reports/{last_month:%Y-%m}/"),
        }
        query_counts = {}
        for label, (user, url) in pages.items():
            client.force_login(user)

            def fetch(url=url, cold="nothing cached" in label):
                if cold:
                    cache.clear()
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            timed(label, fetch, max(5, args.repeat // 3) if "monthly" in label else args.repeat, results)
            with CaptureQueriesContext(connection) as captured:
                fetch()
            query_counts[label] = len(captured)
        for label, count in query_counts.items():
            print(f"  {label:<44} {count} queries", flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keepdb)
        teardown_test_environment()
        media.cleanup()

    dashboard_p95 = results["page: dashboard (leader, all departments)"]["p95_ms"]
    dashboard_cold_p95 = results["page: dashboard, nothing cached"]["p95_ms"]
    print(
        json.dumps(
            {
                "bench": "oversight",
                "database": connection.vendor,
                "records": args.records,
                "open_tasks": open_tasks,
                "finished_cases": finished,
                **seeded,
                "stats_refresh_s": round(refresh_s, 1),
                "dashboard_p95_ms": dashboard_p95,
                "dashboard_uncached_p95_ms": dashboard_cold_p95,
                "slowest_query_p95_ms": max(v["p95_ms"] for k, v in results.items() if not k.startswith("page:")),
                "timings": results,
                "queries_per_page": query_counts,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
