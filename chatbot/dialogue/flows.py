"""Serving an intent once understood: ask what is missing, answer, or collect a request."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from django.core.exceptions import ValidationError

from chatbot import answers, catalogue, texts
from chatbot.catalogue import TicketFlow

from . import slots as slot_tools
from .reply import Reply
from .state import State

RATING_REPLIES = ["1", "2", "3", "4", "5"]
YES_NO = ["Oui", "Non merci"]


class Hooks(Protocol):
    """What the dialogue asks of the outside world (the service layer provides it)."""

    def open_ticket(self, *, intent: str, flow: TicketFlow, slots: dict,
                    photos: list[int]) -> dict: ...

    def handoff(self) -> dict | None: ...

    def rate(self, value: int) -> None: ...

    def last_ticket(self) -> str | None: ...


def _missing_for_answer(state: State, slot: str) -> bool:
    slots = state.slots
    if slot == "street":
        return not slots.get("street") and slot_tools.commune_needs_street(slots.get("commune"))
    return not slots.get(slot)


def _missing_for_ticket(state: State, slot: str, flow: TicketFlow) -> bool:
    slots = state.slots
    if slot in ("place",):
        return not slots.get("place") and not slots.get("street")
    if slot == "details":
        # The first message often says it all ("dépôt de gravats derrière l'église").
        return not slots.get("details") and len(state.origin.split()) < 8
    return not slots.get(slot)


def serve(state: State, hooks: Hooks, now: datetime, entities: dict | None = None) -> Reply:
    """Advance the current intent: the next question, the answer, or the ticket."""
    intent = state.intent
    spec = catalogue.spec(intent)
    if spec is None:
        state.finish()
        return Reply(text=texts.common("fallback"))
    for slot in spec.needs:
        if _missing_for_answer(state, slot):
            return slot_tools.question(state, slot)
    flow = spec.ticket
    if intent == "parler_conseiller" and not state.slots.get("_callback"):
        return handoff(state, hooks, now)
    if flow is not None and (not flow.offer or state.slots.get("_accepted")):
        return collect(state, hooks, flow, now, entities or {})
    ctx = answers.Context(intent=intent, slots=dict(state.slots), now=now,
                          entities=entities or {})
    reply = answers.answer(ctx)
    if flow is not None and flow.offer:
        state.awaiting = "offer"
        reply.quick_replies = [flow.offer, "Non merci"]
        return reply
    return close_intent(state, reply)


def serve_unknown_item(state: State) -> Reply:
    """tri_ou_jeter for an object the guide does not know."""
    from django.utils import timezone

    ctx = answers.Context(intent=state.intent or "tri_ou_jeter", slots={}, now=timezone.now())
    return close_intent(state, answers.answer(ctx))


def close_intent(state: State, reply: Reply) -> Reply:
    intent = state.intent
    state.finish()
    if intent == "au_revoir" and not state.rated:
        state.awaiting = "rating"
        return reply.then(Reply(text=texts.common("ask_rating"), quick_replies=RATING_REPLIES))
    return reply


def collect(state: State, hooks: Hooks, flow: TicketFlow, now: datetime,
            entities: dict) -> Reply:
    """A request for agents: intro, then each missing slot, photo, contact, confirmation."""
    intro = None
    if not state.slots.get("_intro"):
        state.slots["_intro"] = True
        if not flow.offer and state.intent != "parler_conseiller":
            ctx = answers.Context(intent=state.intent, slots=dict(state.slots), now=now,
                                  entities=entities)
            intro = answers.answer(ctx)
    reply = _next_step(state, flow)
    if reply is None:
        reply = confirm(state, flow)
    return intro.then(reply) if intro else reply


def _next_step(state: State, flow: TicketFlow) -> Reply | None:
    for slot in flow.slots:
        if slot == "street" and not state.slots.get("commune"):
            continue
        if _missing_for_ticket(state, slot, flow):
            return slot_tools.question(state, slot)
    if flow.photo and not state.photos and not state.slots.get("_no_photo"):
        return slot_tools.question(state, "photo")
    if "phone" in flow.slots:
        return None
    has_contact = state.slots.get("email") or state.slots.get("phone")
    if not has_contact and not state.slots.get("_no_contact"):
        return slot_tools.question(state, "contact", optional_contact=not flow.contact_required)
    return None


def summary(state: State, flow: TicketFlow) -> str:
    slots = state.slots
    lines = [f"• Objet : {flow.subject}"]
    wants_place = bool({"commune", "street", "place"} & set(flow.slots))
    if not wants_place:
        pass
    elif slots.get("street"):
        number = f"{slots['number']} " if slots.get("number") else ""
        lines.append(f"• Adresse : {number}{slots['street']}, {slots.get('commune', '')}")
    elif slots.get("place"):
        lines.append(f"• Lieu : {slots['place']}, {slots.get('commune', '')}")
    elif slots.get("commune"):
        lines.append(f"• Commune : {slots['commune']}")
    if slots.get("flux"):
        lines.append(f"• Bac : {slot_tools.flux_label(slots['flux']).lower()}")
    for key, label in (("objects", "Objets"), ("details", "Précisions")):
        if slots.get(key):
            lines.append(f"• {label} : {slots[key]}")
    if flow.photo:
        count = len(state.photos)
        lines.append(f"• Photo : {count} jointe{'s' if count > 1 else ''}" if count
                     else "• Photo : aucune")
    contact = " / ".join(v for v in (slots.get("email"), slots.get("phone")) if v)
    lines.append(f"• Pour vous répondre : {contact}" if contact else
                 "• Pour vous répondre : sans coordonnées (vous suivrez la demande avec sa "
                 "référence)")
    if flow.callback:
        lines.append("• Un conseiller vous rappellera")
    return "\n".join(lines)


def confirm(state: State, flow: TicketFlow) -> Reply:
    state.awaiting = "confirm"
    return Reply(text=texts.common("confirm", summary=summary(state, flow)),
                 quick_replies=list(slot_tools.CONFIRM_LABELS))


def open_ticket(state: State, hooks: Hooks) -> Reply:
    spec = catalogue.spec(state.intent)
    flow = spec.ticket if spec else None
    if flow is None:
        state.finish()
        return Reply(text=texts.common("cancelled"))
    try:
        ticket = hooks.open_ticket(intent=state.intent, flow=flow, slots=dict(state.slots),
                                   photos=list(state.photos))
    except ValidationError as error:
        reason = " ".join(error.messages)
        state.awaiting = "confirm"
        return Reply(text=texts.common("ticket_failed", reason=reason),
                     quick_replies=list(slot_tools.CONFIRM_LABELS))
    state.finish()
    text = texts.common("ticket_opened", reference=ticket["reference"], due=ticket["due"],
                        link=ticket.get("link") or "")
    if not ticket.get("link"):
        text = text.replace("Vous pouvez suivre son avancement ici :", "").strip()
    return Reply(text=text, ticket=ticket, quick_replies=["Autre question", "C’est tout, merci"])


def handoff(state: State, hooks: Hooks, now: datetime) -> Reply:
    """parler_conseiller: a live agent when one is there, else a callback request."""
    from chatbot.answers.general import business_hours_words, opening_sentence
    from maison import calendar

    live = hooks.handoff()
    if live is not None:
        state.finish()
        return Reply(text=texts.common("handoff_waiting"), handoff=live,
                     intent="parler_conseiller")
    state.slots["_callback"] = True
    state.awaiting = "handoff_offer"
    if calendar.is_open(now):
        text = texts.common("handoff_busy")
    else:
        text = texts.common("handoff_closed", hours=business_hours_words(),
                            next_opening=opening_sentence(now))
    return Reply(text=text, quick_replies=["Oui, être rappelé(e)", "Non merci"],
                 intent="parler_conseiller")
