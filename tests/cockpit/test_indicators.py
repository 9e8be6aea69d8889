"""Every indicator of the rollups equals a direct count on the seeded tickets."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from cockpit import dashboard, figures, rollups
from cockpit.breakdowns import breakdowns
from cockpit.measures import category_column, nature_column, status_column
from cockpit.periods import add_months, choose, month_start, today
from crm.models import Category
from guichet import indicators
from guichet.indicators import Scope
from guichet.models import OPEN_STATUSES, Nature, Status, Ticket
from maison.models import Commune, Theme

from . import direct

pytestmark = pytest.mark.django_db


def scopes():
    deauville = Commune.objects.get(slug="deauville")
    collecte = Theme.objects.get(code="collecte")
    return [Scope(), Scope(commune_id=deauville.pk), Scope(theme_id=collecte.pk),
            Scope(channel="email"), Scope(commune_id=deauville.pk, theme_id=collecte.pk),
            Scope(commune_id=deauville.pk, theme_id=collecte.pk, channel="telephone")]


def choices():
    on = today()
    return [choose(preset) for preset in ("7j", "30j", "mois", "12m", "annee")] + [
        choose("perso", start=on - timedelta(days=200), end=on - timedelta(days=20)),
        choose("perso", start=on - timedelta(days=700), end=on),
    ]


def assert_totals_match(sums: figures.Sums, expected: direct.Direct):
    assert sums.created == expected.created
    assert sums.complaints == expected.complaints
    for nature in Nature.values:
        assert sums[nature_column(nature)] == expected.by["nature"][nature], nature
    for category in Category.values:
        assert sums[category_column(category)] == expected.by["usager_category"][category]
    for status in Status.values:
        assert sums[status_column(status)] == expected.by["status"][status], status
    assert sums["fr_count"] == len(expected.first_response)
    assert sums["fr_met"] == expected.first_response_met
    assert sums["fr_seconds"] == sum(expected.first_response)
    assert sums["res_count"] == len(expected.resolution)
    assert sums["res_met"] == expected.resolution_met
    assert sums["res_seconds"] == sum(expected.resolution)
    assert sums["rec_res_count"] == len(expected.complaint_resolution)
    assert sums["rec_res_met"] == expected.complaint_resolution_met
    assert sums["rec_open"] == expected.complaints_open
    for fraction in (0.5, 0.9):
        for measured, values in ((sums.first_response(fraction), expected.first_response),
                                 (sums.resolution(fraction), expected.resolution),
                                 (sums.complaint_resolution(fraction),
                                  expected.complaint_resolution)):
            want = direct.nearest_rank_bin(values, fraction)
            assert (measured.bin if measured else None) == want


def test_seed_is_varied_enough_to_mean_something(seeded):
    rollups.catch_up()
    statuses = Counter(Ticket.objects.values_list("status", flat=True))
    assert all(statuses[status] for status in Status.values)
    every = direct.figures(direct.select(today() - timedelta(days=800), today()))
    assert every.complaints and every.resolution and every.first_response
    assert len(every.by["commune_id"]) > 5 and len(every.by["theme_id"]) > 4


def test_totals_equal_direct_counts_for_every_period_and_filter(seeded):
    rollups.catch_up()
    for choice in choices():
        for scope in scopes():
            for period in (choice.period, choice.previous):
                expected = direct.figures(direct.select(
                    period.start, period.end, commune_id=scope.commune_id,
                    theme_id=scope.theme_id, channel=scope.channel))
                assert_totals_match(figures.totals(period, scope), expected)


def test_breakdowns_equal_direct_counts(seeded):
    rollups.catch_up()
    names = figures.Names.load()
    for choice in choices()[2:5]:
        for scope in scopes()[:3]:
            period = choice.period
            tickets = direct.select(period.start, period.end, commune_id=scope.commune_id,
                                    theme_id=scope.theme_id, channel=scope.channel)
            expected = direct.figures(tickets)
            sums = figures.totals(period, scope)
            board = breakdowns(period, scope, sums, names, link=figures.no_link,
                                       base_params={})
            assert {row.key: row.count for row in board.channel} == {
                key: count for key, count in expected.by["channel"].items()}
            assert {row.key: row.count for row in board.theme} == {
                str(key or 0): count for key, count in expected.by["theme_id"].items()}
            assert {row.key: row.count for row in board.commune} == {
                str(key or 0): count for key, count in expected.by["commune_id"].items()}
            assert {row.key: row.count for row in board.complaints_by_theme} == {
                str(key or 0): count
                for key, count in expected.by["complaints_theme_id"].items()}
            assert {row.key: row.count for row in board.complaints_by_commune} == {
                str(key or 0): count
                for key, count in expected.by["complaints_commune_id"].items()}
            top = expected.by["subtheme_id"].most_common()
            subtheme_counts = [row.count for row in board.subtheme]
            assert subtheme_counts == sorted((count for _, count in top),
                                             reverse=True)[:len(subtheme_counts)]
            assert {row.key: row.count for row in board.nature} == {
                key: count for key, count in expected.by["nature"].items()}
            if expected.created:
                assert sum(row.share for row in board.theme) == pytest.approx(1)


def test_trend_and_year_on_year_equal_direct_counts(seeded):
    rollups.catch_up()
    scope = Scope(theme_id=Theme.objects.get(code="collecte").pk)
    for choice in (choose("30j"), choose("12m")):
        period = choice.period
        tickets = direct.select(period.start, period.end, theme_id=scope.theme_id)
        points = figures.trend(period, scope)
        assert sum(point.value for point in points) == len(tickets)
        if period.daily:
            by_day = Counter(direct.local_day(t.created_at) for t in tickets)
            assert [point.value for point in points] == [
                by_day[period.start + timedelta(days=offset)] for offset in range(period.days)]
        else:
            by_month = Counter(month_start(direct.local_day(t.created_at)) for t in tickets)
            assert [point.value for point in points] == [by_month[m] for m in period.months()]
    monthly = figures.monthly_year_on_year(scope)
    every = direct.select(today() - timedelta(days=800), today(), theme_id=scope.theme_id)
    by_month = Counter(month_start(direct.local_day(t.created_at)) for t in every)
    current = month_start(today())
    months = [add_months(current, -offset) for offset in range(11, -1, -1)]
    assert [(p.value, p.previous) for p in monthly] == [
        (by_month[m], by_month[add_months(m, -12)]) for m in months]


def test_backlog_and_today_are_live_counts(seeded):
    rollups.catch_up()
    now = timezone.now()
    for scope in scopes()[:4]:
        tickets = Ticket.objects.filter(scope.q(), status__in=OPEN_STATUSES)
        backlog = figures.backlog(scope, now=now)
        assert backlog == indicators.backlog(scope, now=now)  # the table equals the tickets
        assert backlog.total == tickets.count()
        assert backlog.overdue == tickets.filter(due_at__lt=now).count()
        assert backlog.by_status[Status.EN_ATTENTE] == tickets.filter(
            status=Status.EN_ATTENTE).count()
        today_tickets = direct.select(today(), today(), commune_id=scope.commune_id,
                                      theme_id=scope.theme_id, channel=scope.channel)
        assert dashboard.today_count(scope) == len(today_tickets)


def test_dashboard_builds_with_previous_period_deltas(seeded):
    rollups.catch_up()
    board = dashboard.build(choose("12m"), Scope())
    created = next(f for f in board.key_figures if f.key == "created")
    current, previous = board.sums.created, board.previous.created
    assert created.value.replace("\u202f", "") == str(current)
    if previous:
        change = round((current - previous) / previous * 100)
        assert created.delta.replace("\u202f", "").replace("−", "-").startswith(
            "+" if change > 0 else "-" if change < 0 else "±")
        assert str(abs(change)) in created.delta
