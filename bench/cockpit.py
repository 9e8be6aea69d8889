"""Benchmark: the cockpit's pages on a big database (target: p95 under 200 ms server side).

Run it against a database already filled by the demo seed (it never loads tickets itself):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench \\
        .venv/bin/python manage.py seed_demo --tickets 1000000      # once, by the seed
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench \\
        .venv/bin/python bench/cockpit.py --requests 30

Every page is requested through Django's test Client, logged in (an élu, and a superviseur
for the drill-down links), so the time measured is the whole server side: middleware,
session, the catch-up of the rollups, every query and the template — only the network is
left out. The main view is measured with every period preset and filter combination, then
the per-commune view, the live refresh, the look-up, the report and the indicators export.
If the rollups were never built on this database the script builds them first (and says how
long it took), since the demo seed normally does it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maison.settings")
# Production-like: no SQL recording (DEBUG off).
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + uuid.uuid4().hex)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
# Production static files (hashed manifest): collected into a scratch folder first.
os.environ.setdefault("DJANGO_STATIC_ROOT", "/tmp/mds-bench-static")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from tqdm import tqdm  # noqa: E402

from cockpit import rebuild, rollups  # noqa: E402
from cockpit.models import Rollup, RollupState, TicketFact  # noqa: E402
from cockpit.periods import today  # noqa: E402
from guichet.models import Ticket  # noqa: E402
from maison import roles  # noqa: E402
from maison.models import Commune, Theme  # noqa: E402

TARGET_MS = 200.0


def bench_user(username: str, role: str) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def client_for(user: User) -> Client:
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def scenarios() -> list[tuple[str, str, dict]]:
    """(label, url, GET parameters): every preset, and filter combinations."""
    home = reverse("cockpit:home")
    big = Commune.objects.filter(slug="deauville").first() or Commune.objects.first()
    small = Commune.objects.filter(slug="vauville").first() or Commune.objects.last()
    theme = Theme.objects.filter(code="collecte").first() or Theme.objects.first()
    other = Theme.objects.filter(code="decheteries").first() or Theme.objects.last()
    on = today()
    cases = [("main view (30 days)", home, {})]
    for preset in ("7j", "mois", "12m", "annee"):
        cases.append((f"preset {preset}", home, {"periode": preset}))
    custom = {"periode": "perso", "du": (on - timedelta(days=200)).isoformat(),
              "au": (on - timedelta(days=17)).isoformat()}
    cases += [
        ("custom range 183 days", home, custom),
        ("custom range 2 years", home, {"periode": "perso",
                                        "du": (on - timedelta(days=730)).isoformat(),
                                        "au": on.isoformat()}),
        ("12m + commune", home, {"periode": "12m", "commune": big.slug}),
        ("12m + theme", home, {"periode": "12m", "theme": theme.code}),
        ("12m + channel", home, {"periode": "12m", "canal": "telephone"}),
        ("12m + commune + theme", home, {"periode": "12m", "commune": big.slug,
                                         "theme": theme.code}),
        ("12m + commune + theme + channel", home, {"periode": "12m", "commune": small.slug,
                                                   "theme": other.code, "canal": "email"}),
        ("30j + theme + channel", home, {"theme": theme.code, "canal": "email"}),
        ("annee + commune + channel", home, {"periode": "annee", "commune": big.slug,
                                             "canal": "formulaire"}),
        ("custom + all filters", home, {**custom, "commune": big.slug, "theme": theme.code,
                                        "canal": "telephone"}),
        ("commune view (12m)", reverse("cockpit:commune", args=[big.slug]), {"periode": "12m"}),
        ("live refresh (12m)", reverse("cockpit:live"), {"periode": "12m"}),
        ("live refresh + filters", reverse("cockpit:live"), {"periode": "mois",
                                                             "commune": big.slug}),
        ("report (12m)", reverse("cockpit:report"), {"periode": "12m"}),
        ("indicators CSV (12m)", reverse("cockpit:export_indicators"), {"periode": "12m"}),
    ]
    reference = (Ticket.objects.filter(reference__startswith="MDS-").order_by("-pk")
                 .values_list("reference", flat=True).first())
    if reference:
        cases.append(("look-up by reference", reverse("cockpit:lookup"),
                      {"reference": reference}))
    return cases


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(client: Client, url: str, params: dict, requests: int) -> list[float]:
    client.get(url, params)  # warm-up (first compile of templates, PostgreSQL cache)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params}: HTTP {response.status_code}")
    return timings


def ensure_rollups() -> None:
    state = RollupState.objects.filter(pk=1).first()
    if state and state.rebuilt_at and TicketFact.objects.exists():
        started = time.monotonic()
        changed = rollups.catch_up()
        print(f"Rollups up to date ({changed} changes applied in "
              f"{time.monotonic() - started:.1f} s).")
        return
    total = Ticket.objects.count()
    print(f"Rollups never built on this database: building them from {total} tickets…")
    started = time.monotonic()
    with tqdm(total=total, unit=" demandes", mininterval=1) as bar:
        rebuild.rebuild(progress=bar.update)
    print(f"Built in {time.monotonic() - started:.0f} s: {Rollup.objects.count()} rollup rows.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="requests per page (30)")
    args = parser.parse_args()
    tickets = Ticket.objects.count()
    answers = _count("surveys_answer")
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']} — "
          f"{tickets} tickets, {answers} survey answers.")
    call_command("collectstatic", interactive=False, verbosity=0)
    ensure_rollups()
    print(f"Rollup rows: {Rollup.objects.count()} (daily and monthly), "
          f"facts: {TicketFact.objects.count()}.")
    elu = client_for(bench_user("bench-elu", roles.ELU))
    superviseur = client_for(bench_user("bench-superviseur", roles.SUPERVISEUR))
    rows, worst = [], 0.0
    every = []
    for label, url, params in tqdm(scenarios(), desc="pages", unit=" page"):
        for who, client in (("élu", elu), ("superviseur", superviseur)):
            timings = measure(client, url, params, args.requests)
            every += timings
            p95 = percentile(timings, 0.95)
            worst = max(worst, p95)
            rows.append((f"{label} [{who}]", statistics.median(timings), p95, max(timings)))
    width = max(len(row[0]) for row in rows)
    print(f"\n{'page':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  {'max ms':>8}")
    for label, p50, p95, top in rows:
        flag = "" if p95 < TARGET_MS else "  ← over target"
        print(f"{label:<{width}}  {p50:8.1f}  {p95:8.1f}  {top:8.1f}{flag}")
    print(f"\nAll pages together: p50 {statistics.median(every):.1f} ms, "
          f"p95 {percentile(every, 0.95):.1f} ms; worst page p95 {worst:.1f} ms "
          f"(target {TARGET_MS:.0f} ms): {'OK' if worst < TARGET_MS else 'NOT MET'}.")


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        try:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            return cursor.fetchone()[0]
        except Exception:
            return 0


if __name__ == "__main__":
    main()
