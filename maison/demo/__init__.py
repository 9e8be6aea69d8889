"""Demo data: the protocol every room's `demo` module follows, and maison's own part.

`python manage.py seed_demo` finds a `demo` module (or package) in every installed app of
ours, in INSTALLED_APPS order (maison, crm, guichet, chatbot, surveys, cockpit), and calls:

    seed(*, tickets: int, progress: Progress) -> Seeded | dict[str, int] | None

- `tickets` is the size asked for (`--tickets`, 15,000 by default: a believable year). A room
  scales its own volume from it (crm: usagers; surveys: a share of closed tickets…).
- `progress` is a factory of progress bars, tqdm's signature in small:
  `progress(total=None, desc="", unit="it")` returns a context manager whose `update(n=1)`
  advances the bar. The command passes tqdm; tests pass `silent_progress`. Use one for any
  step that takes more than a second or two.
- `seed` must be idempotent: reference data with update_or_create / get_or_create, and volume
  data (usagers, tickets…) added only when the room has none yet — then it says so in
  `Seeded.notes` instead of adding more. Bulk-load volume (see `maison.demo.bulk`), never
  row by row through services: 1,000,000 tickets must load in minutes.
- Random choices come from `random_for("<room>")`, so that `--seed N` gives the same data
  again (until the day changes: the demo year always ends today).

A module may also define `reset() -> None`: `seed_demo --reset` calls those in reverse order
(cockpit first, maison last) to wipe the room's demo volume before seeding again. Reference
data (territory, themes, SLA, queues, knowledge base) and demo accounts are kept.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from itertools import accumulate
from typing import Protocol

from django.utils import timezone

from maison.services import load_reference_data


class ProgressBar(Protocol):
    def update(self, n: int = 1) -> object: ...

    def __enter__(self) -> ProgressBar: ...

    def __exit__(self, *exc_info) -> object: ...


class Progress(Protocol):
    def __call__(self, *, total: int | None = None, desc: str = "",
                 unit: str = "it") -> ProgressBar: ...


class _SilentBar:
    def update(self, n: int = 1) -> None:
        return None

    def __enter__(self) -> _SilentBar:
        return self

    def __exit__(self, *exc_info) -> None:
        return None


def silent_progress(*, total: int | None = None, desc: str = "", unit: str = "it") -> _SilentBar:
    """A progress factory that shows nothing (tests, callers without a terminal)."""
    return _SilentBar()


@dataclass
class Seeded:
    """What a room's `seed` did, for the command to print."""

    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # (role label, username, password) of accounts one may log in with.
    logins: list[tuple[str, str, str]] = field(default_factory=list)


# --- Reproducible randomness ------------------------------------------------------------------

_base_seed: int | None = None


def set_seed(value: int | None) -> None:
    """Fix the seed of every room's generator (`seed_demo --seed N`)."""
    global _base_seed
    _base_seed = value


def random_for(label: str) -> random.Random:
    """A generator of its own for each room: one room's draws never shift another's."""
    if _base_seed is None:
        return random.Random()  # noqa: S311 (demo data, not secrets)
    return random.Random(f"{_base_seed}:{label}")  # noqa: S311


@contextmanager
def seeded_with(value: int | None):
    """Run a block with a fixed seed, restoring the previous one after (tests, benches)."""
    previous = _base_seed
    set_seed(value)
    try:
        yield
    finally:
        set_seed(previous)


class Weighted:
    """A weighted draw in one bisection (random.choices costs ten times more per pick)."""

    __slots__ = ("options", "cumulated", "total")

    def __init__(self, options, weights):
        self.options = list(options)
        self.cumulated = list(accumulate(weights))
        self.total = self.cumulated[-1] if self.cumulated else 0

    def __bool__(self) -> bool:
        return bool(self.options) and self.total > 0

    def pick(self, rng: random.Random):
        index = bisect_right(self.cumulated, rng.random() * self.total)
        return self.options[min(index, len(self.options) - 1)]


# --- The demo year ---------------------------------------------------------------------------

DEMO_DAYS = 365


def demo_year(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The demo's 12 months: from local midnight a year ago to now (aware datetimes)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    start = datetime.combine(today - timedelta(days=DEMO_DAYS), time(0, 0),
                             timezone.get_current_timezone())
    return start, now


# --- maison's own part ------------------------------------------------------------------------

def seed(*, tickets: int, progress: Progress) -> Seeded:
    """The territory: communes, zones and streets, themes, school holidays (idempotent)."""
    with progress(total=1, desc="Territoire et thèmes", unit="étape") as bar:
        counts = load_reference_data()
        bar.update(1)
    return Seeded(counts={
        "communes": counts.get("communes", 0),
        "secteurs de collecte": counts.get("zones", 0),
        "voies": counts.get("streets", 0),
        "thèmes": counts.get("themes", 0),
        "sous-thèmes": counts.get("subthemes", 0),
    })
