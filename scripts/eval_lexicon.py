"""Evaluate the lexicon and contacts detectors on the shared DEV split and measure their throughput.

    .venv/bin/python scripts/eval_lexicon.py [--data ../shared/data] [--json]

DEV split: a text is DEV iff int(sha256(text).hexdigest(), 16) % 5 == 0 (qinglang.evaluation.datasets.is_dev).
Labelled positives: ChineseHarm extra_not_in_bench.json DEV texts. Clean negatives: DEV texts of the cmrc2018 trial
contexts, the classical-novel paragraphs and COLD label-0 comments. A text is predicted as category C when any
signal maps to C (lexicon label top part; contacts drainage/* -> illicit_ad). Precision is computed over the pooled
DEV set (harm + clean); "strict" ignores contacts lure-only and severity-1 lexicon signals.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.contacts.detector import ContactsDetector
from qinglang.detectors.lexicon.detector import LexiconDetector
from qinglang.domain import ContentItem
from qinglang.evaluation.datasets import is_dev, load_chineseharm, load_cmrc_contexts, load_cold, load_novels
from qinglang.text.normalize import normalize, normalize_text

CATEGORIES = ("porn", "illicit_ad", "gambling", "fraud", "abuse")


def clean_sets(data: Path) -> dict[str, list[str]]:
    return {
        "cmrc2018_trial": [t for t, _ in load_cmrc_contexts(data / "cmrc2018_contexts/cmrc2018_trial.json")],
        "classical_novels": [t for t, _ in load_novels(data / "classical_novels_pd")],
        "cold_label0": [t for name in ("train.csv", "dev.csv") for t, _ in load_cold(data / "coldataset" / name)],
    }


def dev_sets(data: Path) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    harm = [(t, c) for t, c in load_chineseharm(data / "chineseharm_bench/extra_not_in_bench.json") if is_dev(t)]
    return harm, {k: [t for t in v if is_dev(t)] for k, v in clean_sets(data).items()}


def clean_all_splits(data: Path, detectors: list) -> dict:
    """Clean texts of BOTH splits (TRAIN was used for curation, so this flatters; DEV figures are the honest ones)."""
    out = {}
    for name, texts in clean_sets(data).items():
        flagged = sum(1 for t in texts if predict(detectors, t, strict=False))
        out[name] = {"texts": len(texts), "with_signal": flagged}
    return out


def predict(detectors: list, text: str, strict: bool) -> set[str]:
    content = PreparedContent(ContentItem(id="x", text=text), {"text": text})
    cats = set()
    for d in detectors:
        for s in d.detect(content):
            if strict and (s.label == "drainage/lure" or s.severity < 2):
                continue
            top = s.label.split("/", 1)[0]
            cats.add("illicit_ad" if top == "drainage" else top)
    return cats


def scores(harm, clean, detectors, strict: bool) -> dict:
    tp, fp, pos = Counter(), Counter(), Counter(c for _, c in harm)
    for text, truth in harm:
        for cat in predict(detectors, text, strict):
            (tp if cat == truth else fp)[cat] += 1
    clean_flagged = {}
    for name, texts in clean.items():
        flagged = [predict(detectors, t, strict) for t in texts]
        clean_flagged[name] = {"texts": len(texts), "with_signal": sum(1 for f in flagged if f)}
        for f in flagged:
            fp.update(f)
    per_cat = {c: _pr(tp[c], fp[c], pos[c]) for c in CATEGORIES}
    return {"per_category": per_cat, "clean": clean_flagged}


def _pr(tp: int, fp: int, pos: int) -> dict:
    return {"positives": pos, "tp": tp, "fp": fp, "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / pos, 3) if pos else None}


def articles(harm, clean) -> list[str]:
    """~2 KB articles: Wikipedia text with one labelled harmful sentence appended."""
    wiki = "".join(clean["cmrc2018_trial"] + clean["classical_novels"][:400])
    out = []
    for i, (text, _) in enumerate(harm):
        start = (i * 640) % max(1, len(wiki) - 640)
        out.append(wiki[start:start + 640] + text[:60])
    return out


def _rate(fn, items: list[str], repeat: int = 3) -> float:
    size = sum(len(t.encode("utf-8")) for t in items) * repeat
    t0 = time.process_time()  # CPU seconds of this process: a per-core figure even on a busy machine
    for _ in range(repeat):
        for t in items:
            fn(t)
    return round(size / (time.process_time() - t0) / 1e6, 1)


def throughput(items: list[str]) -> dict:
    lexicon, contacts = LexiconDetector(), ContactsDetector()
    lexicon.load()
    normalize_text("warm up")

    def run(detector):
        def one(text):
            detector.detect(PreparedContent(ContentItem(id="x", text=text), {"text": text}))
        return one

    normalised = [normalize_text(t) for t in items]
    matcher = lexicon._matcher
    return {
        "articles": len(items),
        "unit": "MB of UTF-8 per CPU-second (time.process_time)",
        "mean_article_bytes": round(sum(len(t.encode()) for t in items) / len(items)),
        "normalize_text_MBps": _rate(normalize_text, items),
        "normalize_with_offsets_MBps": _rate(normalize, items),
        "lexicon_match_on_normalised_MBps": _rate(matcher.find, normalised),
        "lexicon_detect_MBps": _rate(run(lexicon), items),
        "contacts_detect_MBps": _rate(run(contacts), items),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    args = parser.parse_args(argv)
    harm, clean = dev_sets(args.data)
    lexicon, contacts = LexiconDetector(), ContactsDetector()
    lexicon.load()
    report = {
        "dev_harm_texts": dict(Counter(c for _, c in harm)),
        "lexicon+contacts": scores(harm, clean, [lexicon, contacts], strict=False),
        "lexicon+contacts_strict": scores(harm, clean, [lexicon, contacts], strict=True),
        "lexicon_only": scores(harm, clean, [lexicon], strict=False),
        "contacts_only": scores(harm, clean, [contacts], strict=False),
        "clean_all_splits": clean_all_splits(args.data, [lexicon, contacts]),
        "throughput": throughput(articles(harm, clean)),
    }
    print(json.dumps(report, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
