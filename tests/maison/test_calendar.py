from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from maison import calendar

PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return datetime(*args, tzinfo=PARIS)


pytestmark = pytest.mark.usefixtures("reference_data")


def test_public_holidays_come_from_the_library():
    assert calendar.is_public_holiday(date(2026, 5, 1))
    assert calendar.is_public_holiday(date(2026, 4, 6))  # lundi de Pâques 2026
    assert calendar.is_public_holiday(date(2026, 5, 25))  # lundi de Pentecôte 2026
    assert calendar.public_holiday_name(date(2026, 12, 25)) == "Noël"
    assert not calendar.is_public_holiday(date(2026, 11, 25))


def test_open_on_weekdays_during_opening_hours():
    assert calendar.is_open(at(2026, 11, 25, 9, 0))
    assert calendar.is_open(at(2026, 11, 25, 16, 59))
    assert not calendar.is_open(at(2026, 11, 25, 17, 0))
    assert not calendar.is_open(at(2026, 11, 25, 8, 59))


def test_closed_on_public_holidays():
    assert not calendar.is_open(at(2026, 11, 11, 10, 0))  # Armistice, a Wednesday


def test_saturday_morning_only_during_zone_c_school_holidays():
    assert calendar.is_open(at(2026, 12, 19, 10, 0))  # first Saturday of Christmas holidays
    assert not calendar.is_open(at(2026, 12, 19, 12, 0))
    assert not calendar.is_open(at(2026, 11, 28, 10, 0))  # an ordinary Saturday
    assert not calendar.is_open(at(2026, 12, 20, 10, 0))  # Sunday


def test_school_holidays_are_data_the_admin_updates():
    from maison.models import SchoolHoliday

    assert not calendar.is_open(at(2026, 11, 28, 10, 0))
    SchoolHoliday.objects.create(label="Pont", zone="C", first_day=date(2026, 11, 28),
                                 last_day=date(2026, 11, 29))
    calendar.forget_school_holidays()
    assert calendar.is_open(at(2026, 11, 28, 10, 0))


def test_two_working_days_from_friday_afternoon_lands_on_tuesday_same_hour():
    assert calendar.add_working_days(at(2026, 11, 20, 16, 30), 2) == at(2026, 11, 24, 16, 30)


def test_working_days_skip_public_holidays():
    # Tuesday 10 November + 1 working day skips Wednesday 11 November (Armistice).
    assert calendar.add_working_days(at(2026, 11, 10, 10, 0), 1) == at(2026, 11, 12, 10, 0)


def test_working_days_from_outside_hours_count_from_next_opening():
    # Saturday evening: received Monday 9:00, so 1 working day is Tuesday 9:00.
    assert calendar.add_working_days(at(2026, 11, 28, 19, 0), 1) == at(2026, 12, 1, 9, 0)
    # Early morning counts from 9:00 the same day.
    assert calendar.add_working_days(at(2026, 11, 25, 7, 0), 1) == at(2026, 11, 26, 9, 0)


def test_business_hours_cross_nights_and_weekends():
    assert calendar.add_business_hours(at(2026, 11, 20, 16, 30), 1) == at(2026, 11, 23, 9, 30)
    assert calendar.add_business_hours(at(2026, 11, 25, 10, 0), 8) == at(2026, 11, 26, 10, 0)


def test_business_time_between_counts_only_opening_hours():
    elapsed = calendar.business_time_between(at(2026, 11, 20, 16, 0), at(2026, 11, 23, 10, 0))
    assert elapsed == timedelta(hours=2)
    assert calendar.business_time_between(at(2026, 11, 23, 10, 0),
                                          at(2026, 11, 20, 16, 0)) == timedelta(0)


def test_opening_status_tells_until_when_or_when_next():
    status = calendar.opening_status(at(2026, 11, 25, 10, 0))
    assert status.open and status.closes_at == at(2026, 11, 25, 17, 0)
    status = calendar.opening_status(at(2026, 11, 27, 18, 0))  # Friday evening
    assert not status.open and status.opens_at == at(2026, 11, 30, 9, 0)
