"""When a recomputed credit score makes a new history row: when it says something new, not when the account is
merely a day older or has one more article with the same rounded points."""

from __future__ import annotations

from qinglang.services.qualification.credit import _same


def _factors(**changes):
    base = {"violations": (0.0, {"count": 0}), "age": (1.0, {"days": 73}), "quality": (2.0, {"count": 3, "mean": 54.1})}
    base.update(changes)
    return [{"key": k, "points": p, "facts": f} for k, (p, f) in base.items()]


def test_drifting_facts_with_the_same_points_are_the_same():
    assert _same(_factors(), _factors(age=(1.0, {"days": 74}), quality=(2.0, {"count": 4, "mean": 54.2})))


def test_changed_points_or_a_new_violation_are_new():
    assert not _same(_factors(), _factors(quality=(2.1, {"count": 4, "mean": 54.3})))
    assert not _same(_factors(), _factors(violations=(0.0, {"count": 1})))
