"""Benchmark: probable-duplicate detection over 200,000 usagers (target: under 2 minutes).

Run it against a database of its own (it fills the usager tables when they are empty):

    createdb -h 127.0.0.1 -U postgres mds_bench_crm
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench_crm \\
        .venv/bin/python bench/duplicates.py --usagers 200000

The generator writes believable residents (French first and last names, the 12 communes and
their streets, personal email domains, French mobiles) and hides known twins among them —
email variants (Gmail dots, "+tag", a typo'd domain), surname typos and accents, first and
last names swapped, an anonymous chat record with the same name — so that the run reports
recall on the twins as well as the time. Only the detection is timed (loading included).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import unicodedata
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maison.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from tqdm import tqdm  # noqa: E402

from crm.demo.names import FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES  # noqa: E402
from crm.models import Category, ContactPoint, MergeProposal, Usager  # noqa: E402
from crm.services.duplicates import detect_duplicates  # noqa: E402
from maison.models import Commune, Street  # noqa: E402
from maison.services import load_reference_data  # noqa: E402

DOMAINS = ["orange.fr", "gmail.com", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net",
           "hotmail.fr", "yahoo.fr", "outlook.fr", "icloud.com"]
TYPOS = {"gmail.com": "gmial.com", "orange.fr": "ornage.fr", "wanadoo.fr": "wanado.fr",
         "hotmail.fr": "hotmial.fr", "laposte.net": "lapost.net", "free.fr": "fre.fr",
         "sfr.fr": "sfr.fr", "yahoo.fr": "yaho.fr", "outlook.fr": "outlok.fr",
         "icloud.com": "iclod.com"}
SYLLABLES = ["ber", "lan", "cour", "mar", "val", "beau", "ville", "mont", "ger", "tin", "rou",
             "chal", "lier", "det", "ton", "vaux", "lot", "quet", "nel", "rat", "gue", "fort",
             "pré", "bois", "champ", "noy", "hau", "duc", "mes", "ard"]
BATCH = 5000


def ascii_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace(" ", "")


class Generator:
    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self.emails: set[str] = set()
        self.phones: set[str] = set()
        self.communes = list(Commune.objects.values_list("id", flat=True))
        self.streets: dict[int, list[str]] = {}
        for commune_id, name in Street.objects.values_list("commune_id", "name"):
            self.streets.setdefault(commune_id, []).append(name)
        # Real surnames for the common part, syllable-built ones for the long tail.
        self.surnames = list(LAST_NAMES) + [self._surname() for _ in range(6000)]
        self.cum_weights = list(accumulate([30] * len(LAST_NAMES) + [1] * 6000))

    def _surname(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3))
                       ).capitalize()

    def person(self) -> dict:
        rng = self.rng
        first = rng.choice(FIRST_NAMES_F if rng.random() < 0.52 else FIRST_NAMES_M)
        last = rng.choices(self.surnames, cum_weights=self.cum_weights)[0]
        commune = rng.choice(self.communes)
        streets = self.streets.get(commune) or ["rue de la Mer"]
        person = {"first_name": first, "last_name": last, "commune_id": commune,
                  "address": f"{rng.randint(1, 120)} {rng.choice(streets)}",
                  "category": rng.choice([Category.RESIDENT_PERMANENT] * 6
                                         + [Category.RESIDENT_SECONDAIRE] * 3
                                         + [Category.PROFESSIONNEL]),
                  "emails": [], "phones": []}
        if rng.random() < 0.7:
            person["emails"].append(self.email(first, last, rng.choice(DOMAINS)))
        if rng.random() < 0.6:
            person["phones"].append(self.phone())
        return person

    def email(self, first: str, last: str, domain: str) -> str:
        base = f"{ascii_fold(first)}.{ascii_fold(last)}"
        email, n = f"{base}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@{domain}"
        self.emails.add(email)
        return email

    def phone(self) -> str:
        while True:
            number = f"+336{self.rng.randint(0, 99_999_999):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def twin(self, person: dict) -> dict:
        """The same person again, as another channel would have recorded them."""
        rng = self.rng
        twin = {**person, "emails": [], "phones": []}
        kind = rng.choice(["email", "typo", "swap", "chat"])
        if kind == "email" and person["emails"]:
            local, domain = person["emails"][0].split("@")
            variant = (f"{local.replace('.', '')}@{domain}" if domain == "gmail.com"
                       else f"{local}@{TYPOS[domain]}" if TYPOS[domain] != domain
                       else f"{local}+info@{domain}")
            if variant not in self.emails:
                self.emails.add(variant)
                twin["emails"] = [variant]
            twin["address"] = ""
        elif kind == "typo":
            last = person["last_name"]
            cut = rng.randint(1, max(1, len(last) - 2))
            twin["last_name"] = last[:cut] + last[cut + 1:] if len(last) > 4 else last + "e"
            twin["address"] = person["address"].lower()
        elif kind == "swap":
            twin["first_name"], twin["last_name"] = person["last_name"].upper(), \
                person["first_name"]
        else:  # an anonymous chat, then a name and commune given, nothing else
            twin["address"] = ""
        return twin


def plan(count: int, twin_share: float) -> tuple[list[dict], dict[int, int]]:
    """The people to create (deterministic), and which index is a twin of which."""
    gen = Generator()
    people, twin_of = [], {}
    while len(people) < count:
        person = gen.person()
        people.append(person)
        if gen.rng.random() < twin_share and len(people) < count:
            twin_of[len(people)] = len(people) - 1
            people.append(gen.twin(person))
    return people, twin_of


def insert(people: list[dict]) -> list[int]:
    ids: list[int] = []
    bar = tqdm(total=len(people), desc="Création des usagers", unit=" usagers")
    for start in range(0, len(people), BATCH):
        chunk = people[start:start + BATCH]
        rows = Usager.objects.bulk_create([
            Usager(first_name=p["first_name"][:100], last_name=p["last_name"][:100],
                   commune_id=p["commune_id"], address=p["address"], category=p["category"])
            for p in chunk])
        ids.extend(row.pk for row in rows)
        points = []
        for person, row in zip(chunk, rows, strict=True):
            points += [ContactPoint(usager_id=row.pk, kind="email", value=email,
                                    is_primary=True) for email in person["emails"]]
            points += [ContactPoint(usager_id=row.pk, kind="phone", value=phone,
                                    is_mobile=True, is_primary=True)
                       for phone in person["phones"]]
        ContactPoint.objects.bulk_create(points, ignore_conflicts=True)
        bar.update(len(chunk))
    bar.close()
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--usagers", type=int, default=200_000)
    parser.add_argument("--twins", type=float, default=0.02, help="share of hidden twins")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    load_reference_data()
    existing = Usager.objects.count()
    if existing and existing < args.usagers:
        sys.exit(f"La base contient déjà {existing} usagers : utilisez une base dédiée au "
                 "banc d’essai (voir l’en-tête du script).")
    people, twin_of = plan(args.usagers, args.twins)
    if existing:  # same seed, same order: the ids follow the plan
        ids = list(Usager.objects.order_by("pk").values_list("pk", flat=True)[:len(people)])
    else:
        ids = insert(people)
    twins = [(ids[original], ids[twin]) for twin, original in twin_of.items()]
    MergeProposal.objects.all().delete()

    bars: dict[str, tqdm] = {}

    def progress(phase: str, advance: int, total: int) -> None:
        if phase not in bars:
            for bar in bars.values():
                bar.close()
            bars[phase] = tqdm(total=total, desc=phase, unit=" éléments")
        bars[phase].update(advance)

    started = time.perf_counter()
    report = detect_duplicates(progress=progress)
    elapsed = time.perf_counter() - started
    for bar in bars.values():
        bar.close()

    print(f"\nBase : {connection.vendor}, {report.usagers} usagers actifs")
    print(f"Détection des doublons probables : {elapsed:.1f} s "
          f"({report.usagers / elapsed:,.0f} usagers/s), objectif < 120 s")
    print(f"Propositions : {report.created} (score ≥ seuil)")
    if twins:
        proposed = set(MergeProposal.objects.values_list("usager_a_id", "usager_b_id"))
        found = sum(1 for pair in twins if tuple(sorted(pair)) in proposed)
        print(f"Jumeaux cachés retrouvés : {found}/{len(twins)} "
              f"({100 * found / len(twins):.1f} %)")
    if elapsed >= 120:
        sys.exit(1)


if __name__ == "__main__":
    main()
