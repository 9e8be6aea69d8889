"""Sophie's speed: understanding latency, HTTP throughput on PostgreSQL, engine memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_chatbot \
    REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/chatbot.py

1. understanding: p50/p99 of `engine.understand()` over a few thousand messages, pinned to one
   core, with the whole catalogue and content loaded (engine built from the database);
2. memory: the loaded engine's size (tracemalloc) and the process RSS growth while building it;
3. server cost: CPU time and SQL statements per message through Django in this process
   (production settings), figures that hold on a busy machine;
4. http: POST /api/v1/chatbot/messages through gunicorn on loopback, conversations stored in
   PostgreSQL, several client threads running multi-turn conversations, after a short warm-up
   (each worker's first requests load texts and knowledge). The rate limiter runs and counts
   every message (its limit is set out of reach: all clients share one address). Also the CPU
   used per message by the gunicorn workers and by their PostgreSQL backends (from /proc).

gunicorn: 2 workers x 4 threads by default, what a 2-core box should run: one process per core
(the GIL), threads to overlap the waits on PostgreSQL and Redis.

Targets (issue 4): p50 <= 1 ms, p99 <= 5 ms, >= 300 messages/s, engine < 150 MB.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import tracemalloc
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))  # before bench/: `chatbot` is the app, not this script

from bench._common import (  # noqa: E402
    gunicorn_server,
    postgres_backends_cpu_seconds,
    server_env,
)
from bench._common import setup_django as production_settings  # noqa: E402

HOST = "127.0.0.1"
RATE = "1000000/min"  # counted on every message, never reached
DEV_SET = ROOT.parent / "shared" / "sophie" / "dev.jsonl"
CONVERSATIONS = [
    ["Quels jours passe le camion poubelle ?", "Trouville", "rue des Bains", "et le verre ?"],
    ["où jeter un pot de yaourt", "et une bouteille de vin ?", "merci", "au revoir"],
    ["horaires de la déchèterie de Touques", "et dimanche ?", "merci beaucoup"],
    ["bonjour", "jours de collecte à Villerville", "je voudrais le calendrier à imprimer"],
    ["la déchèterie la plus proche de Blonville ?", "qui es-tu ?", "au revoir", "4"],
    ["mon bac jaune n'a pas été ramassé", "Deauville", "rue gambetta", "annuler"],
]


def setup_django() -> None:
    os.environ["MDS_CHATBOT_RATE"] = RATE
    production_settings()


def prepare_database() -> None:
    """Migrated, with the territory and Sophie's knowledge (idempotent)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from chatbot import demo
    from guichet.reference import load_service_rules
    from maison.services import load_reference_data

    load_reference_data()
    load_service_rules()
    demo.seed()


def messages(count: int, seed: int = 7) -> list[str]:
    """Dev-set messages and noisy variants (case, accents, typos), `count` of them."""
    base = []
    if DEV_SET.exists():
        base = [json.loads(line)["text"] for line in DEV_SET.read_text("utf-8").splitlines()
                if line.strip()]
    for conversation in CONVERSATIONS:
        base.extend(conversation)
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        text = rng.choice(base)
        variant = rng.random()
        if variant < 0.25:
            text = text.lower()
        elif variant < 0.5:
            text = "".join(c for c in unicodedata.normalize("NFD", text)
                           if unicodedata.category(c) != "Mn")
        elif variant < 0.7 and len(text) > 6:
            i = rng.randrange(1, len(text) - 2)
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
        out.append(text)
    return out


def bench_understanding(count: int) -> dict:
    from chatbot.selectors import build_engine

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    engine, source = build_engine()
    texts = messages(count)
    for text in texts[:200]:  # warm-up
        engine.understand(text)
    timings = []
    for text in tqdm(texts, desc="understand", unit="msg"):
        started = time.perf_counter_ns()
        engine.understand(text)
        timings.append((time.perf_counter_ns() - started) / 1e6)
    timings.sort()
    return {"source": source, "messages": count, "p50_ms": statistics.median(timings),
            "p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
            "max_ms": timings[-1], "mean_ms": statistics.fmean(timings)}


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_memory() -> dict:
    from chatbot.selectors import build_engine

    gc.collect()
    rss_before = _rss_mb()
    tracemalloc.start()
    engine, _source = build_engine()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = _rss_mb()
    engine.understand("bonjour")
    return {"engine_mb": current / 2**20, "build_peak_mb": peak / 2**20,
            "rss_growth_mb": rss_after - rss_before}


def bench_cpu(conversations: int = 30) -> dict:
    """CPU time of the whole request in this process (Django test client, production
    settings): a figure that holds on a busy machine, where wall-clock throughput depends on
    who else uses the cores. Statements run through Django's cursors are counted; each
    message is also one transaction (BEGIN, COMMIT)."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    count, statements = 0, 0

    def counted(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    def run(n):
        nonlocal count
        for index in range(n):
            conversation = None
            for text in CONVERSATIONS[index % len(CONVERSATIONS)]:
                response = client.post("/api/v1/chatbot/messages",
                                       {"conversation": conversation, "text": text},
                                       content_type="application/json")
                conversation = response.json()["conversation"]
                count += 1

    run(6)  # warm-up
    count, statements = 0, 0
    with connection.execute_wrapper(counted):
        started = time.process_time()
        run(conversations)
        cpu = time.process_time() - started
    return {"messages": count, "cpu_ms": cpu / count * 1000, "queries": statements / count}


# --- HTTP ---------------------------------------------------------------------------------------

PRELOAD = """
from chatbot.selectors import load_engine
load_engine()  # built once in the master, shared by the forked workers
"""


class Client(threading.local):
    conn: http.client.HTTPConnection | None = None

    def post(self, port: int, body: dict) -> tuple[float, int, dict]:
        payload = json.dumps(body).encode()
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
            started = time.perf_counter()
            try:
                self.conn.request("POST", "/api/v1/chatbot/messages", body=payload,
                                  headers={"Content-Type": "application/json"})
                response = self.conn.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - started
                return elapsed, response.status, json.loads(data) if data else {}
            except (http.client.HTTPException, OSError, ValueError):
                self.conn.close()
                self.conn = None
                if attempt:
                    return time.perf_counter() - started, 599, {}
        return 0.0, 599, {}


def bench_http(total: int, clients: int, workers: int, threads: int, warmup: int) -> dict:
    env = server_env(MDS_CHATBOT_RATE=RATE)
    with gunicorn_server(workers=workers, threads=threads, env=env, preload=PRELOAD) as server:
        post_conversations(server.port, warmup, clients, seed=5, label="warm-up")
        workers_cpu = server.workers_cpu_seconds()
        backends_cpu = postgres_backends_cpu_seconds()
        figures = post_conversations(server.port, total, clients, seed=11, label="http")
        workers_cpu = server.workers_cpu_seconds() - workers_cpu
        if backends_cpu is not None:
            backends_cpu = postgres_backends_cpu_seconds() - backends_cpu
    count = figures["messages"] or 1
    return {**figures, "clients": clients, "gunicorn": f"{workers}x{threads}",
            "workers_cpu_ms": workers_cpu / count * 1000,
            "postgres_cpu_ms": backends_cpu / count * 1000 if backends_cpu is not None
            else None}


def post_conversations(port: int, total: int, clients: int, *, seed: int, label: str
                       ) -> dict:
    """`total` messages from `clients` threads, each running whole conversations."""
    local = Client()
    rng = random.Random(seed)
    scripts = [rng.choice(CONVERSATIONS) for _ in range(total // 3 + 1)]
    latencies: list[float] = []
    errors = 0
    sent = 0
    lock = threading.Lock()

    def run(script):
        nonlocal errors, sent
        conversation = None
        for text in script:
            with lock:
                if sent >= total:
                    return
                sent += 1
            latency, status, data = local.post(port, {"conversation": conversation,
                                                      "text": text})
            conversation = data.get("conversation", conversation)
            with lock:
                latencies.append(latency)
                errors += status != 200
                progress.update()

    with tqdm(total=total, desc=label, unit="msg") as progress:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(run, scripts))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"messages": len(latencies), "seconds": elapsed,
            "messages_per_s": len(latencies) / elapsed, "errors": errors,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000, help="messages understood")
    parser.add_argument("--http", type=int, default=2000, help="messages posted over HTTP")
    parser.add_argument("--warmup", type=int, default=200,
                        help="messages posted before the measured ones")
    parser.add_argument("--clients", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the benchmark's target).")
    setup_django()
    prepare_database()
    memory = bench_memory()
    cpu = bench_cpu()
    if not args.skip_http:
        http_figures = bench_http(args.http, args.clients, args.workers, args.threads,
                                  args.warmup)
    understanding = bench_understanding(args.messages)  # last: it pins this process to a core
    print(f"understanding ({understanding['source']}, {understanding['messages']} messages, "
          f"one core): p50 {understanding['p50_ms']:.3f} ms, p99 {understanding['p99_ms']:.3f} "
          f"ms, max {understanding['max_ms']:.2f} ms  (targets 1 ms / 5 ms)")
    print(f"memory: engine {memory['engine_mb']:.1f} MB (tracemalloc), RSS growth "
          f"{memory['rss_growth_mb']:.1f} MB, build peak {memory['build_peak_mb']:.1f} MB  "
          "(target < 150 MB)")
    print(f"server cost: {cpu['cpu_ms']:.2f} ms of CPU and {cpu['queries']:.2f} SQL statements "
          f"(+ BEGIN and COMMIT) per message, over {cpu['messages']} messages in multi-turn "
          "conversations (Django in this process, production settings)")
    if not args.skip_http:
        h = http_figures
        print(f"http: {h['messages']} messages in {h['seconds']:.1f} s = "
              f"{h['messages_per_s']:.0f} messages/s, p50 {h['p50_ms']:.1f} ms, p99 "
              f"{h['p99_ms']:.1f} ms, errors {h['errors']} (clients {h['clients']}, gunicorn "
              f"{h['gunicorn']}; target >= 300/s)")
        postgres = (f", PostgreSQL backends {h['postgres_cpu_ms']:.2f} ms"
                    if h["postgres_cpu_ms"] is not None else "")
        print(f"http CPU per message: gunicorn workers {h['workers_cpu_ms']:.2f} ms{postgres}; "
              f"machine load {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
