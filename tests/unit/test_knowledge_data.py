"""data/knowledge: every JSONL line has the documented schema, labels and ids, and the files are what the
generator builds from data/knowledge/written and data/knowledge/frames (so nobody edits a JSONL by hand)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from qinglang.evaluation.datasets import CATEGORIES, load_labelled

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "data" / "knowledge"
FILES = sorted(KNOWLEDGE.glob("*.jsonl"))
FIELDS = {"id", "text", "label", "subtype", "kind", "register", "origin"}
ID = re.compile(r"^kn-(porn|illicit_ad|gambling|fraud|abuse|none)-([a-z][a-z0-9_]*)-(\d{5})$")


def _generator():
    spec = importlib.util.spec_from_file_location("write_knowledge_data", ROOT / "scripts" / "write_knowledge_data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_there_are_files_for_a_violation_category_and_for_none():
    names = {p.stem for p in FILES}
    assert "none" in names and names - {"none"}, names
    assert names <= set(CATEGORIES), names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_line_has_the_schema(path: Path):
    rows = _rows(path)
    assert rows
    for row in rows:
        assert set(row) == FIELDS, row
        assert all(isinstance(row[f], str) and row[f] for f in FIELDS), row
        match = ID.match(row["id"])
        assert match, row["id"]
        assert match.group(1) == row["label"] == path.stem
        assert match.group(2) == row["subtype"]
        assert row["origin"] in {"written", "generated"}
        assert row["kind"] in {"positive", "hard_negative"}
        assert (row["kind"] == "hard_negative") == (row["label"] == "none"), row
        assert 1 <= len(row["text"]) <= 400 and row["text"] == row["text"].strip(), row
        assert not re.search(r"\{[^{}]*\}", row["text"]), f"unexpanded slot in {row}"


def test_ids_are_unique_and_numbered_per_subtype():
    seen: Counter[str] = Counter()
    for path in FILES:
        numbers: Counter[str] = Counter()
        for row in _rows(path):
            seen[row["id"]] += 1
            numbers[row["subtype"]] += 1
            assert row["id"].endswith(f"-{numbers[row['subtype']]:05d}")
    assert max(seen.values()) == 1


def test_no_text_twice_and_none_under_two_labels():
    gen = _generator()
    owner: dict[str, str] = {}
    for path in FILES:
        for row in _rows(path):
            key = gen.exact_key(row["text"])
            assert key not in owner, f"{row['id']} repeats a text of label {owner.get(key)}"
            owner[key] = row["label"]


def test_every_violation_subtype_has_hundreds_of_positives_and_a_mirror_of_hard_negatives():
    negatives = Counter(r["subtype"] for r in _rows(KNOWLEDGE / "none.jsonl"))
    for path in FILES:
        if path.stem == "none":
            continue
        positives = Counter(r["subtype"] for r in _rows(path))
        for subtype, n in positives.items():
            assert n >= 400, (path.stem, subtype, n)
            assert negatives[subtype] >= 300, (path.stem, subtype, negatives[subtype])


def test_the_files_load_with_qinglangs_own_dataset_loader():
    for path in FILES:
        labels = {label for _, label in load_labelled(path)}
        assert labels == {path.stem}


def test_the_files_are_exactly_what_the_generator_builds():
    gen = _generator()
    files, _ = gen.build()
    built = gen.records(files)
    for path in FILES:
        assert _rows(path) == built[path.stem], f"{path.name} is stale: run scripts/write_knowledge_data.py"
    assert {label for label, rows in built.items() if rows} == {p.stem for p in FILES}


def test_frames_expand_slots_alternatives_and_builtins_deterministically():
    gen = _generator()
    import random

    slots = {"x": ["甲", "乙{y}"], "y": ["丙"]}
    first = [gen.Expander(slots, random.Random("t")).expand("{x}{a|b}{@num:5-5}{x?}") for _ in range(3)]
    second = [gen.Expander(slots, random.Random("t")).expand("{x}{a|b}{@num:5-5}{x?}") for _ in range(3)]
    assert first == second
    assert all(re.fullmatch(r"(甲|乙丙)[ab]5(甲|乙丙)?", s) for s in first), first
    with pytest.raises(SystemExit):
        gen.Expander(slots, random.Random("t")).expand("{missing}")


def test_near_duplicates_are_refused():
    gen = _generator()
    dedupe = gen.Deduper()
    assert dedupe.add("在家用手机就能做的兼职，每天两小时，日入五百到一千五")
    assert not dedupe.add("在家用手机就能做的兼职，每天两小时，日入五百到一千五！！")  # exact after normalising
    assert not dedupe.add("在家用手机就能做的兼职，每天两小时，日入五百到一千六")  # near-exact
    assert dedupe.add("周末带孩子去公园放风筝")
