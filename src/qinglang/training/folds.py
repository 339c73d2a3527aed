"""Source-held-out folds: train on every source but one, score the one left out.

A new platform's traffic looks like a source the model has never seen, so that is how qinglang measures its
classifier and fits its length calibration:

- one fold per trainable source: the model is trained on the TRAIN part of every *other* source and scores every
  text of the held-out one (and its views, e.g. the novels as whole chapters);
- ChineseHarm is the only source of real porn, illicit ads and gambling, so holding it out whole would leave those
  classes nearly untrained; instead each source fold also holds out one hash part of it, and every ChineseHarm
  text is scored by a model that never saw it (the closest thing to the held-out benchmark, which is drawn from
  the same pool). A separate fold ``chineseharm`` holds all of it out, to show what the other sources teach alone;
- fold ``all`` trains on every trainable source: its weights are the shipped model's, and it scores the
  evaluation-only sources, which no model is trained on.

Each fold also scores **inserted** texts: a held-out clean long text with one held-out harmful short text put in
its middle, so the long-text calibration learns (and reports measure) that one vulgar paragraph inside clean
prose is still found.

A fold's model and its **records** (per text: source, split, gold, length, and the harm log-odds ``z``, the
maximum over the text's windows) are cached in ``WORK/<fold>/``; a fold is re-trained only when its key
(parameters, training counts, code version) changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from qinglang.detectors.classifier.windows import MAX_SIZE, sentence_spans
from qinglang.evaluation import datasets as ds
from qinglang.evaluation import sources as src
from qinglang.training.data import TRAIN_CAP, split_part
from qinglang.training.train import TrainParams

CHINESEHARM = "chineseharm"
ALL = "all"
VERSION = "folds/2"  # 2: sentence windows end with their paragraph (records of long texts changed)
INSERTED_PER_SPLIT = 300


@dataclass(frozen=True, slots=True)
class Fold:
    name: str
    held_out: tuple[str, ...]  # whole sources (their views follow them)
    chineseharm_part: int | None = None  # this hash part of ChineseHarm is held out as well
    parts: int = 1

    @property
    def is_source_fold(self) -> bool:
        """A fold whose records fit the calibration (not ``chineseharm`` nor ``all``)."""
        return self.name not in (CHINESEHARM, ALL)


GROUPS = {"cmrc2018": "encyclopedia_fiction", "novels": "encyclopedia_fiction",
          "lccc_toy": "weibo", "weibo_ner_posts": "weibo"}  # small or kindred sources held out together


def plan(names: Sequence[str]) -> list[Fold]:
    """The folds for these sources: one per trainable source but ChineseHarm (kindred small sources together,
    :data:`GROUPS`), then ``chineseharm``, then ``all``."""
    groups: dict[str, list[str]] = {}
    for n in names:
        if src.get_source(n).trainable and n != CHINESEHARM:
            groups.setdefault(GROUPS.get(n, n), []).append(n)
    parts = len(groups)
    folds = [Fold(g, tuple(members), i, parts) for i, (g, members) in enumerate(groups.items())]
    return [*folds, Fold(CHINESEHARM, (CHINESEHARM,)), Fold(ALL, ())]


def chineseharm_part(text: str, parts: int) -> int:
    return int(hashlib.sha256(f"heldout-part|{text}".encode()).hexdigest(), 16) % parts


def _held(fold: Fold, name: str) -> bool:
    source = src.get_source(name)
    if fold.name == ALL:
        return not source.trainable and source.parent is None
    return name in fold.held_out or source.parent in fold.held_out


def scored_rows(fold: Fold, raw: dict[str, list[ds.Example]]) -> dict[str, list[tuple[int, str, str]]]:
    """What the fold scores: ``source -> [(index in the source, text, gold)]``."""
    out = {}
    for name, rows in raw.items():
        if _held(fold, name):
            out[name] = [(i, t, y) for i, (t, y) in enumerate(rows)]
        elif name == CHINESEHARM and fold.chineseharm_part is not None:
            part = fold.chineseharm_part
            out[name] = [(i, t, y) for i, (t, y) in enumerate(rows) if chineseharm_part(t, fold.parts) == part]
    return out


def training_examples(fold: Fold, raw: dict[str, list[ds.Example]], cap: int = TRAIN_CAP) -> dict[str, list]:
    """The TRAIN part of every trainable source the fold does not hold out (ChineseHarm minus its part)."""
    out = {}
    for name, rows in raw.items():
        source = src.get_source(name)
        if not source.trainable or _held(fold, name):
            continue
        if name == CHINESEHARM and fold.chineseharm_part is not None:
            rows = [(t, y) for t, y in rows if chineseharm_part(t, fold.parts) != fold.chineseharm_part]
        out[name] = split_part(rows, dev=False, cap=0 if source.project_written else cap)
    return out


def insert_middle(clean: str, harmful: str) -> tuple[str, int]:
    """``clean`` with ``harmful`` put in as a paragraph of its own (between line breaks) at the sentence boundary
    nearest the middle; returns the text and the offset of ``harmful`` in it."""
    ends = [e for _, e in sentence_spans(clean)] or [len(clean) // 2]
    cut = min(ends, key=lambda e: abs(e - len(clean) // 2))
    return f"{clean[:cut]}\n{harmful}\n{clean[cut:]}", cut + 1


def inserted_rows(scored: dict[str, list[tuple[int, str, str]]]) -> list[tuple[str, str, str, str]]:
    """``(source, split, text, gold)``: held-out clean long texts, each with one held-out ChineseHarm text inside,
    paired within a split (DEV with DEV, TRAIN with TRAIN)."""
    harmful = [(t, y) for _, t, y in scored.get(CHINESEHARM, []) if y != "none"]
    out = []
    for name, rows in scored.items():
        if name == CHINESEHARM:
            continue
        for dev in (False, True):
            clean = [t for _, t, y in rows if y == "none" and len(t) > MAX_SIZE and ds.is_dev(t) == dev]
            harm = [(t, y) for t, y in harmful if ds.is_dev(t) == dev]
            for c, (h, y) in list(zip(clean, harm, strict=False))[:INSERTED_PER_SPLIT]:
                out.append((f"inserted:{name}", "dev" if dev else "train", insert_middle(c, h)[0], y))
    return out


def fold_key(fold: Fold, params: TrainParams, counts: dict[str, int]) -> str:
    blob = json.dumps([VERSION, asdict(fold), asdict(params), sorted(counts.items())], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
