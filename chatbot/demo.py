"""Sophie's demo knowledge, loaded from the data files (idempotent, bulk).

- the intent catalogue and every answer (content.py), never overwriting a supervisor's edit;
- training phrases from chatbot/data/training/*.txt, published as the first release;
- the sorting guide (sorting_guide.json), the déchèteries (decheteries.json);
- drop-off points per commune (plausible demo data, generated here);
- each zone's collection calendar (maison/data/collection_calendar.json, through maison);
- a handful of conversations for the supervisors' review page.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from maison import collection
from maison.models import Commune, SubTheme, Theme

from . import catalogue, content
from .models import (
    Answer,
    Conversation,
    Decheterie,
    DropOffPoint,
    EngineRelease,
    Intent,
    SortingItem,
    TrainingPhrase,
    Turn,
)


def _silent(**_kwargs):
    from contextlib import nullcontext

    return nullcontext(_Bar())


class _Bar:
    def update(self, n: int = 1) -> None:
        return None


def seed(*, tickets: int = 0, progress=None) -> dict[str, int]:
    progress = progress or _silent
    if not Commune.objects.exists():
        from maison.services import load_reference_data

        load_reference_data()
    counts: dict[str, int] = {}
    steps = (seed_intents, seed_answers, seed_training, seed_sorting_guide, seed_decheteries,
             seed_drop_off_points, seed_calendar, seed_conversations)
    with progress(total=len(steps), desc="Sophie", unit="étape") as bar:
        for step in steps:
            counts.update(step())
            bar.update(1)
    from . import selectors, texts

    texts.forget()
    selectors.forget_territory()
    selectors.forget_knowledge()
    return counts


@transaction.atomic
def seed_intents() -> dict[str, int]:
    themes = {t.code: t for t in Theme.objects.all()}
    subthemes = {(s.theme.code, s.code): s for s in SubTheme.objects.select_related("theme")}
    existing = set(Intent.objects.values_list("code", flat=True))
    rows = []
    for position, (code, spec) in enumerate(catalogue.CATALOGUE.items()):
        if code in existing:
            continue
        rows.append(Intent(code=code, label=spec.label, theme=themes.get(spec.theme),
                           subtheme=subthemes.get((spec.theme, spec.subtheme)),
                           nature=spec.nature, position=position))
    Intent.objects.bulk_create(rows)
    return {"intentions": len(rows)}


@transaction.atomic
def seed_answers() -> dict[str, int]:
    intents = {i.code: i for i in Intent.objects.all()}
    existing = set(Answer.objects.values_list("intent__code", "key"))
    rows = []
    for code, variants in content.ANSWERS.items():
        for key, text in variants.items():
            if (code, key) not in existing and code in intents:
                rows.append(Answer(intent=intents[code], key=key, text=text))
    commons = {**content.SOPHIE, **{f"fact-{k}": v for k, v in content.FACTS.items()}}
    for key, text in commons.items():
        if (None, key) not in existing:
            rows.append(Answer(intent=None, key=key, text=text))
    Answer.objects.bulk_create(rows)
    return {"réponses": len(rows)}


@transaction.atomic
def seed_training() -> dict[str, int]:
    from .nlu_data import load_training_from_files

    intents = {i.code: i for i in Intent.objects.all()}
    existing = {(code, text.lower()) for code, text in
                TrainingPhrase.objects.values_list("intent__code", "text")}
    rows = []
    for code, phrases in load_training_from_files().items():
        if code is not None and code not in intents:
            continue
        for phrase in phrases:
            if (code, phrase.lower()) in existing:
                continue
            existing.add((code, phrase.lower()))
            rows.append(TrainingPhrase(intent=intents.get(code) if code else None,
                                       text=phrase[:500], status=TrainingPhrase.Status.PUBLISHED,
                                       source=TrainingPhrase.Source.SEED))
    TrainingPhrase.objects.bulk_create(rows, batch_size=1000)
    if rows or not EngineRelease.objects.exists():
        EngineRelease.objects.create(
            note="Jeu d’entraînement initial" if not EngineRelease.objects.exists()
            else "Nouvelles phrases du jeu d’entraînement livré",
            phrases=TrainingPhrase.objects.filter(
                status=TrainingPhrase.Status.PUBLISHED).count())
    return {"phrases d’entraînement": len(rows)}


@transaction.atomic
def seed_sorting_guide() -> dict[str, int]:
    from .nlu_data import SORTING_GUIDE_FILE

    guide = json.loads(SORTING_GUIDE_FILE.read_text(encoding="utf-8"))
    existing = set(SortingItem.objects.values_list("name", flat=True))
    rows = [SortingItem(name=item["name"], synonyms=item.get("synonyms", []),
                        destination=item["flux"], advice=item.get("advice", "")[:300])
            for item in guide["items"] if item["name"] not in existing]
    SortingItem.objects.bulk_create(rows)
    return {"objets du guide du tri": len(rows)}


@transaction.atomic
def seed_decheteries() -> dict[str, int]:
    from .nlu_data import DECHETERIES_FILE

    data = json.loads(DECHETERIES_FILE.read_text(encoding="utf-8"))
    communes = {c.name: c for c in Commune.objects.all()}
    created = 0
    for item in data["decheteries"]:
        commune = communes.get(item["commune"])
        if commune is None:
            continue
        period = item.get("summer_period", {})
        place, was_created = Decheterie.objects.get_or_create(
            name=item["name"], defaults={
                "slug": slugify(item["name"]), "aliases": item.get("aliases", []),
                "commune": commune, "address": item["address"], "phone": item.get("phone", ""),
                "hours": item.get("hours", {}), "summer_start": period.get("from", "04-01"),
                "summer_end": period.get("to", "09-30"),
                "closed_on_public_holidays": item.get("closed_on_public_holidays", True),
                "accepted": item.get("accepted", {}), "refused": item.get("refused", []),
                "access": item.get("access", {}), "professionals": item.get("professionals", {}),
            })
        created += was_created
        if was_created:
            place.serves.set([c for name, c in communes.items()
                              if NEAREST_DECHETERIE.get(name) == item["commune"]])
    return {"déchèteries": created}


# Which déchèterie is closest to each commune (by road).
NEAREST_DECHETERIE = {
    "Touques": "Touques", "Deauville": "Touques", "Trouville-sur-Mer": "Touques",
    "Saint-Arnoult": "Saint-Arnoult", "Saint-Gatien-des-Bois": "Saint-Arnoult",
    "Tourgéville": "Saint-Arnoult", "Villerville": "Touques",
    "Villers-sur-Mer": "Villers-sur-Mer", "Blonville-sur-Mer": "Villers-sur-Mer",
    "Bénerville-sur-Mer": "Villers-sur-Mer", "Saint-Pierre-Azif": "Villers-sur-Mer",
    "Vauville": "Saint-Arnoult",
}

# Demo drop-off points: (kind, place, underground) per commune. Plausible, invented.
DROP_OFF_POINTS = {
    "Bénerville-sur-Mer": [("verre", "Parking de la mairie, place de la Mairie", False),
                           ("verre", "Avenue de la Côte Fleurie, près du tennis", False),
                           ("textiles", "Parking de la mairie", False)],
    "Blonville-sur-Mer": [("verre", "Rue des Écoles, parking de l’école", False),
                          ("verre", "Avenue Michel d’Ornano, face au camping", False),
                          ("emballages", "Avenue Michel d’Ornano, face au camping", False),
                          ("textiles", "Rue des Écoles, parking de l’école", False)],
    "Deauville": [("verre", "Place Morny, côté rue Désiré le Hoc", True),
                  ("verre", "Boulevard Mauger, parking de la gare", True),
                  ("verre", "Rue Jean Mermoz, près de la piscine", True),
                  ("emballages", "Place Morny, côté rue Désiré le Hoc", True),
                  ("papier", "Boulevard Mauger, parking de la gare", True),
                  ("textiles", "Parking du marché, rue Robert Fossorier", False)],
    "Saint-Arnoult": [("verre", "Route de Paris, parking de la salle des fêtes", False),
                      ("verre", "Chemin de la Croix Sonnet, entrée de la déchèterie", False),
                      ("textiles", "Route de Paris, parking de la salle des fêtes", False)],
    "Saint-Gatien-des-Bois": [("verre", "Route de Honfleur, parking de l’église", False),
                              ("verre", "Chemin de l’Aéroport, rond-point", False),
                              ("textiles", "Route de Honfleur, parking de l’église", False)],
    "Saint-Pierre-Azif": [("verre", "Route de Blonville, près de la mairie", False)],
    "Tourgéville": [("verre", "Route de Tourgéville, parking de la mairie", False),
                    ("verre", "Avenue des Tamaris, parking du golf", False),
                    ("textiles", "Route de Tourgéville, parking de la mairie", False)],
    "Touques": [("verre", "Place Lemercier", True),
                ("verre", "Quai Monrival, parking des Remparts", False),
                ("papier", "Place Lemercier", True),
                ("textiles", "Quai Monrival, parking des Remparts", False)],
    "Trouville-sur-Mer": [("verre", "Place du Maréchal Foch, côté casino", True),
                          ("verre", "Rue Carnot, parking Carnot", True),
                          ("verre", "Boulevard Aristide Briand, parking des Roches Noires",
                           False),
                          ("emballages", "Rue Carnot, parking Carnot", True),
                          ("textiles", "Quai Fernand Moureaux, parking de la poissonnerie",
                           False)],
    "Vauville": [("verre", "Chemin de Vauville, près de la mairie", False)],
    "Villers-sur-Mer": [("verre", "Place Mermoz, parking", True),
                        ("verre", "Avenue Jean Moulin, parking du Paléospace", False),
                        ("emballages", "Place Mermoz, parking", True),
                        ("textiles", "Avenue Jean Moulin, parking du Paléospace", False)],
    "Villerville": [("verre", "Rue du Général Leclerc, parking de la mairie", False),
                    ("verre", "Chemin de Mauvillers, parking du belvédère", False),
                    ("textiles", "Rue du Général Leclerc, parking de la mairie", False)],
}


@transaction.atomic
def seed_drop_off_points() -> dict[str, int]:
    communes = {c.name: c for c in Commune.objects.all()}
    seeded = set(DropOffPoint.objects.values_list("commune__name", flat=True))
    rows = [DropOffPoint(commune=communes[name], kind=kind, place=place, underground=underground)
            for name, points in DROP_OFF_POINTS.items() if name in communes and name not in seeded
            for kind, place, underground in points]
    DropOffPoint.objects.bulk_create(rows)
    return {"points d’apport volontaire": len(rows)}


def seed_calendar() -> dict[str, int]:
    counts = collection.load_calendar_file()
    return {"tournées de collecte": counts["schedules"]}


# A few conversations for the review page: what residents asked that Sophie missed.
DEMO_CONVERSATIONS = [
    [("usager", "bonjour je voudrais savoir pour les encombrant c quand", "encombrants_collecte",
      0.52), ("sophie", content.ANSWERS["encombrants_collecte"]["main"], "", None)],
    [("usager", "mon voisin brule ses feuilles c autorisé ?", "dechets_verts", 0.41),
     ("sophie", content.ANSWERS["dechets_verts"]["main"], "", None)],
    [("usager", "la benne à papier de la place est cassée", "", 0.3),
     ("sophie", content.SOPHIE["fallback"], "", None)],
    [("usager", "quel est le numéro du syndic de la résidence", "", 0.2),
     ("sophie", content.SOPHIE["fallback"], "", None)],
    [("usager", "le camion a arraché ma boîte aux lettres en reculant", "", 0.33),
     ("sophie", content.SOPHIE["fallback"], "", None)],
    [("usager", "est ce que je peux mettre les cendres de la cheminée dans la poubelle",
      "tri_ou_jeter", 0.47), ("sophie", content.ANSWERS["tri_ou_jeter"]["ask_item"], "", None)],
]


@transaction.atomic
def seed_conversations() -> dict[str, int]:
    if Conversation.objects.exists():
        return {"conversations": 0}
    now = timezone.now()
    created = 0
    for index, turns in enumerate(DEMO_CONVERSATIONS):
        conversation = Conversation.objects.create(needs_review=True, turn_count=len(turns),
                                                   last_intent=turns[0][2])
        rows = [Turn(conversation=conversation, seq=seq, role=role, text=text, intent=intent,
                     confidence=confidence, needs_review=role == "usager")
                for seq, (role, text, intent, confidence) in enumerate(turns, start=1)]
        Turn.objects.bulk_create(rows)
        when = now - timedelta(hours=3 * (index + 1))
        Conversation.objects.filter(pk=conversation.pk).update(created_at=when, updated_at=when)
        Turn.objects.filter(conversation=conversation).update(created_at=when)
        created += 1
    return {"conversations": created}


def reset() -> None:
    """seed_demo --reset: conversations are demo volume; knowledge is reference data."""
    Conversation.objects.all().delete()
