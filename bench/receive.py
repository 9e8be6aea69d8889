"""Benchmark: sustained `guichet.services.receive` — new tickets per second (target ≥ 200/s).

Several processes (as several web workers would) each call the real funnel in a loop for
`--seconds`: a new resident writes (email, web form or SMS), is identified or created with
their contact point, a ticket is opened with its reference, deadlines, queue, audit entry and
360° timeline, the message is stored, the acknowledgement queued and the live event published.
Reports the rate second by second and the latency of each call (p50, p99).

Each worker first warms up (one call per channel, as a web worker has served requests before
the measured ones: imports, templates, connections) and the clock starts once every worker is
ready. Also reported, as they do not depend on what else runs on the machine: SQL statements
per call (counted on the warm-up calls) and CPU time per call, in the worker (Python) and in
its PostgreSQL backend (read from /proc when the server runs on this machine).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench \\
        .venv/bin/python bench/receive.py --seconds 30 --workers 4

The requests it creates are deleted afterwards (`--keep` to keep them).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (  # noqa: E402
    print_table,
    setup_django,
    summary_ms,
    warn_unless_postgres,
    write_results,
)

TARGET_PER_SECOND = 200
BENCH_DOMAIN = "bench-receive.example.fr"
MESSAGES = [
    ("Bac non vidé", "Bonjour, notre bac n’a pas été collecté ce matin rue de la Mer. Merci."),
    ("Demande de composteur", "Bonjour, je souhaite réserver un composteur pour mon jardin."),
    ("Horaires déchèterie", "Bonjour, la déchèterie de Touques est-elle ouverte dimanche ?"),
    ("Encombrants", "Bonjour, je voudrais un rendez-vous pour enlever un canapé et un matelas."),
]
CHANNELS = ["email", "formulaire", "sms"]


def worker(number: int, run: str, seconds: float, ready, start, results) -> None:
    """One process (or thread): warm up, wait for the start, receive() in a loop until the
    deadline."""
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guichet import services
    from maison.models import Theme

    theme = Theme.objects.filter(code="collecte").first()
    # A fresh number block per run and worker: every call is a new resident, so a new ticket
    # (an SMS from a known number would thread onto their open conversation).
    block = (int(run, 16) * 31 + number) % 1000

    def call(index: int, prefix: str = "") -> None:
        subject, body = MESSAGES[index % len(MESSAGES)]
        channel = CHANNELS[index % len(CHANNELS)]
        contact = {"phone": f"+3378{block:03d}{index % 10_000:04d}"} if channel == "sms" else \
            {"email": f"{prefix}{run}.{number}.{index}@{BENCH_DOMAIN}"}
        services.receive(channel=channel, subject=subject, body=body, theme=theme,
                         external_id=f"{run}-{prefix}{number}-{index}", **contact)

    statements = []
    for index in range(2 * len(CHANNELS)):  # warm-up: two calls per channel, the second counted
        with CaptureQueriesContext(connection) as queries:
            call(9_990 + index, prefix="w")
        if index >= len(CHANNELS):
            statements.append(len(queries))
    ready.put(number)
    start_at = start.get()
    while time.time() < start_at:
        time.sleep(0.001)
    timings = []
    backend_cpu, cpu = _backend_cpu_seconds(connection), time.thread_time()
    deadline = start_at + seconds
    index = 0
    while time.time() < deadline:
        started = time.perf_counter()
        call(index)
        finished = time.time()
        timings.append((finished - start_at, time.perf_counter() - started))
        index += 1
    cpu = time.thread_time() - cpu
    backend_cpu = _backend_cpu_seconds(connection) - backend_cpu if backend_cpu else None
    connection.close()
    results.put({"timings": timings, "statements": statements, "cpu": cpu,
                 "backend_cpu": backend_cpu})


def _backend_cpu_seconds(connection) -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend (None if unknown: another
    database, or a server on another machine)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", action="store_true",
                        help="threads instead of processes (SQLite, smoke tests)")
    parser.add_argument("--keep", action="store_true", help="keep the tickets created")
    parser.add_argument("--results-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    setup_django()
    from django.core.management import call_command
    from django.db import connections

    from guichet.reference import load_service_rules
    from maison.services import load_reference_data

    warn_unless_postgres()
    call_command("migrate", verbosity=0)
    load_reference_data()
    load_service_rules()
    run = uuid.uuid4().hex[:8]
    if args.threads:
        ready, start, results = queue.Queue(), queue.Queue(), queue.Queue()
        runners = [threading.Thread(target=worker, args=(n, run, args.seconds, ready, start,
                                                        results)) for n in range(args.workers)]
    else:
        connections.close_all()  # children open their own connections
        context = multiprocessing.get_context("fork")
        ready, start, results = context.Queue(), context.Queue(), context.Queue()
        runners = [context.Process(target=worker, args=(n, run, args.seconds, ready, start,
                                                       results)) for n in range(args.workers)]
    for runner in runners:
        runner.start()
    for _ in runners:  # every worker warmed up: start them together
        ready.get()
    start_at = time.time() + 0.2
    for _ in runners:
        start.put(start_at)
    reports = [results.get() for _ in runners]
    for runner in runners:
        runner.join()
    timings = [timing for report in reports for timing in report["timings"]]
    result = _report(timings, reports, args)
    if not args.keep:
        _clean_up(run)
    path = write_results("receive", result, results_dir=args.results_dir)
    print(f"Résultats : {path}")
    return result


def _report(timings: list[tuple[float, float]], reports: list[dict], args) -> dict:
    per_second = Counter(int(at) for at, _ in timings if at < args.seconds)
    seconds = int(args.seconds)
    series = [per_second.get(second, 0) for second in range(seconds)]
    steady = series[1:-1] or series  # the first and last second are partial
    rate = len(timings) / args.seconds if args.seconds else 0
    latency = summary_ms([duration for _, duration in timings])
    calls = len(timings) or 1
    statements = [count for report in reports for count in report["statements"]]
    cpu_ms = sum(report["cpu"] for report in reports) * 1000 / calls
    backend = [report["backend_cpu"] for report in reports]
    backend_ms = sum(backend) * 1000 / calls if None not in backend else None
    rows = [{"seconde": second + 1, "demandes": count} for second, count in enumerate(series)]
    print_table(rows, ["seconde", "demandes"], title="Nouvelles demandes par seconde")
    summary = {"demandes": len(timings), "demandes/s": round(rate, 1),
               "min/s": min(steady) if steady else 0, "p50_ms": latency["p50_ms"],
               "p99_ms": latency["p99_ms"], "SQL/appel": max(statements),
               "CPU Python ms/appel": round(cpu_ms, 2),
               "CPU PostgreSQL ms/appel": round(backend_ms, 2) if backend_ms else None,
               "≥ 200/s": "oui" if rate >= TARGET_PER_SECOND else "NON"}
    print_table([summary], list(summary), title=f"receive(), {args.workers} "
                f"{'threads' if args.threads else 'processus'}, {args.seconds:g} s")
    return {"workers": args.workers, "mode": "threads" if args.threads else "processes",
            "seconds": args.seconds, "tickets": len(timings), "per_second": series,
            "rate_per_second": round(rate, 1), "min_per_second": summary["min/s"],
            "latency": latency, "statements_per_call": dict(zip(CHANNELS, statements,
                                                                strict=False)),
            "cpu_ms_per_call": round(cpu_ms, 3),
            "backend_cpu_ms_per_call": round(backend_ms, 3) if backend_ms else None,
            "target_per_second": TARGET_PER_SECOND, "within_target": rate >= TARGET_PER_SECOND}


def _clean_up(run: str) -> None:
    from crm.models import Usager
    from guichet.models import Message, Ticket

    tickets = Ticket.objects.filter(
        messages__external_id__startswith=f"{run}-").values_list("id", flat=True)
    ids = list(tickets)
    usagers = list(Ticket.objects.filter(pk__in=ids).values_list("usager_id", flat=True))
    Message.objects.filter(ticket_id__in=ids).delete()
    Ticket.objects.filter(pk__in=ids).delete()
    Usager.objects.filter(pk__in=usagers, tickets__isnull=True).delete()


if __name__ == "__main__":
    main()
