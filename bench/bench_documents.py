"""How fast official documents are rendered and issued, and how large they are.

    .venv/bin/python bench/bench_documents.py [--render N] [--issue N]

Rendering (PDF bytes only, no database) and issuing (number, render, store,
save: ``documents.services.document_issue``) run in this one process, pinned
to one CPU where the OS allows it. Issuing uses a throw-away test database on
whatever DATABASE_URL points at (SQLite by default) and a temporary
MEDIA_ROOT; besides documents per second it reports them per CPU-second of
this process and of this process plus its PostgreSQL backend, the figures a
busy machine (and the wait for each commit's disk flush) does not distort. The
last line is JSON.
"""

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_service.settings")

BODY = [
    "你单位于2026年11月3日通过本局信用信息异议申请渠道，对本局公示的行政处罚信息（处罚决定书文号：交执罚〔2026〕0318号）提出异议，本局已于2026年11月5日依法受理。",
    "经核查，该条行政处罚信息的作出决定机关登记有误，本机关决定予以更正，并将更正结果同步至信用交通网站和信用中国网站。",
    "如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
]
LEGAL_BASIS = "《交通运输部关于印发〈交通运输行业信用信息异议处理办法〉的通知》及《信用交通信息异议处理工作规范》"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--render", type=int, default=500, help="documents to render (default 500)")
    parser.add_argument("--issue", type=int, default=200, help="documents to issue (default 200)")
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    media = tempfile.TemporaryDirectory(prefix="bench-documents-")
    os.environ["MEDIA_ROOT"] = media.name
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()

    from documents.rendering import DocumentContent, document_font, render_pdf

    started = time.perf_counter()
    document_font()
    font_load = time.perf_counter() - started

    content = DocumentContent(
        issuer="市交通运输局法规科",
        number="交法〔2026〕1号",
        title="异议处理决定书",
        addressee="广州市恒通货运有限公司",
        body=tuple(BODY),
        legal_basis=LEGAL_BASIS,
        issued_on=datetime.date(2026, 11, 21),
        verification_code="ABCDEFGHJKMN",
        verification_url="https://credit.example.gov.cn/documents/verify/ABCDEFGHJKMN/",
    )
    pdf = render_pdf(content)  # warm-up
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(args.render):
        pdf = render_pdf(content)
    rendered_per_s = args.render / (time.perf_counter() - started)
    # CPU time too: on a busy machine wall-clock time understates one core's rate.
    rendered_per_cpu_s = args.render / (time.process_time() - cpu_started)
    pdf_size = len(pdf)

    issued_per_s = issued_per_cpu_s = issued_per_cpu_s_with_db = None
    if args.issue:
        from django.db import connection
        from django.test.utils import setup_test_environment, teardown_test_environment

        from credit.models import Department
        from documents.services import document_issue

        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            department = Department.objects.get(is_credit_lead=True)
            backend_cpu = _backend_cpu_seconds(connection)
            started, cpu_started = time.perf_counter(), time.process_time()
            for _ in range(args.issue):
                document_issue(
                    kind="objection_decision", title="异议处理决定书", department=department,
                    addressee="广州市恒通货运有限公司", body=BODY, legal_basis=LEGAL_BASIS,
                )
            issued_per_s = args.issue / (time.perf_counter() - started)
            cpu = time.process_time() - cpu_started
            issued_per_cpu_s = args.issue / cpu
            backend_cpu = _backend_cpu_seconds(connection) - backend_cpu if backend_cpu is not None else None
            if backend_cpu is not None:
                issued_per_cpu_s_with_db = args.issue / (cpu + backend_cpu)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()

    media.cleanup()
    print(f"font load (once per process): {font_load * 1000:.0f} ms")
    print(f"rendered: {rendered_per_s:.0f} documents/s on one core, {rendered_per_cpu_s:.0f} per CPU-second ({args.render} one-page decisions)")
    if issued_per_s is not None:
        print(f"issued:   {issued_per_s:.0f} documents/s (number + render + store + save, {connection.vendor}), "
              f"{issued_per_cpu_s:.0f} per CPU-second"
              + (f", {issued_per_cpu_s_with_db:.0f} per CPU-second with the database's" if issued_per_cpu_s_with_db else ""))
    print(f"PDF size: {pdf_size} bytes ({pdf_size / 1024:.1f} KB)")
    print(json.dumps({
        "bench": "documents",
        "font_load_ms": round(font_load * 1000, 1),
        "rendered_per_s": round(rendered_per_s, 1),
        "rendered_per_cpu_s": round(rendered_per_cpu_s, 1),
        "issued_per_s": round(issued_per_s, 1) if issued_per_s is not None else None,
        "issued_per_cpu_s": round(issued_per_cpu_s, 1) if issued_per_cpu_s is not None else None,
        "issued_per_cpu_s_with_db": round(issued_per_cpu_s_with_db, 1) if issued_per_cpu_s_with_db is not None else None,
        "pdf_bytes": pdf_size,
    }))


def _backend_cpu_seconds(connection) -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (None elsewhere, or when /proc is not ours to read)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
