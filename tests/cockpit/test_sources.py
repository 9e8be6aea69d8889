"""Sophie's and the surveys' figures in the cockpit: equal to direct counts, anonymised."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chatbot import indicators as chatbot_indicators
from chatbot.models import Conversation, Intent, Turn
from cockpit import sources, survey_rollups
from cockpit.periods import choose
from crm.models import ContactPoint, Usager
from guichet import services
from guichet.indicators import Scope
from guichet.models import Channel
from maison.models import Commune, Theme
from surveys import indicators as survey_indicators
from surveys.models import Answer, Resolution, Survey

pytestmark = pytest.mark.usefixtures("reference_data")


def conversation(*, days_ago: float, handoff=False, tickets=(), rating=None, intent="",
                 questions=()):
    item = Conversation.objects.create(rating=rating, tickets=list(tickets), last_intent=intent,
                                       handoff_at=timezone.now() if handoff else None)
    moment = timezone.now() - timedelta(days=days_ago)
    Conversation.objects.filter(pk=item.pk).update(created_at=moment)
    for seq, text in enumerate(questions, start=1):
        turn = Turn.objects.create(conversation=item, seq=seq, role=Turn.Role.USAGER, text=text,
                                   needs_review=True)
        Turn.objects.filter(pk=turn.pk).update(created_at=moment)
    return item


def test_chatbot_figures_equal_direct_counts_and_hide_lonely_questions():
    collecte = Theme.objects.get(code="collecte")
    Intent.objects.create(code="jours_collecte", label="Jours de collecte", theme=collecte)
    conversation(days_ago=1, rating=5, intent="jours_collecte",
                 questions=["Mon bac est cassé, appelez-moi au 06 12 34 56 78 ?"])
    conversation(days_ago=2, handoff=True, rating=2,
                 questions=["mon bac est cassé, appelez-moi au 07 98 76 54 32"])
    conversation(days_ago=3, tickets=["MDS-2026-000001"], intent="jours_collecte",
                 questions=["Je suis Mme Gertrude Vasseur au 3 rue des Lilas"])
    conversation(days_ago=4, rating=4)
    conversation(days_ago=45, rating=5)  # outside the 30 days
    period = choose("30j").period
    figures = chatbot_indicators.conversation_figures(start=period.start, end=period.end)
    assert (figures.conversations, figures.handoffs, figures.with_ticket,
            figures.self_served) == (4, 1, 1, 2)
    assert (figures.rated, figures.satisfied) == (3, 2)
    assert figures.self_served_share == 0.5
    assert [(q.text, q.count) for q in figures.unanswered] == [
        ("Mon bac est cassé, appelez-moi au [nombre] ?", 2)]
    themed = chatbot_indicators.conversation_figures(start=period.start, end=period.end,
                                                     theme_id=collecte.pk)
    assert themed.conversations == 2 and themed.with_ticket == 1


def survey(ticket, *, days_ago: float, rating=None, resolution="", comment="", answered=True):
    usager = ticket.usager
    sent = timezone.now() - timedelta(days=days_ago)
    item = Survey.objects.create(
        ticket=ticket, ticket_reference=ticket.reference, usager=usager,
        contact_point=usager.contact_points.first() if usager else None,
        theme=ticket.theme, commune=ticket.commune, ticket_channel=ticket.channel,
        resolved_at=sent, due_at=sent, status=Survey.Status.ANSWERED if answered
        else Survey.Status.SENT, sent_at=sent, channel="email")
    if answered:
        Answer.objects.create(survey=item, rating=rating, resolution=resolution, comment=comment,
                              answered_at=sent + timedelta(hours=1))
    return item


@pytest.fixture
def surveyed():
    deauville = Commune.objects.get(slug="deauville")
    theme = Theme.objects.get(code="decheteries")
    tickets = [services.receive(channel=Channel.EMAIL, body=f"Question {i}",
                                email=f"habitant{i}@example.fr", first_name="Gertrude",
                                last_name="Vasseur", commune=deauville, theme=theme).ticket
               for i in range(6)]
    survey(tickets[0], days_ago=1, rating=5, resolution=Resolution.FIRST_CONTACT,
           comment="Merci ! Gertrude Vasseur, joignable au 06 12 34 56 78 ou "
                   "habitant0@example.fr")
    survey(tickets[1], days_ago=2, rating=4, resolution=Resolution.LATER,
           comment="Rapide et clair.")
    survey(tickets[2], days_ago=3, rating=2, resolution=Resolution.UNRESOLVED)
    survey(tickets[3], days_ago=4, answered=False)
    survey(tickets[4], days_ago=5, rating=1, resolution=Resolution.FIRST_CONTACT)
    survey(tickets[5], days_ago=60, rating=5, resolution=Resolution.FIRST_CONTACT)
    return deauville, theme


def test_survey_figures_equal_direct_counts_and_verbatims_are_anonymised(surveyed):
    deauville, theme = surveyed
    period = choose("30j").period
    figures = survey_indicators.satisfaction_figures(start=period.start, end=period.end)
    assert (figures.sent, figures.answered, figures.rated, figures.satisfied) == (5, 4, 4, 2)
    assert figures.csat == 0.5
    assert figures.first_contact_resolution == 0.5  # 2 of 4 resolution answers
    assert figures.answer_rate == 0.8
    texts = [verbatim.text for verbatim in figures.verbatims]
    assert texts == ["Merci ! [nom] [nom], joignable au [téléphone] ou [courriel]",
                     "Rapide et clair."]  # latest first
    other = survey_indicators.satisfaction_figures(start=period.start, end=period.end,
                                                   commune_id=deauville.pk + 1000)
    assert other.sent == 0 and other.csat is None


def test_survey_rollups_equal_direct_counts_for_periods_and_filters(surveyed):
    deauville, theme = surveyed
    survey_rollups.rebuild()
    scopes = [Scope(), Scope(commune_id=deauville.pk), Scope(theme_id=theme.pk),
              Scope(channel="email"), Scope(commune_id=deauville.pk, theme_id=theme.pk,
                                            channel="email"), Scope(channel="sms")]
    for preset in ("7j", "30j", "mois", "12m", "annee"):
        period = choose(preset).period
        for scope in scopes:
            expected = survey_indicators.satisfaction_figures(
                start=period.start, end=period.end, commune_id=scope.commune_id,
                theme_id=scope.theme_id, channel=scope.channel)
            measured = sources.survey_figures(period, scope, survey_indicators)
            for name in ("sent", "answered", "rated", "satisfied", "resolution_answers",
                         "first_contact"):
                assert getattr(measured, name) == getattr(expected, name), (preset, scope, name)
            assert measured.verbatims == expected.verbatims
    # A new answer shows after the next refresh (the beat task's job).
    Answer.objects.filter(survey__status=Survey.Status.SENT).delete()
    pending = Survey.objects.get(status=Survey.Status.SENT)
    Answer.objects.create(survey=pending, rating=5, answered_at=timezone.now())
    survey_rollups.refresh_recent()
    assert sources.survey_figures(choose("30j").period, Scope(),
                                  survey_indicators).answered == 5


def test_panels_on_the_page_for_an_elu_without_personal_data(client, elu, surveyed):
    conversation(days_ago=1, rating=5)
    client.force_login(elu)
    page = client.get(reverse("cockpit:home")).content.decode()
    assert "Sophie, le chatbot" in page and "Satisfaction des usagers" in page
    assert "Réglées par Sophie seule" in page
    assert "Satisfaction (CSAT, notes 4 ou 5)</dt><dd>50\u202f%" in page
    assert "Rapide et clair." in page
    for secret in ("Gertrude", "Vasseur", "06 12 34 56 78", "habitant0@example.fr"):
        assert secret not in page
    assert ContactPoint.objects.filter(value="habitant0@example.fr").exists()
    assert Usager.objects.filter(last_name="Vasseur").exists()


def test_a_room_without_indicators_shows_no_data_yet(client, elu, monkeypatch):
    monkeypatch.setattr(sources, "_module", lambda name: None)
    client.force_login(elu)
    page = client.get(reverse("cockpit:home")).content.decode()
    assert "Pas encore de données : les conversations de Sophie" in page
    assert "Pas encore de données : les résultats des enquêtes" in page
    csv_text = client.get(reverse("cockpit:export_indicators")).content.decode()
    assert "Pas encore de données" in csv_text
