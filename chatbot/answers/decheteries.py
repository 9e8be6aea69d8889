"""Déchèterie answers: opening now, hours by season, addresses, accepted waste, rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from chatbot import selectors, texts
from chatbot.dialogue.reply import Reply
from chatbot.models import Decheterie, Destination
from maison import calendar
from maison.collection import french_day

from . import handler
from .context import Context

DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DECHETERIE_DESTINATIONS = ("decheterie", "dechets_dangereux", "encombrants", "vegetaux",
                           "point_collecte_piles", "textiles")
ACCEPTED_LABELS = {
    "vegetaux": "végétaux", "gravats": "gravats", "bois": "bois", "ferraille": "ferraille",
    "encombrants": "encombrants et tout-venant", "deee": "appareils électriques",
    "cartons": "cartons", "dechets_dangereux": "déchets dangereux des ménages",
    "piles_batteries": "piles, batteries et ampoules", "textiles": "textiles",
    "huiles_alimentaires": "huiles de friture", "pneus": "pneus",
}


def hhmm(value: time) -> str:
    """18:00 -> « 18 h », 18:30 -> « 18 h 30 »."""
    return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"


def _parse(span: str) -> tuple[time, time]:
    start, end = span.split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def is_summer(place: Decheterie, day: date) -> bool:
    key = f"{day.month:02d}-{day.day:02d}"
    start, end = place.summer_start, place.summer_end
    return start <= key <= end if start <= end else key >= start or key <= end


def spans_on(place: Decheterie, day: date) -> list[tuple[time, time]]:
    if place.closed_on_public_holidays and calendar.is_public_holiday(day):
        return []
    season = "summer" if is_summer(place, day) else "winter"
    raw = (place.hours or {}).get(season, {}).get(DAY_NAMES[day.weekday()], [])
    return [_parse(span) for span in raw]


@dataclass(frozen=True)
class Status:
    open_now: bool
    closes_at: time | None
    next_open: datetime | None


def status_at(place: Decheterie, moment: datetime) -> Status:
    local = timezone.localtime(moment)
    for start, end in spans_on(place, local.date()):
        if start <= local.time() < end:
            return Status(True, end, None)
    day = local.date()
    for _i in range(14):
        for start, _end in spans_on(place, day):
            opening = datetime.combine(day, start, local.tzinfo)
            if opening > local:
                return Status(False, None, opening)
        day += timedelta(days=1)
    return Status(False, None, None)


def the_name(place: Decheterie) -> str:
    """« la déchèterie de Touques »."""
    if place.name.lower().startswith("déchèterie"):
        return "la " + place.name[:1].lower() + place.name[1:]
    return place.name


def status_sentence(place: Decheterie, now: datetime) -> str:
    status = status_at(place, now)
    name_cap = the_name(place)
    name_cap = name_cap[:1].upper() + name_cap[1:]
    if status.open_now:
        return f"{name_cap} est ouverte aujourd’hui jusqu’à {hhmm(status.closes_at)}."
    if status.next_open is None:
        return f"{name_cap} est fermée en ce moment."
    today = timezone.localtime(now).date()
    when = status.next_open.date()
    at = hhmm(status.next_open.time())
    if when == today:
        return f"{name_cap} est fermée pour le moment ; elle ouvre aujourd’hui à {at}."
    if when == today + timedelta(days=1):
        return f"{name_cap} est fermée ; elle rouvre demain à {at}."
    return f"{name_cap} est fermée ; elle rouvre {french_day(when)} à {at}."


def day_sentence(place: Decheterie, day: date) -> str:
    spans = spans_on(place, day)
    holiday = calendar.public_holiday_name(day)
    when = french_day(day)
    if not spans:
        reason = f" ({holiday})" if holiday else ""
        return f"{when.capitalize()}{reason}, {the_name(place)} est fermée."
    hours = " et ".join(f"de {hhmm(a)} à {hhmm(b)}" for a, b in spans)
    return f"{when.capitalize()}, {the_name(place)} est ouverte {hours}."


def week_hours(place: Decheterie, day: date) -> str:
    season = "summer" if is_summer(place, day) else "winter"
    label = "Horaires d’été" if season == "summer" else "Horaires d’hiver"
    bounds = (f"du {_mmdd(place.summer_start)} au {_mmdd(place.summer_end)}" if season ==
              "summer" else f"du {_mmdd(_day_after(place.summer_end))} au "
              f"{_mmdd(_day_before(place.summer_start))}")
    lines = [f"{label} ({bounds}) :"]
    table = (place.hours or {}).get(season, {})
    for name in DAY_NAMES:
        spans = table.get(name, [])
        words = " et ".join(f"{hhmm(a)} – {hhmm(b)}" for a, b in map(_parse, spans)) \
            if spans else "fermée"
        lines.append(f"• {name} : {words}")
    if place.closed_on_public_holidays:
        lines.append("Fermée les jours fériés.")
    return "\n".join(lines)


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


def _mmdd(value: str) -> str:
    month, day = (int(p) for p in value.split("-"))
    return f"{'1er' if day == 1 else day} {MONTHS[month - 1]}"


def _shift_mmdd(value: str, days: int) -> str:
    month, day = (int(p) for p in value.split("-"))
    shifted = date(2025, month, day) + timedelta(days=days)
    return f"{shifted.month:02d}-{shifted.day:02d}"


def _day_after(value: str) -> str:
    return _shift_mmdd(value, 1)


def _day_before(value: str) -> str:
    return _shift_mmdd(value, -1)


def _chosen(ctx: Context) -> tuple[Decheterie | None, bool]:
    """The déchèterie named, else the nearest to the commune; True when it was the nearest."""
    named = selectors.decheterie_named(ctx.slots.get("decheterie"))
    if named:
        return named, False
    nearest = selectors.nearest_decheterie(ctx.slots.get("commune"))
    return nearest, nearest is not None


@handler("decheterie_horaires")
def decheterie_horaires(ctx: Context) -> Reply:
    place, _nearest = _chosen(ctx)
    asked = ctx.asked_date
    if place is None:
        places = selectors.decheteries()
        if asked and asked != ctx.today:
            statuses = "\n".join(f"• {day_sentence(p, asked)}" for p in places)
        else:
            statuses = "\n".join(f"• {status_sentence(p, ctx.now)}" for p in places)
        return Reply(text=texts.say("decheterie_horaires", "all", statuses=statuses),
                     quick_replies=[p.name for p in places])
    status = day_sentence(place, asked) if asked and asked != ctx.today \
        else status_sentence(place, ctx.now)
    hours = week_hours(place, asked or ctx.today)
    return Reply(text=texts.say("decheterie_horaires", status=status, hours=hours),
                 quick_replies=["Adresse des déchèteries", "Déchets acceptés"])


@handler("decheterie_adresse")
def decheterie_adresse(ctx: Context) -> Reply:
    place, nearest = _chosen(ctx)
    if place is None:
        lines = "\n".join(f"• {p.name} : {p.address}" for p in selectors.decheteries())
        return Reply(text=texts.say("decheterie_adresse", "all", lines=lines),
                     quick_replies=["Horaires des déchèteries"])
    from .tri import _phone

    values = dict(name=place.name.replace("Déchèterie de ", ""), address=place.address,
                  phone=_phone(place.phone), status=status_sentence(place, ctx.now),
                  commune=ctx.slots.get("commune"))
    key = "nearest" if nearest else "main"
    if not nearest:
        values["name"] = place.name
    return Reply(text=texts.say("decheterie_adresse", key, **values),
                 quick_replies=["Horaires des déchèteries"])


def _rules_source(ctx: Context) -> Decheterie | None:
    place, _nearest = _chosen(ctx)
    return place or next(iter(selectors.decheteries()), None)


@handler("decheterie_acces")
def decheterie_acces(ctx: Context) -> Reply:
    place = _rules_source(ctx)
    access = place.access if place else {}
    text = texts.say("decheterie_acces", badge=access.get("badge", ""),
                     vehicules=access.get("vehicules", ""), quantites=access.get("quantites", ""))
    return Reply(text=text, quick_replies=ctx.follow_ups())


@handler("decheterie_dechets_acceptes")
def decheterie_dechets_acceptes(ctx: Context) -> Reply:
    place = _rules_source(ctx)
    item = selectors.sorting_item(ctx.slots.get("item"))
    if item is not None:
        if item.destination in DECHETERIE_DESTINATIONS:
            verdict = "oui, accepté en déchèterie. " + (item.advice or "")
        else:
            verdict = (f"ce n’est pas la peine d’aller en déchèterie : "
                       f"{Destination(item.destination).label.lower()}. {item.advice}")
        name = item.name[:1].upper() + item.name[1:]
        return Reply(text=texts.say("decheterie_dechets_acceptes", "item", item_cap=name,
                                    verdict=verdict.strip()))
    accepted = ", ".join(ACCEPTED_LABELS.get(k, k) for k in (place.accepted if place else {}))
    refused = ", ".join(place.refused) if place else ""
    return Reply(text=texts.say("decheterie_dechets_acceptes", accepted=accepted,
                                refused=refused),
                 quick_replies=["Où jeter un objet ?"])


@handler("decheterie_professionnels")
def decheterie_professionnels(ctx: Context) -> Reply:
    place = _rules_source(ctx)
    pro = place.professionals if place else {}
    prices = pro.get("tarifs_par_m3", {})
    words = []
    for name, price in prices.items():
        label = name.replace("_par_kg", "").replace("_", " ")
        unit = "€/kg" if name.endswith("_par_kg") else "€/m³"
        words.append(f"{label} : gratuit" if not price else
                     f"{label} : {price:.2f} {unit}".replace(".", ","))
    return Reply(text=texts.say("decheterie_professionnels", acces=pro.get("acces", ""),
                                prices=" ; ".join(words)))
