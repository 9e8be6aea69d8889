"""Sophie's dialogue: one message in, one reply out, the state kept between turns.

Order of precedence for a message:
1. unusable input (empty, garbage, emoji only) and the "recommencer" command;
2. the answer to the question Sophie just asked (a slot, a confirmation, a rating…);
3. a quick-reply shortcut, a follow-up ("et le verre ?", "et à Villers ?");
4. the engine's understanding: out of scope → fallback, two close intents → clarifying
   question, otherwise serve the intent (ask what is missing, answer, or collect a request).
A confident new question always wins over a pending question whose answer could not be read:
residents change their mind, and Sophie must follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from chatbot import catalogue, selectors, texts
from chatbot.nlu import Understanding

from . import flows, parsing
from . import slots as slot_tools
from .reply import Reply
from .state import State

SWITCH_CONFIDENCE = 0.6  # a new question this sure interrupts a pending one
REVIEW_CONFIDENCE = 0.6  # below this, the message is shown to supervisors
MAX_TRIES = 2
FOLLOW_UP_MAX_WORDS = 7
FOLLOW_UP_LEADS = ("et", "pour", "puis", "aussi", "meme")
FREE_TEXT_SLOTS = ("details", "objects", "place")
SIGNALEMENT_MENU = {
    "Dépôt sauvage": "signalement_depot_sauvage",
    "Conteneur plein": "pav_plein",
    "Bac non collecté": "collecte_oubli",
    "Bac cassé ou volé": "bac_casse_vole",
    "Autre problème": "signalement_autre",
}
SHORTCUTS = {parsing.key(label): intent for label, intent in {
    **{k: v for k, v in catalogue.TOPIC_SHORTCUTS.items()},
    "Un autre objet": "tri_ou_jeter",
    "Points d’apport près de chez moi": "pav_localisation",
    "Signaler un conteneur plein": "pav_plein",
    "Consignes du bac jaune": "tri_consignes_emballages",
    "Adresse des déchèteries": "decheterie_adresse",
    "Déchets acceptés": "decheterie_dechets_acceptes",
    "Autre question": "__other",
    "C’est tout, merci": "au_revoir",
}.items()}
# Intents that a follow-up can repeat with a new commune, flux, item, déchèterie or date.
REPEATABLE = {
    "collecte_jours", "collecte_calendrier", "collecte_jour_ferie", "tri_ou_jeter",
    "tri_verre", "tri_textiles", "pav_localisation", "decheterie_horaires",
    "decheterie_adresse", "decheterie_dechets_acceptes", "tri_dechets_dangereux",
    "mairie_contact", "hors_competence", "dechets_verts", "sacs_distribution",
    "cdc_horaires_accueil",
}


@dataclass
class Outcome:
    reply: Reply
    understanding: Understanding | None


def respond(*, state: State, text: str, engine, hooks: flows.Hooks,
            now: datetime | None = None) -> Outcome:
    now = now or timezone.now()
    cleaned = parsing.clean(text if isinstance(text, str) else "")
    if not cleaned:
        return Outcome(Reply(text=texts.common("empty")), None)
    if parsing.is_restart(cleaned):
        state.reset()
        return Outcome(Reply(text=texts.common("restart"),
                             quick_replies=list(catalogue.MAIN_TOPICS)), None)
    if state.awaiting == "rating":
        value = parsing.rating(cleaned)
        if value is not None:
            return Outcome(_rate(state, hooks, value), None)
    if parsing.is_emoji_only(cleaned):
        return Outcome(Reply(text=texts.common("emoji_only"),
                             quick_replies=list(catalogue.MAIN_TOPICS)), None)
    if parsing.looks_unreadable(cleaned):
        return Outcome(Reply(text=texts.common("unreadable"), review=True), None)
    understood_text = cleaned[:parsing.MAX_UNDERSTOOD_CHARS]
    understanding = engine.understand(understood_text, today=timezone.localtime(now).date())
    reply = _route(state, cleaned, understanding, hooks, now)
    if len(cleaned) > parsing.MAX_UNDERSTOOD_CHARS * 3:
        reply = Reply(text=texts.common("too_long")).then(reply)
    return Outcome(reply, understanding)


def _route(state: State, text: str, u: Understanding, hooks, now) -> Reply:
    serving = state.intent
    reply = _dispatch(state, text, u, hooks, now)
    reply.intent = reply.intent or serving or state.intent
    return reply


def _dispatch(state: State, text: str, u: Understanding, hooks, now) -> Reply:
    entities = u.entities or {}
    if state.awaiting:
        reply = _continue(state, text, u, hooks, now)
        if reply is not None:
            return reply
        state.awaiting = None
    shortcut = SHORTCUTS.get(parsing.key(text))
    if shortcut:
        return _shortcut(state, shortcut, text, entities, hooks, now)
    follow = _follow_up(state, text, entities, hooks, now)
    if follow is not None:
        return follow
    if u.intent is None:
        return _fallback(state, u)
    if u.ambiguous and u.runner_up:
        return _clarify(state, u)
    return start(state, u.intent, text, entities, hooks, now, review=u.confidence <
                 REVIEW_CONFIDENCE)


def start(state: State, intent: str, text: str, entities: dict, hooks, now,
          review: bool = False) -> Reply:
    state.fallbacks = 0
    state.start(intent, origin=text)
    spec = catalogue.spec(intent)
    if spec and spec.ticket and "place" in spec.ticket.slots:
        # A report is about where the problem is, not where the resident lives.
        for key in ("commune", "street", "street_id", "number"):
            state.slots.pop(key, None)
    slot_tools.prefill(state, entities)
    if intent == "suivi_demande" and not state.slots.get("reference"):
        last = hooks.last_ticket()
        if last:
            state.slots["reference"] = last
    reply = flows.serve(state, hooks, now, entities)
    reply.intent = reply.intent or intent
    reply.review = reply.review or review
    return reply


def _shortcut(state, target, text, entities, hooks, now) -> Reply:
    if target == "__other":
        state.finish()
        return Reply(text=texts.common("anything_else"), quick_replies=list(catalogue.MAIN_TOPICS))
    if target == "signalement_autre" and parsing.key(text) == "faire un signalement":
        state.finish()
        state.awaiting = "signalement_menu"
        return Reply(text=texts.say("signalement_autre", "menu"),
                     quick_replies=list(SIGNALEMENT_MENU))
    if target == "tri_ou_jeter":
        entities = {k: v for k, v in entities.items() if k != "item"}
    return start(state, target, text, entities, hooks, now)


def _fallback(state: State, u: Understanding) -> Reply:
    state.finish()
    state.fallbacks += 1
    if state.fallbacks >= 2:
        state.awaiting = "handoff_confirm"
        return Reply(text=texts.common("fallback_again"),
                     quick_replies=["Parler à un conseiller", "Non merci"], review=True)
    return Reply(text=texts.common("fallback"),
                 quick_replies=["Parler à un conseiller", *catalogue.MAIN_TOPICS[:3]],
                 review=True)


def _clarify(state: State, u: Understanding) -> Reply:
    state.finish()
    options = [u.alternatives[0][0], u.alternatives[1][0]]
    state.awaiting = "clarify"
    state.options = options
    state.origin = u.text
    labels = [catalogue.label(i) for i in options]
    return Reply(text=texts.common("clarify"),
                 quick_replies=[*labels, texts.common("clarify_other")], review=True)


def _follow_up(state: State, text: str, entities: dict, hooks, now) -> Reply | None:
    """« et le verre ? », « et à Villers ? », « et pour un frigo ? » after an answer."""
    words = parsing.key(text).split()
    last = state.last_intent
    if not last or last not in REPEATABLE or not words or len(words) > FOLLOW_UP_MAX_WORDS \
            or words[0] not in FOLLOW_UP_LEADS:
        return None
    slots = dict(state.last_slots)
    intent = last
    if entities.get("flux") and last in ("collecte_jours", "collecte_jour_ferie",
                                         "collecte_calendrier"):
        intent = "collecte_jours"
        slots["flux"] = entities["flux"]
    elif entities.get("commune") or entities.get("adresse"):
        pass  # prefill below sets the new place
    elif entities.get("item") and last in ("tri_ou_jeter", "decheterie_dechets_acceptes",
                                           "tri_dechets_dangereux"):
        slots["item"] = entities["item"]
    elif entities.get("decheterie") and last.startswith("decheterie_"):
        slots["decheterie"] = entities["decheterie"]
    elif entities.get("date") and last in ("decheterie_horaires", "collecte_jour_ferie"):
        pass
    else:
        return None
    state.fallbacks = 0
    state.start(intent, origin=text)
    state.slots.update({k: v for k, v in slots.items() if not k.startswith("_")})
    slot_tools.prefill(state, {k: v for k, v in entities.items() if k != "item" or
                               intent != "collecte_jours"})
    reply = flows.serve(state, hooks, now, entities)
    reply.intent = reply.intent or intent
    return reply


# --- Answers to Sophie's own questions --------------------------------------------------------

def _switches(state: State, u: Understanding) -> bool:
    """A confident, different question interrupts the pending one."""
    return bool(u.intent) and not u.ambiguous and u.confidence >= SWITCH_CONFIDENCE \
        and u.intent != state.intent


def _continue(state: State, text: str, u: Understanding, hooks, now) -> Reply | None:
    step = state.awaiting
    entities = u.entities or {}
    if step in ("confirm", "photo", "contact", "phone", "commune", "street", "flux", "item",
                "reference", *FREE_TEXT_SLOTS) and state.intent and parsing.is_cancel(text):
        state.finish()
        return Reply(text=texts.common("cancelled"), quick_replies=list(catalogue.MAIN_TOPICS))
    handler = STEPS.get(step)
    if handler is None:
        return None
    return handler(state, text, u, entities, hooks, now)


def _retry(state: State, slot: str, u: Understanding, optional_contact=False) -> Reply | None:
    if _switches(state, u):
        return None
    state.tries += 1
    if state.tries > MAX_TRIES:
        state.finish()
        return Reply(text=texts.common("fallback_again"),
                     quick_replies=["Parler à un conseiller", "Non merci"], review=True)
    reply = slot_tools.question(state, slot, optional_contact=optional_contact)
    reply.review = True
    return reply


def _after_slot(state: State, hooks, now, entities) -> Reply:
    state.awaiting = None
    state.tries = 0
    return flows.serve(state, hooks, now, entities)


def _step_commune(state, text, u, entities, hooks, now):
    commune = slot_tools.read_commune(text, entities)
    if commune is None:
        return _retry(state, "commune", u)
    slot_tools.set_commune(state.slots, commune)
    slot_tools.prefill(state, {"adresse": entities.get("adresse"), "flux": entities.get("flux")})
    return _after_slot(state, hooks, now, entities)


def _step_street(state, text, u, entities, hooks, now):
    other_commune = entities.get("commune")
    if other_commune and other_commune != state.slots.get("commune") and not \
            entities.get("adresse"):
        slot_tools.set_commune(state.slots, other_commune)
        return _after_slot(state, hooks, now, entities)
    if not entities.get("adresse") and _switches(state, u):
        return None
    ref = slot_tools.read_street(state, text, entities)
    if ref is None:
        return _retry(state, "street", u)
    slot_tools.set_street(state.slots, ref, parsing.house_number(text))
    return _after_slot(state, hooks, now, entities)


def _step_free_text(state, text, u, entities, hooks, now):
    slot = state.awaiting
    if len(parsing.key(text)) < 2:
        return _retry(state, slot, u)
    if slot == "place":
        if entities.get("commune"):
            slot_tools.set_commune(state.slots, entities["commune"])
        ref = slot_tools.read_street(state, text, entities)
        if ref is not None:
            slot_tools.set_street(state.slots, ref, parsing.house_number(text))
    state.slots[slot] = text[:500]
    return _after_slot(state, hooks, now, entities)


def _step_flux(state, text, u, entities, hooks, now):
    flux = slot_tools.read_flux(text)
    if flux is None:
        return _retry(state, "flux", u)
    state.slots["flux"] = flux
    return _after_slot(state, hooks, now, entities)


def _step_photo(state, text, u, entities, hooks, now):
    folded = parsing.key(text)
    if folded in parsing.NO_PHOTO_WORDS or parsing.yes_no(text) is False or \
            folded == parsing.key(slot_tools.NO_PHOTO_LABEL):
        state.slots["_no_photo"] = True
        return _after_slot(state, hooks, now, entities)
    return _retry(state, "photo", u)


def _step_contact(state, text, u, entities, hooks, now):
    spec = catalogue.spec(state.intent)
    optional = bool(spec and spec.ticket and not spec.ticket.contact_required)
    found = slot_tools.read_contact(text)
    if found:
        state.slots.update(found)
        return _after_slot(state, hooks, now, entities)
    folded = parsing.key(text)
    if optional and (folded in parsing.NO_CONTACT_WORDS or parsing.yes_no(text) is False
                     or folded == parsing.key(slot_tools.NO_CONTACT_LABEL)):
        state.slots["_no_contact"] = True
        return _after_slot(state, hooks, now, entities)
    return _retry(state, "contact", u, optional_contact=optional)


def _step_phone(state, text, u, entities, hooks, now):
    phone = parsing.find_phone(text)
    if phone is None:
        return _retry(state, "phone", u)
    state.slots["phone"] = phone
    return _after_slot(state, hooks, now, entities)


def _step_item(state, text, u, entities, hooks, now):
    item = entities.get("item") or _fuzzy_item(text)
    if item is None:
        if _switches(state, u):
            return None
        state.slots["item"] = None
        state.awaiting = None
        reply = flows.serve_unknown_item(state)
        reply.review = True
        return reply
    state.slots["item"] = item
    return _after_slot(state, hooks, now, entities)


def _fuzzy_item(text: str) -> str | None:
    from rapidfuzz import fuzz, process

    from chatbot.nlu.normalize import fold

    best = process.extractOne(fold(text), selectors.sorting_item_names(), scorer=fuzz.WRatio,
                              score_cutoff=88)
    return best[2] if best else None


def _step_reference(state, text, u, entities, hooks, now):
    from guichet.services import parse_reference

    reference = entities.get("reference") or parse_reference(text)
    if reference is None:
        return _retry(state, "reference", u)
    state.slots["reference"] = reference
    return _after_slot(state, hooks, now, entities)


def _step_confirm(state, text, u, entities, hooks, now):
    answer = parsing.yes_no(text)
    folded = parsing.key(text)
    if answer is True or folded == parsing.key(slot_tools.CONFIRM_LABELS[0]):
        return flows.open_ticket(state, hooks)
    if answer is False or folded == parsing.key(slot_tools.CONFIRM_LABELS[1]):
        state.finish()
        return Reply(text=texts.common("cancelled"), quick_replies=list(catalogue.MAIN_TOPICS))
    if _switches(state, u):
        return None
    reply = Reply(text=texts.common("ask_yes_no"),
                  quick_replies=list(slot_tools.CONFIRM_LABELS))
    return reply


def _step_offer(state, text, u, entities, hooks, now):
    spec = catalogue.spec(state.intent)
    offer = spec.ticket.offer if spec and spec.ticket else ""
    answer = parsing.yes_no(text)
    if answer is True or (offer and parsing.key(text) == parsing.key(offer)):
        state.slots["_accepted"] = True
        state.awaiting = None
        return flows.serve(state, hooks, now, entities)
    if answer is False:
        state.finish()
        return Reply(text=texts.common("anything_else"), quick_replies=list(catalogue.MAIN_TOPICS))
    state.finish()
    return None


def _step_handoff_offer(state, text, u, entities, hooks, now):
    answer = parsing.yes_no(text)
    if answer is True or parsing.key(text).startswith("oui"):
        state.awaiting = None
        return flows.serve(state, hooks, now, entities)
    if answer is False:
        state.finish()
        return Reply(text=texts.common("anything_else"), quick_replies=list(catalogue.MAIN_TOPICS))
    state.finish()
    return None


def _step_handoff_confirm(state, text, u, entities, hooks, now):
    answer = parsing.yes_no(text)
    if answer is True or parsing.key(text) == parsing.key("Parler à un conseiller"):
        return start(state, "parler_conseiller", text, {}, hooks, now)
    if answer is False:
        state.finish()
        state.fallbacks = 0
        return Reply(text=texts.common("anything_else"), quick_replies=list(catalogue.MAIN_TOPICS))
    return None


def _step_clarify(state, text, u, entities, hooks, now):
    folded = parsing.key(text)
    options = list(state.options)
    origin = state.origin
    for index, intent in enumerate(options, start=1):
        if folded in (parsing.key(catalogue.label(intent)), str(index)):
            return start(state, intent, origin, _entities_of(origin, u, now), hooks, now)
    if folded == parsing.key(texts.common("clarify_other")):
        state.finish()
        return Reply(text=texts.common("anything_else"), quick_replies=list(catalogue.MAIN_TOPICS))
    state.finish()
    return None


def _entities_of(origin: str, u: Understanding, now) -> dict:
    engine = selectors.load_engine()
    return engine.understand(origin[:parsing.MAX_UNDERSTOOD_CHARS],
                             today=timezone.localtime(now).date()).entities


def _step_signalement_menu(state, text, u, entities, hooks, now):
    folded = parsing.key(text)
    for label, intent in SIGNALEMENT_MENU.items():
        if folded == parsing.key(label):
            return start(state, intent, "", {}, hooks, now)
    state.finish()
    return None


def _step_rating(state, text, u, entities, hooks, now):
    state.awaiting = None
    return None


def _rate(state: State, hooks, value: int) -> Reply:
    hooks.rate(value)
    state.rated = True
    state.awaiting = None
    return Reply(text=texts.common("rating_thanks"))


STEPS = {
    "commune": _step_commune,
    "street": _step_street,
    "place": _step_free_text,
    "details": _step_free_text,
    "objects": _step_free_text,
    "flux": _step_flux,
    "photo": _step_photo,
    "contact": _step_contact,
    "phone": _step_phone,
    "item": _step_item,
    "reference": _step_reference,
    "confirm": _step_confirm,
    "offer": _step_offer,
    "handoff_offer": _step_handoff_offer,
    "handoff_confirm": _step_handoff_confirm,
    "clarify": _step_clarify,
    "signalement_menu": _step_signalement_menu,
    "rating": _step_rating,
}


def photo_received(state: State, hooks, now, seq: int) -> Reply:
    """The widget uploaded a photo: attach it to the request being collected."""
    state.photos.append(seq)
    ack = Reply(text=texts.common("photo_received"))
    if state.intent and state.awaiting == "photo":
        state.awaiting = None
        return ack.then(flows.serve(state, hooks, now))
    if state.intent and state.awaiting == "confirm":
        spec = catalogue.spec(state.intent)
        return ack.then(flows.confirm(state, spec.ticket))
    if not state.intent:
        state.awaiting = "signalement_menu"
        return ack.then(Reply(text=texts.say("signalement_autre", "menu"),
                              quick_replies=list(SIGNALEMENT_MENU)))
    return ack
