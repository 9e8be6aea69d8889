"""Public collection calendar pages: a printable page per zone and its iCalendar feed."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import collection
from .models import CollectionZone, Commune, Flux

ICAL_PAST_DAYS = 31
ICAL_FUTURE_DAYS = 400
PAGE_MONTHS = 12


def _zone(code: str) -> CollectionZone:
    zone = CollectionZone.objects.select_related("commune").filter(code__iexact=code).first()
    if zone is None:
        raise Http404("Secteur de collecte inconnu.")
    return zone


@require_GET
@cache_control(public=True, max_age=3600)
def zone_ical(request, zone_code: str):
    zone = _zone(zone_code)
    today = timezone.localdate()
    body = collection.ical_for_zone(zone, today - timedelta(days=ICAL_PAST_DAYS),
                                    today + timedelta(days=ICAL_FUTURE_DAYS))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="collecte-{zone.code.lower()}.ics"'
    return response


def _months(zone: CollectionZone, start: date, months: int) -> list[dict]:
    end_month = (start.month - 1 + months) % 12 + 1
    end_year = start.year + (start.month - 1 + months) // 12
    end = date(end_year, end_month, 1) - timedelta(days=1)
    found = collection.collections_between(zone, start, end)
    pages = []
    for (year, month), items in groupby(found, key=lambda c: (c.day.year, c.day.month)):
        items = list(items)
        per_flux = []
        for flux in Flux:
            days = [c for c in items if c.flux == flux.value]
            if days:
                per_flux.append({"flux": flux.value, "label": flux.label, "days": days})
        pages.append({"first_day": date(year, month, 1), "flux": per_flux})
    return pages


@require_GET
def zone_page(request, zone_code: str):
    zone = _zone(zone_code)
    today = timezone.localdate()
    start = today.replace(day=1)
    schedules = collection.schedules_of(zone)
    for schedule in schedules:
        schedule.description = collection.describe_round(schedule)
    context = {
        "zone": zone,
        "streets": zone.streets.order_by("name"),
        "months": _months(zone, start, PAGE_MONTHS),
        "next": collection.next_collections(zone, after=today - timedelta(days=1)),
        "rounds": schedules,
        "ical_path": request.build_absolute_uri(f"/calendrier/{zone.code}.ics"),
        "today": today,
    }
    return render(request, "maison/collection_calendar.html", context)


@require_GET
def index(request):
    communes = Commune.objects.prefetch_related("zones__streets")
    return render(request, "maison/collection_index.html", {"communes": communes})
