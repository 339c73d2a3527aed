"""Evaluate the whole screening pipeline through `qinglang screen` on the DEV split.

For each detector set it writes the DEV items as batch-contract JSONL, runs `qinglang screen` on them (the
same command a platform would run), and scores the output: an item counts as flagged in its `category`
when its verdict is not `pass`, else as `none`. Clean long-form text (cmrc2018 and classical-novel
paragraphs, DEV half only) is reported as the share of paragraphs that get `block` and anything but `pass`.

    .venv/bin/python scripts/eval_screening.py --data-dir ../shared/data [--detectors lexicon,contacts] [--json]

DEV = `qinglang.evaluation.datasets.is_dev` (sha256 of the text mod 5 == 0); nothing here is tuned.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from qinglang.evaluation import datasets as ds
from qinglang.evaluation.metrics import evaluate, format_report

ROOT = Path(__file__).resolve().parent.parent
QINGLANG = [sys.executable, "-m", "qinglang.cli.main"]


def real_short_text_dev(data: Path) -> list[tuple[str, str]]:
    """ChineseHarm DEV + COLD safe DEV: real platform texts only, nothing written for the project."""
    rows = list(ds.load_chineseharm(data / "chineseharm_bench" / "extra_not_in_bench.json"))
    rows += ds.load_cold(data / "coldataset" / "dev.csv")
    rows += ds.load_cold(data / "coldataset" / "train.csv")
    return ds.split_examples(rows, dev=True)


def written_short_text_dev() -> list[tuple[str, str]]:
    """The project-written fraud/none DEV items. The real view plus these is the six-class short-text view; the
    project-written porn examples (data/synthetic/porn.jsonl) are left out so porn is measured on real text."""
    rows = []
    for name in ("fraud.jsonl", "none.jsonl"):
        rows += ds.load_labelled(ROOT / "data" / "synthetic" / name)
    return ds.split_examples(rows, dev=True)


def clean_paragraphs_dev(data: Path) -> dict[str, list[str]]:
    cmrc = ds.load_cmrc_contexts(data / "cmrc2018_contexts" / "cmrc2018_trial.json")
    novels = ds.load_novels(data / "classical_novels_pd" / "edition_a_tennessine")
    return {
        "cmrc2018": [t for t, _ in ds.split_examples(cmrc, dev=True)],
        "novels": [t for t, _ in ds.split_examples(novels, dev=True)],
    }


def screen(texts: list[str], detectors: str | None, workdir: Path) -> list[dict]:
    src, out = workdir / "in.jsonl", workdir / "out.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n")
    command = [*QINGLANG, "screen", "--input", str(src), "--output", str(out), "--workers", "2"]
    if detectors:
        command += ["--detectors", detectors]
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def predicted(line: dict) -> str:
    if "error" in line:
        raise SystemExit(f"screen failed on item {line['id']}: {line['error']}")
    return "none" if line["verdict"] == "pass" else line["category"]


def run(data: Path, detectors: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        real = real_short_text_dev(data)
        rows = real + written_short_text_dev()
        out = screen([t for t, _ in rows], detectors, Path(tmp))
        report = evaluate([c for _, c in rows], [predicted(line) for line in out])
        real_report = evaluate([c for _, c in real], [predicted(line) for line in out[: len(real)]])
        clean = {}
        for name, texts in clean_paragraphs_dev(data).items():
            verdicts = [line["verdict"] for line in screen(texts, detectors, Path(tmp))]
            clean[name] = {
                "paragraphs": len(verdicts),
                "block_rate": round(verdicts.count("block") / len(verdicts), 4),
                "not_pass_rate": round(sum(v != "pass" for v in verdicts) / len(verdicts), 4),
            }
    return {"detectors": detectors or "default", "short_text_dev": report, "real_short_text_dev": real_report,
            "clean_dev": clean}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--detectors", default=None, help="comma-separated; default: the configured detectors")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.data_dir, args.detectors)
    if args.json:
        result["short_text_dev"] = result["short_text_dev"].to_dict()
        result["real_short_text_dev"] = result["real_short_text_dev"].to_dict()
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    print(f"detectors: {result['detectors']}\n{format_report(result['short_text_dev'])}")
    print(f"real texts only (ChineseHarm + COLD):\n{format_report(result['real_short_text_dev'])}")
    for name, rates in result["clean_dev"].items():
        print(f"clean {name}: {rates}")


if __name__ == "__main__":
    main()
