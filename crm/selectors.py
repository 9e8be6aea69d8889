"""Reads on usagers for the other rooms: look-ups, consent state, the 360° timeline."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from .models import Consent, ContactPoint, TimelineEntry, Usager


def usager_by_contact(*, kind: str, value: str) -> Usager | None:
    point = ContactPoint.objects.select_related("usager").filter(kind=kind, value=value).first()
    return point.usager if point else None


def contact_points(usager: Usager, *, kind: str | None = None, valid_only: bool = False):
    points = usager.contact_points.all()
    if kind:
        points = points.filter(kind=kind)
    if valid_only:
        points = points.filter(is_valid=True)
    return points.order_by("-is_primary", "-last_used_at", "id")


def preferred_contact(usager: Usager, kind: str) -> str | None:
    """The address or number to write to: primary first, then the most recently used."""
    point = contact_points(usager, kind=kind, valid_only=True).first()
    return point.value if point else None


def has_consent(usager: Usager, *, purpose: str, channel: str) -> bool:
    """Default is no: only an explicit, not withdrawn opt-in counts."""
    latest = (Consent.objects.filter(usager=usager, purpose=purpose, channel=channel)
              .order_by("-recorded_at", "-id").values_list("given", flat=True).first())
    return bool(latest)


def consent_states(usager: Usager) -> dict[tuple[str, str], Consent]:
    """The latest decision per (purpose, channel)."""
    states: dict[tuple[str, str], Consent] = {}
    for consent in usager.consents.select_related("text", "recorded_by").order_by("recorded_at",
                                                                                   "id"):
        states[(consent.purpose, consent.channel)] = consent
    return states


def usagers_with_consent(*, purpose: str, channel: str) -> QuerySet[Usager]:
    """Active usagers whose latest decision for this purpose and channel is a yes."""
    latest = (Consent.objects.filter(usager=OuterRef("pk"), purpose=purpose, channel=channel)
              .order_by("-recorded_at", "-id").values("given")[:1])
    return (Usager.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
            .annotate(latest_consent=Subquery(latest)).filter(latest_consent=True))


def timeline(usager: Usager, *, kinds: list[str] | None = None) -> QuerySet[TimelineEntry]:
    entries = TimelineEntry.objects.filter(usager=usager)
    if kinds:
        entries = entries.filter(kind__in=kinds)
    return entries.order_by("-occurred_at", "-id")
