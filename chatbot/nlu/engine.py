"""Intent classification for Sophie: concepts, TF-IDF similarities and Naive Bayes, pure Python.

How a message is scored
-----------------------
Tokens are normalised (`normalize.tokens`), commune names become one placeholder and the
concept lexicon (`lexicon.py`, chatbot/data/lexicon.json + the sorting guide's items) adds a
concept token for every synonym it knows ("container", "poubelle" -> BAC), keeping the surface
word too. Each message then becomes two sparse TF-IDF vectors (sublinear tf, smoothed idf,
L2-normalised):
- a *word* vector: stems and concept tokens, unigrams and bigrams;
- a *char* vector: character 3- to 5-grams inside each surface token (typos, SMS forms).
For every intent (out-of-scope phrases form one more class) four signals are computed: cosine
to the intent centroid in the word space and in the char space, cosine to the nearest training
phrase in the word space, and the Naive Bayes posterior over the word features (`bayes.py`).
Their weighted sum is the intent score.

Confidence (calibration)
------------------------
Scores go through a softmax with a temperature. Weights (0.10, 0.50, 0.40 + 0.4 for Naive
Bayes), temperature (0.07) and `threshold` (0.65) were chosen together on a grid, maximising
accuracy minus twice the confident-wrong rate over 5-fold cross-validation of the training
phrases (seed 13) plus the held-out set chatbot/data/eval/heldout.jsonl; the shared dev set was
only checked afterwards. Below `threshold` the answer is None (out of scope: Sophie offers a
human rather than guess); when the two best in-scope intents are closer than `margin`,
`ambiguous` is set so that the dialogue can offer both.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from .bayes import NaiveBayes
from .entities import EntityExtractor, Gazetteer, _key
from .lexicon import Lexicon, default_lexicon
from .normalize import stem, tokens
from .types import Understanding

NULL_CLASS = "__null__"
NULL_KEYS = (None, "_null", "null", NULL_CLASS)
COMMUNE_PLACEHOLDER = "zcommune"

DEFAULT_THRESHOLD = 0.65
DEFAULT_MARGIN = 0.12
DEFAULT_TEMPERATURE = 0.07
# Weights of the three similarities (word centroid, char centroid, nearest word neighbour).
DEFAULT_WEIGHTS = (0.10, 0.50, 0.40)
DEFAULT_NULL_PENALTY = 0.0
# Weight of the Naive Bayes posterior added to the similarities, and its softening.
DEFAULT_BAYES_WEIGHT = 0.4
DEFAULT_BAYES_TEMPERATURE = 1.0
CHAR_NGRAMS = (3, 4, 5)
# Features found in more than this share of phrases are too common to find neighbours with;
# skipping them keeps the neighbour search fast and barely changes similarities.
NEIGHBOUR_MAX_DF = 0.04
MAX_ALTERNATIVES = 3
# Centroid weights below this are dropped from the postings: they are the long tail of
# n-grams an intent shares with every other, cost most of the scoring time and move no
# decision (measured: same dev/held-out answers, cross-validation within 0.3 point).
CENTROID_MIN_WEIGHT = 0.01


def _sublinear(counts: Counter) -> dict[str, float]:
    return {f: 1.0 + math.log(c) for f, c in counts.items()}


NUMBER_CONCEPT = "NUM"


class Featurizer:
    """Text -> (word features, char features) with commune names masked and concepts added."""

    def __init__(self, gazetteer: Gazetteer | None, lexicon: Lexicon | None = None,
                 keep_surface: bool = True):
        self.commune_index = gazetteer.commune_index if gazetteer else None
        self.lexicon = lexicon
        self.keep_surface = keep_surface

    def _concept_tokens(self, toks: list[str]) -> tuple[list[str], list[str]]:
        """(sequence with concepts, surface tokens the concepts replaced)."""
        if not self.lexicon:
            return toks, []
        out, replaced, last = [], [], 0
        for start, end, concepts in self.lexicon.rewrite(toks):
            out.extend(toks[last:start])
            out.extend(concepts)
            replaced.extend(toks[start:end])
            last = end
        out.extend(toks[last:])
        return [NUMBER_CONCEPT if t.isdigit() else t for t in out], replaced

    def _masked_tokens(self, text: str) -> list[str]:
        toks = tokens(text)
        if not self.commune_index or not toks:
            return toks
        keys = [_key(t) for t in toks]
        out, last = [], 0
        for start, end, _canonical in self.commune_index.find_all(keys):
            out.extend(toks[last:start])
            out.append(COMMUNE_PLACEHOLDER)
            last = end
        out.extend(toks[last:])
        return out

    def features(self, text: str) -> tuple[Counter, Counter]:
        toks = self._masked_tokens(text)
        sequence, replaced = self._concept_tokens(toks)
        stems = [t if t.isupper() else stem(t) for t in sequence]
        words = Counter(stems)
        words.update(f"{a}_{b}" for a, b in zip(stems, stems[1:], strict=False))
        if self.keep_surface:
            words.update(stem(t) for t in replaced if t != COMMUNE_PLACEHOLDER)
        chars: Counter = Counter()
        for token in toks:
            if token == COMMUNE_PLACEHOLDER:
                continue
            padded = f"<{token}>"
            for n in CHAR_NGRAMS:
                chars.update(padded[i : i + n] for i in range(len(padded) - n + 1))
        return words, chars


class _Space:
    """One TF-IDF space: idf table, per-intent centroids, optional neighbour index."""

    def __init__(self, docs: Sequence[Counter], labels: Sequence[int], n_classes: int,
                 with_neighbours: bool):
        n_docs = len(docs)
        df = Counter(f for doc in docs for f in doc)
        self.idf = {f: math.log((1 + n_docs) / (1 + d)) + 1.0 for f, d in df.items()}
        vectors = [self.vectorize(doc) for doc in docs]
        self.centroid_postings = self._centroids(vectors, labels, n_classes)
        self.n_classes = n_classes
        self.neighbour_postings: dict[str, list[tuple[int, float]]] = {}
        if with_neighbours:
            max_df = max(2, int(NEIGHBOUR_MAX_DF * n_docs))
            for doc_id, vector in enumerate(vectors):
                for f, w in vector.items():
                    if df[f] <= max_df:
                        self.neighbour_postings.setdefault(f, []).append((doc_id, w))

    def vectorize(self, counts: Counter) -> dict[str, float]:
        weights = {f: tf * self.idf[f] for f, tf in _sublinear(counts).items() if f in self.idf}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {f: w / norm for f, w in weights.items()} if norm else {}

    @staticmethod
    def _centroids(vectors, labels, n_classes) -> dict[str, tuple[tuple[int, float], ...]]:
        """Sparse postings: feature -> ((class, weight), ...) for the classes that use it."""
        sums: list[dict[str, float]] = [defaultdict(float) for _ in range(n_classes)]
        for vector, label in zip(vectors, labels, strict=True):
            for f, w in vector.items():
                sums[label][f] += w
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for label, total in enumerate(sums):
            norm = math.sqrt(sum(w * w for w in total.values())) or 1.0
            for f, w in total.items():
                if w / norm >= CENTROID_MIN_WEIGHT:
                    postings[f].append((label, w / norm))
        return {f: tuple(rows) for f, rows in postings.items()}

    def centroid_similarities(self, vector: dict[str, float]) -> list[float]:
        scores = [0.0] * self.n_classes
        postings = self.centroid_postings
        for f, q in vector.items():
            for label, w in postings.get(f, ()):
                scores[label] += q * w
        return scores

    def neighbour_similarities(self, vector: dict[str, float], doc_labels, n_classes):
        by_doc: dict[int, float] = defaultdict(float)
        for f, q in vector.items():
            for doc_id, w in self.neighbour_postings.get(f, ()):
                by_doc[doc_id] += q * w
        best = [0.0] * n_classes
        for doc_id, sim in by_doc.items():
            label = doc_labels[doc_id]
            if sim > best[label]:
                best[label] = sim
        return best


class Engine:
    """Built once (`Engine.build`), then `understand()` any number of messages."""

    def __init__(self, *, classes, featurizer, word_space, char_space, doc_labels, extractor,
                 threshold, margin, temperature, weights, null_penalty, bayes=None,
                 bayes_weight=DEFAULT_BAYES_WEIGHT,
                 bayes_temperature=DEFAULT_BAYES_TEMPERATURE):
        self.classes: list[str] = classes
        self.featurizer: Featurizer = featurizer
        self.word_space: _Space = word_space
        self.char_space: _Space = char_space
        self.doc_labels: list[int] = doc_labels
        self.extractor: EntityExtractor = extractor
        self.threshold = threshold
        self.margin = margin
        self.temperature = temperature
        self.weights = weights
        # Optional handicap of the out-of-scope class (measured: 0 is best with the current
        # training set; kept as a knob for supervisors' future data).
        self.null_penalty = null_penalty
        self.null_index = classes.index(NULL_CLASS) if NULL_CLASS in classes else None
        self.bayes: NaiveBayes | None = bayes
        self.bayes_weight = bayes_weight
        self.bayes_temperature = bayes_temperature

    @property
    def intents(self) -> list[str]:
        return [c for c in self.classes if c != NULL_CLASS]

    @classmethod
    def build(
        cls,
        training: Mapping[str | None, Iterable[str]],
        gazetteer: Gazetteer | None = None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        margin: float = DEFAULT_MARGIN,
        temperature: float = DEFAULT_TEMPERATURE,
        weights: tuple[float, float, float] = DEFAULT_WEIGHTS,
        null_penalty: float = DEFAULT_NULL_PENALTY,
        lexicon: Lexicon | None = None,
        keep_surface: bool = True,
        bayes_weight: float = DEFAULT_BAYES_WEIGHT,
        bayes_temperature: float = DEFAULT_BAYES_TEMPERATURE,
    ) -> Engine:
        """Precompute every index from {intent_id: phrases} (None or "_null": out of scope).

        `lexicon` defaults to the shipped concept lexicon plus the gazetteer's waste items;
        pass `Lexicon()` to classify on surface words only.
        """
        gazetteer = gazetteer or Gazetteer()
        if lexicon is None:
            lexicon = default_lexicon(
                name for canonical, aliases in gazetteer.items for name in (canonical, *aliases))
        featurizer = Featurizer(gazetteer, lexicon, keep_surface=keep_surface)
        classes, phrases, labels = _flatten(training)
        features = [featurizer.features(p) for p in phrases]
        word_space = _Space([w for w, _ in features], labels, len(classes), with_neighbours=True)
        char_space = _Space([c for _, c in features], labels, len(classes), with_neighbours=False)
        bayes = NaiveBayes([w for w, _ in features], labels, len(classes)) if bayes_weight else None
        extractor = EntityExtractor(gazetteer, known_words=_frequent_words(phrases))
        return cls(
            classes=classes, featurizer=featurizer, word_space=word_space, char_space=char_space,
            doc_labels=labels, extractor=extractor, threshold=threshold, margin=margin,
            temperature=temperature, weights=weights, null_penalty=null_penalty, bayes=bayes,
            bayes_weight=bayes_weight, bayes_temperature=bayes_temperature,
        )

    # -- scoring ---------------------------------------------------------------------------
    def components(self, text: str) -> tuple[list[float], ...] | None:
        """(word centroid, char centroid, nearest phrase, Naive Bayes) per class, or None."""
        words, chars = self.featurizer.features(text)
        word_vec = self.word_space.vectorize(words)
        char_vec = self.char_space.vectorize(chars)
        if not word_vec and not char_vec:
            return None
        n = len(self.classes)
        word_c = self.word_space.centroid_similarities(word_vec)
        char_c = self.char_space.centroid_similarities(char_vec)
        knn = self.word_space.neighbour_similarities(word_vec, self.doc_labels, n)
        nb = self.bayes.posteriors(words, self.bayes_temperature) if self.bayes else [0.0] * n
        return word_c, char_c, knn, nb

    def scores(self, text: str) -> list[float]:
        """Raw score of every class (same order as `self.classes`)."""
        parts = self.components(text)
        if parts is None:
            return [0.0] * len(self.classes)
        w_cent, w_char, w_knn = self.weights
        w_nb = self.bayes_weight
        scores = [
            w_cent * a + w_char * b + w_knn * c + w_nb * d
            for a, b, c, d in zip(*parts, strict=True)
        ]
        if self.null_index is not None:
            scores[self.null_index] -= self.null_penalty
        return scores

    def probabilities(self, text: str) -> list[tuple[str, float]]:
        """(class, calibrated probability), best first; NULL_CLASS included."""
        raw = self.scores(text)
        if not any(raw):
            return [(NULL_CLASS, 1.0)]
        top = max(raw)
        exps = [math.exp((s - top) / self.temperature) for s in raw]
        total = sum(exps)
        ranked = sorted(zip(self.classes, (e / total for e in exps), strict=True),
                        key=lambda pair: pair[1], reverse=True)
        return ranked

    def classify(self, text: str) -> tuple[str | None, float, list[tuple[str, float]], bool]:
        ranked = self.probabilities(text)
        in_scope = [(c, round(p, 4)) for c, p in ranked if c != NULL_CLASS][:MAX_ALTERNATIVES]
        best_class, best_p = ranked[0]
        if best_class == NULL_CLASS or best_p < self.threshold or not in_scope:
            null_p = dict(ranked).get(NULL_CLASS, 0.0)
            return None, round(max(null_p, 1.0 - best_p if best_class != NULL_CLASS else best_p),
                               4), in_scope, False
        ambiguous = len(in_scope) > 1 and (in_scope[0][1] - in_scope[1][1]) < self.margin
        return best_class, round(best_p, 4), in_scope, ambiguous

    def understand(self, text: str, today: date | None = None) -> Understanding:
        """Intent, confidence, alternatives and entities; never raises on odd input."""
        text = text if isinstance(text, str) else ""
        intent, confidence, alternatives, ambiguous = self.classify(text)
        entities = self.extractor.extract(text, today or date.today())
        return Understanding(text=text, intent=intent, confidence=confidence,
                             alternatives=alternatives, ambiguous=ambiguous, entities=entities)


def _flatten(training: Mapping[str | None, Iterable[str]]):
    classes: list[str] = []
    phrases: list[str] = []
    labels: list[int] = []
    for key, items in training.items():
        name = NULL_CLASS if key in NULL_KEYS else key
        if name not in classes:
            classes.append(name)
        label = classes.index(name)
        for phrase in items:
            if phrase and phrase.strip():
                phrases.append(phrase)
                labels.append(label)
    if not phrases:
        raise ValueError("Engine.build needs at least one training phrase")
    return classes, phrases, labels


def _frequent_words(phrases: Iterable[str], min_count: int = 2) -> set[str]:
    """Words seen often enough in training to be real words, not typos to correct."""
    counts = Counter(t for p in phrases for t in set(tokens(p)))
    return {t for t, c in counts.items() if c >= min_count}
