"""Entity extraction: communes, addresses, items, déchèteries, flux, references, dates."""

from datetime import date

import pytest

from chatbot.nlu.dates import easter, resolve_date
from chatbot.nlu.entities import EntityExtractor, Gazetteer, find_flux, find_reference
from chatbot.nlu.normalize import fold

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.fixture(scope="module")
def extractor():
    gazetteer = Gazetteer(
        communes=[
            ("Trouville-sur-Mer", ["Trouville", "Trouvile"]),
            ("Saint-Arnoult", ["St Arnoult"]),
            ("Saint-Gatien-des-Bois", ["St Gatien"]),
            ("Villers-sur-Mer", ["Villers", "Viller"]),
            ("Villerville", []),
            ("Blonville-sur-Mer", ["Blonville"]),
            ("Deauville", []),
            ("Touques", []),
        ],
        streets=[
            ("Rue des Bains", "Trouville-sur-Mer"),
            ("Rue des Bains", "Villerville"),
            ("Rue du Général Leclerc", "Trouville-sur-Mer"),
            ("Rue du Général Leclerc", "Deauville"),
            ("Avenue de la République", "Deauville"),
            ("Impasse des Lilas", "Touques"),
            ("Rue de Villers", "Blonville-sur-Mer"),
            ("Chemin de la Croix Sonnet", "Saint-Arnoult"),
        ],
        items=[
            ("pot de yaourt", ["pots de yaourt", "yaourt"]),
            ("pot de peinture", ["peinture"]),
            ("réfrigérateur", ["frigo", "congelateur"]),
            ("lave-linge", ["machine a laver"]),
            ("boîte à pizza", ["carton a pizza"]),
            ("journal", ["journaux"]),
            ("pile", ["piles"]),
        ],
        decheteries=[
            ("Déchèterie de Touques", ["touques"]),
            ("Déchèterie de Villers-sur-Mer", ["villers"]),
        ],
    )
    # In the engine, known words are the training vocabulary: they are never "corrected".
    known = {"le", "la", "camion", "passe", "quand", "ville", "est", "propre", "rien"}
    return EntityExtractor(gazetteer, known_words=known)


def entities(extractor, text):
    return extractor.extract(text, TODAY)


@pytest.mark.parametrize(
    ("text", "commune"),
    [
        ("jour ramassage st arnoult", "Saint-Arnoult"),
        ("Saint Arnoult", "Saint-Arnoult"),
        ("ST-ARNOULT", "Saint-Arnoult"),
        ("à Trouville", "Trouville-sur-Mer"),
        ("trouvile", "Trouville-sur-Mer"),
        ("trouvill", "Trouville-sur-Mer"),
        ("villers/mer", "Villers-sur-Mer"),
        ("villers sur mer", "Villers-sur-Mer"),
        ("villervile", "Villerville"),
        ("st gatien des boid", "Saint-Gatien-des-Bois"),
        ("DEAUVILLE", "Deauville"),
        ("un resto à Honfleur", None),
        ("la ville est propre", None),
    ],
)
def test_commune_variants(extractor, text, commune):
    assert entities(extractor, text)["commune"] == commune


def test_address_with_number_and_commune(extractor):
    found = entities(extractor, "bac pas vidé 12 impasse des lilas à touques")
    assert found["adresse"] == {"street": "Impasse des Lilas", "number": "12", "commune": "Touques"}
    assert found["commune"] == "Touques"


def test_address_typo_and_abbreviation(extractor):
    found = entities(extractor, "deauville av de la republiqe")
    assert found["adresse"]["street"] == "Avenue de la République"
    assert found["adresse"]["commune"] == "Deauville"


def test_street_in_several_communes_needs_the_commune(extractor):
    assert entities(extractor, "rue des bains")["adresse"]["commune"] is None
    found = entities(extractor, "3 rue des Bains à Villerville")
    assert found["adresse"] == {"street": "Rue des Bains", "number": "3", "commune": "Villerville"}


def test_commune_inside_street_name_is_not_the_commune(extractor):
    found = entities(extractor, "rue de Villers")
    assert found["commune"] == "Blonville-sur-Mer"
    assert found["adresse"]["street"] == "Rue de Villers"


def test_unknown_street_is_not_invented(extractor):
    assert entities(extractor, "14 rue des Roses saint arnoult")["adresse"] is None


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("pot de yaourt poubelle jaune ou pas", "pot de yaourt"),
        ("les pots de yaourts ?", "pot de yaourt"),
        ("yaourth", "pot de yaourt"),
        ("pots de peinture à moitié pleins", "pot de peinture"),
        ("un vieux frigo", "réfrigérateur"),
        ("ma machine à laver", "lave-linge"),
        ("les cartons à pizza gras", "boîte à pizza"),
        ("les journaux et les piles", "journal"),
        ("quand passe le camion", None),
    ],
)
def test_items(extractor, text, item):
    assert entities(extractor, text)["item"] == item


def test_decheterie_needs_a_decheterie_word(extractor):
    assert entities(extractor, "la déchetterie de Touques")["decheterie"] == "Déchèterie de Touques"
    assert entities(extractor, "la décharge de villers")["decheterie"] == (
        "Déchèterie de Villers-sur-Mer"
    )
    assert entities(extractor, "je suis à Touques")["decheterie"] is None


@pytest.mark.parametrize(
    ("text", "flux"),
    [
        ("bac jaune pas vidé", "emballages"),
        ("poubelle grise", "ordures_menageres"),
        ("les ordures ménagères", "ordures_menageres"),
        ("colonne à verre", "verre"),
        ("papiers et journaux", "papier"),
        ("les déchets verts", "vegetaux"),
        ("la tonte", "vegetaux"),
        ("rien de spécial", None),
    ],
)
def test_flux(text, flux):
    assert find_flux(fold(text)) == flux


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("ma demande MDS-2026-000123", "MDS-2026-000123"),
        ("mds 2026 123", "MDS-2026-000123"),
        ("MDS2026000123", "MDS-2026-000123"),
        ("ticket n° 2025-004512", "MDS-2025-004512"),
        ("on est 6 en 2026", None),
    ],
)
def test_reference(text, reference):
    assert find_reference(fold(text)) == reference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("demain", date(2026, 11, 26)),
        ("aujourd'hui", date(2026, 11, 25)),
        ("après-demain", date(2026, 11, 27)),
        ("hier", date(2026, 11, 24)),
        ("lundi prochain", date(2026, 11, 30)),
        ("mercredi prochain", date(2026, 12, 2)),
        ("vendredi", date(2026, 11, 27)),
        ("lundi dernier", date(2026, 11, 23)),
        ("le 25", date(2026, 11, 25)),
        ("le 28", date(2026, 11, 28)),
        ("le 3", date(2026, 12, 3)),
        ("le 20", date(2026, 11, 20)),  # within the last week: the recent past
        ("25/12", date(2026, 12, 25)),
        ("25/12/2027", date(2027, 12, 25)),
        ("1er mai", date(2027, 5, 1)),
        ("le 12 mars", date(2027, 3, 12)),
        ("Noël", date(2026, 12, 25)),
        ("jour de l'an", date(2027, 1, 1)),
        ("lundi de Pâques", date(2027, 3, 29)),
        ("lundi de pentecote", date(2027, 5, 17)),
        ("l'Ascension", date(2027, 5, 6)),
        ("le 14 juillet", date(2027, 7, 14)),
        ("la Toussaint", date(2027, 11, 1)),
        ("mon sapin de Noël", None),
        ("3 rue des Écoles", None),
        ("on est 6 à la maison", None),
        ("", None),
    ],
)
def test_dates_relative_to_today(text, expected):
    assert resolve_date(text, TODAY) == expected


def test_easter_known_years():
    assert easter(2026) == date(2026, 4, 5)
    assert easter(2027) == date(2027, 3, 28)


def test_every_key_present_and_none_on_garbage(extractor):
    found = entities(extractor, "\x00\x01 ☃☃ <script>alert(1)</script>")
    assert set(found) == {"commune", "adresse", "item", "decheterie", "flux", "reference", "date"}
    assert all(value is None for value in found.values())
