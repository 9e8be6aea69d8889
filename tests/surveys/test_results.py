"""Results: the figures equal a direct count; who may see them; follow-ups and questionnaires."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys import selectors, services, verbatims
from surveys.models import Answer, FollowUp, Survey, SurveyTemplate

from .factories import answered_surveys

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def period():
    now = timezone.now()
    return now - timedelta(days=30), now + timedelta(minutes=1)


@pytest.fixture
def sample(agent, superviseur):
    return answered_surveys(300, sent_at=timezone.now() - timedelta(days=2),
                            agents=[agent, superviseur])


def direct(surveys):
    """CSAT, FCR and answer rate computed by hand, the way a spreadsheet would."""
    answers = [Answer.objects.filter(survey=s).first() for s in surveys]
    given = [a for a in answers if a is not None]
    ratings = [a.rating for a in given if a.rating]
    resolutions = [a.resolution for a in given if a.resolution]

    def share(part, whole):
        return round(100 * part / whole, 1) if whole else None

    return {"sent": len(surveys), "answered": len(given),
            "csat": share(sum(1 for r in ratings if r >= 4), len(ratings)),
            "fcr": share(resolutions.count("first_contact"), len(resolutions)),
            "answer_rate": share(len(given), len(surveys))}


def test_overall_figures_equal_a_direct_count(sample, period):
    start, end = period
    figures = selectors.overall(start=start, end=end).as_dict()
    expected = direct(sample)
    assert {key: figures[key] for key in expected} == expected


@pytest.mark.parametrize(("dimension", "attribute"), [("theme", "theme_id"),
                                                      ("commune", "commune_id"),
                                                      ("channel", "ticket_channel"),
                                                      ("agent", "agent_id")])
def test_figures_by_dimension_equal_a_direct_count(sample, period, dimension, attribute):
    start, end = period
    groups = defaultdict(list)
    for survey in sample:
        groups[getattr(survey, attribute)].append(survey)
    rows = selectors.by_dimension(dimension, start=start, end=end)
    assert {row.key for row in rows} == set(groups)
    for row in rows:
        expected = direct(groups[row.key])
        assert {k: row.figures.as_dict()[k] for k in expected} == expected, row.label


def test_surveys_outside_the_period_or_not_sent_are_not_counted(sample, period):
    start, end = period
    Survey.objects.filter(pk=sample[0].pk).update(sent_at=start - timedelta(days=1))
    Survey.objects.filter(pk=sample[1].pk).update(status=Survey.Status.SKIPPED,
                                                  skip_reason="refused")
    assert selectors.overall(start=start, end=end).sent == 298


def test_chat_ratings_have_their_own_figures(period):
    start, end = period
    for index, rating in enumerate([5, 4, 2, 5]):
        services.record_chat_rating(conversation_ref=f"c{index}", rating=rating)
    chat = selectors.chat_figures(start=start, end=end)
    assert (chat.rated, chat.csat) == (4, 75.0)
    assert selectors.summary(start=start, end=end)["chatbot"]["csat"] == 75.0


def test_frequent_terms_drop_french_stop_words():
    comments = ["L’attente au téléphone était trop longue.",
                "Attente interminable, et personne ne rappelle !",
                "Merci pour l’accueil, très agréable."]
    terms = dict(verbatims.frequent_terms(comments))
    assert terms["attente"] == 2
    assert not {"l", "au", "était", "trop", "et", "ne", "merci", "pour"} & set(terms)
    assert "téléphone" in terms and "interminable" in terms


def test_frequent_terms_by_theme(sample, period):
    start, end = period
    by_theme = dict(selectors.frequent_terms_by_theme(start=start, end=end))
    assert by_theme and all(counts for counts in by_theme.values())
    assert any(term == "attente" for counts in by_theme.values() for term, _ in counts)


# --- Pages and who may see them -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/enquete/resultats/", "/enquete/suivis/",
                                  "/enquete/questionnaires/"])
def test_only_supervisors_see_results_and_verbatims(client, agent, elu, superviseur, path):
    assert client.get(path).status_code == 302  # anonymous: to the login page
    client.force_login(agent)
    assert client.get(path).status_code == 403
    client.force_login(elu)
    assert client.get(path).status_code == 403
    client.force_login(superviseur)
    assert client.get(path).status_code == 200


def test_the_results_page_shows_figures_and_verbatims_with_their_ticket(client, superviseur,
                                                                        sample):
    client.force_login(superviseur)
    response = client.get("/enquete/resultats/")
    content = response.content.decode()
    figures = selectors.overall(start=timezone.now() - timedelta(days=30),
                                end=timezone.now() + timedelta(minutes=1))
    assert f"{figures.csat} %".replace(".", ",") in content or f"{figures.csat} %" in content
    assert "Par commune" in content and "Par agent" in content
    commented = (Answer.objects.exclude(comment="").select_related("survey")
                 .order_by("-answered_at", "-id").first())  # the page lists the latest first
    assert commented.survey.ticket_reference in content
    assert client.get("/enquete/resultats/?start=2026-02-10&end=2026-01-01").status_code == 200
    assert client.get("/enquete/resultats/?start=pas-une-date&page=999").status_code == 200


def test_supervisors_handle_follow_ups(client, superviseur, sample):
    survey = sample[0]
    answer = Answer.objects.filter(survey=survey).first() or Answer.objects.create(
        survey=survey, answered_at=timezone.now())
    follow_up = FollowUp.objects.create(survey=survey, created_at=timezone.now())
    Answer.objects.filter(pk=answer.pk).update(rating=1, comment="Personne ne m’a rappelé")
    client.force_login(superviseur)
    page = client.get("/enquete/suivis/")
    assert "Personne ne m’a rappelé" in page.content.decode()
    client.post(f"/enquete/suivis/{follow_up.pk}/prendre/")
    follow_up.refresh_from_db()
    assert follow_up.assigned_to == superviseur and follow_up.state == "in_progress"
    empty = client.post(f"/enquete/suivis/{follow_up.pk}/clore/", {"outcome": " "}, follow=True)
    assert "Indiquez la suite donnée" in empty.content.decode()
    client.post(f"/enquete/suivis/{follow_up.pk}/clore/", {"outcome": "Rappelé, bac livré."})
    follow_up.refresh_from_db()
    assert follow_up.state == "done" and follow_up.handled_by == superviseur
    assert client.post(f"/enquete/suivis/{follow_up.pk}/autre/").status_code == 404


def test_supervisors_configure_questionnaires_per_theme(client, superviseur):
    from maison.models import Theme

    theme = Theme.objects.get(code="eau")
    client.force_login(superviseur)
    page = client.get(f"/enquete/questionnaires/{theme.pk}/")
    assert page.status_code == 200
    response = client.post(f"/enquete/questionnaires/{theme.pk}/", {
        "enabled": "on", "intro": "Merci !", "rating_question": "Êtes-vous satisfait ?",
        "ask_resolution": "on", "resolution_question": "Est-ce réglé ?", "ask_comment": "",
        "comment_question": "Un mot ?", "reopen_on_unresolved": ""})
    assert response.status_code == 302
    template = SurveyTemplate.objects.get(theme=theme)
    assert not template.ask_comment and not template.reopen_on_unresolved
    assert template.updated_by == superviseur
    bad = client.post(f"/enquete/questionnaires/{theme.pk}/", {"rating_question": ""})
    assert bad.status_code == 400
    assert client.get("/enquete/questionnaires/999999/").status_code == 404
