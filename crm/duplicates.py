"""Probable-duplicate detection: pure functions, no database (crm.services.duplicates stores).

The same person writes from an email, calls from a phone, chats anonymously and leaves an
email: identification by exact contact point (crm.services.identify_usager) cannot join those
records. This module scores pairs of usagers on their names, address, commune and variants of
their contact points, and returns the pairs worth showing to a supervisor.

Comparing every pair of 200,000 usagers is 2·10¹⁰ comparisons; instead, records are grouped by
blocking keys (commune + phonetic surname, phonetic first name + surname, address, canonical
email, national phone number) and only records sharing a key are compared. Blocks too large to
compare fully (very common names in a big commune) are compared by sorted neighbourhood.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

# Above this size a block is compared by sorted neighbourhood rather than all pairs.
MAX_FULL_BLOCK = 60
NEIGHBOURHOOD_WINDOW = 10

# Domains residents use most; a one- or two-letter slip ("gmial.com", "wanado.fr") is the same
# mailbox for our purposes.
KNOWN_DOMAINS = (
    "gmail.com", "hotmail.fr", "hotmail.com", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr",
    "laposte.net", "yahoo.fr", "yahoo.com", "outlook.fr", "outlook.com", "live.fr", "icloud.com",
    "neuf.fr", "bbox.fr", "aol.com", "club-internet.fr", "numericable.fr", "me.com", "msn.com",
    "gmx.fr", "protonmail.com", "proton.me",
)
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
# Providers that ignore dots in the local part.
DOTLESS_DOMAINS = {"gmail.com"}

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NON_ALPHA = re.compile(r"[^a-z]+")
_NON_DIGIT = re.compile(r"\D+")


def fold(text: str | None) -> str:
    """Lower case, accents removed, punctuation to single spaces: "Lefèvre-D'Ornano" → ..."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae")
    return _NON_ALNUM.sub(" ", text).strip()


def phonetic(text: str) -> str:
    """A phonetic key (Soundex) of a folded name: Dupont/Dupond, Lefebvre/Lefèvre agree."""
    letters = _NON_ALPHA.sub("", text)
    return jellyfish.soundex(letters) if letters else ""


@lru_cache(maxsize=4096)
def canonical_domain(domain: str) -> str:
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in KNOWN_DOMAINS or len(domain) < 6:
        return domain
    match = process.extractOne(domain, KNOWN_DOMAINS, scorer=Levenshtein.distance,
                               score_cutoff=2)
    return match[0] if match else domain


def canonical_email(value: str) -> str:
    """The mailbox behind an address: case, "+tag", Gmail dots and typo'd domains ignored."""
    value = (value or "").strip().lower()
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return value
    domain = canonical_domain(domain)
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def phone_key(value: str) -> str:
    """The national significant number: "+33 6 12…", "06 12…", "0033 6…" agree."""
    digits = _NON_DIGIT.sub("", value or "")
    return digits[-9:] if len(digits) >= 9 else digits


@dataclass
class Record:
    """What the detector knows of one usager; built from plain values, not model instances."""

    id: int
    first_name: str = ""
    last_name: str = ""
    organisation: str = ""
    commune_id: int | None = None
    address: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.first = fold(self.first_name)
        self.last = fold(self.last_name)
        self.org = fold(self.organisation)
        person = f"{self.first} {self.last}".strip()
        self.name = person or self.org
        # Tokens sorted once, so that comparing two names is one plain ratio.
        self.sorted_name = " ".join(sorted(self.name.split()))
        self.address_key = fold(self.address)
        self.email_keys = {canonical_email(email) for email in self.emails if email}
        self.phone_keys = {phone_key(phone) for phone in self.phones if phone}


def blocking_keys(record: Record) -> set[str]:
    commune = record.commune_id or "-"
    keys = {f"e:{email}" for email in record.email_keys}
    keys |= {f"p:{phone}" for phone in record.phone_keys if phone}
    if record.last:
        keys.add(f"n:{commune}:{phonetic(record.last)}")
        if record.first:
            # Sorted so that a first name typed as surname ("DUPONT Marie") meets its twin.
            pair = sorted((phonetic(record.first), phonetic(record.last)))
            keys.add(f"f:{pair[0]}:{pair[1]}")
    elif record.org:
        keys.add(f"o:{commune}:{phonetic(record.org.split()[0])}")
    if record.address_key and record.commune_id:
        keys.add(f"a:{commune}:{record.address_key}")
    return keys


@dataclass(frozen=True)
class Candidate:
    a: int
    b: int
    score: int
    reasons: list[dict]


def _first_names_conflict(a: Record, b: Record) -> bool:
    if not (a.first and b.first) or not (a.last and b.last):
        return False
    if len(a.first) == 1 or len(b.first) == 1:  # an initial: "M. Dupont"
        return a.first[0] != b.first[0]
    straight = fuzz.ratio(a.first, b.first)
    swapped = max(fuzz.ratio(a.first, b.last), fuzz.ratio(a.last, b.first))
    return max(straight, swapped) < 70


# Without a shared contact point, a pair needs a close name to reach any useful score:
# commune and address alone weigh 35.
NAME_FLOOR = 80


def _contacts_differ(a: Record, b: Record) -> bool:
    emails_differ = bool(a.email_keys and b.email_keys and not a.email_keys & b.email_keys)
    phones_differ = bool(a.phone_keys and b.phone_keys and not a.phone_keys & b.phone_keys)
    return emails_differ or phones_differ


def score_pair(a: Record, b: Record, *, min_score: int = 0) -> tuple[int, list[dict]]:
    """0–100 and the reasons, as codes a page can translate (never the data itself).

    With `min_score`, a pair that cannot reach it is dropped early as (0, []).
    """
    score = 0
    reasons: list[dict] = []
    if a.email_keys & b.email_keys:
        score += 45
        reasons.append({"code": "email_variant"})
    if a.phone_keys & b.phone_keys:
        score += 45
        reasons.append({"code": "phone_variant"})
    name_similarity = (fuzz.ratio(a.sorted_name, b.sorted_name, score_cutoff=NAME_FLOOR)
                       if a.name and b.name else 0)
    if min_score > 35 and score == 0 and not name_similarity:
        return 0, []
    if a.name and b.name:
        similarity = round(name_similarity)
        if similarity >= 95:
            score += 40
            reasons.append({"code": "same_name", "value": similarity})
        elif similarity >= 88:
            score += 30
            reasons.append({"code": "close_name", "value": similarity})
        elif similarity >= 80:
            score += 15
            reasons.append({"code": "close_name", "value": similarity})
        if _first_names_conflict(a, b):
            score -= 40
            reasons.append({"code": "different_first_names"})
    if _contacts_differ(a, b):
        # Each has its own mailbox or mobile: homonyms more likely than one person.
        score -= 10
        reasons.append({"code": "different_contacts"})
    if a.commune_id and a.commune_id == b.commune_id:
        score += 15
        reasons.append({"code": "same_commune"})
    if a.address_key and b.address_key:
        similarity = round(fuzz.token_set_ratio(a.address_key, b.address_key))
        if similarity >= 92:
            score += 20
            reasons.append({"code": "same_address", "value": similarity})
        elif similarity >= 80:
            score += 10
            reasons.append({"code": "close_address", "value": similarity})
    return max(0, min(100, score)), reasons


def blocks_of(records: dict[int, Record],
              progress: Callable[[int], None] | None = None) -> list[list[int]]:
    """The groups of record ids sharing a blocking key (groups of one left out)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for record in records.values():
        for key in blocking_keys(record):
            blocks[key].append(record.id)
        if progress:
            progress(1)
    return [members for members in blocks.values() if len(members) > 1]


def block_pairs(members: list[int], records: dict[int, Record]) -> Iterable[tuple[int, int]]:
    """Pairs worth comparing inside one block, as (smaller id, larger id)."""
    if len(members) <= MAX_FULL_BLOCK:
        ordered = sorted(members)
        for index, first in enumerate(ordered):
            for second in ordered[index + 1:]:
                yield first, second
        return
    # Sorted neighbourhood: neighbours in name order are the likely twins.
    ordered = sorted(members, key=lambda pk: (records[pk].name, records[pk].address_key))
    for index, first in enumerate(ordered):
        for second in ordered[index + 1:index + 1 + NEIGHBOURHOOD_WINDOW]:
            yield (first, second) if first < second else (second, first)


def candidate_pairs(records: dict[int, Record]) -> set[tuple[int, int]]:
    """Every pair sharing at least one blocking key (for inspection and tests)."""
    return {pair for members in blocks_of(records) for pair in block_pairs(members, records)}


def find_candidates(
    records: Iterable[Record],
    *,
    min_score: int,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Candidate]:
    """Every pair scoring at least `min_score`, best first.

    Pairs are scored block by block as they come, never all held in memory; a pair found in
    two blocks is scored twice but kept once. `progress(phase, advance, total)` is called as
    work advances (a command draws a bar).
    """
    by_id = {record.id: record for record in records}
    total = len(by_id)

    def blocking_progress(advance: int) -> None:
        if progress:
            progress("blocking", advance, total)

    blocks = blocks_of(by_id, blocking_progress)
    found: dict[tuple[int, int], Candidate] = {}
    step = 0
    for members in blocks:
        for a_id, b_id in block_pairs(members, by_id):
            if (a_id, b_id) in found:
                continue
            score, reasons = score_pair(by_id[a_id], by_id[b_id], min_score=min_score)
            if score >= min_score:
                found[(a_id, b_id)] = Candidate(a_id, b_id, score, reasons)
        step += 1
        if progress and step == 1000:
            progress("scoring", step, len(blocks))
            step = 0
    if progress and step:
        progress("scoring", step, len(blocks))
    return sorted(found.values(), key=lambda c: (-c.score, c.a, c.b))
