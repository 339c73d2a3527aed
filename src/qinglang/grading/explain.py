"""Human-readable explanations of a credit score and of each change between two scores, Chinese first.

:func:`explain_credit` says what the grade is and why, one line per factor with its points.
:func:`explain_change` says how the grade moved between two computations and which factors moved it, so an
account page (and the platform's webhook) can show "等级由 B（良好）降为 C（中等）：已核实违规由 0 次变为 1 次 …".
Both return :class:`~qinglang.qualification.reasons.Reason` values, so the console picks the language and the
API can carry both. The texts are fixed by a golden file (``tests/unit/golden/grading/explanations.txt``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from qinglang.grading.credit import GRADE_NAMES, CreditFactor, CreditScore, Grade
from qinglang.qualification.reasons import Reason
from qinglang.qualification.requirements import QualificationState

_QUALIFICATION = {
    None: ("未评估资质", "qualification not assessed"),
    QualificationState.QUALIFIED.value: ("资质齐全", "qualified"),
    QualificationState.EXPIRING.value: ("资质齐全但即将到期", "qualified, a licence expires soon"),
    QualificationState.PENDING.value: ("资质待审核", "qualification awaiting review"),
    QualificationState.UNQUALIFIED.value: ("资质不全", "not qualified"),
    QualificationState.INELIGIBLE.value: ("运营者类型不符合账号类别", "operator kind not allowed for the category"),
}


def _violations(f: Mapping[str, Any]) -> tuple[str, str]:
    if not f["count"]:
        return "无已核实违规", "no verified violations"
    parts_zh = "、".join(f"{label} {f[k]} 次" for k, label in (("severe", "严重"), ("moderate", "中等"),
                                                                ("mild", "轻微")) if f[k])
    parts_en = ", ".join(f"{f[k]} {k}" for k in ("severe", "moderate", "mild") if f[k])
    return (f"已核实违规 {f['count']} 次（{parts_zh}；近 90 天 {f['recent']} 次）",
            f"{f['count']} verified violation{'s' if f['count'] != 1 else ''} ({parts_en}; {f['recent']} in the "
            "last 90 days)")


def _count(zh: str, en_one: str, en_many: str) -> Callable[[Mapping[str, Any]], tuple[str, str]]:
    def describe(f: Mapping[str, Any]) -> tuple[str, str]:
        n = f["count"]
        return zh.format(n=n), (en_one if n == 1 else en_many).format(n=n)
    return describe


def _quality(f: Mapping[str, Any]) -> tuple[str, str]:
    if not f["count"]:
        return "暂无内容质量评估", "no content quality assessed yet"
    return (f"近期 {f['count']} 篇内容平均质量分 {f['mean']:g}",
            f"mean quality score {f['mean']:g} over {f['count']} recent item{'s' if f['count'] != 1 else ''}")


_DESCRIBE: Mapping[str, Callable[[Mapping[str, Any]], tuple[str, str]]] = {
    "violations": _violations,
    "strikes": _count("当前有效处罚记分 {n} 次", "{n} active strike", "{n} active strikes"),
    "reports": _count("举报经核实 {n} 次", "{n} upheld report", "{n} upheld reports"),
    "appeals": _count("申诉改判 {n} 次（对账号有利）", "{n} appeal overturned in the account's favour",
                      "{n} appeals overturned in the account's favour"),
    "identity": lambda f: ("运营者身份已核验", "operator identity verified") if f["verified"] else (
        "运营者身份未核验", "operator identity not verified"),
    "qualification": lambda f: _QUALIFICATION[f["state"]],
    "age": lambda f: (f"账号注册 {f['days']} 天", f"account {f['days']} days old"),
    "reach": lambda f: (f"粉丝 {f['followers']:,} 人", f"{f['followers']:,} followers"),
    "quality": _quality,
}
FACTOR_NAMES: Mapping[str, tuple[str, str]] = {
    "violations": ("违规记录", "violations"), "strikes": ("处罚记分", "strikes"), "reports": ("举报", "reports"),
    "appeals": ("申诉", "appeals"), "identity": ("身份核验", "identity"), "qualification": ("资质", "qualification"),
    "age": ("账号年龄", "account age"), "reach": ("影响力", "reach"), "quality": ("内容质量", "content quality"),
}


def _points(p: float) -> str:
    return f"{p + 0.0:+g}"


def _grade(grade: Grade, lang: int) -> str:
    return f"{grade.value}（{GRADE_NAMES[grade][0]}）" if lang == 0 else f"{grade.value} ({GRADE_NAMES[grade][1]})"


def describe_factor(factor: CreditFactor) -> Reason:
    """One factor as a sentence with its points: "已核实违规 1 次（严重 1 次；近 90 天 1 次）：-25 分"."""
    zh, en = _DESCRIBE[factor.key](factor.facts)
    return Reason(f"credit_{factor.key}", f"{zh}：{_points(factor.points)} 分", f"{en}: {_points(factor.points)}",
                  {"points": factor.points, **factor.facts})


def explain_credit(score: CreditScore) -> tuple[Reason, ...]:
    """The grade and score, then every factor with its points (those at 0 too: they say what is missing)."""
    capped_zh = f"，各项合计 {score.raw:g}，以 0-100 计" if score.raw != score.score else ""
    capped_en = f"; the factors add up to {score.raw:g}, kept within 0-100" if score.raw != score.score else ""
    head = Reason("credit_grade", f"信用等级 {_grade(score.grade, 0)}，信用分 {score.score:g}（基础分 60{capped_zh}）",
                  f"credit grade {_grade(score.grade, 1)}, score {score.score:g} (base 60{capped_en})",
                  {"grade": score.grade.value, "score": score.score, "raw": score.raw})
    return (head, *(describe_factor(f) for f in score.factors))


def explain_change(before: CreditScore, after: CreditScore) -> tuple[Reason, ...]:
    """How the grade moved from ``before`` to ``after`` and every factor whose points changed, largest first."""
    if after.grade.rank != before.grade.rank:
        verb_zh, verb_en = ("升为", "rose to") if after.grade.rank > before.grade.rank else ("降为", "fell to")
        zh = f"信用等级由 {_grade(before.grade, 0)}{verb_zh} {_grade(after.grade, 0)}"
        en = f"credit grade {verb_en} {_grade(after.grade, 1)} from {_grade(before.grade, 1)}"
    else:
        zh, en = f"信用等级不变（{_grade(after.grade, 0)}）", f"credit grade unchanged ({_grade(after.grade, 1)})"
    head = Reason("credit_grade_change", f"{zh}，信用分 {before.score:g} → {after.score:g}",
                  f"{en}; score {before.score:g} -> {after.score:g}",
                  {"from": before.grade.value, "to": after.grade.value, "score_from": before.score,
                   "score_to": after.score})
    old = {f.key: f for f in before.factors}
    moved = sorted((f for f in after.factors if f.key in old and f.points != old[f.key].points),
                   key=lambda f: -abs(f.points - old[f.key].points))
    return (head, *(_factor_change(old[f.key], f) for f in moved))


def _factor_change(old: CreditFactor, new: CreditFactor) -> Reason:
    (was_zh, was_en), (now_zh, now_en) = _DESCRIBE[old.key](old.facts), _DESCRIBE[new.key](new.facts)
    name_zh, name_en = FACTOR_NAMES[new.key]
    delta = _points(round(new.points - old.points, 1))
    return Reason(f"credit_{new.key}_changed", f"{name_zh}：{was_zh} → {now_zh}，{delta} 分",
                  f"{name_en}: {was_en} -> {now_en}, {delta}",
                  {"from": old.points, "to": new.points, "facts_from": dict(old.facts), "facts_to": dict(new.facts)})
