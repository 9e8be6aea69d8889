"""Filling slots: from what the engine found in a message, or from the answer to a question."""

from __future__ import annotations

import contextlib

from chatbot import selectors, texts
from chatbot.nlu.entities import find_flux
from chatbot.nlu.normalize import fold

from . import parsing
from .reply import Reply
from .state import State

FLUX_LABELS = {
    "ordures_menageres": "Ordures ménagères",
    "emballages": "Emballages (bac jaune)",
    "verre": "Verre",
    "papier": "Papiers",
    "vegetaux": "Végétaux",
}
NO_PHOTO_LABEL = "Pas de photo"
NO_CONTACT_LABEL = "Je préfère ne pas le donner"
CONFIRM_LABELS = ["Oui, transmettre", "Non, annuler"]


def set_commune(slots: dict, name: str) -> None:
    if slots.get("commune") != name:
        for stale in ("street", "street_id", "number"):
            slots.pop(stale, None)
    slots["commune"] = name


def set_street(slots: dict, ref: selectors.StreetRef, number: str | None = None) -> None:
    set_commune(slots, ref.commune)
    slots["street"] = ref.name
    slots["street_id"] = ref.id
    if number:
        slots["number"] = number


def prefill(state: State, entities: dict) -> None:
    """Copy what the message said into the slots (a named commune wins over memory)."""
    slots = state.slots
    if entities.get("commune"):
        set_commune(slots, entities["commune"])
    address = entities.get("adresse")
    if address:
        commune = address.get("commune") or slots.get("commune")
        ref = selectors.street(commune, address.get("street"))
        if ref:
            set_street(slots, ref, address.get("number"))
    for name in ("flux", "item", "decheterie", "reference"):
        if entities.get(name):
            slots[name] = entities[name]


def commune_needs_street(commune: str | None) -> bool:
    ref = selectors.commune(commune)
    return ref is None or ref.zones > 1


# --- Questions ----------------------------------------------------------------------------------

def question(state: State, slot: str, *, optional_contact: bool = False) -> Reply:
    """Ask for a slot and remember that Sophie is waiting for it."""
    state.awaiting = slot
    slots = state.slots
    again = state.tries > 0
    if slot == "commune":
        key = "ask_commune_again" if again else "ask_commune"
        return Reply(text=texts.common(key), quick_replies=selectors.commune_names())
    if slot == "street":
        key = "ask_street_again" if again else "ask_street"
        streets = selectors.streets_of(slots.get("commune", ""))
        quick = [s.name for s in streets] if len(streets) <= 8 else []
        return Reply(text=texts.common(key, commune=slots.get("commune")), quick_replies=quick)
    if slot == "place":
        return Reply(text=texts.common("ask_place", commune=slots.get("commune")))
    if slot == "flux":
        return Reply(text=texts.common("ask_flux"), quick_replies=list(FLUX_LABELS.values()))
    if slot in ("details", "objects"):
        return Reply(text=texts.common(f"ask_{slot}"))
    if slot == "photo":
        return Reply(text=texts.common("ask_photo"), quick_replies=[NO_PHOTO_LABEL],
                     expects="photo")
    if slot == "contact":
        if optional_contact:
            return Reply(text=texts.common("ask_contact_again" if again else
                                           "ask_contact_optional"),
                         quick_replies=[NO_CONTACT_LABEL])
        return Reply(text=texts.common("ask_contact_again" if again else "ask_contact"))
    if slot == "phone":
        return Reply(text=texts.common("ask_phone_again" if again else "ask_phone"))
    if slot == "item":
        return Reply(text=texts.say("tri_ou_jeter", "ask_item"))
    if slot == "reference":
        return Reply(text=texts.say("suivi_demande", "ask_reference"))
    raise ValueError(f"no question for slot {slot}")


# --- Answers to questions -------------------------------------------------------------------------

def read_commune(text: str, entities: dict) -> str | None:
    if entities.get("commune"):
        return entities["commune"]
    folded = fold(text)
    for name in selectors.commune_names():
        if fold(name) == folded:
            return name
    return None


def read_street(state: State, text: str, entities: dict) -> selectors.StreetRef | None:
    commune = state.slots.get("commune")
    address = entities.get("adresse")
    if address and address.get("street"):
        ref = selectors.street(address.get("commune") or commune, address["street"])
        if ref:
            return ref
    if not commune:
        return None
    without_number = parsing.HOUSE_NUMBER_RE.sub("", text, count=1).strip(" ,")
    return selectors.match_street(commune, without_number or text)


def read_flux(text: str) -> str | None:
    folded = fold(text)
    for flux, label in FLUX_LABELS.items():
        if fold(label) == folded:
            return flux
    found = find_flux(folded)
    if found:
        return found
    aliases = {"poubelle grise": "ordures_menageres", "bac gris": "ordures_menageres",
               "ordures": "ordures_menageres", "jaune": "emballages", "om": "ordures_menageres",
               "bac vert": "verre", "vegetal": "vegetaux", "dechets verts": "vegetaux",
               "papier": "papier", "bleu": "papier"}
    return aliases.get(folded)


def read_contact(text: str) -> dict | None:
    email = parsing.find_email(text)
    phone = parsing.find_phone(text)
    if not email and not phone:
        return None
    found = {}
    if email:
        from django.core.exceptions import ValidationError

        from crm.services import normalize_email

        with contextlib.suppress(ValidationError):
            found["email"] = normalize_email(email)
    if phone:
        found["phone"] = phone
    return found or None


def flux_label(flux: str | None) -> str:
    return FLUX_LABELS.get(flux or "", "")
