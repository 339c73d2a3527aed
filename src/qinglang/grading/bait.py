"""Bait titles (标题党): a title that promises more than the content gives, "vulgar content as a gimmick to attract
readers" in the regulator's words.

Five kinds of evidence, each with a weight; a title is a **bait title** when the weights add up to 2 or more:

1. ``phrase`` — clickbait wording from ``bait_phrases.tsv`` (震惊, 删前速看, 不看后悔, 你懂的 ...), matched on the
   normalised title so 震*惊 and 震 惊 count. Weight 2 for wording that is bait on its own, 1 for wording honest
   titles use too (竟然, 突发, 揭秘): those count only together with something else.
2. ``punctuation`` — a run like ！！ or ？！, or three exclamation marks in all (weight 1).
3. ``emoji`` — two or more emoji or pictographs (weight 1).
4. ``ellipsis`` — a title that trails off (她竟然……), holding back the point (weight 1).
5. ``vulgar_teaser`` — the screening found vulgar wording in the title but (almost) none in the body: the title
   sells vulgarity the article does not contain (weight 3, a bait title on its own). When the body is vulgar
   too, that is harm, the screening's business, not a quality question.

Every hit is a span of the ORIGINAL title (offsets from 0), so a reviewer sees exactly which words counted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from qinglang.domain import Signal
from qinglang.errors import ConfigError
from qinglang.qualification.reasons import Reason
from qinglang.text.normalize import normalize, normalize_text

BAIT_THRESHOLD = 2
TEASER_WEIGHT = 3
TEASER_BODY_RATE = 1.0  # vulgar hits per 1,000 body characters below which the body "does not deliver"
MIN_TEASER_BODY = 50  # a body shorter than this cannot be judged against its title
_RUN = re.compile(r"[!?]{2,}")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u203c\u2049]")
_ELLIPSIS = re.compile(r"(…|\.\.\.|。。。)\s*$")


@dataclass(frozen=True, slots=True)
class BaitPhrase:
    text: str
    weight: int
    pattern: re.Pattern[str] | None = None  # for regex entries
    note: str = ""


@dataclass(frozen=True, slots=True)
class BaitHit:
    """One piece of evidence: its kind, weight and the span of the original title it covers."""

    kind: str
    weight: int
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class BaitAssessment:
    score: int
    flagged: bool
    hits: tuple[BaitHit, ...]
    reasons: tuple[Reason, ...]


def parse_phrases(text: str, source: str = "bait_phrases.tsv") -> tuple[BaitPhrase, ...]:
    """Phrases from the TSV format of ``bait_phrases.tsv``; ``ConfigError`` names the file and line of a bad row."""
    phrases, header_seen = [], False
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = cells[:3] == ["phrase", "weight", "kind"]
            if header_seen:
                continue
            raise ConfigError(f"{source}:{n}: the first row must be the header phrase, weight, kind, note",
                              code="bait_phrases_invalid", details={"file": source, "line": n})
        phrases.append(_phrase_row(cells, source, n))
    return tuple(phrases)


def _phrase_row(cells: list[str], source: str, n: int) -> BaitPhrase:
    def bad(message: str) -> ConfigError:
        return ConfigError(f"{source}:{n}: {message}", code="bait_phrases_invalid", details={"file": source, "line": n})

    if len(cells) < 3 or not cells[0].strip():
        raise bad("a row needs a phrase, a weight and a kind, separated by tabs")
    if cells[1] not in ("1", "2"):
        raise bad(f"weight must be 1 or 2, got {cells[1]!r}")
    if cells[2] == "regex":
        try:
            return BaitPhrase(cells[0], int(cells[1]), re.compile(cells[0]), cells[3] if len(cells) > 3 else "")
        except re.error as exc:
            raise bad(f"not a valid regular expression: {exc}") from exc
    if cells[2] != "phrase":
        raise bad(f"kind must be phrase or regex, got {cells[2]!r}")
    return BaitPhrase(normalize_text(cells[0]), int(cells[1]), None, cells[3] if len(cells) > 3 else "")


@lru_cache(maxsize=1)
def default_phrases() -> tuple[BaitPhrase, ...]:
    """The phrases shipped in ``qinglang/grading/bait_phrases.tsv``."""
    text = resources.files("qinglang.grading").joinpath("bait_phrases.tsv").read_text("utf-8")
    return parse_phrases(text, "qinglang/grading/bait_phrases.tsv")


def phrase_hits(title: str, phrases: Sequence[BaitPhrase]) -> list[BaitHit]:
    """Clickbait wording in ``title``: the longest matches, never overlapping, as spans of the original title."""
    norm = normalize(title)
    found = []
    for phrase in phrases:
        spans = ([m.span() for m in phrase.pattern.finditer(norm.text)] if phrase.pattern is not None
                 else _all_spans(norm.text, phrase.text))
        found += [(s, e, phrase.weight) for s, e in spans if e > s]
    hits, taken_until = [], -1
    for s, e, weight in sorted(found, key=lambda f: (f[0], -(f[1] - f[0]), -f[2])):
        if s >= taken_until:
            start, end = norm.original_span(s, e)
            hits.append(BaitHit("phrase", weight, title[start:end], start, end))
            taken_until = e
    return hits


def _all_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    spans, i = [], text.find(phrase)
    while i >= 0:
        spans.append((i, i + len(phrase)))
        i = text.find(phrase, i + 1)
    return spans


def form_hits(title: str) -> list[BaitHit]:
    """Punctuation runs, emoji and a trailing ellipsis, as spans of the original title."""
    folded = "".join(unicodedata.normalize("NFKC", c)[:1] or c for c in title)  # same length as the title
    hits = []
    run = _RUN.search(folded)
    if run is not None or folded.count("!") >= 3:
        start, end = run.span() if run is not None else (folded.index("!"), folded.rindex("!") + 1)
        hits.append(BaitHit("punctuation", 1, title[start:end], start, end))
    emoji = list(_EMOJI.finditer(title))
    if len(emoji) >= 2:
        start, end = emoji[0].start(), emoji[-1].end()
        hits.append(BaitHit("emoji", 1, title[start:end], start, end))
    tail = _ELLIPSIS.search(title)
    if tail is not None:
        hits.append(BaitHit("ellipsis", 1, title[tail.start():tail.end()], tail.start(), tail.end()))
    return hits


def vulgar_teaser(title: str, body_chars: int, signals: Sequence[Signal]) -> BaitHit | None:
    """Vulgar wording in the title that the body does not back up (see the module docstring), or ``None``."""
    in_title = [ev for s in signals if s.label.split("/", 1)[0] == "porn" for ev in s.evidence if ev.field == "title"]
    in_body = sum(1 for s in signals if s.label.split("/", 1)[0] == "porn" for ev in s.evidence if ev.field != "title")
    if not in_title or body_chars < MIN_TEASER_BODY or in_body * 1000 / body_chars >= TEASER_BODY_RATE:
        return None
    first = min(in_title, key=lambda ev: ev.start if ev.start is not None else 0)
    start = first.start or 0
    end = first.end if first.end is not None else len(title)
    return BaitHit("vulgar_teaser", TEASER_WEIGHT, title[start:end], start, end)


def assess_title(title: str, *, body_chars: int = 0, signals: Sequence[Signal] = (),
                 phrases: Sequence[BaitPhrase] | None = None) -> BaitAssessment:
    """Whether ``title`` is a bait title, with every hit and a reason for each."""
    hits = phrase_hits(title, default_phrases() if phrases is None else phrases) + form_hits(title)
    teaser = vulgar_teaser(title, body_chars, signals)
    if teaser is not None:
        hits.append(teaser)
    score = sum(h.weight for h in hits)
    return BaitAssessment(score, score >= BAIT_THRESHOLD, tuple(hits), tuple(_reason(h) for h in hits))


_TEXTS = {
    "phrase": ("标题使用噱头用语“{text}”", "the title uses clickbait wording \u201c{text}\u201d"),
    "punctuation": ("标题标点夸张（{text}）", "the title has excessive punctuation ({text})"),
    "emoji": ("标题堆砌表情符号（{text}）", "the title piles up emoji ({text})"),
    "ellipsis": ("标题故意话说一半（{text}）", "the title trails off to hold back its point ({text})"),
    "vulgar_teaser": ("标题含低俗用语“{text}”而正文没有相应内容：以低俗内容作噱头",
                      "the title has vulgar wording \u201c{text}\u201d the body does not contain: vulgarity as a gimmick"),
}


def _reason(hit: BaitHit) -> Reason:
    zh, en = _TEXTS[hit.kind]
    return Reason(f"bait_{hit.kind}", zh.format(text=hit.text), en.format(text=hit.text),
                  {"weight": hit.weight, "start": hit.start, "end": hit.end})
