"""Measuring Sophie: dev-set report and cross-validation over training phrases.

`evaluate(engine, examples)` takes dicts shaped like dev.jsonl lines:
    {"text": ..., "intent": "collecte_jours" | None, "commune": ..., "item": ...}
Any key other than text/intent is an entity label: its value is the expected canonical value.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

LABEL_KEYS = ("text", "intent")
NULL_LABEL = "(null)"


@dataclass
class Report:
    total: int
    intent_accuracy: float
    answered_rate: float
    confident_wrong_rate: float
    out_of_scope_rejection: float
    entity_accuracy: dict[str, float]
    entity_support: dict[str, int]
    per_intent: dict[str, dict[str, float]]
    errors: list[dict] = field(default_factory=list)
    entity_errors: list[dict] = field(default_factory=list)


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _entity_value(value):
    """Addresses are compared by street; everything else as is."""
    if isinstance(value, dict):
        return value.get("street")
    if isinstance(value, date):
        return value.isoformat()
    return value


def evaluate(engine, examples: Iterable[Mapping], today: date | None = None) -> Report:
    """Intent and entity figures for labelled examples (intent None = out of scope)."""
    examples = list(examples)
    today = today or date.today()
    correct = answered = in_scope = wrong_confident = null_total = null_rejected = 0
    true_pos: Counter = Counter()
    predicted: Counter = Counter()
    actual: Counter = Counter()
    entity_hits: Counter = Counter()
    entity_total: Counter = Counter()
    errors: list[dict] = []
    entity_errors: list[dict] = []
    for example in examples:
        label = example.get("intent")
        u = engine.understand(example["text"], today=today)
        guess = u.intent
        predicted[guess or NULL_LABEL] += 1
        actual[label or NULL_LABEL] += 1
        if guess == label:
            correct += 1
            true_pos[label or NULL_LABEL] += 1
        else:
            errors.append({"text": example["text"], "expected": label, "predicted": guess,
                           "confidence": u.confidence, "alternatives": u.alternatives})
        if label is None:
            null_total += 1
            null_rejected += guess is None
        else:
            in_scope += 1
            answered += guess is not None
        if guess is not None and guess != label:
            wrong_confident += 1
        for key, expected in example.items():
            if key in LABEL_KEYS:
                continue
            entity_total[key] += 1
            got = _entity_value(u.entities.get(key))
            if got == _entity_value(expected):
                entity_hits[key] += 1
            else:
                entity_errors.append({"text": example["text"], "entity": key,
                                      "expected": expected, "predicted": got})
    per_intent = {}
    for name in sorted(set(actual) | set(predicted)):
        per_intent[name] = {
            "precision": _ratio(true_pos[name], predicted[name]),
            "recall": _ratio(true_pos[name], actual[name]),
            "support": actual[name],
        }
    return Report(
        total=len(examples),
        intent_accuracy=_ratio(correct, len(examples)),
        answered_rate=_ratio(answered, in_scope),
        confident_wrong_rate=_ratio(wrong_confident, len(examples)),
        out_of_scope_rejection=_ratio(null_rejected, null_total),
        entity_accuracy={k: _ratio(entity_hits[k], n) for k, n in sorted(entity_total.items())},
        entity_support=dict(sorted(entity_total.items())),
        per_intent=per_intent,
        errors=errors,
        entity_errors=entity_errors,
    )


def format_report(report: Report, show_errors: int = 30) -> str:
    """A readable bilingual table."""
    pct = "{:6.1%}".format
    lines = [
        f"Exemples / examples ............................ {report.total}",
        f"Précision intention / intent accuracy .......... {pct(report.intent_accuracy)}",
        f"Taux de réponse / answered rate (in scope) ..... {pct(report.answered_rate)}",
        f"Réponses fausses / confident wrong answers ..... {pct(report.confident_wrong_rate)}",
        f"Rejet hors sujet / out-of-scope rejection ...... {pct(report.out_of_scope_rejection)}",
        "",
        "Entités / entities:",
    ]
    for key, accuracy in report.entity_accuracy.items():
        lines.append(f"  {key:<12} {pct(accuracy)}  (n={report.entity_support[key]})")
    lines += ["", f"{'intention / intent':<32} {'précision':>9} {'rappel':>7} {'n':>4}"]
    for name, row in report.per_intent.items():
        lines.append(f"{name:<32} {pct(row['precision']):>9} {pct(row['recall']):>7} "
                     f"{row['support']:>4}")
    if report.errors and show_errors:
        lines += ["", f"Erreurs / errors ({len(report.errors)}):"]
        for err in report.errors[:show_errors]:
            lines.append(f"  [{err['expected']} -> {err['predicted']} {err['confidence']:.2f}] "
                         f"{err['text']}")
    if report.entity_errors and show_errors:
        lines += ["", f"Erreurs d'entités / entity errors ({len(report.entity_errors)}):"]
        for err in report.entity_errors[:show_errors]:
            lines.append(f"  [{err['entity']}: {err['expected']!r} -> {err['predicted']!r}] "
                         f"{err['text']}")
    return "\n".join(lines)


def cross_validate(
    training: Mapping[str | None, Sequence[str]],
    gazetteer=None,
    folds: int = 5,
    seed: int = 13,
    **engine_options,
) -> Report:
    """k-fold cross-validation over the training phrases themselves (held-out estimate)."""
    from .engine import Engine  # local: evaluation must not need the engine to be importable

    rng = random.Random(seed)
    labelled = [(key, phrase) for key, phrases in training.items() for phrase in phrases]
    rng.shuffle(labelled)
    per_fold: dict[int, list] = defaultdict(list)
    for index, pair in enumerate(labelled):
        per_fold[index % folds].append(pair)
    examples, reports = [], []
    for fold in range(folds):
        train: dict = defaultdict(list)
        for other, pairs in per_fold.items():
            if other != fold:
                for key, phrase in pairs:
                    train[key].append(phrase)
        engine = Engine.build(dict(train), gazetteer, **engine_options)
        test = [{"text": p, "intent": None if k in (None, "_null") else k} for k, p in
                per_fold[fold]]
        reports.append(evaluate(engine, test))
        examples.extend(test)
    return _merge(reports)


def _merge(reports: list[Report]) -> Report:
    total = sum(r.total for r in reports)

    def weighted(attr: str) -> float:
        return _ratio(sum(getattr(r, attr) * r.total for r in reports), total) if total else 0.0

    return Report(
        total=total,
        intent_accuracy=weighted("intent_accuracy"),
        answered_rate=weighted("answered_rate"),
        confident_wrong_rate=weighted("confident_wrong_rate"),
        out_of_scope_rejection=weighted("out_of_scope_rejection"),
        entity_accuracy={}, entity_support={}, per_intent={},
        errors=[e for r in reports for e in r.errors],
    )
