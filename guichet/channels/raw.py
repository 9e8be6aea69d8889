"""Every inbound is stored as received (RawInbound, its own transaction) before processing.

When processing fails the raw row stays FAILED with the reason, for agents to see and retry
(`/guichet/entrees/`): what a resident sent is never lost, and never half-written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Message, RawInbound
from ..services import Reception

logger = logging.getLogger(__name__)

# channel → function(raw) that processes a stored raw inbound again (registered by adapters).
REPROCESSORS: dict[str, Callable[[RawInbound], Reception | None]] = {}


def already_received(channel: str, external_id: str) -> bool:
    return bool(external_id) and Message.objects.filter(channel=channel,
                                                        external_id=external_id).exists()


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
    return process(raw, handler)
