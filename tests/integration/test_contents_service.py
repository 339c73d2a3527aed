"""Content submissions racing each other: the loser of the unique constraint answers as a replay or conflict."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qinglang.domain.model import Category, Decision, DetectorOutcome, Verdict
from qinglang.errors import Conflict
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import make_session_factory, transaction
from qinglang.storage.tables.core import ContentVersionRow, DecisionRow, ShadowDecisionRow


class _Result:
    def __init__(self, verdict: Verdict):
        self.decision = Decision(verdict, Category.NONE, outcomes=(DetectorOutcome("x", "1", "ok"),))
        self.shadow = Decision(Verdict.BLOCK, Category.PORN, policy_id="candidate")


class _RacingScreener:
    """While screening, another writer stores ``twin`` first (as a concurrent request would)."""

    def __init__(self, sessions, twin: ContentSubmission):
        self.sessions, self.twin, self.raced = sessions, twin, False
        self.service: ScreeningService | None = None

    def screen(self, item, *, register=None):
        if not self.raced:
            self.raced = True
            submit_content(self.sessions, self.service, self.twin, actor="other")
        return _Result(Verdict.PASS)


def _service(engine, twin):
    sessions = make_session_factory(engine)
    screener = _RacingScreener(sessions, twin)
    service = ScreeningService(screener, None, build_snapshot=list)
    screener.service = service
    return sessions, service


def _count(sessions, table) -> int:
    with transaction(sessions) as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_losing_a_race_with_the_same_payload_is_a_replay(engine):
    submission = ContentSubmission(content_id="c", version="1", text="正文")
    sessions, service = _service(engine, submission)
    result = submit_content(sessions, service, submission, actor="me")
    assert result.replayed
    assert _count(sessions, ContentVersionRow) == 1
    assert _count(sessions, DecisionRow) == 1


def test_losing_a_race_with_different_content_is_a_conflict(engine):
    twin = ContentSubmission(content_id="c", version="1", text="别的正文")
    sessions, service = _service(engine, twin)
    with pytest.raises(Conflict) as caught:
        submit_content(sessions, service, ContentSubmission(content_id="c", version="1", text="正文"), actor="me")
    assert caught.value.code == "content_version_conflict"
    assert _count(sessions, ContentVersionRow) == 1


def test_differing_shadow_decision_is_recorded(engine):
    sessions = make_session_factory(engine)

    class Screener:
        def screen(self, item, *, register=None):
            return _Result(Verdict.PASS)

    submit_content(sessions, ScreeningService(Screener()), ContentSubmission(content_id="s", text="t"), actor="me")

    with transaction(sessions) as session:
        row = session.execute(select(ShadowDecisionRow)).scalar_one()
    assert (row.live_verdict, row.shadow_verdict, row.shadow_policy_id) == ("pass", "block", "candidate")
