"""The training corpus: which sources, which labels, which split, how long texts become examples.

See docs/evaluation.md (Classifier, "Sources"). Sources come from :mod:`qinglang.evaluation.sources`; a source whose
role is ``evaluation`` is never trained on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qinglang.detectors.classifier.windows import MAX_SIZE, prepared_windows
from qinglang.evaluation import datasets as ds
from qinglang.evaluation import sources as src

TRAIN_CAP = 5000  # clean examples kept per source in TRAIN (sampled by hash); harmful and project-written never capped
REGRESSION_FILE = src.PROJECT_DATA / "regression" / "everyday_titles.txt"


def regression_texts() -> frozenset[str]:
    """The everyday titles that must pass (``data/regression``): a test set, so no source's copy of them is ever
    trained on."""
    if not REGRESSION_FILE.exists():
        return frozenset()
    return frozenset(t.strip() for t in REGRESSION_FILE.read_text(encoding="utf-8").splitlines() if t.strip())


@dataclass(frozen=True, slots=True)
class Corpus:
    """Labelled examples by source, each already limited to one split."""

    sources: dict[str, list[ds.Example]]

    def examples(self) -> list[ds.Example]:
        return [ex for rows in self.sources.values() for ex in rows]

    def scored(self) -> dict[str, list[ds.Example]]:
        """The sources as reports score them (see :func:`is_scored`)."""
        return {name: [ex for ex in rows if is_scored(name, ex)] for name, rows in self.sources.items()}


def is_scored(source: str, example: ds.Example) -> bool:
    """Project-written porn examples are trained on but never scored, so every porn figure is measured on real
    texts."""
    return not (src.BY_NAME.get(source) and src.BY_NAME[source].project_written and example[1] == "porn")


def is_calibration(text: str) -> bool:
    """A 10% slice of TRAIN held out from fitting, for temperature calibration (independent of the DEV rule)."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) // 5 % 10 == 0


def windowed(examples: Iterable[ds.Example]) -> Iterator[ds.Example]:
    """Long texts become training examples the way the detector scores them.

    A clean long text yields every window (as the model sees it: already prepared; preparing it again changes
    nothing, which ``tests/unit/test_classifier_features.py`` checks). A harmful long text yields only its first
    paragraph window: its other windows may be innocent (a scam call's small talk), and labelling them harmful
    would teach the model that small talk is fraud. A text scored whole is yielded as it is. Either way the
    example is exactly the ``raw`` string the detector gives the symbol view.
    """
    for text, label in examples:
        if len(text) <= MAX_SIZE:
            yield text, label
            continue
        wins = prepared_windows(text)
        for _, _, _, raw in wins if label == "none" else wins[:1]:
            yield raw, label


def _keep(text: str, share: float) -> bool:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) // 50 % 10_000 < share * 10_000


def capped(rows: list[ds.Example], cap: int) -> list[ds.Example]:
    """At most about ``cap`` clean examples (a hash sample, so deterministic); harmful examples all kept."""
    clean = [ex for ex in rows if ex[1] == "none"]
    if cap <= 0 or len(clean) <= cap:
        return rows
    share = cap / len(clean)
    return [ex for ex in rows if ex[1] != "none" or _keep(ex[0], share)]


def split_part(rows: list[ds.Example], *, dev: bool, cap: int = TRAIN_CAP) -> list[ds.Example]:
    """One source's DEV or TRAIN part as examples: DEV keeps every window; TRAIN leaves out the regression titles
    (:func:`regression_texts`) and is capped (:func:`capped`; ``cap <= 0``: no cap)."""
    part = list(windowed(ds.split_examples(rows, dev=dev)))
    if dev:
        return part
    held = regression_texts()
    return capped([ex for ex in part if ex[0].strip() not in held], cap)


def build_corpus(
    data_dir: str | Path,
    *,
    dev: bool,
    names: tuple[str, ...] | None = None,
    exclude: Iterable[str] = (),
    cap: int = TRAIN_CAP,
    raw: dict[str, list[ds.Example]] | None = None,
) -> Corpus:
    """The DEV or TRAIN part of every source (or ``names``, minus ``exclude``), long texts as windows.

    A TRAIN corpus never contains an ``evaluation`` source. ``raw`` reuses sources already read
    (:func:`qinglang.evaluation.sources.load_sources`).
    """
    raw = raw if raw is not None else src.load_sources(data_dir, names)
    skip = set(exclude)
    out = {}
    for name, rows in raw.items():
        if name in skip or (names and name not in names) or (not dev and not src.get_source(name).trainable):
            continue
        project = src.get_source(name).project_written
        out[name] = split_part(rows, dev=dev, cap=0 if project else cap)
    return Corpus(out)
