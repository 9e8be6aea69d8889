"""RGPD: export of everything, erasure by anonymisation that keeps statistics, retention."""

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from crm import services as crm_services
from crm import tasks
from crm.models import (
    AccessLog,
    Consent,
    ConsentChannel,
    ContactPoint,
    Purpose,
    TimelineEntry,
    Usager,
)
from crm.schedule import BEAT_SCHEDULE
from crm.services.merges import merge_usagers
from crm.services.rgpd import apply_retention, erase_usager, export_usager
from guichet import services as guichet_services
from guichet.models import Attachment, Message, RawInbound, Status, Ticket
from guichet.services import IncomingFile

pytestmark = pytest.mark.usefixtures("reference_data")

NAME, EMAIL, PHONE = "Dupontel", "solange.dupontel@example.fr", "+33698765432"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def solange(make_usager, make_ticket, deauville, opt_in, agent, media):
    usager = make_usager(email=EMAIL, phone=PHONE, first_name="Solange", last_name=NAME,
                         commune=deauville, address="7 avenue de la République")
    ticket = make_ticket(usager=usager, subject=f"Bac cassé chez Mme {NAME}",
                         body=f"Bonjour, je suis Solange {NAME}, mon bac est cassé.",
                         attachments=[IncomingFile("photo-bac.jpg", "image/jpeg", b"\xff\xd8jpeg")],
                         commune=deauville)
    guichet_services.reply(ticket=ticket, author=agent,
                           body=f"Bonjour Madame {NAME}, un nouveau bac arrive.")
    opt_in(usager, Purpose.ENQUETES, ConsentChannel.EMAIL)
    RawInbound.objects.create(channel="email", payload={"from": EMAIL, "text": NAME},
                              ticket=ticket, state=RawInbound.State.PROCESSED)
    return usager


def test_export_has_everything_including_other_rooms(solange, superviseur):
    data = export_usager(usager=solange, by=superviseur)

    assert data["usager"]["last_name"] == NAME and data["usager"]["commune"] == "Deauville"
    assert {p["value"] for p in data["contact_points"]} == {EMAIL, PHONE}
    assert data["consents"][0]["text"] and data["consents"][0]["given"] is True
    assert any(NAME in entry["summary"] for entry in data["timeline"])
    guichet = data["sections"]["Demandes et messages"]
    assert guichet["Demandes"][0]["objet"] == f"Bac cassé chez Mme {NAME}"
    assert any("photo-bac.jpg" in m["pièces jointes"] for m in guichet["Messages"])
    json.dumps(data)  # machine-readable as it is
    assert AccessLog.objects.filter(usager=solange, action=AccessLog.Action.EXPORT,
                                    user=superviseur).exists()


def test_export_pages_are_for_supervisors_and_audited(client, solange, superviseur, agent):
    client.force_login(agent)
    assert client.get(reverse("crm:export_json", args=[solange.pk])).status_code == 403
    assert client.get(reverse("crm:export_document", args=[solange.pk])).status_code == 403

    client.force_login(superviseur)
    download = client.get(reverse("crm:export_json", args=[solange.pk]))
    document = client.get(reverse("crm:export_document", args=[solange.pk]))

    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/json")
    assert "attachment;" in download["Content-Disposition"]
    assert json.loads(download.content)["usager"]["first_name"] == "Solange"
    html = document.content.decode()
    assert document.status_code == 200 and "Vos données personnelles" in html
    assert NAME in html and "Demandes et messages" in html and "photo-bac.jpg" in html
    formats = set(AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
                  .values_list("detail__format", flat=True))
    assert formats == {"json", "html"}


def test_erasure_removes_personal_data_everywhere_and_keeps_statistics(
        solange, superviseur, on_commit, media):
    ticket = Ticket.objects.get(usager=solange)
    attachment = Attachment.objects.get(message__ticket=ticket)
    stored = Path(media) / attachment.file.name
    assert stored.exists()

    with on_commit(execute=True):
        counts = erase_usager(usager=solange, by=superviseur)

    solange.refresh_from_db()
    assert solange.erased_at and solange.display_name == "Usager anonymisé"
    assert (solange.first_name, solange.last_name, solange.address) == ("", "", "")
    assert solange.commune.name == "Deauville" and solange.category == "permanent"
    assert not ContactPoint.objects.filter(usager=solange).exists()
    assert not Consent.objects.filter(usager=solange).exists()
    assert not Attachment.objects.exists() and not stored.exists()
    ticket.refresh_from_db()
    assert ticket.theme.code == "collecte" and ticket.commune.name == "Deauville"
    assert ticket.usager_category == "permanent" and ticket.usager_id == solange.pk
    assert Ticket.objects.count() == 1  # still counted
    assert not Message.objects.exclude(body="").exists()
    assert not Message.objects.exclude(subject="").exists()
    assert counts["guichet.attachments"] == 1 and counts["contact_points"] == 2
    assert AccessLog.objects.filter(usager=solange, action=AccessLog.Action.ERASE).exists()

    # Nothing left anywhere in the database: dump every table of every room and search.
    dump = StringIO()
    call_command("dumpdata", "crm", "guichet", "surveys", stdout=dump)
    text = dump.getvalue()
    for secret in (NAME, "Solange", EMAIL, "98765432", "République"):
        assert secret not in text, secret


def test_erasure_cannot_be_done_twice_or_on_a_merged_record(solange, superviseur,
                                                             make_usager):
    from django.core.exceptions import ValidationError

    other = make_usager(email="other@example.fr")
    duplicate = make_usager(email="dup@example.fr")
    merge_usagers(source=duplicate, target=other, by=superviseur)
    erase_usager(usager=solange, by=superviseur)
    with pytest.raises(ValidationError, match="déjà anonymisé"):
        erase_usager(usager=solange, by=superviseur)
    with pytest.raises(ValidationError, match=f"fiche n° {other.pk}"):
        erase_usager(usager=duplicate, by=superviseur)


def test_erasing_a_record_erases_the_duplicates_merged_into_it(make_usager, superviseur):
    kept = make_usager(email="kept@example.fr", last_name="Kept")
    duplicate = make_usager(email="dup@example.fr", last_name="Doublon")
    merge_usagers(source=duplicate, target=kept, by=superviseur)
    erase_usager(usager=kept, by=superviseur)
    duplicate.refresh_from_db()
    assert duplicate.erased_at and duplicate.last_name == ""


def test_a_new_contact_after_erasure_is_a_new_usager(solange, superviseur):
    erase_usager(usager=solange, by=superviseur)
    again = crm_services.identify_usager(email=EMAIL)
    assert again.created and again.usager.pk != solange.pk


def test_timeline_summaries_are_wiped_but_counted(solange, superviseur):
    before = TimelineEntry.objects.filter(usager=solange).count()
    erase_usager(usager=solange, by=superviseur)
    entries = TimelineEntry.objects.filter(usager=solange)
    assert entries.count() == before
    assert set(entries.values_list("summary", flat=True)) == {"Contenu anonymisé"}


def test_erasure_page_is_for_supervisors_and_asks_for_confirmation(client, solange,
                                                                   superviseur, agent):
    url = reverse("crm:erase", args=[solange.pk])
    client.force_login(agent)
    assert client.post(url, {"confirm": "on"}).status_code == 403

    client.force_login(superviseur)
    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 400
    assert Usager.objects.get(pk=solange.pk).erased_at is None
    done = client.post(url, {"confirm": "on"})
    assert done.status_code == 302
    again = client.post(url, {"confirm": "on"})
    assert again.status_code == 400 and "déjà anonymisé" in again.content.decode()


# --- Retention --------------------------------------------------------------------------------

def test_retention_anonymises_inactive_usagers_but_not_open_requests(make_usager, make_ticket,
                                                                     settings):
    settings.MDS_RETENTION_INACTIVE_YEARS = 3
    long_ago = timezone.now() - timedelta(days=3 * 365 + 30)
    sleeping = make_usager(email="sleeping@example.fr", last_name="Dormant")
    busy = make_usager(email="busy@example.fr", last_name="Occupé")
    recent = make_usager(email="recent@example.fr", last_name="Récent")
    make_ticket(usager=busy, received_at=long_ago)  # still open
    Usager.objects.filter(pk__in=[sleeping.pk, busy.pk]).update(last_contact_at=long_ago)
    Usager.objects.filter(pk=recent.pk).update(
        last_contact_at=timezone.now() - timedelta(days=400))

    assert apply_retention() == 1

    sleeping.refresh_from_db()
    busy.refresh_from_db()
    recent.refresh_from_db()
    assert sleeping.erased_at and sleeping.last_name == ""
    assert busy.erased_at is None and recent.erased_at is None
    log = AccessLog.objects.get(usager=sleeping, action=AccessLog.Action.ERASE)
    assert log.user is None and log.detail["reason"] == "retention"


def test_retention_waits_for_the_request_to_be_closed(make_usager, make_ticket, agent,
                                                      settings):
    settings.MDS_RETENTION_INACTIVE_YEARS = 1
    long_ago = timezone.now() - timedelta(days=800)
    usager = make_usager(email="done@example.fr")
    ticket = make_ticket(usager=usager, received_at=long_ago)
    guichet_services.change_status(ticket=ticket, status=Status.EN_COURS, actor=agent)
    guichet_services.change_status(ticket=ticket, status=Status.RESOLU, actor=agent)
    Usager.objects.filter(pk=usager.pk).update(last_contact_at=long_ago)

    assert tasks.apply_retention() == 1
    assert Usager.objects.get(pk=usager.pk).erased_at is not None


def test_retention_is_a_nightly_beat_task():
    entry = BEAT_SCHEDULE["crm-apply-retention"]
    assert entry["task"] == tasks.apply_retention.name
    assert BEAT_SCHEDULE["crm-dispatch-due-campaigns"]["task"] == \
        tasks.dispatch_due_campaigns.name


def test_old_access_traces_are_pruned_but_erasures_are_kept(solange, superviseur, settings):
    from crm.services.rgpd import prune_access_log

    settings.MDS_ACCESS_LOG_RETENTION_DAYS = 365
    export_usager(usager=solange, by=superviseur)
    erase_usager(usager=solange, by=superviseur)
    AccessLog.objects.update(at=timezone.now() - timedelta(days=400))
    assert prune_access_log() == 1
    assert list(AccessLog.objects.values_list("action", flat=True)) == [AccessLog.Action.ERASE]
