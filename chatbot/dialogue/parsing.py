"""Reading the short answers residents give to Sophie's questions."""

from __future__ import annotations

import re
import unicodedata

from chatbot.nlu.normalize import fold

MAX_UNDERSTOOD_CHARS = 600  # understanding reads the start of a very long message

RESTART_WORDS = {"recommencer", "recommence", "reinitialiser", "nouvelle conversation",
                 "tout recommencer", "on recommence", "reset", "restart", "effacer"}
CANCEL_WORDS = {"annuler", "annule", "laisse tomber", "laissez tomber", "stop", "abandonner",
                "non merci", "pas maintenant", "non pas maintenant", "rien", "non annuler"}
YES_WORDS = {"oui", "ouais", "ok", "okay", "d accord", "daccord", "dac", "yes", "volontiers",
             "bien sur", "exactement", "c est ca", "c est bon", "parfait", "tout a fait",
             "oui merci", "oui s il vous plait", "oui svp", "oui stp", "valider", "confirmer",
             "je confirme", "transmettre", "oui transmettre", "go", "allez y", "vas y",
             "oui je veux bien", "je veux bien", "avec plaisir", "ouimerci"}
NO_WORDS = {"non", "nan", "no", "non merci", "pas du tout", "surtout pas", "jamais",
            "non je ne veux pas", "pas de", "aucun", "aucune", "non pas besoin", "pas besoin",
            "sans", "je prefere pas", "je prefere ne pas", "je ne prefere pas"}
NO_PHOTO_WORDS = {"pas de photo", "sans photo", "non", "pas possible", "je n ai pas de photo",
                  "je n en ai pas", "pas d appareil", "aucune photo", "non merci", "passer",
                  "continuer sans photo", "je n ai pas de photo a joindre", "nan"}
NO_CONTACT_WORDS = {"non", "non merci", "pas de contact", "anonyme", "je prefere pas",
                    "je prefere ne pas", "je prefere rester anonyme", "rester anonyme",
                    "sans", "pas besoin", "nan", "continuer sans"}

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?:\+|00)?\d[\d .\-/()]{7,18}\d")
HOUSE_NUMBER_RE = re.compile(r"^\s*(\d{1,4})(?:\s*(bis|ter))?\b", re.IGNORECASE)
RATING_RE = re.compile(r"^\s*([1-5])\s*(?:/\s*5|sur\s*5|[ée]toiles?)?\s*[.!]*\s*$", re.IGNORECASE)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean(text: str) -> str:
    """Drop control characters, normalise Unicode; keep everything a resident could mean."""
    text = unicodedata.normalize("NFC", text or "")
    return CONTROL_RE.sub(" ", text).replace("\ufffd", " ").strip()


def key(text: str) -> str:
    return " ".join(fold(text).split())


def is_restart(text: str) -> bool:
    return key(text) in RESTART_WORDS


def is_cancel(text: str) -> bool:
    return key(text) in CANCEL_WORDS


def yes_no(text: str) -> bool | None:
    folded = key(text)
    if not folded:
        return None
    if folded in YES_WORDS or folded.startswith(("oui ", "ok ")):
        return True
    if folded in NO_WORDS or folded.startswith(("non ", "nan ")):
        return False
    return None


def has_letters_or_digits(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def is_emoji_only(text: str) -> bool:
    """Only pictographs, symbols and punctuation (👍, 😀😀, ❤️ !)."""
    stripped = "".join(ch for ch in text if not ch.isspace())
    if not stripped or has_letters_or_digits(stripped):
        return False
    return any(unicodedata.category(ch) in ("So", "Sk") for ch in stripped)


def looks_unreadable(text: str) -> bool:
    """Binary garbage: mostly characters no resident types (symbols, private use, rare scripts)."""
    stripped = [ch for ch in text if not ch.isspace()]
    if not stripped:
        return True
    readable = sum(1 for ch in stripped if ch.isascii() or unicodedata.category(ch)[0] == "L"
                   and unicodedata.name(ch, "").startswith("LATIN"))
    return readable / len(stripped) < 0.5 and not is_emoji_only(text)


def find_email(text: str) -> str | None:
    match = EMAIL_RE.search(text)
    return match.group(0) if match else None


def find_phone(text: str) -> str | None:
    from django.core.exceptions import ValidationError

    from crm.services import parse_phone

    for match in PHONE_RE.finditer(text):
        try:
            return parse_phone(match.group(0)).e164
        except ValidationError:
            continue
    return None


def house_number(text: str) -> str | None:
    match = HOUSE_NUMBER_RE.match(text)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2).lower()}" if match.group(2) else match.group(1)


def rating(text: str) -> int | None:
    stars = text.count("★") or text.count("⭐")
    if stars and not has_letters_or_digits(text):
        return min(stars, 5)
    match = RATING_RE.match(text)
    return int(match.group(1)) if match else None


def word_count(text: str) -> int:
    return len(key(text).split())
