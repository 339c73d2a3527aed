"""Pure helpers for the case page: cut the original text into segments from evidence spans, and explain every hit.
Spans always index the ORIGINAL text.

Spans may overlap — a lexicon term inside a contact handle inside a classifier window — and none may swallow
another. So the text is cut at **every** span boundary: each segment lists all the hits covering it (``hits``),
the kinds of those hits (for the page's colours) and the hits that end at it (``ends``, where their numbers are
printed). Every span that fits the text gets its own numbered :class:`Hit`; evidence without a span (a decoded
QR code, an image, a register entry) is listed too, after the spans, so nothing a detector said is hidden::

    text      加我薇信abc123
    contact       [薇信abc123]        hit 1
    lexicon     [我薇信]              hit 2
    segments  加|我|薇信|abc123       hits () (2) (1, 2) (1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

KINDS = {"lexicon": "lexicon", "contacts": "contact", "classifier": "classifier", "qr": "qr", "links": "link",
         "guard": "guard", "image": "image", "phash": "image"}


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    hits: tuple[int, ...] = ()  # numbers of the hits covering this piece, innermost (shortest) first
    kinds: tuple[str, ...] = ()
    ends: tuple[int, ...] = ()  # hits whose span ends with this piece

    @property
    def hit(self) -> int | None:
        """The innermost hit covering this piece, or ``None`` for plain text."""
        return self.hits[0] if self.hits else None


@dataclass(frozen=True, slots=True)
class Hit:
    number: int
    start: int | None
    end: int | None
    text: str
    signal: str
    explanation: str
    kind: str = "other"  # lexicon | contact | classifier | qr | link | guard | image | other
    score: float | None = None
    field: str = "text"


def kind_of(ev: dict[str, Any]) -> str:
    if ev.get("kind") == "qr_code":
        return "qr"
    return KINDS.get(str(ev.get("detector", "")), "other")


def explain(ev: dict[str, Any]) -> str:
    detail = ev.get("detail") or {}
    parts = [f"{k}={v}" for k, v in detail.items() if isinstance(v, str | int | float) and str(v)]
    return "; ".join(parts) or "matched"


def _signal(ev: dict[str, Any]) -> str:
    return f"{ev.get('detector', '')}.{ev.get('label', '')}".strip(".") or str(ev.get("kind", "evidence"))


def _score(ev: dict[str, Any]) -> float | None:
    score = ev.get("score")
    return float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None


def _fits(ev: dict[str, Any], text: str, field: str) -> bool:
    start, end = ev.get("start"), ev.get("end")
    return (ev.get("field", field) == field and isinstance(start, int) and isinstance(end, int)
            and not isinstance(start, bool) and not isinstance(end, bool) and 0 <= start < end <= len(text))


def segments(text: str, evidence: Sequence[dict[str, Any]], field: str = "text", *,
             first: int = 1) -> tuple[list[Segment], list[Hit]]:
    """Segments covering ``text`` exactly once, cut at every span boundary, and the hits (numbered from
    ``first``) of the evidence spans in ``field``; one hit per distinct span and signal."""
    seen: set[tuple[int, int, str]] = set()
    hits: list[Hit] = []
    for ev in sorted((e for e in evidence if _fits(e, text, field)), key=lambda e: (e["start"], -e["end"])):
        key = (ev["start"], ev["end"], _signal(ev))
        if key in seen:
            continue
        seen.add(key)
        hits.append(Hit(first + len(hits), ev["start"], ev["end"], text[ev["start"]:ev["end"]], _signal(ev),
                        explain(ev), kind_of(ev), _score(ev), field))
    cuts = sorted({0, len(text), *(h.start for h in hits), *(h.end for h in hits)})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = sorted((h for h in hits if h.start <= a and b <= h.end), key=lambda h: (h.end - h.start, h.number))
        out.append(Segment(text[a:b], tuple(h.number for h in covering),
                           tuple(dict.fromkeys(h.kind for h in covering)),
                           tuple(h.number for h in hits if h.end == b)))
    return out, hits


def spanless(evidence: Sequence[dict[str, Any]], texts: dict[str, str], *, first: int = 1) -> list[Hit]:
    """Hits for evidence that marks no span of the shown fields: QR codes, images, register entries, links in
    HTML or other fields."""
    out: list[Hit] = []
    for ev in evidence:
        if any(_fits(ev, text, name) for name, text in texts.items()):
            continue
        shown = str(ev.get("text") or (ev.get("detail") or {}).get("payload") or "")
        out.append(Hit(first + len(out), None, None, shown, _signal(ev), explain(ev), kind_of(ev), _score(ev),
                       str(ev.get("field", ""))))
    return out


@dataclass(frozen=True, slots=True)
class Highlighted:
    title: list[Segment]
    text: list[Segment]
    hits: list[Hit]  # every hit, numbered once across title, text and span-less evidence


def highlight(title: str, text: str, evidence: Sequence[dict[str, Any]]) -> Highlighted:
    """The case page's evidence: title and text segments, and every hit numbered once."""
    title_parts, title_hits = segments(title, evidence, field="title")
    text_parts, text_hits = segments(text, evidence, first=len(title_hits) + 1)
    rest = spanless(evidence, {"title": title, "text": text}, first=len(title_hits) + len(text_hits) + 1)
    return Highlighted(title_parts, text_parts, [*title_hits, *text_hits, *rest])


def qr_targets(evidence: Sequence[dict[str, Any]]) -> list[str]:
    """The decoded QR payloads, once each: the QR detector puts the payload in the evidence's ``text``."""
    found: list[str] = []
    for ev in evidence:
        if ev.get("kind") != "qr_code":
            continue
        payload = str(ev.get("text") or (ev.get("detail") or {}).get("payload") or "")
        if payload and payload not in found:
            found.append(payload)
    return found
