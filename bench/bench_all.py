"""Every benchmark group in turn (bench/run calls this): a table for people, then one JSON line with every figure."""

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = str(BENCH.parent / ".venv" / "bin" / "python")

TARGETS = {
    "cases_per_s_2w": (">=", 30), "tasks_vs_bare": (">=", 0.5), "inbox_p95_ms": ("<=", 50), "check_rps": (">=", 500),
    "check_p95_ms": ("<=", 15), "transfers_per_s": (">=", 100), "rendered_per_s": (">=", 200), "issued_per_s": (">=", 100),
    "pdf_kb": ("<=", 40), "live_p95_ms": ("<=", 200), "memory_growth_pct": ("<", 10),
}


def run(script, *args):
    print(f"\n== {script} {' '.join(args)}", flush=True)
    started = time.perf_counter()
    proc = subprocess.run([PYTHON, str(BENCH / script), *args], cwd=BENCH, stdout=subprocess.PIPE, text=True)
    lines = proc.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(line, flush=True)
    if proc.returncode != 0 or not lines or not lines[-1].startswith("{"):
        print(f"   FAILED ({proc.returncode})", flush=True)
        return {"error": f"{script} exited {proc.returncode}"}
    result = json.loads(lines[-1])
    result["elapsed_s"] = round(time.perf_counter() - started, 1)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small register and short runs")
    parser.add_argument("--full", action="store_true", help="also the issue's 10,000-case memory run (adds ~1 h at current speed)")
    parser.add_argument("--records", type=int, help="credit records to seed (default 1,000,000; --quick 50,000)")
    parser.add_argument("--only", help="comma-separated groups: throughput,scale,transfers,documents,live")
    args = parser.parse_args()
    q = args.quick
    records = args.records or (50_000 if q else 1_000_000)
    only = set(args.only.split(",")) if args.only else {"throughput", "scale", "transfers", "documents", "live"}
    os.environ["BENCH_DOCS_DB"] = "1"
    started = time.perf_counter()
    out = {}
    if "throughput" in only:
        out["throughput"] = run("bench_throughput.py", "--cases", "15" if q else "60", "--memory-cases", "10000" if args.full else ("100" if q else "300"), "--pgbench-seconds", "5" if q else "10")
    if "scale" in only:
        out["scale"] = run("bench_scale.py", "--records", str(records), "--open-tasks", str(records // 10), "--requests", "50" if q else "100", "--check-seconds", "10" if q else "20")
    if "transfers" in only:
        out["transfers"] = run("bench_transfers.py", "--seconds", "10" if q else "60")
    if "documents" in only:
        out["documents"] = run("bench_documents.py", "--render", "200" if q else "500", "--issue", "50" if q else "200")
    if "live" in only:
        out["live"] = run("bench_live.py", "--messages", "50" if q else "200")

    t, s = out.get("throughput", {}), out.get("scale", {})
    tp, mem = t.get("throughput", {}), t.get("memory", {})
    g = lambda d, *keys: (lambda v: v)(_dig(d, keys))
    figures = {
        "cases_per_s_2w": g(tp, "service_2w", "cases_per_s"), "tasks_vs_bare": g(tp, "ratio_tasks_vs_bare_2w"),
        "inbox_p95_ms": max(filter(None, [g(s, key, "p95_ms") for key in ("workbench_page", "inbox_api", "queue_api", "case_page")]), default=None),
        "check_rps": g(s, "check_load", "requests_per_s"), "check_p95_ms": g(s, "check_load", "p95_ms"),
        "transfers_per_s": g(out.get("transfers", {}), "accepted_per_s"),
        "rendered_per_s": g(out.get("documents", {}), "rendered_per_s"), "issued_per_s": g(out.get("documents", {}), "issued_per_s"),
        "pdf_kb": round(g(out.get("documents", {}), "pdf_bytes") / 1024, 1) if g(out.get("documents", {}), "pdf_bytes") else None,
        "live_p95_ms": g(out.get("live", {}), "p95_ms"), "memory_growth_pct": g(mem, "growth_last_half_pct"),
    }
    print("\n| figure | measured | target | met |\n|---|---|---|---|")
    for key, (op, target) in TARGETS.items():
        value = figures[key]
        met = None if value is None else (value >= target if op == ">=" else value <= target if op == "<=" else value < target)
        print(f"| {key} | {value} | {op} {target} | {'yes' if met else 'NO' if met is not None else '-'} |")
    print(f"\ntotal {time.perf_counter() - started:.0f} s on {os.cpu_count()} CPUs", flush=True)
    print(json.dumps({"bench": "all", "cpus": os.cpu_count(), "summary": figures, "1_throughput": tp, "2_inbox_case_page": {k: v for k, v in s.items() if not k.startswith("check")},
                      "3_check": {k: v for k, v in s.items() if k.startswith("check")}, "4_transfers": out.get("transfers"), "5_documents": out.get("documents"),
                      "6_live": out.get("live"), "7_memory": mem}, ensure_ascii=False))


def _dig(d, keys):
    for key in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


if __name__ == "__main__":
    main()
