"""The service's HTTP server for the benches, and the CPU time a server's processes used.

``start_asgi(port)`` serves ``workflow_service.asgi:application`` as production does
(README): uvicorn with one worker process per core. ``server=`` and ``workers=`` choose
daphne (one process) or gunicorn with uvicorn workers instead, for comparison. It waits
until /healthz answers. ``tree_cpu_seconds(pid)``
is the user+system time of a process and all its descendants (workers included), read
from /proc, so a bench can report per CPU-second figures on a busy machine.
"""

import os
import subprocess
from pathlib import Path

from _common import ROOT, wait_http

SERVERS = ("daphne", "uvicorn", "gunicorn")
_BIN = ROOT / ".venv" / "bin"
_APP = "workflow_service.asgi:application"


def start_asgi(port: int, *, server: str = "uvicorn", workers: int | None = None, env=None) -> subprocess.Popen:
    workers = workers or (1 if server == "daphne" else os.cpu_count() or 1)
    if server == "daphne":
        if workers != 1:
            raise ValueError("daphne serves from one process")
        command = [str(_BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), _APP]
    elif server == "uvicorn":
        # No lifespan: Channels' ProtocolTypeRouter has no "lifespan" scope handler.
        command = [str(_BIN / "uvicorn"), _APP, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                   "--lifespan", "off", "--no-access-log", "--log-level", "warning"]
    elif server == "gunicorn":
        command = [str(_BIN / "gunicorn"), _APP, "-k", "uvicorn.workers.UvicornWorker", "-w", str(workers),
                   "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    else:
        raise ValueError(f"unknown server {server!r}; one of {', '.join(SERVERS)}")
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(port)
    return proc


_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user+system seconds) of a live process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # the command name may contain spaces
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by ``pid`` and its live descendants (a worker that exited is not counted)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat:
                stats[int(entry.name)] = stat
    total, wanted = 0.0, {pid}
    grew = True
    while grew:
        grew = False
        for child, (parent, _) in stats.items():
            if parent in wanted and child not in wanted:
                wanted.add(child)
                grew = True
    for each in wanted:
        if each in stats:
            total += stats[each][1]
    return total


def postgres_cpu_seconds(database: str) -> float:
    """CPU seconds used so far by the live PostgreSQL backends connected to ``database`` (by process title)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            stat = _stat(int(entry.name))
            if stat:
                total += stat[1]
    return total
