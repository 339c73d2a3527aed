"""Rescreens on SQLite: stored contents replayed through a candidate policy (stored signals only) and through a
candidate lexicon term (the lexicon re-run on every text), with the memory a run adds.

Data: ``STORED`` clean articles of three paragraphs of :mod:`bench.corpus` (cmrc2018 contexts and the classical
novels, no injected hits, ~660 characters) bulk-inserted as content versions with one passing automatic decision and one contact signal each, a
fifth of them with an invented term the candidate adds; ``REVIEWED`` of them with a case closed by a person.
Method: one rescreen per candidate, timed by wall and process CPU time; then the same again under ``tracemalloc``
for the peak of Python allocations (pages of ``PAGE`` rows keep it flat).
"""

from __future__ import annotations

import random
import tempfile
import time
import tracemalloc
from pathlib import Path

STORED, REVIEWED, PAGE = 20_000, 2_000, 500
TERM = "青狼秘笈戊"


def _seed(factory) -> None:
    from bench.corpus import paragraphs
    from qinglang.storage.base import utcnow
    from qinglang.storage.db import transaction
    from qinglang.storage.tables.core import ContentVersionRow, DecisionRow, SignalRow
    from qinglang.storage.tables.review import Case

    rng = random.Random(11)
    pool = paragraphs()
    texts = ["\n".join(rng.choice(pool)[:220] for _ in range(3)) for _ in range(2_000)]  # clean, no injected hits
    now = utcnow()
    rows, decisions, signals, cases = [], [], [], []
    for i in range(STORED):
        text = texts[i % len(texts)] + (f"，{TERM}。" if i % 5 == 0 else "")
        rows.append({"pk": i + 1, "content_id": f"c{i}", "version": "1", "kind": "article", "title": "",
                     "body_text": text, "body_html": "", "images": [], "links": [], "content_hash": f"h{i}",
                     "received_at": now})
        decisions.append({"content_version_id": i + 1, "verdict": "pass", "category": "none", "labels": [],
                          "scores": {}, "rules": [], "policy_id": "qinglang-default", "policy_version": "3",
                          "decided_by": "policy", "is_current": True, "created_at": now})
        signals.append({"content_version_id": i + 1, "detector": "contacts", "detector_version": "1.0",
                        "label": "drainage/lure", "score": 0.3, "severity": 1, "evidence": [], "attrs": {}})
    for i in rng.sample(range(STORED), REVIEWED):
        cases.append({"target_kind": "content", "target_id": f"c{i}", "source": "report", "queue": "porn",
                      "severity": 2, "status": "closed", "sla_due_at": now, "created_at": now, "updated_at": now,
                      "outcome": "violation" if i % 5 == 0 or rng.random() < 0.1 else "no_violation",
                      "closed_at": now})
    with transaction(factory) as s:
        s.execute(ContentVersionRow.__table__.insert(), rows)
        s.execute(DecisionRow.__table__.insert(), decisions)
        s.execute(SignalRow.__table__.insert(), signals)
        s.execute(Case.__table__.insert(), cases)


def _timed(fn) -> dict:
    cpu, wall = time.process_time(), time.perf_counter()
    tally = fn()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    tracemalloc.start()  # a second run for the memory: tracemalloc slows the timed one
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"contents": tally.scanned, "changed": tally.changed, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "contents_per_s": round(tally.scanned / wall), "peak_python_mib": round(peak / 2**20, 1),
            "candidate_precision": tally.candidate.precision, "candidate_recall": tally.candidate.recall}


def run() -> dict:
    from qinglang.config import ScreeningSettings
    from qinglang.services import rescreen
    from qinglang.storage.db import make_engine, make_session_factory
    from qinglang.storage.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        factory = make_session_factory(engine)
        _seed(factory)
        screening = ScreeningSettings(detectors=["lexicon", "contacts"])
        terms = Path(folder) / "terms.tsv"
        terms.write_text(f"term\tcategory\tsublabel\tseverity\tsource\n{TERM}\tporn\texplicit\t3\tbench\n", "utf-8")
        policy_only = rescreen.Candidate(rescreen.live_policy(screening), (), "the live policy")
        lexicon = rescreen.build_candidate(screening, extra_terms=terms)
        figures = {"policy_only": _timed(lambda: rescreen.rescreen(factory, policy_only, page_size=PAGE)),
                   "extra_term": _timed(lambda: rescreen.rescreen(factory, lexicon, page_size=PAGE))}
        engine.dispose()
    return {"data": f"{STORED} stored clean ~660-character articles (bench.corpus paragraphs), {REVIEWED} closed cases, SQLite", **figures}
