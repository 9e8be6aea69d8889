"""Intent classification: the shipped engine on the dev set, odd input, ambiguity, speed."""

import json
import os
import re
import time
from datetime import date
from pathlib import Path

import pytest

from chatbot.nlu import Engine, Gazetteer, Understanding
from chatbot.nlu.evaluation import evaluate, format_report
from chatbot.nlu_data import (
    TRAINING_DIR,
    build_engine_from_files,
    load_gazetteer_from_files,
    load_training_from_files,
)

TODAY = date(2026, 11, 25)
REPO = Path(__file__).resolve().parents[2]
INTENTS_MD = REPO.parent / "shared" / "sophie" / "intents.md"
DEV_SET = Path(os.environ.get("SOPHIE_DEV_SET", REPO.parent / "shared" / "sophie" / "dev.jsonl"))
HELDOUT_SET = REPO / "chatbot" / "data" / "eval" / "heldout.jsonl"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return build_engine_from_files()


# CPU time of this process, not wall time: the targets are "on one core", and a shared CI
# machine (2 cores, several test runs at once) would otherwise measure its own queue.
def test_build_is_fast():
    started = time.process_time()
    build_engine_from_files()
    assert time.process_time() - started < 2.0


def test_catalogue_ids_match_training_files():
    if not INTENTS_MD.exists():
        pytest.skip(f"intent catalogue not found at {INTENTS_MD}")
    ids = set(re.findall(r"^\| ([a-z_]+) \|", INTENTS_MD.read_text(encoding="utf-8"), re.M))
    ids -= {"id", "null"}
    files = {p.stem for p in TRAINING_DIR.glob("*.txt")} - {"_null"}
    assert files == ids
    assert (TRAINING_DIR / "_null.txt").exists()


def test_every_training_file_has_enough_phrases():
    training = load_training_from_files()
    short = {k: len(v) for k, v in training.items() if k and len(v) < 20}
    assert not short
    assert len(training[None]) >= 300  # out of scope is the largest, most varied class


def _normalised_lines(path: Path) -> set[str]:
    from chatbot.nlu.normalize import normalize

    with path.open(encoding="utf-8") as handle:
        return {normalize(json.loads(line)["text"]) for line in handle if line.strip()}


def test_evaluation_sentences_never_leak_into_training():
    from chatbot.nlu.normalize import normalize

    trained = {normalize(p) for phrases in load_training_from_files().values() for p in phrases}
    leaked = (_normalised_lines(HELDOUT_SET) & trained) - {""}
    if DEV_SET.exists():
        # Short generic messages ("bonjour", "au revoir") were in training before dev existed.
        leaked |= {t for t in _normalised_lines(DEV_SET) & trained if len(t.split()) > 2}
    assert not leaked


def test_public_api_shape(engine):
    u = engine.understand("jour ramassage poubelle jaune st arnoult", today=TODAY)
    assert isinstance(u, Understanding)
    assert u.intent == "collecte_jours"
    assert 0.0 <= u.confidence <= 1.0
    assert u.alternatives[0][0] == "collecte_jours"
    assert all(isinstance(name, str) and 0 <= p <= 1 for name, p in u.alternatives)
    assert u.entities["commune"] == "Saint-Arnoult"
    assert u.entities["flux"] == "emballages"
    assert isinstance(u.ambiguous, bool)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("ou jeter une boite de conserve", "tri_ou_jeter"),
        ("horaires déchetterie dimanche", "decheterie_horaires"),
        ("fuite d'eau dans la rue", "eau_fuite"),
        ("bonjour", "salutation"),
        ("merci beaucoup", "remerciement"),
        ("je veux parler à un humain", "parler_conseiller"),
    ],
)
def test_clear_messages(engine, text, intent):
    assert engine.understand(text, today=TODAY).intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀",
        "azertyuiop qsdfghjklm",
        "x" * 10_000,
        "poubelle " * 2_000,
        "\x00\x01\x02\xff\xfe garbage \ud800",
        "<html><body><script>alert('x')</script></body></html>",
        "???!!!...",
    ],
)
def test_odd_input_is_out_of_scope_and_never_raises(engine, text):
    u = engine.understand(text, today=TODAY)
    assert u.intent is None or text.startswith("poubelle")
    assert 0.0 <= u.confidence <= 1.0


def test_non_string_input(engine):
    assert engine.understand(None, today=TODAY).intent is None


def test_ambiguity_flag_when_two_intents_are_close():
    training = {
        "eau_facture": ["ma facture eau", "payer la facture eau", "facture eau trop chère"],
        "facture_dechets": ["ma facture poubelle", "payer la facture poubelle",
                            "facture poubelle trop chère"],
        None: ["quel temps fait-il", "score du match"],
    }
    small = Engine.build(training, Gazetteer(), margin=0.2, threshold=0.0, temperature=0.2)
    u = small.understand("payer ma facture", today=TODAY)
    assert u.ambiguous
    assert {name for name, _ in u.alternatives[:2]} == {"eau_facture", "facture_dechets"}
    clear = small.understand("facture eau trop chère", today=TODAY)
    assert not clear.ambiguous


def test_threshold_turns_weak_guesses_into_none():
    training = {"salutation": ["bonjour", "salut"], "remerciement": ["merci", "merci bien"]}
    strict = Engine.build(training, threshold=0.99)
    assert strict.understand("bonjour merci", today=TODAY).intent is None


def test_understand_is_fast_and_small(engine):
    texts = [line["text"] for line in _dev_lines()] if DEV_SET.exists() else [
        "jour ramassage poubelle jaune st arnoult", "où jeter un pot de yaourt"] * 50
    durations = []
    for text in texts * 3:
        started = time.process_time()
        engine.understand(text, today=TODAY)
        durations.append(time.process_time() - started)
    durations.sort()
    p50 = durations[len(durations) // 2]
    p99 = durations[int(len(durations) * 0.99)]
    # Generous bounds for shared CI machines; the target is 1 ms / 5 ms on one free core.
    assert p50 < 0.003
    assert p99 < 0.015


def _dev_lines():
    with DEV_SET.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_dev_set_floor(engine):
    if not DEV_SET.exists():
        pytest.skip(f"dev set not found at {DEV_SET} (set SOPHIE_DEV_SET to point at it)")
    report = evaluate(engine, _dev_lines(), today=TODAY)
    summary = format_report(report)
    assert report.intent_accuracy >= 0.95, summary
    assert report.confident_wrong_rate <= 0.02, summary
    assert report.out_of_scope_rejection >= 0.90, summary
    for key, accuracy in report.entity_accuracy.items():
        assert accuracy >= 0.9, f"{key}: {summary}"


def test_heldout_set_floor(engine):
    """The honest yardstick: messages written before tuning, never trained on.

    Measured when the floors were set: accuracy 95.1 %, confident wrong 1.0 %, out-of-scope
    rejection 92.5 %, commune 98 %, item 100 %. The floors sit below so that adding phrases
    does not break the build, but a real regression does.
    """
    with HELDOUT_SET.open(encoding="utf-8") as handle:
        examples = [json.loads(line) for line in handle if line.strip()]
    assert len(examples) >= 250
    report = evaluate(engine, examples, today=TODAY)
    summary = format_report(report)
    assert report.intent_accuracy >= 0.90, summary
    assert report.confident_wrong_rate <= 0.03, summary
    assert report.out_of_scope_rejection >= 0.85, summary
    for key, accuracy in report.entity_accuracy.items():
        assert accuracy >= 0.9, f"{key}: {summary}"


def test_gazetteer_from_files_is_complete():
    gazetteer = load_gazetteer_from_files()
    assert len(gazetteer.communes) == 12
    assert len(gazetteer.items) >= 300
    assert len(gazetteer.decheteries) == 3
    assert gazetteer.streets
