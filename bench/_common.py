"""What the benchmarks share: Django set-up, timing and percentiles, the machine, the report
(a table on the terminal, JSON in bench/results/), and "make sure the bench database holds N
tickets" (through seed_demo).

Benchmarks are scripts, not tests: run them on PostgreSQL, on a database of their own, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench .venv/bin/python bench/seed.py
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


def setup_django() -> None:
    """Production-like settings (DEBUG off: no SQL recorded), then django.setup()."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maison.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + uuid.uuid4().hex)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
        from django.conf import settings

        # Templates name static files; production serves them from collectstatic's manifest,
        # which a bench checkout has not built (the lookup costs the same either way).
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


# --- Timing -----------------------------------------------------------------------------------

def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))  # ceil
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(samples: Sequence[float]) -> dict[str, float]:
    """Samples in seconds → milliseconds summary."""
    return {
        "n": len(samples),
        "p50_ms": round(percentile(samples, 0.50) * 1000, 2),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(samples) * 1000, 2) if samples else float("nan"),
        "max_ms": round(max(samples) * 1000, 2) if samples else float("nan"),
    }


def time_calls(function: Callable[[], object], *, repeat: int, warmup: int = 2
               ) -> list[float]:
    """Wall time of `repeat` calls (after `warmup` ones that fill the caches)."""
    for _ in range(min(warmup, repeat)):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


@contextmanager
def stopwatch():
    """with stopwatch() as elapsed: ...; elapsed() → seconds so far / at exit."""
    started = time.perf_counter()
    finished: list[float] = []
    yield lambda: (finished[0] if finished else time.perf_counter()) - started
    finished.append(time.perf_counter())


# --- The machine ------------------------------------------------------------------------------

def machine() -> dict:
    """What the figures were measured on."""
    from django.db import connection

    info = {
        "cpus": os.cpu_count(),
        "ram_gb": _ram_gb(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "database": connection.vendor,
        "commit": _git_commit(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
            cursor.execute("SHOW shared_buffers")
            info["shared_buffers"] = cursor.fetchone()[0]
    return info


def _ram_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            line = next(line for line in meminfo if line.startswith("MemTotal"))
            kilobytes = int(line.split()[1])
        return round(kilobytes / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError):
        return None


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def warn_unless_postgres() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("⚠ Mesures sur SQLite : les chiffres de référence se prennent sur PostgreSQL "
              "(DATABASE_URL=postgres://…).", file=sys.stderr)


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) used so far by a process of this machine, None if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_backends_cpu_seconds() -> float | None:
    """CPU used so far by the PostgreSQL backends connected to this database, other than this
    process's own (None unless the server runs on this machine)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        pids = [row[0] for row in cursor.fetchall()]
    used = [process_cpu_seconds(pid) for pid in pids]
    return sum(u for u in used if u is not None) if any(u is not None for u in used) else None


# --- A server on loopback ---------------------------------------------------------------------

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(**extra: str) -> dict:
    """A production-like server's environment: DEBUG off, a throwaway secret, loopback only."""
    env = dict(os.environ)
    env.update({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-secret-key-" + "x" * 40,
                "DJANGO_ALLOWED_HOSTS": HOST, "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SECURE_COOKIES": "0", "DJANGO_LOG_LEVEL": "WARNING", **extra})
    return env


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def workers_cpu_seconds(self) -> float:
        """CPU used so far by the workers (the requests' cost; the master only supervises)."""
        return sum(filter(None, (process_cpu_seconds(pid) for pid in self.worker_pids())))


@contextmanager
def gunicorn_server(*, workers: int, threads: int, env: dict | None = None,
                    preload: str = "", start_timeout: float = 90) -> Iterator[Server]:
    """gunicorn (gthread workers) serving the app on a free loopback port: running and
    answering GET /healthz before the block starts, stopped after it.

    `preload`: Python run once in the master after django.setup(), before the workers fork
    (to build a cache they then share); the app is preloaded too.
    """
    port = free_port()
    command = [str(Path(sys.executable).with_name("gunicorn")), "maison.wsgi:application",
               "--bind", f"{HOST}:{port}", "--workers", str(workers), "--worker-class",
               "gthread", "--threads", str(threads), "--keep-alive", "30",
               "--log-level", "warning"]
    config = None
    if preload:
        config = Path(tempfile.mkstemp(prefix="bench-", suffix="-gunicorn.py")[1])
        config.write_text(_PRELOAD.format(code=preload), encoding="utf-8")
        command += ["-c", str(config)]
    process = subprocess.Popen(command, cwd=ROOT, env=env or server_env())
    try:
        _wait_until_up(process, port, start_timeout)
        yield Server(port=port, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        if config:
            config.unlink(missing_ok=True)


_PRELOAD = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maison.settings")
django.setup()
{code}
from django.db import connections
connections.close_all()  # no connection shared by the forked workers
preload_app = True
"""


def _wait_until_up(process: subprocess.Popen, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit code {process.returncode})")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


# --- Reporting --------------------------------------------------------------------------------

def print_table(rows: Sequence[dict], columns: Sequence[str], *, title: str = "",
                stream=None) -> None:
    stream = stream or sys.stdout
    if title:
        print(f"\n{title}", file=stream)
    widths = {c: max(len(c), *(len(_cell(row.get(c))) for row in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns), file=stream)
    print("  ".join("-" * widths[c] for c in columns), file=stream)
    for row in rows:
        print("  ".join(_cell(row.get(c)).ljust(widths[c]) for c in columns), file=stream)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", " ")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", " ")
    return "" if value is None else str(value)


def write_results(name: str, payload: dict, *, results_dir: Path | None = None) -> Path:
    """bench/results/<name>.json with the machine it ran on."""
    directory = results_dir or RESULTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps({"benchmark": name, "machine": machine(), **payload},
                               indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
    return path


# --- The bench database -----------------------------------------------------------------------

def table_counts() -> dict[str, int]:
    """Rows per table of the demo's big tables."""
    from crm.models import ContactPoint, TimelineEntry, Usager
    from guichet.models import Message, Ticket, TicketEvent

    return {model._meta.db_table: model.objects.count()
            for model in (Usager, ContactPoint, TimelineEntry, Ticket, Message, TicketEvent)}


def ensure_tickets(count: int, *, seed: int = 2026, rooms: str = "maison,crm,guichet",
                   verbosity: int = 1) -> dict:
    """Make sure the database holds about `count` demo tickets (seeding it if not).

    A database with fewer tickets is reset and seeded again (seed_demo --reset); one with
    `count` or more (a few more after a receive benchmark) is used as it is.
    """
    from django.core.management import call_command

    from guichet.models import Ticket

    call_command("migrate", verbosity=0)
    present = Ticket.objects.count()
    if present >= count:
        return {"seeded": False, "tickets": present}
    from maison.management.commands.seed_demo import Command

    command = Command()
    with stopwatch() as elapsed:
        call_command(command, tickets=count, seed=seed, reset=present > 0, interactive=False,
                     force=True, rooms=rooms, verbosity=verbosity)
    return {"seeded": True, "tickets": Ticket.objects.count(), "seconds": round(elapsed(), 1),
            "rooms": command.timings}
