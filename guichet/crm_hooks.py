"""guichet's hooks for crm pages: campaign targeting by theme, links from the 360° timeline."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from maison.models import Theme

from .models import Ticket


def theme_choices() -> list[tuple[str, str]]:
    return [(theme.code, theme.label) for theme in Theme.objects.order_by("position", "label")]


def with_ticket_on_theme(usagers, codes: list[str]):
    """Usagers who made at least one request on one of these themes."""
    return usagers.filter(pk__in=Ticket.objects.filter(theme__code__in=codes)
                          .values("usager_id"))


def ticket_links(entries) -> dict[int, str]:
    """Each timeline entry born in guichet links to its ticket page (one query per page)."""
    by_pk = {int(e.source_id): e.pk for e in entries
             if e.source_type == "guichet.ticket" and e.source_id.isdigit()}
    references = {e.ticket_reference: e.pk for e in entries
                  if e.ticket_reference and e.pk not in by_pk.values()}
    found = Ticket.objects.filter(pk__in=list(by_pk)).values_list("pk", "reference")
    if references:
        found = found.union(Ticket.objects.filter(reference__in=list(references))
                            .values_list("pk", "reference"))
    links: dict[int, str] = {}
    try:
        for ticket_pk, reference in found:
            url = reverse("guichet:ticket", args=[ticket_pk])
            if ticket_pk in by_pk:
                links[by_pk[ticket_pk]] = url
            for entry in entries:
                if entry.ticket_reference and entry.ticket_reference == reference:
                    links.setdefault(entry.pk, url)
    except NoReverseMatch:
        return {}
    return links


def register() -> None:
    from crm import registry

    registry.register_audience_filter(registry.AudienceFilter(
        key="theme", label=_("Usagers ayant fait une demande sur le thème"),
        choices=theme_choices, apply=with_ticket_on_theme))
    registry.register_timeline_links(ticket_links)
