"""A simple analysis of residents' comments: the terms they use most, stop words removed.

Deliberately plain (a word count, not a model): supervisors read the verbatims themselves;
the counts only point at what comes back often ("attente", "badge", "rappel"…).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

STOPWORDS_FILE = Path(__file__).resolve().parent / "data" / "stopwords_fr.txt"
WORD_RE = re.compile(r"[a-zàâäçéèêëîïôöùûüÿœæ]+(?:-[a-zàâäçéèêëîïôöùûüÿœæ]+)*")
MIN_LENGTH = 3


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def terms(text: str) -> list[str]:
    """Lower-cased words of a comment, elisions split ("l’attente" → "attente")."""
    normalised = (text or "").lower().replace("’", "'")
    words = WORD_RE.findall(normalised)
    stop = stopwords()
    return [word for word in words if len(word) >= MIN_LENGTH and word not in stop]


def frequent_terms(texts: Iterable[str], *, top: int = 10) -> list[tuple[str, int]]:
    """The `top` most frequent terms, each counted once per comment."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(terms(text)))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
