"""The ticket page end to end through the Django test client: every action, optimistic locking,
bad input (clear French message, 4xx, nothing half-written), safe rendering."""

import pytest
from django.conf import settings
from django.urls import reverse

from guichet import services
from guichet.models import (
    Channel,
    KnowledgeArticle,
    Message,
    Queue,
    Status,
    Ticket,
    TicketEvent,
)
from maison.models import Commune, Theme

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def ticket():
    return services.receive(channel=Channel.EMAIL, subject="Bac non vidé",
                            body="Bonjour, mon bac n’a pas été vidé lundi.",
                            email="marie@example.fr", first_name="Marie",
                            last_name="Durand").ticket


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def url(name, ticket, *args):
    return reverse(f"guichet:{name}", args=[ticket.pk, *args])


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def page_text(response):
    return response.content.decode()


# --- Display -----------------------------------------------------------------------------------

def test_ticket_page_shows_header_deadlines_and_timeline(agent_client, ticket):
    response = agent_client.get(url("ticket", ticket))
    assert response.status_code == 200
    html = page_text(response)
    assert ticket.reference in html and "Bac non vidé" in html
    assert "mds-badge--nouveau" in html
    assert "Marie Durand" in html and "marie@example.fr" in html
    assert "Première réponse" in html and "Résolution" in html and "reste" in html
    assert "mon bac n’a pas été vidé lundi" in html
    assert f'value="{ticket.version}"' in html
    assert 'name="reply-channel"' in html and 'value="email" selected' in html


def test_usager_link_goes_to_the_360_page(agent_client, ticket):
    link = reverse("crm:usager", args=[ticket.usager_id])
    assert f'href="{link}"' in page_text(agent_client.get(url("ticket", ticket)))


def test_overdue_deadline_is_highlighted_in_business_time(agent_client, ticket):
    from datetime import timedelta

    from django.utils import timezone

    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(days=7),
                                               first_response_due_at=timezone.now()
                                               - timedelta(days=8))
    html = page_text(agent_client.get(url("ticket", ticket)))
    assert "dépassée de" in html and "jours ouvrés" in html
    assert "mds-badge--overdue" in html


def test_email_html_is_rendered_sanitised_and_text_is_escaped(agent_client):
    reception = services.receive(
        channel=Channel.EMAIL, subject="<script>alert(1)</script>Objet",
        body="Texte <img src=x onerror=alert(2)>",
        body_html='<p>Bonjour <strong>madame</strong></p><script>alert(3)</script>'
                  '<a href="javascript:alert(4)">lien</a>',
        email="html@example.fr")
    html = page_text(agent_client.get(url("ticket", reception.ticket)))
    assert "<strong>madame</strong>" in html
    assert "<script>alert" not in html and "javascript:alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Objet" in html


def test_plain_text_body_is_escaped(agent_client):
    reception = services.receive(channel=Channel.SMS, body="<b>gras</b> & co",
                                 phone="06 11 22 33 44")
    html = page_text(agent_client.get(url("ticket", reception.ticket)))
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; co" in html


def test_unknown_ticket_is_404(agent_client):
    assert agent_client.get(reverse("guichet:ticket", args=[999999])).status_code == 404


# --- Reply -------------------------------------------------------------------------------------

def test_reply_leaves_through_the_outbound_path(agent_client, agent, ticket, on_commit,
                                                mailoutbox):
    with on_commit(execute=True):
        response = agent_client.post(url("ticket_reply", ticket), {
            "reply-version": ticket.version, "reply-channel": "email",
            "reply-body": "Le camion repasse demain matin.", "reply-status": Status.EN_ATTENTE})
    assert response.status_code == 302 and response["Location"].endswith("#historique")
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.to == ["marie@example.fr"] and ticket.reference in sent.subject
    assert "Le camion repasse demain matin." in sent.body
    ticket = fresh(ticket)
    assert ticket.status == Status.EN_ATTENTE and ticket.first_response_at
    out = ticket.messages.get(direction=Message.Direction.OUT)
    assert out.author_user == agent and out.delivery_status == Message.Delivery.SENT
    html = page_text(agent_client.get(url("ticket", ticket)))
    assert "Réponse enregistrée" in html and "Envoyé" in html


def test_reply_by_sms_when_the_usager_has_a_mobile(agent_client, on_commit, settings):
    settings.SMS_BACKEND = "maison.sms.ConsoleBackend"
    ticket = services.receive(channel=Channel.SMS, body="Mon bac est cassé",
                              phone="06 12 34 56 78").ticket
    html = page_text(agent_client.get(url("ticket", ticket)))
    assert 'value="sms" selected' in html
    with on_commit(execute=True):
        response = agent_client.post(url("ticket_reply", ticket), {
            "reply-version": ticket.version, "reply-channel": "sms", "reply-body": "Noté !"})
    assert response.status_code == 302
    message = ticket.messages.get(direction=Message.Direction.OUT)
    assert message.channel == Channel.SMS and message.to_address == "+33612345678"


def test_empty_and_oversized_replies_are_refused_and_the_text_kept(agent_client, ticket):
    response = agent_client.post(url("ticket_reply", ticket), {
        "reply-version": ticket.version, "reply-channel": "email", "reply-body": "  "})
    assert response.status_code == 400 and "La réponse est vide." in page_text(response)
    too_long = "a" * (settings.MDS_MAX_MESSAGE_CHARS + 1)
    response = agent_client.post(url("ticket_reply", ticket), {
        "reply-version": ticket.version, "reply-channel": "email", "reply-body": too_long})
    assert response.status_code == 400
    assert "Le texte est trop long" in page_text(response)
    assert too_long in page_text(response)
    assert not ticket.messages.filter(direction=Message.Direction.OUT).exists()
    assert fresh(ticket).version == ticket.version


def test_reply_on_a_channel_the_usager_lacks_is_refused(agent_client, ticket):
    response = agent_client.post(url("ticket_reply", ticket), {
        "reply-version": ticket.version, "reply-channel": "sms", "reply-body": "Bonjour"})
    assert response.status_code == 400
    assert "Ce canal n’est pas disponible pour cet usager." in page_text(response)
    assert not ticket.messages.filter(direction=Message.Direction.OUT).exists()


def test_reply_with_an_invalid_status_change_writes_nothing(agent_client, agent, ticket):
    services.change_status(ticket=ticket, status=Status.RESOLU, actor=agent)
    ticket = fresh(ticket)
    response = agent_client.post(url("ticket_reply", ticket), {
        "reply-version": ticket.version, "reply-channel": "email",
        "reply-body": "Je la remets en attente", "reply-status": Status.EN_ATTENTE})
    assert response.status_code == 400
    assert "Impossible de passer une demande" in page_text(response)
    assert "Je la remets en attente" in page_text(response)
    assert not ticket.messages.filter(direction=Message.Direction.OUT).exists()
    assert fresh(ticket).status == Status.RESOLU


def test_a_ticket_without_contact_cannot_be_answered_in_writing(agent_client):
    ticket = services.open_ticket(channel=Channel.ACCUEIL, subject="Question au guichet")
    html = page_text(agent_client.get(url("ticket", ticket)))
    assert "Impossible de répondre par écrit" in html


# --- Concurrency -------------------------------------------------------------------------------

def test_two_agents_replying_at_once_lose_nothing(agent_client, superviseur, ticket, client):
    seen = ticket.version
    services.update_ticket(ticket=fresh(ticket), actor=superviseur, expected_version=seen,
                           priority=4)
    response = agent_client.post(url("ticket_reply", ticket), {
        "reply-version": seen, "reply-channel": "email",
        "reply-body": "Ma réponse soigneusement rédigée"})
    assert response.status_code == 409
    html = page_text(response)
    assert str(services.ConcurrentUpdate.message) in html
    assert "Ma réponse soigneusement rédigée" in html
    assert f'name="reply-version" value="{seen + 1}"' in html  # ready to send after review
    assert not ticket.messages.filter(direction=Message.Direction.OUT).exists()
    assert fresh(ticket).priority == 4


@pytest.mark.parametrize("name, data", [
    ("ticket_status", {"status-status": Status.EN_COURS}),
    ("ticket_assign", {"take": "1"}),
    ("ticket_qualify", {"qualify-nature": "reclamation", "qualify-priority": "3"}),
])
def test_every_versioned_form_detects_a_concurrent_edit(agent_client, superviseur, ticket,
                                                        name, data):
    prefix = name.split("_")[1]
    seen = ticket.version
    services.update_ticket(ticket=fresh(ticket), actor=superviseur, expected_version=seen,
                           commune=Commune.objects.get(name="Deauville"))
    before = fresh(ticket)
    response = agent_client.post(url(name, ticket), {f"{prefix}-version": seen, **data})
    assert response.status_code == 409
    assert "modifiée par quelqu’un d’autre" in page_text(response)
    after = fresh(ticket)
    assert (after.version, after.status, after.assignee_id, after.nature) == (
        before.version, before.status, before.assignee_id, before.nature)
    assert after.commune.name == "Deauville"


# --- Note, status, assignment, qualification, visibility ------------------------------------

def test_internal_note(agent_client, agent, ticket):
    response = agent_client.post(url("ticket_note", ticket), {
        "note-version": ticket.version, "note-body": "Appeler le chauffeur"})
    assert response.status_code == 302
    note = ticket.messages.get(direction=Message.Direction.NOTE)
    assert note.body == "Appeler le chauffeur" and not note.public and note.author_user == agent
    response = agent_client.post(url("ticket_note", ticket), {
        "note-version": ticket.version, "note-body": ""})
    assert response.status_code == 400 and "La note est vide." in page_text(response)


def test_status_change_with_close_reason(agent_client, agent, ticket):
    response = agent_client.post(url("ticket_status", ticket), {
        "status-version": ticket.version, "status-status": Status.CLOS})
    assert response.status_code == 400
    assert "Indiquez le motif de clôture." in page_text(response)
    assert fresh(ticket).status == Status.NOUVEAU
    response = agent_client.post(url("ticket_status", ticket), {
        "status-version": ticket.version, "status-status": Status.CLOS,
        "status-close_reason": "doublon"})
    assert response.status_code == 302
    closed = fresh(ticket)
    assert closed.status == Status.CLOS and closed.close_reason == "doublon"
    event = closed.events.get(kind=TicketEvent.Kind.STATUS)
    assert event.actor == agent and event.new_value == Status.CLOS


def test_invalid_transition_is_a_clear_400(agent_client, agent, ticket):
    services.change_status(ticket=ticket, status=Status.EN_COURS, actor=agent)
    ticket = fresh(ticket)
    response = agent_client.post(url("ticket_status", ticket), {
        "status-version": ticket.version, "status-status": Status.NOUVEAU})
    assert response.status_code == 400
    assert "Impossible de passer une demande « En cours » au statut « Nouveau »" in \
        page_text(response).replace("&#x27;", "'").replace("&laquo;", "«")
    assert fresh(ticket).status == Status.EN_COURS


def test_unknown_status_is_refused(agent_client, ticket):
    response = agent_client.post(url("ticket_status", ticket), {
        "status-version": ticket.version, "status-status": "perdu"})
    assert response.status_code == 400 and "Statut inconnu." in page_text(response)


def test_take_assign_and_move_queue(agent_client, agent, superviseur, ticket):
    response = agent_client.post(url("ticket_assign", ticket), {
        "assign-version": ticket.version, "take": "1"})
    assert response.status_code == 302 and fresh(ticket).assignee == agent
    eau = Queue.objects.get(code="eau-assainissement")
    response = agent_client.post(url("ticket_assign", ticket), {
        "assign-version": fresh(ticket).version, "assign-assignee": superviseur.pk,
        "assign-queue": eau.pk})
    assert response.status_code == 302
    moved = fresh(ticket)
    assert moved.assignee == superviseur and moved.queue == eau
    assert set(moved.events.values_list("kind", flat=True)) >= {"assigned", "queue"}
    response = agent_client.post(url("ticket_assign", ticket), {
        "assign-version": moved.version, "assign-assignee": ""})
    assert response.status_code == 302 and fresh(ticket).assignee is None


def test_assigning_to_someone_who_is_not_an_agent_is_refused(agent_client, elu, ticket):
    response = agent_client.post(url("ticket_assign", ticket), {
        "assign-version": ticket.version, "assign-assignee": elu.pk})
    assert response.status_code == 400 and "Agent inconnu." in page_text(response)
    assert fresh(ticket).assignee is None


def test_requalify(agent_client, agent, ticket):
    eau = Theme.objects.get(code="eau")
    fuite = eau.subthemes.get(code="fuite")
    deauville = Commune.objects.get(name="Deauville")
    response = agent_client.post(url("ticket_qualify", ticket), {
        "qualify-version": ticket.version, "qualify-nature": "signalement",
        "qualify-theme": eau.pk, "qualify-subtheme": fuite.pk, "qualify-commune": deauville.pk,
        "qualify-priority": "4"})
    assert response.status_code == 302
    ticket = fresh(ticket)
    assert (ticket.nature, ticket.theme, ticket.subtheme, ticket.commune, ticket.priority) == (
        "signalement", eau, fuite, deauville, 4)
    fields = set(ticket.events.filter(kind="field").values_list("field", flat=True))
    assert fields == {"nature", "theme", "subtheme", "commune", "priority"}


@pytest.mark.parametrize("data, error", [
    ({"qualify-commune": "999999"}, "Commune inconnue"),
    ({"qualify-subtheme": "verre"}, "Sous-thème inconnu."),
    ({"qualify-nature": "plainte"}, "Nature inconnue."),
    ({"qualify-priority": "9"}, "Priorité inconnue."),
])
def test_requalify_bad_input(agent_client, ticket, data, error):
    response = agent_client.post(url("ticket_qualify", ticket), {
        "qualify-version": ticket.version, "qualify-nature": "information",
        "qualify-priority": "2", **data})
    assert response.status_code == 400 and error in page_text(response)
    assert fresh(ticket).version == ticket.version


def test_requalify_subtheme_of_another_theme(agent_client, ticket):
    eau = Theme.objects.get(code="eau")
    verre = Theme.objects.get(code="tri").subthemes.get(code="verre")
    response = agent_client.post(url("ticket_qualify", ticket), {
        "qualify-version": ticket.version, "qualify-nature": "information",
        "qualify-priority": "2", "qualify-theme": eau.pk, "qualify-subtheme": verre.pk})
    assert response.status_code == 400
    assert "Ce sous-thème n’appartient pas au thème" in page_text(response)
    assert fresh(ticket).theme == ticket.theme and fresh(ticket).version == ticket.version


def test_message_visibility_toggle_is_audited(agent_client, agent, ticket):
    message = ticket.messages.get()
    response = agent_client.post(url("message_visibility", ticket, message.pk), {"public": "0"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert not message.public
    event = ticket.events.get(field="public")
    assert event.actor == agent and event.new_value == "False"
    assert "Message masqué à l’usager" in page_text(agent_client.get(url("ticket", ticket)))
    agent_client.post(url("message_visibility", ticket, message.pk), {"public": "1"})
    message.refresh_from_db()
    assert message.public


def test_a_note_can_never_be_shown_to_the_usager(agent_client, agent, ticket):
    note = services.add_note(ticket=ticket, author=agent, body="Interne")
    response = agent_client.post(url("message_visibility", ticket, note.pk), {"public": "1"})
    assert response.status_code == 400
    assert "Une note interne ne peut pas être montrée à l’usager." in page_text(response)
    note.refresh_from_db()
    assert not note.public


def test_visibility_of_another_tickets_message_is_404(agent_client, ticket):
    other = services.receive(channel=Channel.EMAIL, body="Autre", email="o@example.fr").ticket
    message = other.messages.get()
    response = agent_client.post(url("message_visibility", ticket, message.pk), {"public": "0"})
    assert response.status_code == 404


# --- Knowledge suggestions and attachments --------------------------------------------------

def test_suggested_articles_and_insert_into_reply(agent_client, ticket):
    collecte = Theme.objects.get(code="collecte")
    services.update_ticket(ticket=ticket, theme=collecte)
    article = KnowledgeArticle.objects.create(
        theme=collecte, title="Collecte non effectuée",
        body="<p>Sortez le bac la veille au soir.</p><ul><li>Couvercle fermé</li></ul>")
    html = page_text(agent_client.get(url("ticket", ticket)))
    assert "Articles suggérés" in html and "Collecte non effectuée" in html
    assert 'data-bo-insert="Sortez le bac la veille au soir.' in html
    html = page_text(agent_client.get(url("ticket", ticket) + f"?article={article.pk}"))
    assert "Sortez le bac la veille au soir.\n- Couvercle fermé</textarea>" in html


def test_attachments_are_downloaded_through_a_permission_checked_view(client, agent, elu):
    reception = services.receive(
        channel=Channel.EMAIL, body="Photo du bac", email="photo@example.fr",
        attachments=[services.IncomingFile("bac.png", "image/png", b"\x89PNG fake")])
    attachment = reception.message.attachments.get()
    link = reverse("guichet:attachment", args=[attachment.pk])
    client.force_login(agent)
    assert link in page_text(client.get(url("ticket", reception.ticket)))
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG fake"
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"] == "image/png"
    client.force_login(elu)
    assert client.get(link).status_code == 403
    client.logout()
    assert client.get(link).status_code == 302
