"""Seeded, realistic article-length Chinese texts for the benchmarks.

Each article is about 2 KB of UTF-8 built from clean paragraphs (cmrc2018 Wikipedia contexts and the four
classical novels in ``../shared/data``), with 1-3 injected lexicon/contact hits in 80% of the articles. The
same seed gives the same articles, so figures from different runs are comparable.
"""

from __future__ import annotations

import json
import os
import random
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 20240601
TARGET_BYTES = 2048
HIT_TEMPLATES = (
    "想看完整版加我薇信 xq{n}",
    "详情加 QQ：{qq}",
    "联系电话 1{phone}",
    "今晚约炮吗",
    "裸聊包夜服务",
    "看片加V❤ abc{n}",
    "澳门百家乐 充值送彩金",
    "扫码进群看全集",
    "免费色情小说",
    "注册网址 www点hg{n}点com",
)


def data_dir() -> Path:
    """``$QINGLANG_BENCH_DATA`` or the shared data folder beside the repository."""
    path = Path(os.environ.get("QINGLANG_BENCH_DATA", ROOT.parent / "shared" / "data"))
    if not (path / "cmrc2018_contexts").is_dir():
        raise FileNotFoundError(f"benchmark data not found in {path}; set QINGLANG_BENCH_DATA to the shared data folder")
    return path


@cache
def paragraphs() -> tuple[str, ...]:
    """Clean paragraphs: every cmrc2018 trial context and every classical-novel line of 40+ characters."""
    base = data_dir()
    contexts = json.loads((base / "cmrc2018_contexts" / "cmrc2018_trial.json").read_text("utf-8"))
    found = [c["context_text"].strip() for c in contexts]
    for novel in sorted((base / "classical_novels_pd" / "edition_a_tennessine").glob("*.txt")):
        lines = (line.strip() for line in novel.read_text("utf-8").splitlines())
        found.extend(line for line in lines if len(line) >= 40)
    return tuple(found)


def _hit(rng: random.Random) -> str:
    template = rng.choice(HIT_TEMPLATES)
    return template.format(n=rng.randint(100, 9999), qq=rng.randint(10**7, 10**10 - 1), phone=rng.randint(10**9, 10**10 - 1))


def article(rng: random.Random, pool: tuple[str, ...]) -> str:
    parts: list[str] = []
    size = 0
    while size < TARGET_BYTES:
        paragraph = rng.choice(pool)
        room = (TARGET_BYTES - size) // 3 + 1  # Chinese characters take 3 bytes in UTF-8
        paragraph = paragraph[:room]
        parts.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 1
    text = "\n".join(parts)
    if rng.random() < 0.8:
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text))
            text = text[:at] + _hit(rng) + text[at:]
    return text


def articles(count: int, seed: int = SEED) -> list[str]:
    rng = random.Random(seed)
    pool = paragraphs()
    return [article(rng, pool) for _ in range(count)]


def describe(texts: list[str], seed: int = SEED) -> dict:
    sizes = [len(t.encode("utf-8")) for t in texts]
    return {
        "items": len(texts),
        "mean_bytes": round(sum(sizes) / len(sizes)),
        "mean_chars": round(sum(len(t) for t in texts) / len(texts)),
        "source": "cmrc2018 trial contexts + 4 classical novels (../shared/data), ~2 KB articles, "
        f"80% with 1-3 injected lexicon/contact hits, seed {seed}",
    }


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]
