"""Case throughput (group 1) and a worker's memory over many cases (group 7).

    DATABASE_URL=postgres://…/bench_workflow REDIS_URL=redis://…/4 .venv/bin/python bench/bench_throughput.py [--cases N] [--memory-cases N]

Full objection cases through the service layer (file → claim/accept → claim/propose
更正 → claim/approve: three human steps, six documents rendered and stored, the
notifications written and their delivery queued on Redis) with 1 and 2 worker
processes; the same number of human steps in a bare viewflow flow (no documents, no
notifications, no case model); pgbench TPC-B with 1 and 2 clients on its own
database. Then one worker runs ``--memory-cases`` cases and reports its resident
memory at the half and at the end. The last line is JSON.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import types

from _common import PDF, PNG, PYTHON, ROOT, emit, make_staff, make_user, rss_mb, setup, uscc

STEPS_PER_CASE = 3


# --- one worker process ------------------------------------------------------------


def _sql_counter():
    from django.db import connection

    counter = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(wrapper)
    return counter


def _prepare_cases(count: int, seed: int):
    import datetime

    from credit import services as credit_services
    from credit.models import Department
    from credit.services import record_create
    from credit.models import Subject

    subject, _ = Subject.objects.get_or_create(uscc=uscc(seed), defaults={"kind": "legal_person", "name": f"基准物流有限公司{seed}"})
    user = make_user(f"bench.subject.{seed}", full_name="基准用户")
    try:
        credit_services.subject_grant_access(subject=subject, user=user)
    except Exception:
        pass
    department = Department.objects.get(code="enforcement")
    records = [
        record_create(
            subject=subject, kind="penalty", severity="general", source_department=department, title="超限超载运输",
            document_number=f"交执罚〔2026〕B{seed}-{n}号", deciding_authority="交通运输综合行政执法支队",
            decision_date=datetime.date(2026, 10, 9), publish_on=datetime.date(2026, 10, 12),
        )
        for n in range(count)
    ]
    return user, records


def _next_task(process_id):
    from viewflow.workflow.status import STATUS

    from processes.common.models import DepartmentTask

    return DepartmentTask.objects.filter(process_id=process_id, status=STATUS.NEW, flow_task_type="HUMAN").order_by("-pk").values_list("pk", flat=True).first()


def run_case(subject_user, record, intake, handler, reviewer):
    from processes.common.models import Material
    from processes.common.taskapi import task_claim, task_complete
    from processes.objection import services

    objection = services.objection_file(
        record=record, grounds="wrong", statement="处罚决定书文号登记有误，应为交执罚〔2026〕0319号。", by=subject_user,
        uploads=[("处罚决定书.pdf", PDF, Material.Kind.DECISION_DOCUMENT), ("异议申诉信用承诺书.png", PNG, Material.Kind.OBJECTION_COMMITMENT_LETTER)],
    )
    steps = [
        (intake, lambda o: services.objection_accept(objection=o, by=intake)),
        (handler, lambda o: services.objection_propose(objection=o, by=handler, outcome="corrected", reason="文号登记错误。", changes={"document_number": f"{record.document_number}更正"})),
        (reviewer, lambda o: services.objection_decide(objection=o, by=reviewer, comment="同意。")),
    ]
    for user, perform in steps:
        task_id = _next_task(objection.process_id)
        task_claim(task_id=task_id, user=user)
        objection.refresh_from_db()
        task_complete(task_id=task_id, user=user, perform=lambda _t, p=perform: p(objection))
    objection.refresh_from_db()
    assert objection.status == "decided", objection.status
    return objection


def _bare_flow():
    """A viewflow flow with three human steps and nothing else, registered under viewflow's own app."""
    from viewflow import this
    from viewflow.workflow import flow
    from viewflow.workflow.flow.views import UpdateProcessView
    from viewflow.workflow.models import Process

    module = types.ModuleType("viewflow.workflow.bench_bare")
    sys.modules[module.__name__] = module

    class BareFlow(flow.Flow):
        process_class = Process
        start = flow.StartHandle(this.start_process).Next(this.one)
        one = flow.View(UpdateProcessView.as_view(fields=[])).Next(this.two)
        two = flow.View(UpdateProcessView.as_view(fields=[])).Next(this.three)
        three = flow.View(UpdateProcessView.as_view(fields=[])).Next(this.end)
        end = flow.End()

        def start_process(self, activation):
            return activation.process

    BareFlow.__module__ = module.__name__
    module.BareFlow = BareFlow
    return BareFlow


def run_bare(flow_class, user):
    from django.db import transaction
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    process = flow_class.start.run()
    for _ in range(STEPS_PER_CASE):
        task = Task.objects.filter(process=process, status=STATUS.NEW, flow_task_type="HUMAN").order_by("-pk").first()
        with flow_class.lock(process.pk), transaction.atomic():
            task.refresh_from_db()
            task.flow_task.activation_class(task).assign(user)
        with flow_class.lock(process.pk), transaction.atomic():
            task.refresh_from_db()
            activation = task.flow_task.activation_class(task)
            activation.start(None)
            activation.execute()
    process.refresh_from_db()
    assert process.status == STATUS.DONE, process.status


def worker(args):
    setup()
    intake = make_staff("legal", "intake", "bench.legal.intake")
    handler = make_staff("enforcement", "handler", "bench.enforcement.handler")
    reviewer = make_staff("enforcement", "reviewer", "bench.enforcement.reviewer")
    seed = os.getpid() * 100 + int(time.time()) % 100
    if args.mode == "bare":
        flow_class = _bare_flow()
        run_bare(flow_class, intake)  # warm-up
        ready_and_wait()
        started = time.perf_counter()
        for _ in range(args.cases):
            run_bare(flow_class, intake)
        elapsed = time.perf_counter() - started
        emit({"cases": args.cases, "seconds": elapsed})
        return
    subject_user, records = _prepare_cases(args.cases + 1, seed)
    run_case(subject_user, records.pop(), intake, handler, reviewer)  # warm-up: fonts, templates, plans
    counter = _sql_counter()
    ready_and_wait()
    started = time.perf_counter()
    half_rss = None
    for n, record in enumerate(records, 1):
        run_case(subject_user, record, intake, handler, reviewer)
        if n == len(records) // 2:
            half_rss = rss_mb()
    elapsed = time.perf_counter() - started
    emit({"cases": len(records), "seconds": elapsed, "sql": counter["n"], "rss_half_mb": half_rss, "rss_end_mb": rss_mb()})


def ready_and_wait():
    print("ready", flush=True)
    sys.stdin.readline()


# --- the parent ---------------------------------------------------------------------


def run_workers(n: int, cases: int, mode: str) -> dict:
    procs = [
        subprocess.Popen([PYTHON, __file__, "--worker", "--mode", mode, "--cases", str(cases)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for _ in range(n)
    ]
    for proc in procs:
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"worker failed: {line}{proc.stdout.read()}")
    started = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [json.loads(proc.stdout.read().strip().splitlines()[-1]) for proc in procs]
    wall = time.perf_counter() - started
    for proc in procs:
        proc.wait()
    total = sum(r["cases"] for r in results)
    figures = {"cases": total, "cases_per_s": round(total / wall, 1), "human_tasks_per_s": round(total * STEPS_PER_CASE / wall, 1)}
    if mode == "case":
        figures["sql_per_case"] = round(sum(r["sql"] for r in results) / total, 1)
        figures["rss_half_mb"] = results[0]["rss_half_mb"]
        figures["rss_end_mb"] = results[0]["rss_end_mb"]
    return figures


def pgbench(clients: int, seconds: int) -> float:
    env = {**os.environ, "PGHOST": "127.0.0.1", "PGUSER": "postgres"}
    db = "bench_pgbench"
    subprocess.run(["dropdb", "--if-exists", db], env=env, check=True, capture_output=True)
    subprocess.run(["createdb", db], env=env, check=True, capture_output=True)
    subprocess.run(["pgbench", "-i", "-q", "-s", "2", db], env=env, check=True, capture_output=True)
    out = subprocess.run(["pgbench", "-c", str(clients), "-j", str(clients), "-T", str(seconds), db], env=env, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("tps ="):
            return round(float(line.split()[2]), 1)
    raise RuntimeError(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200, help="cases per worker for throughput (default 200)")
    parser.add_argument("--memory-cases", type=int, default=2000, help="cases for the memory run (default 2000; the issue's figure is 10000)")
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    results = {}
    for n in (1, 2):
        results[f"service_{n}w"] = run_workers(n, args.cases, "case")
        print(f"  objection cases, {n} worker(s): {results[f'service_{n}w']}", flush=True)
        results[f"bare_viewflow_{n}w"] = run_workers(n, args.cases, "bare")
        print(f"  bare viewflow, {n} worker(s): {results[f'bare_viewflow_{n}w']}", flush=True)
        results[f"pgbench_tps_{n}c"] = pgbench(n, args.pgbench_seconds)
        print(f"  pgbench TPC-B, {n} client(s): {results[f'pgbench_tps_{n}c']} tps", flush=True)
    for n in (1, 2):
        results[f"ratio_tasks_vs_bare_{n}w"] = round(results[f"service_{n}w"]["human_tasks_per_s"] / results[f"bare_viewflow_{n}w"]["human_tasks_per_s"], 2)
        results[f"ratio_cases_per_1000_tps_{n}"] = round(1000 * results[f"service_{n}w"]["cases_per_s"] / results[f"pgbench_tps_{n}c"], 2)

    memory = {}
    if args.memory_cases:
        m = run_workers(1, args.memory_cases, "case")
        memory = {"cases": m["cases"], "rss_half_mb": round(m["rss_half_mb"], 1), "rss_end_mb": round(m["rss_end_mb"], 1),
                  "growth_last_half_pct": round(100 * (m["rss_end_mb"] - m["rss_half_mb"]) / m["rss_half_mb"], 1), "cases_per_s": m["cases_per_s"]}
        print(f"  memory: {memory}", flush=True)
    emit({"bench": "throughput", "throughput": results, "memory": memory})


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
