"""The ``classifier`` detector: calibrated per-class scores from the shipped hashed-n-gram model.

Signals: one per harm class whose score reaches ``floor``; label = category, score = the calibrated probability
that two overlapping windows agree on (``scoring.agreeing_max``; for a text scored whole, its one window's),
evidence = the highest-scoring windows (``text_span`` with ORIGINAL offsets and ``window_score``), and
``attrs["scores"]`` holds all six class scores. Review/block thresholds live in the policy, not here.

Window signal: where one window of a long text scores higher than any two windows agree on, one more signal per
such class, ``window/<class>``, whose score is that window's (evidence: the same windows). The policy reviews
on it and never blocks on it alone: one odd line in a chapter goes to a person, with the line shown.

Context signal: for an item whose longest field has at least ``context_min_chars`` characters, one more signal,
``context/clean``, whose score is how clean the classifier reads the whole item (one minus its highest harm
score). It carries no harm label; the policy uses it to treat a lone lexicon term in an otherwise clean article
(an encyclopedia entry that names 色情小说, a novel's coarse line) as a case for a reviewer rather than a block.
"""

from __future__ import annotations

from qinglang.detectors.base import Detector, DetectorConfig, PreparedContent
from qinglang.domain import Evidence, Signal
from qinglang.domain.model import HARM_CATEGORIES

HARM = tuple(c.value for c in HARM_CATEGORIES)


class ClassifierConfig(DetectorConfig):
    model_dir: str | None = None  # a folder with meta.json + weights.npz; None = the model shipped in the package
    floor: float = 0.2  # classes scoring below this produce no signal
    max_evidence: int = 3
    fields: tuple[str, ...] = ("title", "text")
    context_min_chars: int = 80  # items at least this long also get the ``context/clean`` signal


class ClassifierDetector(Detector):
    name = "classifier"
    version = "1.2"
    config_class = ClassifierConfig

    def load(self) -> None:
        from qinglang.detectors.classifier.linear import load_model

        self.model = load_model(self.config.model_dir)
        self._loaded = True

    def detect(self, content: PreparedContent) -> list[Signal]:
        from qinglang.detectors.classifier.scoring import score_texts

        self.ensure_loaded()
        names = [f for f in self.config.fields if content.fields.get(f, "").strip()]
        if not names:
            return []
        results = dict(zip(names, score_texts(self.model, [content.fields[f] for f in names]), strict=True))
        scores = {c: max(r.scores[c] for r in results.values()) for c in self.model.classes}
        scores["none"] = min(r.scores["none"] for r in results.values())
        agreed = {c: max(r.agreed[c] for r in results.values()) for c in HARM if c in scores}
        floor = self.config.floor
        signals = [self._signal(label, agreed[label], label, scores, results, content)
                   for label in agreed if agreed[label] >= floor]
        signals += [self._signal(label, scores[label], f"window/{label}", scores, results, content)
                    for label in agreed if scores[label] >= floor and scores[label] > agreed[label]]
        longest = max(len(content.fields[f]) for f in names)
        if longest >= self.config.context_min_chars:
            clean = round(1.0 - max(scores.get(c, 0.0) for c in HARM), 4)
            signals.append(Signal(self.name, "context/clean", clean, attrs={"chars": longest}))
        return signals

    def _signal(self, label: str, score: float, name: str, scores: dict, results: dict,
                content: PreparedContent) -> Signal:
        k = self.config.max_evidence
        ranked = sorted(  # each field's best windows, then the best of those
            ((w.scores[label], name, w) for name, r in results.items() for w in r.top_windows(label, k)),
            key=lambda x: x[0],
            reverse=True,
        )[:k]
        evidence = tuple(
            Evidence(
                kind="text_span",
                field=name,
                start=w.start,
                end=w.end,
                text=content.fields[name][w.start : w.end],
                detail={"window_score": round(score, 4)},
            )
            for score, name, w in ranked
        )
        rounded = {c: round(v, 4) for c, v in scores.items()}
        return Signal(self.name, name, round(score, 4), evidence, attrs={"scores": rounded})
