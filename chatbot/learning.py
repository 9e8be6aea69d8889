"""The learning loop: supervisors label what Sophie missed, check accuracy, then publish.

1. A message Sophie did not understand (or hesitated on) is labelled with the right intent
   (or "out of scope"): it becomes a draft training phrase.
2. An evaluation cross-validates the training set with the drafts, plus the labelled messages,
   and gives the accuracy per intent next to the published set's.
3. Publishing turns the drafts into published phrases and bumps the engine version: every
   process rebuilds Sophie within a few seconds.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import NULL_LABEL, EngineRelease, EvaluationRun, Intent, TrainingPhrase, Turn

FOLDS = 5


def _intent(code: str | None) -> Intent | None:
    if code in (None, "", NULL_LABEL):
        return None
    found = Intent.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(_("Intention inconnue : %(code)s."), params={"code": code})
    return found


@transaction.atomic
def add_phrase(*, text: str, intent_code: str | None, user=None,
               source: str = TrainingPhrase.Source.MANUAL, turn: Turn | None = None
               ) -> TrainingPhrase:
    text = " ".join((text or "").split())[:500]
    if not text:
        raise ValidationError(_("La phrase est vide."), code="empty_phrase")
    intent = _intent(intent_code)
    existing = TrainingPhrase.objects.filter(intent=intent, text__iexact=text).first()
    if existing is not None:
        return existing
    return TrainingPhrase.objects.create(intent=intent, text=text, created_by=user,
                                         source=source, source_turn=turn)


@transaction.atomic
def label_turn(*, turn: Turn, label: str, user, as_phrase: bool = True) -> TrainingPhrase | None:
    """The right intent of a resident's message ("__null__": out of scope; "" ignores it)."""
    if turn.role != Turn.Role.USAGER:
        raise ValidationError(_("Seuls les messages des usagers s’étiquettent."))
    if label:
        _intent(label)  # validates the code
    turn.review_label = label or ""
    turn.reviewed_at = timezone.now()
    turn.reviewed_by = user
    turn.needs_review = False
    turn.save(update_fields=["review_label", "reviewed_at", "reviewed_by", "needs_review"])
    conversation = turn.conversation
    if not conversation.turns.filter(needs_review=True).exists():
        type(conversation).objects.filter(pk=conversation.pk).update(reviewed=True)
    if not label or not as_phrase:
        return None
    return add_phrase(text=turn.text, intent_code=label, user=user,
                      source=TrainingPhrase.Source.REVIEW, turn=turn)


def drafts():
    return TrainingPhrase.objects.filter(status=TrainingPhrase.Status.DRAFT).select_related(
        "intent", "created_by").order_by("-created_at")


# --- Evaluation -----------------------------------------------------------------------------------

def labelled_examples(*, include_drafts: bool) -> list[tuple[str | None, str]]:
    from .selectors import training_from_db

    examples = [(intent, text) for intent, phrases in
                training_from_db(include_drafts=include_drafts).items() for text in phrases]
    seen = {(i, t.lower()) for i, t in examples}
    for text, label in Turn.objects.exclude(review_label="").values_list("text", "review_label"):
        intent = None if label == NULL_LABEL else label
        if (intent, text.lower()) not in seen:
            examples.append((intent, text[:500]))
    return examples


def cross_validate(examples: list[tuple[str | None, str]], folds: int = FOLDS,
                   seed: int = 13) -> dict:
    """Held-out accuracy per intent: each phrase is predicted by an engine not trained on it."""
    from chatbot.nlu import Engine

    from .selectors import gazetteer_from_db

    gazetteer = gazetteer_from_db()
    shuffled = list(examples)
    random.Random(seed).shuffle(shuffled)
    support: Counter = Counter()
    correct: Counter = Counter()
    confused: dict[str, Counter] = defaultdict(Counter)
    for fold in range(folds):
        train: dict = defaultdict(list)
        test = []
        for index, (intent, text) in enumerate(shuffled):
            (test.append((intent, text)) if index % folds == fold
             else train[intent].append(text))
        if not any(train[k] for k in train if k):
            continue
        engine = Engine.build(training=dict(train), gazetteer=gazetteer)
        for intent, text in test:
            guess = engine.understand(text).intent
            name = intent or NULL_LABEL
            support[name] += 1
            if guess == intent:
                correct[name] += 1
            else:
                confused[name][guess or NULL_LABEL] += 1
    total = sum(support.values())
    per_intent = {
        name: {"support": n, "correct": correct[name], "accuracy": correct[name] / n,
               "confused_with": confused[name].most_common(2)}
        for name, n in sorted(support.items())
    }
    return {"total": total, "accuracy": (sum(correct.values()) / total) if total else 0.0,
            "per_intent": per_intent, "folds": folds}


def evaluate(run: EvaluationRun) -> EvaluationRun:
    """Compute a run: the candidate set (with drafts) and the published one, side by side."""
    try:
        candidate = cross_validate(labelled_examples(include_drafts=run.include_drafts))
        published = cross_validate(labelled_examples(include_drafts=False)) \
            if run.include_drafts else candidate
        run.report = {"candidate": candidate, "published": published,
                      "drafts": drafts().count()}
        run.state = EvaluationRun.State.DONE
    except Exception as error:  # shown to the supervisor, who can run it again
        run.state = EvaluationRun.State.FAILED
        run.error = str(error)[:1000]
    run.finished_at = timezone.now()
    run.save(update_fields=["report", "state", "error", "finished_at"])
    return run


def request_evaluation(*, user) -> EvaluationRun:
    from .tasks import evaluate_training

    run = EvaluationRun.objects.create(created_by=user, include_drafts=True)
    transaction.on_commit(lambda: evaluate_training.delay(run.pk))
    return run


# --- Publication ----------------------------------------------------------------------------------

@transaction.atomic
def publish(*, user, note: str = "") -> EngineRelease:
    pending = TrainingPhrase.objects.select_for_update().filter(
        status=TrainingPhrase.Status.DRAFT)
    count = pending.count()
    if not count:
        raise ValidationError(_("Aucune phrase en brouillon à publier."), code="nothing_to_publish")
    pending.update(status=TrainingPhrase.Status.PUBLISHED)
    last_run = EvaluationRun.objects.filter(state=EvaluationRun.State.DONE).first()
    release = EngineRelease.objects.create(
        published_by=user, note=(note or _("%(n)s phrase(s) ajoutée(s)") % {"n": count})[:300],
        phrases=TrainingPhrase.objects.filter(status=TrainingPhrase.Status.PUBLISHED).count(),
        report=(last_run.report.get("candidate", {}) if last_run else {}))
    from .selectors import forget_engine

    transaction.on_commit(forget_engine)
    return release
