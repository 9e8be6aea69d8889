"""Multinomial Naive Bayes over the sparse word features, pure Python.

Similarities (engine.py) judge a message by how close it is to what was said before; Naive
Bayes judges it by how typical each of its words is of an intent, which generalises better
from few phrases: one telling word ("spanc", "levées", "sapin") is enough even when the rest of
the sentence was never seen. It is also the model that learns best what the out-of-scope class
looks like, since that class is defined by its vocabulary rather than by its phrasing.

Scoring is sparse: a class's log-likelihood is its "every word unseen" baseline plus, for the
query features it has seen, the difference to that baseline. Only features of the vocabulary
count, so an unknown word neither helps nor hurts any class.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

DEFAULT_ALPHA = 0.3


class NaiveBayes:
    def __init__(self, docs: Sequence[Iterable[str]], labels: Sequence[int], n_classes: int,
                 alpha: float = DEFAULT_ALPHA):
        counts: list[dict[str, float]] = [defaultdict(float) for _ in range(n_classes)]
        doc_count = [0] * n_classes
        for features, label in zip(docs, labels, strict=True):
            doc_count[label] += 1
            for f in set(features):  # presence, not frequency: short texts, repeated words
                counts[label][f] += 1.0
        vocabulary = {f for c in counts for f in c}
        size = len(vocabulary) or 1
        total_docs = sum(doc_count) or 1
        # Uniform-ish prior: class sizes reflect how many phrases were written, not how often
        # residents ask; a flattened prior keeps big files from swallowing small intents.
        self.log_prior = [0.5 * math.log((n + 1) / (total_docs + n_classes)) for n in doc_count]
        self.unseen = []
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for label, table in enumerate(counts):
            denominator = sum(table.values()) + alpha * size
            base = math.log(alpha / denominator)
            self.unseen.append(base)
            for f, n in table.items():
                postings[f].append((label, math.log((n + alpha) / denominator) - base))
        self.postings = {f: tuple(rows) for f, rows in postings.items()}
        self.n_classes = n_classes

    def log_likelihoods(self, features: Iterable[str]) -> tuple[list[float], int]:
        """Per-class log P(features | class) + log prior, and how many known features."""
        known = [f for f in set(features) if f in self.postings]
        scores = [prior + base * len(known) for prior, base in zip(self.log_prior, self.unseen,
                                                                   strict=True)]
        for f in known:
            for label, delta in self.postings[f]:
                scores[label] += delta
        return scores, len(known)

    def posteriors(self, features: Iterable[str], temperature: float = 1.0) -> list[float]:
        """Class probabilities, softened by `temperature` per known feature."""
        scores, known = self.log_likelihoods(features)
        if not known:
            return [0.0] * self.n_classes
        scale = temperature * math.sqrt(known)
        top = max(scores)
        exps = [math.exp((s - top) / scale) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]
