"""Writes for Sophie's conversations: messages in and out, photos, requests, hand-off, rating.

Every message is stored (turns) before anything else can fail, and the dialogue state is
saved with the reply in the same transaction. Requests go to agents through guichet's
funnel (`guichet.services.receive`), like any other channel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import services as crm_services
from crm.models import TimelineEntry
from guichet import services as guichet_services
from maison import calendar
from maison.collection import french_day
from maison.models import Commune, Street, SubTheme, Theme

from . import catalogue, selectors, storage, texts
from .catalogue import TicketFlow
from .dialogue import Reply, State, photo_received, respond
from .models import AgentPresence, Conversation, Turn

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 10_000
PRESENCE_SECONDS = 45  # an agent whose page has not called in for this long is away
PHOTO_TYPES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "image/heic": (b"",),
    "image/heif": (b"",),
}


@dataclass
class Exchange:
    conversation: Conversation
    reply: Reply
    turns: list[Turn]


def validate_text(text) -> str:
    """The message as it will be stored; NUL characters (which no database text column
    accepts, and no resident means) are dropped."""
    if not isinstance(text, str):
        raise ValidationError(_("Le message doit être du texte."), code="not_text")
    # NUL and lone surrogates: no database stores them, no resident means them.
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if not text.strip():
        raise ValidationError(_("Le message est vide : écrivez votre question."),
                              code="empty_message")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ValidationError(
            _("Le message est trop long (%(max)s caractères au plus)."), code="message_too_long",
            params={"max": MAX_MESSAGE_CHARS})
    return text


def get_or_start(conversation_id, *, page: str = "") -> Conversation:
    """The conversation with this id, or a new one (an unknown id starts afresh)."""
    if conversation_id:
        found = Conversation.objects.filter(pk=conversation_id).first()
        if found is not None:
            return found
    return Conversation.objects.create(page=_clean_page(page))


def _add_turn(conversation: Conversation, role: str, text: str, **fields) -> Turn:
    conversation.turn_count += 1
    return Turn.objects.create(conversation=conversation, seq=conversation.turn_count, role=role,
                               text=text, **fields)


def _locked(conversation: Conversation) -> Conversation:
    """Serialise two messages of one conversation (double click, two tabs)."""
    found = storage.lock(Conversation, conversation.pk)
    if found is None:
        raise Conversation.DoesNotExist(conversation.pk)
    return found


def _lock_or_start(conversation_id, page: str) -> Conversation:
    """Inside the caller's transaction. A new conversation is only built here: it is stored
    with its first turns (one INSERT, with its state)."""
    if conversation_id:
        found = storage.lock(Conversation, conversation_id)
        if found is not None:
            return found
    return Conversation(page=_clean_page(page))


def _store_conversation(conversation: Conversation) -> None:
    if conversation._state.adding:
        storage.insert([conversation])
    else:
        storage.update(conversation)


def _clean_page(page: str) -> str:
    return (page or "").replace("\x00", "").encode("utf-8", "replace").decode("utf-8")[:300]


def receive_message(*, conversation_id, text: str, page: str = "",
                    now: datetime | None = None) -> Exchange:
    """The API's entry: lock (or start) the conversation and answer, in one transaction."""
    text = validate_text(text)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            conversation = _lock_or_start(conversation_id, page)
            return _converse(conversation=conversation, text=text, now=now, locked=True)
    except ValidationError:
        raise
    except Exception:
        logger.exception("Sophie failed to answer in conversation %s", conversation_id)
        return _store_after_failure(get_or_start(conversation_id, page=page), text)


def post_message(*, conversation: Conversation, text: str, now: datetime | None = None
                 ) -> Exchange:
    """Store the resident's message and Sophie's reply. If the dialogue itself fails (a bug),
    the message is still stored, with an apology: what a resident sent is never lost."""
    text = validate_text(text)
    try:
        with transaction.atomic():
            return _converse(conversation=conversation, text=text, now=now or timezone.now(),
                             locked=False)
    except ValidationError:
        raise
    except Exception:
        logger.exception("Sophie failed to answer in conversation %s", conversation.pk)
        return _store_after_failure(conversation, text)


@transaction.atomic
def _store_after_failure(conversation: Conversation, text: str) -> Exchange:
    conversation = _locked(conversation)
    user_turn = _add_turn(conversation, Turn.Role.USAGER, text, needs_review=True)
    apology = texts.common("unreadable")
    bot_turn = _add_turn(conversation, Turn.Role.SOPHIE, apology)
    conversation.needs_review = True
    conversation.save()
    return Exchange(conversation=conversation, reply=Reply(text=apology),
                    turns=[user_turn, bot_turn])


def _converse(*, conversation: Conversation, text: str, now: datetime, locked: bool
              ) -> Exchange:
    if not locked:
        conversation = _locked(conversation)
    if conversation.status in (Conversation.Status.WAITING, Conversation.Status.AGENT):
        user_turn = _add_turn(conversation, Turn.Role.USAGER, text)
        return _during_handoff(conversation, user_turn)
    # The resident's turn is written with Sophie's in one statement; the hooks see it as
    # pending (the transcript of a request includes it).
    user_turn = Turn(conversation=conversation, seq=conversation.turn_count + 1,
                     role=Turn.Role.USAGER, text=text)
    conversation.turn_count += 1
    state = State.load(conversation.state)
    hooks = ConversationHooks(conversation, now, user_turn)
    outcome = respond(state=state, text=text, engine=selectors.load_engine(), hooks=hooks,
                      now=now)
    reply, understanding = outcome.reply, outcome.understanding
    if understanding is not None:
        user_turn.intent = understanding.intent or ""
        user_turn.confidence = understanding.confidence
        user_turn.entities = _jsonable(understanding.entities)
    user_turn.needs_review = reply.review
    conversation.turn_count += 1
    bot_turn = Turn(conversation=conversation, seq=conversation.turn_count,
                    role=Turn.Role.SOPHIE, text=reply.text, intent=reply.intent or "",
                    quick_replies=reply.quick_replies)
    conversation.state = state.dump()
    if reply.intent:
        conversation.last_intent = reply.intent
    conversation.needs_review = conversation.needs_review or reply.review
    _store_conversation(conversation)
    if user_turn.pk is None:
        storage.insert([user_turn, bot_turn])
    else:  # stored early because a request needed it in its transcript
        storage.insert([bot_turn])
        user_turn.save(update_fields=["intent", "confidence", "entities", "needs_review"])
    return Exchange(conversation=conversation, reply=reply, turns=[user_turn, bot_turn])


def _during_handoff(conversation: Conversation, user_turn: Turn) -> Exchange:
    """A person is (or will be) answering: Sophie stays silent, except to reassure once."""
    turns = [user_turn]
    handoff = handoff_payload(conversation)
    text = ""
    if conversation.status == Conversation.Status.WAITING:
        last_bot = conversation.turns.filter(role=Turn.Role.SOPHIE).order_by("-seq").first()
        reassurance = texts.common("handoff_still_waiting")
        if last_bot is None or last_bot.text != reassurance:
            text = reassurance
            turns.append(_add_turn(conversation, Turn.Role.SOPHIE, text))
    conversation.save()
    return Exchange(conversation=conversation, reply=Reply(text=text, handoff=handoff),
                    turns=turns)


def _jsonable(entities: dict) -> dict:
    out = {}
    for key, value in (entities or {}).items():
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def handoff_payload(conversation: Conversation) -> dict | None:
    if conversation.status == Conversation.Status.WAITING:
        return {"status": "waiting", "agent": None}
    if conversation.status == Conversation.Status.AGENT:
        name = conversation.agent.first_name if conversation.agent_id else ""
        return {"status": "agent", "agent": name or _("Un conseiller")}
    return None


# --- Photos ---------------------------------------------------------------------------------------

def check_photo(*, filename: str, content_type: str, content: bytes) -> str:
    content_type = (content_type or "").split(";")[0].strip().lower()
    signatures = PHOTO_TYPES.get(content_type)
    if signatures is None or not content:
        raise ValidationError(_("Seules les photos sont acceptées (JPEG, PNG, GIF, WebP, HEIC)."),
                              code="photo_type")
    if len(content) > settings.MDS_MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("La photo dépasse %(max)s Mo."), code="photo_size",
                              params={"max": settings.MDS_MAX_ATTACHMENT_BYTES // (1024 * 1024)})
    if not any(content.startswith(sig) for sig in signatures):
        raise ValidationError(_("Ce fichier n’est pas une photo lisible."), code="photo_content")
    return content_type


@transaction.atomic
def upload_photo(*, conversation: Conversation, filename: str, content_type: str,
                 content: bytes, now: datetime | None = None) -> Exchange:
    content_type = check_photo(filename=filename, content_type=content_type, content=content)
    now = now or timezone.now()
    conversation = _locked(conversation)
    from guichet.attachments import safe_filename

    name = safe_filename(filename or "photo.jpg")
    turn = Turn(conversation=conversation, role=Turn.Role.USAGER, text=_("📷 Photo envoyée"),
                photo_name=name, photo_type=content_type)
    conversation.turn_count += 1
    turn.seq = conversation.turn_count
    turn.photo.save(name, ContentFile(content), save=False)
    turn.save()
    if conversation.status != Conversation.Status.BOT:
        conversation.save()
        return Exchange(conversation=conversation,
                        reply=Reply(text="", handoff=handoff_payload(conversation)), turns=[turn])
    state = State.load(conversation.state)
    hooks = ConversationHooks(conversation, now, turn)
    reply = photo_received(state, hooks, now, turn.seq)
    bot_turn = _add_turn(conversation, Turn.Role.SOPHIE, reply.text, intent=reply.intent or "",
                         quick_replies=reply.quick_replies)
    conversation.state = state.dump()
    conversation.save()
    return Exchange(conversation=conversation, reply=reply, turns=[turn, bot_turn])


# --- What the dialogue asks of the world ---------------------------------------------------------

class ConversationHooks:
    def __init__(self, conversation: Conversation, now: datetime, turn: Turn):
        self.conversation = conversation
        self.now = now
        self.turn = turn

    def last_ticket(self) -> str | None:
        return self.conversation.tickets[-1] if self.conversation.tickets else None

    def handoff(self) -> dict | None:
        if not (calendar.is_open(self.now) and agents_available(self.now)):
            return None
        conversation = self.conversation
        conversation.status = Conversation.Status.WAITING
        conversation.handoff_at = self.now
        return {"status": "waiting", "agent": None}

    def rate(self, value: int) -> None:
        record_rating(conversation=self.conversation, value=value, now=self.now)

    def open_ticket(self, *, intent: str, flow: TicketFlow, slots: dict,
                    photos: list[int]) -> dict:
        if self.conversation._state.adding:  # a request in the very first message
            storage.insert([self.conversation])
        if self.turn.pk is None:  # the transcript must include the message that confirms
            self.turn.save()
        return open_ticket(conversation=self.conversation, intent=intent, flow=flow,
                           slots=slots, photos=photos, now=self.now,
                           external_id=f"sophie:{self.conversation.pk}:{self.turn.seq}")


def transcript(conversation: Conversation, limit_chars: int = 15_000) -> str:
    lines = []
    for turn in conversation.turns.order_by("seq"):
        when = timezone.localtime(turn.created_at).strftime("%d/%m %H:%M")
        who = turn.get_role_display()
        text = turn.text or ""
        if turn.photo:
            text = f"{text} [{turn.photo_name}]"
        lines.append(f"[{when}] {who} : {text}")
    body = "\n".join(lines)
    return body if len(body) <= limit_chars else "…\n" + body[-limit_chars:]


def _ticket_body(conversation: Conversation, intent: str, flow: TicketFlow, slots: dict,
                 photos: list[int]) -> str:
    from .dialogue.flows import summary

    state = State(intent=intent, slots=slots, photos=list(photos))
    head = [
        _("Demande transmise par Sophie, l’assistante virtuelle (conversation %(id)s).")
        % {"id": conversation.pk},
        _("Intention reconnue : %(label)s (%(code)s)") % {
            "label": catalogue.label(intent), "code": intent},
        summary(state, flow),
        "",
        _("— Conversation —"),
    ]
    return "\n".join(head) + "\n" + transcript(conversation)


def _photos(conversation: Conversation, seqs) -> list[guichet_services.IncomingFile]:
    files = []
    for turn in conversation.turns.filter(seq__in=list(seqs)).exclude(photo=""):
        with turn.photo.open("rb") as handle:
            files.append(guichet_services.IncomingFile(
                filename=turn.photo_name or "photo.jpg", content_type=turn.photo_type,
                content=handle.read()))
    return files


def open_ticket(*, conversation: Conversation, intent: str, flow: TicketFlow, slots: dict,
                photos: list[int], now: datetime, external_id: str) -> dict:
    """One request for agents, through the single funnel, with the transcript and photos."""
    theme = Theme.objects.filter(code=flow.theme).first()
    subtheme = SubTheme.objects.filter(theme=theme, code=flow.subtheme).first() if theme else None
    commune = Commune.objects.filter(name=slots.get("commune")).first() \
        if slots.get("commune") else None
    street = Street.objects.filter(pk=slots.get("street_id")).first() \
        if slots.get("street_id") else None
    address = ""
    if street:
        address = f"{slots.get('number') + ' ' if slots.get('number') else ''}{street.name}"
    elif slots.get("place"):
        address = slots["place"]
    subject = flow.subject + (f" — {commune.name}" if commune else "")
    reception = guichet_services.receive(
        channel="chatbot", body=_ticket_body(conversation, intent, flow, slots, photos),
        subject=subject, email=slots.get("email"), phone=slots.get("phone"),
        commune=commune, street=street, address=address, nature=flow.nature, theme=theme,
        subtheme=subtheme, external_id=external_id[:255], received_at=now,
        attachments=_photos(conversation, photos), force_new_ticket=True,
        callback_requested=flow.callback,
        metadata={"conversation": str(conversation.pk), "intent": intent})
    ticket = reception.ticket
    if ticket.reference not in conversation.tickets:
        conversation.tickets = [*conversation.tickets, ticket.reference]
    if reception.usager is not None:
        link_usager(conversation=conversation, usager=reception.usager, now=now)
    from guichet.chatbot_selectors import tracking_link

    due = timezone.localtime(ticket.due_at).date() if ticket.due_at else None
    return {"reference": ticket.reference, "due": french_day(due) if due else "",
            "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
            "link": tracking_link(ticket)}


def link_usager(*, conversation: Conversation, usager, now: datetime) -> None:
    """A known usager: the conversation joins their 360° history (once)."""
    conversation.usager = usager
    labels = [catalogue.label(i) for i in _intents_of(conversation)][:4]
    summary = _("Conversation avec Sophie") + (" : " + ", ".join(labels) if labels else "")
    crm_services.record_contact(
        usager=usager, kind=TimelineEntry.Kind.CHAT, occurred_at=conversation.created_at or now,
        channel="chatbot", source_type="chatbot.conversation", source_id=str(conversation.pk),
        ticket_reference=conversation.tickets[-1] if conversation.tickets else "",
        summary=summary)


def _intents_of(conversation: Conversation) -> list[str]:
    seen: list[str] = []
    for intent in conversation.turns.filter(role=Turn.Role.USAGER).exclude(intent="") \
            .values_list("intent", flat=True):
        if intent not in seen:
            seen.append(intent)
    return seen


# --- Rating ---------------------------------------------------------------------------------------

def record_rating(*, conversation: Conversation, value: int, now: datetime | None = None) -> None:
    """Stored on the conversation, and given to the surveys room when it takes it."""
    if not 1 <= int(value) <= 5:
        raise ValidationError(_("La note va de 1 à 5."), code="invalid_rating")
    now = now or timezone.now()
    conversation.rating = int(value)
    conversation.rated_at = now
    Conversation.objects.filter(pk=conversation.pk).update(rating=int(value), rated_at=now)
    recorder = _surveys_recorder()
    if recorder is None:
        return
    spec = catalogue.spec(conversation.last_intent)
    theme = Theme.objects.filter(code=spec.theme).first() if spec else None
    memory = conversation.state.get("memory", {}) if conversation.state else {}
    commune = Commune.objects.filter(name=memory.get("commune")).first() \
        if memory.get("commune") else None
    try:
        with transaction.atomic():
            recorder(conversation_ref=str(conversation.pk), rating=int(value),
                     usager=conversation.usager, theme=theme, commune=commune, at=now)
    except (TypeError, ValidationError):
        logger.exception("chat rating of conversation %s not recorded by surveys",
                         conversation.pk)


def _surveys_recorder():
    try:
        return getattr(import_module("surveys.services"), "record_chat_rating", None)
    except ImportError:
        return None


# --- Hand-off to a person -----------------------------------------------------------------------

def agents_available(now: datetime | None = None) -> bool:
    now = now or timezone.now()
    since = now - timedelta(seconds=PRESENCE_SECONDS)
    return AgentPresence.objects.filter(accepting=True, last_seen_at__gte=since).exists()


def heartbeat(*, agent, accepting: bool = True, now: datetime | None = None) -> AgentPresence:
    presence, _created = AgentPresence.objects.update_or_create(
        user=agent, defaults={"last_seen_at": now or timezone.now(), "accepting": accepting})
    return presence


@transaction.atomic
def take_conversation(*, conversation: Conversation, agent) -> Conversation:
    conversation = _locked(conversation)
    if conversation.status == Conversation.Status.AGENT and conversation.agent_id not in (
            None, agent.pk):
        raise ValidationError(_("Un autre conseiller a déjà pris cette conversation."),
                              code="already_taken")
    if conversation.status not in (Conversation.Status.WAITING, Conversation.Status.AGENT):
        raise ValidationError(_("Cette conversation n’attend plus de conseiller."),
                              code="not_waiting")
    if conversation.status == Conversation.Status.WAITING:
        conversation.status = Conversation.Status.AGENT
        conversation.agent = agent
        name = agent.first_name or agent.get_username()
        _add_turn(conversation, Turn.Role.SYSTEM, texts.common("handoff_taken", agent=name))
        conversation.save()
    return conversation


@transaction.atomic
def agent_reply(*, conversation: Conversation, agent, text: str) -> Turn:
    text = validate_text(text)
    conversation = _locked(conversation)
    if conversation.status != Conversation.Status.AGENT or conversation.agent_id != agent.pk:
        raise ValidationError(_("Prenez d’abord la conversation en charge."),
                              code="not_your_conversation")
    turn = _add_turn(conversation, Turn.Role.AGENT, text, author=agent)
    conversation.save()
    return turn


@transaction.atomic
def end_handoff(*, conversation: Conversation, agent) -> Conversation:
    conversation = _locked(conversation)
    if conversation.status not in (Conversation.Status.WAITING, Conversation.Status.AGENT):
        return conversation
    conversation.status = Conversation.Status.BOT
    state = State.load(conversation.state)
    state.finish()
    text = texts.common("handoff_ended")
    quick: list[str] = []
    if not state.rated:
        state.awaiting = "rating"
        text += "\n\n" + texts.common("ask_rating")
        quick = ["1", "2", "3", "4", "5"]
    conversation.state = state.dump()
    _add_turn(conversation, Turn.Role.SYSTEM, text, quick_replies=quick, author=agent)
    conversation.save()
    if conversation.usager_id:
        link_usager(conversation=conversation, usager=conversation.usager, now=timezone.now())
    return conversation


# --- Housekeeping ------------------------------------------------------------------------------

RETENTION_DAYS = 365
ABANDONED_HANDOFF_MINUTES = 10


def purge_conversations(*, now: datetime | None = None) -> int:
    """Delete conversations (and their photos) untouched for RETENTION_DAYS."""
    limit = (now or timezone.now()) - timedelta(days=RETENTION_DAYS)
    old = Conversation.objects.filter(updated_at__lt=limit)
    for turn in Turn.objects.filter(conversation__in=old).exclude(photo=""):
        turn.photo.delete(save=False)
    deleted, _by_model = old.delete()
    return deleted


def release_abandoned_handoffs(*, now: datetime | None = None) -> int:
    """Nobody took a waiting conversation: Sophie apologises and offers a callback."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=ABANDONED_HANDOFF_MINUTES)
    released = 0
    for pk in Conversation.objects.filter(status=Conversation.Status.WAITING,
                                          handoff_at__lt=limit).values_list("pk", flat=True):
        with transaction.atomic():
            conversation = Conversation.objects.select_for_update().get(pk=pk)
            if conversation.status != Conversation.Status.WAITING:
                continue
            conversation.status = Conversation.Status.BOT
            state = State.load(conversation.state)
            state.start("parler_conseiller")
            state.slots["_callback"] = True
            state.awaiting = "handoff_offer"
            conversation.state = state.dump()
            _add_turn(conversation, Turn.Role.SOPHIE, texts.common("handoff_busy"),
                      quick_replies=["Oui, être rappelé(e)", "Non merci"])
            conversation.save()
            released += 1
    return released
