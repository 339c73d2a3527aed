"""Source-held-out figures: how the classifier and the whole pipeline do on sources they have never seen.

    python -m qinglang.evaluation.heldout --data-dir ../shared/data --work build/heldout [--json OUT]

Needs the folds of ``python -m qinglang.training.crossfit`` (same ``--work``; run there first, or by
``qinglang model train``). Every figure is on the **DEV split** (``is_dev``) of a source, scored by a model that
was not trained on that source (its fold, ``qinglang.training.folds``) and calibrated without that source's
records (``qinglang.training.crossfit.fit_calibration(..., leave_out=fold)``). ChineseHarm DEV texts are scored by
the fold that held out their hash part (the same pool, never the text itself). The evaluation-only sources are
scored by fold ``all``, which is the shipped model's weights.

Pipeline figures run ``Screener`` with every default detector and the shipped policy, exactly as
``qinglang screen`` does, with the fold's calibrated model as the classifier. News titles are screened as
``title``, everything else as ``text``. A text counts as flagged when its verdict is not ``pass``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qinglang.evaluation import datasets as ds
from qinglang.evaluation import sources as src
from qinglang.evaluation.metrics import evaluate
from qinglang.training import crossfit as cf
from qinglang.training import folds as fl

TITLE_SOURCES = ("thucnews_titles",)
SIX_CLASS_NONE_PER_SOURCE = 150


def _fold_of(folds: Sequence[fl.Fold], name: str) -> fl.Fold:
    return next(f for f in folds if f.name == name)


def screener_for(model_dir: str | Path):
    """The default pipeline (detectors, policy) with the classifier loaded from ``model_dir``."""
    from qinglang.config import ScreeningSettings
    from qinglang.pipeline import Screener

    return Screener.from_settings(ScreeningSettings(detector_config={"classifier": {"model_dir": str(model_dir)}}))


def screen_texts(screener, texts: Sequence[str], field: str = "text") -> list[tuple[str, str]]:
    """``(verdict, category)`` of each text through the pipeline."""
    from qinglang.domain import ContentItem

    out = []
    for i, text in enumerate(texts):
        decision = screener.screen(ContentItem(id=str(i), **{field: text})).decision
        out.append((decision.verdict.value, decision.category.value))
    return out


def dev_items(fold: fl.Fold, raw: dict[str, list[ds.Example]]) -> dict[str, list[tuple[str, str]]]:
    """The DEV texts a fold reports on: its held-out sources (and views), its ChineseHarm part, inserted texts."""
    scored = fl.scored_rows(fold, raw)
    out = {name: [(t, y) for _, t, y in rows if ds.is_dev(t)] for name, rows in scored.items()}
    for name, split, text, gold in fl.inserted_rows(scored):
        if split == "dev":
            out.setdefault(name, []).append((text, gold))
    return {k: v for k, v in out.items() if v}


def pipeline_outcomes(data_dir: str | Path, work: str | Path) -> dict[str, list[tuple[str, str, str, str]]]:
    """``source -> [(text, gold, verdict, category)]`` for every DEV text, each screened by its own fold's
    pipeline. ChineseHarm DEV comes from the source folds (in-pool) and, as ``chineseharm_heldout``, from fold
    ``chineseharm`` (ChineseHarm held out whole)."""
    raw = src.load_sources(data_dir)
    folds = fl.plan(list(raw))
    records = cf.load_records(work, folds)
    out: dict[str, list] = defaultdict(list)
    for fold in folds:
        leave = fold.name if fold.is_source_fold else None
        calibration = cf.fit_calibration(records, folds, leave_out=leave)
        screener = screener_for(cf.calibrated_fold_model(work, fold.name, calibration))
        for name, items in dev_items(fold, raw).items():
            key = "chineseharm_heldout" if fold.name == fl.CHINESEHARM else name
            field = "title" if name in TITLE_SOURCES else "text"
            results = screen_texts(screener, [t for t, _ in items], field)
            out[key].extend((t, y, v, c) for (t, y), (v, c) in zip(items, results, strict=True))
    return dict(out)


def rates(rows: Sequence[tuple[str, str, str, str]]) -> dict:
    """Share of texts not passed and blocked, with counts."""
    n = len(rows)
    not_pass = sum(1 for r in rows if r[2] != "pass")
    block = sum(1 for r in rows if r[2] == "block")
    return {"items": n, "not_pass": round(not_pass / n, 4) if n else 0.0, "block": round(block / n, 4) if n else 0.0}


def recall(rows: Sequence[tuple[str, str, str, str]], label: str) -> dict:
    """Of the texts whose gold is ``label``: share flagged at all, share flagged as ``label``, share blocked."""
    pos = [r for r in rows if r[1] == label]
    n = len(pos) or 1
    return {
        "items": len(pos),
        "flagged": round(sum(r[2] != "pass" for r in pos) / n, 4),
        "flagged_as_label": round(sum(r[2] != "pass" and r[3] == label for r in pos) / n, 4),
        "blocked": round(sum(r[2] == "block" for r in pos) / n, 4),
    }


def found(rows: Sequence[tuple[str, str, str, str]]) -> dict:
    """Inserted texts (a clean long text with one harmful text inside): share flagged, flagged in the inserted
    text's category, blocked."""
    n = len(rows) or 1
    return {
        "items": len(rows),
        "flagged": round(sum(r[2] != "pass" for r in rows) / n, 4),
        "flagged_as_label": round(sum(r[2] != "pass" and r[3] == r[1] for r in rows) / n, 4),
        "blocked": round(sum(r[2] == "block" for r in rows) / n, 4),
    }


def predicted(row: tuple[str, str, str, str]) -> str:
    return "none" if row[2] == "pass" else row[3]


def benign_genres(outcomes: dict) -> dict:
    """The benign-genre table: every clean DEV text of each source, through its fold's pipeline."""
    table = {}
    for name, rows in sorted(outcomes.items()):
        clean = [r for r in rows if r[1] == "none"]
        if clean and not name.startswith("inserted:") and name != "chineseharm_heldout":
            genre = src.get_source(name).genre
            table[name] = {"genre": genre, **rates(clean)}
    return table


def _sample(rows: list, k: int) -> list:
    """A deterministic sample of ``k`` rows (by hash of the text)."""
    ranked = sorted(rows, key=lambda r: hashlib.sha256(f"six|{r[0]}".encode()).hexdigest())
    return ranked[:k]


def six_class(outcomes: dict, fraud_sources: Sequence[str], none_per_source: int = SIX_CLASS_NONE_PER_SOURCE):
    """The closest view to the six-class benchmark: ChineseHarm DEV (in-pool folds) for porn, illicit_ad,
    gambling and abuse; fraud from ``fraud_sources`` (held out); ``none`` sampled evenly from every clean source's
    held-out DEV texts."""
    rows = [r for r in outcomes.get(fl.CHINESEHARM, []) if r[1] != "none"]
    for name in fraud_sources:
        rows += [r for r in outcomes.get(name, []) if r[1] == "fraud"]
    for name, items in sorted(outcomes.items()):
        if name.startswith("inserted:") or name == "chineseharm_heldout":
            continue
        rows += _sample([r for r in items if r[1] == "none"], none_per_source)
    return evaluate([r[1] for r in rows], [predicted(r) for r in rows]).to_dict()


def report(data_dir: str | Path, work: str | Path) -> dict:
    outcomes = pipeline_outcomes(data_dir, work)
    inserted = {k: found(v) for k, v in outcomes.items() if k.startswith("inserted:")}
    harm = [c for c in ds.CATEGORIES if c != "none"]
    return {
        "benign_genres": benign_genres(outcomes),
        "recall": {name: {c: recall(rows, c) for c in harm if any(r[1] == c for r in rows)}
                   for name, rows in sorted(outcomes.items()) if not name.startswith("inserted:")},
        "inserted_harm_found": inserted,
        "six_class_telecom_fraud": six_class(outcomes, ["telecom_fraud_texts_5"]),
        "six_class_all_fraud": six_class(outcomes, ["telecom_fraud_texts_5", "teleantifraud_synthetic",
                                                    "synthetic", "knowledge"]),
        "chineseharm_in_pool": evaluate([r[1] for r in outcomes.get(fl.CHINESEHARM, [])],
                                        [predicted(r) for r in outcomes.get(fl.CHINESEHARM, [])]).to_dict(),
        "chineseharm_held_out_whole": evaluate([r[1] for r in outcomes.get("chineseharm_heldout", [])],
                                               [predicted(r) for r in outcomes.get("chineseharm_heldout", [])]).to_dict(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--work", default="build/heldout")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    result = report(args.data_dir, args.work)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()


# --- thresholds: chosen on out-of-source TRAIN-split scores, never on a DEV text ---------------------------------

GRID = tuple(round(0.05 * i, 2) for i in range(6, 20))  # 0.30 .. 0.95
REVIEW_BUDGET, BLOCK_BUDGET = 0.002, 0.0004  # per class, in every clean source with enough texts
MIN_SOURCE_TEXTS = 1000


def calibrated(records: cf.Records, calibration) -> np.ndarray:
    """Calibrated harm scores (rows x harm classes) of ``records``."""
    buckets = np.searchsorted(np.array(calibration.edges), records.length, side="left")
    slope = np.array(calibration.slope)[buckets][:, None]
    intercept = np.array(calibration.intercept)[buckets][:, None]
    return 1.0 / (1.0 + np.exp(-(slope * records.z + intercept)))


def _lowest(scores: np.ndarray, groups: list[np.ndarray], budget: float) -> float:
    """The lowest grid threshold at which no group's share of scores at or above it exceeds ``budget``."""
    for t in GRID:
        if all((scores[g] >= t).mean() <= budget for g in groups):
            return t
    return GRID[-1]


def choose_thresholds(records: cf.Records, folds: Sequence[fl.Fold]) -> dict:
    """Per class: **review** = the lowest threshold (0.05 grid, 0.30–0.95) at which at most 0.2% of the clean
    TRAIN-split texts of every clean source (≥ 1,000 texts) reach it, **block** = the same at 0.04%; scores are the
    out-of-source scores of the source folds, calibrated with the shipped calibration. Five classes at 0.2% keep
    the classifier's share of a clean genre's review rate under 1%, and at 0.04% its block rate under 0.2%, the
    issue's goals. With the recall each choice gives on the harmful TRAIN-split texts."""
    rows = cf.calibration_rows(records, folds)
    rows = rows.where(~np.char.startswith(rows.source, "inserted:"))
    scores = calibrated(rows, cf.fit_calibration(records, folds))
    clean = rows.gold == "none"
    groups = [np.flatnonzero(clean & (rows.source == s)) for s in np.unique(rows.source[clean])]
    groups = [g for g in groups if len(g) >= MIN_SOURCE_TEXTS]
    out: dict = {"review": {}, "block": {}, "recall_at_review": {}, "recall_at_block": {}}
    for j, c in enumerate(cf.HARM):
        review = _lowest(scores[:, j], groups, REVIEW_BUDGET)
        block = max(review, _lowest(scores[:, j], groups, BLOCK_BUDGET))
        pos = rows.gold == c
        out["review"][c], out["block"][c] = review, block
        out["recall_at_review"][c] = round(float((scores[pos, j] >= review).mean()), 4) if pos.any() else None
        out["recall_at_block"][c] = round(float((scores[pos, j] >= block).mean()), 4) if pos.any() else None
    return out
