"""Concept lexicon: many surface words, one concept token ("poubelle", "bac", "container" -> BAC).

With ~40 phrases per intent, a word the training phrases never used is invisible to the
classifier. Rewriting synonyms to a shared concept token lets "le container n'a pas été vidé"
learn from "la poubelle n'est pas ramassée". Forms are matched on the same tokens the classifier
sees (`normalize.tokens`, plural-insensitive), multi-word forms first, so "sapin de noel" is
SAPIN and not FERIE. A form listed under several concepts yields all of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from .normalize import tokens

DEFAULT_LEXICON_FILE = Path(__file__).resolve().parent.parent / "data" / "lexicon.json"
ITEM_CONCEPT = "ITEM"


def _key(token: str) -> str:
    if len(token) > 3 and token[-1] in "sx" and not token.endswith("ss"):
        return token[:-1]
    return token


def form_key(form: str) -> tuple[str, ...]:
    return tuple(_key(t) for t in tokens(form))


class Lexicon:
    """Longest-match rewriting of token sequences to concept tokens."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]] = ()):
        self.table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for form, concepts in entries:
            key = form_key(form)
            if key:
                merged = dict.fromkeys((*self.table.get(key, ()), *concepts))
                self.table[key] = tuple(merged)
        self.max_len = max((len(k) for k in self.table), default=0)
        self.first_tokens = frozenset(k[0] for k in self.table)

    @classmethod
    def from_concepts(cls, concepts: Mapping[str, Sequence[str]],
                      items: Iterable[str] = ()) -> Lexicon:
        """Concepts {TOKEN: [forms]} plus waste item names, which all become ITEM."""
        entries = [(name, (ITEM_CONCEPT,)) for name in items]
        entries += [(form, (concept,)) for concept, forms in concepts.items() for form in forms]
        return cls(entries)

    def __len__(self) -> int:
        return len(self.table)

    def concepts(self) -> set[str]:
        return {c for values in self.table.values() for c in values}

    def rewrite(self, toks: Sequence[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        """Non-overlapping (start, end, concepts) spans, left to right, longest first."""
        keys = [_key(t) for t in toks]
        found, i, n = [], 0, len(keys)
        while i < n:
            if keys[i] in self.first_tokens:
                for size in range(min(self.max_len, n - i), 0, -1):
                    concepts = self.table.get(tuple(keys[i : i + size]))
                    if concepts:
                        found.append((i, i + size, concepts))
                        i += size
                        break
                else:
                    i += 1
            else:
                i += 1
        return found

    def apply(self, toks: Sequence[str]) -> list[str]:
        """The token sequence with every matched span replaced by its concept token(s)."""
        out, last = [], 0
        for start, end, concepts in self.rewrite(toks):
            out.extend(toks[last:start])
            out.extend(concepts)
            last = end
        out.extend(toks[last:])
        return out


@lru_cache(maxsize=1)
def _default_concepts() -> dict[str, list[str]]:
    if not DEFAULT_LEXICON_FILE.exists():
        return {}
    return json.loads(DEFAULT_LEXICON_FILE.read_text(encoding="utf-8")).get("concepts", {})


def default_lexicon(items: Iterable[str] = ()) -> Lexicon:
    """The shipped lexicon (chatbot/data/lexicon.json) plus the given waste item names."""
    return Lexicon.from_concepts(_default_concepts(), items)
