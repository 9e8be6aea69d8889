"""The usager 360° page: identity, contact points, consents, key figures, one timeline."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm import registry, selectors
from crm import services as crm_services
from crm.models import AccessLog, ConsentChannel, ContactPoint, Purpose, TimelineEntry
from guichet import services as guichet_services
from guichet.models import Channel, Status

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def marie(make_usager, deauville, a_street):
    return make_usager(email="marie.dupont@example.fr", phone="06 12 34 56 78",
                       commune=deauville, address=f"12 {a_street.name}", street=a_street)


def page(client, usager, **params):
    return client.get(reverse("crm:usager", args=[usager.pk]), params)


def test_the_page_shows_identity_contacts_consents_and_figures(client, agent, marie, opt_in,
                                                               make_ticket):
    make_ticket(usager=marie)
    closed = make_ticket(usager=marie, subject="Composteur")
    guichet_services.change_status(ticket=closed, status=Status.EN_COURS, actor=agent)
    guichet_services.change_status(ticket=closed, status=Status.RESOLU, actor=agent)
    opt_in(marie, Purpose.CAMPAGNES, ConsentChannel.SMS)
    crm_services.mark_contact_point_invalid(kind=ContactPoint.Kind.EMAIL,
                                            value="marie.dupont@example.fr", reason="Rejeté")
    client.force_login(agent)

    response = page(client, marie)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Marie Dupont" in html and "Deauville" in html and marie.street.name in html
    assert str(marie.zone) in html  # the collection zone found from the street
    assert "+33612345678" in html and "invalide" in html and "Rejeté" in html
    assert "Campagnes d’information" in html and "Accordé" in html and "Preuve" in html
    figures = {figure.label: figure.value for figure in response.context["figures"]}
    assert figures["Demandes cette année"] == "2"
    assert figures["Demandes en cours"] == "1"
    assert figures["Contacts cette année"] == "4"  # two tickets and their first messages
    assert "Bac non vidé" in html and "Composteur" in html


def test_a_consent_shows_its_proof_on_demand(client, agent, marie):
    text = crm_services.current_consent_text(Purpose.INFORMATION)
    crm_services.record_consent(usager=marie, purpose=Purpose.INFORMATION,
                                channel=ConsentChannel.EMAIL, given=True, source="accueil",
                                text=text, recorded_by=agent)
    client.force_login(agent)

    html = page(client, marie).content.decode()

    assert "<details" in html and "accueil" in html and f"version {text.version}" in html
    assert text.text[:40] in html and "enregistré par Agent" in html


def test_timeline_is_newest_first_and_links_to_the_ticket(client, agent, marie, make_ticket):
    now = timezone.now()
    old = make_ticket(usager=marie, subject="Ancienne", received_at=now - timedelta(days=30))
    new = make_ticket(usager=marie, subject="Nouvelle", received_at=now - timedelta(days=1))
    client.force_login(agent)

    response = page(client, marie, kind=TimelineEntry.Kind.TICKET)

    entries = response.context["entries"]
    assert [entry.ticket_reference for entry in entries] == [new.reference, old.reference]
    assert entries[0].link == reverse("guichet:ticket", args=[new.pk])
    assert reverse("guichet:ticket", args=[old.pk]) in response.content.decode()


def test_timeline_filters_by_kind_and_channel(client, agent, marie, make_ticket):
    make_ticket(usager=marie, channel=Channel.EMAIL)
    make_ticket(usager=marie, channel=Channel.TELEPHONE, subject="Appel")
    crm_services.record_contact(usager=marie, kind=TimelineEntry.Kind.CHAT, channel="chatbot",
                                summary="Conversation avec Sophie : horaires de la déchèterie")
    client.force_login(agent)

    chats = page(client, marie, kind=TimelineEntry.Kind.CHAT).context["entries"]
    by_phone = page(client, marie, channel=Channel.TELEPHONE).context["entries"]
    both = page(client, marie, kind=[TimelineEntry.Kind.TICKET],
                channel=[Channel.TELEPHONE, Channel.EMAIL]).context["entries"]

    assert [entry.kind for entry in chats] == [TimelineEntry.Kind.CHAT]
    assert by_phone and {entry.channel for entry in by_phone} == {Channel.TELEPHONE}
    assert len(both) == 2 and {entry.kind for entry in both} == {TimelineEntry.Kind.TICKET}


def test_timeline_is_paginated(client, agent, marie):
    start = timezone.now() - timedelta(days=100)
    for day in range(30):
        crm_services.record_contact(usager=marie, kind=TimelineEntry.Kind.CALL,
                                    channel="telephone", summary=f"Appel {day}",
                                    occurred_at=start + timedelta(days=day))
    client.force_login(agent)

    first = page(client, marie)
    second = page(client, marie, page=2)

    assert len(first.context["entries"]) == 25 and first.context["has_older"]
    assert first.context["entries"][0].summary == "Appel 29"
    assert len(second.context["entries"]) == 5 and not second.context["has_older"]
    assert second.context["entries"][-1].summary == "Appel 0"
    assert "Contacts plus récents" in second.content.decode()


def test_the_timeline_is_one_indexed_query(client, agent, marie, make_ticket):
    make_ticket(usager=marie)
    client.force_login(agent)

    with CaptureQueriesContext(connection) as queries:
        page(client, marie, kind=TimelineEntry.Kind.TICKET)

    listing = [q["sql"] for q in queries.captured_queries
               if "crm_timelineentry" in q["sql"] and '"summary"' in q["sql"]
               and "ORDER BY" in q["sql"]]
    assert len(listing) == 1
    plan = selectors.filtered_timeline(marie, kinds=[TimelineEntry.Kind.TICKET])[:26]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
        explained = plan.explain()
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")
    else:
        explained = plan.explain()
    assert "timeline_usager" in explained


def test_viewing_the_page_is_audited(client, agent, marie):
    client.force_login(agent)
    page(client, marie)
    log = AccessLog.objects.get(usager=marie)
    assert (log.action, log.user) == (AccessLog.Action.VIEW, agent)


def test_key_figures_come_from_registered_providers_and_survive_a_broken_one(client, agent,
                                                                             marie):
    def broken(usager):
        raise RuntimeError("upstairs is on fire")

    def extra(usager):
        return [registry.KeyFigure(label="Dernière satisfaction", value="5/5", order=50)]

    registry.register_key_figure(broken)
    registry.register_key_figure(extra)
    try:
        client.force_login(agent)
        response = page(client, marie)
    finally:
        registry._key_figures.pop(registry._key(broken))
        registry._key_figures.pop(registry._key(extra))
    assert response.status_code == 200
    assert "Dernière satisfaction" in response.content.decode()


def test_a_merged_record_points_to_the_record_kept(client, agent, make_usager, superviseur):
    from crm.services.merges import merge_usagers

    kept = make_usager(email="kept@example.fr")
    old = make_usager(email="old@example.fr")
    merge_usagers(source=old, target=kept, by=superviseur)
    client.force_login(agent)

    html = page(client, old).content.decode()

    assert "Cette fiche a été fusionnée" in html
    assert reverse("crm:usager", args=[kept.pk]) in html


def test_unknown_usager_is_a_404(client, agent):
    client.force_login(agent)
    assert client.get(reverse("crm:usager", args=[999999])).status_code == 404


# --- Search and edit --------------------------------------------------------------------------

def test_search_by_name_email_and_any_phone_format(client, agent, marie, make_usager):
    make_usager(email="paul@example.fr", first_name="Paul", last_name="Martin")
    client.force_login(agent)
    url = reverse("crm:usagers")

    def found(query):
        return [u.pk for u in client.get(url, {"q": query}).context["page"]]

    assert found("dupont") == [marie.pk]
    assert found("Marie Dupont") == [marie.pk]
    assert found("marie.dupont@example.fr") == [marie.pk]
    assert found("06.12.34.56.78") == [marie.pk]
    assert found("+33 6 12 34 56 78") == [marie.pk]
    assert found("inconnu") == []


def test_agent_edits_the_record_with_street_matching_and_audit(client, agent, marie, trouville):
    street = trouville.streets.select_related("zone").first()
    client.force_login(agent)

    response = client.post(reverse("crm:usager_edit", args=[marie.pk]), {
        "first_name": "Marie-Anne", "last_name": "Dupont", "organisation": "",
        "category": "secondaire", "commune": trouville.pk,
        "address": f"3 {street.name.lower()}"})

    assert response.status_code == 302
    marie.refresh_from_db()
    assert marie.first_name == "Marie-Anne" and marie.commune == trouville
    assert marie.street == street and marie.zone == street.zone
    log = AccessLog.objects.get(usager=marie, action=AccessLog.Action.EDIT)
    assert log.user == agent
    assert log.detail["changes"]["first_name"] == ["Marie", "Marie-Anne"]
    assert set(log.detail["changes"]) >= {"commune", "address", "street", "category"}


def test_edit_refuses_a_record_without_any_name(client, agent, marie):
    client.force_login(agent)
    response = client.post(reverse("crm:usager_edit", args=[marie.pk]), {
        "first_name": "", "last_name": "", "organisation": "", "category": "permanent",
        "commune": "", "address": ""})
    assert response.status_code == 400
    assert "Indiquez au moins un nom" in response.content.decode()
    marie.refresh_from_db()
    assert marie.last_name == "Dupont"


def test_agent_adds_and_removes_contact_points_with_validation(client, agent, marie,
                                                                make_usager):
    other = make_usager(email="autre@example.fr", first_name="Jean", last_name="Autre")
    client.force_login(agent)
    add = reverse("crm:contact_add", args=[marie.pk])

    assert client.post(add, {"kind": "phone", "value": "02 31 88 00 00"}).status_code == 302
    bad_phone = client.post(add, {"kind": "phone", "value": "12 34"})
    bad_email = client.post(add, {"kind": "email", "value": "marie@"})
    taken = client.post(add, {"kind": "email", "value": "AUTRE@example.fr"})

    assert bad_phone.status_code == bad_email.status_code == taken.status_code == 400
    assert "n’est pas valide" in bad_phone.content.decode()
    assert "n’est pas valide" in bad_email.content.decode()
    assert f"usager n° {other.pk}" in taken.content.decode()
    landline = ContactPoint.objects.get(usager=marie, value="+33231880000")
    assert not landline.is_mobile

    response = client.post(reverse("crm:contact_remove", args=[marie.pk, landline.pk]))
    assert response.status_code == 302
    assert not ContactPoint.objects.filter(pk=landline.pk).exists()
    actions = list(AccessLog.objects.filter(usager=marie, action=AccessLog.Action.EDIT)
                   .values_list("detail", flat=True))
    assert any("contact_point_added" in detail for detail in actions)
    assert any("contact_point_removed" in detail for detail in actions)


def test_removing_the_primary_email_promotes_another(marie, agent):
    from crm.services.usagers import add_contact_point_by_agent, remove_contact_point

    second = add_contact_point_by_agent(usager=marie, by=agent, kind="email",
                                        raw="marie2@example.fr")
    primary = ContactPoint.objects.get(usager=marie, kind="email", is_primary=True)
    remove_contact_point(usager=marie, by=agent, point_id=primary.pk)
    second.refresh_from_db()
    assert second.is_primary


def test_agent_marks_a_contact_point_invalid_then_valid(client, agent, marie):
    point = ContactPoint.objects.get(usager=marie, kind="email")
    client.force_login(agent)
    url = reverse("crm:contact_validity", args=[marie.pk, point.pk])

    client.post(url, {})
    point.refresh_from_db()
    assert not point.is_valid and point.invalid_reason
    client.post(url, {"valid": "on"})
    point.refresh_from_db()
    assert point.is_valid and not point.invalid_reason


def test_timeline_links_can_be_registered_one_entry_at_a_time(client, agent, marie):
    entry = crm_services.record_contact(usager=marie, kind=TimelineEntry.Kind.CHAT,
                                        channel="chatbot", summary="Conversation",
                                        source_type="tests.chat", source_id="42")

    def chat_link(timeline_entry):
        return "/sophie/conversations/42/" if timeline_entry.source_type == "tests.chat" else None

    registry.register_timeline_link(chat_link)
    try:
        client.force_login(agent)
        entries = page(client, marie).context["entries"]
    finally:
        registry._timeline_links.pop(registry._key(chat_link))
    assert [e.link for e in entries if e.pk == entry.pk] == ["/sophie/conversations/42/"]
