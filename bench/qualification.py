"""Qualification and credit with storage, on SQLite: what the worker's qualification duty and a grade
recomputation cost per account.

One media operator holds a verified publishing licence; ``ACCOUNTS`` serialized-fiction accounts depend on it.
Measured, each in its own transaction, with ``perf_counter``:

1. ``licences.expire_due`` + ``standing.review_due`` (100 accounts per transaction) at a clock past the licence's
   end: the expiry makes the operator's accounts due and each is restricted through the action path (action,
   outbox event, audit events, credit history);
2. the same pass again: nothing is due (the cost of an idle pass);
3. ``credit.recompute`` of every account with nothing changed (no row written): the read side of a recomputation;
4. ``pages.account_page`` for every account: what the console's account page reads.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ACCOUNTS = 300


def _setup(url: str):
    from qinglang.qualification import Actor, ActorKind, Approve, LicenceFacts, StartReview, default_catalogue
    from qinglang.services import accounts
    from qinglang.services.qualification import licences
    from qinglang.services.qualification.context import QualificationContext
    from qinglang.services.review.users import create_user
    from qinglang.storage.db import make_engine, make_session_factory, transaction
    from qinglang.storage.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    ctx = QualificationContext(default_catalogue(), b"b" * 32)
    now = datetime.now(UTC)
    with transaction(factory) as s:
        reviewer = create_user(s, "bench-reviewer", "password-bench", "reviewer", actor="bench")
        accounts.create_operator(s, {"id": "op", "name": "出版社", "kind": "media"}, actor="bench", ctx=ctx)
        facts = LicenceFacts("online_publishing", "（署）网出证（京）字第123号", "国家新闻出版署", (), date(2025, 1, 1),
                             (now + timedelta(days=30)).date())
        licence = licences.submit_licence(s, "op", facts, None, Actor(ActorKind.OPERATOR, "op"), ctx, now=now,
                                          actor="bench")
        by = Actor.of_reviewer(reviewer.reviewer)
        licences.advance(s, licence.id, StartReview(by, now), ctx, actor="bench")
        licences.advance(s, licence.id, Approve(by, "bench", now), ctx, actor="bench")
    for i in range(ACCOUNTS):
        with transaction(factory) as s:
            accounts.create_account(s, {"id": f"acc-{i:04d}", "name": f"号{i}", "operator_id": "op",
                                        "category": "serialized_fiction", "followers": i * 10}, actor="bench", ctx=ctx)
    return engine, factory, ctx, now


def _per_account(seconds: float) -> float:
    return round(seconds / ACCOUNTS * 1000, 3)


def run() -> dict:
    from sqlalchemy import func, select

    from qinglang.services.qualification import credit, licences, pages, standing
    from qinglang.storage.db import transaction
    from qinglang.storage.tables.core import AccountRow

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine, factory, ctx, now = _setup(url)
        later = now + timedelta(days=40)
        started = time.perf_counter()
        with transaction(factory) as s:
            expired = licences.expire_due(s, ctx, later)
        assessed = 0
        while True:
            with transaction(factory) as s:
                n = standing.review_due(s, ctx, later, limit=100)
            if not n:
                break
            assessed += n
        restrict_s = time.perf_counter() - started
        with transaction(factory) as s:
            restricted = s.execute(select(func.count()).select_from(AccountRow)
                                   .where(AccountRow.status == "restricted")).scalar_one()
        started = time.perf_counter()
        with transaction(factory) as s:
            idle = standing.review_due(s, ctx, later, limit=100)
        idle_s = time.perf_counter() - started
        ids = [f"acc-{i:04d}" for i in range(ACCOUNTS)]
        timings = []
        for account_id in ids:
            t0 = time.perf_counter()
            with transaction(factory) as s:
                credit.recompute(s, account_id, "bench", later)
            timings.append(time.perf_counter() - t0)
        page_times = []
        for account_id in ids:
            t0 = time.perf_counter()
            with transaction(factory) as s:
                pages.account_page(s, account_id, ctx.catalogue)
            page_times.append(time.perf_counter() - t0)
        engine.dispose()
    ms = lambda xs, q: round(statistics.quantiles(xs, n=100)[q - 1] * 1000, 3)  # noqa: E731
    return {
        "method": __doc__.split("\n\n", 1)[1].strip(),
        "data": f"{ACCOUNTS} accounts of one operator, SQLite file in a temporary directory",
        "expiry_pass": {"licences_expired": expired, "accounts_restricted": restricted,
                        "accounts_assessed": assessed,
                        "ms_per_account_restricted": _per_account(restrict_s)},
        "idle_pass_ms": round(idle_s * 1000, 3), "idle_pass_due": idle,
        "credit_recompute_unchanged": {"p50_ms": ms(timings, 50), "p99_ms": ms(timings, 99)},
        "account_page": {"p50_ms": ms(page_times, 50), "p99_ms": ms(page_times, 99)},
    }
