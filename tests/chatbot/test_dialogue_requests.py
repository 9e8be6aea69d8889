"""Dialogue: transactional intents collect what agents need and open a ticket through guichet."""

import pytest

from crm.models import TimelineEntry
from guichet.models import Attachment, Channel, Ticket
from tests.chatbot.conftest import Chat, at

pytestmark = pytest.mark.django_db

TUESDAY = at(2025, 11, 25, 10, 0)


def test_missed_collection_becomes_a_reclamation_with_the_transcript(sophie):
    chat = Chat(now=TUESDAY)
    intro = chat.say("mon bac jaune n’a pas été ramassé ce matin")
    assert intro.intent == "collecte_oubli"
    assert "transmettre une réclamation" in intro.text
    assert intro.text.endswith("Dans quelle commune habitez-vous ?")
    assert chat.say("Deauville").text == "Quelle rue, à Deauville ?"
    contact = chat.say("12 rue Gambetta")
    assert "adresse e-mail ou votre numéro de téléphone" in contact.text
    summary = chat.say("jean.dupont@exemple.fr")
    assert "• Adresse : 12 Rue Gambetta, Deauville" in summary.text
    assert "• Bac : emballages (bac jaune)" in summary.text
    assert summary.quick_replies == ["Oui, transmettre", "Non, annuler"]
    done = chat.say("Oui, transmettre")
    ticket = Ticket.objects.get()
    assert done.ticket["reference"] == ticket.reference
    assert ticket.reference in done.text
    assert ticket.channel == Channel.CHATBOT
    assert ticket.nature == "reclamation"
    assert ticket.theme.code == "collecte" and ticket.subtheme.code == "oubli-collecte"
    assert ticket.commune.name == "Deauville" and ticket.street.name == "Rue Gambetta"
    assert ticket.address == "12 Rue Gambetta"
    body = ticket.messages.get().body
    assert "mon bac jaune n’a pas été ramassé ce matin" in body  # the transcript
    assert "Sophie : Quelle rue, à Deauville ?" in body
    assert ticket.usager is not None
    assert chat.conversation.tickets == [ticket.reference]
    assert chat.conversation.usager == ticket.usager
    assert TimelineEntry.objects.filter(usager=ticket.usager, kind=TimelineEntry.Kind.CHAT,
                                        source_id=str(chat.conversation.pk)).exists()


def test_signalement_with_a_photo_and_no_contact(sophie):
    chat = Chat(now=TUESDAY)
    chat.say("je voudrais signaler un dépôt sauvage de déchets")
    assert chat.state.awaiting == "commune"
    chat.say("Touques")
    assert chat.state.awaiting == "place"
    chat.say("derrière l’église, place Lemercier")
    details = chat.state.awaiting
    if details == "details":
        chat.say("deux matelas et des sacs")
    photo_question = chat.replies[-1]
    assert photo_question.expects == "photo"
    after_photo = chat.photo()
    assert after_photo.text.startswith("Merci, j’ai bien reçu votre photo.")
    assert "Vous pouvez aussi répondre « non »" in after_photo.text
    summary = chat.say("non")
    assert "• Photo : 1 jointe" in summary.text
    assert "sans coordonnées" in summary.text
    done = chat.say("oui")
    ticket = Ticket.objects.get()
    assert done.ticket["reference"] == ticket.reference
    assert ticket.nature == "signalement" and ticket.subtheme.code == "depots-sauvages"
    assert ticket.usager is None and ticket.commune.name == "Touques"
    assert "place Lemercier" in ticket.address or ticket.street.name == "Place Lemercier"
    attachment = Attachment.objects.get(message__ticket=ticket)
    assert attachment.content_type == "image/jpeg" and attachment.size > 100


def test_cancelling_sends_nothing(sophie):
    chat = Chat(now=TUESDAY)
    chat.say("mon bac a été volé cette nuit")
    chat.say("Villerville")
    reply = chat.say("annuler")
    assert "je n’ai rien transmis" in reply.text
    assert not Ticket.objects.exists()
    assert chat.state.intent is None


def test_refusing_the_summary_sends_nothing(sophie):
    chat = Chat(now=TUESDAY)
    chat.say("je voudrais un bac plus grand pour les ordures ménagères")
    chat.say("Villerville")
    chat.say("rue de la mer")
    chat.say("pour une famille de 5")
    chat.say("06 12 34 56 78")
    reply = chat.say("Non, annuler")
    assert "je n’ai rien transmis" in reply.text
    assert not Ticket.objects.exists()


def test_offer_after_an_answer_opens_a_ticket_only_when_accepted(sophie):
    chat = Chat(now=TUESDAY)
    answer = chat.say("comment avoir un composteur ?")
    assert answer.intent == "composteur"
    assert answer.quick_replies == ["Réserver un composteur", "Non merci"]
    declined = chat.say("Non merci")
    assert declined.text == "Puis-je vous aider pour autre chose ?"
    assert not Ticket.objects.exists()
    chat.say("comment avoir un composteur ?")
    chat.say("Réserver un composteur")
    chat.say("Saint-Arnoult")
    chat.say("chemin des vallées")
    chat.say("marie@example.org")
    chat.say("oui")
    ticket = Ticket.objects.get()
    assert ticket.nature == "transaction" and ticket.subject.startswith("Demande de composteur")


def test_contact_given_once_is_reused_for_the_next_request(sophie):
    chat = Chat(now=TUESDAY)
    for text in ("mon bac jaune n’a pas été ramassé", "Deauville", "rue gambetta",
                 "jean@example.org", "oui"):
        chat.say(text)
    chat.say("le conteneur à verre de la place est plein")
    assert chat.state.awaiting in ("place", "commune")
    for _ in range(3):
        if chat.state.awaiting == "confirm":
            break
        step = chat.state.awaiting
        chat.say({"commune": "Deauville", "place": "place Morny", "photo": "pas de photo",
                  "contact": "non"}.get(step, "non"))
    assert chat.state.awaiting == "confirm"
    assert "jean@example.org" in chat.replies[-1].text


def test_invalid_contact_is_asked_again(sophie):
    chat = Chat(now=TUESDAY)
    for text in ("mon bac jaune n’a pas été ramassé", "Deauville", "rue gambetta"):
        chat.say(text)
    again = chat.say("je sais pas")
    assert "Je n’ai pas reconnu" in again.text
    assert chat.state.awaiting == "contact"


def test_suivi_demande_gives_status_and_dates_only(sophie):
    chat = Chat(now=TUESDAY)
    for text in ("mon bac jaune n’a pas été ramassé", "Deauville", "rue gambetta",
                 "jean.secret@example.org", "oui"):
        chat.say(text)
    reference = Ticket.objects.get().reference
    stranger = Chat(now=TUESDAY)
    stranger.say("où en est ma demande ?")
    assert stranger.state.awaiting == "reference"
    reply = stranger.say(reference.lower().replace("-", " "))
    assert reference in reply.text
    assert "nouveau" in reply.text and "avant le" in reply.text
    for secret in ("jean", "Gambetta", "ramassé", "Deauville"):
        assert secret not in reply.text
    assert reply.ticket is None  # never the follow-up link (it holds the secret code)
    missing = Chat(now=TUESDAY)
    missing.say("où en est ma demande MDS-2025-999999 ?")
    assert "Je ne trouve pas de demande MDS-2025-999999" in missing.replies[-1].text


def test_suivi_after_a_request_in_the_same_conversation(sophie):
    chat = Chat(now=TUESDAY)
    for text in ("mon bac jaune n’a pas été ramassé", "Deauville", "rue gambetta",
                 "jean@example.org", "oui"):
        chat.say(text)
    reply = chat.say("où en est ma demande ?")
    assert Ticket.objects.get().reference in reply.text
