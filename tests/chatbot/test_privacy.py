"""Sophie's transcripts follow the usager through RGPD export, erasure and merges."""

import pytest
from django.core.files.base import ContentFile

from chatbot.models import Conversation, Turn
from crm import services as crm_services
from crm.services import merges, rgpd

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    usager = crm_services.identify_usager(email="claire@example.fr", last_name="Morel").usager
    conversation = Conversation.objects.create(usager=usager,
                                               state={"slots": {"adresse": "3 rue des Bains"}})
    Turn.objects.create(conversation=conversation, seq=1, role=Turn.Role.USAGER,
                        text="Je suis Claire Morel, 3 rue des Bains, 06 12 34 56 78")
    photo = Turn(conversation=conversation, seq=2, role=Turn.Role.USAGER, text="",
                 photo_name="depot.jpg", photo_type="image/jpeg")
    photo.photo.save("depot.jpg", ContentFile(b"\xff\xd8jpeg"), save=True)
    return conversation


def test_export_contains_the_transcript(conversation, superviseur):
    exported = rgpd.export_usager(usager=conversation.usager, by=superviseur)
    assert "Claire Morel, 3 rue des Bains" in str(exported)


def test_erasure_blanks_transcripts_and_deletes_photos(conversation, superviseur,
                                                      django_capture_on_commit_callbacks):
    photo = conversation.turns.get(seq=2).photo
    assert photo.storage.exists(photo.name)
    with django_capture_on_commit_callbacks(execute=True):
        counts = rgpd.erase_usager(usager=conversation.usager, by=superviseur)
    assert counts["chatbot.turns"] == 2 and counts["chatbot.photos"] == 1
    texts = list(Turn.objects.values_list("text", flat=True))
    assert texts == ["[anonymisé]", "[anonymisé]"]
    conversation.refresh_from_db()
    assert conversation.state == {} and conversation.turn_count == 0
    assert not photo.storage.exists(photo.name)


def test_merge_moves_conversations_and_undo_moves_them_back(conversation, superviseur):
    kept = crm_services.identify_usager(email="c.morel@example.fr", last_name="Morel").usager
    merge = merges.merge_usagers(source=conversation.usager, target=kept, by=superviseur)
    assert Conversation.objects.get(pk=conversation.pk).usager == kept
    merges.undo_merge(merge=merge, by=superviseur)
    assert Conversation.objects.get(pk=conversation.pk).usager == conversation.usager
