"""The audit chain's rules, with no I/O: how an event is hashed, how a checkpoint is signed, and how a stream of
stored events is checked against both.

1. **Link.** ``hash = sha256(prev_hash + canonical JSON of {at, actor, action, subject_type, subject_id, data})``;
   the first event has ``prev_hash = ""``. Changing any stored field of an event breaks its own hash.
2. **Position.** Events carry ``seq`` 1, 2, 3, ... with no gap, so an event deleted from the middle shows.
3. **Checkpoint.** A worker signs ``(seq, hash, at)`` of the chain head with an HMAC key that is not in the
   database and writes it outside the database. Rewriting an event *and recomputing every later hash* still
   fails at the next checkpoint; deleting the newest events leaves a checkpoint pointing past the end.

:class:`ChainCheck` takes events one at a time (so a million events never sit in memory) and stops at the first
problem, naming the event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def canonical_json(value: Any) -> str:
    """Stable JSON: sorted keys, no spaces, non-ASCII kept, datetimes as ISO strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__} in an audit event")


def event_hash(
    prev_hash: str, at: datetime, actor: str, action: str, subject_type: str, subject_id: str, data: Mapping[str, Any]
) -> str:
    body = {"at": at.isoformat(), "actor": actor, "action": action, "subject_type": subject_type,
            "subject_id": subject_id, "data": data}
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """One event as read back from storage."""

    id: int
    seq: int
    at: datetime
    actor: str
    action: str
    subject_type: str
    subject_id: str
    data: Mapping[str, Any]
    prev_hash: str
    hash: str

    def recomputed(self) -> str:
        data = json.loads(json.dumps(self.data))
        return event_hash(self.prev_hash, self.at, self.actor, self.action, self.subject_type, self.subject_id, data)


@dataclass(frozen=True, slots=True)
class ChainPoint:
    """A position in the chain: the ``seq`` and ``hash`` of one event (``0, ""`` before the first)."""

    seq: int = 0
    hash: str = ""


GENESIS = ChainPoint()


# --- checkpoints -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO 8601, UTC
    mac: str

    @property
    def point(self) -> ChainPoint:
        return ChainPoint(self.seq, self.hash)

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "at": self.at, "mac": self.mac}


def checkpoint_mac(key: str, seq: int, hash_: str, at: str) -> str:
    message = canonical_json({"seq": seq, "hash": hash_, "at": at}).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign_checkpoint(key: str, point: ChainPoint, at: datetime) -> Checkpoint:
    stamp = at.isoformat()
    return Checkpoint(point.seq, point.hash, stamp, checkpoint_mac(key, point.seq, point.hash, stamp))


def checkpoint_signed(key: str, cp: Checkpoint) -> bool:
    return hmac.compare_digest(checkpoint_mac(key, cp.seq, cp.hash, cp.at), cp.mac)


# --- verification ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What a verification found. ``verified_to`` is the last point known good; ``broken_at`` the event id where
    it stopped (``None`` when the problem is not one event, e.g. a forged or dangling checkpoint)."""

    ok: bool
    checked: int
    verified_to: ChainPoint = GENESIS
    broken_at: int | None = None
    problem: str = ""
    checkpoints: int = 0
    started_from: ChainPoint = GENESIS
    last_checkpoint_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "broken_at": self.broken_at, "problem": self.problem,
                "verified_seq": self.verified_to.seq, "started_from_seq": self.started_from.seq,
                "checkpoints": self.checkpoints, "last_checkpoint_at": self.last_checkpoint_at}


@dataclass
class ChainCheck:
    """Feed events in ``seq`` order after ``start``; ``problem`` is set at the first fault."""

    start: ChainPoint = GENESIS
    expected: Mapping[int, str] = field(default_factory=dict)  # seq -> hash, from checkpoints
    point: ChainPoint = GENESIS
    checked: int = 0
    problem: str = ""
    broken_at: int | None = None

    def __post_init__(self) -> None:
        self.point = self.start

    def feed(self, event: StoredEvent) -> bool:
        """Check one event; ``False`` once the chain is broken (stop feeding)."""
        fault = self._fault(event)
        if fault:
            self.problem, self.broken_at = fault, event.id
            return False
        self.point, self.checked = ChainPoint(event.seq, event.hash), self.checked + 1
        return True

    def _fault(self, event: StoredEvent) -> str:
        if event.seq != self.point.seq + 1:
            return f"expected event number {self.point.seq + 1} but found {event.seq}: events are missing"
        if event.prev_hash != self.point.hash:
            return "prev_hash does not match the hash of the event before it"
        if event.recomputed() != event.hash:
            return "stored hash does not match the event's contents"
        signed = self.expected.get(event.seq)
        if signed is not None and signed != event.hash:
            return f"event {event.seq} differs from the signed checkpoint: the chain was rewritten"
        return ""

    def finish(self, head: ChainPoint | None) -> str:
        """After the last event: checkpoints past the end mean deleted events; the head row must match."""
        if self.problem:
            return self.problem
        beyond = [seq for seq in self.expected if seq > self.point.seq]
        if beyond:
            self.problem = f"a signed checkpoint names event {max(beyond)} but the chain ends at {self.point.seq}: " \
                           "events were deleted"
        elif head is not None and head != self.point:
            self.problem = f"the chain head records event {head.seq} but the chain ends at {self.point.seq}"
        return self.problem


def check_checkpoints(key: str, checkpoints: Iterable[Checkpoint]) -> tuple[dict[int, str], str]:
    """The signed ``seq -> hash`` map, or a problem naming the first checkpoint whose signature fails."""
    expected: dict[int, str] = {}
    for cp in checkpoints:
        if not checkpoint_signed(key, cp):
            return expected, f"checkpoint of event {cp.seq} at {cp.at} has a bad signature (forged or wrong key)"
        if expected.get(cp.seq, cp.hash) != cp.hash:
            return expected, f"two signed checkpoints disagree about event {cp.seq}"
        expected[cp.seq] = cp.hash
    return expected, ""
