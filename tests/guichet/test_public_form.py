"""The public request form, end to end: validation, robots, consent proof, similar reports."""

import time

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.models import Consent, ConsentText, Usager
from guichet import services
from guichet.channels import antibot
from guichet.models import Channel, Message, Nature, Ticket, TicketFollower
from maison.models import Commune, Street, SubTheme, Theme
from tests.guichet.test_channel_support import JPEG, channels  # noqa: F401

pytestmark = pytest.mark.usefixtures("channels", "isolated_cache")
URL = "/demande/"


@pytest.fixture
def isolated_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "public-form-tests"}}
    from django.core.cache import cache

    cache.clear()


def old_stamp(seconds=30):
    return signing.dumps(int(time.time()) - seconds, salt=antibot.STAMP_SALT)


def form_data(**overrides):
    collecte = Theme.objects.get(code="collecte")
    data = {"nature": Nature.INFORMATION, "theme": collecte.pk,
            "subtheme": collecte.subthemes.get(code="bacs").pk,
            "commune": Commune.objects.get(name="Deauville").pk, "street": "",
            "description": "Bonjour, je voudrais un bac plus grand pour ma famille.",
            "last_name": "Lemoine", "first_name": "Anne", "email": "anne.lemoine@example.fr",
            "phone": "", "category": "permanent", antibot.STAMP_FIELD: old_stamp(),
            antibot.HONEYPOT_FIELD: "", "similaires_vus": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_page_renders_accessible_fields_and_an_unticked_consent_box(client):
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="consent"' in html and "checked" not in html.split('name="consent"')[1][:80]
    text = ConsentText.objects.get(version="formulaire-2026-1")
    assert text.text in html.replace("&#x27;", "'").replace("’", "’")
    assert 'aria-describedby="description-hint"' in html
    assert "<optgroup" in html  # every sub-theme, grouped by theme, without JavaScript
    assert 'class="mds-hp" aria-hidden="true"' in html


def test_submission_opens_a_ticket_acknowledges_by_email_and_shows_the_receipt(
        client, on_commit, mailoutbox):
    with on_commit(execute=True):
        response = client.post(URL, form_data(
            consent="on", attachment=SimpleUploadedFile("bac.jpg", JPEG, "image/jpeg")))
    assert response.status_code == 302 and response["Location"] == "/demande/envoyee/"
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.FORMULAIRE and ticket.subtheme.code == "bacs"
    assert ticket.usager.category == "permanent" and ticket.commune.name == "Deauville"
    assert ticket.messages.get(direction="in").attachments.get().filename == "bac.jpg"
    receipt = client.get(response["Location"]).content.decode()
    assert ticket.reference in receipt and "au plus tard le" in receipt
    assert f"/suivi/{ticket.reference}/{ticket.tracking_code}/" in receipt
    assert len(mailoutbox) == 1 and ticket.reference in mailoutbox[0].subject
    assert f"/suivi/{ticket.reference}/{ticket.tracking_code}/" in mailoutbox[0].body
    consent = Consent.objects.get()
    assert consent.given and consent.channel == "email" and consent.source == "formulaire"
    assert consent.text.version == "formulaire-2026-1"
    assert consent.proof["ticket_reference"] == ticket.reference
    assert consent.proof["text_version"] == "formulaire-2026-1"
    assert "127.0.0.1" not in str(consent.proof)  # the address is kept only as a digest


def test_unticked_box_records_no_consent_and_phone_only_is_acknowledged_by_sms(client, on_commit):
    with on_commit(execute=True):
        client.post(URL, form_data(email="", phone="06 11 22 33 44"))
    assert not Consent.objects.exists()
    ack = Message.objects.get(direction="out")
    assert ack.channel == Channel.SMS and ack.to_address == "+33611223344"


@pytest.mark.parametrize("overrides, field", [
    ({"email": "", "phone": ""}, "email"),
    ({"email": "pas-une-adresse"}, "email"),
    ({"phone": "12"}, "phone"),
    ({"description": "court"}, "description"),
    ({"description": "x" * 6000}, "description"),
    ({"theme": "999"}, "theme"),
    ({"category": ""}, "category"),
    ({"subtheme": None}, None),  # optional: no error
])
def test_strict_validation_with_a_summary(client, overrides, field):
    if field is None:
        overrides["subtheme"] = ""
    response = client.post(URL, form_data(**overrides))
    if field is None:
        assert response.status_code == 302
        return
    html = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in html
    assert f'id="{field}-error"' in html and 'aria-invalid="true"' in html
    assert not Ticket.objects.exists() and not Usager.objects.exists()


def test_subtheme_of_another_theme_is_refused(client):
    other = SubTheme.objects.get(theme__code="eau", code="fuite")
    response = client.post(URL, form_data(subtheme=other.pk))
    assert response.status_code == 400 and not Ticket.objects.exists()


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("virus.exe", b"MZ", "application/x-msdownload"),
    SimpleUploadedFile("enorme.jpg", JPEG + b"0" * (2 * 1024 * 1024), "image/jpeg"),
])
def test_file_of_wrong_type_or_too_big_is_refused(client, settings, upload):
    settings.MDS_MAX_ATTACHMENT_BYTES = 1024 * 1024
    response = client.post(URL, form_data(attachment=upload))
    assert response.status_code == 400 and 'id="attachment-error"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_honeypot_filled_is_refused_and_nothing_written(client):
    response = client.post(URL, form_data(**{antibot.HONEYPOT_FIELD: "http://spam.example"}))
    assert response.status_code == 400 and not Ticket.objects.exists()
    assert not Usager.objects.exists()


def test_too_fast_submission_is_refused_then_accepted_when_resent(client):
    too_fast = form_data(**{antibot.STAMP_FIELD: old_stamp(seconds=1)})
    response = client.post(URL, too_fast)
    assert response.status_code == 400 and "rapide" in response.content.decode()
    assert not Ticket.objects.exists()
    assert client.post(URL, form_data()).status_code == 302  # a person tries again


@pytest.mark.parametrize("stamp", ["", "forged:stamp", "signed-with-another-salt"],
                         ids=["missing", "forged", "other-salt"])
def test_missing_or_forged_timestamp_is_refused(client, stamp):
    # Signed here, not at collection: parallel test workers must collect identical ids.
    if stamp == "signed-with-another-salt":
        stamp = signing.dumps(1, salt="other")
    response = client.post(URL, form_data(**{antibot.STAMP_FIELD: stamp}))
    assert response.status_code == 400 and not Ticket.objects.exists()


def test_rate_limit_per_address(client, settings):
    settings.MDS_FORM_RATE_LIMIT = "2/600"
    assert client.post(URL, form_data()).status_code == 302
    assert client.post(URL, form_data(description="Une deuxième demande bien réelle.")
                       ).status_code == 302
    blocked = client.post(URL, form_data(description="Une troisième demande d'affilée."))
    assert blocked.status_code == 429 and "Réessayez" in blocked.content.decode()
    assert Ticket.objects.count() == 2
    other = client.post(URL, form_data(description="Depuis une autre connexion."),
                        REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


# --- Similar reports nearby (signalements) ---------------------------------------------------

@pytest.fixture
def existing_report():
    street = Street.objects.select_related("commune", "zone").first()
    subtheme = SubTheme.objects.get(theme__code="encombrants", code="depots-sauvages")
    ticket = services.receive(
        channel=Channel.EMAIL, body="Des sacs abandonnés depuis trois jours.",
        email="premier@example.fr", nature=Nature.SIGNALEMENT, theme=subtheme.theme,
        subtheme=subtheme, commune=street.commune, street=street).ticket
    return ticket


def signalement(report, **overrides):
    return form_data(nature=Nature.SIGNALEMENT, theme=report.theme_id,
                     subtheme=report.subtheme_id, commune=report.commune_id,
                     street=report.street.name, email="voisin@example.fr",
                     last_name="Voisin", description="Il y a des sacs abandonnés ici.",
                     **overrides)


def test_similar_open_report_is_suggested_before_submitting(client, existing_report):
    response = client.post(URL, signalement(existing_report))
    html = response.content.decode()
    assert response.status_code == 200 and "déjà été signalé" in html
    assert f'value="{existing_report.reference}"' in html
    assert "premier@example.fr" not in html and "Des sacs abandonnés depuis" not in html
    assert Ticket.objects.count() == 1
    # The resident says it is different: filed as their own signalement.
    assert client.post(URL, signalement(existing_report, similaires_vus="1")).status_code == 302
    assert Ticket.objects.count() == 2


def test_following_the_existing_report(client, existing_report, on_commit, mailoutbox, agent):
    with on_commit(execute=True):
        response = client.post(URL, signalement(existing_report, follow=existing_report.reference,
                                                consent="on"))
    assert response.status_code == 302 and Ticket.objects.count() == 1
    follower = TicketFollower.objects.get()
    assert follower.ticket == existing_report
    assert follower.usager.contact_points.get().value == "voisin@example.fr"
    note = existing_report.messages.get(metadata__kind="follower_report")
    assert not note.public and "sacs abandonnés ici" in note.body
    assert "Vous suivez" in client.get("/demande/envoyee/").content.decode()
    assert mailoutbox[-1].to == ["voisin@example.fr"]
    assert Consent.objects.get().usager == follower.usager
    # When the report is resolved, the follower hears about it, the reporter's page shows
    # none of it.
    with on_commit(execute=True):
        services.change_status(ticket=existing_report, status="resolu", actor=agent)
    assert "traité" in mailoutbox[-1].subject and mailoutbox[-1].to == ["voisin@example.fr"]
    follower.refresh_from_db()
    assert follower.notified_at is not None


def test_following_a_report_that_was_not_suggested_is_refused(client, existing_report):
    other = services.receive(channel=Channel.EMAIL, body="Question sur le verre",
                             email="x@example.fr").ticket
    response = client.post(URL, signalement(existing_report, follow=other.reference))
    assert response.status_code == 400 and not TicketFollower.objects.exists()


def test_similar_reports_endpoint_for_progressive_enhancement(client, existing_report):
    response = client.get("/demande/signalements-proches/", {
        "subtheme": existing_report.subtheme_id, "commune": existing_report.commune_id,
        "street": existing_report.street.name})
    assert response.json()["count"] == 1 and existing_report.reference in response.json()["html"]
    nothing = client.get("/demande/signalements-proches/", {"subtheme": "x", "commune": ""})
    assert nothing.json() == {"count": 0, "html": ""}
