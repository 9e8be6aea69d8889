"""Sophie's personal data in the CRM's RGPD export, erasure and merges (crm.registry hooks).

Transcripts are free text residents typed (names, addresses, phone numbers): erasure blanks
them and deletes photos, keeping what statistics count (dates, intents, ratings).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from crm import registry

from .models import Conversation, Turn

ERASED_TEXT = "[anonymisé]"


def export_conversations(usager) -> dict[str, list[dict]]:
    turns = (Turn.objects.filter(conversation__usager=usager)
             .select_related("conversation").order_by("conversation__created_at", "seq"))
    rows = [{
        "conversation": str(turn.conversation_id),
        "date": turn.created_at.isoformat(),
        "auteur": turn.get_role_display(),
        "texte": turn.text,
        "photo": turn.photo_name,
    } for turn in turns]
    return {_("Conversations avec Sophie"): rows} if rows else {}


def erase_conversations(usager) -> dict[str, int]:
    conversations = Conversation.objects.filter(usager=usager)
    turns = Turn.objects.filter(conversation__in=conversations)
    photos = [turn.photo for turn in turns.exclude(photo="")]
    erased_turns = turns.exclude(text=ERASED_TEXT).update(
        text=ERASED_TEXT, entities={}, photo="", photo_name="", photo_type="")
    conversations.update(state={}, page="")
    for photo in photos:  # files go only once the erasure is committed
        transaction.on_commit(lambda stored=photo: stored.storage.delete(stored.name))
    return {"conversations": conversations.count(), "turns": erased_turns,
            "photos": len(photos)}


def move_conversations(source, target) -> dict:
    moved = list(Conversation.objects.filter(usager=source).values_list("id", flat=True))
    Conversation.objects.filter(id__in=moved).update(usager=target)
    return {"conversations": [str(conversation_id) for conversation_id in moved]}


def move_conversations_back(source, target, data) -> None:
    Conversation.objects.filter(id__in=data.get("conversations", []),
                                usager=target).update(usager=source)


registry.register_personal_data_handler(registry.PersonalDataHandler(
    name="chatbot", label=_("Sophie"), export=export_conversations, erase=erase_conversations))
registry.register_merge_handler(registry.MergeHandler(
    name="chatbot", merge=move_conversations, undo=move_conversations_back))
