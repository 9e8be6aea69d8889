"""Keeping the rollups up to date (the cockpit's only writes, all on its own tables).

How it stays exact and fresh:
- Every ticket's current contribution is stored as a `TicketFact`. A change is applied by
  subtracting the stored contribution and adding the new one, to the day row and the month
  row of the ticket (and their sub-theme twins): re-applying the same state is a no-op, so
  catching up is idempotent and can overlap.
- `catch_up()` applies the tickets changed since a watermark (`Ticket.updated_at`, indexed),
  re-checking a short overlap window so that a transaction that committed late is never
  missed. It runs every few seconds from Celery beat, and on cockpit page loads and live
  refreshes, so a new ticket or a closure shows at once on the dashboard.
- `reconcile()` (nightly) compares every ticket with its stored fact: it repairs what a
  write without `updated_at` could have missed and removes deleted tickets.
- `cockpit.rebuild` recomputes everything from the tickets (`manage.py cockpit_rebuild`).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from guichet import indicators
from guichet.models import OPEN_STATUSES

from .measures import contribution, subtheme_contribution
from .models import (
    ALL_CHANNELS,
    ALL_IDS,
    Grain,
    OpenTicket,
    Rollup,
    RollupState,
    SubthemeRollup,
    TicketFact,
)
from .periods import month_start

logger = logging.getLogger(__name__)

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
FACT_COLUMNS = ("ticket_id", "reference", "day", "commune_id", "theme_id", "subtheme_id",
                "channel", "nature", "category", "status", "created_at",
                "first_response_due_at", "due_at", "done_at",
                "first_response_seconds", "resolution_seconds", "first_response_met",
                "resolution_met")
ROLLUP_KEY = ("grain", "period", "commune_id", "theme_id", "channel")
SUBTHEME_KEY = ("grain", "period", "commune_id", "theme_id", "subtheme_id", "channel")

Progress = Callable[[int], None]


def overlap() -> timedelta:
    return timedelta(seconds=settings.COCKPIT_WATERMARK_OVERLAP_SECONDS)


def state() -> RollupState:
    return RollupState.objects.get_or_create(pk=1)[0]


# --- Facts <-> rows -----------------------------------------------------------------------------

def _fact_from_values(values: tuple) -> indicators.TicketFact:
    data = dict(zip(FACT_COLUMNS, values, strict=True))
    for key in ("commune_id", "theme_id", "subtheme_id"):
        data[key] = data[key] or None
    return indicators.TicketFact(**data)


def _fact_row(fact: indicators.TicketFact) -> TicketFact:
    return TicketFact(
        ticket_id=fact.ticket_id, reference=fact.reference, day=fact.day,
        commune_id=fact.commune_id or 0, theme_id=fact.theme_id or 0,
        subtheme_id=fact.subtheme_id or 0, channel=fact.channel, nature=fact.nature,
        category=fact.category, status=fact.status, created_at=fact.created_at,
        first_response_due_at=fact.first_response_due_at, due_at=fact.due_at,
        done_at=fact.done_at,
        first_response_seconds=fact.first_response_seconds,
        resolution_seconds=fact.resolution_seconds,
        first_response_met=fact.first_response_met, resolution_met=fact.resolution_met)


def stored_facts(ticket_ids: Iterable[int]) -> dict[int, indicators.TicketFact]:
    ids = list(ticket_ids)
    facts = {}
    for start in range(0, len(ids), 1000):
        for values in (TicketFact.objects.filter(ticket_id__in=ids[start:start + 1000])
                       .values_list(*FACT_COLUMNS)):
            facts[values[0]] = _fact_from_values(values)
    return facts


# --- Contributions ------------------------------------------------------------------------------

Deltas = dict[tuple, Counter]


def _cells(fact: indicators.TicketFact) -> list[tuple]:
    """(commune, theme, channel) of every cell the ticket counts in: its own values and "all"
    in each combination (8 cells)."""
    communes = (fact.commune_id or 0, ALL_IDS)
    themes = (fact.theme_id or 0, ALL_IDS)
    channels = (fact.channel, ALL_CHANNELS)
    return [(commune, theme, channel)
            for commune in communes for theme in themes for channel in channels]


def _periods(fact: indicators.TicketFact) -> list[tuple[str, date]]:
    return [(Grain.DAY.value, fact.day), (Grain.MONTH.value, month_start(fact.day))]


def _accumulate(rollups: Deltas, subthemes: Deltas, fact: indicators.TicketFact,
                sign: int) -> None:
    main, sub = contribution(fact), subtheme_contribution(fact)
    theme, subtheme = fact.theme_id or 0, fact.subtheme_id or 0
    for grain, period in _periods(fact):
        for cell in _cells(fact):
            target = rollups[(grain, period, *cell)]
            for column, value in main.items():
                target[column] += sign * value
        for commune in (fact.commune_id or 0, ALL_IDS):
            for channel in (fact.channel, ALL_CHANNELS):
                target = subthemes[(grain, period, commune, theme, subtheme, channel)]
                for column, value in sub.items():
                    target[column] += sign * value


def _write_deltas(model, key_fields: tuple[str, ...], deltas: Deltas) -> None:
    """Add deltas to existing rows, create the missing ones, drop rows left empty."""
    deltas = {key: {c: v for c, v in counter.items() if v} for key, counter in deltas.items()}
    deltas = {key: values for key, values in deltas.items() if values}
    if not deltas:
        return
    existing = {}
    keys = list(deltas)
    for start in range(0, len(keys), 200):
        wanted = Q()
        for key in keys[start:start + 200]:
            wanted |= Q(**dict(zip(key_fields, key, strict=True)))
        for row in model.objects.filter(wanted):
            existing[tuple(getattr(row, name) for name in key_fields)] = row
    measures = [field.name for field in model._meta.concrete_fields
                if field.name not in key_fields and field.name != "id"]
    rows, empty = [], []
    for key, values in deltas.items():
        current = existing.get(key)
        totals = {column: getattr(current, column) if current else 0 for column in measures}
        for column, value in values.items():
            totals[column] += value
        if totals["created"] <= 0:
            if current is not None:
                empty.append(current.pk)
            if any(totals.values()):
                logger.warning("cockpit rollup inconsistent at %s: run cockpit_rebuild", key)
            continue
        rows.append(model(**dict(zip(key_fields, key, strict=True)), **totals))
    # One upsert with the new absolute values (the rows are locked by the rollup lock).
    model.objects.bulk_create(rows, batch_size=500, update_conflicts=True,
                              unique_fields=list(key_fields), update_fields=measures)
    if empty:
        model.objects.filter(pk__in=empty).delete()


def apply_facts(new_facts: dict[int, indicators.TicketFact | None]) -> int:
    """Bring the stored facts and the rollups to the given facts; returns how many changed.

    Must run under the rollup lock (see `_locked_state`)."""
    stored = stored_facts(new_facts)
    rollups: Deltas = defaultdict(Counter)
    subthemes: Deltas = defaultdict(Counter)
    upserts, deletions, still_open, closed = [], [], [], []
    for ticket_id, new in new_facts.items():
        old = stored.get(ticket_id)
        if old == new:
            continue
        if new is not None and new.status in OPEN_STATUSES:
            still_open.append(_open_row(new))
        else:
            closed.append(ticket_id)
        if old is not None:
            _accumulate(rollups, subthemes, old, -1)
        if new is not None:
            _accumulate(rollups, subthemes, new, +1)
            upserts.append(_fact_row(new))
        else:
            deletions.append(ticket_id)
    if deletions:
        TicketFact.objects.filter(ticket_id__in=deletions).delete()
    if upserts:
        TicketFact.objects.bulk_create(
            upserts, batch_size=500, update_conflicts=True, unique_fields=["ticket_id"],
            update_fields=[name for name in FACT_COLUMNS if name != "ticket_id"])
    _write_deltas(Rollup, ROLLUP_KEY, rollups)
    _write_deltas(SubthemeRollup, SUBTHEME_KEY, subthemes)
    if closed:
        OpenTicket.objects.filter(ticket_id__in=closed).delete()
    if still_open:
        OpenTicket.objects.bulk_create(
            still_open, batch_size=500, update_conflicts=True, unique_fields=["ticket_id"],
            update_fields=[f.name for f in OpenTicket._meta.concrete_fields
                           if f.name != "ticket_id"])
    return len(upserts) + len(deletions)


def _open_row(fact: indicators.TicketFact) -> OpenTicket:
    return OpenTicket(ticket_id=fact.ticket_id, commune_id=fact.commune_id or 0,
                      theme_id=fact.theme_id or 0, channel=fact.channel, status=fact.status,
                      created_at=fact.created_at,
                      first_response_due_at=fact.first_response_due_at, due_at=fact.due_at,
                      answered=fact.first_response_seconds is not None)


def _differs(new_facts: dict[int, indicators.TicketFact | None]) -> bool:
    stored = stored_facts(new_facts)
    return any(stored.get(ticket_id) != fact for ticket_id, fact in new_facts.items())


def _locked_state() -> RollupState:
    """The state row, locked until the end of the transaction (one updater at a time).

    On SQLite the IMMEDIATE transaction mode already serialises writers."""
    state()
    return RollupState.objects.select_for_update().get(pk=1)


# --- Incremental update -------------------------------------------------------------------------

def catch_up(*, max_tickets: int = 200_000, page_size: int = 2000,
             recheck_overlap: bool = True) -> int:
    """Apply the tickets changed since the watermark; returns how many facts changed.

    Cheap when nothing changed: one indexed query, then read-only comparisons; the lock is
    taken only when something must be written. `max_tickets` bounds the work of one call
    (page loads use a small budget, the beat task a large one); page loads also skip the
    overlap re-check, which the beat task does every few seconds."""
    current = state()
    if current.rebuilding:
        return 0
    if current.watermark is None:
        since = EPOCH
    else:
        since = current.watermark - overlap() if recheck_overlap else current.watermark
    cursor = (since, 0)
    changed = seen = 0
    while seen < max_tickets:
        size = min(page_size, max_tickets - seen)
        page = indicators.changed_tickets(after=cursor, limit=size)
        if not page:
            break
        seen += len(page)
        applied = _apply_page(page, watermark=current.watermark)
        if applied is None:  # a rebuild started meanwhile
            break
        changed += applied
        cursor = (page[-1][1], page[-1][0])
        if len(page) < size:
            break
    return changed


def _apply_page(page: list[tuple[int, datetime]], *, watermark: datetime | None) -> int | None:
    newest = page[-1][1]
    ids = [ticket_id for ticket_id, _ in page]
    if watermark and newest <= watermark and not _differs(indicators.ticket_facts(ids)):
        return 0  # only the overlap window, already applied
    with transaction.atomic():
        locked = _locked_state()
        if locked.rebuilding:
            return None
        changed = apply_facts(indicators.ticket_facts(ids))
        if locked.watermark is None or newest > locked.watermark:
            locked.watermark = newest
        locked.updated_at = timezone.now()
        locked.save(update_fields=["watermark", "updated_at"])
    return changed


def reconcile(*, chunk_size: int = 2000, progress: Progress | None = None) -> int:
    """Compare every ticket with its stored fact and repair differences (nightly)."""
    repaired = 0
    last_ticket = indicators.Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
    last_fact = TicketFact.objects.order_by("-ticket_id").values_list("ticket_id", flat=True)
    last_id = max(last_ticket or 0, last_fact.first() or 0)
    for first in range(1, last_id + 1, chunk_size):
        last = first + chunk_size - 1
        ids = set(indicators.ticket_ids_between(first, last))
        ids.update(TicketFact.objects.filter(ticket_id__gte=first, ticket_id__lte=last)
                   .values_list("ticket_id", flat=True))
        facts = indicators.ticket_facts(sorted(ids))
        if _differs(facts):
            with transaction.atomic():
                if _locked_state().rebuilding:
                    return repaired
                repaired += apply_facts(indicators.ticket_facts(sorted(ids)))
        if progress:
            progress(len(ids))
    if repaired:
        logger.warning("cockpit reconcile repaired %s ticket facts", repaired)
    return repaired
