"""Benchmark: dispatching 100,000 due surveys through Anymail (target: 500 surveys/s or more).

Run it against a PostgreSQL database of its own (it is emptied of surveys and filled):

    createdb -h 127.0.0.1 -U postgres mds_bench_surveys
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench_surveys \\
        .venv/bin/python bench/surveys.py --surveys 100000 --processes 2

The real sending path runs: claiming batches with SELECT … FOR UPDATE SKIP LOCKED, the checks
before sending, rendering the email (text and HTML, five one-click links), Anymail's Postmark
backend building its JSON payload and posting it through its requests session, marking each
survey sent. Only the network is replaced: by a bare transport adapter in the sending process
(default, `--esp adapter`: requests' HTTPAdapter.send answers as Postmark's /email API does,
at a cost of a few microseconds, so the fake is not what is measured), by `responses`
(`--esp responses`, heavier: its request matching runs in the sender), or by a local HTTP
server on 127.0.0.1 (`--esp server`, real sockets; the server shares the machine's cores).
Several processes send at once, as several Celery workers would; the run then checks that
every survey went out exactly once.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maison.settings")
# Production-like: no SQL recording (DEBUG off); the secret only signs nothing lasting here.
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + uuid.uuid4().hex)
os.environ.setdefault("ANYMAIL_ESP", "postmark")
os.environ.setdefault("POSTMARK_SERVER_TOKEN", "bench-server-token")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from crm.models import ContactPoint, Usager  # noqa: E402
from guichet.models import Ticket  # noqa: E402
from maison.demo.bulk import TableLoader, reserve_ids, reset_sequences, wipe  # noqa: E402
from maison.models import Commune, Theme  # noqa: E402
from maison.services import load_reference_data  # noqa: E402
from surveys import dispatch, tokens  # noqa: E402
from surveys.models import Survey  # noqa: E402

POSTMARK_PATH = "/email"
BENCH_DOMAIN = "bench.example.fr"


def postmark_reply(payload: dict) -> dict:
    return {"To": payload["To"], "SubmittedAt": "2026-03-10T12:00:00Z",
            "MessageID": str(uuid.uuid4()), "ErrorCode": 0, "Message": "OK"}


# --- The fake ESP ---------------------------------------------------------------------------------

class FakePostmarkHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API
    # Headers and body leave in two writes: without TCP_NODELAY the second waits for the
    # client's delayed ACK (40 ms a request) and the bench would measure the kernel's timer.
    disable_nagle_algorithm = True

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", 0))
        payload = json.loads(self.rfile.read(length))
        body = json.dumps(postmark_reply(payload)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        return


def start_fake_server() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePostmarkHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def fake_adapter_send(seen: list[int]):
    """HTTPAdapter.send replaced: everything above the socket (requests, Anymail) still runs."""
    from requests import Response
    from requests.structures import CaseInsensitiveDict

    def send(adapter, request, **kwargs):
        payload = json.loads(request.body)
        seen.append(int(payload["Metadata"]["survey_id"]))
        response = Response()
        response.status_code = 200
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response._content = json.dumps(postmark_reply(payload)).encode()
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response

    return send


# --- Data -----------------------------------------------------------------------------------------

def prepare(count: int) -> None:
    """`count` due surveys of resolved tickets, each usager with an email (COPY)."""
    call_command("migrate", verbosity=0)
    load_reference_data()
    wipe(Survey, Ticket, ContactPoint, Usager)
    themes = list(Theme.objects.values_list("id", flat=True))
    communes = list(Commune.objects.values_list("id", flat=True))
    now = timezone.now()
    resolved = now - timedelta(hours=3)
    first_usager = reserve_ids(Usager, count)
    first_point = reserve_ids(ContactPoint, count)
    first_ticket = reserve_ids(Ticket, count)
    first_survey = reserve_ids(Survey, count)
    usagers = TableLoader(Usager, ["id", "public_id", "first_name", "last_name", "category",
                                   "commune_id", "created_at", "updated_at"])
    points = TableLoader(ContactPoint, ["id", "usager_id", "kind", "value", "is_valid",
                                        "is_primary", "is_mobile", "created_at"])
    tickets = TableLoader(Ticket, ["id", "reference", "channel", "theme_id", "commune_id",
                                   "usager_id", "subject", "status", "created_at",
                                   "resolved_at", "closed_at", "close_reason"])
    surveys = TableLoader(Survey, ["id", "ticket_id", "ticket_reference", "usager_id",
                                   "contact_point_id", "theme_id", "commune_id",
                                   "ticket_channel", "resolved_at", "channel", "status",
                                   "due_at", "token_nonce", "token_hash", "created_at"])
    for index in tqdm(range(count), desc="Préparation", unit=" enquêtes", mininterval=0.5):
        usager_id, point_id = first_usager + index, first_point + index
        ticket_id, survey_id = first_ticket + index, first_survey + index
        theme, commune = themes[index % len(themes)], communes[index % len(communes)]
        reference = f"MDS-2026-{ticket_id:06d}"
        nonce = tokens.new_nonce()
        usagers.add((usager_id, uuid.uuid4(), "Prénom", f"Nom{index}", "permanent", commune,
                     now, now))
        points.add((point_id, usager_id, "email", f"usager{index}@{BENCH_DOMAIN}", True, True,
                    False, now))
        tickets.add((ticket_id, reference, "email", theme, commune, usager_id, "Demande",
                     "clos", resolved - timedelta(hours=1), resolved, resolved, "traite"))
        surveys.add((survey_id, ticket_id, reference, usager_id, point_id, theme, commune,
                     "email", resolved, "email", "due", now - timedelta(minutes=1), nonce,
                     tokens.hash_token(tokens.make_token(ticket_id, nonce)), now))
    for loader in (usagers, points, tickets, surveys):
        loader.flush()
    reset_sequences(Usager, ContactPoint, Ticket, Survey)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE surveys_survey")


def backend_cpu_seconds() -> float | None:
    """CPU used so far by this process's PostgreSQL backend, when the server is on this machine."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # another machine, or not allowed to look
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


# --- Sending --------------------------------------------------------------------------------------

def sender(esp: str, api_url: str, batch_size: int, queue) -> None:
    """One process sending as a Celery worker would; reports the survey ids the ESP saw."""
    connections.close_all()
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_API_URL": api_url}
    cpu_started = time.process_time()
    db_cpu_started = backend_cpu_seconds()
    seen: list[int] = []
    if esp == "adapter":
        from unittest import mock

        from requests.adapters import HTTPAdapter

        with mock.patch.object(HTTPAdapter, "send", fake_adapter_send(seen)):
            result = dispatch.dispatch_due(respect_window=False, batch_size=batch_size,
                                           progress=lambda n: queue.put(("progress", n)))
    elif esp == "responses":
        import responses

        def callback(request):
            payload = json.loads(request.body)
            seen.append(int(payload["Metadata"]["survey_id"]))
            return 200, {"Content-Type": "application/json"}, json.dumps(postmark_reply(payload))

        with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
            mocked.add_callback("POST", api_url.rstrip("/") + POSTMARK_PATH, callback=callback)
            result = dispatch.dispatch_due(respect_window=False, batch_size=batch_size,
                                           progress=lambda n: queue.put(("progress", n)))
    else:
        result = dispatch.dispatch_due(respect_window=False, batch_size=batch_size,
                                       progress=lambda n: queue.put(("progress", n)))
    queue.put(("done", {"sent": result.sent, "skipped": result.skipped,
                        "retried": result.retried, "failed": result.failed, "seen": seen,
                        "cpu": time.process_time() - cpu_started,
                        "db_cpu": None if db_cpu_started is None
                        else backend_cpu_seconds() - db_cpu_started}))


def run(count: int, processes: int, esp: str, batch_size: int) -> int:
    server = None
    api_url = "https://api.postmarkapp.com/"
    if esp == "server":
        server, api_url = start_fake_server()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=sender, args=(esp, api_url, batch_size, queue))
               for _ in range(processes)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    results = []
    with tqdm(total=count, desc="Envoi", unit=" enquêtes", mininterval=0.5) as bar:
        while len(results) < processes:
            kind, value = queue.get()
            if kind == "progress":
                bar.update(value)
            else:
                results.append(value)
    elapsed = time.monotonic() - started
    for worker in workers:
        worker.join()
    if server:
        server.shutdown()
    return report(count, elapsed, results, esp)


def report(count: int, elapsed: float, results: list[dict], esp: str) -> int:
    sent = sum(r["sent"] for r in results)
    seen = [survey_id for r in results for survey_id in r["seen"]]
    in_db = Survey.objects.filter(status=Survey.Status.SENT).count()
    providers = Survey.objects.filter(status=Survey.Status.SENT).values("provider_id") \
        .distinct().count()
    duplicates = len(seen) - len(set(seen)) if seen else 0
    print(f"\n{count} enquêtes dues, {len(results)} processus d’envoi, ESP factice : {esp}")
    cpu = sum(r["cpu"] for r in results)
    print(f"envoyées : {sent} en {elapsed:.1f} s → {sent / elapsed:.0f} enquêtes/s")
    print(f"temps processeur des processus d’envoi : {1000 * cpu / max(sent, 1):.2f} ms par "
          f"enquête (charge de la machine : {os.getloadavg()[0]:.1f})")
    if all(r["db_cpu"] is not None for r in results):
        db_cpu = sum(r["db_cpu"] for r in results)
        print(f"temps processeur de PostgreSQL pour ces connexions : "
              f"{1000 * db_cpu / max(sent, 1):.2f} ms par enquête")
    print(f"marquées envoyées en base : {in_db}, identifiants ESP distincts : {providers}")
    if seen:
        print(f"requêtes reçues par l’ESP : {len(seen)}, doublons : {duplicates}")
    others = {key: sum(r[key] for r in results) for key in ("skipped", "retried", "failed")}
    print(f"écartées / à réessayer / en échec : {others}")
    ok = sent == count == in_db == providers and duplicates == 0 and \
        (not seen or len(seen) == count)
    print("OK : chaque enquête envoyée exactement une fois." if ok else "ÉCHEC")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surveys", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--esp", choices=["adapter", "responses", "server"],
                        default="adapter")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Ce banc se mesure sur PostgreSQL : DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    prepare(args.surveys)
    return run(args.surveys, args.processes, args.esp, args.batch_size)


if __name__ == "__main__":
    sys.exit(main())
