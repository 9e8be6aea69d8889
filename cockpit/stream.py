"""Server-Sent Events: the cockpit's live feed, pushed from `maison.events`.

The bus is Redis pub/sub in production and the database table on the embedded default. A
stream lasts COCKPIT_STREAM_SECONDS, then ends; the browser reconnects by itself, sending
the last event id it saw (Last-Event-ID), from which the database bus replays what was
missed. With Redis the stream holds no database connection at all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import close_old_connections, connection
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guichet.models import Channel, Nature, Status
from maison import events

from .forms import FiltersForm
from .views import ACTIVITY_LABELS, cockpit_access

FEED_KINDS = frozenset({"ticket.created", "ticket.resolved", "ticket.closed", "ticket.reopened",
                        "ticket.message"})
# Only these keys of an event payload ever leave the server (no personal data in payloads,
# and none could slip in later through a new key).
SAFE_KEYS = ("reference", "channel", "nature", "status", "theme", "commune", "created_at")
# Reconnect quickly after a stream ends: the worst-case delay of a live update is this
# plus one poll of the database bus (0.5 s) plus one refresh of the counters.
RETRY_MILLISECONDS = 500
KEEPALIVE_SECONDS = 10


def _matches(payload: dict, *, commune: str | None, theme: str | None,
             channel: str | None) -> bool:
    return ((not commune or payload.get("commune") == commune)
            and (not theme or payload.get("theme") == theme)
            and (not channel or payload.get("channel") == channel))


def feed_entry(kind: str, payload: dict) -> dict:
    """The feed line of an event, with labels in French, from whitelisted keys only."""
    safe = {key: payload.get(key) for key in SAFE_KEYS}
    channel, nature, status = safe["channel"], safe["nature"], safe["status"]
    return {
        "kind": kind,
        "label": str(ACTIVITY_LABELS.get(kind, kind)),
        "reference": safe["reference"] or "",
        "theme": safe["theme"] or "",
        "commune": safe["commune"] or "",
        "channel": str(Channel(channel).label) if channel in Channel.values else "",
        "nature": str(Nature(nature).label) if nature in Nature.values else "",
        "status": str(Status(status).label) if status in Status.values else "",
    }


def event_stream(bus, *, after_id: str, seconds: float, commune: str | None = None,
                 theme: str | None = None, channel: str | None = None,
                 clock=time.monotonic) -> Iterator[str]:
    """The text/event-stream body: feed events, a keep-alive comment now and then."""
    # The id line sets the browser's Last-Event-ID at once, so a reconnection resumes here
    # even when no event came through this stream.
    yield f"retry: {RETRY_MILLISECONDS}\nid: {after_id}\n: {_('flux du cockpit')}\n\n"
    last_keepalive = clock()
    for event in bus.listen(after_id, timeout=seconds):
        if event.kind == "keepalive" or not event.id:
            if clock() - last_keepalive >= KEEPALIVE_SECONDS:
                last_keepalive = clock()
                yield ": keepalive\n\n"
            continue
        if event.kind not in FEED_KINDS or not _matches(event.payload, commune=commune,
                                                         theme=theme, channel=channel):
            yield f"id: {event.id}\n\n"  # moves Last-Event-ID on without showing anything
            continue
        entry = feed_entry(event.kind, event.payload)
        entry["time"] = date_format(timezone.localtime(), "H:i")
        yield (f"id: {event.id}\nevent: ticket\n"
               f"data: {json.dumps(entry, ensure_ascii=False)}\n\n")


@require_GET
@cockpit_access
def stream(request):
    form = FiltersForm(request.GET or None)
    scope_names = {"commune": None, "theme": None, "channel": None}
    if form.is_valid():
        data = form.cleaned_data
        scope_names = {"commune": data["commune"].name if data.get("commune") else None,
                       "theme": data["theme"].label if data.get("theme") else None,
                       "channel": data.get("canal") or None}
    bus = events.get_bus()
    after_id = (request.headers.get("Last-Event-ID") or request.GET.get("last_id") or "").strip()
    if not after_id.isdigit():
        after_id = bus.last_id()
    if not isinstance(bus, events.DatabaseBus):
        # Redis carries the events: give the database connection back before streaming.
        close_old_connections()
        connection.close()
    body = event_stream(bus, after_id=after_id, seconds=settings.COCKPIT_STREAM_SECONDS,
                        **scope_names)
    response = StreamingHttpResponse(body, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: don't buffer the stream
    return response
