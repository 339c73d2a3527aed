"""The ``contacts`` detector: drainage handles (WeChat IDs, QQ numbers, mobile numbers) and lures in text.

Matching runs on normalised text, so disguises (薇 信, V❤, ➕V, 扣扣, 一三八..., ①③⑧, full-width digits,
digits split by spaces or dashes) are seen through; every handle is reported as a span of the ORIGINAL text
with the cue word and the transforms that exposed it. URLs and domains belong to the ``links`` detector.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from qinglang.detectors.base import Detector, DetectorConfig, PreparedContent
from qinglang.detectors.contacts import patterns as P
from qinglang.domain import Evidence, Signal
from qinglang.text.normalize import NormalizedText, explain, normalize_cached, transforms_of

_NON_DIGIT = re.compile(r"\D")


class ContactsConfig(DetectorConfig):
    lures: bool = True  # report drainage/lure signals
    bare_phones: bool = True  # report mobile numbers without a cue word (at a lower score)


@dataclass(frozen=True, slots=True)
class Found:
    kind: str  # wechat | qq | phone | lure
    value: str  # canonical value (lower-case id, digits)
    field: str
    start: int  # original span of the handle
    end: int
    text: str
    detail: dict

    @property
    def target(self) -> str:
        return f"{self.kind}:{self.value}"


PLAIN_CUES = ("微信", "qq", "wechat", "weixin")
NOTES = {
    "variant_cue": "a look-alike or abbreviated cue word (薇信, vx, V❤, 扣扣, 企鹅 …)",
    "keycap": "digits written as keycap emoji (1️⃣5️⃣8️⃣ …)",
}
LABELS = {"wechat": "drainage/wechat_id", "qq": "drainage/qq", "phone": "drainage/phone", "lure": "drainage/lure"}


def _transforms(original: str) -> list[str]:
    return list(transforms_of(original))


def explain_contact(transforms: list[str]) -> str:
    return "; ".join(NOTES.get(t) or explain([t]) for t in transforms)


def _found(kind: str, value: str, field: str, text: str, norm: NormalizedText, m: re.Match[str], cue: bool) -> Found:
    start, end = norm.original_span(*m.span("handle"))
    cue_start, cue_end = norm.original_span(m.start(), m.start("handle"))
    transforms = _transforms(text[cue_start:end] if cue else text[start:end])
    if cue and not any(plain in m.group()[: m.start("handle") - m.start()] for plain in PLAIN_CUES):
        transforms.append("variant_cue")
    if P.KEYCAP in m.group("handle"):
        transforms.append("keycap")
    detail = {"handle_kind": kind, "transforms": transforms}
    if cue:
        detail["cue"] = text[cue_start:cue_end].strip()
    if transforms:
        detail["explanation"] = explain_contact(transforms)
    return Found(kind, value, field, start, end, text[start:end], detail)


@lru_cache(maxsize=1)
def _cue_matcher():
    from qinglang.text.terms import TermMatcher

    return TermMatcher(P.WECHAT_LITERALS + P.QQ_LITERALS, whole_words=False)


def _cue_kinds(normalised: str) -> set[str]:
    """The handle kinds (``wechat``, ``qq``) whose cue words occur in the text: only their expressions need to run."""
    n_wechat = len(P.WECHAT_LITERALS)
    return {"wechat" if h.index < n_wechat else "qq" for h in _cue_matcher().find(normalised)}


HANDLE_PATTERNS = (("wechat", P.WECHAT), ("qq", P.QQ))


def _handles(field: str, text: str, norm: NormalizedText, cues: set[str]) -> list[Found]:
    out: list[Found] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in HANDLE_PATTERNS:
        if kind not in cues:
            continue
        for m in pattern.finditer(norm.text):
            handle = m.group("handle")
            if kind == "wechat" and handle in P.NOT_HANDLES:
                continue
            value = _NON_DIGIT.sub("", handle) if kind == "qq" else handle.replace(P.KEYCAP, "")
            out.append(_found(kind, value, field, text, norm, m, cue=True))
            taken.append(m.span("handle"))
    for m in P.PHONE.finditer(norm.text):
        if _digit_before(norm.text, m.start()):
            continue
        if any(s < m.end("handle") and m.start("handle") < e for s, e in taken):
            continue
        cued = bool(P.PHONE_CUE.search(norm.text, max(0, m.start() - 12), m.start()))
        found = _found("phone", _NON_DIGIT.sub("", m.group("handle")), field, text, norm, m, cue=False)
        found.detail["cued"] = cued
        out.append(found)
    return out


def _worth_a_look(normalised: str, cues: set[str], lures: bool) -> bool:
    """Cheap pre-check: a cue word, a mobile-number shape or a lure occurs somewhere in the text."""
    return bool(cues or P.PHONE.search(normalised) or (lures and P.LURE.search(normalised)))


def _digit_before(text: str, start: int) -> bool:
    """True when the number continues to the left (a longer number), except for the +86 / 86 country code.
    A keycap (8⃣6⃣) counts as its digit."""
    head = text[max(0, start - 8):start].replace(P.KEYCAP, "")[-4:]
    if not head or not head[-1].isdigit():
        return False
    return not (head.endswith("86") and (len(head) < 3 or not head[-3].isdigit()))


def _lures(field: str, text: str, norm: NormalizedText) -> list[Found]:
    out = []
    for m in P.LURE.finditer(norm.text):
        start, end = norm.original_span(*m.span())
        transforms = _transforms(text[start:end])
        detail = {"lure": m.group(), "transforms": transforms}
        if transforms:
            detail["explanation"] = explain_contact(transforms)
        out.append(Found("lure", m.group(), field, start, end, text[start:end], detail))
    return out


def _score(group: list[Found]) -> tuple[float, int]:
    kind = group[0].kind
    if kind == "lure":
        return min(0.3 + 0.1 * (len({f.value for f in group}) - 1), 0.6), 1
    if kind == "phone" and not any(f.detail.get("cued") for f in group):
        return 0.5, 1
    disguised = any(set(f.detail["transforms"]) - {"fold"} for f in group)
    return (0.95, 3) if disguised else (0.85, 2)


def _evidence(f: Found) -> Evidence:
    return Evidence("contact" if f.kind != "lure" else "text_span", f.field, f.start, f.end, f.text, dict(f.detail))


def _signal(group: list[Found]) -> Signal:
    first = group[0]
    score, severity = _score(group)
    if first.kind == "lure":
        attrs = {"target_kind": "lure", "lures": sorted({f.value for f in group})}
    else:
        attrs = {"target_kind": "contact", "target": first.target, "handle_kind": first.kind, "value": first.value}
    return Signal("contacts", LABELS[first.kind], score, tuple(_evidence(f) for f in group), severity, attrs)


class ContactsDetector(Detector):
    """WeChat IDs, QQ numbers and mobile numbers (also disguised), plus read-the-original / scan-the-code lures."""

    name = "contacts"
    version = "1.1"
    config_class = ContactsConfig

    def find(self, field: str, text: str) -> list[Found]:
        """Every handle and lure in one field, as spans of the original ``text``."""
        if not text:
            return []
        norm = normalize_cached(text)  # shared with the other detectors scanning this field
        cues = _cue_kinds(norm.text)
        if not _worth_a_look(norm.text, cues, self.config.lures):
            return []
        found = _handles(field, text, norm, cues)
        if not self.config.bare_phones:
            found = [f for f in found if f.kind != "phone" or f.detail.get("cued")]
        if self.config.lures:
            found += _lures(field, text, norm)
        return found

    def detect(self, content: PreparedContent) -> list[Signal]:
        groups: dict[tuple[str, str], list[Found]] = defaultdict(list)
        for field, text in content.fields.items():
            for f in self.find(field, text):
                key = ("lure", "") if f.kind == "lure" else (f.kind, f.value)
                groups[key].append(f)
        return [_signal(group) for _, group in sorted(groups.items())]
