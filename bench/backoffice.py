"""Benchmark: the agent's back office with a million tickets (target: p95 under 100 ms).

Measures, server side, the real views through Django's test Client logged in as `agent`
(middleware, session, permissions, selectors, template: everything but the network), and the
selectors alone (`guichet.selectors.ticket_queue` and `search_tickets`, first page and count):
the agent's queue under several filter combinations, and searches by reference, phone, email,
name and words. Each measure draws a different value each time (another reference, another
phone number…), so no query is answered from a warm cache of its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench \\
        .venv/bin/python bench/backoffice.py --tickets 1000000

The database is seeded first if it holds fewer tickets (seed_demo, a few minutes at 1M).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (  # noqa: E402
    ensure_tickets,
    print_table,
    setup_django,
    summary_ms,
    time_calls,
    warn_unless_postgres,
    write_results,
)

TARGET_P95_MS = 100
PAGE = 25


def queue_cases(ids: dict) -> list[tuple[str, dict, dict, str]]:
    """(label, GET parameters of the queue page, selector filters, ordering)."""
    return [
        ("mes demandes ouvertes", {}, {"status": "open"}, "-created"),
        ("équipe, ouvertes", {"scope": "team"}, {"status": "open"}, "-created"),
        ("équipe, thème + commune", {"scope": "team", "theme": ids["collecte"],
                                     "commune": ids["Trouville-sur-Mer"]},
         {"status": "open", "theme": ids["collecte"], "commune": ids["Trouville-sur-Mer"]},
         "-created"),
        ("toutes, téléphone + réclamation, tout statut",
         {"scope": "all", "channel": "telephone", "nature": "reclamation", "status": "any"},
         {"status": "", "channel": "telephone", "nature": "reclamation"}, "-created"),
        ("toutes, en retard", {"scope": "all", "overdue": "on"},
         {"status": "open", "overdue": True}, "-created"),
        ("équipe, par échéance", {"scope": "team", "sort": "due"}, {"status": "open"}, "due"),
        ("toutes, closes à Deauville, par priorité",
         {"scope": "all", "status": "clos", "commune": ids["Deauville"], "sort": "-priority"},
         {"status": "clos", "commune": ids["Deauville"]}, "-priority"),
        ("toutes, ouvertes, page 3", {"scope": "all", "page": 3}, {"status": "open"},
         "-created"),
    ]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--no-seed", action="store_true",
                        help="use the database as it is, whatever its size")
    parser.add_argument("--results-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    setup_django()
    warn_unless_postgres()
    database = {"seeded": False} if args.no_seed else ensure_tickets(args.tickets)
    samples = Samples(random.Random(7), size=max(args.repeat + 5, 40))
    rows = []
    rows += measure_queue(samples, args.repeat)
    rows += measure_search(samples, args.repeat)
    for row in rows:
        row["≤ 100 ms (p95)"] = "oui" if row["p95_ms"] < TARGET_P95_MS else "NON"
    print_table(rows, ["mesure", "chemin", "p50_ms", "p95_ms", "p99_ms", "max_ms",
                       "≤ 100 ms (p95)"],
                title=f"Back office, {samples.ticket_count:,} demandes".replace(",", " "))
    result = {"tickets": samples.ticket_count, "repeat": args.repeat, "database": database,
              "target_p95_ms": TARGET_P95_MS, "measures": rows,
              "all_within_target": all(r["p95_ms"] < TARGET_P95_MS for r in rows)}
    path = write_results("backoffice", result, results_dir=args.results_dir)
    print(f"Résultats : {path}")
    return result


class Samples:
    """Random existing references, phone numbers and emails to search for."""

    def __init__(self, rng: random.Random, size: int):
        from django.contrib.auth import get_user_model
        from django.db.models import Max, Min

        from crm.models import ContactPoint
        from guichet.models import Ticket
        from maison.models import Commune, Theme

        self.rng = rng
        self.agent = get_user_model().objects.get(username="agent")
        bounds = Ticket.objects.aggregate(low=Min("id"), high=Max("id"))
        self.ticket_count = Ticket.objects.count()
        ticket_ids = [rng.randint(bounds["low"], bounds["high"]) for _ in range(size * 2)]
        drawn = list(Ticket.objects.filter(pk__in=ticket_ids).exclude(usager=None)
                     .values_list("reference", "usager_id"))
        rng.shuffle(drawn)
        self.references = [reference for reference, _ in drawn][:size]
        points = ContactPoint.objects.filter(usager_id__in=[u for _, u in drawn])
        self.phones = [_national(v) for v in points.filter(kind="phone")
                       .values_list("value", flat=True)][:size]
        self.emails = list(points.filter(kind="email").values_list("value", flat=True))[:size]
        self.names = ["Lefebvre", "Martin Dupont", "Hébert", "Boulangerie", "Camping",
                      "Lemoine", "Duval", "Restaurant", "lefevre", "helene"]  # accents aside
        self.words = ["bac cassé", "encombrants", "composteur", "fuite", "déchèterie badge",
                      "colonne à verre", "redevance", "sapin"]
        self.ids = {**dict(Theme.objects.values_list("code", "id")),
                    **dict(Commune.objects.values_list("name", "id"))}

    def cycle(self, values: list[str]):
        position = [0]

        def next_value() -> str:
            value = values[position[0] % len(values)]
            position[0] += 1
            return value

        return next_value


def _national(e164: str) -> str:
    """+33612345678 → 06 12 34 56 78, as an agent types it."""
    digits = "0" + e164[3:]
    return " ".join(digits[i:i + 2] for i in range(0, 10, 2))


def _client(agent):
    from django.test import Client

    client = Client()
    client.force_login(agent)
    return client


def measure_queue(samples: Samples, repeat: int) -> list[dict]:
    from django.urls import reverse

    from guichet import selectors

    client = _client(samples.agent)
    url = reverse("guichet:queue")
    rows = []
    for label, params, filters, ordering in queue_cases(samples.ids):
        def view(params=params):
            response = client.get(url, params, secure=True)
            assert response.status_code == 200, response.status_code

        scope = params.get("scope", "mine")

        def selector(filters=filters, ordering=ordering, scope=scope):
            tickets = selectors.ticket_queue(user=samples.agent, scope=scope, filters=filters,
                                             ordering=ordering)
            selectors.page_of_tickets(tickets, 0, PAGE)  # ids first, as the view reads a page
            int(selectors.capped_count(tickets))

        rows.append({"mesure": f"file : {label}", "chemin": "vue",
                     **summary_ms(time_calls(view, repeat=repeat))})
        rows.append({"mesure": f"file : {label}", "chemin": "sélecteur",
                     **summary_ms(time_calls(selector, repeat=repeat))})
    return rows


def measure_search(samples: Samples, repeat: int) -> list[dict]:
    from django.urls import reverse

    from guichet import selectors

    client = _client(samples.agent)
    url = reverse("guichet:search")
    kinds = [("référence", samples.references), ("téléphone", samples.phones),
             ("courriel", samples.emails), ("nom", samples.names), ("mots", samples.words)]
    rows = []
    for label, values in kinds:
        if not values:
            continue
        next_for_view, next_for_selector = samples.cycle(values), samples.cycle(values)

        def view(next_value=next_for_view):
            response = client.get(url, {"q": next_value()}, secure=True)
            assert response.status_code in (200, 302), response.status_code

        def selector(next_value=next_for_selector):
            list(selectors.search_tickets(next_value(), user=samples.agent)[:PAGE])

        rows.append({"mesure": f"recherche : {label}", "chemin": "vue",
                     **summary_ms(time_calls(view, repeat=repeat))})
        rows.append({"mesure": f"recherche : {label}", "chemin": "sélecteur",
                     **summary_ms(time_calls(selector, repeat=repeat))})
    return rows


if __name__ == "__main__":
    main()
