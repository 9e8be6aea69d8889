"""The /api/v1/ contract: auth per role, filters, French 4xx for bad input, no lost update."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from guichet import services
from guichet.models import Channel, Message, Status, Ticket
from maison.models import Theme

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def api(agent):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}")
    return client


@pytest.fixture
def ticket():
    return services.receive(channel=Channel.EMAIL, subject="Bac cassé", body="Mon bac est cassé",
                            email="luc@example.fr", theme=Theme.objects.get(code="collecte")).ticket


def test_reference_data_is_public():
    client = APIClient()
    communes = client.get("/api/v1/communes/").json()
    assert len(communes) == 12 and communes[0]["name"] == "Bénerville-sur-Mer"
    themes = client.get("/api/v1/themes/").json()
    assert themes[0]["code"] == "collecte" and themes[0]["subthemes"]
    zone = client.get("/api/v1/zones/TRO-1/").json()
    assert "Rue des Bains" in zone["streets"]


@pytest.mark.parametrize("who", [None, "elu"])
def test_tickets_need_an_agent_role(who, request, ticket):
    client = APIClient()
    if who:
        client.force_authenticate(request.getfixturevalue(who))
    response = client.get("/api/v1/tickets/")
    assert response.status_code in (401, 403)
    expected = "agents du service" if who else "authentification"
    assert expected in response.json()["detail"]


def test_list_filters_and_paginates(api, ticket):
    services.receive(channel=Channel.SMS, body="Question eau", phone="0612345678",
                     theme=Theme.objects.get(code="eau"))
    everything = api.get("/api/v1/tickets/").json()
    assert everything["count"] == 2
    collecte = api.get("/api/v1/tickets/", {"theme": "collecte"}).json()
    assert [t["reference"] for t in collecte["results"]] == [ticket.reference]
    by_channel = api.get("/api/v1/tickets/", {"channel": ["sms"]}).json()
    assert by_channel["count"] == 1 and by_channel["results"][0]["channel"] == "sms"
    loose = api.get("/api/v1/tickets/", {"reference": f"mds 2026 {ticket.pk}"}).json()
    assert loose["count"] == 1
    assert api.get("/api/v1/tickets/", {"overdue": "true"}).json()["count"] == 0


@pytest.mark.parametrize("moment", ["1105-07-14T00:34:13-23:14", "9999-01-01T00:00:00Z",
                                    "2026-11-25T10:00:00+15:00", "pas une date"])
def test_impossible_dates_in_filters_are_a_french_400(api, ticket, moment):
    response = api.get("/api/v1/tickets/", {"created_after": moment})
    assert response.status_code == 400
    assert "created_after" in response.json()


def test_detail_by_reference_includes_timeline(api, ticket):
    detail = api.get(f"/api/v1/tickets/reference/{ticket.reference}/").json()
    assert detail["id"] == ticket.pk
    assert detail["messages"][0]["body"] == "Mon bac est cassé"
    assert detail["events"][0]["kind"] == "created"


def test_create_at_the_counter(api):
    response = api.post("/api/v1/tickets/", {
        "channel": "accueil", "body": "Demande de composteur", "nature": "transaction",
        "theme": "collecte", "subtheme": "sacs", "commune": "St Arnoult",
        "phone": "06 11 22 33 44", "last_name": "Lefèvre"}, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["commune"] == "saint-arnoult" and created["subtheme"] == "sacs"
    assert created["reference"].startswith("MDS-")


@pytest.mark.parametrize("payload, field, words", [
    ({"commune": "Paris"}, "commune", "Commune inconnue"),
    ({"phone": "06 12"}, "phone", "n’est pas valide"),
    ({"email": "pas-un-courriel"}, "email", "n’est pas valide"),
    ({"body": "   "}, "body", ""),
    ({"body": "x" * 20_001}, "body", ""),
    ({"channel": "pigeon"}, "channel", ""),
    ({"theme": "collecte", "subtheme": "fuite"}, "subtheme", "Sous-thème inconnu"),
])
def test_bad_input_is_a_french_400_and_writes_nothing(api, payload, field, words):
    body = {"channel": "accueil", "body": "Bonjour", **payload}
    response = api.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert words in str(errors[field])
    assert Ticket.objects.count() == 0


def test_status_change_checks_workflow_and_version(api, ticket):
    url = f"/api/v1/tickets/{ticket.pk}/status/"
    ok = api.post(url, {"status": "en_cours", "version": ticket.version}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "en_cours"
    stale = api.post(url, {"status": "resolu", "version": ticket.version}, format="json")
    assert stale.status_code == 409 and "modifiée par quelqu’un d’autre" in stale.json()["detail"]
    wrong = api.post(url, {"status": "nouveau", "version": ok.json()["version"]}, format="json")
    assert wrong.status_code == 400 and "Impossible de passer" in str(wrong.json())
    ticket.refresh_from_db()
    assert ticket.status == Status.EN_COURS


def test_requalify_only_touches_what_was_sent(api, ticket):
    response = api.patch(f"/api/v1/tickets/{ticket.pk}/",
                         {"version": ticket.version, "nature": "reclamation"}, format="json")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.nature == "reclamation" and ticket.theme.code == "collecte"


def test_assign_and_reply_and_note(api, ticket, agent, mailoutbox, on_commit):
    assigned = api.post(f"/api/v1/tickets/{ticket.pk}/assign/",
                        {"assignee": "agent", "version": ticket.version}, format="json")
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "agent"
    unknown = api.post(f"/api/v1/tickets/{ticket.pk}/assign/",
                       {"assignee": "personne", "version": assigned.json()["version"]},
                       format="json")
    assert unknown.status_code == 400 and "Agent inconnu" in str(unknown.json())
    with on_commit(execute=True):
        reply = api.post(f"/api/v1/tickets/{ticket.pk}/reply/",
                         {"body": "Un agent passera demain."}, format="json")
    assert reply.status_code == 201
    assert Message.objects.get(pk=reply.json()["id"]).delivery_status == "sent"
    assert len(mailoutbox) == 1
    note = api.post(f"/api/v1/tickets/{ticket.pk}/notes/", {"body": "RAS"}, format="json")
    assert note.status_code == 201 and note.json()["public"] is False


def test_usager_lookup_and_identify(api, ticket):
    found = api.get("/api/v1/usagers/", {"q": "luc@example.fr"}).json()
    assert found["count"] == 1
    created = api.post("/api/v1/usagers/", {"phone": "0033 6 99 88 77 66", "last_name": "Roy",
                                            "commune": "trouville"}, format="json")
    assert created.status_code == 201 and created.json()["commune"] == "trouville-sur-mer"
    again = api.post("/api/v1/usagers/", {"phone": "06 99 88 77 66"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert api.get("/api/v1/usagers/", {"q": "+33699887766"}).json()["count"] == 1
    empty = api.post("/api/v1/usagers/", {}, format="json")
    assert empty.status_code == 400


def test_reading_a_usager_through_the_api_is_audited(api, ticket, agent):
    from crm.models import AccessLog

    detail = api.get(f"/api/v1/usagers/{ticket.usager_id}/")
    assert detail.status_code == 200
    log = AccessLog.objects.get(usager_id=ticket.usager_id, action="view")
    assert log.user == agent and log.detail == {"via": "api"}


def test_schema_and_docs_are_served_without_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/tickets/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": True,
                                                                   "broker": True}
