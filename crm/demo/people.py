"""Generating believable usagers: who lives where, how they can be reached, what they agreed to.

The communes' weights are their permanent populations; second homes weigh more on the coast
(Deauville, Bénerville, Blonville…) and professionals where the shops and campsites are.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from django.utils.text import slugify

from crm.models import Category
from maison.demo import Weighted

from .names import BUSINESS_KINDS, FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES

# Permanent residents per commune (INSEE orders of magnitude, 20,600 in all).
POPULATION = {
    "Trouville-sur-Mer": 4500, "Touques": 3800, "Deauville": 3500, "Villers-sur-Mer": 2700,
    "Blonville-sur-Mer": 1800, "Saint-Gatien-des-Bois": 1300, "Saint-Arnoult": 1200,
    "Tourgéville": 800, "Villerville": 700, "Bénerville-sur-Mer": 550, "Saint-Pierre-Azif": 200,
    "Vauville": 130,
}
# How many second homes per inhabitant, relative to the territory's average.
SECOND_HOME_FACTOR = {
    "Deauville": 2.6, "Bénerville-sur-Mer": 2.4, "Blonville-sur-Mer": 2.2, "Tourgéville": 2.0,
    "Villers-sur-Mer": 1.9, "Trouville-sur-Mer": 1.5, "Villerville": 1.6, "Touques": 0.7,
    "Saint-Arnoult": 0.6, "Saint-Gatien-des-Bois": 0.5, "Vauville": 0.5, "Saint-Pierre-Azif": 0.4,
}
BUSINESS_FACTOR = {"Deauville": 2.2, "Trouville-sur-Mer": 1.8, "Villers-sur-Mer": 1.4,
                   "Touques": 1.1, "Saint-Gatien-des-Bois": 1.2}
CATEGORY_SHARE = [(Category.RESIDENT_PERMANENT, 62), (Category.RESIDENT_SECONDAIRE, 30),
                  (Category.PROFESSIONNEL, 8)]
EMAIL_DOMAINS = [("orange.fr", 22), ("gmail.com", 25), ("wanadoo.fr", 12), ("free.fr", 8),
                 ("sfr.fr", 5), ("laposte.net", 6), ("hotmail.fr", 8), ("yahoo.fr", 5),
                 ("outlook.fr", 4), ("icloud.com", 3), ("neuf.fr", 2)]
PARIS_LANDLINE_PREFIXES = ["+3314", "+3315", "+3313", "+3316", "+3317", "+3318"]
# Mobile blocks allotted in France (phonenumbers marks 06 39, 06 90–94, 06 96–97 invalid):
# drawing from these keeps every demo number valid without parsing each one.
MOBILE_PREFIXES = [f"+336{block:02d}" for block in range(100)
                   if block not in {39, 90, 91, 92, 93, 94, 96, 97}] \
    + [f"+337{block}" for block in range(3, 9)] * 3


@dataclass
class Person:
    id: int
    category: str
    commune_id: int
    street_id: int | None
    zone_id: int | None
    address: str
    first_name: str = ""
    last_name: str = ""
    organisation: str = ""
    created_at: datetime | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[tuple[str, bool]] = field(default_factory=list)  # (E.164, is_mobile)


class PeopleFactory:
    """Draws usagers one by one; contact points stay unique across the whole run."""

    def __init__(self, rng: random.Random, *, communes: dict[str, int],
                 streets: dict[int, list[tuple[int, int, str]]], taken: set[str]):
        self.rng = rng
        self.streets = streets
        self.taken = taken
        names = [name for name in POPULATION if name in communes]
        ids = [communes[n] for n in names]
        self._communes = {
            Category.RESIDENT_PERMANENT: Weighted(ids, [POPULATION[n] for n in names]),
            Category.RESIDENT_SECONDAIRE: Weighted(
                ids, [POPULATION[n] * SECOND_HOME_FACTOR.get(n, 1) for n in names]),
            Category.PROFESSIONNEL: Weighted(
                ids, [POPULATION[n] * BUSINESS_FACTOR.get(n, 0.8) for n in names]),
        }
        self._domains = Weighted(*zip(*EMAIL_DOMAINS, strict=True))
        self._categories = Weighted(*zip(*CATEGORY_SHARE, strict=True))

    def category(self) -> str:
        return self._categories.pick(self.rng)

    def person(self, usager_id: int, category: str, *, created_at: datetime) -> Person:
        rng = self.rng
        commune_id = self._communes[category].pick(rng)
        street_id, zone_id, street_name = rng.choice(self.streets[commune_id]) \
            if self.streets.get(commune_id) else (None, None, "")
        number = int(rng.triangular(1, 140, 8))
        address = f"{number} {street_name}" if street_name else ""
        person = Person(id=usager_id, category=category, commune_id=commune_id,
                        street_id=street_id, zone_id=zone_id, address=address,
                        created_at=created_at)
        female = rng.random() < 0.53
        person.first_name = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
        person.last_name = rng.choice(LAST_NAMES)
        if category == Category.PROFESSIONNEL:
            person.organisation = self.organisation(person)
            person.address = f"{number} {street_name}" if street_name else ""
        self._contacts(person)
        return person

    def organisation(self, person: Person) -> str:
        kind, templates = self.rng.choice(BUSINESS_KINDS)
        name = self.rng.choice(templates).format(first=person.first_name, last=person.last_name)
        return f"{kind} {name}"

    # --- contact points -------------------------------------------------------------------

    def _contacts(self, person: Person) -> None:
        rng = self.rng
        if person.category == Category.PROFESSIONNEL:
            person.emails.append(self._business_email(person))
            person.phones.append((self._number("+33231", 6), False))
            if rng.random() < 0.5:
                person.phones.append(self._mobile())
            return
        if person.category == Category.RESIDENT_SECONDAIRE:
            email_share, mobile_share, landline = 0.93, 0.75, ("+331", 0.18)
        else:  # permanent residents: older, more often reached by phone than by email
            email_share, mobile_share, landline = 0.72, 0.68, ("+33231", 0.35)
        if rng.random() < email_share:
            person.emails.append(self._personal_email(person))
        if rng.random() < mobile_share:
            person.phones.append(self._mobile())
        if rng.random() < landline[1] or not (person.emails or person.phones):
            prefix = rng.choice(PARIS_LANDLINE_PREFIXES) if landline[0] == "+331" else "+33231"
            person.phones.append((self._number(prefix, 12 - len(prefix)), False))

    def _personal_email(self, person: Person) -> str:
        first, last = _ascii(person.first_name), _ascii(person.last_name)
        patterns = [f"{first}.{last}", f"{first}{last}", f"{first[0]}.{last}", f"{last}.{first}",
                    f"{first}-{last}", f"{last}{first[0]}"]
        local = self.rng.choice(patterns)
        domain = self._domains.pick(self.rng)
        return self._unique_email(local, domain)

    def _business_email(self, person: Person) -> str:
        domain = slugify(person.organisation)[:40].strip("-") + ".fr"
        local = self.rng.choice(["contact", "accueil", "direction", _ascii(person.first_name)])
        return self._unique_email(local, domain)

    def _unique_email(self, local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        while email in self.taken:
            email = f"{local}{self.rng.randint(1, 99)}@{domain}"
        self.taken.add(email)
        return email

    def _mobile(self) -> tuple[str, bool]:
        prefix = self.rng.choice(MOBILE_PREFIXES)
        return self._number(prefix, 12 - len(prefix)), True

    def _number(self, prefix: str, digits: int) -> str:
        """A French number in an allotted block (E.164), not used by another usager."""
        for _ in range(100):
            number = f"{prefix}{self.rng.randrange(10 ** digits):0{digits}d}"
            if number not in self.taken:
                self.taken.add(number)
                return number
        raise RuntimeError(f"no number left for prefix {prefix}")


@lru_cache(maxsize=2048)
def _ascii(name: str) -> str:
    return slugify(name).replace("-", "")


def demo_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def created_at_for(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """Most usagers were known before the demo year; the others came during it."""
    if rng.random() < 0.6:
        return start - timedelta(days=rng.uniform(20, 3 * 365))
    return start + (end - start) * rng.random()
