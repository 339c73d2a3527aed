"""Text screening through the library: ``Screener.screen`` on seeded ~2 KB articles, one process, one core."""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict

from bench.corpus import articles, describe, percentile

ITEMS = 3000
WARMUP = 100
TIME_BUDGET_S = 40.0


def pin_to_one_core() -> str:
    """Pin this process to one CPU, so the figures are per core."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this platform)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


# (name, detectors): the default pipeline, and the text detectors the screening service started with
DETECTOR_SETS = (("default", None), ("lexicon_contacts", ["lexicon", "contacts"]))


def run() -> dict:
    pinned = pin_to_one_core()
    texts = articles(ITEMS + WARMUP)
    out = {
        "method": f"Screener.from_settings(screening).screen(ContentItem(id, text)) per item; {pinned}; "
        f"{WARMUP} warm-up items not timed; items_per_cpu_s counts this process's CPU time only",
        "data": describe(texts[WARMUP:]),
    }
    for name, detectors in DETECTOR_SETS:
        out[name] = _run_set(texts, detectors)
    out["batch_lines"] = _batch_lines(texts)
    return out


def _batch_lines(texts: list[str]) -> dict:
    """The ``qinglang screen`` path: ``screen_lines`` over JSONL input lines (parse, screen, render the contract,
    serialise), the default pipeline, the heap frozen after load as the command does."""
    import json

    from qinglang.config import Settings
    from qinglang.pipeline import Screener
    from qinglang.pipeline.batch import screen_lines
    from qinglang.pipeline.screener import freeze_loaded_heap

    screener = Screener.from_settings(Settings().screening)
    screener.load()
    freeze_loaded_heap()
    lines = [json.dumps({"id": f"line-{i}", "text": t}, ensure_ascii=False).encode() + b"\n"
             for i, t in enumerate(texts)]
    for _ in screen_lines(screener, lines[:WARMUP]):
        pass
    cpu, begin = time.process_time(), time.perf_counter()
    done = 0
    for _ in screen_lines(screener, lines[WARMUP:]):
        done += 1
        if time.perf_counter() - begin > TIME_BUDGET_S:
            break
    total, cpu = time.perf_counter() - begin, time.process_time() - cpu
    return {"method": "pipeline.batch.screen_lines (the `qinglang screen` loop, one process)", "items": done,
            "items_per_s": round(done / total, 1), "items_per_cpu_s": round(done / cpu, 1)}


def _run_set(texts: list[str], detectors: list[str] | None) -> dict:
    from qinglang.config import Settings
    from qinglang.domain import ContentItem
    from qinglang.pipeline import Screener
    from qinglang.pipeline.screener import freeze_loaded_heap

    screening = Settings().screening
    if detectors is not None:
        screening = screening.model_copy(update={"detectors": detectors})
    started = time.perf_counter()
    screener = Screener.from_settings(screening)
    failures = screener.load()
    load_s = time.perf_counter() - started
    freeze_loaded_heap()  # as `qinglang screen`, its workers and the API processes do after loading
    for i, text in enumerate(texts[:WARMUP]):
        screener.screen(ContentItem(id=f"warm-{i}", text=text))
    return {
        "detectors": list(screening.detectors),
        "load_s": round(load_s, 3),
        "load_failures": failures,
        **_timed_screening(screener, texts[WARMUP:], ContentItem),
    }


def _timed_screening(screener, texts: list[str], content_item) -> dict:
    latencies: list[float] = []
    verdicts: Counter[str] = Counter()
    detector_ms: dict[str, float] = defaultdict(float)
    failed: Counter[str] = Counter()
    clock = time.perf_counter
    cpu_begin = time.process_time()
    begin = clock()
    for i, text in enumerate(texts):
        item = content_item(id=f"bench-{i}", text=text)
        start = clock()
        decision = screener.screen(item).decision
        latencies.append(clock() - start)
        verdicts[decision.verdict.value] += 1
        for outcome in decision.outcomes:
            detector_ms[outcome.detector] += outcome.elapsed_ms
            if outcome.status == "failed":
                failed[outcome.detector] += 1
        if clock() - begin > TIME_BUDGET_S:
            break
    total = clock() - begin
    cpu = time.process_time() - cpu_begin
    done = len(latencies)
    latencies.sort()
    return {
        "items": done,
        "items_per_s": round(done / total, 1),
        "items_per_cpu_s": round(done / cpu, 1),  # less sensitive to other processes on a busy machine
        "p50_ms": round(percentile(latencies, 50) * 1000, 3),
        "p99_ms": round(percentile(latencies, 99) * 1000, 3),
        "mean_ms_by_detector": {name: round(ms / done, 3) for name, ms in sorted(detector_ms.items())},
        "verdicts": dict(verdicts),
        "failed_outcomes": dict(failed),
    }
