"""Every classifier figure in docs/evaluation.md, from one command:

    python -m qinglang.evaluation.classifier_report --data-dir ../shared/data [--model DIR]

DEV split only (``is_dev``), never trained on. Prints JSON: the DEV report over all sources, the report over the
short-text sources (ChineseHarm + project-written + COLD) and over the real ones alone (ChineseHarm + COLD),
per-source accuracy, per-class thresholds chosen on the
short-text DEV view, and the share of clean paragraphs (cmrc2018, classical novels) in each band.
"""

from __future__ import annotations

import argparse
import json

from qinglang.evaluation.classifier import band_rates, evaluate_model, max_harm_scores, pick_threshold, precision_at
from qinglang.evaluation.datasets import CATEGORIES

SHORT_SOURCES = ("chineseharm", "synthetic", "cold")
REAL_SOURCES = ("chineseharm", "cold")  # real platform texts: nothing written for the project
HARM = [c for c in CATEGORIES if c != "none"]


def band_quality(model, examples, thresholds: dict) -> dict:
    """Per class, (precision, recall) of ``score >= review`` and of ``score >= block`` on ``examples``."""
    from qinglang.detectors.classifier.scoring import score_texts

    scored = score_texts(model, [t for t, _ in examples])
    out = {}
    for c in HARM:
        scores, positive = [s.scores[c] for s in scored], [y == c for _, y in examples]
        out[c] = {
            band: [round(v, 3) for v in precision_at(scores, positive, thresholds[band][c])]
            for band in ("review", "block")
        }
    return out


def choose_thresholds(model, examples, review_precision: float = 0.8, block_precision: float = 0.95) -> dict:
    from qinglang.detectors.classifier.scoring import score_texts

    scored = score_texts(model, [t for t, _ in examples])
    review, block = {}, {}
    for c in HARM:
        scores = [s.scores[c] for s in scored]
        positive = [y == c for _, y in examples]
        review[c] = pick_threshold(scores, positive, review_precision)
        block[c] = max(review[c], pick_threshold(scores, positive, block_precision))
    return {"review": review, "block": block}


def recommend(chosen: dict, min_review: float = 0.35, min_block: float = 0.75, abuse_block: float = 0.9) -> dict:
    """The policy recommendation: DEV-chosen values, floored because real traffic has far more ``none``."""
    review = {c: max(v, min_review) for c, v in chosen["review"].items()}
    block = {c: max(v, min_block, review[c]) for c, v in chosen["block"].items()}
    block["abuse"] = max(block["abuse"], abuse_block)
    return {"review": review, "block": block}


def clean_rates(model, corpus, thresholds: dict) -> dict:
    out = {}
    for name in ("cmrc2018", "novels"):
        texts = corpus[name]
        out[name] = band_rates(max_harm_scores(model, texts), thresholds["review"], thresholds["block"])
    return out


def report(data_dir: str, model_dir: str | None = None) -> dict:
    from qinglang.detectors.classifier.linear import load_model
    from qinglang.evaluation import datasets as ds
    from qinglang.evaluation.sources import SOURCES, load_sources
    from qinglang.training.data import build_corpus

    model = load_model(model_dir)
    raw = load_sources(data_dir, tuple(s.name for s in SOURCES if s.trainable))
    dev = build_corpus(data_dir, dev=True, raw=raw)
    scored = dev.scored()  # project-written porn is left out of every view: porn is measured on real texts only
    short = [ex for name in SHORT_SOURCES for ex in scored[name]]
    thresholds = choose_thresholds(model, short)
    paragraphs = {name: [t for t, _ in ds.split_examples(raw[name], dev=True)] for name in ("cmrc2018", "novels")}
    return {
        "dev_all": evaluate_model(model, [ex for rows in scored.values() for ex in rows]).to_dict(),
        "dev_short_text": evaluate_model(model, short).to_dict(),
        "dev_real_short_text": evaluate_model(model, [ex for n in REAL_SOURCES for ex in dev.sources[n]]).to_dict(),
        "dev_by_source": {n: evaluate_model(model, rows).accuracy for n, rows in scored.items() if rows},
        "thresholds": thresholds,
        "recommended": recommend(thresholds),
        "recommended_band_precision_recall_dev_short": band_quality(model, short, recommend(thresholds)),
        "clean_paragraphs_dev": clean_rates(model, paragraphs, thresholds),
        "clean_paragraphs_dev_recommended": clean_rates(model, paragraphs, recommend(thresholds)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    print(json.dumps(report(args.data_dir, args.model), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
