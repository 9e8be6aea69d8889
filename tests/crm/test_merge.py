"""Merging duplicates keeps every history item, can be undone, and refuses what corrupts."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm import services as crm_services
from crm.models import (
    AccessLog,
    Consent,
    ConsentChannel,
    ContactPoint,
    Merge,
    MergeProposal,
    Purpose,
    TimelineEntry,
    Usager,
)
from crm.selectors import has_consent
from crm.services.merges import merge_usagers, undo_merge
from crm.services.rgpd import erase_usager
from guichet.models import Message, Ticket

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def pair(make_usager, make_ticket, deauville, opt_in):
    """The same person twice: an email record with a ticket, and a phone record from a call."""
    kept = make_usager(email="marie.dupont@gmail.com", commune=deauville, address="")
    duplicate = make_usager(phone="06 12 34 56 78", first_name="Marie", last_name="Dupond",
                            address="12 rue des Lilas")
    make_ticket(usager=kept, subject="Bac non vidé")
    make_ticket(usager=duplicate, subject="Encombrants", channel="telephone")
    opt_in(duplicate, Purpose.ENQUETES, ConsentChannel.SMS)
    return kept, duplicate


def snapshot(usager):
    return {
        "timeline": set(TimelineEntry.objects.filter(usager=usager).values_list("pk", flat=True)),
        "tickets": set(Ticket.objects.filter(usager=usager).values_list("pk", flat=True)),
        "messages": set(Message.objects.filter(author_usager=usager)
                        .values_list("pk", flat=True)),
        "consents": set(Consent.objects.filter(usager=usager).values_list("pk", flat=True)),
        "points": set(ContactPoint.objects.filter(usager=usager)
                      .values_list("pk", "is_primary")),
    }


def test_merge_keeps_every_history_item(pair, superviseur):
    kept, duplicate = pair
    before = {"kept": snapshot(kept), "duplicate": snapshot(duplicate)}

    merge = merge_usagers(source=duplicate, target=kept, by=superviseur)

    after = snapshot(kept)
    for kind in ("timeline", "tickets", "messages", "consents"):
        assert after[kind] == before["kept"][kind] | before["duplicate"][kind], kind
        assert not snapshot(duplicate)[kind]
    points_before = before["kept"]["points"] | before["duplicate"]["points"]
    assert {pk for pk, _primary in after["points"]} == {pk for pk, _ in points_before}
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert duplicate.merged_into == kept and not duplicate.is_active
    assert kept.address == "12 rue des Lilas"  # filled in from the duplicate, nothing overwritten
    assert kept.last_name == "Dupont"
    assert has_consent(kept, purpose=Purpose.ENQUETES, channel=ConsentChannel.SMS)
    assert merge.performed_by == superviseur and merge.undo_data["handlers"]["guichet"]["tickets"]
    assert AccessLog.objects.filter(action=AccessLog.Action.MERGE).count() == 2
    # The old contact point now finds the person kept.
    assert crm_services.identify_usager(phone="0612345678").usager == kept


def test_undo_gives_back_exactly_what_was_moved(pair, superviseur, make_ticket):
    kept, duplicate = pair
    before = {"kept": snapshot(kept), "duplicate": snapshot(duplicate)}
    merge = merge_usagers(source=duplicate, target=kept, by=superviseur)
    later = make_ticket(usager=kept, subject="Après la fusion")

    undo_merge(merge=merge, by=superviseur)

    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert duplicate.merged_into is None and duplicate.is_active
    assert snapshot(duplicate) == before["duplicate"]
    restored = snapshot(kept)
    assert restored["tickets"] == before["kept"]["tickets"] | {later.pk}  # later work stays
    assert restored["consents"] == before["kept"]["consents"]
    assert kept.address == ""
    merge.refresh_from_db()
    assert merge.undone_by == superviseur
    with pytest.raises(ValidationError, match="déjà été annulée"):
        undo_merge(merge=merge, by=superviseur)


def test_merge_refuses_the_same_record(pair, superviseur):
    kept, _duplicate = pair
    with pytest.raises(ValidationError, match="avec lui-même"):
        merge_usagers(source=kept, target=kept, by=superviseur)


def test_merge_refuses_an_erased_record(pair, superviseur):
    kept, duplicate = pair
    erase_usager(usager=kept, by=superviseur)
    with pytest.raises(ValidationError, match="anonymisé"):
        merge_usagers(source=duplicate, target=kept, by=superviseur)
    with pytest.raises(ValidationError, match="anonymisé"):
        merge_usagers(source=kept, target=duplicate, by=superviseur)


def test_merge_refuses_a_record_already_merged_elsewhere(pair, superviseur, make_usager):
    kept, duplicate = pair
    third = make_usager(email="third@example.fr")
    merge_usagers(source=duplicate, target=kept, by=superviseur)
    with pytest.raises(ValidationError, match=f"fusionnée dans la fiche n° {kept.pk}"):
        merge_usagers(source=third, target=duplicate, by=superviseur)
    with pytest.raises(ValidationError, match="déjà été fusionnée"):
        merge_usagers(source=duplicate, target=third, by=superviseur)
    assert Merge.objects.count() == 1


def test_nothing_is_half_written_when_a_merge_is_refused(pair, superviseur):
    kept, duplicate = pair
    erase_usager(usager=kept, by=superviseur)
    before = snapshot(duplicate)
    with pytest.raises(ValidationError):
        merge_usagers(source=duplicate, target=kept, by=superviseur)
    assert snapshot(duplicate) == before


# --- Supervisor pages -------------------------------------------------------------------------

@pytest.fixture
def proposal(pair):
    kept, duplicate = pair
    a, b = sorted((kept.pk, duplicate.pk))
    return MergeProposal.objects.create(usager_a_id=a, usager_b_id=b, score=80,
                                        reasons=[{"code": "same_name", "value": 96},
                                                 {"code": "same_commune"}],
                                        detected_at=kept.created_at)


def test_supervisor_reviews_side_by_side_and_merges(client, superviseur, proposal, pair):
    kept, duplicate = pair
    client.force_login(superviseur)

    listing = client.get(reverse("crm:duplicates"))
    detail = client.get(reverse("crm:proposal", args=[proposal.pk]))
    merged = client.post(reverse("crm:proposal", args=[proposal.pk]), {"keep": kept.pk})

    assert "Même nom et prénom (96 %)" in listing.content.decode()
    html = detail.content.decode()
    assert "marie.dupont@gmail.com" in html and "+33612345678" in html
    assert merged.status_code == 302 and merged.url == reverse("crm:usager", args=[kept.pk])
    proposal.refresh_from_db()
    assert proposal.status == MergeProposal.Status.MERGED and proposal.decided_by == superviseur
    assert Usager.objects.get(pk=duplicate.pk).merged_into_id == kept.pk


def test_supervisor_rejects_a_proposal(client, superviseur, proposal):
    client.force_login(superviseur)
    response = client.post(reverse("crm:proposal", args=[proposal.pk]), {"action": "reject"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == MergeProposal.Status.REJECTED
    assert not Usager.objects.filter(merged_into__isnull=False).exists()


def test_refusals_are_clear_pages_not_errors(client, superviseur, pair):
    kept, duplicate = pair
    client.force_login(superviseur)
    itself = client.post(reverse("crm:compare", args=[kept.pk, kept.pk]), {"keep": kept.pk})
    erase_usager(usager=duplicate, by=superviseur)
    erased = client.post(reverse("crm:compare", args=[kept.pk, duplicate.pk]),
                         {"keep": duplicate.pk})
    nonsense = client.post(reverse("crm:compare", args=[kept.pk, duplicate.pk]), {"keep": "x"})

    assert itself.status_code == erased.status_code == nonsense.status_code == 400
    assert "Impossible de fusionner un usager avec lui-même." in itself.content.decode()
    assert "usager anonymisé" in erased.content.decode()
    assert "Choisissez la fiche à conserver." in nonsense.content.decode()


def test_manual_merge_starts_from_the_record_number(client, superviseur, pair):
    kept, duplicate = pair
    client.force_login(superviseur)
    url = reverse("crm:merge_start", args=[kept.pk])
    assert client.post(url, {"other": 999999}).status_code == 400
    response = client.post(url, {"other": duplicate.pk})
    assert response.url == reverse("crm:compare", args=[kept.pk, duplicate.pk])


def test_supervisor_undoes_a_merge_from_the_list(client, superviseur, pair):
    kept, duplicate = pair
    merge = merge_usagers(source=duplicate, target=kept, by=superviseur)
    client.force_login(superviseur)
    assert "Annuler la fusion" in client.get(reverse("crm:merges")).content.decode()

    response = client.post(reverse("crm:merge_undo", args=[merge.pk]))
    again = client.post(reverse("crm:merge_undo", args=[merge.pk]))

    assert response.status_code == 302
    assert again.status_code == 400 and "déjà été annulée" in again.content.decode()
    assert Usager.objects.get(pk=duplicate.pk).merged_into is None


def test_agents_cannot_merge(client, agent, proposal, pair):
    kept, duplicate = pair
    client.force_login(agent)
    assert client.get(reverse("crm:duplicates")).status_code == 403
    assert client.post(reverse("crm:proposal", args=[proposal.pk]),
                       {"keep": kept.pk}).status_code == 403
    assert client.post(reverse("crm:compare", args=[kept.pk, duplicate.pk]),
                       {"keep": kept.pk}).status_code == 403
    assert not Merge.objects.exists()
