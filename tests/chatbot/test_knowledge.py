"""Sophie's knowledge: an answer for every intent, computed where data exists, editable."""

import re
from pathlib import Path

import pytest

from chatbot import answers, catalogue, demo, texts
from chatbot.answers.decheteries import status_sentence
from chatbot.models import (
    Answer,
    Decheterie,
    DropOffPoint,
    EngineRelease,
    Intent,
    SortingItem,
    TrainingPhrase,
)
from maison.models import Commune
from tests.chatbot.conftest import Chat, at

pytestmark = pytest.mark.django_db

NOW = at(2025, 11, 25, 10, 0)
SLOTS = {"commune": "Deauville", "street": "Rue Gambetta", "item": "pot de yaourt",
         "reference": "MDS-2025-000001", "decheterie": "Déchèterie de Touques"}


@pytest.mark.parametrize("intent", catalogue.INTENT_IDS)
def test_every_intent_has_a_real_answer(sophie, intent):
    assert Answer.objects.filter(intent__code=intent, key="main").exists()
    reply = answers.answer(answers.Context(intent=intent, slots=dict(SLOTS), now=NOW))
    assert reply.text.strip(), intent
    assert not re.search(r"\{[a-z_]+\}", reply.text), reply.text  # no placeholder left
    assert reply.intent == intent


def test_catalogue_matches_the_contract():
    contract = Path(__file__).resolve().parents[3] / "shared" / "sophie" / "intents.md"
    if not contract.exists():
        pytest.skip("shared/sophie/intents.md is not beside the repository")
    ids = re.findall(r"^\| ([a-z_]+) \|", contract.read_text(encoding="utf-8"), re.M)
    assert {i for i in ids if i not in ("id", "null")} == set(catalogue.INTENT_IDS)


def test_decheterie_open_now_until_closing_time(sophie):
    touques = Decheterie.objects.get(name="Déchèterie de Touques")
    summer_saturday = at(2025, 7, 12, 10, 0)
    assert status_sentence(touques, summer_saturday) == \
        "La déchèterie de Touques est ouverte aujourd’hui jusqu’à 18 h 30."
    winter_monday = at(2025, 11, 24, 15, 0)
    assert status_sentence(touques, winter_monday) == \
        "La déchèterie de Touques est ouverte aujourd’hui jusqu’à 17 h."
    winter_tuesday = at(2025, 11, 25, 10, 0)  # closed on Tuesdays in winter
    assert status_sentence(touques, winter_tuesday) == \
        "La déchèterie de Touques est fermée ; elle rouvre demain à 9 h."
    armistice = at(2025, 11, 11, 10, 0)  # a public holiday
    assert "fermée" in status_sentence(touques, armistice)


def test_decheterie_hours_for_a_named_day(sophie):
    chat = Chat(now=NOW)
    reply = chat.say("la déchèterie de Touques est-elle ouverte samedi ?")
    assert reply.intent == "decheterie_horaires"
    assert "Samedi 29 novembre, la déchèterie de Touques est ouverte de 9 h à 17 h." \
        in reply.text
    assert "Horaires d’hiver" in reply.text


def test_nearest_decheterie_to_a_commune(sophie):
    reply = Chat(now=NOW).say("quelle est la déchèterie la plus proche de Blonville ?")
    assert reply.intent == "decheterie_adresse"
    assert "La déchèterie la plus proche de Blonville-sur-Mer est celle de Villers-sur-Mer" \
        in reply.text


def test_sorting_guide_answers_for_an_item(sophie):
    assert SortingItem.objects.count() >= 300
    reply = Chat(now=NOW).say("les couches de bébé ça va où ?")
    assert reply.intent == "tri_ou_jeter"
    assert reply.text.startswith("Couche : bac des ordures ménagères.")


def test_unknown_item_is_asked_then_explained(sophie):
    chat = Chat(now=NOW)
    question = chat.say("où jeter ce truc ?")
    assert question.text.startswith("Quel objet voulez-vous jeter ?")
    reply = chat.say("un zorglub quantique")
    assert "Je ne connais pas encore cet objet" in reply.text


def test_drop_off_points_in_every_commune(sophie):
    assert set(DropOffPoint.objects.values_list("commune__name", flat=True)) == set(
        Commune.objects.values_list("name", flat=True))
    reply = Chat(now=NOW).say("où sont les conteneurs de tri à Trouville ?")
    assert reply.intent == "pav_localisation"
    assert "• Colonne à verre : " in reply.text and "Place du Maréchal Foch" in reply.text


def test_a_supervisor_edit_changes_the_answer(sophie):
    Answer.objects.filter(intent__code="remerciement", key="main").update(
        text="Je vous en prie ! {inconnu} À bientôt.")
    texts.forget()
    reply = Chat(now=NOW).say("merci beaucoup")
    assert reply.intent == "remerciement"
    assert reply.text == "Je vous en prie ! À bientôt."


def test_templates_cannot_reach_attributes():
    assert texts.fill("{commune.__class__}", {"commune": "Deauville"}) == "{commune.__class__}"


def test_fill_drops_unknown_placeholders_and_keeps_french_spacing():
    assert texts.fill("Bonjour {name} !", {}) == "Bonjour !"
    assert texts.fill("Tél. : {phone}.", {"phone": "02 31"}) == "Tél. : 02 31."


def test_demo_seed_is_idempotent(reference_data):
    first = demo.seed()
    assert first["intentions"] == len(catalogue.INTENT_IDS)
    assert first["objets du guide du tri"] >= 300 and first["déchèteries"] == 3
    releases = EngineRelease.objects.count()
    second = demo.seed()
    assert all(value == 0 for key, value in second.items() if key != "tournées de collecte")
    assert EngineRelease.objects.count() == releases
    assert Intent.objects.count() == len(catalogue.INTENT_IDS)
    assert TrainingPhrase.objects.filter(intent__isnull=True).exists()  # out-of-scope phrases
    assert set(TrainingPhrase.objects.exclude(intent=None).values_list(
        "intent__code", flat=True).distinct()) == set(catalogue.INTENT_IDS)


def test_knowledge_is_read_once_then_served_from_memory(sophie):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from maison import memo

    questions = ["horaires de la déchèterie de Touques", "où jeter un pot de yaourt",
                 "jours de collecte à Villerville", "où sont les colonnes à verre à Deauville"]
    for question in questions:
        Chat(now=NOW).say(question)
    for question in questions:
        chat = Chat(now=NOW)
        with CaptureQueriesContext(connection) as captured:
            reply = chat.say(question)
        assert reply.intent
        knowledge = [q["sql"] for q in captured.captured_queries
                     if re.search(r'"(chatbot_(decheterie|sortingitem|dropoffpoint)|'
                                  r'maison_collection\w*|maison_holidayshift)"', q["sql"])]
        assert knowledge == [], question
    touques = Decheterie.objects.get(name="Déchèterie de Touques")
    touques.address = "1 rue Nouvelle, 14800 Touques"
    touques.save()
    memo.clear_all()  # what the TTL does within a minute in every process
    reply = Chat(now=NOW).say("adresse de la déchèterie de Touques")
    assert "1 rue Nouvelle" in reply.text


def test_an_admin_edit_of_the_knowledge_shows_at_once_in_that_process(sophie, admin_user, rf):
    from django.contrib import admin as django_admin

    from chatbot import selectors

    assert selectors.decheterie_named("Déchèterie de Touques").address != "2 rue Neuve"
    touques = Decheterie.objects.get(name="Déchèterie de Touques")
    touques.address = "2 rue Neuve"
    request = rf.post("/admin/")
    request.user = admin_user
    django_admin.site._registry[Decheterie].save_model(request, touques, None, True)
    assert selectors.decheterie_named("Déchèterie de Touques").address == "2 rue Neuve"
