"""Writes on the territory: loading the collectivité's reference data (idempotent)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from . import calendar, memo
from .models import CollectionZone, Commune, SchoolHoliday, Street, SubTheme, Theme

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_territory() -> dict[str, int]:
    """Communes, collection zones and streets from maison/data/territory.json."""
    counts = {"communes": 0, "zones": 0, "streets": 0}
    for item in _read("territory.json")["communes"]:
        mairie = item.get("mairie", {})
        commune, _ = Commune.objects.update_or_create(
            name=item["name"],
            defaults={"slug": slugify(item["name"]), "postal_code": item["postal_code"],
                      "aliases": item.get("aliases", []), "mairie_phone": mairie.get("phone", ""),
                      "mairie_email": mairie.get("email", ""),
                      "mairie_address": mairie.get("address", "")})
        counts["communes"] += 1
        for zone_data in item["zones"]:
            zone, _ = CollectionZone.objects.update_or_create(
                code=zone_data["code"], defaults={"name": zone_data["name"], "commune": commune})
            counts["zones"] += 1
            for street_name in zone_data["streets"]:
                street = Street.objects.filter(commune=commune, name__iexact=street_name).first()
                if street is None:
                    Street.objects.create(name=street_name, commune=commune, zone=zone)
                elif street.zone_id != zone.pk:
                    street.zone = zone
                    street.save(update_fields=["zone"])
                counts["streets"] += 1
    return counts


@transaction.atomic
def load_themes() -> dict[str, int]:
    """Themes and sub-themes from maison/data/themes.json."""
    counts = {"themes": 0, "subthemes": 0}
    for position, item in enumerate(_read("themes.json")["themes"]):
        theme, _ = Theme.objects.update_or_create(
            code=item["code"], defaults={"label": item["label"], "position": position})
        counts["themes"] += 1
        for sub_position, (code, label) in enumerate(item["subthemes"]):
            SubTheme.objects.update_or_create(
                theme=theme, code=code, defaults={"label": label, "position": sub_position})
            counts["subthemes"] += 1
    return counts


@transaction.atomic
def load_school_holidays() -> int:
    data = _read("school_holidays.json")
    for label, first, last in data["periods"]:
        SchoolHoliday.objects.update_or_create(
            zone=data["zone"], first_day=date.fromisoformat(first),
            defaults={"label": label, "last_day": date.fromisoformat(last)})
    calendar.forget_school_holidays()
    return len(data["periods"])


def service_rules() -> dict:
    """SLA defaults and queues, for guichet to load (maison does not import guichet)."""
    data = _read("themes.json")
    return {"sla": data["sla"], "queues": data["queues"]}


def load_reference_data() -> dict[str, int]:
    counts = load_territory()
    counts.update(load_themes())
    counts["school_holidays"] = load_school_holidays()
    memo.clear_all()
    return counts
