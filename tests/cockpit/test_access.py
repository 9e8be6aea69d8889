"""Who may see the cockpit, and that élus never see personal data anywhere in it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from crm.models import ContactPoint
from guichet import services
from guichet.models import Channel, Nature, Ticket

pytestmark = pytest.mark.usefixtures("reference_data")

PAGES = ["cockpit:home", "cockpit:live", "cockpit:lookup", "cockpit:report",
         "cockpit:export_indicators", "cockpit:export_tickets"]


@pytest.fixture
def resident_ticket(on_commit):
    """A request from a resident whose name and contacts must never reach an élu."""
    with on_commit(execute=True):
        reception = services.receive(
            channel=Channel.EMAIL, subject="Bac non vidé rue des Mouettes",
            body="Bonjour, je suis Gertrude Vasseur-Lemoine, mon bac n’a pas été vidé.",
            email="gertrude.vasseur@example.fr", phone="06 12 34 56 78",
            first_name="Gertrude", last_name="Vasseur-Lemoine", nature=Nature.RECLAMATION,
            address="12 rue des Mouettes")
    return reception.ticket


PERSONAL = ("Gertrude", "Vasseur", "gertrude.vasseur@example.fr", "+33612345678",
            "06 12 34 56 78", "Mouettes", "Bonjour, je suis")


@pytest.mark.parametrize("name", PAGES + ["cockpit:stream"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_without_role_is_refused(client, db):
    client.force_login(User.objects.create_user("visiteur", password="x" * 12))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", ["elu", "agent", "superviseur", "admin_user"])
def test_each_role_sees_the_cockpit(client, request, role, resident_ticket):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("cockpit:home"))
    assert response.status_code == 200
    assert "Tableau de bord du guichet" in response.content.decode()


def test_elu_sees_no_personal_data_anywhere(client, elu, resident_ticket):
    client.force_login(elu)
    reference = resident_ticket.reference
    responses = {
        "home": client.get(reverse("cockpit:home")),
        "commune": client.get(reverse("cockpit:commune", args=["deauville"])),
        "live": client.get(reverse("cockpit:live")),
        "lookup": client.get(reverse("cockpit:lookup"), {"reference": reference}),
        "report": client.get(reverse("cockpit:report")),
        "indicators": client.get(reverse("cockpit:export_indicators")),
        "tickets": client.get(reverse("cockpit:export_tickets")),
    }
    for name, response in responses.items():
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8")
        for secret in PERSONAL:
            assert secret not in text, (name, secret)
    lookup = responses["lookup"].content.decode()
    assert reference in lookup and "Réclamation" in lookup
    assert reverse("guichet:ticket", args=[resident_ticket.pk]) not in lookup
    assert "/guichet/?" not in responses["home"].content.decode()  # no drill-down for élus


def test_superviseur_gets_drill_down_links_and_the_ticket_link(client, superviseur,
                                                               resident_ticket):
    client.force_login(superviseur)
    page = client.get(reverse("cockpit:home"), {"periode": "7j"}).content.decode()
    assert f'{reverse("guichet:queue")}?created_from=' in page
    assert "nature=reclamation" in page
    assert "status=open&amp;overdue=1" in page
    day = timezone.localdate().isoformat()
    assert f"created_from={day}&amp;created_to={day}" in page  # today's bar of the trend
    lookup = client.get(reverse("cockpit:lookup"), {"reference": resident_ticket.reference})
    assert reverse("guichet:ticket", args=[resident_ticket.pk]) in lookup.content.decode()


def test_agent_sees_figures_without_drill_down(client, agent, resident_ticket):
    client.force_login(agent)
    page = client.get(reverse("cockpit:home")).content.decode()
    assert f'{reverse("guichet:queue")}?created_from=' not in page


def test_the_contact_points_exist_so_the_absence_test_means_something(resident_ticket):
    values = set(ContactPoint.objects.values_list("value", flat=True))
    assert {"gertrude.vasseur@example.fr", "+33612345678"} <= values
    assert Ticket.objects.get(pk=resident_ticket.pk).usager.first_name == "Gertrude"
