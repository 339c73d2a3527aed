"""Content quality beyond harm: one score per content version, with flags and a reason for every point.

The score (0-100) is what a reader gets, less what the content does to them:

    base      = 100 x (40·originality + 30·substance + 30·structure) / (the weights of the parts measured)
    penalties = bait title 15 (+5 per weight above the threshold, at most 30)
              + drainage 15 per weighted hit per 1,000 characters (at most 40)
              + ads 5 per hit per 1,000 characters (at most 20)
    score     = base - penalties, kept within 0..100

- **originality** (0..1) comes from the caller: 1 minus the strongest near-duplicate match against earlier
  content by *other* accounts (the worker measures it with the similarity index, then :func:`with_originality`
  re-scores the stored assessment). When it was not measured the base is taken over substance and structure
  alone, and the assessment says so; such a work is never "excellent".
- **substance** rises from 0 at 100 visible characters to 1 at 800 (:data:`THIN_CHARS`, :data:`FULL_CHARS`).
- **structure** = 0.7 x paragraphing + 0.3 x navigation. Paragraphing is 1 when paragraphs average 300
  characters or fewer and falls to 0 at 1,500 (a wall of text); texts under 300 characters need no paragraphs.
  Navigation asks a long text (2,000+ characters) for at least one heading or image (else 0.5).
- **bait title**, **drainage** and **ads**: see :mod:`~qinglang.grading.bait` and
  :mod:`~qinglang.grading.promotion`.

Bands: ``excellent`` 80+, ``good`` 60+, ``fair`` 40+, ``poor`` below. Flags name what an editor should see:
``bait_title``, ``drainage`` (any weighted hit of 1 or more), ``ads`` (3+ per 1,000 characters), ``duplicate``
(originality below 0.5), ``thin`` (under 100 characters), ``wall_of_text`` (paragraphing below 0.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from qinglang.domain import ContentItem, Signal
from qinglang.grading.bait import BAIT_THRESHOLD, BaitAssessment, BaitPhrase, assess_title
from qinglang.grading.promotion import Promotion, measure_promotion
from qinglang.grading.shape import TextShape, measure_shape
from qinglang.qualification.reasons import Reason

QUALITY_VERSION = "quality-1"
WEIGHTS = {"originality": 40, "substance": 30, "structure": 30}
THIN_CHARS, FULL_CHARS = 100, 800
SHORT_TEXT, WALL_START, WALL_END, LONG_TEXT = 300, 300, 1500, 2000
BAIT_POINTS, BAIT_STEP, BAIT_CAP = 15.0, 5.0, 30.0
DRAINAGE_POINTS, DRAINAGE_CAP = 15.0, 40.0
ADS_POINTS, ADS_CAP, ADS_FLAG = 5.0, 20.0, 3.0
DUPLICATE_BELOW = 0.5


class QualityBand(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"

    @property
    def zh(self) -> str:
        """The band's name in Chinese, for reasons shown to editors."""
        return {"excellent": "优", "good": "良", "fair": "中", "poor": "差"}[self.value]


class QualityFlag(StrEnum):
    BAIT_TITLE = "bait_title"
    DRAINAGE = "drainage"
    ADS = "ads"
    DUPLICATE = "duplicate"
    THIN = "thin"
    WALL_OF_TEXT = "wall_of_text"


@dataclass(frozen=True, slots=True)
class QualityComponent:
    """One part of the score: its measured ``value`` (0..1, or a density), its ``points`` (a share of the base,
    or a penalty below 0) and the reason a person reads."""

    key: str
    value: float | None
    points: float
    reason: Reason


@dataclass(frozen=True, slots=True)
class QualityAssessment:
    content_id: str
    score: float
    band: QualityBand
    flags: frozenset[QualityFlag]
    components: tuple[QualityComponent, ...]
    originality: float | None
    shape: TextShape
    promotion: Promotion
    bait: BaitAssessment
    version: str = QUALITY_VERSION

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return tuple(c.reason for c in self.components)


def band_of(score: float) -> QualityBand:
    for floor, band in ((80, QualityBand.EXCELLENT), (60, QualityBand.GOOD), (40, QualityBand.FAIR)):
        if score >= floor:
            return band
    return QualityBand.POOR


def substance(chars: int) -> float:
    """0 below 100 visible characters, rising to 1 at 800."""
    return 0.0 if chars < THIN_CHARS else min(1.0, (chars - THIN_CHARS) / (FULL_CHARS - THIN_CHARS))


def paragraphing(shape: TextShape) -> float:
    """1 when paragraphs average 300 characters or fewer (or the text is short), 0 at 1,500 or more."""
    if shape.chars < SHORT_TEXT or shape.paragraphs == 0:
        return 1.0
    return max(0.0, min(1.0, (WALL_END - shape.mean_paragraph) / (WALL_END - WALL_START)))


def structure(shape: TextShape) -> float:
    navigation = 1.0 if shape.chars < LONG_TEXT or shape.headings or shape.images else 0.5
    return round(0.7 * paragraphing(shape) + 0.3 * navigation, 4)


def assess_quality(item: ContentItem, signals: Sequence[Signal] = (), *, originality: float | None = None,
                   duplicate_of: str | None = None, phrases: Sequence[BaitPhrase] | None = None) -> QualityAssessment:
    """The quality of one content version. ``signals`` are its screening signals; ``originality`` (0..1) and
    ``duplicate_of`` (the earlier content it resembles most) come from the similarity index."""
    if originality is not None and not 0.0 <= originality <= 1.0:
        raise ValueError(f"originality must be within 0..1, got {originality}")
    shape = measure_shape(item)
    promotion = measure_promotion(signals, shape.chars + len(item.title))
    bait = assess_title(item.title, body_chars=shape.chars, signals=signals, phrases=phrases)
    parts = _base_parts(shape, originality, duplicate_of)
    penalties = _penalties(bait, promotion)
    score = round(max(0.0, min(100.0, sum(c.points for c in (*parts, *penalties)))), 1)
    flags = _flags(shape, promotion, bait, originality)
    return QualityAssessment(item.id, score, band_of(score), flags, (*parts, *penalties), originality, shape,
                             promotion, bait)


def _shares(values: dict[str, float | None]) -> dict[str, float]:
    """Each base part's points: its weighted value over the weights of the parts measured (100 in all)."""
    measured = sum(WEIGHTS[k] for k, v in values.items() if v is not None)
    return {k: round(100 * WEIGHTS[k] * v / measured if v is not None else 0.0, 2) for k, v in values.items()}


def _base_parts(shape: TextShape, originality: float | None, duplicate_of: str | None) -> list[QualityComponent]:
    values = {"originality": originality, "substance": substance(shape.chars), "structure": structure(shape)}
    share = _shares(values)
    return [
        QualityComponent("originality", originality, share["originality"],
                         _originality_reason(originality, duplicate_of)),
        QualityComponent("substance", values["substance"], share["substance"], _substance_reason(shape)),
        QualityComponent("structure", values["structure"], share["structure"], _structure_reason(shape)),
    ]


@dataclass(frozen=True, slots=True)
class Rescored:
    """An assessment with its originality measured afterwards: what is stored in place of the first result."""

    score: float
    band: QualityBand
    flags: frozenset[QualityFlag]
    components: tuple[QualityComponent, ...]
    originality: float


def with_originality(components: Sequence[QualityComponent], flags: frozenset[QualityFlag], originality: float,
                     duplicate_of: str | None = None) -> Rescored:
    """An assessment made before its originality was known, re-scored with it: the substance and structure parts
    keep their values and reasons (their points are re-shared over all three weights), the penalties stay, the
    ``duplicate`` flag follows the new originality. Same result as :func:`assess_quality` given ``originality``
    in the first place, without the item or its signals."""
    if not 0.0 <= originality <= 1.0:
        raise ValueError(f"originality must be within 0..1, got {originality}")
    by_key = {c.key: c for c in components}
    values = {"originality": originality, "substance": by_key["substance"].value,
              "structure": by_key["structure"].value}
    share = _shares(values)
    parts = [QualityComponent("originality", originality, share["originality"],
                              _originality_reason(originality, duplicate_of))]
    parts += [QualityComponent(k, by_key[k].value, share[k], by_key[k].reason) for k in ("substance", "structure")]
    penalties = [c for c in components if c.key not in WEIGHTS]
    score = round(max(0.0, min(100.0, sum(c.points for c in (*parts, *penalties)))), 1)
    kept = {f for f in flags if f is not QualityFlag.DUPLICATE}
    if originality < DUPLICATE_BELOW:
        kept.add(QualityFlag.DUPLICATE)
    return Rescored(score, band_of(score), frozenset(kept), (*parts, *penalties), originality)


def _penalties(bait: BaitAssessment, promotion: Promotion) -> list[QualityComponent]:
    out = []
    if bait.flagged:
        points = min(BAIT_CAP, BAIT_POINTS + BAIT_STEP * (bait.score - BAIT_THRESHOLD))
        zh = "；".join(r.zh for r in bait.reasons)
        en = "; ".join(r.en for r in bait.reasons)
        out.append(QualityComponent("bait_title", float(bait.score), -points, Reason(
            "quality_bait_title", f"标题党（-{points:g} 分）：{zh}", f"bait title (-{points:g}): {en}",
            {"weight": bait.score})))
    if promotion.drainage:
        points = round(min(DRAINAGE_CAP, DRAINAGE_POINTS * promotion.per_thousand_drainage), 2)
        seen = "、".join(promotion.examples[:3])
        out.append(QualityComponent("drainage", promotion.per_thousand_drainage, -points, Reason(
            "quality_drainage", f"引流：每千字 {promotion.per_thousand_drainage:g} 处（{seen}），-{points:g} 分",
            f"drainage: {promotion.per_thousand_drainage:g} per 1,000 characters ({seen}), -{points:g}",
            {"drainage": promotion.drainage})))
    if promotion.ads:
        points = round(min(ADS_CAP, ADS_POINTS * promotion.per_thousand_ads), 2)
        out.append(QualityComponent("ads", promotion.per_thousand_ads, -points, Reason(
            "quality_ads", f"广告链接或二维码：每千字 {promotion.per_thousand_ads:g} 处，-{points:g} 分",
            f"ad links or codes: {promotion.per_thousand_ads:g} per 1,000 characters, -{points:g}",
            {"ads": promotion.ads})))
    return out


def _flags(shape: TextShape, promotion: Promotion, bait: BaitAssessment,
           originality: float | None) -> frozenset[QualityFlag]:
    checks = {
        QualityFlag.BAIT_TITLE: bait.flagged,
        QualityFlag.DRAINAGE: promotion.drainage >= 1.0,
        QualityFlag.ADS: promotion.per_thousand_ads >= ADS_FLAG,
        QualityFlag.DUPLICATE: originality is not None and originality < DUPLICATE_BELOW,
        QualityFlag.THIN: shape.chars < THIN_CHARS,
        QualityFlag.WALL_OF_TEXT: paragraphing(shape) < 0.5,
    }
    return frozenset(flag for flag, raised in checks.items() if raised)


def _originality_reason(originality: float | None, duplicate_of: str | None) -> Reason:
    if originality is None:
        return Reason("quality_originality_unknown", "原创度未测（未与其他账号的内容比对），不计入",
                      "originality not measured (not compared with other accounts' content); left out")
    if originality < DUPLICATE_BELOW:
        other = f"与较早的内容 {duplicate_of} " if duplicate_of else "与其他账号较早的内容"
        other_en = f"earlier content {duplicate_of}" if duplicate_of else "earlier content by another account"
        return Reason("quality_duplicate", f"{other}高度相似（原创度 {originality:.2f}）",
                      f"closely resembles {other_en} (originality {originality:.2f})", {"duplicate_of": duplicate_of})
    if duplicate_of and originality < 1.0:
        return Reason("quality_originality", f"原创度 {originality:.2f}（与较早的内容 {duplicate_of} 部分相似）",
                      f"originality {originality:.2f} (partly resembles earlier content {duplicate_of})",
                      {"duplicate_of": duplicate_of})
    return Reason("quality_originality", f"原创度 {originality:.2f}", f"originality {originality:.2f}")


def _substance_reason(shape: TextShape) -> Reason:
    if shape.chars < THIN_CHARS:
        return Reason("quality_thin", f"正文过短（{shape.chars} 字）", f"the body is thin ({shape.chars} characters)")
    return Reason("quality_substance", f"正文 {shape.chars:,} 字", f"{shape.chars:,} characters of body text")


def _structure_reason(shape: TextShape) -> Reason:
    if paragraphing(shape) < 0.5:
        return Reason("quality_wall_of_text", f"大段文字未分段（平均每段 {shape.mean_paragraph:,.0f} 字）",
                      f"a wall of text (paragraphs average {shape.mean_paragraph:,.0f} characters)")
    return Reason("quality_structure", f"分 {shape.paragraphs} 段，{shape.headings} 个小标题，{shape.images} 张图片",
                  f"{shape.paragraphs} paragraphs, {shape.headings} headings, {shape.images} images")
