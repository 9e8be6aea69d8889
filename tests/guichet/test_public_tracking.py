"""The public follow-up page: secret link, public entries only, messages from the resident."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet import services
from guichet.models import Channel, Message, Status, Ticket
from tests.guichet.test_channel_support import JPEG, channels  # noqa: F401

pytestmark = pytest.mark.usefixtures("channels")


@pytest.fixture
def ticket(agent, on_commit, settings):
    settings.MDS_ACK_ENABLED = False
    ticket = services.receive(channel=Channel.EMAIL, body="Mon bac jaune est fendu.",
                              subject="Bac jaune fendu", email="marie.dupont@example.fr").ticket
    services.add_note(ticket=ticket, author=agent, body="NOTE-INTERNE prestataire en retard")
    with on_commit(execute=True):
        services.reply(ticket=ticket, author=agent, body="Un nouveau bac arrive jeudi.")
    hidden = services.reply(ticket=ticket, author=agent, body="RÉPONSE-MASQUÉE")
    Message.objects.filter(pk=hidden.pk).update(public=False)
    ticket.refresh_from_db()
    return ticket


def url(ticket, code=None):
    return f"/suivi/{ticket.reference}/{code or ticket.tracking_code}/"


def test_page_shows_status_deadline_and_public_entries_only(client, ticket):
    response = client.get(url(ticket))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Un agent s’occupe de votre demande." in html
    assert "Réponse promise au plus tard le" in html
    assert "Mon bac jaune est fendu." in html and "Un nouveau bac arrive jeudi." in html
    assert "NOTE-INTERNE" not in html and "RÉPONSE-MASQUÉE" not in html
    assert "Demande reçue (Courriel)" in html and "Statut : En cours" in html
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


def test_wrong_code_and_unknown_reference_get_the_same_404(client, ticket):
    wrong = client.get(url(ticket, code="x" * len(ticket.tracking_code)))
    unknown = client.get("/suivi/MDS-2026-999999/abcdefabcdef/")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content
    assert client.post(url(ticket, code="nope"), {"body": "intrusion"}).status_code == 404
    assert not Message.objects.filter(body="intrusion").exists()


def test_resident_adds_a_message_and_a_photo(client, ticket):
    response = client.post(url(ticket), {
        "body": "Voici une photo du bac.",
        "attachment": SimpleUploadedFile("bac.jpg", JPEG, "image/jpeg"), "site_web": ""})
    assert response.status_code == 302 and response["Location"] == url(ticket)
    message = ticket.messages.get(body="Voici une photo du bac.")
    assert message.channel == Channel.FORMULAIRE and message.author_usager == ticket.usager
    assert message.attachments.get().filename == "bac.jpg"
    page = client.get(url(ticket)).content.decode()
    assert "Votre message a bien été ajouté" in page and "bac.jpg" in page


def test_message_waiting_for_the_resident_puts_the_ticket_back_in_progress(client, ticket,
                                                                            agent):
    services.change_status(ticket=ticket, status=Status.EN_ATTENTE, actor=agent)
    client.post(url(ticket), {"body": "Le numéro est le 12."})
    ticket.refresh_from_db()
    assert ticket.status == Status.EN_COURS


def test_message_on_a_closed_request_opens_a_follow_up(client, ticket, agent):
    services.change_status(ticket=ticket, status=Status.CLOS, actor=agent)
    response = client.post(url(ticket), {"body": "Finalement le bac fuit encore."})
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert new.follows == ticket and response["Location"] == url(new)
    assert "nouvelle demande" in client.get(url(new)).content.decode()


@pytest.mark.parametrize("data", [
    {"body": ""},
    {"body": "x" * 6000},
    {"body": "ok", "attachment": SimpleUploadedFile("a.exe", b"MZ", "application/x-msdownload")},
    {"body": "robot", "site_web": "http://spam.example"},
])
def test_bad_messages_are_refused_with_a_reason(client, ticket, data):
    before = ticket.messages.count()
    response = client.post(url(ticket), data)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert ticket.messages.count() == before
