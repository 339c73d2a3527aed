"""Speed of the classifier detector through the library: ``python -m qinglang.evaluation.bench_classifier``.

Prints JSON: model load time, resident memory added by the model, short texts/s and 2 KB article texts/s on one
core (single process, one item per ``detect`` call, like the screening pipeline), and batched short texts/s.
"""

from __future__ import annotations

import json
import resource
import time

SHORT = [
    "加我薇信看福利视频",
    "今天天气真好，下午带孩子去公园",
    "百家乐首充送彩金",
    "你这个废物别玩了",
    "刷单返利，一单一结",
    "新赛季段位掉了，慢慢打回来吧",
    "有没有涩涩的小姐姐",
    "这本小说的结局出乎意料",
]
PARAGRAPH = (
    "本市图书馆周末举办亲子阅读活动，欢迎家长带孩子参加。活动包括绘本共读、手工制作和故事分享，"
    "现场还准备了小礼物。图书馆工作人员介绍，今年以来馆内新增图书两万余册，涵盖少儿、文学、历史等门类。"
)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rate(fn, items, seconds: float = 3.0) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in items:
            fn(item)
        done += len(items)
    return done / (time.perf_counter() - start)


def run(seconds: float = 3.0) -> dict:
    from qinglang.detectors.base import PreparedContent
    from qinglang.detectors.classifier.detector import ClassifierDetector
    from qinglang.detectors.classifier.scoring import score_texts
    from qinglang.domain import ContentItem

    rss0, t0 = _rss_mb(), time.perf_counter()
    det = ClassifierDetector()
    det.ensure_loaded()
    load_s, rss1 = time.perf_counter() - t0, _rss_mb()
    # 64 distinct articles of about 2 KB of UTF-8, more than the shared normalisation cache holds, so every call
    # pays for its own normalisation (in the pipeline the lexicon detector would already have paid for it)
    base = PARAGRAPH * 20
    articles = [(base[i:] + base[:i])[: 2048 // 3] for i in range(64)]
    article = articles[0]
    short = [PreparedContent(ContentItem(id="s", text=t), {"text": t}) for t in SHORT]
    long = [PreparedContent(ContentItem(id="a", text=a), {"text": a}) for a in articles]
    batch = SHORT * 128
    return {
        "load_seconds": round(load_s, 3),
        "model_rss_mb": round(rss1 - rss0, 1),
        "short_texts_per_s": round(_rate(det.detect, short, seconds)),
        "article_2kb_texts_per_s": round(_rate(det.detect, long, seconds)),
        "article_chars": len(article),
        "article_utf8_bytes": len(article.encode("utf-8")),
        "short_texts_per_s_batched": round(_rate(lambda b: score_texts(det.model, b), [batch], seconds) * len(batch)),
        "calibrated_by_length": det.model.calibration is not None,
        "cascade": "none: every item is scored by this model alone (the optional guard detector is off by default)",
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False))
