"""Periods, their comparison periods, and the filter form (presets, custom range, errors)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cockpit import figures, rollups
from cockpit.forms import FiltersForm
from cockpit.periods import Period, choose
from guichet.indicators import Scope
from maison.models import Commune, Theme

from . import direct

ON = date(2026, 11, 18)


@pytest.mark.parametrize(("preset", "period", "previous"), [
    ("7j", (date(2026, 11, 12), ON), (date(2026, 11, 5), date(2026, 11, 11))),
    ("30j", (date(2026, 10, 20), ON), (date(2026, 9, 20), date(2026, 10, 19))),
    ("mois", (date(2026, 11, 1), ON), (date(2026, 10, 1), date(2026, 10, 18))),
    ("12m", (date(2025, 12, 1), ON), (date(2024, 12, 1), date(2025, 11, 18))),
    ("annee", (date(2026, 1, 1), ON), (date(2025, 1, 1), date(2025, 11, 18))),
])
def test_presets_and_the_period_they_are_compared_with(preset, period, previous):
    choice = choose(preset, on=ON)
    assert (choice.period.start, choice.period.end) == period
    assert (choice.previous.start, choice.previous.end) == previous


def test_custom_period_is_compared_with_the_same_length_just_before():
    choice = choose("perso", start=date(2026, 3, 10), end=date(2026, 3, 19), on=ON)
    assert (choice.previous.start, choice.previous.end) == (date(2026, 2, 28), date(2026, 3, 9))
    assert choice.previous.days == choice.period.days == 10


def test_month_end_is_clamped():
    choice = choose("mois", on=date(2026, 3, 31))
    assert choice.previous.end == date(2026, 2, 28)


def test_long_periods_read_whole_months_from_monthly_rows():
    period = Period(date(2025, 11, 15), date(2026, 11, 18))
    slices = period.slices(current_day=ON)
    assert slices[0] == ("D", date(2025, 11, 15), date(2025, 11, 30))
    assert slices[1:] == [("M", date(2025, 12, 1) if m == 12 else date(2026, m, 1),
                           date(2025, 12, 1) if m == 12 else date(2026, m, 1))
                          for m in (12, *range(1, 12))]
    # the current month counts as whole: nothing is received after today
    assert slices[-1] == ("M", date(2026, 11, 1), date(2026, 11, 1))
    past = Period(date(2025, 1, 1), date(2025, 11, 18))
    assert past.slices(current_day=ON)[-1] == ("D", date(2025, 11, 1), date(2025, 11, 18))
    short = Period(date(2026, 10, 1), date(2026, 11, 18))
    assert short.slices(current_day=ON) == [("D", date(2026, 10, 1), ON)]


@pytest.mark.django_db
def test_form_accepts_slugs_and_codes_and_builds_the_scope(reference_data):
    deauville = Commune.objects.get(slug="deauville")
    tri = Theme.objects.get(code="tri")
    form = FiltersForm({"periode": "7j", "commune": "deauville", "theme": "tri",
                        "canal": "email"})
    assert form.is_valid(), form.errors
    assert form.scope() == Scope(commune_id=deauville.pk, theme_id=tri.pk, channel="email")
    assert form.choice().preset == "7j"
    assert form.query_string() == "periode=7j&commune=deauville&theme=tri&canal=email"


@pytest.mark.django_db
def test_dates_alone_mean_a_custom_period(reference_data):
    form = FiltersForm({"du": "2026-01-05", "au": "2026-02-10"})
    assert form.is_valid(), form.errors
    choice = form.choice()
    assert choice.preset == "perso" and choice.period.start == date(2026, 1, 5)


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "message"), [
    ({"periode": "perso", "du": "2026-03-10"}, "indiquez la date de début et la date de fin"),
    ({"periode": "perso", "du": "2026-03-10", "au": "2026-03-01"}, "après la date de début"),
    ({"periode": "perso", "du": "1990-01-01", "au": "1990-02-01"}, "hors de la période"),
    ({"periode": "perso", "du": "2015-01-01", "au": "2026-02-01"}, "cinq ans au plus"),
    ({"commune": "paris"}, "choix valide"),
    ({"du": "pas-une-date", "au": "2026-01-01", "periode": "perso"}, "date valide"),
])
def test_bad_filters_get_a_clear_message_and_a_400(client, elu, reference_data, data,
                                                   message):
    client.force_login(elu)
    response = client.get(reverse("cockpit:home"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get(reverse("cockpit:live"), data).status_code == 400
    assert client.get(reverse("cockpit:export_indicators"), data).status_code == 400


def test_the_page_shows_the_filtered_figures_and_their_change(client, elu, seeded):
    rollups.catch_up()
    client.force_login(elu)
    deauville = Commune.objects.get(slug="deauville")
    response = client.get(reverse("cockpit:home"), {"periode": "12m", "commune": "deauville"})
    assert response.status_code == 200
    board = response.context["board"]
    choice = board.choice
    expected = direct.select(choice.period.start, choice.period.end, commune_id=deauville.pk)
    previous = direct.select(choice.previous.start, choice.previous.end,
                             commune_id=deauville.pk)
    assert board.sums.created == len(expected)
    assert board.previous.created == len(previous)
    created = next(f for f in board.key_figures if f.key == "created")
    assert created.delta  # a comparison is shown
    page = response.content.decode()
    assert "12 derniers mois" in page and "Deauville" in page
    # The sections show the same figures as the key figures (templates read properties).
    complaints = sum(1 for t in expected if t.nature == "reclamation")
    assert f"<dt>Réclamations reçues</dt><dd>{complaints} (" in page
    share = board.sums.resolution_met_share
    assert f"Traitement dans le délai promis</th><td class=\"ck-num\">{round(share * 100)}" in page


def test_the_commune_view_is_the_dashboard_for_one_commune(client, elu, seeded):
    rollups.catch_up()
    client.force_login(elu)
    trouville = Commune.objects.get(slug="trouville-sur-mer")
    response = client.get(reverse("cockpit:commune", args=["trouville-sur-mer"]),
                          {"periode": "12m"})
    assert response.status_code == 200
    board = response.context["board"]
    assert board.scope.commune_id == trouville.pk
    period = board.choice.period
    assert board.sums.created == len(direct.select(period.start, period.end,
                                                   commune_id=trouville.pk))
    assert "Demandes des habitants de Trouville-sur-Mer" in response.content.decode()
    assert client.get(reverse("cockpit:commune", args=["atlantis"])).status_code == 404


def test_every_filter_combination_answers(client, superviseur, seeded):
    rollups.catch_up()
    client.force_login(superviseur)
    combos = [{}, {"periode": "7j"}, {"periode": "mois", "theme": "collecte"},
              {"periode": "annee", "canal": "telephone", "commune": "deauville"},
              {"du": (ON - timedelta(days=90)).isoformat(), "au": ON.isoformat(),
               "theme": "decheteries", "canal": "email", "commune": "touques"}]
    for params in combos:
        response = client.get(reverse("cockpit:home"), params)
        assert response.status_code == 200, params
        assert isinstance(response.context["board"].sums, figures.Sums)
