"""The account stage: a suspended or closed account's content is blocked with the reason, an operator on the block
list matches at screening, and the policy reads the account's grade."""

from __future__ import annotations

from qinglang.detectors.base import Detector
from qinglang.domain import ContentItem, Evidence, ListKind, Signal, Verdict
from qinglang.pipeline.register import RegisterEntry, RegisterSnapshot
from qinglang.pipeline.screener import Screener
from qinglang.pipeline.standing import AccountStanding, standing_signals
from qinglang.policy import default_policy


class MildTerm(Detector):
    """One mild lexicon hit on 低俗, which passes on its own under the default policy."""

    name = "lexicon"
    version = "test-1"

    def detect(self, content):
        text = content.fields.get("text", "")
        start = text.find("低俗")
        if start < 0:
            return []
        ev = Evidence(kind="text_span", field="text", start=start, end=start + 2, text="低俗")
        return [Signal("lexicon", "abuse/mild", 0.1, (ev,), 1)]


ITEM = ContentItem("c-1", title="标题", text="一篇有点低俗的文章", account_id="acc-1")


def _screen(standing, register=None):
    return Screener([MildTerm()], default_policy()).screen(ITEM, register=register, standing=standing).decision


def test_closed_account_content_is_blocked_with_the_reason():
    decision = _screen(AccountStanding("acc-1", "closed", status_reason="多次发布色情内容"))
    assert decision.verdict is Verdict.BLOCK and "account-not-active-block" in decision.rules
    evidence = next(s for o in decision.outcomes for s in o.signals if s.label == "status/closed").evidence[0]
    assert evidence.detail == {"status": "closed", "reason": "多次发布色情内容"}


def test_active_or_restricted_account_is_not_blocked_for_its_status():
    for status in ("active", "restricted"):
        assert _screen(AccountStanding("acc-1", status, grade="B")).verdict is Verdict.PASS


def test_operator_on_the_block_list_matches_by_identity_digest():
    register = RegisterSnapshot.from_entries([RegisterEntry("7", ListKind.OPERATOR, "hmac-sha256:ab", "block", "封禁")])
    decision = _screen(AccountStanding("acc-1", operator_keys=("op-new", "hmac-sha256:ab")), register)
    assert decision.verdict is Verdict.BLOCK and "register-blocked-block" in decision.rules
    clean = _screen(AccountStanding("acc-1", operator_keys=("op-other",)), register)
    assert clean.verdict is Verdict.PASS


def test_low_grade_account_sends_a_borderline_hit_to_review():
    assert _screen(AccountStanding("acc-1", grade="E")).verdict is Verdict.REVIEW
    assert _screen(AccountStanding("acc-1", grade="D")).rules[-1] == "account-low-grade-review"
    assert _screen(AccountStanding("acc-1", grade="C")).verdict is Verdict.PASS


def test_low_grade_alone_sends_nothing_to_review():
    clean = Screener([MildTerm()], default_policy()).screen(ContentItem("c-2", text="普通文章"),
                                                            standing=AccountStanding("acc-1", grade="E"))
    assert clean.decision.verdict is Verdict.PASS


def test_standing_signals_are_valid_signals():
    signals = standing_signals(AccountStanding("a", "suspended", "A", ("op", "hmac-sha256:x")))
    assert [s.label for s in signals] == ["status/suspended", "grade/a", "operator", "operator"]
    assert all(0.0 <= s.score <= 1.0 for s in signals)
