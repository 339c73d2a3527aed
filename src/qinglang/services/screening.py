"""Stateless screening: the pipeline's screener plus a cached snapshot of the list register.

The snapshot is rebuilt when the register changes (checked at most every ``check_interval`` seconds, and at
once after a change made through this process) and when the earliest expiry of an active entry passes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain.model import ContentItem
from qinglang.services import lists
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction

SnapshotBuilder = Callable[[Sequence[lists.ListEntry]], Any]
ContractRenderer = Callable[[str, Any], dict[str, Any]]


def pipeline_snapshot(entries: Sequence[lists.ListEntry]) -> Any:
    """Build the pipeline's ``RegisterSnapshot`` from active list entries."""
    from qinglang.pipeline.register import RegisterEntry, RegisterSnapshot

    return RegisterSnapshot.from_entries(
        RegisterEntry(id=str(e.id), kind=e.kind, value=e.value, list=e.list, reason=e.reason) for e in entries
    )


def pipeline_contract(item_id: str, result: Any) -> dict[str, Any]:
    from qinglang.pipeline.contract import to_contract

    return to_contract(item_id, result)


class ScreeningService:
    """Screens content items; holds no state but the screener and the cached register snapshot."""

    def __init__(
        self,
        screener: Any,
        sessions: sessionmaker[Session] | None = None,
        *,
        build_snapshot: SnapshotBuilder = pipeline_snapshot,
        render_contract: ContractRenderer = pipeline_contract,
        check_interval: float = 1.0,
    ) -> None:
        self.screener = screener
        self._sessions = sessions
        self._build_snapshot = build_snapshot
        self._render_contract = render_contract
        self._check_interval = check_interval
        self._lock = threading.Lock()
        self._snapshot: Any = None
        self._fingerprint: tuple[Any, ...] | None = None
        self._stale_at: datetime | None = None
        self._checked_at = 0.0

    @classmethod
    def from_settings(cls, settings: Any, sessions: sessionmaker[Session] | None = None) -> ScreeningService:
        from qinglang.pipeline.screener import Screener

        return cls(Screener.from_settings(settings.screening), sessions)

    def invalidate(self) -> None:
        """Forget the snapshot: the next screening rebuilds it (called after every register change)."""
        with self._lock:
            self._fingerprint = None
            self._checked_at = 0.0

    def register(self) -> Any:
        """The current register snapshot, or ``None`` when no database is attached."""
        if self._sessions is None:
            return None
        now = time.monotonic()
        with self._lock:
            expired = self._stale_at is not None and utcnow() >= self._stale_at
            if self._fingerprint is not None and not expired and now - self._checked_at < self._check_interval:
                return self._snapshot
            self._refresh(now)
            return self._snapshot

    def _refresh(self, now: float) -> None:
        with transaction(self._sessions) as session:
            fingerprint = lists.register_fingerprint(session)
            expired = self._stale_at is not None and utcnow() >= self._stale_at
            if fingerprint != self._fingerprint or expired:
                self._snapshot = self._build_snapshot(lists.active_entries(session))
                self._stale_at = lists.next_expiry(session)
                self._fingerprint = fingerprint
        self._checked_at = now

    def screen(self, item: ContentItem, standing: Any = None) -> Any:
        """Screen one item against the live (and shadow) policy; returns the pipeline's ScreeningResult.
        ``standing`` is the account behind it (``pipeline.standing.AccountStanding``), when known."""
        if standing is None:
            return self.screener.screen(item, register=self.register())
        return self.screener.screen(item, register=self.register(), standing=standing)

    def screen_contract(self, item: ContentItem) -> dict[str, Any]:
        """Screen one item and render the batch-contract dict plus the live policy id and version."""
        result = self.screen(item)
        body = self._render_contract(item.id, result)
        decision = result.decision
        body["policy"] = {"id": decision.policy_id, "version": decision.policy_version}
        return body
