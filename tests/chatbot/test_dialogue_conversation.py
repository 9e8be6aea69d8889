"""Dialogue: greeting, ambiguity, fallback, small talk, rating."""

import pytest

from chatbot import selectors
from chatbot.models import Conversation, Turn
from chatbot.nlu import Understanding
from chatbot.nlu.types import empty_entities
from tests.chatbot.conftest import Chat, at

pytestmark = pytest.mark.django_db

NOW = at(2025, 11, 25, 10, 0)


class StubEngine:
    """An engine that hesitates between two intents, whatever it is told."""

    def __init__(self, real):
        self.real = real

    def understand(self, text, today=None):
        if text.startswith("hésite"):
            return Understanding(text=text, intent="decheterie_horaires", confidence=0.48,
                                 alternatives=[("decheterie_horaires", 0.48),
                                               ("decheterie_adresse", 0.44)],
                                 ambiguous=True, entities=empty_entities())
        return self.real.understand(text, today=today)


def test_greeting_offers_the_main_topics(sophie):
    reply = Chat(now=NOW).say("Bonjour")
    assert reply.intent == "salutation"
    assert "Je suis Sophie" in reply.text and "assistante virtuelle" in reply.text
    assert "Jours de collecte" in reply.quick_replies


def test_two_close_intents_get_a_clarifying_question(sophie, monkeypatch, shipped_engine):
    monkeypatch.setattr(selectors, "load_engine", lambda: StubEngine(shipped_engine))
    chat = Chat(now=NOW)
    question = chat.say("hésite entre deux choses pour la déchèterie de Touques")
    assert question.text.startswith("Je veux être sûre de bien vous répondre")
    assert question.quick_replies == ["Horaires des déchèteries", "Adresse des déchèteries",
                                      "Autre chose"]
    answer = chat.say("Adresse des déchèteries")
    assert answer.intent == "decheterie_adresse"
    assert "Chemin du Roy" in answer.text  # the déchèterie named in the first message
    hesitation = Turn.objects.filter(conversation=chat.conversation, role="usager").first()
    assert hesitation.needs_review


def test_out_of_scope_gets_a_fallback_then_a_person(sophie):
    chat = Chat(now=NOW)
    first = chat.say("qui a gagné le match de foot hier soir ?")
    assert first.intent is None
    assert "je n’ai pas compris" in first.text and "https://" in first.text
    assert "Parler à un conseiller" in first.quick_replies
    second = chat.say("donne moi une recette de crêpes")
    assert "parler à un conseiller" in second.text
    assert chat.conversation.needs_review
    assert Turn.objects.filter(conversation=chat.conversation, needs_review=True).count() == 2


def test_who_are_you_says_she_is_a_program(sophie):
    reply = Chat(now=NOW).say("tu es un robot ?")
    assert reply.intent == "qui_es_tu"
    assert "assistante virtuelle" in reply.text and "pas une personne" in reply.text


def test_goodbye_asks_the_one_question_rating(sophie):
    chat = Chat(now=NOW)
    chat.say("où jeter un pot de yaourt ?")
    bye = chat.say("au revoir")
    assert "ma réponse vous a-t-elle été utile" in bye.text
    assert bye.quick_replies == ["1", "2", "3", "4", "5"]
    thanks = chat.say("4")
    assert thanks.text.startswith("Merci pour votre note")
    conversation = Conversation.objects.get(pk=chat.conversation.pk)
    assert conversation.rating == 4 and conversation.rated_at is not None
    again = chat.say("au revoir")
    assert "note" not in again.text  # asked once


def test_rating_goes_to_surveys_when_the_room_takes_it(sophie, monkeypatch):
    calls = []
    import chatbot.services as chat_services

    monkeypatch.setattr(chat_services, "_surveys_recorder",
                        lambda: lambda **kwargs: calls.append(kwargs))
    chat = Chat(now=NOW)
    chat.say("jours de collecte à Villerville")
    chat.say("au revoir")
    chat.say("5")
    assert calls and calls[0]["rating"] == 5
    assert calls[0]["conversation_ref"] == str(chat.conversation.pk)
    assert calls[0]["commune"].name == "Villerville"


def test_answers_for_the_collectivite(sophie):
    chat = Chat(now=at(2025, 11, 25, 10, 0))  # a Tuesday morning: the desk is open
    opening = chat.say("quels sont vos horaires d’ouverture ?")
    assert opening.intent == "cdc_horaires_accueil"
    assert "Nous sommes ouverts en ce moment, jusqu’à 17 h." in opening.text
    assert "du lundi au vendredi, de 9 h à 17 h" in opening.text
    closed = Chat(now=at(2025, 11, 29, 15, 0)).say("vous êtes ouverts quand ?")
    assert "Nous sommes fermés en ce moment ; nous rouvrons lundi 1er décembre à 9 h." \
        in closed.text
    communes = Chat(now=NOW).say("quelles sont les communes de la communauté de communes ?")
    assert "12 communes" in communes.text and "Villerville" in communes.text
    mairie = Chat(now=NOW).say("Comment faire une demande de passeport à Deauville ?")
    assert mairie.intent == "hors_competence"
    assert "relève de votre mairie" in mairie.text and "Mairie de Deauville" in mairie.text
