"""Reads on usagers for the other rooms: look-ups, consent state, the 360° timeline."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Upper

from .models import Consent, ContactPoint, TimelineEntry, Usager
from .unaccent import Unaccent

NAME_FIELDS = ("last_name", "first_name", "organisation")


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


# --- The 360° page ----------------------------------------------------------------------------

def usager_for_page(pk: int) -> Usager | None:
    return (Usager.objects.select_related("commune", "street", "zone", "merged_into")
            .filter(pk=pk).first())


def filtered_timeline(usager: Usager, *, kinds: list[str] | None = None,
                      channels: list[str] | None = None) -> QuerySet[TimelineEntry]:
    """Newest first; served by the (usager, -occurred_at) index, whatever the filters."""
    entries = timeline(usager, kinds=kinds)
    if channels:
        entries = entries.filter(channel__in=channels)
    return entries


def timeline_channels(usager: Usager) -> list[str]:
    return sorted(set(TimelineEntry.objects.filter(usager=usager).exclude(channel="")
                      .values_list("channel", flat=True).distinct()))


def own_key_figures(usager: Usager, *, now=None):
    """crm's own figures: contacts this year and the last contact."""
    from django.utils import formats, timezone
    from django.utils.translation import gettext as _

    from .registry import KeyFigure

    now = now or timezone.now()
    start = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    contacts = (TimelineEntry.objects.filter(usager=usager, occurred_at__gte=start)
                .exclude(kind__in=[TimelineEntry.Kind.CONSENT, TimelineEntry.Kind.NOTE]).count())
    last = usager.last_contact_at
    return [
        KeyFigure(label=_("Contacts cette année"), value=str(contacts), order=30),
        KeyFigure(label=_("Dernier contact"),
                  value=formats.date_format(timezone.localtime(last), "SHORT_DATE_FORMAT")
                  if last else _("aucun"), order=40),
    ]


def search_usagers(*, query: str = "", commune_id: int | None = None,
                   category: str = "") -> QuerySet[Usager]:
    """By name, organisation, email or phone (any French way of writing it)."""
    usagers = (_with_folded_names(Usager.objects.all())
               .filter(erased_at__isnull=True, merged_into__isnull=True)
               .select_related("commune"))
    query = (query or "").strip()
    if query:
        contact_values = {query.lower()}
        from django.core.exceptions import ValidationError

        from .services.identity import normalize_phone

        try:
            contact_values.add(normalize_phone(query))
        except ValidationError:
            contact_values.discard("")  # not a phone number: names and emails only
        by_contact = ContactPoint.objects.filter(value__in=contact_values).values("usager_id")
        condition = Q(pk__in=by_contact) | _name_contains(query, "organisation")
        name = Q()
        for word in query.split():
            name &= _name_contains(word, "last_name", "first_name")
        condition |= name
        if "@" in query:
            condition |= Q(pk__in=ContactPoint.objects.filter(
                value__icontains=query.lower()).values("usager_id"))
        usagers = usagers.filter(condition)
    if commune_id:
        usagers = usagers.filter(commune_id=commune_id)
    if category:
        usagers = usagers.filter(category=category)
    return usagers.order_by("last_name", "first_name", "id")


def access_log(usager: Usager, *, limit: int = 20):
    return usager.access_logs.select_related("user").order_by("-at", "-id")[:limit]


# --- Duplicates -------------------------------------------------------------------------------

def merge_proposals(*, status: str = "pending"):
    from .models import MergeProposal

    return (MergeProposal.objects.filter(status=status)
            .select_related("usager_a__commune", "usager_b__commune", "decided_by")
            .order_by("-score", "-detected_at", "id"))


# --- Campaigns --------------------------------------------------------------------------------

def campaign_figures(campaign) -> dict[str, int]:
    """Targeted, sent, failed, skipped, pending — and unsubscribed after receiving it."""
    from django.db.models import Count, Exists, Q

    from .models import CampaignDelivery

    deliveries = CampaignDelivery.objects.filter(campaign=campaign)
    withdrawn = Consent.objects.filter(usager=OuterRef("usager_id"), purpose=campaign.purpose,
                                       channel=OuterRef("channel"), given=False,
                                       recorded_at__gte=OuterRef("sent_at"))
    figures = deliveries.aggregate(
        targeted=Count("id"),
        sent=Count("id", filter=Q(status=CampaignDelivery.Status.SENT)),
        failed=Count("id", filter=Q(status=CampaignDelivery.Status.FAILED)),
        skipped=Count("id", filter=Q(status=CampaignDelivery.Status.SKIPPED)),
        pending=Count("id", filter=Q(status__in=[CampaignDelivery.Status.PENDING,
                                                 CampaignDelivery.Status.SENDING])),
    )
    figures["unsubscribed"] = (deliveries.filter(status=CampaignDelivery.Status.SENT)
                               .filter(Exists(withdrawn)).values("usager_id").distinct().count())
    return figures


def usagers_named(words: list[str]) -> QuerySet[Usager]:
    """Usagers whose last name, first name or organisation contains each word, accents and
    case aside ("helene lefevre" finds Hélène Lefèvre), through trigram indexes on PostgreSQL
    (crm/migrations/0004)."""
    usagers = _with_folded_names(Usager.objects.all())
    for word in words:
        usagers = usagers.filter(_name_contains(word, *NAME_FIELDS))
    return usagers


def _with_folded_names(usagers: QuerySet[Usager]) -> QuerySet[Usager]:
    return usagers.alias(**{f"folded_{field}": Unaccent(Upper(field)) for field in NAME_FIELDS})


def _name_contains(text: str, *fields: str) -> Q:
    """One of `fields` (aliased by _with_folded_names) contains `text`, accents aside."""
    wanted = Unaccent(Upper(Value(text)))
    condition = Q()
    for field in fields:
        condition |= Q(**{f"folded_{field}__contains": wanted})
    return condition
