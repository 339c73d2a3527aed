"""Grading and qualification through the library, one core: ``assess_quality`` on seeded ~2 KB articles with
their real contacts/lexicon/links signals (screened once, outside the timing), ``compute_credit`` and
``explain_credit`` on seeded account records, ``assess_qualification`` on seeded licence sets."""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta

from bench.corpus import SEED, articles, describe, percentile
from bench.text import pin_to_one_core

ITEMS = 1000
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _timed(calls) -> dict:
    latencies = []
    for call in calls:
        start = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - start)
    latencies.sort()
    return {"calls": len(latencies), "per_s": round(len(latencies) / sum(latencies), 1),
            "p50_us": round(percentile(latencies, 50) * 1e6, 1), "p99_us": round(percentile(latencies, 99) * 1e6, 1)}


def _quality(texts: list[str]) -> dict:
    from qinglang.detectors.contacts.detector import ContactsDetector
    from qinglang.detectors.lexicon.detector import LexiconDetector
    from qinglang.detectors.links.detector import LinksDetector
    from qinglang.domain import ContentItem
    from qinglang.grading.quality import assess_quality
    from qinglang.pipeline.prepare import prepare

    detectors = [ContactsDetector(), LexiconDetector(), LinksDetector()]
    items = [ContentItem(id=f"b{i}", title=t[:24], text=t) for i, t in enumerate(texts)]
    screened = [(item, [s for d in detectors for s in d.detect(prepare(item))]) for item in items]
    return _timed(lambda item=item, signals=signals: assess_quality(item, signals, originality=0.9)
                  for item, signals in screened)


def _credit(rng: random.Random) -> dict:
    from qinglang.grading.credit import AccountRecord, Violation, compute_credit
    from qinglang.grading.explain import explain_credit

    records = [AccountRecord(f"a{i}", NOW - timedelta(days=rng.randint(0, 2000)), rng.randint(0, 10**6),
                             tuple(Violation(rng.randint(1, 3), NOW - timedelta(days=rng.randint(0, 900)))
                                   for _ in range(rng.randint(0, 6))), rng.randint(0, 5), rng.randint(0, 5),
                             rng.randint(0, 2), rng.random() < 0.5, None,
                             tuple(rng.uniform(20, 95) for _ in range(rng.randint(0, 20)))) for i in range(ITEMS)]
    return {"compute_credit": _timed(lambda r=r: compute_credit(r, NOW) for r in records),
            "compute_and_explain": _timed(lambda r=r: explain_credit(compute_credit(r, NOW)) for r in records)}


def _qualification(rng: random.Random) -> dict:
    from qinglang.qualification import (
        Actor,
        ActorKind,
        HeldLicence,
        LicenceStatus,
        VerificationState,
        assess_qualification,
        default_catalogue,
    )

    catalogue, op = default_catalogue(), Actor(ActorKind.OPERATOR, "op")
    kinds = list(catalogue.licence_kinds)
    sets = [[HeldLicence(f"l{j}", rng.choice(kinds), VerificationState(rng.choice(list(LicenceStatus)), op, NOW,
                         None, date(2025, 1, 1) + timedelta(days=rng.randint(0, 900)))) for j in range(rng.randint(0, 4))]
            for _ in range(ITEMS)]
    return _timed(lambda s=s: assess_qualification(catalogue, "serialized_fiction", "enterprise", s, NOW)
                  for s in sets)


def run() -> dict:
    pinned = pin_to_one_core()
    texts = articles(ITEMS)
    rng = random.Random(SEED)
    return {
        "method": f"each function called once per seeded input, timed with perf_counter; {pinned}",
        "data": describe(texts),
        "assess_quality": _quality(texts),
        **_credit(rng),
        "assess_qualification": _qualification(rng),
    }
