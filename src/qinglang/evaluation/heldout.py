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

from qinglang.detectors.classifier.windows import MAX_SIZE
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


CONTEXT_CLEAN = 0.75  # thresholds.classifier.context_clean of the shipped policy


def screen_texts(screener, texts: Sequence[str], field: str = "text") -> list[tuple[str, str, bool]]:
    """``(verdict, category, in_context)`` of each text through the pipeline; ``in_context`` marks a text with a
    severity-3 lexicon term that was not blocked because the classifier read it as clean (the rule of
    docs/policy.md, "Lexicon terms in context")."""
    from qinglang.domain import ContentItem

    out = []
    for i, text in enumerate(texts):
        decision = screener.screen(ContentItem(id=str(i), **{field: text})).decision
        signals = [s for o in decision.outcomes if o.status == "ok" for s in o.signals]
        severe = any(s.detector == "lexicon" and s.severity >= 3 for s in signals)
        clean = any(s.ref == "classifier.context/clean" and s.score >= CONTEXT_CLEAN for s in signals)
        in_context = severe and clean and decision.verdict.value != "block"
        out.append((decision.verdict.value, decision.category.value, in_context))
    return out


def dev_items(fold: fl.Fold, raw: dict[str, list[ds.Example]]) -> dict[str, list[tuple[str, str]]]:
    """The DEV texts a fold reports on: its held-out sources (and views), its ChineseHarm part, inserted texts."""
    scored = fl.scored_rows(fold, raw)
    out = {name: [(t, y) for _, t, y in rows if ds.is_dev(t)] for name, rows in scored.items()}
    for name, split, text, gold in fl.inserted_rows(scored):
        if split == "dev":
            out.setdefault(name, []).append((text, gold))
    return {k: v for k, v in out.items() if v}


def finished_folds(work: str | Path, names: Sequence[str]) -> list[fl.Fold]:
    """The folds of the plan whose records exist in ``work`` (a report names the missing ones)."""
    return [f for f in fl.plan(names) if (Path(work) / f.name / "records.npz").exists()]


def pipeline_outcomes(data_dir: str | Path, work: str | Path) -> dict[str, list[tuple]]:
    """``source -> [(text, gold, verdict, category)]`` for every DEV text, each screened by its own fold's
    pipeline. ChineseHarm DEV comes from the source folds (in-pool) and, as ``chineseharm_heldout``, from fold
    ``chineseharm`` (ChineseHarm held out whole)."""
    raw = src.load_sources(data_dir)
    folds = finished_folds(work, list(raw))
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
            out[key].extend((t, y, v, c, k) for (t, y), (v, c, k) in zip(items, results, strict=True))
    return dict(out)


def rates(rows: Sequence[tuple]) -> dict:
    """Share of texts not passed and blocked, with counts, and how many were reviewed rather than blocked
    because of the lexicon-in-context rule."""
    n = len(rows)
    not_pass = sum(1 for r in rows if r[2] != "pass")
    block = sum(1 for r in rows if r[2] == "block")
    return {"items": n, "not_pass": round(not_pass / n, 4) if n else 0.0, "block": round(block / n, 4) if n else 0.0,
            "not_pass_count": not_pass, "block_count": block, "term_in_context_reviewed": sum(r[4] for r in rows)}


def recall(rows: Sequence[tuple], label: str) -> dict:
    """Of the texts whose gold is ``label``: share flagged at all, share flagged as ``label``, share blocked."""
    pos = [r for r in rows if r[1] == label]
    n = len(pos) or 1
    return {
        "items": len(pos),
        "flagged": round(sum(r[2] != "pass" for r in pos) / n, 4),
        "flagged_as_label": round(sum(r[2] != "pass" and r[3] == label for r in pos) / n, 4),
        "blocked": round(sum(r[2] == "block" for r in pos) / n, 4),
    }


def found(rows: Sequence[tuple]) -> dict:
    """Inserted texts (a clean long text with one harmful text inside): share flagged, flagged in the inserted
    text's category, blocked."""
    n = len(rows) or 1
    return {
        "items": len(rows),
        "flagged": round(sum(r[2] != "pass" for r in rows) / n, 4),
        "flagged_as_label": round(sum(r[2] != "pass" and r[3] == r[1] for r in rows) / n, 4),
        "blocked": round(sum(r[2] == "block" for r in rows) / n, 4),
    }


def predicted(row: tuple) -> str:
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
    names = [s.name for s in src.SOURCES]
    folds = finished_folds(work, names)
    records = cf.load_records(work, folds)
    scored = _scored_train(records, folds)
    thresholds = _rule(*scored, per_source=False)
    calibration = cf.fit_calibration(records, folds)
    alone = classifier_alone(records, folds, thresholds)
    outcomes = pipeline_outcomes(data_dir, work)
    inserted = {k: found(v) for k, v in outcomes.items() if k.startswith("inserted:")}
    harm = [c for c in ds.CATEGORIES if c != "none"]
    return {
        "folds": [f.name for f in folds],
        "folds_missing": [f.name for f in fl.plan(names) if f not in folds],
        "calibration": calibration.to_dict(),
        "thresholds_rule": thresholds,
        "thresholds_rule_per_source": _rule(*scored, per_source=True),
        "classifier_alone_dev": alone,
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
    parser.add_argument("--markdown", action="store_true", help="print the tables of docs/evaluation.md instead")
    args = parser.parse_args()
    result = report(args.data_dir, args.work)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(to_markdown(result) if args.markdown else text)



# --- thresholds: chosen on out-of-source TRAIN-split scores, never on a DEV text ---------------------------------

GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))  # 0.05 .. 0.95
REVIEW_BUDGET, BLOCK_BUDGET = 0.002, 0.0004  # per class, over all clean TRAIN-split texts together
REVIEW_FLOOR, BLOCK_FLOOR = 0.15, 0.5  # a block needs the text to be more likely harmful than clean


def calibrated(records: cf.Records, calibration) -> np.ndarray:
    """Calibrated harm scores (rows x harm classes) of ``records``."""
    buckets = np.searchsorted(np.array(calibration.edges), records.length, side="left")
    slope = np.array(calibration.slope)[buckets][:, None]
    intercept = np.array(calibration.intercept)[buckets][:, None]
    return 1.0 / (1.0 + np.exp(-(slope * records.z + intercept)))


def _lowest(scores: np.ndarray, budget: float) -> float:
    """The lowest grid threshold at which the share of ``scores`` at or above it is at most ``budget``."""
    for t in GRID:
        if (scores >= t).mean() <= budget:
            return t
    return GRID[-1]


# the project-written sources: their clean texts are hard negatives written to share a violation's words, not a
# genre a platform publishes, so they train the model but do not spend the benign budget
WRITTEN_SOURCES = tuple(s.name for s in src.SOURCES if s.project_written)


def choose_thresholds(records: cf.Records, folds: Sequence[fl.Fold], *, per_source: bool = False) -> dict:
    """Per class: **review** = the lowest threshold (0.05 grid) at which at most 0.2% of the clean TRAIN-split
    texts of all real clean sources together (not :data:`WRITTEN_SOURCES`) reach it, but at least 0.15; **block**
    = the same at 0.04%, but at least 0.5 (more likely harmful than clean). Scores are the out-of-source scores of
    the source folds, calibrated with the shipped calibration. Five classes at 0.2% keep the classifier's share of
    a clean genre's review rate under 1%, and at 0.04% its block rate under 0.2%, the issue's goals. With the
    recall each choice gives on the harmful TRAIN-split texts.

    **window_block** (one window of a long text alone, ``classifier.window/<class>``) = the lowest threshold that
    no clean TRAIN-split text longer than one window (:data:`MAX_SIZE` characters) reaches with its best window,
    but at least ``block``. A record's ``z`` is its best window's, so this is read off the same rows.

    ``per_source`` holds every real clean source of at least :data:`PER_SOURCE_MIN` texts to the budget on its
    own (the highest of their thresholds): stricter than the pooled rule wherever one genre's clean texts sit
    higher than the rest, and reported beside it, not shipped."""
    return _rule(*_scored_train(records, folds), per_source=per_source)


def _scored_train(records: cf.Records, folds: Sequence[fl.Fold]) -> tuple[cf.Records, np.ndarray, np.ndarray]:
    """The rule's inputs: the TRAIN-split out-of-source rows, their calibrated scores, and the real clean mask."""
    rows = cf.calibration_rows(records, folds)
    rows = rows.where(~np.char.startswith(rows.source, "inserted:"))
    scores = calibrated(rows, cf.fit_calibration(records, folds))
    return rows, scores, (rows.gold == "none") & ~np.isin(rows.source, WRITTEN_SOURCES)


def _rule(rows: cf.Records, scores: np.ndarray, clean: np.ndarray, *, per_source: bool) -> dict:
    groups = _clean_groups(rows.source, clean) if per_source else [clean]
    out: dict = {"review": {}, "block": {}, "window_block": {}, "recall_at_review": {}, "recall_at_block": {}}
    long_clean = clean & (rows.length > MAX_SIZE)
    for j, c in enumerate(cf.HARM):
        review = max([REVIEW_FLOOR] + [_lowest(scores[g, j], REVIEW_BUDGET) for g in groups])
        block = max([review, BLOCK_FLOOR] + [_lowest(scores[g, j], BLOCK_BUDGET) for g in groups])
        pos = rows.gold == c
        out["review"][c], out["block"][c] = review, block
        out["window_block"][c] = max(block, _lowest(scores[long_clean, j], 0.0)) if long_clean.any() else block
        out["recall_at_review"][c] = round(float((scores[pos, j] >= review).mean()), 4) if pos.any() else None
        out["recall_at_block"][c] = round(float((scores[pos, j] >= block).mean()), 4) if pos.any() else None
    return out


PER_SOURCE_MIN = 1000  # a clean source this large holds the per-source rule's budget on its own


def _clean_groups(sources: np.ndarray, clean: np.ndarray) -> list[np.ndarray]:
    """One mask per real clean source with at least :data:`PER_SOURCE_MIN` clean texts."""
    names, counts = np.unique(sources[clean], return_counts=True)
    return [clean & (sources == n) for n, k in zip(names, counts, strict=True) if k >= PER_SOURCE_MIN]


def classifier_alone(records: cf.Records, folds: Sequence[fl.Fold], thresholds: dict) -> dict:
    """The classifier by itself on every DEV record (its fold's model, calibrated without that fold): per source,
    the share of clean texts reaching any review / block threshold, and per harm class the share of its texts
    reaching that class's review threshold."""
    review = np.array([thresholds["review"][c] for c in cf.HARM])
    block = np.array([thresholds["block"][c] for c in cf.HARM])
    out = {}
    for fold in folds:
        leave = fold.name if fold.is_source_fold else None
        rows = records.where((records.fold == fold.name) & (records.split == "dev"))
        if not len(rows.z):
            continue
        scores = calibrated(rows, cf.fit_calibration(records, folds, leave_out=leave))
        for name in np.unique(rows.source):
            key = "chineseharm_heldout" if fold.name == fl.CHINESEHARM else str(name)
            m = rows.source == name
            entry = out.setdefault(key, {})
            clean = m & (rows.gold == "none")
            if clean.any():
                entry["clean"] = {"items": int(clean.sum()),
                                  "not_pass": round(float((scores[clean] >= review).any(axis=1).mean()), 4),
                                  "block": round(float((scores[clean] >= block).any(axis=1).mean()), 4)}
            for j, c in enumerate(cf.HARM):
                pos = m & (rows.gold == c)
                if pos.any():
                    entry[c] = {"items": int(pos.sum()), "recall": round(float((scores[pos, j] >= review[j]).mean()), 4)}
    return out


# --- markdown tables for docs/evaluation.md -----------------------------------------------------------------------


def _pct(v: float) -> str:
    return f"{100 * v:.2f}%"


def genre_table(result: dict) -> list[str]:
    lines = ["| source (held out) | genre | DEV texts | not `pass` | `block` | lone term reviewed, not blocked |",
             "|---|---|---|---|---|---|"]
    for name, r in result["benign_genres"].items():
        lines.append(f"| {name} | {r['genre']} | {r['items']:,} | {_pct(r['not_pass'])} ({r['not_pass_count']}) | "
                     f"{_pct(r['block'])} ({r['block_count']}) | {r['term_in_context_reviewed']} |")
    return lines


def recall_table(result: dict) -> list[str]:
    lines = ["| source | class | DEV texts | flagged (not `pass`) | flagged as that class | blocked |",
             "|---|---|---|---|---|---|"]
    for name, classes in result["recall"].items():
        for c, r in classes.items():
            lines.append(f"| {name} | {c} | {r['items']:,} | {_pct(r['flagged'])} | {_pct(r['flagged_as_label'])} | "
                         f"{_pct(r['blocked'])} |")
    for name, r in result["inserted_harm_found"].items():
        lines.append(f"| {name} | (one ChineseHarm text inside) | {r['items']:,} | {_pct(r['flagged'])} | "
                     f"{_pct(r['flagged_as_label'])} | {_pct(r['blocked'])} |")
    return lines


def class_table(report: dict) -> list[str]:
    lines = ["| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for c, r in report["per_class"].items():
        if r["support"] or r["predicted"]:
            lines.append(f"| {c} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['support']:,} |")
    lines.append(f"| **macro-F1** | | | **{report['macro_f1']:.3f}** | {report['total']:,} |")
    return lines


def to_markdown(result: dict) -> str:
    cal = result["calibration"]
    edges = ["≤ " + str(e) for e in cal["edges"]] + [f"> {cal['edges'][-1]}"]
    parts = ["### Benign genres through the pipeline", *genre_table(result), "",
             "### Recall through the pipeline", *recall_table(result), "",
             "### Six-class view (telecom fraud)", *class_table(result["six_class_telecom_fraud"]), "",
             "### Six-class view (all held-out fraud)", *class_table(result["six_class_all_fraud"]), "",
             "### ChineseHarm DEV, in-pool folds", *class_table(result["chineseharm_in_pool"]), "",
             "### ChineseHarm DEV, ChineseHarm held out whole", *class_table(result["chineseharm_held_out_whole"]), "",
             "### Calibration", "| length | " + " | ".join(edges) + " |", "|---" * (len(edges) + 1) + "|",
             "| slope | " + " | ".join(f"{v:.3f}" for v in cal["slope"]) + " |",
             "| intercept | " + " | ".join(f"{v:.3f}" for v in cal["intercept"]) + " |", "",
             "### Thresholds", "| | " + " | ".join(cf.HARM) + " |", "|---" * (len(cf.HARM) + 1) + "|"]
    t = result["thresholds_rule"]
    for key in ("review", "block", "window_block", "recall_at_review", "recall_at_block"):
        parts.append(f"| {key} | " + " | ".join(str(t[key][c]) for c in cf.HARM) + " |")
    t = result.get("thresholds_rule_per_source")
    for key in ("review", "block", "recall_at_review", "recall_at_block") if t else ():
        parts.append(f"| {key}, per source | " + " | ".join(str(t[key][c]) for c in cf.HARM) + " |")
    return "\n".join(parts)


if __name__ == "__main__":
    main()
