"""Reads for Sophie: the engine built from the database, the territory and the knowledge.

`load_engine()` builds the language-understanding engine once per process from the published
training phrases and the gazetteer (communes, streets, sorting guide, déchèteries), and builds
it again when a supervisor publishes a change (a new `EngineRelease`). Whether a new release
exists is checked at most every ENGINE_CHECK_SECONDS, so the hot path costs no query.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max

from chatbot.nlu import Engine, Gazetteer
from maison.memo import ttl_cached

from .models import (
    Conversation,
    Decheterie,
    DropOffPoint,
    EngineRelease,
    SortingItem,
    TrainingPhrase,
    Turn,
)

logger = logging.getLogger(__name__)

ENGINE_CHECK_SECONDS = 5.0
TERRITORY_TTL = 60.0


@dataclass
class LoadedEngine:
    engine: Engine
    version: int
    source: str  # "database" or "files"
    checked_at: float


_engine_lock = threading.Lock()
_loaded: dict[str, LoadedEngine | None] = {"current": None}


def engine_version() -> int:
    return EngineRelease.objects.aggregate(v=Max("id"))["v"] or 0


def training_from_db(*, include_drafts: bool = False) -> dict[str | None, list[str]]:
    """{intent code or None (out of scope): phrases} — the engine's training input."""
    phrases = TrainingPhrase.objects.all()
    if not include_drafts:
        phrases = phrases.filter(status=TrainingPhrase.Status.PUBLISHED)
    training: dict[str | None, list[str]] = defaultdict(list)
    for code, text in phrases.filter(intent__active=True).values_list("intent__code", "text"):
        training[code].append(text)
    for text in phrases.filter(intent__isnull=True).values_list("text", flat=True):
        training[None].append(text)
    return dict(training)


def gazetteer_from_db() -> Gazetteer:
    from maison.models import Commune, Street

    communes = [(c.name, list(c.aliases or [])) for c in Commune.objects.all()]
    streets = list(Street.objects.values_list("name", "commune__name"))
    items = [(name, list(synonyms or []))
             for name, synonyms in SortingItem.objects.values_list("name", "synonyms")]
    decheteries = [(name, list(aliases or []))
                   for name, aliases in Decheterie.objects.values_list("name", "aliases")]
    return Gazetteer(communes=communes, streets=streets, items=items, decheteries=decheteries)


def build_engine(*, include_drafts: bool = False) -> tuple[Engine, str]:
    """A fresh engine from the database, or from the shipped files when it has no phrases."""
    training = training_from_db(include_drafts=include_drafts)
    if sum(len(p) for key, p in training.items() if key) == 0:
        from chatbot.nlu_data import build_engine_from_files

        logger.warning("no training phrases in the database: Sophie uses the shipped files")
        return build_engine_from_files(), "files"
    gazetteer = gazetteer_from_db()
    if not gazetteer.communes:
        from chatbot.nlu_data import load_gazetteer_from_files

        gazetteer = load_gazetteer_from_files()
    return Engine.build(training=training, gazetteer=gazetteer), "database"


def load_engine() -> Engine:
    return loaded_engine().engine


def loaded_engine() -> LoadedEngine:
    current = _loaded["current"]
    now = time.monotonic()
    if current is not None and now - current.checked_at < ENGINE_CHECK_SECONDS:
        return current
    version = engine_version()
    if current is not None and current.version == version:
        current.checked_at = now
        return current
    with _engine_lock:
        current = _loaded["current"]
        if current is not None and current.version == version:
            return current
        started = time.monotonic()
        engine, source = build_engine()
        current = LoadedEngine(engine=engine, version=version, source=source,
                               checked_at=time.monotonic())
        _loaded["current"] = current
        logger.info("Sophie engine v%s built from %s in %.1f s", version, source,
                    time.monotonic() - started)
        return current


def forget_engine() -> None:
    """Drop the cached engine (after a publication in this process, and in tests)."""
    with _engine_lock:
        _loaded["current"] = None


# --- Territory --------------------------------------------------------------------------------

_territory: dict = {"at": 0.0, "data": None}


@dataclass(frozen=True)
class StreetRef:
    id: int
    name: str
    commune_id: int
    commune: str
    zone_id: int


@dataclass(frozen=True)
class CommuneRef:
    id: int
    name: str
    zones: int
    mairie_phone: str
    mairie_email: str
    mairie_address: str


def territory() -> dict:
    """Communes and streets, cached for TERRITORY_TTL (they change a few times a year)."""
    if _territory["data"] is not None and time.monotonic() - _territory["at"] < TERRITORY_TTL:
        return _territory["data"]
    from django.db.models import Count

    from maison.models import Commune, Street

    communes = {
        c.name: CommuneRef(id=c.pk, name=c.name, zones=c.n_zones, mairie_phone=c.mairie_phone,
                           mairie_email=c.mairie_email, mairie_address=c.mairie_address)
        for c in Commune.objects.annotate(n_zones=Count("zones"))
    }
    streets: dict[str, list[StreetRef]] = defaultdict(list)
    for s in Street.objects.select_related("commune").order_by("name"):
        streets[s.commune.name].append(StreetRef(id=s.pk, name=s.name, commune_id=s.commune_id,
                                                 commune=s.commune.name, zone_id=s.zone_id))
    data = {"communes": communes, "streets": dict(streets)}
    _territory.update(at=time.monotonic(), data=data)
    return data


def forget_territory() -> None:
    _territory.update(at=0.0, data=None)


def commune(name: str | None) -> CommuneRef | None:
    return territory()["communes"].get(name) if name else None


def commune_names() -> list[str]:
    return list(territory()["communes"])


def streets_of(commune_name: str) -> list[StreetRef]:
    return territory()["streets"].get(commune_name, [])


def street(commune_name: str | None, street_name: str | None) -> StreetRef | None:
    if not commune_name or not street_name:
        return None
    for ref in streets_of(commune_name):
        if ref.name == street_name:
            return ref
    return None


STREET_TYPES = {"rue", "r", "avenue", "av", "boulevard", "bd", "chemin", "ch", "route", "rte",
                "impasse", "imp", "place", "pl", "quai", "allee", "promenade", "sentier",
                "square", "residence", "lotissement"}
STREET_STOP = {"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "en"}
STREET_MIN_SCORE = 80


def street_core(text: str) -> str:
    """The distinctive words of a street name: « rue des Bains » → « bain »."""
    from chatbot.nlu.normalize import fold

    words = [w for w in fold(text).split() if w not in STREET_STOP and not w.isdigit()]
    if words and words[0] in STREET_TYPES:
        words = words[1:]
    return " ".join(w[:-1] if len(w) > 3 and w.endswith(("s", "x")) else w for w in words)


def match_street(commune_name: str, text: str) -> StreetRef | None:
    """A street of the commune from loosely typed text ("des bains", "rue des bain")."""
    from rapidfuzz import fuzz

    query = street_core(text[:120])
    if len(query) < 3:
        return None
    best, best_score = None, 0.0
    for ref in streets_of(commune_name):
        core = street_core(ref.name)
        score = max(fuzz.ratio(query, core), fuzz.token_set_ratio(query, core) - 5)
        if score > best_score:
            best, best_score = ref, score
    return best if best_score >= STREET_MIN_SCORE else None


# --- Knowledge --------------------------------------------------------------------------------
# Reference data that supervisors edit a few times a year, read by nearly every answer: cached
# in-process for KNOWLEDGE_TTL (an edit shows within that delay). What is returned is shared
# between requests and threads: read it, never change it.

KNOWLEDGE_TTL = 60.0


@ttl_cached(ttl=KNOWLEDGE_TTL, maxsize=1024)
def sorting_item(name: str | None) -> SortingItem | None:
    return SortingItem.objects.filter(name=name).first() if name else None


@ttl_cached(ttl=KNOWLEDGE_TTL, maxsize=1)
def sorting_item_names() -> dict[str, str]:
    """{name: folded name} of the sorting guide, for fuzzy matching."""
    from chatbot.nlu.normalize import fold

    return {name: fold(name) for name in SortingItem.objects.values_list("name", flat=True)}


@ttl_cached(ttl=KNOWLEDGE_TTL, maxsize=1)
def decheteries() -> tuple[Decheterie, ...]:
    return tuple(Decheterie.objects.select_related("commune").prefetch_related("serves"))


def decheterie_named(name: str | None) -> Decheterie | None:
    return next((place for place in decheteries() if place.name == name), None) if name \
        else None


def nearest_decheterie(commune_name: str | None) -> Decheterie | None:
    """The déchèterie serving the commune, else the one in it."""
    if not commune_name:
        return None
    places = decheteries()
    return (next((p for p in places if any(c.name == commune_name for c in p.serves.all())),
                 None)
            or next((p for p in places if p.commune.name == commune_name), None))


@ttl_cached(ttl=KNOWLEDGE_TTL, maxsize=256)
def drop_off_points(commune_name: str, kinds: tuple[str, ...] = ()) -> tuple[DropOffPoint, ...]:
    points = DropOffPoint.objects.filter(commune__name=commune_name, active=True)
    if kinds:
        points = points.filter(kind__in=kinds)
    return tuple(points)


# --- Collection calendars (maison's data, cached the same way) -------------------------------

@ttl_cached(ttl=KNOWLEDGE_TTL, maxsize=256)
def collection_zone(zone_id: int):
    from maison.models import CollectionZone

    return CollectionZone.objects.select_related("commune").filter(pk=zone_id).first()


@ttl_cached(ttl=KNOWLEDGE_TTL, maxsize=256)
def only_zone_of(commune_id: int) -> int | None:
    """The commune's collection zone when it has a single one."""
    from maison.models import CollectionZone

    return CollectionZone.objects.filter(commune_id=commune_id).values_list(
        "id", flat=True).first()


@ttl_cached(ttl=KNOWLEDGE_TTL, maxsize=256)
def collection_rounds(zone_id: int) -> tuple:
    from maison import collection

    zone = collection_zone(zone_id)
    return tuple(collection.schedules_of(zone)) if zone else ()


@ttl_cached(ttl=KNOWLEDGE_TTL, maxsize=1024)
def next_collections(zone_id: int, flux: str | None, after) -> tuple:
    """The next collection of each flux (or of one) after that day."""
    from maison import collection

    zone = collection_zone(zone_id)
    if zone is None:
        return ()
    return tuple(collection.next_collections(zone, flux=flux, after=after,
                                             schedules=collection_rounds(zone_id)))


@ttl_cached(ttl=KNOWLEDGE_TTL, maxsize=256)
def collected_at_the_door(commune_name: str, flux: str) -> bool:
    from maison.models import CollectionSchedule

    return CollectionSchedule.objects.filter(zone__commune__name=commune_name,
                                             flux=flux).exists()


def forget_knowledge() -> None:
    """Drop the cached knowledge in this process (after an edit in the admin; others follow
    within KNOWLEDGE_TTL)."""
    for cached_read in (sorting_item, sorting_item_names, decheteries, drop_off_points,
                        collection_zone, only_zone_of, collection_rounds, next_collections,
                        collected_at_the_door):
        cached_read.cache_clear()


# --- Conversations ----------------------------------------------------------------------------

def history(conversation: Conversation, after: int = 0) -> list[Turn]:
    return list(conversation.turns.filter(seq__gt=after).order_by("seq"))


def waiting_conversations():
    return (Conversation.objects.filter(status__in=[Conversation.Status.WAITING,
                                                    Conversation.Status.AGENT])
            .select_related("agent").order_by("handoff_at"))
