"""The rescreen tally: counts before and after, the changed items up to a cap, precision and recall that are
``None`` rather than invented when nothing is there to divide by."""

from __future__ import annotations

from qinglang.domain.rescreen import Agreement, Replayed, Tally


def _item(n: int, before: str, after: str, human: str | None = None) -> Replayed:
    return Replayed(n, f"c{n}", "1", before, "none" if before == "pass" else "porn", after,
                    "none" if after == "pass" else "porn", (), human)


def test_nothing_to_divide_by_gives_none():
    assert (Agreement().precision, Agreement().recall) == (None, None)


def test_the_tally_counts_everything_and_lists_changes_up_to_its_cap():
    tally = Tally(max_changes=1)
    for item in (_item(1, "pass", "block", "violation"), _item(2, "pass", "review", "no_violation"),
                 _item(3, "review", "review", "violation"), _item(4, "pass", "pass")):
        tally.add(item)
    body = tally.to_dict()
    assert (body["scanned"], body["changed"], body["reviewed"]) == (4, 2, 3)
    assert [c["content_id"] for c in body["changes"]] == ["c1"] and body["changes_truncated"] is True
    assert body["verdicts"]["pass"] == {"before": 3, "after": 1}
    assert body["current"]["precision"] == 1.0 and body["current"]["recall"] == 0.5
    assert body["candidate"]["precision"] == round(2 / 3, 4) and body["candidate"]["recall"] == 1.0
