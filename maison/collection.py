"""Collection calendar: when each zone's bins are collected, with public-holiday catch-ups.

A zone has rounds (`CollectionSchedule`) per flux: weekdays, weekly or every other week, an
optional season. The service's rule for public holidays: a collection that falls on a public
holiday is caught up the next day (Saturday included; never on a Sunday or another public
holiday). Explicit `HolidayShift` rows override the rule (a collection moved elsewhere, or
cancelled). Everything here is computed: nothing to regenerate each year.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from . import calendar
from .models import CollectionSchedule, CollectionZone, Flux, HolidayShift

SCAN_DAYS = 400  # far enough to find the next green-waste round across a winter break
SUNDAY = 6
FLUX_ORDER = list(Flux.values)


@dataclass(frozen=True)
class Collection:
    flux: str
    day: date
    planned: date
    reason: str = ""  # why it moved: the public holiday's name or the shift's motive

    @property
    def shifted(self) -> bool:
        return self.day != self.planned

    @property
    def flux_label(self) -> str:
        return Flux(self.flux).label

    @property
    def words(self) -> str:
        return french_day(self.day)


def in_season(schedule: CollectionSchedule, day: date) -> bool:
    if not schedule.season_start or not schedule.season_end:
        return True
    key = f"{day.month:02d}-{day.day:02d}"
    start, end = schedule.season_start, schedule.season_end
    if start <= end:
        return start <= key <= end
    return key >= start or key <= end  # a season across the new year (e.g. 11-15 → 02-15)


def _collection_week(schedule: CollectionSchedule, day: date) -> bool:
    if schedule.frequency != CollectionSchedule.Frequency.BIWEEKLY:
        return True
    reference = schedule.reference_week - timedelta(days=schedule.reference_week.weekday())
    monday = day - timedelta(days=day.weekday())
    return ((monday - reference).days // 7) % 2 == 0


def planned_days(schedule: CollectionSchedule, start: date, end: date) -> Iterator[date]:
    """The round's days between start and end (inclusive), before any holiday shift."""
    weekdays = set(schedule.weekdays or ())
    day = start
    while day <= end:
        if day.weekday() in weekdays and in_season(schedule, day) and \
                _collection_week(schedule, day):
            yield day
        day += timedelta(days=1)


def catch_up_day(day: date) -> date:
    """The rule: the next day, Saturday included, never a Sunday nor a public holiday."""
    candidate = day + timedelta(days=1)
    while candidate.weekday() == SUNDAY or calendar.is_public_holiday(candidate):
        candidate += timedelta(days=1)
    return candidate


def _explicit_shifts(zone: CollectionZone, start: date, end: date) -> dict:
    """{(original_date, flux or ""): shift}, the zone's own rows winning over global ones."""
    rows = HolidayShift.objects.filter(original_date__range=(start, end)).filter(
        Q(zone__isnull=True) | Q(zone=zone)).order_by("zone_id")
    found: dict = {}
    for shift in rows:
        key = (shift.original_date, shift.flux)
        if key not in found or shift.zone_id:
            found[key] = shift
    return found


def _resolve(planned: date, flux: str, shifts: dict) -> tuple[date | None, str]:
    shift = shifts.get((planned, flux)) or shifts.get((planned, ""))
    if shift is not None:
        return shift.new_date, shift.reason
    holiday = calendar.public_holiday_name(planned)
    if holiday:
        return catch_up_day(planned), holiday
    return planned, ""


def schedules_of(zone: CollectionZone, flux: str | None = None) -> list[CollectionSchedule]:
    rounds = CollectionSchedule.objects.filter(zone=zone)
    if flux:
        rounds = rounds.filter(flux=flux)
    return sorted(rounds, key=lambda s: (FLUX_ORDER.index(s.flux), s.season_start, s.id))


def collections_between(zone: CollectionZone, start: date, end: date, flux: str | None = None,
                        schedules: Iterable[CollectionSchedule] | None = None,
                        shifts: dict | None = None) -> list[Collection]:
    """Every collection of the zone whose actual day is within [start, end], by date."""
    schedules = list(schedules) if schedules is not None else schedules_of(zone, flux)
    # A collection planned just before `start` may be caught up inside the range.
    margin = timedelta(days=7)
    if shifts is None:
        shifts = _explicit_shifts(zone, start - margin, end)
    seen: set[tuple[str, date]] = set()
    found: list[Collection] = []
    for schedule in schedules:
        if flux and schedule.flux != flux:
            continue
        for planned in planned_days(schedule, start - margin, end):
            day, reason = _resolve(planned, schedule.flux, shifts)
            if day is None or not start <= day <= end or (schedule.flux, day) in seen:
                continue
            seen.add((schedule.flux, day))
            found.append(Collection(flux=schedule.flux, day=day, planned=planned, reason=reason))
    found.sort(key=lambda c: (c.day, FLUX_ORDER.index(c.flux)))
    return found


def next_collections(zone: CollectionZone, flux: str | None = None, after: date | None = None,
                     per_flux: int = 1,
                     schedules: Iterable[CollectionSchedule] | None = None) -> list[Collection]:
    """The next `per_flux` collections of each flux strictly after `after` (default today).

    Flux without any round (glass taken to containers, for instance) are simply absent.
    Two queries at most (rounds, shifts), whatever the number of flux.
    """
    after = after or date.today()
    schedules = list(schedules) if schedules is not None else schedules_of(zone, flux)
    if flux:
        schedules = [s for s in schedules if s.flux == flux]
    shifts = _explicit_shifts(zone, after - timedelta(days=7),
                              after + timedelta(days=SCAN_DAYS)) if schedules else {}
    result: list[Collection] = []
    for flux_id in sorted({s.flux for s in schedules}, key=FLUX_ORDER.index):
        rounds = [s for s in schedules if s.flux == flux_id]
        window = 35
        start = after + timedelta(days=1)
        while window <= SCAN_DAYS:
            found = collections_between(zone, start, after + timedelta(days=window), flux_id,
                                        schedules=rounds, shifts=shifts)
            if len(found) >= per_flux or window == SCAN_DAYS:
                result.extend(found[:per_flux])
                break
            window = min(window * 3, SCAN_DAYS)
    result.sort(key=lambda c: (c.day, FLUX_ORDER.index(c.flux)))
    return result


def shifted_collections(zone: CollectionZone | None, start: date, end: date) -> list[Collection]:
    """Collections moved by a public holiday or an explicit shift, for one zone or all."""
    zones = [zone] if zone else list(CollectionZone.objects.all())
    moved = []
    for each in zones:
        moved.extend(c for c in collections_between(each, start, end) if c.shifted)
    return moved


def upcoming_public_holidays(after: date, count: int = 3) -> list[tuple[date, str]]:
    found, day = [], after
    for _i in range(SCAN_DAYS):
        name = calendar.public_holiday_name(day)
        if name:
            found.append((day, name))
            if len(found) >= count:
                break
        day += timedelta(days=1)
    return found


# --- Words for residents ---------------------------------------------------------------------

WEEKDAYS = (_lazy("lundi"), _lazy("mardi"), _lazy("mercredi"), _lazy("jeudi"),
            _lazy("vendredi"), _lazy("samedi"), _lazy("dimanche"))


def french_day(day: date, with_year: bool = False) -> str:
    """« jeudi 27 novembre » (« 1er » for the first of the month), whatever the active locale."""
    with translation.override("fr"):
        month = formats.date_format(day, "F")
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{WEEKDAYS[day.weekday()]} {number} {month}"
    return f"{text} {day.year}" if with_year else text


def _season_words(start: str, end: str) -> str:
    def words(mmdd: str) -> str:
        month, day = (int(p) for p in mmdd.split("-"))
        with translation.override("fr"):
            name = formats.date_format(date(2024, month, day), "F")
        return f"{'1er' if day == 1 else day} {name}"

    return _("du %(start)s au %(end)s") % {"start": words(start), "end": words(end)}


def describe_round(schedule: CollectionSchedule) -> str:
    """« le lundi et le jeudi, chaque semaine (du 1er juillet au 31 août) »."""
    days = [f"{_('le')} {WEEKDAYS[d]}" for d in sorted(schedule.weekdays or [])]
    text = " et ".join(days) if len(days) < 3 else ", ".join(days[:-1]) + " et " + days[-1]
    if schedule.frequency == CollectionSchedule.Frequency.BIWEEKLY:
        text += ", " + str(_("une semaine sur deux"))
    else:
        text += ", " + str(_("chaque semaine"))
    if schedule.season_start and schedule.season_end:
        text += f" ({_season_words(schedule.season_start, schedule.season_end)})"
    return text


# --- iCalendar export -------------------------------------------------------------------------

def ical_for_zone(zone: CollectionZone, start: date, end: date) -> bytes:
    """An iCalendar feed of the zone's collections (residents subscribe from their agenda)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Maison des Services Cœur Côte Fleurie//Collecte//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("Collecte des déchets — %(zone)s") % {"zone": zone.name})
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT12H")
    host = settings.PUBLIC_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
    stamp = datetime.now(UTC).replace(microsecond=0)
    for item in collections_between(zone, start, end):
        event = Event()
        event.add("uid", f"{zone.code}-{item.flux}-{item.planned.isoformat()}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", _("Collecte : %(flux)s") % {"flux": item.flux_label})
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        description = _("Sortez votre bac la veille au soir.")
        if item.shifted:
            description = _("Collecte reportée du %(planned)s (%(reason)s). ") % {
                "planned": item.planned.strftime("%d/%m/%Y"), "reason": item.reason,
            } + description
        event.add("description", description)
        event.add("categories", [item.flux_label])
        cal.add_component(event)
    return cal.to_ical()


# --- Demo data --------------------------------------------------------------------------------

def load_calendar_file(path=None) -> dict[str, int]:
    """Rounds and explicit shifts from maison/data/collection_calendar.json (idempotent:
    a zone's rounds are replaced by the file's, so editing the file and reloading converges)."""
    import json
    from pathlib import Path

    from django.db import transaction

    path = Path(path) if path else Path(__file__).resolve().parent / "data" / \
        "collection_calendar.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    zones = {z.code: z for z in CollectionZone.objects.all()}
    counts = {"schedules": 0, "shifts": 0}
    with transaction.atomic():
        rows = []
        for code, by_flux in data["zones"].items():
            zone = zones.get(code)
            if zone is None:
                continue
            CollectionSchedule.objects.filter(zone=zone).delete()
            for flux, rounds in by_flux.items():
                for spec in rounds:
                    season = spec.get("season") or ["", ""]
                    rows.append(CollectionSchedule(
                        zone=zone, flux=flux, weekdays=spec["weekdays"],
                        frequency=spec.get("frequency", CollectionSchedule.Frequency.WEEKLY),
                        reference_week=(date.fromisoformat(spec["reference_week"])
                                        if spec.get("reference_week") else None),
                        season_start=season[0], season_end=season[1],
                        put_out_note=data.get("put_out_note", "")))
        CollectionSchedule.objects.bulk_create(rows)
        counts["schedules"] = len(rows)
        for shift in data.get("shifts", []):
            HolidayShift.objects.update_or_create(
                zone=None, flux="", original_date=date.fromisoformat(shift["original_date"]),
                defaults={"new_date": date.fromisoformat(shift["new_date"])
                          if shift.get("new_date") else None, "reason": shift.get("reason", "")})
            counts["shifts"] += 1
    return counts
