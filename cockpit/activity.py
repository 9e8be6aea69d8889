"""The live feed's first lines: the latest arrivals and the latest resolutions or closures.

Arrivals come from the tickets (indexed by date of receipt), resolutions from the cockpit's
own facts (indexed by date of resolution), so that neither scans the audit trail.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from guichet import indicators
from guichet.indicators import Activity, Scope
from guichet.models import Status

from .figures import Names, scope_q
from .models import TicketFact


def recent_activity(scope: Scope, names: Names, *, limit: int = 8,
                    within: timedelta = timedelta(days=2)) -> list[Activity]:
    """The latest lines of the last two days (a bounded scan of each index)."""
    since = timezone.now() - within
    items = indicators.recent_arrivals(scope, limit=limit, since=since)
    done = (TicketFact.objects.filter(scope_q(scope), done_at__gte=since)
            .order_by("-done_at", "-ticket_id")[:limit])
    items += [Activity(kind="ticket.closed" if fact.status == Status.CLOS else "ticket.resolved",
                       reference=fact.reference, at=fact.done_at, channel=fact.channel,
                       nature=fact.nature, status=fact.status,
                       theme=names.theme(fact.theme_id) if fact.theme_id else None,
                       commune=names.commune(fact.commune_id) if fact.commune_id else None)
              for fact in done]
    return sorted(items, key=lambda item: item.at, reverse=True)[:limit]
