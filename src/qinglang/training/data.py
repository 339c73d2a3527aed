"""The training corpus: which files, which labels, which split. See docs/evaluation.md (Classifier)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qinglang.detectors.classifier.windows import prepared_windows
from qinglang.errors import InvalidInput
from qinglang.evaluation import datasets as ds

SYNTHETIC_DIR = Path(__file__).resolve().parents[3] / "data" / "synthetic"


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
    return not (source == "synthetic" and example[1] == "porn")


def is_calibration(text: str) -> bool:
    """A 10% slice of TRAIN held out from fitting, for temperature calibration (independent of the DEV rule)."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) // 5 % 10 == 0


def windowed(examples: Iterable[ds.Example]) -> Iterator[ds.Example]:
    """Long clean texts become their windows, as the detector scores them.

    A window of a long text is yielded as the model sees it (already prepared; preparing it again changes
    nothing, which ``tests/unit/test_classifier_features.py`` checks); a text scored whole is yielded as it is.
    Either way the example is exactly the ``raw`` string the detector gives the symbol view.
    """
    for text, label in examples:
        for _, _, _, raw in prepared_windows(text):
            yield raw, label


def _require(path: Path) -> Path:
    if not path.exists():
        raise InvalidInput(
            f"training data file {path} is missing; pass the shared data folder as --data-dir", code="dataset_not_found"
        )
    return path


def raw_sources(data_dir: str | Path, synthetic_dir: str | Path | None = None) -> dict[str, list[ds.Example]]:
    """Every source, both splits, unwindowed."""
    root = Path(data_dir)
    synthetic = Path(synthetic_dir) if synthetic_dir else SYNTHETIC_DIR
    cold = [ex for name in ("train.csv", "dev.csv") for ex in ds.load_cold(_require(root / "coldataset" / name))]
    return {
        "chineseharm": list(ds.load_chineseharm(_require(root / "chineseharm_bench" / "extra_not_in_bench.json"))),
        "cold": cold,
        "cmrc2018": list(ds.load_cmrc_contexts(_require(root / "cmrc2018_contexts" / "cmrc2018_trial.json"))),
        "novels": list(ds.load_novels(_require(root / "classical_novels_pd"))),
        "synthetic": [ex for p in sorted(synthetic.glob("*.jsonl")) for ex in ds.load_labelled(p)],
    }


def _one_in(text: str, n: int) -> bool:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) // 50 % n == 0


def build_corpus(
    data_dir: str | Path, *, dev: bool, synthetic_dir: str | Path | None = None, novel_share: int = 3
) -> Corpus:
    """The DEV or TRAIN part of every source; clean long texts are cut into windows.

    TRAIN keeps one novel window in ``novel_share`` (chosen by hash): the novels are large and easy, and the rest
    only slow training down. DEV keeps them all.
    """
    out = {}
    for name, rows in raw_sources(data_dir, synthetic_dir).items():
        part = ds.split_examples(_dedupe(rows), dev=dev)
        out[name] = list(windowed(part)) if name in ("cmrc2018", "novels") else part
    if not dev and novel_share > 1:
        out["novels"] = [ex for ex in out["novels"] if _one_in(ex[0], novel_share)]
    return Corpus(out)


def _dedupe(rows: list[ds.Example]) -> list[ds.Example]:
    seen: set[str] = set()
    out = []
    for text, label in rows:
        if text not in seen:
            seen.add(text)
            out.append((text, label))
    return out
