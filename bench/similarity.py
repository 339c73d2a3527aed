"""Near-duplicate search speed: fingerprinting, index building and queries at growing corpus sizes.

The corpus is the benchmark articles (``bench/corpus.py``: ~2 KB of Chinese each, seeded). Queries are half
near-duplicates of corpus articles (re-punctuated copies and 300-character excerpts) and half articles not in
the corpus, so both the "found" and the "nothing" paths are timed. One process, one core. The PDQ radius search
is timed over random 256-bit hashes (its cost does not depend on what the hashes are).
"""

from __future__ import annotations

import random
import resource
import time

import numpy as np

from bench.corpus import articles

SIZES = (1_000, 5_000, 20_000)
QUERIES = 200
IMAGE_SIZES = (100_000, 1_000_000)


def _queries(corpus: list[str], fresh: list[str], rng: random.Random) -> list[str]:
    out = []
    for n in range(QUERIES // 2):
        source = corpus[rng.randrange(len(corpus))]
        if n % 2:
            out.append(source.replace("，", " ").replace("。", "！"))
        else:
            start = rng.randrange(max(1, len(source) - 300))
            out.append(source[start : start + 300])
    return out + fresh[: QUERIES - len(out)]


def _text_figures(size: int, pool: list[str], rng: random.Random) -> dict:
    from qinglang.similarity import TextIndex, fingerprint

    corpus, fresh = pool[:size], pool[size : size + QUERIES]
    started = time.perf_counter()
    prints = [fingerprint(t) for t in corpus]
    fingerprint_s = time.perf_counter() - started
    started = time.perf_counter()
    index = TextIndex()
    for n, fp in enumerate(prints):
        index.add(n, fp)
    build_s = time.perf_counter() - started
    queries = [fingerprint(q) for q in _queries(corpus, fresh, rng)]
    latencies, found = [], 0
    for fp in queries:
        t = time.perf_counter()
        found += bool(index.search(fp))
        latencies.append(time.perf_counter() - t)
    total = sum(latencies)
    return {
        "corpus": size,
        "fingerprint_docs_per_s": round(size / fingerprint_s),
        "index_build_docs_per_s": round(size / build_s),
        "queries_per_s": round(len(queries) / total, 1),
        "query_p50_ms": round(1000 * float(np.percentile(latencies, 50)), 2),
        "query_p99_ms": round(1000 * float(np.percentile(latencies, 99)), 2),
        # the articles are assembled from one pool of paragraphs, so "fresh" ones often really contain a paragraph
        # of a corpus article: more than half the queries match once the corpus is large
        "queries_with_matches": f"{found}/{len(queries)} ({QUERIES // 2} are near-duplicates by construction)",
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _image_figures(size: int, rng: np.random.Generator) -> dict:
    from qinglang.similarity import ImageHashIndex

    hashes = rng.integers(0, 256, size=(size, 32), dtype=np.uint8)
    index = ImageHashIndex.__new__(ImageHashIndex)
    index._keys, index._bits = list(range(size)), hashes  # bulk load without 1M hex round trips
    query = hashes[size // 2].tobytes().hex()
    started = time.perf_counter()
    for _ in range(20):
        hits = index.within(query, 31)
    return {"hashes": size, "query_ms": round(1000 * (time.perf_counter() - started) / 20, 2), "hits": len(hits)}


def run() -> dict:
    rng = random.Random(11)
    pool = articles(max(SIZES) + QUERIES)
    return {
        "method": __doc__.split("\n\n")[1].replace("\n", " "),
        "text": [_text_figures(size, pool, rng) for size in SIZES],
        "image_radius_search": [_image_figures(size, np.random.default_rng(5)) for size in IMAGE_SIZES],
    }
