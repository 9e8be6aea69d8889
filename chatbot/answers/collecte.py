"""Collection answers computed from the zone's calendar (maison.collection)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from chatbot import selectors, texts
from chatbot.dialogue.reply import Reply
from maison import collection
from maison.models import CollectionZone, Flux

from . import handler
from .context import Context

FLUX_WORDS = {
    "ordures_menageres": "des ordures ménagères",
    "emballages": "des emballages",
    "verre": "du verre",
    "papier": "des papiers",
    "vegetaux": "des végétaux",
}
NOON = 12


def _zone(ctx: Context) -> CollectionZone | None:
    zone_id = ctx.zone_id()
    return selectors.collection_zone(zone_id) if zone_id else None


def _after(ctx: Context):
    """Today's collection still counts in the morning (the truck may not have passed)."""
    local = timezone.localtime(ctx.now)
    return local.date() - timedelta(days=1) if local.hour < NOON else local.date()


def day_words(ctx: Context, day) -> str:
    words = collection.french_day(day)
    if day == ctx.today:
        return f"aujourd’hui, {words}"
    if day == ctx.today + timedelta(days=1):
        return f"demain, {words}"
    return words


def _shift_note(item) -> str:
    if not item.shifted:
        return ""
    return f" (au lieu du {collection.french_day(item.planned)}, {item.reason})"


@handler("collecte_jours")
def collecte_jours(ctx: Context) -> Reply:
    zone = _zone(ctx)
    if zone is None:
        return Reply(text=texts.say("collecte_jours", "no_data"), quick_replies=ctx.follow_ups())
    flux = ctx.slots.get("flux")
    if flux in FLUX_WORDS:
        return _one_flux(ctx, zone, flux)
    rounds = selectors.collection_rounds(zone.pk)
    upcoming = {c.flux: c for c in selectors.next_collections(zone.pk, None, _after(ctx))}
    lines = []
    for flux_id in Flux.values:
        mine = [r for r in rounds if r.flux == flux_id]
        if not mine:
            continue
        line = f"• {Flux(flux_id).label.capitalize()} : " + " ; ".join(
            collection.describe_round(r) for r in mine)
        nxt = upcoming.get(flux_id)
        if nxt:
            line += f" — prochain passage {day_words(ctx, nxt.day)}{_shift_note(nxt)}"
        lines.append(line)
    if not lines:
        return Reply(text=texts.say("collecte_jours", "no_data"), quick_replies=ctx.follow_ups())
    if "verre" not in {r.flux for r in rounds}:
        lines.append("• Verre : à déposer dans les colonnes à verre.")
    text = texts.say("collecte_jours", "main", where=ctx.where(), rounds="\n".join(lines))
    return Reply(text=text, quick_replies=ctx.follow_ups())


def _one_flux(ctx: Context, zone: CollectionZone, flux: str) -> Reply:
    found = selectors.next_collections(zone.pk, flux, _after(ctx))
    if not found:
        advice = ""
        if flux == "verre":
            advice = "Déposez le verre dans une colonne à verre."
            points = selectors.drop_off_points(zone.commune.name, ("verre",))
            if points:
                advice += " Par exemple : " + ", ".join(p.place for p in points[:3]) + "."
        elif flux == "papier":
            advice = "Les papiers vont dans le bac jaune ou dans les conteneurs à papier."
        elif flux == "vegetaux":
            advice = "Déposez-les en déchèterie, ou au composteur pour les petites quantités."
        text = texts.say("collecte_jours", "no_round", flux_words=FLUX_WORDS[flux],
                         where=ctx.where(), advice=advice)
        return Reply(text=text, quick_replies=["Jours de collecte"])
    item = found[0]
    text = texts.say("collecte_jours", "one_flux", flux_words=FLUX_WORDS[flux],
                     where=ctx.where(), next=day_words(ctx, item.day) + _shift_note(item))
    return Reply(text=text, quick_replies=ctx.follow_ups())


def calendar_links(zone: CollectionZone) -> tuple[str, str]:
    base = settings.PUBLIC_BASE_URL
    page = base + reverse("collection-calendar", args=[zone.code])
    ical = base + reverse("collection-ical", args=[zone.code])
    return page, ical


@handler("collecte_calendrier")
def collecte_calendrier(ctx: Context) -> Reply:
    zone = _zone(ctx)
    if zone is None:
        return Reply(text=texts.say("collecte_jours", "no_data"))
    page, ical = calendar_links(zone)
    return Reply(text=texts.say("collecte_calendrier", where=ctx.where(), page=page, ical=ical),
                 quick_replies=["Jours de collecte", "Jours fériés"])


@handler("collecte_jour_ferie")
def collecte_jour_ferie(ctx: Context) -> Reply:
    start = ctx.asked_date or ctx.today
    holidays = collection.upcoming_public_holidays(start, count=1)
    parts = []
    if holidays:
        day, name = holidays[0]
        parts.append(texts.say("collecte_jour_ferie", "next_holiday", holiday=name,
                               day=collection.french_day(day, with_year=day.year != start.year)))
        zone = _zone(ctx)
        if zone is not None:
            moved = [c for c in collection.collections_between(zone, day, day + timedelta(days=7))
                     if c.shifted]
            if moved:
                shifts = " ; ".join(
                    f"{c.flux_label} du {collection.french_day(c.planned)} rattrapée le "
                    f"{collection.french_day(c.day)}" for c in moved)
                parts.append(texts.say("collecte_jour_ferie", "shifted", where=ctx.where(),
                                       shifts=shifts))
            else:
                parts.append(texts.say("collecte_jour_ferie", "none_shifted", where=ctx.where()))
    text = texts.say("collecte_jour_ferie", "main", next=" ".join(parts))
    quick = [] if _zone(ctx) else ["Jours de collecte"]
    return Reply(text=text, quick_replies=quick)


@handler("dechets_verts")
def dechets_verts(ctx: Context) -> Reply:
    text = texts.say("dechets_verts")
    zone = _zone(ctx)
    if zone is not None:
        rounds = [r for r in selectors.collection_rounds(zone.pk) if r.flux == "vegetaux"]
        if rounds:
            text += "\n" + texts.say("dechets_verts", "round", rounds=" ; ".join(
                collection.describe_round(r) for r in rounds))
    return Reply(text=text, quick_replies=["Horaires des déchèteries"])


@handler("collecte_oubli")
def collecte_oubli(ctx: Context) -> Reply:
    return Reply(text=texts.say("collecte_oubli"))
