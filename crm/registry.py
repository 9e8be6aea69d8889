"""Hooks through which higher rooms plug their data into the CRM, without crm importing them.

crm sits at the bottom of the house (maison ← crm ← guichet ← chatbot/surveys ← cockpit), yet
the 360° page, the RGPD export and erasure, merges and campaign targeting all need data that
lives upstairs (tickets, chatbot transcripts, survey answers). Each higher room registers small
callables here from its ``AppConfig.ready()``::

    class SurveysConfig(AppConfig):
        def ready(self):
            from . import privacy  # noqa: F401  (registers the survey hooks below)

and in ``surveys/privacy.py``::

    from crm import registry

    registry.register_key_figure(last_satisfaction)
    registry.register_personal_data_handler(registry.PersonalDataHandler(
        name="surveys", label="Enquêtes de satisfaction",
        export=export_answers, erase=erase_verbatims))
    registry.register_merge_handler(registry.MergeHandler(
        name="surveys", merge=move_invitations, undo=move_invitations_back))

Registration is keyed by name: registering twice replaces, never duplicates. Every hook receives
crm model instances (``Usager``) or plain values, and returns plain, JSON-serialisable data.

The hooks
---------
Key figures — ``register_key_figure(provider)``
    ``provider(usager) -> Iterable[KeyFigure]``: figures shown at the top of the 360° page
    ("Demandes cette année", "Demandes en cours", "Dernière satisfaction"). Keep it to one or two
    cheap queries. Providers are keyed by their ``__qualname__`` and module.

Personal data — ``register_personal_data_handler(PersonalDataHandler(...))``
    ``export(usager) -> dict``: everything the room holds about the usager, JSON-serialisable
    (dates as ISO strings), for the right of access (RGPD art. 15) and portability (art. 20).
    The dict maps a section title to a list of rows (dicts); the readable document renders it
    as tables, in that order.

    ``erase(usager) -> dict``: anonymise everything personal the room holds about the usager
    (free texts, names, addresses, transcripts, verbatims, attachments — files deleted from
    storage after commit) while keeping what statistics count (dates, theme, commune, channel,
    category, scores). Runs inside the erasure transaction: raise to abort the whole erasure.
    Returns counts for the audit log, e.g. ``{"messages": 12, "attachments": 2}``. Must be
    idempotent (the retention task may erase again a usager an agent already erased).

    ``retention_hold(usager_ids) -> set[int]`` (optional): among these usager ids, those that
    must not be anonymised by the retention rule yet (e.g. an open request).

Merges — ``register_merge_handler(MergeHandler(...))``
    ``merge(source, target) -> dict``: move the room's records from ``source`` (the duplicate)
    to ``target`` (the usager kept) and return what is needed to undo it, typically the moved
    ids: ``{"tickets": [1, 2]}``. ``undo(source, target, data)``: move exactly those back.
    Both run inside the merge transaction.

Audience filters — ``register_audience_filter(AudienceFilter(...))``
    Extra campaign targeting criteria. ``choices() -> list[(value, label)]`` for the form and
    ``apply(queryset, values) -> queryset`` narrowing a ``Usager`` queryset to those matching
    any of the values (e.g. usagers with a ticket on one of these themes).

Timeline links — ``register_timeline_links(resolver)``
    ``resolver(entries) -> dict[int, str]``: for one page of timeline entries, the URL of the
    record each entry comes from (a ticket page), keyed by entry id; entries the resolver does
    not know are left out. One page, one query: resolve the whole list at once.
    ``register_timeline_link(resolver)`` takes the simpler ``resolver(entry) -> str | None``,
    called once per entry of the page: return None quickly (before any query) for entries
    whose ``source_type`` is not yours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import TimelineEntry, Usager

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    hint: str = ""
    url: str = ""
    # Position on the page: lower first (crm's own figures use 10, 20…).
    order: int = 100


@dataclass(frozen=True)
class PersonalDataHandler:
    name: str
    label: str
    export: Callable[[Usager], dict[str, list[dict[str, Any]]]]
    erase: Callable[[Usager], dict[str, int]]
    retention_hold: Callable[[list[int]], set[int]] | None = None


@dataclass(frozen=True)
class MergeHandler:
    name: str
    merge: Callable[..., dict]
    undo: Callable[..., None]


@dataclass(frozen=True)
class AudienceFilter:
    key: str
    label: str
    choices: Callable[[], list[tuple[str, str]]]
    apply: Callable[[QuerySet, list[str]], QuerySet]


_key_figures: dict[str, Callable[[Usager], Iterable[KeyFigure]]] = {}
_personal_data: dict[str, PersonalDataHandler] = {}
_merge_handlers: dict[str, MergeHandler] = {}
_audience_filters: dict[str, AudienceFilter] = {}
_timeline_links: dict[str, Callable[[list[TimelineEntry]], dict[int, str]]] = {}


def _key(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def register_key_figure(provider: Callable[[Usager], Iterable[KeyFigure]]):
    _key_figures[_key(provider)] = provider
    return provider


def register_personal_data_handler(handler: PersonalDataHandler) -> PersonalDataHandler:
    _personal_data[handler.name] = handler
    return handler


def register_merge_handler(handler: MergeHandler) -> MergeHandler:
    _merge_handlers[handler.name] = handler
    return handler


def register_audience_filter(audience_filter: AudienceFilter) -> AudienceFilter:
    _audience_filters[audience_filter.key] = audience_filter
    return audience_filter


def register_timeline_links(resolver: Callable[[list[TimelineEntry]], dict[int, str]]):
    _timeline_links[_key(resolver)] = resolver
    return resolver


def key_figures(usager: Usager) -> list[KeyFigure]:
    """Every registered figure; a failing provider costs its figure, never the page."""
    figures: list[KeyFigure] = []
    for name, provider in _key_figures.items():
        try:
            figures.extend(provider(usager))
        except Exception:
            logger.exception("key figure provider %s failed for usager %s", name, usager.pk)
    return sorted(figures, key=lambda figure: figure.order)


def personal_data_handlers() -> list[PersonalDataHandler]:
    return list(_personal_data.values())


def merge_handlers() -> list[MergeHandler]:
    return list(_merge_handlers.values())


def audience_filters() -> list[AudienceFilter]:
    return list(_audience_filters.values())


def audience_filter(key: str) -> AudienceFilter | None:
    return _audience_filters.get(key)


def register_timeline_link(resolver: Callable[[TimelineEntry], str | None]):
    """The one-entry form: adapted into a batch resolver."""

    def batch(entries: list[TimelineEntry]) -> dict[int, str]:
        links = {}
        for entry in entries:
            url = resolver(entry)
            if url:
                links[entry.pk] = url
        return links

    _timeline_links[_key(resolver)] = batch
    return resolver


def timeline_links(entries: list[TimelineEntry]) -> dict[int, str]:
    links: dict[int, str] = {}
    for name, resolver in _timeline_links.items():
        try:
            found = resolver([entry for entry in entries if entry.pk not in links])
        except Exception:
            logger.exception("timeline link resolver %s failed", name)
            continue
        links.update(found or {})
    return links
