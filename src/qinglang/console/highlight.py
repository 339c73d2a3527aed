"""Pure helpers for the case page: cut the original text into plain and highlighted segments from evidence
spans, and explain each hit. Spans always index the ORIGINAL text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    hit: int | None = None  # index into the explained hits, or None for plain text


@dataclass(frozen=True, slots=True)
class Hit:
    number: int
    start: int
    end: int
    text: str
    signal: str
    explanation: str


def explain(ev: dict[str, Any]) -> str:
    detail = ev.get("detail") or {}
    parts = [f"{k}={v}" for k, v in detail.items() if isinstance(v, str | int | float) and str(v)]
    return "; ".join(parts) or "matched"


def segments(text: str, evidence: Sequence[dict[str, Any]], field: str = "text") -> tuple[list[Segment], list[Hit]]:
    """Non-overlapping highlighted segments covering ``text`` exactly once, plus the hits they point to."""
    spans = sorted(
        (e for e in evidence if e.get("field", field) == field and isinstance(e.get("start"), int)
         and isinstance(e.get("end"), int) and 0 <= e["start"] < e["end"] <= len(text)),
        key=lambda e: (e["start"], -e["end"]),
    )
    out: list[Segment] = []
    hits: list[Hit] = []
    pos = 0
    for ev in spans:
        if ev["start"] < pos:
            continue  # overlaps a hit already shown
        if ev["start"] > pos:
            out.append(Segment(text[pos:ev["start"]]))
        signal = f"{ev.get('detector', '')}.{ev.get('label', '')}".strip(".")
        hits.append(Hit(len(hits) + 1, ev["start"], ev["end"], text[ev["start"]:ev["end"]], signal, explain(ev)))
        out.append(Segment(text[ev["start"]:ev["end"]], len(hits)))
        pos = ev["end"]
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out, hits


def qr_targets(evidence: Sequence[dict[str, Any]]) -> list[str]:
    found = []
    for ev in evidence:
        detail = ev.get("detail") or {}
        if ev.get("kind") == "qr_code" and detail.get("payload"):
            found.append(str(detail["payload"]))
    return found
