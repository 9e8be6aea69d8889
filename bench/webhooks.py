"""Inbound webhooks under load: Postmark inbound email and signed Twilio SMS, each sent twice.

Starts gunicorn on loopback against PostgreSQL (DATABASE_URL from the environment, migrated
and loaded with the reference data first), fires the webhooks from several client threads with
keep-alive connections, every request twice (duplicates shuffled in, some concurrently), then
reports sustained webhooks/s, p50/p99 latency, errors and duplicates (stored messages against
unique ids).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_channels \
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/webhooks.py --messages 600

Targets (issue 3): >= 300 webhooks/s, p99 < 100 ms, zero errors, zero duplicates.

Webhooks run as in production: the raw input is stored and answered at once (the inbox), and a
real Celery worker (Redis broker) files each one into the funnel. The benchmark also reports
how long the worker took to file everything after the burst (its own rate), then counts
duplicates.

Everything shares the machine: the client threads, gunicorn, PostgreSQL, Redis and the worker.
The worker runs at a lower CPU priority (--worker-nice, as a web-first deployment would give it)
so that filing, which costs several times a webhook, uses the CPU the door leaves idle; with
--worker-nice 0 it competes with the door. CPU time per webhook is reported for each process
group (from /proc): stable where wall-clock rates are not, on a busy machine.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from tqdm import tqdm

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (  # noqa: E402
    HOST,
    ROOT,
    Server,
    gunicorn_server,
    process_cpu_seconds,
    server_env,
)

PUBLIC = "https://bench.coeurcotefleurie.example"
WEBHOOK_SECRET = "bench:webhook-secret"
TWILIO_TOKEN = "bench-twilio-auth-token"


def webhook_env() -> dict:
    """Production settings with the vendors' secrets the requests are signed with."""
    return server_env(
        MDS_PUBLIC_BASE_URL=PUBLIC, ANYMAIL_WEBHOOK_SECRET=WEBHOOK_SECRET,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN, TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        MDS_ACK_ENABLED="1", MDS_ACK_MAX_PER_DAY="1000000", MDS_INBOUND_ASYNC="1",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


def start_worker(env: dict, nice: int) -> subprocess.Popen:
    celery = Path(sys.executable).with_name("celery")
    subprocess.run([str(celery), "-A", "maison", "purge", "-f"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.Popen(
        [str(celery), "-A", "maison", "worker", "--concurrency", "2", "--loglevel", "WARNING",
         "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.nice(nice))


# --- CPU time per process group, from /proc (Linux) -------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process used so far (0 when it is gone)."""
    return process_cpu_seconds(pid) or 0.0


def with_children(pid: int) -> list[int]:
    """A process and its children (gunicorn's and Celery's workers)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return [pid, *children]


def postgres_backends() -> list[int]:
    """Backends connected to the bench database (the server runs on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return [row[0] for row in cursor.fetchall()]


def restore_priority(worker: subprocess.Popen) -> str:
    """The burst is over: the worker drains at normal priority (others' load would starve it)."""
    try:
        for pid in with_children(worker.pid):
            os.setpriority(os.PRIO_PROCESS, pid, 0)
    except OSError:
        return f"nice {os.getpriority(os.PRIO_PROCESS, worker.pid)}"
    return "nice 0"


def cpu_snapshot(server: subprocess.Popen, worker: subprocess.Popen) -> dict[str, dict]:
    return {"gunicorn": {pid: cpu_seconds(pid) for pid in with_children(server.pid)},
            "postgresql": {pid: cpu_seconds(pid) for pid in postgres_backends()},
            "worker": {pid: cpu_seconds(pid) for pid in with_children(worker.pid)},
            "client": {0: time.process_time()}}


def cpu_used(before: dict[str, dict], after: dict[str, dict]) -> dict[str, float]:
    """Seconds of CPU each group used between two snapshots (processes born since count whole)."""
    return {group: sum(seconds - before[group].get(pid, 0.0)
                       for pid, seconds in after[group].items())
            for group in after}


def _measured(run: str):
    from django.db.models import Q

    return Q(external_id__startswith=f"<{run}-") | Q(external_id__startswith=f"SM{run}")


def raw_waiting(run: str) -> int:
    from guichet.models import RawInbound

    return RawInbound.objects.filter(_measured(run), state="received").count()


def prepare_database(env: dict) -> None:
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env,
                   check=True)
    code = ("from maison.services import load_reference_data; "
            "from guichet.reference import load_service_rules; "
            "load_reference_data(); load_service_rules()")
    subprocess.run([python, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True)


def email_request(run: str, number: int) -> tuple[str, bytes, dict]:
    sender = f"bench{number % 400}.{run}@example.fr"  # some senders write several times
    payload = {
        "FromName": "Résident Bench", "From": sender,
        "FromFull": {"Email": sender, "Name": "Résident Bench", "MailboxHash": ""},
        "To": "service.dechets@coeurcotefleurie.example",
        "ToFull": [{"Email": "service.dechets@coeurcotefleurie.example", "Name": "",
                    "MailboxHash": ""}],
        "CcFull": [], "BccFull": [], "Subject": f"Bac non vidé {number}",
        "MessageID": f"pm-{run}-{number}", "Date": "Mon, 23 Nov 2026 10:00:00 +0100",
        "TextBody": "Bonjour, mon bac n'a pas été vidé ce matin rue des Bains. Merci.",
        "HtmlBody": "<p>Bonjour, mon bac n'a pas été vidé ce matin.</p>",
        "StrippedTextReply": "", "Attachments": [],
        "Headers": [{"Name": "Message-ID", "Value": f"<{run}-{number}@mail.example.fr>"}],
    }
    auth = base64.b64encode(WEBHOOK_SECRET.encode()).decode()
    return ("/anymail/postmark/inbound/", json.dumps(payload).encode(),
            {"Content-Type": "application/json", "Authorization": f"Basic {auth}"})


def sms_request(run: str, number: int) -> tuple[str, bytes, dict]:
    from twilio.request_validator import RequestValidator

    sid = f"SM{run}{number:08d}"
    params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "0" * 32,
              "From": f"+336{(int(run[-4:], 16) * 7 + number) % 100_000_000:08d}",
              "To": "+33757000000", "Body": "Bonjour, le bac jaune est cassé, rue du Port.",
              "NumMedia": "0", "SmsStatus": "received", "ApiVersion": "2010-04-01"}
    path = "/webhooks/twilio/sms/"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(f"{PUBLIC}{path}", params)
    return (path, urlencode(params).encode(),
            {"Content-Type": "application/x-www-form-urlencoded",
             "X-Twilio-Signature": signature})


class Client(threading.local):
    def connection(self, port: int) -> http.client.HTTPConnection:
        if getattr(self, "conn", None) is None:
            self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        return self.conn


def fire(local: Client, port: int, request) -> tuple[float, int]:
    path, body, headers = request
    for attempt in range(2):
        conn = local.connection(port)
        started = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            return time.perf_counter() - started, response.status
        except (http.client.HTTPException, OSError):
            conn.close()
            local.conn = None
            if attempt:
                return time.perf_counter() - started, 599
    return 0.0, 599


def count_duplicates(run: str) -> tuple[int, int]:
    from guichet.models import Message

    rows = Message.objects.filter(_measured(run), direction="in")
    return rows.count(), rows.values("channel", "external_id").distinct().count()


@dataclass
class Burst:
    """What the door did while every request was fired."""

    started: float
    seconds: float
    latencies: list[float]
    errors: int
    cpu: dict[str, float]
    load: float
    waiting: int  # inputs not yet filed when the last answer came
    drain_priority: str


def fire_burst(server: Server, worker: subprocess.Popen, requests: list, run: str,
               clients: int) -> Burst:
    local, latencies, errors = Client(), [], 0
    fire_one = partial(fire, local, server.port)
    # Warm-up (not counted): every worker imports the app and opens its connections.
    warm = [email_request(f"w{run}", n) for n in range(12)] + \
        [sms_request(f"a{run}", n) for n in range(12)]
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(fire_one, warm))
    before = cpu_snapshot(server.process, worker)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool, \
            tqdm(total=len(requests), unit="req", desc="webhooks", mininterval=1) as progress:
        for latency, status in pool.map(fire_one, requests):
            latencies.append(latency)
            errors += status >= 300
            progress.update()
    seconds = time.perf_counter() - started
    cpu = cpu_used(before, cpu_snapshot(server.process, worker))
    return Burst(started=started, seconds=seconds, latencies=latencies, errors=errors, cpu=cpu,
                 load=os.getloadavg()[0], waiting=raw_waiting(run),
                 drain_priority=restore_priority(worker))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600,
                        help="distinct webhooks per kind (email, SMS); each is sent twice")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="CPU niceness of the Celery worker (0: same priority as the door)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the benchmark's target).")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL: the worker that files the webhooks uses Redis.")

    env = webhook_env()
    prepare_database(env)
    os.environ.update(env)  # this process reads the results through the ORM
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maison.settings")
    import django

    django.setup()
    run = f"{int(time.time()):x}"
    requests = [email_request(run, n) for n in range(args.messages)]
    requests += [sms_request(run, n) for n in range(args.messages)]
    requests = requests * 2  # every webhook delivered twice, as providers retry
    random.Random(7).shuffle(requests)
    worker = start_worker(env, args.worker_nice)
    try:
        with gunicorn_server(workers=args.workers, threads=args.threads, env=env) as server:
            burst = fire_burst(server, worker, requests, run, args.clients)
        # The door is closed: the worker files what it accepted.
        while raw_waiting(run):
            time.sleep(0.5)
        filed = time.perf_counter() - burst.started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    report(burst, filed, run, len(requests), args)


def report(burst: Burst, filed: float, run: str, sent: int, args) -> None:
    stored, unique = count_duplicates(run)
    latencies = sorted(burst.latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"requests: {sent} ({args.messages} emails + {args.messages} SMS, each twice),"
          f" clients: {args.clients}, gunicorn: {args.workers}x{args.threads}")
    print(f"sustained: {sent / burst.seconds:.0f} webhooks/s over {burst.seconds:.1f} s")
    print(f"latency: p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    print(f"errors: {burst.errors}")
    print("CPU per webhook during the burst: " + ", ".join(
        f"{group} {seconds / sent * 1000:.2f} ms" for group, seconds in burst.cpu.items())
        + f" (worker nice {args.worker_nice}); load average {burst.load:.1f}")
    print(f"filed by the worker: all {2 * args.messages} messages {filed:.1f} s after the first "
          f"request ({2 * args.messages / filed:.0f} messages/s end to end); "
          f"{burst.waiting} were still waiting when the burst ended, filed "
          f"{filed - burst.seconds:.1f} s later (worker at {burst.drain_priority} after the "
          f"burst)")
    print(f"messages stored: {stored} for {unique} unique ids "
          f"(expected {2 * args.messages}); duplicates: {stored - unique}")


if __name__ == "__main__":
    main()
