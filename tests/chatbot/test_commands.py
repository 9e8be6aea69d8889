"""sophie_predict and sophie_evaluate."""

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

LINES = [
    "Bonjour, quels jours passe le camion poubelle rue du Général Leclerc à Trouville ?",
    "où jeter un pot de yaourt",
    "quel temps fera-t-il demain à Paris ?",
    "",
    "\x00\x01 ☃☃☃",
]


def _stdin(monkeypatch, lines):
    raw = ("\n".join(lines) + "\n").encode("utf-8") + b"\xff\xfe broken \n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))


def test_predict_prints_one_json_object_per_line(monkeypatch, capsys):
    _stdin(monkeypatch, LINES)
    call_command("sophie_predict", "--today", "2025-11-24")
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert len(rows) == len(LINES) + 1  # the undecodable line too, never a crash
    first = rows[0]
    assert set(first) == {"text", "intent", "confidence", "entities"}
    assert first["text"] == LINES[0]
    assert first["intent"] == "collecte_jours"
    assert 0 <= first["confidence"] <= 1
    assert first["entities"]["commune"] == "Trouville-sur-Mer"
    assert first["entities"]["adresse"]["street"] == "Rue du Général Leclerc"
    assert rows[1]["intent"] == "tri_ou_jeter" and rows[1]["entities"]["item"] == "pot de yaourt"
    assert rows[2]["intent"] is None
    assert rows[3]["intent"] is None and rows[3]["entities"]["commune"] is None
    # An empty database: the shipped files are used, and stderr says so.
    assert "Sophie utilise les fichiers livrés" in captured.err


def test_predict_uses_the_database_when_seeded(reference_data, monkeypatch, capsys):
    from chatbot import demo, selectors

    demo.seed()
    selectors.forget_engine()
    _stdin(monkeypatch, ["jours de collecte à Villerville"])
    call_command("sophie_predict")
    captured = capsys.readouterr()
    assert "fichiers livrés" not in captured.err
    assert json.loads(captured.out.splitlines()[0])["intent"] == "collecte_jours"


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "set.jsonl"
    examples = [
        {"text": "jour ramassage poubelle jaune st arnoult", "intent": "collecte_jours",
         "commune": "Saint-Arnoult"},
        {"text": "pot de yaourt poubelle jaune ou pas", "intent": "tri_ou_jeter",
         "item": "pot de yaourt"},
        {"text": "horaires de la déchèterie de Touques", "intent": "decheterie_horaires"},
        {"text": "quelle est la recette du bœuf bourguignon ?", "intent": None},
    ]
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in examples) + "\n\n",
                    encoding="utf-8")
    return path


def test_evaluate_reports_and_passes_its_floors(labelled, capsys):
    call_command("sophie_evaluate", str(labelled), "--min-accuracy", "0.5", "--max-wrong",
                 "0.5", "--min-rejection", "0")
    out = capsys.readouterr().out
    assert "Précision intention / intent accuracy" in out
    assert "Rejet hors sujet / out-of-scope rejection" in out
    assert "commune" in out and "Seuils atteints." in out


def test_evaluate_fails_below_a_floor(labelled):
    with pytest.raises(CommandError, match="Seuils non atteints"):
        call_command("sophie_evaluate", str(labelled), "--min-accuracy", "1.01")


def test_evaluate_json_output(labelled, capsys):
    call_command("sophie_evaluate", str(labelled), "--json", "--min-accuracy", "0",
                 "--max-wrong", "1", "--min-rejection", "0")
    figures = json.loads(capsys.readouterr().out.splitlines()[0])
    assert figures["total"] == 4 and 0 <= figures["intent_accuracy"] <= 1


def test_evaluate_explains_bad_files(tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("sophie_evaluate", str(tmp_path / "absent.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "intent": null}\n{pas du json\n', encoding="utf-8")
    with pytest.raises(CommandError, match="Ligne 2"):
        call_command("sophie_evaluate", str(bad))
