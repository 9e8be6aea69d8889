"""Every inbound is stored as received (RawInbound, its own transaction) before processing.

When processing fails the raw row stays FAILED with the reason, for agents to see and retry
(`/guichet/entrees/`): what a resident sent is never lost, and never half-written.

The raw table is also an inbox: with MDS_INBOUND_ASYNC (production default) a webhook only
stores the raw row and answers; a task (`process_raw_inbound`) runs the adapter's translation
into `receive` right after, and a beat sweep picks up any row whose task was lost. Bursts are
absorbed at the door; the SLA clock still starts at the moment of receipt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Message, RawInbound
from ..services import Reception

logger = logging.getLogger(__name__)

# channel → function(raw, *, forced) that translates a stored raw inbound into `receive`
# (registered by the adapters). `forced`: an agent's retry, robots' detection set aside.
REPROCESSORS: dict[str, Callable[..., Reception | None]] = {}
PENDING_AFTER = timedelta(minutes=2)


def already_received(channel: str, external_id: str) -> bool:
    """Stored already (as a raw input waiting or done, or as a message): a retried delivery."""
    if not external_id:
        return False
    return (RawInbound.objects.filter(channel=channel, external_id=external_id[:255])
            .exclude(state=RawInbound.State.FAILED).exists()
            or Message.objects.filter(channel=channel, external_id=external_id).exists())


def accept(raw: RawInbound, handler: Callable[[RawInbound], Reception | None]):
    """Process now, or hand over to the inbox task (MDS_INBOUND_ASYNC)."""
    if settings.MDS_INBOUND_ASYNC:
        from ..tasks import process_raw_inbound

        transaction.on_commit(lambda: process_raw_inbound.delay(raw.pk))
        return None
    return process(raw, handler)


def process_stored(raw_id: int) -> Reception | None:
    """The inbox task's work: translate a stored input once (a repeated task does nothing)."""
    raw = RawInbound.objects.filter(pk=raw_id, state=RawInbound.State.RECEIVED).first()
    handler = REPROCESSORS.get(raw.channel) if raw else None
    if raw is None or handler is None:
        return None
    return process(raw, lambda raw: handler(raw, forced=False))


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
    RawInbound.objects.filter(pk=raw.pk).update(state=RawInbound.State.RECEIVED, error="")
    raw.refresh_from_db()
    return process(raw, lambda raw: handler(raw, forced=True))
