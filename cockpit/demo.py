"""Demo data for the cockpit: its rollups, rebuilt from the tickets the other rooms seeded.

Called last by `manage.py seed_demo` (cockpit comes after every room); idempotent: a
rebuild always gives the same rows for the same tickets.
"""

from __future__ import annotations

from guichet import indicators
from maison.demo import Progress, Seeded

from . import rebuild
from .models import Rollup, RollupState


def seed(*, tickets: int, progress: Progress) -> Seeded:
    with progress(total=indicators.ticket_count(), desc="Cockpit : agrégats",
                  unit=" demandes") as bar:
        facts = rebuild.rebuild(progress=bar.update)
    return Seeded(counts={"demandes comptées": facts,
                          "lignes d’agrégats": Rollup.objects.count()})


def reset() -> None:
    """Empty the rollups (the tickets they count are being wiped)."""
    rebuild.clear()
    RollupState.objects.all().delete()
