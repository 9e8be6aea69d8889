"""The evaluation report, on a tiny hand-built engine (no dev set needed)."""

from datetime import date

from chatbot.nlu import Engine, Gazetteer
from chatbot.nlu.evaluation import cross_validate, evaluate, format_report

TRAINING = {
    "salutation": ["bonjour", "salut", "bonsoir", "coucou", "hello"],
    "remerciement": ["merci", "merci beaucoup", "merci bien", "je vous remercie", "super merci"],
    "eau_fuite": ["fuite d'eau", "une fuite dans la rue", "ça fuit au compteur", "fuite urgente",
                  "canalisation qui fuit"],
    None: ["quel temps fait-il", "score du match", "recette de crêpes", "blague", "météo"],
}
GAZETTEER = Gazetteer(communes=[("Touques", ["Touque"]), ("Deauville", [])])


def build():
    return Engine.build(TRAINING, GAZETTEER, threshold=0.3)


def test_report_figures():
    examples = [
        {"text": "bonjour", "intent": "salutation"},
        {"text": "merci", "intent": "remerciement"},
        {"text": "fuite d'eau à Touques", "intent": "eau_fuite", "commune": "Touques"},
        {"text": "météo demain à Deauville", "intent": None, "commune": "Deauville"},
        {"text": "merci", "intent": "salutation"},  # deliberately mislabelled: a wrong answer
    ]
    report = evaluate(build(), examples, today=date(2026, 11, 25))
    assert report.total == 5
    assert report.intent_accuracy == 4 / 5
    assert report.answered_rate == 1.0
    assert report.confident_wrong_rate == 1 / 5
    assert report.out_of_scope_rejection == 1.0
    assert report.entity_accuracy == {"commune": 1.0}
    assert report.entity_support == {"commune": 2}
    assert report.per_intent["remerciement"]["precision"] == 0.5
    assert report.per_intent["salutation"]["recall"] == 0.5
    assert len(report.errors) == 1
    assert report.errors[0]["predicted"] == "remerciement"


def test_entity_errors_are_listed():
    examples = [{"text": "fuite d'eau à Deauville", "intent": "eau_fuite", "commune": "Touques"}]
    report = evaluate(build(), examples)
    assert report.entity_accuracy["commune"] == 0.0
    assert report.entity_errors[0]["predicted"] == "Deauville"


def test_format_report_is_readable():
    report = evaluate(build(), [{"text": "bonjour", "intent": "salutation"},
                                {"text": "blague", "intent": None}])
    text = format_report(report)
    assert "intent accuracy" in text
    assert "out-of-scope rejection" in text
    assert "salutation" in text


def test_empty_examples_do_not_divide_by_zero():
    report = evaluate(build(), [])
    assert report.total == 0
    assert report.intent_accuracy == 0.0


def test_cross_validation_runs_on_training_phrases():
    report = cross_validate(TRAINING, GAZETTEER, folds=5)
    assert report.total == sum(len(v) for v in TRAINING.values())
    assert 0.0 <= report.intent_accuracy <= 1.0
