"""French normalisation used by Sophie's NLU (pure Python, no Django)."""

import pytest

from chatbot.nlu.normalize import fold, normalize, stem, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Déchèterie", "decheterie"),
        ("CŒUR Côte Fleurie", "coeur cote fleurie"),
        ("St-Gatien-des-Bois !!", "st gatien des bois"),
        ("l’eau", "l'eau".replace("'", " ")),
        ("😀😀", ""),
    ],
)
def test_fold(raw, expected):
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pk le camion est pas passé", "pourquoi le camion est pas passe"),
        ("c normal ?", "est normal"),
        ("ya collecte demain", "il y a collecte demain"),
        ("Y a-t-il des conteneurs", "il y a des conteneurs"),
        ("jsp quoi faire", "je ne sais pas quoi faire"),
        ("un bac stp", "un bac svp"),
        ("s'il vous plaît", "svp"),
        ("qd passe le camion", "quand passe le camion"),
        ("bcp de poubel", "beaucoup de poubelle"),
        ("tjrs rien", "toujours rien"),
        ("la dechetterie", "la decheterie"),
        ("qu'est-ce qu'on met dans l'eau", "est ce on met dans eau"),
        ("j'ai perdu", "ai perdu"),
        ("aujourd'hui", "aujourdhui"),
        ("St Arnoult", "saint arnoult"),
    ],
)
def test_normalize_sms_and_elisions(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("odd", ["", "   ", "\x00\x01\xff", "<b>bonjour</b>", "a" * 10_000])
def test_odd_input_never_raises(odd):
    assert isinstance(normalize(odd), str)


def test_non_string_is_empty():
    assert tokens(None) == []


def test_long_input_is_capped():
    assert len(normalize("poubelle " * 5000)) <= 1000


@pytest.mark.parametrize(
    ("a", "b"),
    [("poubelles", "poubelle"), ("ramassent", "ramasser"), ("collectes", "collecte"),
     ("encombrants", "encombrant")],
)
def test_stem_merges_inflections(a, b):
    assert stem(a) == stem(b)


def test_stem_keeps_short_words_and_numbers():
    assert stem("bac") == "bac"
    assert stem("2026") == "2026"
