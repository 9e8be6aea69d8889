"""Reads on the territory for the other rooms."""

from __future__ import annotations

from django.db.models import QuerySet
from rapidfuzz import fuzz, process, utils

from .memo import ttl_cached
from .models import Commune, Street, SubTheme, Theme


def communes() -> QuerySet[Commune]:
    return Commune.objects.order_by("slug")


def themes(active_only: bool = True) -> QuerySet[Theme]:
    qs = Theme.objects.prefetch_related("subthemes").order_by("position")
    return qs.filter(active=True) if active_only else qs


@ttl_cached()
def _active_subthemes() -> dict[tuple[str, str], SubTheme]:
    return {(sub.theme.code, sub.code): sub
            for sub in SubTheme.objects.select_related("theme").filter(active=True,
                                                                       theme__active=True)}


def active_subtheme(theme_code: str, code: str) -> SubTheme | None:
    """An active sub-theme by its codes, from a cache refreshed every minute."""
    return _active_subthemes().get((theme_code, code))


def subthemes(theme: Theme | None = None) -> QuerySet[SubTheme]:
    qs = SubTheme.objects.select_related("theme").filter(active=True)
    return qs.filter(theme=theme) if theme else qs


def commune_by_name(text: str) -> Commune | None:
    """Exact name, slug or known alias, case- and accent-insensitively."""
    wanted = utils.default_process(text or "")
    if not wanted:
        return None
    for commune in communes():
        names = [commune.name, commune.slug.replace("-", " "), *commune.aliases]
        if any(utils.default_process(name) == wanted for name in names):
            return commune
    return None


def find_street(commune: Commune, text: str, *, min_score: float = 85) -> Street | None:
    """The commune's street closest to what was typed, tolerating typos."""
    streets = list(Street.objects.filter(commune=commune).select_related("zone"))
    if not streets or not text:
        return None
    match = process.extractOne(text, [s.name for s in streets], scorer=fuzz.token_set_ratio,
                               processor=utils.default_process, score_cutoff=min_score)
    return streets[match[2]] if match else None
