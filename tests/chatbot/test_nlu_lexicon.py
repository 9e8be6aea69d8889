"""Concept lexicon and Naive Bayes: the two pieces that let Sophie generalise past her phrases."""

import pytest

from chatbot.nlu import Engine, Gazetteer
from chatbot.nlu.bayes import NaiveBayes
from chatbot.nlu.engine import Featurizer
from chatbot.nlu.lexicon import Lexicon, default_lexicon
from chatbot.nlu.normalize import tokens
from chatbot.nlu_data import load_gazetteer_from_files


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    gazetteer = load_gazetteer_from_files()
    return default_lexicon(name for canonical, aliases in gazetteer.items
                           for name in (canonical, *aliases))


def concepts_of(lexicon: Lexicon, text: str) -> list[str]:
    return [t for t in lexicon.apply(tokens(text)) if t.isupper()]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("bac", "BAC"), ("les poubelles", "BAC"), ("un container", "BAC"),
        ("conteneurs", "BAC"),
        ("les éboueurs", "COLLECTE"), ("le ramassage", "COLLECTE"), ("camion poubelle", "COLLECTE"),
        ("Déchèterie", "DECHETERIE"), ("dechetterie", "DECHETERIE"), ("la décharge", "DECHETERIE"),
        ("emballages", "EMBALLAGES"), ("le jaune", "EMBALLAGES"), ("tri sélectif", "EMBALLAGES"),
        ("bocaux", "VERRE"), ("bouteilles", "VERRE"),
        ("un matelas", "ENCOMBRANT"), ("mon frigo", "ENCOMBRANT"), ("canapé", "ENCOMBRANT"),
        ("une fuite", "FUITE"), ("ça coule", "FUITE"),
        ("mensualisation", "FACTURE"), ("prélèvement", "FACTURE"),
        ("lundi", "SEMAINE"), ("le 14 juillet", "FERIE"), ("Noël", "FERIE"),
        ("rue", "RUE"), ("avenue", "RUE"),
    ],
)
def test_surface_forms_map_to_one_concept(lexicon, text, concept):
    assert concept in concepts_of(lexicon, text)


def test_longest_form_wins(lexicon):
    # "sapin de noël" is a Christmas tree, not a public holiday.
    found = concepts_of(lexicon, "ramassage du sapin de Noël")
    assert "SAPIN" in found and "ITEM" in found  # a concept and a sorting-guide item
    assert "FERIE" not in found
    # "pas passé" is a missed collection, not a bare verb.
    assert "OUBLI" in concepts_of(lexicon, "les éboueurs ne sont pas passés")


def test_waste_items_become_item_concept(lexicon):
    assert "ITEM" in concepts_of(lexicon, "où jeter un pot de yaourt")
    assert "ITEM" in concepts_of(lexicon, "je ne sais pas quoi faire de mes vieilles lunettes")
    # Unknown objects stay words.
    assert concepts_of(lexicon, "un zorglub") == []


def test_form_under_two_concepts_yields_both():
    small = Lexicon([("frigo", ("ENCOMBRANT",)), ("frigo", ("ITEM",))])
    assert small.apply(["mon", "frigo"]) == ["mon", "ENCOMBRANT", "ITEM"]


def test_an_ambiguous_word_is_not_a_concept(lexicon):
    # "carte" alone is also a carte vitale or carte grise: only "carte de déchèterie" is BADGE.
    assert "BADGE" not in concepts_of(lexicon, "renouveler ma carte vitale")
    assert "BADGE" in concepts_of(lexicon, "ma carte de déchèterie")


def test_featurizer_keeps_surface_words_and_adds_concepts(lexicon):
    featurizer = Featurizer(Gazetteer(communes=[("Touques", [])]), lexicon)
    words, chars = featurizer.features("Le container n'est pas vidé à Touques")
    assert "BAC" in words and "OUBLI" in words
    assert "conten" in words  # the surface word, spelling-normalised and stemmed, is kept
    assert "zcommun" in words
    assert any(gram.startswith("<con") for gram in chars)


def test_synonym_never_seen_in_training_is_understood():
    training = {
        "collecte_oubli": ["ma poubelle n'a pas été ramassée", "le camion est pas passé"],
        "eau_fuite": ["fuite d'eau dans la rue", "une fuite au compteur"],
        None: ["quel temps fait-il", "score du match"],
    }
    engine = Engine.build(training, Gazetteer(), threshold=0.0)
    assert engine.understand("le container n'a pas été vidé").intent == "collecte_oubli"
    bare = Engine.build(training, Gazetteer(), threshold=0.0, lexicon=Lexicon())
    assert bare.featurizer.lexicon is not None and len(bare.featurizer.lexicon) == 0


def test_shipped_lexicon_is_substantial(lexicon):
    assert len(lexicon.concepts()) >= 50
    assert len(lexicon) >= 1000


def test_naive_bayes_learns_telling_words():
    docs = [["spanc", "control"], ["fosse", "control"], ["fuite", "eau"], ["fuite", "rue"]]
    bayes = NaiveBayes(docs, [0, 0, 1, 1], 2)
    post = bayes.posteriors(["spanc", "mot_inconnu"])
    assert post[0] > post[1]
    assert abs(sum(post) - 1.0) < 1e-9
    assert bayes.posteriors(["mot_inconnu"]) == [0.0, 0.0]
