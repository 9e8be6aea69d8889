"""Every inbound is stored as received (RawInbound, its own transaction) before processing.

When processing fails the raw row stays FAILED with the reason, for agents to see and retry
(`/guichet/entrees/`): what a resident sent is never lost, and never half-written.

The raw table is also an inbox: with MDS_INBOUND_ASYNC (production default) a webhook only
stores the raw row (one statement, committed before the answer) and rings a bell; the bell
wakes the filing task (`file_inbox`) unless one is already on its way, so a burst of webhooks
costs the broker one message, not one per webhook. Filers claim one row at a time with
FOR UPDATE SKIP LOCKED (several side by side, never the same input twice at once) and run the
adapter's translation into `receive`; a beat sweep picks up any row whose task was lost. Bursts
are absorbed at the door; the SLA clock still starts at the moment of receipt.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from ..models import Message, RawInbound
from ..services import Reception

logger = logging.getLogger(__name__)

# channel → function(raw, *, forced) that translates a stored raw inbound into `receive`
# (registered by the adapters). `forced`: an agent's retry, robots' detection set aside.
REPROCESSORS: dict[str, Callable[..., Reception | None]] = {}
PENDING_AFTER = timedelta(minutes=2)
# A bell whose task never started (lost on the way) stops silencing new rows after this.
BELL_SECONDS = 60
# Filers working side by side on a backlog; the worker's other slots stay free for sending.
FILERS = 2
# A filer hands over to a fresh task after this long, so other tasks get their turn.
FILER_SECONDS = 60


def store_once(*, channel: str, external_id: str, payload: dict) -> RawInbound | None:
    """Store an input unless it is a retried delivery; None then.

    Retried: stored already as a raw input waiting or done (a FAILED one may come again), or
    filed as a message. One INSERT … SELECT … WHERE NOT EXISTS, committed on its own (outside
    any transaction: autocommit), so the check and the write cost one round trip. Two copies
    arriving at the very same instant may both be stored: `receive` files only one of them
    (a message is unique per channel and external id).
    """
    external_id = external_id[:255]
    if not external_id:
        return store(channel=channel, external_id="", payload=payload)
    raw = RawInbound(channel=channel, external_id=external_id, payload=without_nul(payload),
                     received_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_insert_once_sql(), [
            channel, external_id, _db_value(raw, "received_at"), _db_value(raw, "payload"),
            RawInbound.State.RECEIVED, channel, external_id, RawInbound.State.FAILED,
            channel, external_id])
        row = cursor.fetchone()
    if row is None:
        return None
    raw.pk = row[0]
    raw._state.adding = False
    return raw


def _db_value(raw: RawInbound, name: str):
    return RawInbound._meta.get_field(name).get_db_prep_save(getattr(raw, name), connection)


def _insert_once_sql() -> str:
    name = connection.ops.quote_name
    raw, message = name(RawInbound._meta.db_table), name(Message._meta.db_table)
    return (
        f"INSERT INTO {raw} (channel, external_id, received_at, payload, state, error) "  # noqa: S608 - our table names
        f"SELECT %s, %s, %s, %s, %s, '' WHERE NOT EXISTS ("
        f"SELECT 1 FROM {raw} WHERE channel = %s AND external_id = %s AND state <> %s) "
        f"AND NOT EXISTS (SELECT 1 FROM {message} "
        f"WHERE channel = %s AND external_id = %s AND external_id <> '') RETURNING id")


def accept(raw: RawInbound, handler: Callable[[RawInbound], Reception | None]):
    """Process now, or hand over to the inbox (MDS_INBOUND_ASYNC): ring once committed."""
    if settings.MDS_INBOUND_ASYNC:
        transaction.on_commit(ring_bell)
        return None
    return file_now(raw, handler)


def file_now(raw: RawInbound, handler: Callable[[RawInbound], Reception | None]
             ) -> Reception | None:
    """Process a stored input at once, unless a filer has claimed it meanwhile."""
    with transaction.atomic():
        if not _waiting().select_for_update(skip_locked=True).filter(pk=raw.pk).exists():
            return None
        return process(raw, handler)


def _bell_key() -> str:
    # Named after the database: deployments sharing a Redis never silence each other.
    return f"guichet:inbox-bell:{connection.settings_dict['NAME']}"


def ring_bell(*, queue: str | None = None) -> None:
    """Wake a filer unless one is already on its way (the bell is up until a filer starts)."""
    from ..tasks import file_inbox

    key = _bell_key()
    try:
        if not cache.add(key, 1, BELL_SECONDS):
            return
    except Exception:  # no cache, no bell: wake a filer each time rather than none
        logger.warning("inbox bell: the cache does not answer")
    try:
        file_inbox.apply_async(queue=queue)
    except OperationalError:  # the input is committed: the beat sweep files it later
        logger.exception("inbox bell: the broker does not answer")
        with contextlib.suppress(Exception):
            cache.delete(key)


def file_waiting(*, helpers: int = FILERS - 1, queue: str | None = None) -> int:
    """A filer's work: file stored inputs, oldest first, until none is left; how many were.

    The bell goes down first, so an input stored from now on rings again: none waits for
    the sweep. Filers claim one row at a time (FOR UPDATE SKIP LOCKED, the lock held while it
    is filed), so several share a backlog and none files an input another is filing.
    """
    cache.delete(_bell_key())
    from ..tasks import file_inbox

    if helpers > 0 and _waiting().count() > 1:
        file_inbox.apply_async(kwargs={"helpers": 0}, queue=queue)
    started, seen, stuck = time.monotonic(), set(), set()
    while (claimed := _file_next(_waiting().exclude(pk__in=stuck))) is not None:
        raw_id, handled, _reception = claimed
        if not handled or raw_id in seen:  # no adapter could file it: left to the sweep
            stuck.add(raw_id)
        seen.add(raw_id)
        if time.monotonic() - started > FILER_SECONDS:
            ring_bell(queue=queue)  # a fresh task takes over the rest
            break
    return len(seen)


def process_stored(raw_id: int) -> Reception | None:
    """Translate one stored input once (a repeated or concurrent task does nothing)."""
    claimed = _file_next(_waiting().filter(pk=raw_id))
    return claimed[2] if claimed else None


def _waiting():
    return RawInbound.objects.filter(state=RawInbound.State.RECEIVED)


def _file_next(rows) -> tuple[int, bool, Reception | None] | None:
    """Claim the oldest of `rows` nobody is filing and file it, in one transaction.

    Returns (its id, whether an adapter could file it, what `process` returned), or None when
    there is nothing left to claim.
    """
    with transaction.atomic():
        raw = rows.select_for_update(skip_locked=True).order_by("received_at", "pk").first()
        if raw is None:
            return None
        handler = REPROCESSORS.get(raw.channel)
        if handler is None:
            return raw.pk, False, None
        return raw.pk, True, process(raw, lambda raw: handler(raw, forced=False))


def pending(now=None) -> list[int]:
    """Inputs whose processing task was lost (broker down, worker killed)."""
    now = now or timezone.now()
    return list(RawInbound.objects.filter(state=RawInbound.State.RECEIVED,
                                          received_at__lt=now - PENDING_AFTER)
                .order_by("received_at").values_list("pk", flat=True)[:500])


def without_nul(value):
    """PostgreSQL text and jsonb refuse NUL characters; a resident's input never holds one."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [without_nul(item) for item in value]
    return value


def store(*, channel: str, external_id: str, payload: dict) -> RawInbound:
    with transaction.atomic():  # committed on its own, before any processing
        return RawInbound.objects.create(channel=channel, external_id=external_id[:255],
                                         payload=without_nul(payload))


def process(raw: RawInbound, handler: Callable[[RawInbound], Reception | None]
            ) -> Reception | None:
    """Run the adapter's translation into `receive`; a failure leaves the raw row FAILED."""
    try:
        with transaction.atomic():  # a failure is undone, and its FAILED state still written
            reception = handler(raw)
    except ValidationError as exc:
        _fail(raw, "; ".join(exc.messages))
        return None
    except Exception as exc:  # a bug or an outage: keep the input, tell the agents
        logger.exception("raw inbound %s (%s) could not be processed", raw.pk, raw.channel)
        _fail(raw, _("Erreur technique : %(error)s") % {"error": type(exc).__name__})
        return None
    if reception is not None and reception.duplicate:
        RawInbound.objects.filter(pk=raw.pk).update(
            state=RawInbound.State.PROCESSED, ticket=reception.ticket,
            error=_("Doublon d’un message déjà reçu."))
    return reception


def _fail(raw: RawInbound, error: str) -> None:
    RawInbound.objects.filter(pk=raw.pk).update(state=RawInbound.State.FAILED, error=error[:2000])


def ignore(raw: RawInbound, reason: str) -> None:
    RawInbound.objects.filter(pk=raw.pk).update(state=RawInbound.State.IGNORED, error=reason)


def reprocess(raw: RawInbound) -> Reception | None:
    """Retry a failed or ignored input (agents' "retraiter"): forced through the funnel."""
    handler = REPROCESSORS.get(raw.channel)
    if handler is None:
        raise ValidationError(_("Ce canal ne sait pas retraiter ses entrées."))
    with transaction.atomic():  # filers never see it waiting: it is filed here, forced
        RawInbound.objects.filter(pk=raw.pk).update(state=RawInbound.State.RECEIVED, error="")
        raw.refresh_from_db()
        return process(raw, lambda raw: handler(raw, forced=True))
