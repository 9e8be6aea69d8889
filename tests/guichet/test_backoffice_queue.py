"""The queue (tabs, counts, filters, sorting, pagination, no N+1), the search page and a new
ticket at the counter or on the phone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import ContactPoint, Usager
from guichet import services
from guichet.models import Channel, Message, Nature, Status, Ticket
from maison.models import Commune, Theme

pytestmark = pytest.mark.usefixtures("reference_data")
QUEUE = "/guichet/"


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def receive(n=0, **kwargs):
    defaults = {"channel": Channel.EMAIL, "body": f"Demande numéro {n}",
                "subject": f"Demande {n}", "email": f"usager{n}@example.fr",
                "last_name": f"Nom{n}"}
    return services.receive(**{**defaults, **kwargs}).ticket


def html_of(response):
    return response.content.decode()


def test_landing_page_is_my_queue_with_tabs_and_counts(agent_client, agent):
    mine = receive(1)
    services.assign(ticket=mine, assignee=agent)
    other = receive(2)
    response = agent_client.get(QUEUE)
    assert response.status_code == 200
    html = html_of(response)
    assert "<h1>Mes demandes</h1>" in html
    assert mine.reference in html and other.reference not in html
    assert 'aria-current="page">Mes demandes <span class="bo-count">1</span>' in html
    assert 'Toutes les demandes <span class="bo-count">2</span>' in html
    html = html_of(agent_client.get(QUEUE + "?scope=all"))
    assert mine.reference in html and other.reference in html


def test_default_shows_open_tickets_and_status_filter_shows_others(agent_client, agent):
    done = receive(1)
    services.change_status(ticket=done, status=Status.CLOS, actor=agent)
    open_ = receive(2)
    html = html_of(agent_client.get(QUEUE + "?scope=all"))
    assert open_.reference in html and done.reference not in html
    html = html_of(agent_client.get(QUEUE + "?scope=all&status=done"))
    assert done.reference in html and open_.reference not in html
    html = html_of(agent_client.get(QUEUE + "?scope=all&status=any"))
    assert done.reference in html and open_.reference in html


def test_filters_theme_commune_channel_nature_overdue(agent_client):
    eau = Theme.objects.get(code="eau")
    deauville = Commune.objects.get(name="Deauville")
    water = receive(1, theme=eau, nature=Nature.SIGNALEMENT)
    sms = receive(2, channel=Channel.SMS, email=None, phone="06 12 34 56 78",
                  commune=deauville)
    late = receive(3, received_at=timezone.now() - timedelta(days=20))
    cases = {
        f"theme={eau.pk}": water, f"commune={deauville.pk}": sms, "channel=sms": sms,
        "nature=signalement": water, "overdue=on": late,
    }
    for query, expected in cases.items():
        html = html_of(agent_client.get(f"{QUEUE}?scope=all&{query}"))
        shown = [t.reference for t in (water, sms, late) if t.reference in html]
        assert shown == [expected.reference], query
    html = html_of(agent_client.get(f"{QUEUE}?scope=all"))
    assert html.count("mds-badge--overdue") == 1


def test_sorting_by_priority_and_due_date(agent_client):
    low = receive(1)
    urgent = receive(2)
    Ticket.objects.filter(pk=urgent.pk).update(priority=4)
    Ticket.objects.filter(pk=low.pk).update(due_at=timezone.now() + timedelta(hours=1))
    html = html_of(agent_client.get(QUEUE + "?scope=all&sort=-priority"))
    assert html.index(urgent.reference) < html.index(low.reference)
    html = html_of(agent_client.get(QUEUE + "?scope=all&sort=due"))
    assert html.index(low.reference) < html.index(urgent.reference)


def test_a_bad_filter_is_a_400_with_a_french_message(agent_client):
    response = agent_client.get(QUEUE + "?scope=all&commune=999999")
    assert response.status_code == 400
    assert "Commune inconnue" in html_of(response)
    response = agent_client.get(QUEUE + "?scope=all&sort=n_importe_quoi")
    assert response.status_code == 400


def test_pagination_keeps_the_filters(agent_client):
    for n in range(27):
        receive(n)
    html = html_of(agent_client.get(QUEUE + "?scope=all&channel=email"))
    assert "Page 1 sur 2" in html
    assert "?scope=all&amp;channel=email&amp;page=2" in html
    html = html_of(agent_client.get(QUEUE + "?scope=all&channel=email&page=2"))
    assert "Page 2 sur 2" in html and html.count('class="bo-row-link"') == 2


def test_queue_page_makes_no_n_plus_one(agent_client, agent, django_assert_max_num_queries):
    deauville = Commune.objects.get(name="Deauville")
    collecte = Theme.objects.get(code="collecte")
    tickets = [receive(n, theme=collecte, commune=deauville) for n in range(50)]
    for ticket in tickets:
        services.assign(ticket=ticket, assignee=agent)
    with django_assert_max_num_queries(15):
        response = agent_client.get(QUEUE + "?sort=-priority")
    assert response.status_code == 200
    assert html_of(response).count('class="bo-row-link"') == 25


# --- Search page -------------------------------------------------------------------------------

def test_search_by_reference_opens_the_ticket(agent_client):
    ticket = receive(1)
    year = ticket.reference.split("-")[1]
    response = agent_client.get(reverse("guichet:search"), {"q": f"mds {year} {ticket.pk}"})
    assert response.status_code == 302
    assert response["Location"] == reverse("guichet:ticket", args=[ticket.pk])


@pytest.mark.parametrize("query", ["06 12 34 56 78", "Usager7@Example.fr", "nom7", "cassé"])
def test_search_page_by_phone_email_name_text(agent_client, query):
    target = receive(7, phone="0612345678", body="Mon bac est cassé")
    other = receive(8)
    html = html_of(agent_client.get(reverse("guichet:search"), {"q": query}))
    assert target.reference in html and other.reference not in html
    assert "1 demande trouvée" in html


def test_search_explains_what_it_understood(agent_client):
    html = html_of(agent_client.get(reverse("guichet:search"), {"q": "06 12 34 56 78"}))
    assert "Recherche par Numéro de téléphone : « +33612345678 »" in html
    assert "Aucune demande ne correspond" in html


# --- New ticket at the counter or on the phone -----------------------------------------------

def new_ticket_data(**overrides):
    data = {"channel": "telephone", "last_name": "Leroy", "first_name": "Anne",
            "email": "", "phone": "06 98 76 54 32", "category": "secondaire",
            "commune": Commune.objects.get(name="Deauville").pk, "address": "3 rue des Roses",
            "nature": "rendez_vous", "theme": Theme.objects.get(code="encombrants").pk,
            "subtheme": "", "subject": "", "body": "Enlever un canapé\nle plus tôt possible",
            "callback_requested": "on"}
    data.update(overrides)
    return data


def test_new_ticket_from_a_phone_call_creates_the_usager(agent_client, agent):
    response = agent_client.post(reverse("guichet:new_ticket"), new_ticket_data())
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("guichet:ticket", args=[ticket.pk])
    assert ticket.channel == Channel.TELEPHONE and ticket.nature == "rendez_vous"
    assert ticket.subject == "Enlever un canapé" and ticket.callback_requested
    assert ticket.commune.name == "Deauville"
    usager = ticket.usager
    assert (usager.first_name, usager.last_name, usager.category) == ("Anne", "Leroy",
                                                                      "secondaire")
    assert usager.contact_points.get().value == "+33698765432"
    message = ticket.messages.get()
    assert message.direction == Message.Direction.CALL and message.author_user == agent
    assert ticket.events.get(kind="created").actor == agent


def test_new_ticket_at_the_counter_for_a_known_usager(agent_client):
    known = receive(1, phone="06 98 76 54 32").usager
    html = html_of(agent_client.get(reverse("guichet:new_ticket"),
                                    {"usager_q": "06 98 76 54 32"}))
    assert known.display_name in html and f"?usager={known.pk}" in html
    assert "demande en cours" in html
    html = html_of(agent_client.get(reverse("guichet:new_ticket"), {"usager": known.pk}))
    assert "Cet usager a déjà des demandes en cours" in html
    response = agent_client.post(reverse("guichet:new_ticket"), new_ticket_data(
        channel="accueil", usager=known.pk, last_name="", first_name="", phone=""))
    assert response.status_code == 302
    ticket = Ticket.objects.latest("pk")
    assert ticket.usager == known and ticket.channel == Channel.ACCUEIL
    assert ticket.messages.get().direction == Message.Direction.IN
    assert Usager.objects.count() == 1


def test_counter_lookup_finds_nobody(agent_client):
    html = html_of(agent_client.get(reverse("guichet:new_ticket"), {"usager_q": "Inconnu"}))
    assert "Aucun usager trouvé" in html


@pytest.mark.parametrize("overrides, error", [
    ({"phone": "06 12"}, "Le numéro de téléphone « 06 12 » n’est pas valide."),
    ({"email": "pas-un-courriel"}, "n’est pas valide"),
    ({"commune": "999999"}, "Commune inconnue"),
    ({"body": ""}, "Décrivez la demande."),
    ({"body": "x" * 20001}, "Le texte est trop long"),
    ({"channel": "pigeon"}, "Choix inconnu"),
    ({"usager": "999999"}, "Usager introuvable"),
])
def test_new_ticket_bad_input_writes_nothing(agent_client, overrides, error):
    response = agent_client.post(reverse("guichet:new_ticket"), new_ticket_data(**overrides))
    assert response.status_code == 400
    assert error in html_of(response).replace("&#x27;", "'")
    assert not Ticket.objects.exists() and not Usager.objects.exists()
    assert not ContactPoint.objects.exists()
    if overrides.get("body", "ok") != "":
        assert "3 rue des Roses" in html_of(response)  # what the agent typed is kept


def test_new_ticket_subtheme_must_match_theme(agent_client):
    verre = Theme.objects.get(code="tri").subthemes.get(code="verre")
    response = agent_client.post(reverse("guichet:new_ticket"),
                                 new_ticket_data(subtheme=verre.pk))
    assert response.status_code == 400
    assert not Ticket.objects.exists()
