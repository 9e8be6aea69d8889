"""Benchmark: how long `seed_demo --tickets N` takes, and what it writes (rows per table).

Target: 1,000,000 tickets into PostgreSQL in under 10 minutes on a 2-core machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench \\
        .venv/bin/python bench/seed.py --tickets 1000000

The database is reset first (its demo data is wiped). `--rooms` limits the run to some rooms
(default: every room's demo, as the README command does).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (  # noqa: E402
    machine,
    print_table,
    setup_django,
    stopwatch,
    table_counts,
    warn_unless_postgres,
    write_results,
)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rooms", default=None, help="e.g. maison,crm,guichet")
    parser.add_argument("--results-dir", type=Path, default=None)
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    setup_django()
    import logging

    from django.core.management import call_command

    if not args.quiet:  # each phase's and each index rebuild's duration
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        for name in ("maison.demo", "guichet.demo", "cockpit"):
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False

    from maison.management.commands.seed_demo import Command

    warn_unless_postgres()
    call_command("migrate", verbosity=0)
    command = Command()
    with stopwatch() as elapsed:
        call_command(command, tickets=args.tickets, seed=args.seed, reset=True,
                     interactive=False, force=True, rooms=args.rooms,
                     verbosity=0 if args.quiet else 1)
    seconds = elapsed()
    counts = table_counts()
    rows = [{"étape": room, "secondes": round(value, 1)} for room, value in
            command.timings.items()]
    rows.append({"étape": "total", "secondes": round(seconds, 1)})
    print_table(rows, ["étape", "secondes"],
                title=f"seed_demo --tickets {args.tickets:,}".replace(",", " "))
    print_table([{"table": table, "lignes": count} for table, count in counts.items()],
                ["table", "lignes"], title="Lignes par table")
    rate = args.tickets / seconds if seconds else 0
    print(f"\n{rate:,.0f} demandes/s en tout ; machine : {machine()}".replace(",", " "))
    result = {"tickets": args.tickets, "seconds": round(seconds, 1), "rooms": command.timings,
              "rows": counts, "tickets_per_second": round(rate, 1),
              "target": "1 000 000 demandes en moins de 600 s"}
    path = write_results(f"seed-{args.tickets}", result, results_dir=args.results_dir)
    print(f"Résultats : {path}")
    return result


if __name__ == "__main__":
    main()
