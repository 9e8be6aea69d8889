"""A first guess of a request's theme and sub-theme from the resident's own words.

Data-driven: keywords per sub-theme live in `guichet/data/triage.json` (lower case, no
accents). A keyword of several words weighs more than a single one ("facture d eau" beats
"facture"); ties go to the sub-theme listed first. The guess only routes the ticket to a
queue and starts its SLA clock: agents correct it, and every guess is audited on the ticket.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "triage.json"
MIN_SCORE = 1


@dataclass(frozen=True)
class Rule:
    theme_code: str
    subtheme_code: str
    patterns: tuple[tuple[str, re.Pattern, int], ...]


@dataclass(frozen=True)
class Guess:
    theme: object
    subtheme: object
    score: int
    matched: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.theme.label} › {self.subtheme.label}"


def normalize(text: str) -> str:
    """Lower case, no accents, words separated by single spaces ("L’eau" → "l eau")."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _pattern(keyword: str) -> re.Pattern:
    # Plural and feminine endings of the last word: "bac" matches "bacs", "oublie" "oubliee".
    words = normalize(keyword).split()
    body = r"\s".join(re.escape(word) for word in words)
    return re.compile(rf"\b{body}(?:s|x|e|es)?\b")


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(
        Rule(theme, subtheme, tuple((keyword, _pattern(keyword), len(normalize(keyword).split()))
                                    for keyword in keywords))
        for theme, subtheme, keywords in data["subthemes"]
    )


def score(text: str) -> list[tuple[int, Rule, tuple[str, ...]]]:
    """Every sub-theme whose keywords appear, best first (stable: file order breaks ties)."""
    normalized = normalize(text)
    scored = []
    for position, rule in enumerate(rules()):
        matched = tuple(keyword for keyword, pattern, _weight in rule.patterns
                        if pattern.search(normalized))
        if matched:
            weight = sum(w for keyword, _pattern, w in rule.patterns if keyword in matched)
            scored.append((weight, -position, rule, matched))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [(weight, rule, matched) for weight, _position, rule, matched in scored]


def guess(text: str) -> Guess | None:
    """The most likely active sub-theme for a text, or None when nothing matches."""
    from maison.selectors import active_subtheme

    for weight, rule, matched in score(text):
        if weight < MIN_SCORE:
            return None
        subtheme = active_subtheme(rule.theme_code, rule.subtheme_code)
        if subtheme is not None:
            return Guess(theme=subtheme.theme, subtheme=subtheme, score=weight, matched=matched)
    return None
