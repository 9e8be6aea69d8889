"""Rules behind the funnel that every door shares: acknowledgement, robots, triage, callbacks."""

import pytest

from guichet import services, triage
from guichet.models import Channel, Message, Nature, Status, TicketEvent
from tests.guichet.test_channel_support import channels  # noqa: F401

pytestmark = pytest.mark.usefixtures("channels")


def outbound():
    return Message.objects.filter(direction=Message.Direction.OUT)


@pytest.mark.parametrize("text, expected", [
    ("Mon bac n'a pas été vidé ce matin", ("collecte", "oubli-collecte")),
    ("Il y a une FUITE d’eau devant le 12", ("eau", "fuite")),
    ("Question sur ma facture d'eau du dernier trimestre", ("eau", "facture-eau")),
    ("Dépôts sauvages derrière la salle des fêtes", ("encombrants", "depots-sauvages")),
    ("Où jeter les bocaux en verre ?", ("tri", "verre")),
    ("Horaires de la déchèterie de Touques", ("decheteries", "horaires")),
])
def test_triage_guesses_the_subtheme_from_the_words(text, expected):
    guess = triage.guess(text)
    assert (guess.theme.code, guess.subtheme.code) == expected


def test_triage_says_nothing_when_nothing_matches():
    assert triage.guess("Bonjour, pouvez-vous me rappeler ?") is None


def test_given_theme_is_never_overridden_by_the_guess():
    from maison.models import Theme

    theme = Theme.objects.get(code="tri")
    ticket = services.receive(channel=Channel.EMAIL, body="Fuite d'eau", theme=theme,
                              email="a@example.fr").ticket
    assert ticket.theme == theme and ticket.subtheme is None


def test_acknowledgement_only_for_new_tickets_on_written_channels(on_commit):
    with on_commit(execute=True):
        first = services.receive(channel=Channel.EMAIL, body="Question", subject="Q",
                                 email="a@example.fr")
        services.receive(channel=Channel.EMAIL, body="Précision",
                         subject=f"Re: {first.ticket.reference}", email="a@example.fr")
        services.receive(channel=Channel.ACCUEIL, body="Passage au guichet",
                         email="b@example.fr")
        services.receive(channel=Channel.CHATBOT, body="Via Sophie", email="c@example.fr")
    assert outbound().count() == 1
    ack = outbound().get()
    assert ack.ticket == first.ticket and first.acknowledgement == ack
    assert ack.ticket.first_response_at is None  # a robot's receipt is not a first response


def test_acknowledgement_can_be_forced_or_disabled(settings):
    services.receive(channel=Channel.CHATBOT, body="Via Sophie", email="c@example.fr",
                     acknowledge=True)
    services.receive(channel=Channel.EMAIL, body="Sans accusé", email="d@example.fr",
                     acknowledge=False)
    assert outbound().count() == 1
    settings.MDS_ACK_ENABLED = False
    services.receive(channel=Channel.EMAIL, body="Autre", email="e@example.fr")
    assert outbound().count() == 1


def test_acknowledgements_are_capped_per_usager_per_day(settings):
    settings.MDS_ACK_MAX_PER_DAY = 2
    for number in range(4):
        services.receive(channel=Channel.EMAIL, body=f"Demande {number}", subject=f"S{number}",
                         email="boucle@example.fr", force_new_ticket=True)
    assert outbound().count() == 2


def test_voicemail_from_a_mobile_gets_a_written_receipt_by_sms():
    services.receive(channel=Channel.TELEPHONE, body="Message vocal", phone="06 12 34 56 78",
                     callback_requested=True)
    ack = outbound().get()
    assert ack.channel == Channel.SMS and ack.to_address == "+33612345678"


def test_automated_message_without_a_thread_creates_nobody():
    reception = services.receive(channel=Channel.EMAIL, body="Absent", automated=True,
                                 email="absent@example.fr")
    assert reception.ignored and reception.ticket is None
    from crm.models import Usager

    assert not Usager.objects.exists()


def test_automated_reply_on_a_waiting_ticket_keeps_it_waiting(agent):
    ticket = services.receive(channel=Channel.EMAIL, body="Q", email="a@example.fr").ticket
    services.change_status(ticket=ticket, status=Status.EN_ATTENTE, actor=agent)
    reception = services.receive(channel=Channel.EMAIL, body="Je suis absente",
                                 subject=f"Réponse automatique {ticket.reference}",
                                 email="a@example.fr", automated=True)
    ticket.refresh_from_db()
    assert reception.ticket == ticket and ticket.status == Status.EN_ATTENTE
    assert outbound().filter(metadata__kind="acknowledgement").count() == 1  # the first one


def test_callback_request_on_a_threaded_ticket_is_flagged_and_audited():
    first = services.receive(channel=Channel.TELEPHONE, body="Appel", phone="0231000000")
    again = services.receive(channel=Channel.TELEPHONE, body="Message vocal",
                             phone="0231000000", callback_requested=True)
    assert again.ticket == first.ticket
    first.ticket.refresh_from_db()
    assert first.ticket.callback_requested
    assert first.ticket.events.filter(kind=TicketEvent.Kind.FIELD,
                                      field="callback_requested").exists()


def test_followers_are_told_once_when_the_report_is_resolved(agent, on_commit, mailoutbox):
    from guichet.channels import followers

    report = services.receive(channel=Channel.EMAIL, body="Fuite rue du Port",
                              email="a@example.fr", nature=Nature.SIGNALEMENT).ticket
    neighbour = services.receive(channel=Channel.EMAIL, body="x", email="n@example.fr").usager
    followers.follow(ticket=report, usager=neighbour, body="Je confirme")
    _again, created = followers.follow(ticket=report, usager=neighbour)
    assert not created
    with on_commit(execute=True):
        services.change_status(ticket=report, status=Status.RESOLU, actor=agent)
        services.change_status(ticket=report, status=Status.CLOS, actor=agent)
    notices = outbound().filter(metadata__kind="follower_notice")
    assert notices.count() == 1 and notices.get().to_address == "n@example.fr"
    assert not notices.get().public


def test_a_cracked_yellow_bin_is_a_bin_problem_not_a_sorting_question():
    assert triage.guess("Mon bac jaune est fendu.").subtheme.code == "bacs"
