"""The answer page: one click from the email, the form, single use, forged and expired links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import Consent, TimelineEntry
from guichet.models import Message, Status, Ticket
from surveys import dispatch, planning, services, tokens
from surveys.models import Answer, FollowUp, Survey

pytestmark = pytest.mark.usefixtures("reference_data")


def url(token, suffix=""):
    return f"/enquete/{token}/{suffix}"


def test_one_click_from_the_email_records_the_score_then_offers_the_rest(client, sent_survey):
    survey, token = sent_survey()
    response = client.get(url(token, "note/4/"))
    assert response.status_code == 302 and response["Location"] == url(token) + "?enregistree=1"
    answer = Answer.objects.get(survey=survey)
    assert answer.rating == 4 and answer.completed_at is None
    survey.refresh_from_db()
    assert survey.status == Survey.Status.ANSWERED and survey.answered_at
    page = client.get(response["Location"])
    content = page.content.decode()
    assert page.status_code == 200 and "est enregistrée" in content
    assert 'value="4" required checked' in content
    assert "résolue dès le premier contact" in content
    assert page["Cache-Control"].startswith("max-age=0")
    assert page["Referrer-Policy"] == "same-origin"


def test_the_answer_goes_to_the_usager_360_timeline_once(client, sent_survey):
    survey, token = sent_survey()
    client.get(url(token, "note/5/"))
    client.get(url(token, "note/4/"))
    client.post(url(token), {"rating": "4", "resolution": "first_contact", "comment": "Merci"})
    [entry] = TimelineEntry.objects.filter(usager=survey.usager, kind=TimelineEntry.Kind.SURVEY)
    assert survey.ticket_reference in entry.summary and entry.ticket_reference
    assert entry.source_type == "surveys.answer"


def test_the_form_completes_the_answer_and_thanks(client, sent_survey):
    survey, token = sent_survey()
    response = client.post(url(token), {"rating": "5", "resolution": "first_contact",
                                        "comment": "Très bon accueil au téléphone."})
    assert response.status_code == 302 and response["Location"] == url(token, "merci/")
    answer = Answer.objects.get(survey=survey)
    assert (answer.rating, answer.resolution) == (5, "first_contact")
    assert answer.comment == "Très bon accueil au téléphone." and answer.completed_at
    thanks = client.get(response["Location"])
    assert "Merci pour votre avis" in thanks.content.decode()


def test_a_second_submission_does_not_count_twice(client, sent_survey):
    survey, token = sent_survey()
    client.post(url(token), {"rating": "2", "resolution": "later", "comment": "Trop long"})
    second = client.post(url(token), {"rating": "5", "resolution": "first_contact"})
    third = client.get(url(token, "note/5/"))
    assert second.status_code == 302 and third["Location"] == url(token, "merci/")
    [answer] = Answer.objects.filter(survey=survey)
    assert (answer.rating, answer.comment) == (2, "Trop long")
    assert client.get(url(token))["Location"] == url(token, "merci/")


def test_a_missing_rating_gets_a_french_message_not_an_error(client, sent_survey):
    survey, token = sent_survey()
    response = client.post(url(token), {"resolution": "later", "comment": "x" * 10})
    assert response.status_code == 400
    assert "Choisissez une note de 1 à 5." in response.content.decode()
    assert not Answer.objects.filter(survey=survey).exists()
    assert client.post(url(token), {"rating": "9"}).status_code == 400
    assert client.post(url(token), {"rating": "4", "comment": "x" * 2001}).status_code == 400
    assert client.get(url(token, "note/7/")).status_code == 404


@pytest.mark.parametrize("token", ["pas-un-jeton", "A" * 22, "a" * 300, "%00"])
def test_a_forged_link_gets_a_clear_404_page(client, sent_survey, token):
    sent_survey()
    response = client.get(url(token))
    assert response.status_code == 404
    assert "Ce lien d’enquête n’est pas valide" in response.content.decode()
    assert client.post(url(token), {"rating": "5"}).status_code == 404
    assert client.get(url(token, "note/5/")).status_code == 404


def test_a_link_to_a_survey_never_sent_is_unknown(client, make_ticket):
    ticket = make_ticket(resolved_at=timezone.now() - timedelta(hours=1))
    planning.plan_surveys()
    survey = Survey.objects.get(ticket=ticket)  # due, not sent yet
    token = tokens.make_token(survey.ticket_id, survey.token_nonce)
    assert client.get(url(token)).status_code == 404


def test_an_expired_link_gets_a_clear_410_page(client, sent_survey, settings):
    survey, token = sent_survey()
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(url(token, "note/5/"))
    assert response.status_code == 410
    assert "Cette enquête est terminée" in response.content.decode()
    assert not Answer.objects.filter(survey=survey).exists()
    dispatch.expire_surveys()
    assert client.post(url(token), {"rating": "5"}).status_code == 410


def test_a_poor_rating_opens_a_follow_up_and_a_correction_closes_it(client, sent_survey):
    survey, token = sent_survey()
    client.get(url(token, "note/1/"))
    follow_up = FollowUp.objects.get(survey=survey)
    assert follow_up.state == FollowUp.State.OPEN
    client.post(url(token), {"rating": "4", "resolution": "first_contact"})
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUp.State.DONE and "corrigée" in follow_up.outcome
    other, other_token = sent_survey()
    client.post(url(other_token), {"rating": "2", "comment": "Personne ne rappelle"})
    assert FollowUp.objects.get(survey=other).state == FollowUp.State.OPEN


def test_not_resolved_reopens_the_ticket_with_a_note(client, sent_survey):
    survey, token = sent_survey()
    response = client.post(url(token), {"rating": "2", "resolution": "unresolved",
                                        "comment": "Le bac n’est toujours pas livré."})
    ticket = Ticket.objects.get(pk=survey.ticket_id)
    assert ticket.status == Status.EN_COURS
    note = Message.objects.get(ticket=ticket, direction=Message.Direction.NOTE)
    assert "pas résolue" in note.body and "toujours pas livré" in note.body and not note.public
    assert ticket.events.filter(field="status", new_value="en_cours").exists()
    assert Answer.objects.get(survey=survey).reopened_ticket
    assert "a été rouverte" in client.get(response["Location"]).content.decode()


def test_reopening_is_configurable_per_theme(client, sent_survey, superviseur):
    from maison.models import Theme

    theme = Theme.objects.get(code="collecte")
    services.save_template(theme=theme, user=superviseur, reopen_on_unresolved=False)
    survey, token = sent_survey(theme=theme)
    client.post(url(token), {"rating": "3", "resolution": "unresolved"})
    assert Ticket.objects.get(pk=survey.ticket_id).status == Status.RESOLU
    assert not Answer.objects.get(survey=survey).reopened_ticket


def test_questions_follow_the_theme_questionnaire(client, sent_survey, superviseur):
    from maison.models import Theme

    theme = Theme.objects.get(code="tri")
    services.save_template(theme=theme, user=superviseur, ask_resolution=False,
                           rating_question="Nos consignes de tri étaient-elles claires ?")
    survey, token = sent_survey(theme=theme)
    content = client.get(url(token)).content.decode()
    assert "Nos consignes de tri étaient-elles claires ?" in content
    assert 'name="resolution"' not in content and 'name="comment"' in content


def test_the_stop_link_records_a_refusal_on_every_channel(client, sent_survey, make_ticket):
    survey, token = sent_survey()
    page = client.get(url(token, "stop/"))
    assert page.status_code == 200 and "Je ne veux plus recevoir" in page.content.decode()
    # What a mail provider's one-click unsubscribe (RFC 8058) sends: a bare POST, no CSRF.
    response = client.post(url(token, "stop/"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "C’est noté" in response.content.decode()
    refusals = Consent.objects.filter(usager=survey.usager, purpose="enquetes", given=False)
    assert sorted(refusals.values_list("channel", flat=True)) == ["email", "sms"]
    later = make_ticket(usager=survey.usager, email=None,
                        resolved_at=timezone.now() + timedelta(days=40))
    planning.plan_surveys(now=timezone.now() + timedelta(days=40, minutes=5))
    assert Survey.objects.get(ticket=later).skip_reason == Survey.SkipReason.REFUSED


def test_sophie_records_one_rating_per_conversation(make_ticket):
    from maison.models import Theme
    from surveys.models import ChatRating

    usager = make_ticket().usager
    theme = Theme.objects.get(code="decheteries")
    services.record_chat_rating(conversation_ref="conv-42", rating=3, usager=usager, theme=theme)
    services.record_chat_rating(conversation_ref="conv-42", rating=5, usager=usager, theme=theme)
    [rating] = ChatRating.objects.all()
    assert rating.rating == 5 and rating.theme == theme
    entries = TimelineEntry.objects.filter(usager=usager, source_type="surveys.chat_rating")
    assert entries.count() == 1
    services.record_chat_rating(conversation_ref="anonyme-1", rating=4)
    with pytest.raises(services.ValidationError):
        services.record_chat_rating(conversation_ref="conv-43", rating=0)
