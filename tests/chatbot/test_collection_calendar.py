"""The collection calendar (maison.collection): rounds, seasons, public-holiday catch-ups,
explicit shifts, the iCalendar feed and the printable page."""

from datetime import date

import pytest
from icalendar import Calendar

from maison import collection
from maison.models import CollectionSchedule, CollectionZone, HolidayShift

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(reference_data):
    return CollectionZone.objects.get(code="TRO-1")


def _round(zone, flux, weekdays, **extra):
    return CollectionSchedule.objects.create(zone=zone, flux=flux, weekdays=weekdays, **extra)


def test_weekly_round_gives_every_matching_weekday(zone):
    _round(zone, "ordures_menageres", [0, 3])  # Monday and Thursday
    days = [c.day for c in collection.collections_between(zone, date(2025, 3, 3),
                                                          date(2025, 3, 16))]
    assert days == [date(2025, 3, 3), date(2025, 3, 6), date(2025, 3, 10), date(2025, 3, 13)]


def test_biweekly_round_follows_its_reference_week(zone):
    _round(zone, "verre", [1], frequency="biweekly", reference_week=date(2025, 1, 8))
    days = [c.day for c in collection.collections_between(zone, date(2025, 1, 1),
                                                          date(2025, 2, 5))]
    assert days == [date(2025, 1, 7), date(2025, 1, 21), date(2025, 2, 4)]


def test_green_waste_only_in_season_and_next_one_found_after_winter(zone):
    _round(zone, "vegetaux", [2], season_start="03-01", season_end="11-30")
    winter = collection.collections_between(zone, date(2025, 12, 1), date(2026, 2, 28))
    assert winter == []
    nxt = collection.next_collections(zone, flux="vegetaux", after=date(2025, 12, 10))
    assert nxt[0].day == date(2026, 3, 4)  # first Wednesday of the season


def test_season_across_the_new_year(zone):
    schedule = _round(zone, "ordures_menageres", [5], season_start="11-15",
                      season_end="02-15")
    assert collection.in_season(schedule, date(2025, 12, 31))
    assert collection.in_season(schedule, date(2026, 2, 1))
    assert not collection.in_season(schedule, date(2026, 6, 1))


def test_collection_on_a_public_holiday_is_caught_up_the_next_day(zone):
    _round(zone, "emballages", [3])  # Thursdays; 1 May 2025 is a Thursday (Fête du Travail)
    found = collection.collections_between(zone, date(2025, 4, 28), date(2025, 5, 4))
    assert [(c.planned, c.day) for c in found] == [(date(2025, 5, 1), date(2025, 5, 2))]
    assert found[0].shifted and found[0].reason == "Fête du Travail"


def test_friday_holiday_is_caught_up_on_saturday_and_never_on_sunday(zone):
    _round(zone, "ordures_menageres", [4, 5])  # 11 Nov 2022 was a Friday
    found = collection.collections_between(zone, date(2022, 11, 7), date(2022, 11, 14))
    assert [c.day for c in found] == [date(2022, 11, 12)]  # Saturday: both rounds merge
    assert collection.catch_up_day(date(2026, 8, 15)) == date(2026, 8, 17)  # Sat → Monday


def test_explicit_shift_wins_over_the_rule_and_can_cancel(zone):
    _round(zone, "emballages", [3])
    HolidayShift.objects.create(original_date=date(2025, 12, 25), new_date=date(2025, 12, 27),
                                reason="Noël")
    HolidayShift.objects.create(zone=zone, flux="emballages", original_date=date(2026, 1, 1),
                                new_date=None, reason="Nouvel an : pas de collecte")
    found = collection.collections_between(zone, date(2025, 12, 20), date(2026, 1, 10))
    assert [(c.planned, c.day) for c in found] == [
        (date(2025, 12, 25), date(2025, 12, 27)), (date(2026, 1, 8), date(2026, 1, 8))]


def test_next_collections_gives_one_per_flux_in_date_order(zone):
    _round(zone, "ordures_menageres", [0])
    _round(zone, "emballages", [3])
    found = collection.next_collections(zone, after=date(2025, 11, 24))  # a Monday
    assert [(c.flux, c.day) for c in found] == [("emballages", date(2025, 11, 27)),
                                                ("ordures_menageres", date(2025, 12, 1))]
    assert found[0].words == "jeudi 27 novembre"


def test_describe_round_in_plain_french(zone):
    weekly = _round(zone, "ordures_menageres", [0, 3])
    summer = _round(zone, "ordures_menageres", [5], season_start="07-01", season_end="08-31")
    biweekly = _round(zone, "verre", [1], frequency="biweekly", reference_week=date(2025, 1, 6))
    assert collection.describe_round(weekly) == "le lundi et le jeudi, chaque semaine"
    assert collection.describe_round(summer) == ("le samedi, chaque semaine "
                                                 "(du 1er juillet au 31 août)")
    assert collection.describe_round(biweekly) == "le mardi, une semaine sur deux"


def test_demo_calendar_file_loads_idempotently(reference_data):
    first = collection.load_calendar_file()
    second = collection.load_calendar_file()
    assert first == second and first["schedules"] >= 40
    assert CollectionSchedule.objects.count() == first["schedules"]
    zones_with_household_waste = set(CollectionSchedule.objects.filter(
        flux="ordures_menageres").values_list("zone__code", flat=True))
    assert zones_with_household_waste == set(CollectionZone.objects.values_list("code",
                                                                              flat=True))


def test_ical_feed_lists_collections_with_shift_notes(zone):
    _round(zone, "emballages", [3])
    body = collection.ical_for_zone(zone, date(2025, 4, 28), date(2025, 5, 10))
    cal = Calendar.from_ical(body)
    events = [c for c in cal.walk("VEVENT")]
    # 1 and 8 May 2025 are public holidays (Thursdays): both caught up on Friday
    assert [e.decoded("dtstart") for e in events] == [date(2025, 5, 2), date(2025, 5, 9)]
    assert str(events[0]["summary"]) == "Collecte : emballages (bac jaune)"
    assert "reportée du 01/05/2025" in str(events[0]["description"])
    assert len({str(e["uid"]) for e in events}) == 2


def test_public_ics_url_and_printable_page(client, zone):
    _round(zone, "emballages", [3])
    response = client.get("/calendrier/TRO-1.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.content
    page = client.get("/calendrier/TRO-1/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trouville centre" in html and "le jeudi, chaque semaine" in html
    assert "/calendrier/TRO-1.ics" in html
    assert client.get("/calendrier/").status_code == 200
    assert client.get("/calendrier/NOPE-9.ics").status_code == 404
    assert client.get("/calendrier/NOPE-9/").status_code == 404
