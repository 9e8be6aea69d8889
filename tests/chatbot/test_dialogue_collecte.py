"""Dialogue: follow-up questions, computed collection answers, context across turns."""

import pytest

from tests.chatbot.conftest import Chat, at

pytestmark = pytest.mark.django_db

# Monday 24 November 2025, 10:00 — Trouville centre (TRO-1): emballages on Thursdays.
MONDAY = at(2025, 11, 24, 10, 0)


def test_commune_then_street_then_computed_answer(sophie):
    chat = Chat(now=MONDAY)
    first = chat.say("Quels jours passe le camion poubelle ?")
    assert first.intent == "collecte_jours"
    assert first.text == "Dans quelle commune habitez-vous ?"
    assert "Trouville-sur-Mer" in first.quick_replies and len(first.quick_replies) == 12
    second = chat.say("trouville")
    assert second.text == "Quelle rue, à Trouville-sur-Mer ?"
    third = chat.say("rue des bains")
    assert "rue des Bains à Trouville-sur-Mer" in third.text
    assert "Emballages (bac jaune) : le jeudi, chaque semaine — prochain passage jeudi " \
           "27 novembre" in third.text
    assert "Ordures ménagères : le lundi et le vendredi" in third.text
    assert "Calendrier à imprimer" in third.quick_replies


def test_one_flux_answer_matches_the_house_example(sophie):
    chat = Chat(now=MONDAY)
    reply = chat.say("quand passe le bac jaune rue des Bains à Trouville ?")
    assert reply.text == ("Le prochain ramassage des emballages rue des Bains à "
                          "Trouville-sur-Mer est jeudi 27 novembre.")


def test_et_le_verre_reuses_the_address_with_the_new_flux(sophie):
    chat = Chat(now=MONDAY)
    chat.say("jours de collecte rue des Bains à Trouville")
    reply = chat.say("et le verre ?")
    assert reply.intent == "collecte_jours"
    assert reply.text.startswith("Le prochain ramassage du verre rue des Bains à "
                                 "Trouville-sur-Mer est mardi")


def test_et_a_villers_reuses_the_intent_with_the_new_commune(sophie):
    chat = Chat(now=MONDAY)
    chat.say("jours de collecte rue des Bains à Trouville")
    reply = chat.say("et à Villers ?")
    assert reply.intent == "collecte_jours"
    assert reply.text == "Quelle rue, à Villers-sur-Mer ?"  # Villers has two zones
    answer = chat.say("rue Pasteur")
    assert "rue Pasteur à Villers-sur-Mer" in answer.text


def test_single_zone_commune_needs_no_street(sophie):
    chat = Chat(now=MONDAY)
    reply = chat.say("jours de ramassage des poubelles à Villerville")
    assert reply.text.startswith("Voici les jours de collecte à Villerville")


def test_this_morning_collection_counts_as_today(sophie):
    thursday_morning = at(2025, 11, 27, 8, 0)
    chat = Chat(now=thursday_morning)
    reply = chat.say("quand passe le bac jaune rue des Bains à Trouville ?")
    assert "aujourd’hui, jeudi 27 novembre" in reply.text


def test_address_is_remembered_for_the_next_question(sophie):
    chat = Chat(now=MONDAY)
    chat.say("jours de collecte rue des Bains à Trouville")
    reply = chat.say("je voudrais le calendrier à imprimer")
    assert reply.intent == "collecte_calendrier"
    assert "/calendrier/TRO-1/" in reply.text and "/calendrier/TRO-1.ics" in reply.text


def test_holiday_rule_with_the_next_shifted_dates(sophie):
    chat = Chat(now=at(2025, 12, 20, 10, 0))
    chat.say("jours de collecte rue des Bains à Trouville")
    reply = chat.say("est-ce que la collecte a lieu les jours fériés ?")
    assert reply.intent == "collecte_jour_ferie"
    assert "rattrapée le jour suivant, samedi compris" in reply.text
    assert "Prochain jour férié : Noël (jeudi 25 décembre)" in reply.text
    assert "rattrapée le samedi 27 décembre" in reply.text  # the demo's explicit shift


def test_unknown_street_is_asked_again_then_sophie_offers_a_person(sophie):
    chat = Chat(now=MONDAY)
    chat.say("jours de collecte à Deauville")
    again = chat.say("zzz qqq")
    assert "Je ne trouve pas cette rue à Deauville" in again.text
    chat.say("xxyyzz")
    last = chat.say("wwwvvv")
    assert "Parler à un conseiller" in last.quick_replies
    assert chat.state.intent is None


def test_a_new_confident_question_interrupts_a_pending_one(sophie):
    chat = Chat(now=MONDAY)
    chat.say("jours de collecte à Deauville")
    reply = chat.say("où jeter un pot de yaourt ?")
    assert reply.intent == "tri_ou_jeter"
    assert reply.text.startswith("Pot de yaourt : bac jaune (emballages).")


def test_restart_forgets_everything(sophie):
    chat = Chat(now=MONDAY)
    chat.say("jours de collecte à Deauville")
    reply = chat.say("recommencer")
    assert reply.text.startswith("C’est reparti !")
    assert chat.state.intent is None and chat.state.awaiting is None and not chat.state.memory
