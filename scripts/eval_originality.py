"""Originality as the worker measures it, on stored chapters with planted copies (seeded), and how long it takes.

Corpus: the chapters of 水浒传 and 红楼梦 (``classical_novels_pd/edition_a_tennessine``: the TEST books of
``scripts/eval_similarity.py``, so nothing here was tuned on them), each published once by one of ``--accounts``
accounts in a seeded order. Then other accounts publish planted copies of earlier chapters (a seeded sample):

- ``edited``: the chapter with its punctuation changed or dropped and 2% of its characters substituted;
- ``excerpt``: 1,500 characters cut from it at a random offset.

Everything is stored through ``submit_content`` (no detectors: screening is not what is measured) into a fresh
SQLite file, then ``measure_pending`` runs in passes of ``--batch`` until nothing is pending. Reported: the time of
each pass (it builds the corpus index once), the originality of the originals (a chapter that shares passages with
an earlier chapter of another account scores below 1: the novels repeat their poems and formulae) and of the copies,
and whether each copy names the chapter it was made from.

Usage: python scripts/eval_originality.py [--seed N] [--copies N] [--batch N] [--accounts N] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "classical_novels_pd" / "edition_a_tennessine"
BOOKS = ("水浒传", "红楼梦")
HEADING = re.compile(r"\n\s*(?=第[一二三四五六七八九十百零〇]+回)")
PUNCT = re.compile(r"[，。！？；：、“”‘’（）《》．,.!?;:]")


def chapters(book: str) -> list[str]:
    text = (DATA / f"{book}.txt").read_text("utf-8")
    return [c.strip() for c in HEADING.split(text) if len(c.strip()) > 1500]


def edited(text: str, rng: random.Random) -> str:
    text = PUNCT.sub(lambda m: rng.choice(["", " ", "，", "。"]), text)
    chars = list(text)
    for i in rng.sample(range(len(chars)), len(chars) // 50):
        chars[i] = rng.choice("的了是在不有这人我他")
    return "".join(chars)


def excerpt(text: str, rng: random.Random) -> str:
    start = rng.randrange(0, max(1, len(text) - 1500))
    return text[start:start + 1500]


def build(db, rng: random.Random, n_accounts: int, n_copies: int) -> dict[str, tuple[str, str | None]]:
    """Publish the corpus; returns content id -> (kind, source content id)."""
    from qinglang.config import ScreeningSettings
    from qinglang.pipeline import Screener
    from qinglang.services.contents import ContentSubmission, submit_content
    from qinglang.services.screening import ScreeningService
    from qinglang.storage.db import transaction
    from qinglang.storage.tables.core import AccountRow

    accounts = [f"acc-{i}" for i in range(n_accounts)]
    with transaction(db) as s:
        s.add_all([AccountRow(id=a, name=a) for a in accounts])
    screening = ScreeningService(Screener.from_settings(ScreeningSettings(detectors=[])), db)
    originals = [(f"{book}-{i}", text) for book in BOOKS for i, text in enumerate(chapters(book))]
    rng.shuffle(originals)
    truth, owner = {}, {}

    def post(cid: str, account: str, text: str) -> None:
        submit_content(db, screening, ContentSubmission(content_id=cid, account_id=account, kind="chapter",
                                                        title=cid, text=text), actor="eval")

    for cid, text in originals:
        owner[cid] = rng.choice(accounts)
        post(cid, owner[cid], text)
        truth[cid] = ("original", None)
    for n, (cid, text) in enumerate(rng.sample(originals, n_copies)):
        kind = "edited" if n % 2 == 0 else "excerpt"
        copier = rng.choice([a for a in accounts if a != owner[cid]])
        copy_id = f"{kind}-{n}-of-{cid}"
        post(copy_id, copier, edited(text, rng) if kind == "edited" else excerpt(text, rng))
        truth[copy_id] = (kind, cid)
    return truth


def run(seed: int, n_copies: int, batch: int, n_accounts: int) -> dict:
    from sqlalchemy import select

    from qinglang.services.qualification import originality
    from qinglang.storage.db import make_engine, make_session_factory, transaction
    from qinglang.storage.migrate import upgrade
    from qinglang.storage.tables.core import ContentVersionRow
    from qinglang.storage.tables.qualification import QualityAssessmentRow

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'eval.db'}")
        upgrade(engine)
        db = make_session_factory(engine)
        started = time.perf_counter()
        truth = build(db, rng, n_accounts, n_copies)
        stored_s = time.perf_counter() - started
        passes = []
        while True:
            started = time.perf_counter()
            with transaction(db) as s:
                done = originality.measure_pending(s, limit=batch)
            if not done:
                break
            passes.append({"measured": done, "seconds": round(time.perf_counter() - started, 2)})
        with transaction(db) as s:
            rows = s.execute(select(ContentVersionRow.content_id, QualityAssessmentRow.originality,
                                    QualityAssessmentRow.duplicate_of)
                             .join(QualityAssessmentRow, QualityAssessmentRow.content_version_id
                                   == ContentVersionRow.pk)).all()
        engine.dispose()
    return {"seed": seed, "versions": len(truth), "stored_seconds": round(stored_s, 1), "passes": passes,
            **summarise(truth, {cid: (o, d) for cid, o, d in rows})}


def summarise(truth: dict, measured: dict) -> dict:
    out = {}
    for kind in ("original", "edited", "excerpt"):
        values = [measured[c][0] for c, (k, _src) in truth.items() if k == kind]
        named = sum(measured[c][1] == src for c, (k, src) in truth.items() if k == kind)
        out[kind] = {"n": len(values), "median": round(statistics.median(values), 3),
                     "below_0.5": sum(v < 0.5 for v in values), "below_0.8": sum(v < 0.8 for v in values),
                     "exactly_1": sum(v == 1.0 for v in values),
                     **({"names_its_source": named} if kind != "original" else {})}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--copies", type=int, default=60)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--accounts", type=int, default=12)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.seed, args.copies, args.batch, args.accounts)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
