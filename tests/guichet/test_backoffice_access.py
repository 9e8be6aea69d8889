"""Who may enter which back-office page: agents, supervisors and admins; élus get 403;
anonymous visitors are sent to the login page. Supervisors alone edit the knowledge base."""

import pytest
from django.urls import reverse

from guichet import services
from guichet.models import Channel, KnowledgeArticle
from maison.models import Theme

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def ticket():
    return services.receive(channel=Channel.EMAIL, body="Bonjour", subject="Question",
                            email="jean@example.fr").ticket


@pytest.fixture
def article():
    return KnowledgeArticle.objects.create(theme=Theme.objects.get(code="tri"),
                                           title="Le verre", body="<p>Bocaux</p>")


def get_pages(ticket, article):
    return [
        reverse("guichet:queue"), reverse("guichet:queue") + "?scope=all",
        reverse("guichet:search") + "?q=bac", reverse("guichet:new_ticket"),
        reverse("guichet:ticket", args=[ticket.pk]),
        reverse("guichet:knowledge"), reverse("guichet:knowledge_detail", args=[article.pk]),
    ]


def post_pages(ticket):
    message = ticket.messages.get()
    return [
        reverse("guichet:ticket_reply", args=[ticket.pk]),
        reverse("guichet:ticket_note", args=[ticket.pk]),
        reverse("guichet:ticket_status", args=[ticket.pk]),
        reverse("guichet:ticket_assign", args=[ticket.pk]),
        reverse("guichet:ticket_qualify", args=[ticket.pk]),
        reverse("guichet:message_visibility", args=[ticket.pk, message.pk]),
        reverse("guichet:new_ticket"),
    ]


@pytest.mark.parametrize("role", ["agent", "superviseur", "admin_user"])
def test_staff_roles_see_every_page(client, request, ticket, article, role):
    client.force_login(request.getfixturevalue(role))
    for page in get_pages(ticket, article):
        assert client.get(page).status_code == 200, page


def test_elu_gets_403_on_every_back_office_page(client, elu, ticket, article):
    client.force_login(elu)
    for page in get_pages(ticket, article):
        assert client.get(page).status_code == 403, page
    for page in post_pages(ticket):
        assert client.post(page, {"note-body": "x", "note-version": 1}).status_code == 403, page
    assert not ticket.messages.filter(direction="note").exists()


def test_anonymous_visitors_are_sent_to_login(client, ticket, article):
    for page in get_pages(ticket, article):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    for page in post_pages(ticket):
        assert client.post(page, {}).status_code == 302


def test_home_sends_agents_to_their_queue(client, agent):
    client.force_login(agent)
    assert client.get("/")["Location"] == reverse("guichet:queue")


def test_an_agent_cannot_edit_the_knowledge_base(client, agent, article):
    client.force_login(agent)
    assert client.get(reverse("guichet:knowledge_new")).status_code == 403
    assert client.get(reverse("guichet:knowledge_edit", args=[article.pk])).status_code == 403
    response = client.post(reverse("guichet:knowledge_edit", args=[article.pk]), {
        "theme": article.theme_id, "title": "Piraté", "body": "x", "published": "on"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Le verre"
    assert "Modifier l’article" not in client.get(
        reverse("guichet:knowledge_detail", args=[article.pk])).content.decode()


def test_agents_do_not_see_drafts(client, agent, superviseur, article):
    article.published = False
    article.save()
    client.force_login(agent)
    assert client.get(reverse("guichet:knowledge_detail", args=[article.pk])).status_code == 404
    assert "Le verre" not in client.get(reverse("guichet:knowledge")).content.decode()
    client.force_login(superviseur)
    assert client.get(reverse("guichet:knowledge_detail", args=[article.pk])).status_code == 200


def test_the_service_itself_refuses_an_agent(agent, article):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_knowledge_article(actor=agent, article=article, theme=article.theme,
                                        title="x", body="y")
