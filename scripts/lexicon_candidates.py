"""List candidate seed terms for one category: character n-grams frequent in its ChineseHarm TRAIN texts and
absent from every clean TRAIN pool. A reading aid for whoever writes `curated.tsv`, never a source of terms.

    .venv/bin/python scripts/lexicon_candidates.py abuse porn [--min-docs 4] [--data ../shared/data]

It reads the same corpora as scripts/build_lexicon.py (TRAIN split only: DEV texts are never counted, so the
DEV figures in docs/lexicon.md and docs/evaluation.md stay out of sample for the choice of words). A candidate
is a 2–4 character n-gram, normalised like screened text, that

- occurs in at least `--min-docs` TRAIN texts of the category,
- occurs in no clean text (cmrc2018, classical novels, COLD label 0, and the wider pool of news titles,
  chit-chat, dialogue, Weibo posts and reviews),
- occurs in the other harm categories at most a quarter as often, and
- contains no shorter candidate.

The output is a person's shortlist: many candidates are fragments of one post's template (两位怎, 笑哭笑) or
words with an innocent sense the pools happen to lack (父母死, 瑟瑟). The chosen seeds are written into
`curated.tsv` by hand and then pruned by build_lexicon.py like every other term.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_lexicon import load_corpora  # noqa: E402


def ngrams(text: str, shortest: int = 2, longest: int = 4) -> set[str]:
    """Every distinct n-gram of `text` without whitespace, of `shortest` to `longest` characters."""
    return {text[i:i + n] for n in range(shortest, longest + 1) for i in range(len(text) - n + 1)
            if not any(ch.isspace() for ch in text[i:i + n])}


def doc_frequency(docs: list[str], only: set[str] | None = None) -> Counter:
    counts: Counter = Counter()
    for doc in docs:
        grams = ngrams(doc)
        counts.update(grams if only is None else grams & only)
    return counts


def candidates(category: str, harm: dict[str, list[str]], clean: list[str], min_docs: int) -> list[tuple[str, int, int]]:
    """(term, own TRAIN texts, other-category TRAIN texts), most frequent first."""
    own = doc_frequency(harm[category])
    frequent = {g for g, n in own.items() if n >= min_docs}
    on_clean = doc_frequency(clean, frequent)
    other = doc_frequency([t for cat, docs in harm.items() if cat != category for t in docs], frequent)
    kept = {g for g in frequent if not on_clean[g] and 4 * other[g] <= own[g]}
    kept = {g for g in kept if not any(s != g and s in g for s in kept)}
    return sorted(((g, own[g], other[g]) for g in kept), key=lambda r: (-r[1], r[0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("categories", nargs="+", choices=("porn", "illicit_ad", "gambling", "abuse"))
    parser.add_argument("--min-docs", type=int, default=4, help="least TRAIN texts of the category (default 4)")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args(argv)
    corpora = load_corpora(args.data)
    for category in args.categories:
        rows = candidates(category, corpora.harm, corpora.clean + corpora.wider, args.min_docs)
        print(f"# {category}: {len(corpora.harm[category])} TRAIN texts, {len(rows)} candidates (term own/other)")
        print(" ".join(f"{g}:{n}/{o}" for g, n, o in rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
