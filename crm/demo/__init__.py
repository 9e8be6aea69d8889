"""crm's demo data: usagers across the 12 communes, their contact points and consents.

Also what the rooms above need to load their own demo in bulk without writing crm's tables
themselves: the pool of usagers to draw from, a loader for 360° timeline entries, and the
update of each usager's first and last contact once their requests exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import connection, transaction

from crm.models import (
    Category,
    Consent,
    ConsentChannel,
    ConsentText,
    ContactPoint,
    Purpose,
    TimelineEntry,
    Usager,
)
from maison.demo import Progress, Seeded, Weighted, demo_year, random_for
from maison.demo.bulk import TableLoader, is_postgres, reserve_ids, reset_sequences, wipe
from maison.demo.schema import fast_load
from maison.models import Commune, Street

from .people import PeopleFactory, Person, created_at_for, demo_uuid

# A resident writes a couple of times a year; the pool stops growing at the summer population.
USAGERS_PER_TICKET = 0.55
MIN_USAGERS, MAX_USAGERS = 30, 120_000
FAST_LOAD_FROM = 20_000  # usagers: from there, indexes are rebuilt rather than maintained

CONSENT_TEXTS = {
    Purpose.ENQUETES: (
        "J’accepte que la Communauté de Communes Cœur Côte Fleurie me sollicite, après chacune "
        "de mes demandes, pour une courte enquête de satisfaction sur le service rendu. Je peux "
        "retirer mon accord à tout moment depuis le lien présent dans chaque message ou en "
        "écrivant au service."),
    Purpose.INFORMATION: (
        "J’accepte de recevoir de la Communauté de Communes Cœur Côte Fleurie des informations "
        "pratiques sur le service des déchets et de l’eau (changement de jour de collecte, "
        "fermeture exceptionnelle d’une déchèterie, coupure d’eau). Je peux retirer mon accord "
        "à tout moment."),
    Purpose.CAMPAGNES: (
        "J’accepte de recevoir les campagnes d’information de la Communauté de Communes Cœur "
        "Côte Fleurie (tri des déchets, économies d’eau, compostage). Au plus un message par "
        "mois ; je peux retirer mon accord à tout moment."),
}
CONSENT_SOURCES = [("formulaire", 45), ("accueil", 20), ("telephone", 20),
                   ("lien de préférences", 15)]
_SOURCES = Weighted(*zip(*CONSENT_SOURCES, strict=True))
TIMELINE_COLUMNS = ["usager_id", "kind", "occurred_at", "channel", "summary", "source_type",
                    "source_id", "ticket_reference"]


class DemoUsager(NamedTuple):
    """What another room's demo needs to know of a usager to write requests in their name."""

    id: int
    category: str
    commune_id: int | None
    street_id: int | None
    address: str
    first_name: str
    last_name: str
    organisation: str
    email: str | None
    mobile: str | None
    phone: str | None


def usager_count_for(tickets: int) -> int:
    return max(MIN_USAGERS, min(MAX_USAGERS, int(tickets * USAGERS_PER_TICKET)))


def seed(*, tickets: int, progress: Progress) -> Seeded:
    texts = _consent_texts()
    if Usager.objects.exists():
        return Seeded(notes=["Des usagers existent déjà : aucun usager ajouté "
                             "(seed_demo --reset pour repartir de zéro)."])
    count = usager_count_for(tickets)
    rng = random_for("crm")
    start, end = demo_year()
    communes = dict(Commune.objects.values_list("name", "id"))
    streets: dict[int, list] = {}
    for street_id, commune_id, zone_id, name in Street.objects.values_list(
            "id", "commune_id", "zone_id", "name"):
        streets.setdefault(commune_id, []).append((street_id, zone_id, name))
    taken = set(ContactPoint.objects.values_list("value", flat=True))
    factory = PeopleFactory(rng, communes=communes, streets=streets, taken=taken)

    usagers = TableLoader(Usager, ["id", "public_id", "first_name", "last_name", "organisation",
                                   "category", "commune_id", "address", "street_id", "zone_id",
                                   "created_at", "updated_at", "last_contact_at"])
    points = TableLoader(ContactPoint, ["usager_id", "kind", "value", "is_mobile", "is_valid",
                                        "invalid_reason", "is_primary", "created_at",
                                        "last_used_at"])
    consents = ConsentWriter(rng, texts, end)
    first_id = reserve_ids(Usager, count)
    with fast_load(Usager, ContactPoint, Consent, TimelineEntry, enabled=count >= FAST_LOAD_FROM,
                   progress=progress), \
            progress(total=count, desc="Usagers", unit="usager") as bar:
        for offset in range(count):
            person = factory.person(first_id + offset, factory.category(),
                                    created_at=created_at_for(rng, start, end))
            usagers.add(_usager_row(rng, person))
            for row in _contact_rows(rng, person):
                points.add(row)
            consents.maybe_add(person)
            if offset % 1000 == 999:
                bar.update(1000)
        bar.update(count % 1000)
        usagers.close()
        points.close()
        consents.flush()
        reset_sequences(Usager, Consent)
    return Seeded(counts={"usagers": usagers.written, "coordonnées": points.written,
                          "consentements": consents.written})


def _usager_row(rng, person: Person) -> tuple:
    return (person.id, demo_uuid(rng), person.first_name, person.last_name, person.organisation,
            person.category, person.commune_id, person.address, person.street_id,
            person.zone_id, person.created_at, person.created_at, None)


def _contact_rows(rng, person: Person):
    for index, email in enumerate(person.emails):
        bounced = rng.random() < 0.01
        yield (person.id, ContactPoint.Kind.EMAIL, email, False, not bounced,
               "Adresse rejetée par le serveur du destinataire (boîte inexistante)."
               if bounced else "", index == 0, person.created_at, None)
    first_phone = True
    for number, is_mobile in person.phones:
        yield (person.id, ContactPoint.Kind.PHONE, number, is_mobile, True, "", first_phone,
               person.created_at, None)
        first_phone = False


def _consent_texts() -> dict[str, ConsentText]:
    texts = {}
    for purpose, text in CONSENT_TEXTS.items():
        current = ConsentText.objects.filter(purpose=purpose).order_by("-created_at", "-id").first()
        texts[purpose] = current or ConsentText.objects.create(purpose=purpose, version="2025-09",
                                                               text=text)
    return texts


class ConsentWriter:
    """Opt-ins with their proof (who, when, how, which text), a few withdrawn since."""

    def __init__(self, rng, texts: Mapping[str, ConsentText], end: datetime):
        self.rng, self.texts, self.end = rng, texts, end
        self.pending: list[tuple] = []
        self.written = 0

    def maybe_add(self, person: Person) -> None:
        rng = self.rng
        wishes = []
        if person.emails and rng.random() < 0.42:
            wishes.append((Purpose.ENQUETES, ConsentChannel.EMAIL))
        if any(mobile for _, mobile in person.phones) and rng.random() < 0.22:
            wishes.append((Purpose.INFORMATION, ConsentChannel.SMS))
        if person.emails and rng.random() < 0.15:
            wishes.append((Purpose.CAMPAGNES, ConsentChannel.EMAIL))
        for purpose, channel in wishes:
            at = person.created_at + (self.end - person.created_at) * rng.random() * 0.5
            source = _SOURCES.pick(rng)
            self.pending.append((person.id, purpose, channel, True, at, source,
                                 self._proof(source, purpose, at)))
            if rng.random() < 0.04:  # changed their mind later, through the preferences link
                later = at + (self.end - at) * rng.random()
                self.pending.append((person.id, purpose, channel, False, later,
                                     "lien de préférences",
                                     self._proof("lien de préférences", purpose, later)))

    def _proof(self, source: str, purpose: str, at: datetime) -> dict:
        proof = {"text_version": self.texts[purpose].version, "at": at.isoformat()}
        if source in ("formulaire", "lien de préférences"):
            proof.update(ip=f"192.0.2.{self.rng.randint(1, 254)}",
                         user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"
                         if self.rng.random() < 0.5 else "Mozilla/5.0 (Windows NT 10.0)",
                         page="/mes-preferences/" if source != "formulaire" else "/contact/")
        else:
            proof.update(note="Accord oral recueilli par l’agent, texte lu à l’usager.")
        return proof

    def flush(self) -> None:
        if not self.pending:
            return
        first_id = reserve_ids(Consent, len(self.pending))
        consents = TableLoader(Consent, ["id", "usager_id", "purpose", "channel", "given",
                                         "recorded_at", "source", "text_id", "recorded_by_id",
                                         "proof"])
        timeline = timeline_loader()
        for offset, (usager_id, purpose, channel, given, at, source, proof) in enumerate(
                self.pending):
            consent_id = first_id + offset
            consents.add((consent_id, usager_id, purpose, channel, given, at, source,
                          self.texts[purpose].pk, None, proof))
            state = "accordé" if given else "retiré"
            timeline.add((usager_id, TimelineEntry.Kind.CONSENT, at, channel,
                          f"{Purpose(purpose).label} ({ConsentChannel(channel).label}) : {state}",
                          "crm.consent", str(consent_id), ""))
        consents.close()
        timeline.close()
        self.written = consents.written
        self.pending = []


def reset() -> None:
    """Wipe usagers and everything hanging from them (the consent texts stay)."""
    if not is_postgres():
        Usager.objects.exclude(merged_into=None).update(merged_into=None)
    wipe(TimelineEntry, Consent, ContactPoint, Usager)


# --- For the rooms above ----------------------------------------------------------------------

def demo_usagers() -> list[DemoUsager]:
    """Active usagers with their preferred valid email, mobile and other phone."""
    contacts: dict[int, dict[str, str]] = {}
    for usager_id, kind, value, is_mobile in (
            ContactPoint.objects.filter(is_valid=True)
            .order_by("usager_id", "-is_primary", "id")
            .values_list("usager_id", "kind", "value", "is_mobile").iterator(chunk_size=20_000)):
        slot = "email" if kind == ContactPoint.Kind.EMAIL else ("mobile" if is_mobile else "phone")
        contacts.setdefault(usager_id, {}).setdefault(slot, value)
    pool = []
    for row in (Usager.objects.filter(erased_at=None, merged_into=None).order_by("id")
                .values_list("id", "category", "commune_id", "street_id", "address",
                             "first_name", "last_name", "organisation")
                .iterator(chunk_size=20_000)):
        known = contacts.get(row[0], {})
        pool.append(DemoUsager(*row, known.get("email"), known.get("mobile"),
                               known.get("phone")))
    return pool


def timeline_loader(loader: type[TableLoader] = TableLoader) -> TableLoader:
    """Rows: (usager_id, kind, occurred_at, channel, summary, source_type, source_id,
    ticket_reference) — the same entries `crm.services.record_contact` writes. `loader`:
    a maison.demo.bulk loader class (a CopySpool while another table streams)."""
    return loader(TimelineEntry, TIMELINE_COLUMNS)


def forget_timeline(*, source_prefix: str) -> None:
    """Drop the 360° entries a room's demo wrote (its own reset), e.g. "guichet."."""
    TimelineEntry.objects.filter(source_type__startswith=source_prefix)._raw_delete(
        TimelineEntry.objects.db)


def bulk_tables() -> list:
    """crm tables another room's demo writes in bulk (to pass to maison.demo.schema.fast_load):
    timeline entries, and usagers' contact dates (record_contact_span)."""
    return [TimelineEntry, Usager]


def record_contact_span(spans: Mapping[int, tuple[datetime, datetime]]) -> None:
    """Each usager's first and last contact: known since then, last seen then."""
    if not spans:
        return
    if is_postgres():
        _record_spans_with_copy(spans)
        return
    usagers = list(Usager.objects.filter(pk__in=list(spans)).only("id", "created_at"))
    for usager in usagers:
        first, last = spans[usager.pk]
        usager.created_at = min(usager.created_at, first - timedelta(minutes=1))
        usager.last_contact_at = last
        usager.updated_at = last
    Usager.objects.bulk_update(usagers, ["created_at", "last_contact_at", "updated_at"],
                               batch_size=500)


def _record_spans_with_copy(spans) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE demo_contact_span (id bigint, first_at timestamptz, "
                       "last_at timestamptz) ON COMMIT DROP")
        with cursor.copy("COPY demo_contact_span (id, first_at, last_at) FROM STDIN") as copy:
            for usager_id, (first, last) in spans.items():
                copy.write_row((usager_id, first, last))
        table = connection.ops.quote_name(Usager._meta.db_table)
        cursor.execute(
            f"UPDATE {table} u SET created_at = LEAST(u.created_at, s.first_at - interval "  # noqa: S608
            "'1 minute'), last_contact_at = s.last_at, updated_at = s.last_at "
            "FROM demo_contact_span s WHERE u.id = s.id")
        cursor.execute("DROP TABLE demo_contact_span")


__all__ = ["Category", "DemoUsager", "bulk_tables", "demo_usagers", "record_contact_span",
           "reset", "seed", "timeline_loader", "usager_count_for"]
