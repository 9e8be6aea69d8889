"""Entity extraction: commune, address, waste item, déchèterie, flux, ticket reference, date.

All matching is done on folded tokens (see `normalize.fold`). Typos are repaired once per
message by correcting unknown tokens to the closest word of the gazetteer's vocabulary, then
names are matched exactly as token sequences, longest first. This keeps extraction well under
a millisecond while tolerating "trouvile", "yaourth" or "st gatien des boid".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process

from .dates import resolve_date
from .normalize import fold
from .types import Address, empty_entities

STREET_TYPES = {
    "rue": "rue", "r": "rue", "avenue": "avenue", "av": "avenue", "ave": "avenue",
    "boulevard": "boulevard", "bd": "boulevard", "bvd": "boulevard", "boul": "boulevard",
    "chemin": "chemin", "ch": "chemin", "chem": "chemin", "route": "route", "rte": "route",
    "impasse": "impasse", "imp": "impasse", "place": "place", "pl": "place", "quai": "quai",
    "allee": "allee", "promenade": "promenade", "prom": "promenade", "sentier": "sentier",
    "square": "square", "residence": "residence", "lotissement": "lotissement",
}
_STREET_STOP = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux"})
STREET_MIN_SCORE = 86
STREET_TYPE_MISMATCH_PENALTY = 10
WORD_MIN_LEN = 4
WORD_MIN_SCORE = 84

DECHETERIE_WORDS = frozenset({
    "decheterie", "decheteries", "dechetterie", "dechetteries", "decharge", "dechterie",
    "dechetrie", "recyclerie",
})

# Bin streams as residents name them: (pattern on folded text, flux id), most specific first.
FLUX_PATTERNS = (
    (r"dechets? verts?|vegetaux|vegetal|tontes?|dechets? (?:de|du) jardin|branchages", "vegetaux"),
    (r"ordures? menageres?|\bom\b|(?:bac|poubelle|sac|conteneur|couvercle)s? (?:gris|grise|noir|"
     r"noire|marron)s?|dechets? residuels?|tout venant", "ordures_menageres"),
    (r"(?:bac|poubelle|sac|conteneur|couvercle|borne|colonne)s? jaunes?|emballages?"
     r"|tri selectif|recyclables?", "emballages"),
    (r"\bverres?\b|bouteilles? en verre|bocaux", "verre"),
    (r"\bpapiers?\b|journaux|magazines?|(?:bac|poubelle|borne|colonne)s? bleue?s?", "papier"),
)
_FLUX_RES = tuple((re.compile(p), flux) for p, flux in FLUX_PATTERNS)

_REFERENCE = re.compile(
    r"\b(?:mds|ticket|dossier|demande|reference|ref|numero|num|n|no)\s*[-_ :#°o.]*\s*"
    r"(20\d{2})\s*[-_/ .]?\s*(\d{1,6})\b"
)
_HOUSE_NUMBER = re.compile(r"^\d{1,4}$")


def _key(token: str) -> str:
    """Plural-insensitive key ("pots" -> "pot", "branches" -> "branche")."""
    if len(token) > 3 and token[-1] in "sx" and not token.endswith("ss"):
        return token[:-1]
    return token


def _keys(text: str) -> tuple[str, ...]:
    return tuple(_key(t) for t in fold(text).split())


@dataclass(frozen=True)
class _Street:
    name: str
    commune: str
    kind: str | None
    core: str


class _PhraseIndex:
    """Exact multi-token lookup: folded alias -> canonical name, longest match first."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]):
        self.table: dict[tuple[str, ...], str] = {}
        for canonical, aliases in entries:
            for alias in (canonical, *aliases):
                key = _keys(alias)
                if key:
                    self.table.setdefault(key, canonical)
        self.max_len = max((len(k) for k in self.table), default=0)

    def find_all(self, keys: Sequence[str]) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, canonical) matches, scanning left to right."""
        found, i = [], 0
        while i < len(keys):
            for size in range(min(self.max_len, len(keys) - i), 0, -1):
                canonical = self.table.get(tuple(keys[i : i + size]))
                if canonical:
                    found.append((i, i + size, canonical))
                    i += size
                    break
            else:
                i += 1
        return found

    def vocabulary(self) -> set[str]:
        return {token for key in self.table for token in key}


def _commune_variants(name: str) -> list[str]:
    """Spellings derived from a canonical name: without "-sur-Mer", "X mer" ("Villers/Mer")."""
    folded = fold(name)
    variants = [folded]
    if folded.endswith(" sur mer"):
        base = folded[: -len(" sur mer")]
        variants += [base, f"{base} mer", f"{base} s mer"]
    if folded.startswith("saint "):
        parts = folded.split()
        variants.append(" ".join(parts[:2]))
    return variants


class Gazetteer:
    """Names Sophie must recognise, with every index precomputed at construction."""

    def __init__(
        self,
        communes: Sequence[tuple[str, Sequence[str]]] = (),
        streets: Sequence[tuple[str, str]] = (),
        items: Sequence[tuple[str, Sequence[str]]] = (),
        decheteries: Sequence[tuple[str, Sequence[str]]] = (),
    ):
        self.communes = [(c, list(a)) for c, a in communes]
        self.streets = [_street(name, commune) for name, commune in streets]
        self.items = [(c, list(a)) for c, a in items]
        self.decheteries = [(c, list(a)) for c, a in decheteries]
        self.commune_index = _PhraseIndex(
            (c, [*aliases, *_commune_variants(c)]) for c, aliases in self.communes
        )
        self.item_index = _PhraseIndex(self.items)
        self.decheterie_index = _PhraseIndex(self.decheteries)
        self._street_choices = {i: s.core for i, s in enumerate(self.streets)}
        self.vocabulary = self._build_vocabulary()
        self._vocabulary_list = sorted(self.vocabulary)

    def _build_vocabulary(self) -> set[str]:
        words = set()
        for index in (self.commune_index, self.item_index, self.decheterie_index):
            words |= index.vocabulary()
        for street in self.streets:
            words |= set(street.core.split())
        return {w for w in words if len(w) >= WORD_MIN_LEN and not w.isdigit()}

    def correct(self, token: str) -> str:
        """The closest gazetteer word for an unknown token, or the token itself."""
        if len(token) < WORD_MIN_LEN or token in self.vocabulary or token.isdigit():
            return token
        match = process.extractOne(
            token, self._vocabulary_list, scorer=fuzz.ratio, score_cutoff=WORD_MIN_SCORE
        )
        return match[0] if match else token


def _street(name: str, commune: str) -> _Street:
    tokens = fold(name).split()
    kind = STREET_TYPES.get(tokens[0]) if tokens else None
    core_tokens = tokens[1:] if kind else tokens
    core = " ".join(_key(t) for t in core_tokens if t not in _STREET_STOP)
    return _Street(name=name, commune=commune, kind=kind, core=core)


class EntityExtractor:
    """Extracts every entity of a message; `known_words` are never typo-corrected."""

    def __init__(self, gazetteer: Gazetteer, known_words: Iterable[str] = ()):
        self.gazetteer = gazetteer
        self.known_words = frozenset(known_words) - gazetteer.vocabulary

    def _corrected_keys(self, folded_tokens: list[str]) -> list[str]:
        out = []
        for token in folded_tokens:
            if token not in self.known_words:
                token = self.gazetteer.correct(token)
            out.append(_key(token))
        return out

    def extract(self, text: str, today: date | None = None) -> dict:
        entities = empty_entities()
        folded = fold(text)
        raw_tokens = folded.split()
        keys = self._corrected_keys(raw_tokens)
        address, street_span = self._find_address(keys, raw_tokens)
        entities["commune"] = self._commune(keys, street_span, address)
        if address is not None:
            address = self._restrict_to_commune(address, entities["commune"], keys, raw_tokens)
        entities["adresse"] = address.as_dict() if address else None
        entities["item"] = self._first(self.gazetteer.item_index, keys, street_span)
        entities["decheterie"] = self._decheterie(keys)
        entities["flux"] = find_flux(folded)
        entities["reference"] = find_reference(folded)
        if today is not None:
            entities["date"] = resolve_date(text[:1000] if isinstance(text, str) else "", today)
        return entities

    # -- communes -------------------------------------------------------------------------
    def _commune(self, keys, street_span, address) -> str | None:
        for start, end, canonical in self.gazetteer.commune_index.find_all(keys):
            if not _overlaps((start, end), street_span):
                return canonical
        return address.commune if address else None

    # -- addresses ------------------------------------------------------------------------
    def _find_address(self, keys, raw_tokens, commune: str | None = None):
        best = None
        for i, token in enumerate(keys):
            kind = STREET_TYPES.get(token)
            if kind is None or i + 1 >= len(keys):
                continue
            found = self._best_street(keys, i, kind, commune)
            if found and (best is None or found[0] > best[0]):
                best = found
        if best is None:
            return None, None
        score, start, end, streets = best
        communes = {s.commune for s in streets}
        number = _house_number(raw_tokens, start)
        street = streets[0]
        address = Address(
            street=street.name, commune=street.commune if len(communes) == 1 else None,
            number=number,
        )
        return address, (start, end)

    def _best_street(self, keys, type_pos, kind, commune):
        best = None
        window = [k for k in keys[type_pos + 1 : type_pos + 8]]
        for size in range(1, len(window) + 1):
            words = [w for w in window[:size] if w not in _STREET_STOP]
            if not words:
                continue
            candidate = " ".join(words)
            for street in self.streets_for(commune):
                score = fuzz.ratio(candidate, street.core)
                if street.kind and street.kind != kind:
                    score -= STREET_TYPE_MISMATCH_PENALTY
                if score < STREET_MIN_SCORE:
                    continue
                span_end = type_pos + 1 + size
                if best is None or score > best[0]:
                    best = (score, type_pos, span_end, [street])
                elif score == best[0] and street.name == best[3][0].name:
                    best[3].append(street)
        return best

    def streets_for(self, commune: str | None) -> list[_Street]:
        if commune is None:
            return self.gazetteer.streets
        return [s for s in self.gazetteer.streets if s.commune == commune]

    def _restrict_to_commune(self, address, commune, keys, raw_tokens):
        """A named commune wins: look the street up again in that commune only."""
        if commune is None or address.commune == commune:
            return address
        found, _span = self._find_address(keys, raw_tokens, commune)
        return found

    # -- items, déchèteries -----------------------------------------------------------------
    @staticmethod
    def _first(index: _PhraseIndex, keys, exclude_span) -> str | None:
        for start, end, canonical in index.find_all(keys):
            if not _overlaps((start, end), exclude_span):
                return canonical
        return None

    def _decheterie(self, keys) -> str | None:
        if not DECHETERIE_WORDS.intersection(keys) and not any(
            k.startswith("decheteri") for k in keys
        ):
            return None
        return self._first(self.gazetteer.decheterie_index, keys, None)


def _overlaps(span: tuple[int, int], other: tuple[int, int] | None) -> bool:
    return other is not None and span[0] < other[1] and other[0] < span[1]


def _house_number(raw_tokens: list[str], type_pos: int) -> str | None:
    """"14 rue", "14 bis rue", "n 14 rue"."""
    before = raw_tokens[max(0, type_pos - 2) : type_pos]
    if len(before) == 2 and before[1] in ("bis", "ter") and _HOUSE_NUMBER.match(before[0]):
        return f"{before[0]} {before[1]}"
    if before and _HOUSE_NUMBER.match(before[-1]):
        return before[-1]
    return None


def find_flux(folded: str) -> str | None:
    """The first bin stream named in the (folded) text."""
    best = None
    for pattern, flux in _FLUX_RES:
        m = pattern.search(folded)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), flux)
    return best[1] if best else None


def find_reference(folded: str) -> str | None:
    """A ticket reference, canonical form MDS-YYYY-NNNNNN."""
    m = _REFERENCE.search(folded)
    if not m:
        return None
    return f"MDS-{m.group(1)}-{int(m.group(2)):06d}"
