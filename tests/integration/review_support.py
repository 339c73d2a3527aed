"""Helpers shared by the review integration tests."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from qinglang.config import ReviewSettings
from qinglang.services.review import reports, users
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.storage.tables.core import AccountRow, ContentVersionRow

SECRET = "test-secret"
REVIEW = ReviewSettings(reward_cents=500, reward_cap_cents_per_month=800)


@contextmanager
def sessions_for(url: str):
    engine = make_engine(url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def seed_content(factory, content_id: str = "art-1", account_id: str = "acc-1", followers: int = 5000) -> None:
    with transaction(factory) as s:
        if s.get(AccountRow, account_id) is None:
            s.add(AccountRow(id=account_id, name=f"account {account_id}", followers=followers))
            s.flush()
        s.add(ContentVersionRow(content_id=content_id, version="1", account_id=account_id, title="标题",
                                body_text="加我薇信 abc123 看全集", content_hash=content_id))


def make_user(factory, name: str, role: str) -> users.User:
    with transaction(factory) as s:
        return users.create_user(s, name, "password-" + name, role, actor="test")


def file(factory, target_id: str = "art-1", *, ip: str = "10.0.0.1", contact: str = "", reason: str = "porn",
         reporter_account_id: str = "", target_kind: str = "content"):
    with transaction(factory) as s:
        new = reports.NewReport(target_kind=target_kind, target_id=target_id, reason=reason, text="低俗",
                                contact=contact, ip=ip, reporter_account_id=reporter_account_id)
        return reports.file_report(s, new, review=REVIEW, secret=SECRET)


def held_search(monkeypatch) -> threading.Event:
    """Make every sweep's search (``sweeps.find``) wait until the returned event is set (at most 30 s): a
    corpus-wide search that takes its time, for tests of what happens meanwhile."""
    from qinglang.services import sweeps

    release, real_find = threading.Event(), sweeps.find

    def slow_find(*args, **kwargs):
        release.wait(30)
        return real_find(*args, **kwargs)

    monkeypatch.setattr(sweeps, "find", slow_find)
    return release
