"""What Sophie says: texts from the database (edited by supervisors), defaults from content.py.

Texts are cached in-process for a short while (TEXTS_TTL) so a message costs no query for its
wording; an edit in the admin shows within that delay in every process (at once in the one
that saved it). Placeholders are filled by plain substitution, never `str.format`: a
supervisor's template can't reach attributes, and an unknown `{name}` is simply dropped.
"""

from __future__ import annotations

import re
import threading
import time

from . import content

TEXTS_TTL = 30.0
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_cache: dict = {"at": 0.0, "texts": None, "quick": None}
_lock = threading.Lock()
COMMON = ""  # the intent key of Sophie's common phrases


def forget() -> None:
    with _lock:
        _cache.update(at=0.0, texts=None, quick=None)


def _load() -> tuple[dict, dict]:
    with _lock:
        if _cache["texts"] is not None and time.monotonic() - _cache["at"] < TEXTS_TTL:
            return _cache["texts"], _cache["quick"]
    from .models import Answer

    texts: dict[tuple[str, str], str] = {}
    quick: dict[tuple[str, str], list] = {}
    for intent, key, text, replies in Answer.objects.values_list(
            "intent__code", "key", "text", "quick_replies"):
        texts[(intent or COMMON, key)] = text
        if replies:
            quick[(intent or COMMON, key)] = list(replies)
    with _lock:
        _cache.update(at=time.monotonic(), texts=texts, quick=quick)
    return texts, quick


def default_text(intent: str, key: str) -> str | None:
    if intent == COMMON:
        return content.SOPHIE.get(key) or content.FACTS.get(key.removeprefix("fact-"))
    return content.ANSWERS.get(intent, {}).get(key)


def template(intent: str, key: str = "main") -> str:
    texts, _quick = _load()
    found = texts.get((intent, key))
    if found is None:
        found = default_text(intent, key)
    return found or ""


def quick_replies(intent: str, key: str = "main") -> list[str]:
    _texts, quick = _load()
    return list(quick.get((intent, key), []))


def fact(name: str) -> str:
    """A contact figure of the service (phone, e-mail…), editable as a common phrase."""
    return template(COMMON, f"fact-{name}")


def facts() -> dict[str, str]:
    return {name: fact(name) for name in content.FACTS}


def fill(text: str, values: dict) -> str:
    """Substitute {name}; unknown or empty names vanish, and so does the space before them."""

    def replace(match: re.Match) -> str:
        value = values.get(match.group(1))
        return "" if value is None else str(value)

    filled = _PLACEHOLDER.sub(replace, text)
    filled = re.sub(r"[ \t]+([.,])(?=\s|$)", r"\1", filled)  # "à ." left by a gap
    filled = re.sub(r"[ \t]{2,}", " ", filled)
    return "\n".join(line.strip() for line in filled.splitlines()).strip()


def say(intent: str, key: str = "main", **values) -> str:
    merged = {**facts(), **values}
    return fill(template(intent, key), merged)


def common(key: str, **values) -> str:
    return say(COMMON, key, **values)
