"""Sorting answers: the sorting guide, drop-off points."""

from __future__ import annotations

from chatbot import selectors, texts
from chatbot.dialogue.reply import Reply
from chatbot.models import Destination, DropOffPoint

from . import handler
from .context import Context


def destination_words(item) -> str:
    return Destination(item.destination).label.lower() if item.destination in \
        Destination.values else item.destination


def item_reply(intent: str, key: str, item) -> str:
    return texts.say(intent, key, item_cap=item.name[:1].upper() + item.name[1:],
                     destination=destination_words(item), advice=item.advice)


@handler("tri_ou_jeter")
def tri_ou_jeter(ctx: Context) -> Reply:
    item = selectors.sorting_item(ctx.slots.get("item"))
    if item is None:
        return Reply(text=texts.say("tri_ou_jeter", "unknown_item"),
                     quick_replies=["Consignes du bac jaune", "Parler à un conseiller"])
    quick = ["Horaires des déchèteries"] if item.destination in (
        "decheterie", "dechets_dangereux", "encombrants", "vegetaux") else []
    return Reply(text=item_reply("tri_ou_jeter", "main", item),
                 quick_replies=quick + ["Un autre objet"])


@handler("tri_dechets_dangereux")
def tri_dechets_dangereux(ctx: Context) -> Reply:
    item = selectors.sorting_item(ctx.slots.get("item"))
    if item is not None:
        return Reply(text=item_reply("tri_dechets_dangereux", "item", item),
                     quick_replies=["Horaires des déchèteries"])
    return Reply(text=texts.say("tri_dechets_dangereux"),
                 quick_replies=["Horaires des déchèteries"])


def _points_words(points) -> str:
    return " ; ".join(p.place + (" (colonne enterrée)" if p.underground else "") for p in points)


@handler("tri_verre")
def tri_verre(ctx: Context) -> Reply:
    text = texts.say("tri_verre")
    commune = ctx.slots.get("commune")
    if commune:
        points = selectors.drop_off_points(commune, (DropOffPoint.Kind.VERRE,))
        if points:
            text += "\n" + texts.say("tri_verre", "points", commune=commune,
                                     points=_points_words(points))
        if selectors.collected_at_the_door(commune, "verre"):
            text += "\n" + texts.say("tri_verre", "door", commune=commune)
        return Reply(text=text)
    return Reply(text=text, quick_replies=["Points d’apport près de chez moi"])


@handler("tri_textiles")
def tri_textiles(ctx: Context) -> Reply:
    text = texts.say("tri_textiles")
    commune = ctx.slots.get("commune")
    if commune:
        points = selectors.drop_off_points(commune, (DropOffPoint.Kind.TEXTILES,))
        if points:
            text += "\n" + texts.say("tri_textiles", "points", commune=commune,
                                     points=_points_words(points))
        return Reply(text=text)
    return Reply(text=text, quick_replies=["Points d’apport près de chez moi"])


@handler("pav_localisation")
def pav_localisation(ctx: Context) -> Reply:
    commune = ctx.slots["commune"]
    points = selectors.drop_off_points(commune)
    if not points:
        return Reply(text=texts.say("pav_localisation", "none", commune=commune))
    lines = []
    for kind in DropOffPoint.Kind:
        mine = [p for p in points if p.kind == kind.value]
        if mine:
            lines.append(f"• {kind.label} : {_points_words(mine)}")
    return Reply(text=texts.say("pav_localisation", commune=commune, points="\n".join(lines)),
                 quick_replies=["Signaler un conteneur plein"])


@handler("sacs_distribution")
def sacs_distribution(ctx: Context) -> Reply:
    text = texts.say("sacs_distribution")
    commune = ctx.commune()
    if commune and commune.mairie_address:
        text += "\n" + texts.say("sacs_distribution", "commune", commune=commune.name,
                                 mairie_address=commune.mairie_address,
                                 mairie_phone=_phone(commune.mairie_phone))
    return Reply(text=text)


def _phone(e164: str) -> str:
    """+33231877282 -> 02 31 87 72 82 (how residents read a number)."""
    if e164.startswith("+33") and len(e164) == 12:
        digits = "0" + e164[3:]
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    return e164
