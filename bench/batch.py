"""Corpus-wide work on the batch engine over a synthetic corpus of mutated copies of the shared texts.

Corpus: ``QINGLANG_BENCH_BATCH_DOCS`` documents (default 1,000,000). Document *i* is a copy of one paragraph
of ``bench/corpus.py``'s pool (cmrc2018 contexts and classical-novel lines of 40+ characters, mean ~310
characters) — paragraph ``i mod B`` of the nine tenths not held out — mutated with its own seeded generator: 0-12%
of its characters replaced, punctuation swapped or dropped, a drainage lure inserted in a third, cut to a
60-100% excerpt in a quarter. So every paragraph has ~N/B copies that are near-duplicates of each other, the
way re-posts are. Documents are generated inside the workers from their numbers: no process holds the texts.

Figures (one machine; every engine runs on its cores):

- ``index_build``: fingerprinting (normalise, shingle, window MinHashes, stored form) of all N documents on the
  local process pool, docs/s; then decoding and adding the first R stored fingerprints to one resident
  ``TextIndex`` (R = ``QINGLANG_BENCH_BATCH_RESIDENT``, default 200,000: a resident index takes ~11 KB a
  document here, so 1M would not fit this machine's memory), docs/s.
- ``query``: 1,000 queries against that resident index (half new mutations or excerpts of a paragraph with
  copies in it, half held-out paragraphs), search latency p50/p95 (fingerprinting the query excluded, given
  apart).
- ``sweep``: a sweep's near-duplicate search (``similarity.shards``, what ``services.similarity.near_duplicates``
  runs) from a seed over all N stored fingerprints on the local pool, seconds; reading the rows from the
  database is not included.
- ``ray``: fingerprinting the first S documents (``QINGLANG_BENCH_BATCH_RAY_DOCS``, default 60,000) on a local
  Ray of 2 CPUs with ``workers`` 1, 2, 1, 2 (alternated): docs/s of each round and the speed-up of the best
  2-worker round over the best 1-worker round.
"""

from __future__ import annotations

import os
import random
import resource
import time
from functools import cache, partial

import numpy as np

from bench.corpus import HIT_TEMPLATES, paragraphs

SEED = 20_261_202
QUERIES = 1000
CHUNK = 2000
SWEEP_SEEDS = 2
PUNCTUATION = "，。！？、；：“”…—"


def _size(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@cache
def pools() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(corpus paragraphs, held-out paragraphs): every tenth paragraph is held out for the "fresh" queries."""
    every = paragraphs()
    return tuple(p for n, p in enumerate(every) if n % 10), tuple(p for n, p in enumerate(every) if not n % 10)


def mutate(text: str, rng: random.Random, alphabet: str) -> str:
    chars = list(text)
    for _ in range(int(len(chars) * rng.uniform(0, 0.12))):
        chars[rng.randrange(len(chars))] = rng.choice(alphabet)
    out = "".join(chars)
    if rng.random() < 0.5:
        out = "".join(rng.choice(PUNCTUATION) if c in PUNCTUATION and rng.random() < 0.5 else c for c in out)
    if rng.random() < 0.33:
        at = rng.randrange(len(out) + 1)
        out = out[:at] + rng.choice(HIT_TEMPLATES).format(n=rng.randint(100, 9999), qq=rng.randint(10**7, 10**9),
                                                          phone=rng.randint(10**9, 10**10 - 1)) + out[at:]
    if rng.random() < 0.25 and len(out) > 40:
        keep = int(len(out) * rng.uniform(0.6, 1.0))
        start = rng.randrange(len(out) - keep + 1)
        out = out[start : start + keep]
    return out


@cache
def _alphabet() -> str:
    return "".join(sorted({c for p in pools()[0][:500] for c in p if "\u4e00" <= c <= "\u9fff"}))


def document(i: int) -> str:
    base = pools()[0]
    return mutate(base[i % len(base)], random.Random(SEED * 1_000_003 + i), _alphabet())


def fingerprint_docs(numbers: list[int]) -> list[bytes]:
    """The stored form of documents ``numbers`` (the chunk function the engines run)."""
    from qinglang.similarity import fingerprint
    from qinglang.similarity.encoding import encode

    return [encode(fingerprint(document(i))) for i in numbers]


def _fingerprint_all(engine, count: int) -> tuple[list[bytes], float]:
    started = time.perf_counter()
    blobs = list(engine.map(fingerprint_docs, range(count), chunk_size=CHUNK))
    return blobs, time.perf_counter() - started


def _queries(resident: int) -> list[str]:
    rng, (base, held) = random.Random(SEED + 1), pools()
    near = []
    for n in range(QUERIES // 2):
        source = base[rng.randrange(min(resident, len(base)))]
        near.append(mutate(source, rng, _alphabet()) if n % 2 else source[: max(60, len(source) // 2)])
    return near + [held[rng.randrange(len(held))] for _ in range(QUERIES - len(near))]


def _resident(blobs: list[bytes], resident: int) -> dict:
    from qinglang.similarity import TextIndex, fingerprint
    from qinglang.similarity.encoding import decode

    started = time.perf_counter()
    index = TextIndex()
    for n in range(resident):
        index.add(n, decode(blobs[n]))
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    prints = [fingerprint(q) for q in _queries(resident)]
    fingerprint_ms = 1000 * (time.perf_counter() - started) / len(prints)
    latencies, found = [], []
    for fp in prints:
        t = time.perf_counter()
        found.append(len(index.search(fp)))
        latencies.append(time.perf_counter() - t)
    half = QUERIES // 2
    return {
        "index_add": {"docs": resident, "docs_per_s": round(resident / build_s), "seconds": round(build_s, 1)},
        "query": {"queries": len(prints), "index_docs": resident,
                  "search_p50_ms": round(1000 * float(np.percentile(latencies, 50)), 2),
                  "search_p95_ms": round(1000 * float(np.percentile(latencies, 95)), 2),
                  "query_fingerprint_mean_ms": round(fingerprint_ms, 2),
                  "near_duplicate_queries_with_matches": f"{sum(1 for f in found[:half] if f)}/{half}",
                  "held_out_queries_with_matches": f"{sum(1 for f in found[half:] if f)}/{QUERIES - half}",
                  "mean_matches_near_duplicate_queries": round(sum(found[:half]) / half, 1)},
    }


def _sweep(engine, blobs: list[bytes]) -> dict:
    from qinglang.similarity import DEFAULT_RULE, SCHEME, fingerprint
    from qinglang.similarity.shards import ShardEntry, merge, search_shard

    entries = [ShardEntry(n, blob, SCHEME) for n, blob in enumerate(blobs)]
    chunks = [entries[i : i + CHUNK * 5] for i in range(0, len(entries), CHUNK * 5)]
    runs = []
    for s in range(SWEEP_SEEDS):
        seed = fingerprint(pools()[0][(s * 7919) % len(pools()[0])])
        started = time.perf_counter()
        found = []
        for result in engine.map_chunks(partial(search_shard, seed, DEFAULT_RULE), chunks):
            found += result.matches
        matches = merge(found, range(len(blobs)))
        runs.append({"seconds": round(time.perf_counter() - started, 1), "near_duplicates": len(matches)})
    return {"stored_fingerprints": len(blobs), "engine": engine.describe(), "runs": runs}


def _ray(count: int) -> dict:
    try:
        import ray
    except ImportError:
        return {"skipped": "Ray is not installed (pip install 'qinglang[ray]')"}
    from qinglang.engine import RayEngine

    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             object_store_memory=500 * 1024 * 1024)
    try:
        out: dict = {"docs": count, "rounds": []}
        for workers in (1, 2, 1, 2):  # alternated, so a neighbour's load on the shared machine hits both
            with RayEngine(workers=workers) as engine:
                list(engine.map(fingerprint_docs, range(CHUNK * workers), chunk_size=CHUNK))  # warm the workers
                _, seconds = _fingerprint_all(engine, count)
            out["rounds"].append({"workers": workers, "seconds": round(seconds, 1), "docs_per_s": round(count / seconds)})
        best = {w: min(r["seconds"] for r in out["rounds"] if r["workers"] == w) for w in (1, 2)}
        out["speed_up_1_to_2"] = round(best[1] / best[2], 2)
        return out
    finally:
        ray.shutdown()


def run() -> dict:
    from qinglang.engine import LocalPoolEngine

    count = _size("QINGLANG_BENCH_BATCH_DOCS", 1_000_000)
    resident = min(count, _size("QINGLANG_BENCH_BATCH_RESIDENT", 200_000))
    ray_docs = min(count, _size("QINGLANG_BENCH_BATCH_RAY_DOCS", 60_000))
    lengths = [len(document(i)) for i in range(0, count, max(1, count // 5000))]
    out: dict = {"method": " ".join(__doc__.split("\n\n")[1].split()), "docs": count,
                 "doc_chars_mean": round(sum(lengths) / len(lengths)), "cpus": os.cpu_count(),
                 "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    with LocalPoolEngine() as engine:
        blobs, seconds = _fingerprint_all(engine, count)
        out["index_build"] = {"fingerprint": {"engine": engine.describe(), "docs_per_s": round(count / seconds),
                                              "seconds": round(seconds, 1),
                                              "stored_mib": round(sum(map(len, blobs)) / 2**20)}}
        resident_figures = _resident(blobs, resident)
        out["index_build"]["index_add"] = resident_figures["index_add"]
        out["query"] = resident_figures["query"]
        out["max_rss_mib_after_index"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        out["sweep"] = _sweep(engine, blobs)
    del blobs
    out["ray"] = _ray(ray_docs)
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return out
