"""The ``lexicon`` detector: curated, severity-graded terms matched on normalised text.

Terms and allowlist ship beside this module (``lexicon.tsv``, ``allowlist.tsv``), rebuilt by
``scripts/build_lexicon.py``. Matching runs on :func:`qinglang.text.normalize` output, and every hit is
reported as a span of the ORIGINAL field text with the term, its source and the transforms that exposed it.

A term of three or more Chinese characters that real posts use (or a hand-written seed) is also found written in
other characters of the same sounds (注册送 as 主册宋, :mod:`qinglang.text.homophones`), marked with the
``homophone`` transform and graded at most 2 (review: a homophone can be chance). Terms whose sounds occur in clean
TRAIN text in other characters are not matched that way (``homophone_unsafe.tsv``, rebuilt by
``scripts/build_homophones.py``). A term of two or more is also found with some of its syllables spelled in Latin
letters (约炮 as ``yue炮``, ``yue pao`` or ``y-u-e-p-a-o``; :func:`qinglang.text.homophones.spelled`), marked
``pinyin`` and graded at most 2 as well.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from qinglang.detectors.base import Detector, DetectorConfig, PreparedContent
from qinglang.domain import Evidence, Signal
from qinglang.domain.model import HARM_CATEGORIES
from qinglang.errors import ConfigError
from qinglang.text.homophones import sounds, spelled
from qinglang.text.normalize import explain, normalize_cached, transforms_of

HERE = Path(__file__).resolve().parent
SEVERITY_WEIGHT = {1: 0.3, 2: 0.55, 3: 0.8}
SUBLABELLED = ("porn", "illicit_ad")
HOMOPHONE_MIN_CHARS = 3  # two-character sounds collide with everyday words (一码 / 姨妈, 竞彩 / 精彩)
HOMOPHONE_MAX_SEVERITY = 2
PINYIN_MIN_CHARS = 2  # a syllable spelled in Latin letters is no everyday word: du博, yue pao
_CHINESE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")


class LexiconConfig(DetectorConfig):
    lexicon_path: str | None = None  # TSV like the shipped lexicon.tsv; None = the shipped one
    allowlist_path: str | None = None
    min_severity: int = 1
    categories: tuple[str, ...] = tuple(c.value for c in HARM_CATEGORIES)


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    category: str
    sublabel: str
    severity: int
    source: str
    variant_of: str = ""
    train_hits: int = 0  # ChineseHarm TRAIN texts of its own category it was found in (lexicon.tsv's evidence)

    @property
    def label(self) -> str:
        return f"{self.category}/{self.sublabel}" if self.category in SUBLABELLED and self.sublabel else self.category


def read_terms(path: Path) -> list[Term]:
    """Read a lexicon TSV (header: term, category, sublabel, severity, source[, licence, variant_of, ...])."""
    if not path.is_file():
        raise ConfigError(f"lexicon file {path} does not exist; rebuild it with scripts/build_lexicon.py",
                          code="lexicon_missing")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    try:
        return [Term(r["term"], r["category"], r.get("sublabel") or "", int(r["severity"]), r.get("source") or "",
                     r.get("variant_of") or "", int(r.get("train_hits") or 0)) for r in rows]
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"lexicon file {path} is malformed ({exc}); expected columns term, category, sublabel, "
                          "severity, source", code="lexicon_invalid") from exc


def read_unsafe(path: Path) -> set[str]:
    """Terms not to match by their sounds (``homophone_unsafe.tsv``: term, clean_hits, sources)."""
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["term"] for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if r.get("term")}


def heard_in_posts(term: Term) -> bool:
    """A term real posts use (found in ChineseHarm TRAIN texts of its category) or a hand-written seed. Upstream
    lists also hold parodies of everyday phrases (射屌英雄传, 淫领时尚); by sound those *are* the everyday phrase."""
    return term.train_hits > 0 or term.source.startswith("qinglang/")


def _by_sound(terms: Iterable[Term], unsafe: set[str], min_chars: int, transform: str) -> dict[str, list[Term]]:
    """Sounds -> the terms matched by them: every term of ``min_chars`` or more Chinese characters that
    :func:`heard_in_posts` and is not in ``unsafe``, as a ``transform`` variant graded at most
    :data:`HOMOPHONE_MAX_SEVERITY`."""
    out: dict[str, list[Term]] = defaultdict(list)
    for t in terms:
        if len(t.term) >= min_chars and _CHINESE.fullmatch(t.term) and heard_in_posts(t) and t.term not in unsafe:
            out[sounds(t.term)].append(Term(t.term, t.category, t.sublabel, min(t.severity, HOMOPHONE_MAX_SEVERITY),
                                            t.source, f"{transform}:{t.term}", t.train_hits))
    return dict(out)


def sounds_like(terms: Iterable[Term], unsafe: set[str] = frozenset()) -> dict[str, list[Term]]:
    """The terms found written in other characters of the same sounds (:data:`HOMOPHONE_MIN_CHARS` or more,
    ``homophone``)."""
    return _by_sound(terms, unsafe, HOMOPHONE_MIN_CHARS, "homophone")


def spelled_like(terms: Iterable[Term], unsafe: set[str] = frozenset()) -> dict[str, list[Term]]:
    """The terms found when some of their syllables are spelled in Latin letters (du博, yue pao, y-u-e-p-a-o;
    :data:`PINYIN_MIN_CHARS` or more, ``pinyin``)."""
    return _by_sound(terms, unsafe, PINYIN_MIN_CHARS, "pinyin")


def spelled_hits(matcher, view, norm_text: str, literal: frozenset[str]) -> list:
    """The hits of ``matcher`` in a :class:`~qinglang.text.homophones.Spelled` view that spell at least one
    syllable in Latin letters, as spans of the normalised text; a span that is itself a lexicon term is the
    literal matcher's."""
    from qinglang.text.terms import TermHit

    out = []
    for h in matcher.find(view.text):
        if not view.has_latin(h.start, h.end):
            continue
        start, end = view.span(h.start, h.end)
        if norm_text[start:end] not in literal:
            out.append(TermHit(start, end, h.index))
    return out


def read_allowlist(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [r["term"] for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if r.get("term")]


@dataclass(frozen=True, slots=True)
class Hit:
    term: Term
    field: str
    start: int  # original span
    end: int
    text: str
    normalised: str
    transforms: tuple[str, ...]


def _span_transforms(original: str, term: Term) -> tuple[str, ...]:
    names = transforms_of(original)
    return (*names, term.variant_of.split(":", 1)[0]) if term.variant_of else names


def _evidence(hit: Hit) -> Evidence:
    detail = {"term": hit.term.term, "normalised": hit.normalised, "transforms": list(hit.transforms),
              "source": hit.term.source, "severity": hit.term.severity}
    if hit.term.variant_of:
        detail["variant_of"] = hit.term.variant_of
    if hit.transforms:
        detail["explanation"] = explain(hit.transforms)
    return Evidence("text_span", hit.field, hit.start, hit.end, hit.text, detail)


def _signal(label: str, hits: list[Hit]) -> Signal:
    by_term = {h.term.term: h.term.severity for h in hits}
    miss = 1.0
    for sev in by_term.values():
        miss *= 1.0 - SEVERITY_WEIGHT.get(sev, 0.3)
    return Signal(
        detector="lexicon",
        label=label,
        score=round(1.0 - miss, 4),
        evidence=tuple(_evidence(h) for h in hits),
        severity=max(by_term.values()),
        attrs={"category": hits[0].term.category, "terms": sorted(by_term), "hits": len(hits)},
    )


class LexiconDetector(Detector):
    """Curated terms per category (porn, illicit_ad, gambling, fraud, abuse), allowlist-aware."""

    name = "lexicon"
    version = "1.9"
    config_class = LexiconConfig

    def load(self) -> None:
        from qinglang.text.terms import TermMatcher

        cfg = self.config
        terms = read_terms(Path(cfg.lexicon_path) if cfg.lexicon_path else HERE / "lexicon.tsv")
        terms = [t for t in terms if t.severity >= cfg.min_severity and t.category in cfg.categories]
        by_text: dict[str, list[Term]] = defaultdict(list)
        for t in terms:
            by_text[t.term].append(t)
        self._texts = list(by_text)
        self._entries = [by_text[t] for t in self._texts]
        self._matcher = TermMatcher(self._texts)
        unsafe = read_unsafe(HERE / "homophone_unsafe.tsv")
        alike = sounds_like(terms, unsafe)
        self._sound_entries = list(alike.values())
        self._sounds = TermMatcher(list(alike))
        spelt = spelled_like(terms, unsafe)
        self._spelt_entries = list(spelt.values())
        self._spelt = TermMatcher(list(spelt), whole_words=False)
        self._spelt_reach = 2 * max(map(len, spelt), default=0)  # sounds, plus separators and split letters
        self._literal = frozenset(self._texts)
        allow_path = Path(cfg.allowlist_path) if cfg.allowlist_path else HERE / "allowlist.tsv"
        self._allow = TermMatcher(read_allowlist(allow_path) if allow_path.is_file() else [])
        self._loaded = True

    def find_hits(self, field: str, text: str) -> list[Hit]:
        """Every lexicon hit in one field, as spans of the original ``text``."""
        from qinglang.text.terms import drop_allowed

        if not text:
            return []
        norm = normalize_cached(text)  # shared with the other detectors scanning this field
        found = self._matcher.find(norm.text)
        heard = self._sounds.find(sounds(norm.text)) if self._sound_entries else []
        alike = [h for h in heard if norm.text[h.start:h.end] not in self._literal]
        view = spelled(norm.text, self._spelt_reach) if self._spelt_entries else None
        spelt = spelled_hits(self._spelt, view, norm.text, self._literal) if view is not None else []
        if not found and not alike and not spelt:
            return []
        allowed = self._allow.find(norm.text)
        return [*self._hits(field, text, norm, drop_allowed(found, allowed), self._entries),
                *self._hits(field, text, norm, drop_allowed(alike, allowed), self._sound_entries),
                *self._hits(field, text, norm, drop_allowed(spelt, allowed), self._spelt_entries)]

    @staticmethod
    def _hits(field: str, text: str, norm, found, entries: list[list[Term]]) -> list[Hit]:
        hits = []
        for h in found:
            start, end = norm.original_span(h.start, h.end)
            original = text[start:end]
            for term in entries[h.index]:
                transforms = _span_transforms(original, term)
                hits.append(Hit(term, field, start, end, original, norm.text[h.start:h.end], transforms))
        return hits

    def detect(self, content: PreparedContent) -> list[Signal]:
        self.ensure_loaded()
        by_label: dict[str, list[Hit]] = defaultdict(list)
        for field, text in content.fields.items():
            for hit in self.find_hits(field, text):
                by_label[hit.term.label].append(hit)
        return [_signal(label, hits) for label, hits in sorted(by_label.items())]
