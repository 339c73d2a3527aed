"""Lexicon matching throughput: ahocorasick-rs beside a plain-Python trie and a ``re`` alternation.

All three find every occurrence of the same terms in the same text, measured in the same run. The terms are the
lexicon detector's curated terms when that detector exposes them, otherwise the raw porn/ad lists of
``../shared/data`` (named in the output).
"""

from __future__ import annotations

import math
import re
import time

from bench.corpus import articles, data_dir

ARTICLES = 1500
REPEATS = 3
SEED = 7
REGEX_BUDGET_S = 8.0
END = ""  # trie end marker: no term contains the empty string


def curated_terms() -> tuple[list[str], str]:
    """(terms, where they came from): the lexicon detector's shipped lexicon, else the raw lists."""
    try:
        from qinglang.detectors.lexicon.detector import HERE, read_terms

        terms = sorted({t.term for t in read_terms(HERE / "lexicon.tsv")})
    except Exception as exc:  # noqa: BLE001 - fall back to the raw lists and say why
        terms, source = _raw_terms()
        return terms, f"{source}; curated lexicon unavailable: {type(exc).__name__}: {exc}"
    return terms, f"the lexicon detector's curated lexicon.tsv ({len(terms)} distinct terms)"


def _raw_terms() -> tuple[list[str], str]:
    base = data_dir()
    files = [base / "lexicon_konsheng" / "色情词库.txt", base / "lexicon_konsheng" / "色情类型.txt",
             base / "lexicon_konsheng" / "广告类型.txt"]
    lines = [line.strip() for f in files for line in f.read_text("utf-8", errors="replace").splitlines()]
    tags = (base / "lexicon_houbb" / "sensitive_word_tags.txt").read_text("utf-8").splitlines()
    for line in tags:
        word, _, codes = line.strip().rpartition(" ")
        if word and ({"2", "3"} & set(codes.split(","))):  # houbb tags: 2 porn, 3 gambling
            lines.append(word)
    terms = sorted({t for t in lines if len(t) >= 2})
    return terms, f"raw lexicon_konsheng porn/ad lists + lexicon_houbb porn/gambling tags ({len(terms)} terms, uncurated)"


def build_trie(terms: list[str]) -> dict:
    root: dict = {}
    for term in terms:
        node = root
        for char in term:
            node = node.setdefault(char, {})
        node[END] = True
    return root


def trie_count(root: dict, text: str) -> int:
    count = 0
    n = len(text)
    for i in range(n):
        node = root.get(text[i])
        j = i + 1
        while node is not None:
            if END in node:
                count += 1
            if j >= n:
                break
            node = node.get(text[j])
            j += 1
    return count


def _timed(function, *args) -> tuple[float, int]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def _best_of(chunks: list[str], count_matches) -> tuple[float, int]:
    """The fastest of ``REPEATS`` passes over fresh copies of the articles (throughput, not warm-up noise)."""
    best, found = float("inf"), 0
    for _ in range(REPEATS):
        texts = _fresh(chunks)
        seconds, found = _timed(lambda texts=texts: sum(count_matches(t) for t in texts))
        best = min(best, seconds)
    return best, found


def _regex_rate(pattern: re.Pattern, chunks: list[str]) -> dict:
    done_bytes = matches = 0
    elapsed = 0.0
    for chunk in chunks:
        seconds, found = _timed(lambda text: sum(1 for _ in pattern.finditer(text)), chunk)
        elapsed += seconds
        matches += found
        done_bytes += len(chunk.encode("utf-8"))
        if elapsed > REGEX_BUDGET_S:
            break
    return {"mb_per_s": round(done_bytes / elapsed / 1e6, 3), "bytes_scanned": done_bytes, "matches": matches,
            "note": f"scanned until {REGEX_BUDGET_S:.0f} s were spent (leftmost-first, non-overlapping)"}


def _fresh(chunks: list[str]) -> list[str]:
    """New string objects, so no matcher profits from a UTF-8 form cached by an earlier one."""
    return [chunk + "\n" for chunk in chunks]


def _ac_rate(automaton, chunks: list[str], size: int) -> tuple[float, dict]:
    seconds, found = _best_of(chunks, lambda t: len(automaton.find_matches_as_indexes(t, overlapping=True)))
    return seconds, {"mb_per_s": round(size / seconds / 1e6, 2), "matches": found}


def _matcher_rate(terms: list[str], chunks: list[str], size: int) -> tuple[float, dict]:
    """``qinglang.text.terms.TermMatcher``: what the lexicon detector matches with."""
    try:
        from qinglang.text.terms import TermMatcher
    except Exception as exc:  # noqa: BLE001 - not in this checkout
        return float("nan"), {"skipped": f"{type(exc).__name__}: {exc}"}
    build_s, matcher = _timed(TermMatcher, terms)
    seconds, found = _best_of(chunks, lambda t: len(matcher.find(t)))
    return seconds, {"mb_per_s": round(size / seconds / 1e6, 2), "matches": found, "build_s": round(build_s, 3),
                     "engine": matcher.engine,
                     "note": "all overlapping hits with character offsets, ASCII terms whole-word only"}


def run() -> dict:
    import ahocorasick_rs as ac

    terms, source = curated_terms()
    chunks = articles(ARTICLES, seed=SEED)
    size = sum(len(chunk.encode("utf-8")) + 1 for chunk in chunks)
    matcher_s, matcher = _matcher_rate(terms, chunks, size)
    build_s, automaton = _timed(lambda: ac.AhoCorasick(terms, matchkind=ac.MatchKind.Standard,
                                                       implementation=ac.Implementation.DFA))
    _, dfa = _ac_rate(automaton, chunks, size)
    trie = build_trie(terms)
    trie_s, trie_matches = _best_of(chunks, lambda t: trie_count(trie, t))
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    return {
        "terms": source,
        "text": f"{ARTICLES} seeded ~2 KB articles ({size / 1e6:.2f} MB UTF-8, seed {SEED}, see bench.corpus), "
        f"matched one article per call, raw (not normalised) text, best of {REPEATS} passes",
        "qinglang_term_matcher": matcher,
        "ahocorasick_rs_dfa": {**dfa, "build_s": round(build_s, 3), "note": "standard, overlapping, DFA"},
        "python_trie": {"mb_per_s": round(size / trie_s / 1e6, 3), "matches": trie_matches,
                        "note": "dict-of-dicts trie walked from every position (all overlapping matches)"},
        "re_alternation": _regex_rate(pattern, _fresh(chunks)),
        "speedup_term_matcher_vs_python_trie": None if math.isnan(matcher_s) else round(trie_s / matcher_s, 1),
        "detector": _detector_rate(chunks),
    }


def _detector_rate(chunks: list[str]) -> dict:
    """The whole lexicon detector (normalisation + matching + evidence) on the same articles."""
    try:
        from qinglang.detectors.base import PreparedContent
        from qinglang.detectors.registry import create_detector
        from qinglang.domain import ContentItem

        detector = create_detector("lexicon")
        detector.load()
    except Exception as exc:  # the detector may not exist yet in this checkout
        return {"skipped": f"lexicon detector unavailable: {type(exc).__name__}: {exc}"}
    prepared = [PreparedContent(ContentItem(id=str(i), text=t), {"title": "", "text": t}) for i, t in enumerate(chunks)]
    seconds, hits = _timed(lambda: sum(len(detector.detect(p)) for p in prepared))
    size = sum(len(t.encode("utf-8")) for t in chunks)
    return {"mb_per_s": round(size / seconds / 1e6, 3), "items_per_s": round(len(chunks) / seconds),
            "signals": hits, "note": "LexiconDetector.detect on each article, including normalisation"}
