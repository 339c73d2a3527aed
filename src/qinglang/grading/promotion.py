"""Drainage density and ad density: how much of a content pushes readers elsewhere, per 1,000 characters.

Counted from the screening's signals (see the ``contacts``, ``links``, ``qr`` and ``lexicon`` detectors' READMEs),
so quality reads the same evidence the reviewers see:

| signal | counts as | weight |
|---|---|---|
| ``contacts.drainage/wechat_id``, ``/qq``, ``/phone`` | drainage | 1 per occurrence |
| ``contacts.drainage/lure`` (阅读原文, 扫码, 加我 …) | drainage | 0.5 per lure word |
| ``qr.qr/<kind>`` reaching a person or a group (``wechat_group``, ``wecom``, ``wechat_personal``, ``qq``, ``live_code``, ``short_link``) | drainage | 1 per code |
| ``links.link/short``, ``/redirect``, ``/live_code``, ``/known_bad_domain`` | drainage | 1 per link |
| ``links.link/read_original`` (阅读原文 link) | drainage | 0.5: common and mostly honest |
| ``lexicon.illicit_ad/drainage`` | drainage | 1 per occurrence of a term of severity 2 or 3 |
| ``links.link/url``; other ``qr`` kinds (a plain URL, an official account) | ads | 1 per link or code |
| ``lexicon.illicit_ad/<other>`` (account trading, ...) | ads | 1 per occurrence of a term of severity 2 or 3 |

Severity-1 lexicon terms are left out: by the lexicon's own definition they also occur in clean text (兼职, 日结,
刷子 are drainage words in ads and ordinary words in a biography or a novel).
Densities are per 1,000 characters of title and body, with at least 500 characters in the denominator: one
WeChat id in a two-line post is not "2,000 per thousand".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qinglang.domain import Signal

MIN_DENOMINATOR = 500
_PERSON_QR = {"wechat_group", "wecom", "wechat_personal", "qq", "live_code", "short_link"}
_DRAINAGE_LINKS = {"link/short": 1.0, "link/redirect": 1.0, "link/live_code": 1.0, "link/known_bad_domain": 1.0,
                   "link/read_original": 0.5}


@dataclass(frozen=True, slots=True)
class Promotion:
    """Weighted drainage and ad counts, their densities per 1,000 characters, and what was counted."""

    drainage: float
    ads: float
    per_thousand_drainage: float
    per_thousand_ads: float
    examples: tuple[str, ...]  # the first few targets or words counted, for the reasons


def _weigh(signal: Signal) -> tuple[str, float, str]:
    """(``drainage`` | ``ads`` | ``""``, weight, an example) for one signal."""
    occurrences = max(1, len(signal.evidence))
    target = str(signal.attrs.get("target") or (signal.evidence[0].text if signal.evidence else signal.label))
    if signal.detector == "contacts":
        if signal.label == "drainage/lure":
            lures = signal.attrs.get("lures") or [ev.text for ev in signal.evidence]
            return "drainage", 0.5 * max(1, len(lures)), "、".join(map(str, lures[:3]))
        return ("drainage", float(occurrences), target) if signal.label.startswith("drainage/") else ("", 0.0, "")
    if signal.detector == "qr" and signal.label.startswith("qr/"):
        return ("drainage" if signal.label[3:] in _PERSON_QR else "ads"), 1.0, target
    if signal.detector == "links":
        if signal.label in _DRAINAGE_LINKS:
            return "drainage", _DRAINAGE_LINKS[signal.label], target
        return ("ads", 1.0, target) if signal.label == "link/url" else ("", 0.0, "")
    if signal.detector == "lexicon" and signal.label.startswith("illicit_ad"):
        strong = [ev for ev in signal.evidence if int(ev.detail.get("severity", signal.severity) or 0) >= 2]
        example = strong[0].text if strong else ""
        return ("drainage" if signal.label == "illicit_ad/drainage" else "ads"), float(len(strong)), example
    return "", 0.0, ""


def measure_promotion(signals: Sequence[Signal], chars: int) -> Promotion:
    """Drainage and ads in ``signals`` for a content of ``chars`` characters (title and body)."""
    totals = {"drainage": 0.0, "ads": 0.0}
    examples: list[str] = []
    for signal in signals:
        kind, weight, example = _weigh(signal)
        if kind:
            totals[kind] += weight
            if example and example not in examples and len(examples) < 5:
                examples.append(example)
    per = 1000 / max(chars, MIN_DENOMINATOR)
    return Promotion(totals["drainage"], totals["ads"], round(totals["drainage"] * per, 3),
                     round(totals["ads"] * per, 3), tuple(examples))
