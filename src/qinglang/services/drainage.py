"""The drainage graph: edges account -> content version -> target (url, domain, qr_payload, contact,
image_hash), recorded when a content version is stored, and the questions a lead asks of them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.errors import InvalidInput
from qinglang.storage.base import utcnow
from qinglang.storage.tables.drainage import DrainageEdgeRow, DrainageTargetRow

TARGET_KINDS = ("url", "domain", "qr_payload", "contact", "image_hash")


def _value_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalise_target(kind: str, value: str) -> str:
    """The stored form of a target, so that lookups find what detectors recorded."""
    normalise_kind(kind)
    value = value.strip()
    if kind == "url":
        from qinglang.links import canonicalize_url

        return canonicalize_url(value) or value
    if kind == "qr_payload":
        from qinglang.detectors.qr.kinds import canonical_payload

        return canonical_payload(value)
    if kind in ("domain", "image_hash"):
        return value.lower().strip(".")
    return value


def _targets_of(signals: Iterable[Any]) -> dict[tuple[str, str], str]:
    """``(kind, value) -> via`` for every signal that names a target."""
    found: dict[tuple[str, str], str] = {}
    for signal in signals:
        attrs, ref = _attrs_and_ref(signal)
        kind, value = attrs.get("target_kind"), attrs.get("target")
        if kind in TARGET_KINDS and isinstance(value, str) and value:
            found.setdefault((kind, value), ref)
    return found


def _attrs_and_ref(signal: Any) -> tuple[Mapping[str, Any], str]:
    if isinstance(signal, Mapping):
        return signal.get("attrs") or {}, f"{signal.get('detector', '')}.{signal.get('label', '')}"
    return signal.attrs or {}, f"{signal.detector}.{signal.label}"


def _upsert_target(session: Session, kind: str, value: str, now: datetime) -> DrainageTargetRow:
    row = session.scalars(
        select(DrainageTargetRow).where(
            DrainageTargetRow.kind == kind, DrainageTargetRow.value_hash == _value_hash(value)
        )
    ).first()
    if row is None:
        row = DrainageTargetRow(kind=kind, value=value, value_hash=_value_hash(value), first_seen=now, last_seen=now)
        session.add(row)
        session.flush()
    else:
        row.last_seen = now
    return row


def record_edges(session: Session, content_version_id: int, account_id: str | None, signals: Iterable[Any]) -> int:
    """Record an edge for every target the signals name (``attrs.target_kind``/``attrs.target``).

    Idempotent: recording the same content version again only refreshes ``last_seen``. Returns new edges.
    Call it in the transaction that stores the content version.
    """
    now = utcnow()
    added = 0
    for (kind, value), via in _targets_of(signals).items():
        target = _upsert_target(session, kind, value, now)
        edge = session.scalars(
            select(DrainageEdgeRow).where(
                DrainageEdgeRow.content_version_id == content_version_id, DrainageEdgeRow.target_id == target.id
            )
        ).first()
        if edge is None:
            session.add(
                DrainageEdgeRow(
                    content_version_id=content_version_id,
                    account_id=account_id,
                    target_id=target.id,
                    via=via[:128],
                    first_seen=now,
                    last_seen=now,
                )
            )
            added += 1
        else:
            edge.last_seen = now
    session.flush()
    return added


def _span(rows) -> dict[str, Any]:
    first, last, contents = rows
    return {"contents": contents, "first_seen": first.isoformat(), "last_seen": last.isoformat()}


def list_accounts_for_target(session: Session, kind: str, value: str) -> list[dict[str, Any]]:
    """Accounts whose contents point at a target, most contents first."""
    value = normalise_target(kind, value)
    e, t = DrainageEdgeRow, DrainageTargetRow
    stmt = (
        select(
            e.account_id, func.min(e.first_seen), func.max(e.last_seen), func.count(func.distinct(e.content_version_id))
        )
        .join(t, t.id == e.target_id)
        .where(t.kind == kind, t.value_hash == _value_hash(value), e.account_id.is_not(None))
        .group_by(e.account_id)
        .order_by(func.count(func.distinct(e.content_version_id)).desc(), e.account_id)
    )
    return [{"account_id": r[0], **_span(r[1:])} for r in session.execute(stmt)]


def list_targets_for_account(session: Session, account_id: str, kind: str | None = None) -> list[dict[str, Any]]:
    """Targets an account's contents point at, with how many of its contents and when."""
    e, t = DrainageEdgeRow, DrainageTargetRow
    stmt = (
        select(
            t.kind,
            t.value,
            func.min(e.first_seen),
            func.max(e.last_seen),
            func.count(func.distinct(e.content_version_id)),
        )
        .join(t, t.id == e.target_id)
        .where(e.account_id == account_id)
        .group_by(t.id, t.kind, t.value)
        .order_by(t.kind, t.value)
    )
    if kind is not None:
        stmt = stmt.where(t.kind == normalise_kind(kind))
    return [{"kind": r[0], "value": r[1], **_span(r[2:])} for r in session.execute(stmt)]


def normalise_kind(kind: str) -> str:
    if kind not in TARGET_KINDS:
        raise InvalidInput(f"unknown target kind {kind!r}; use one of {', '.join(TARGET_KINDS)}", code="invalid_target")
    return kind


def list_shared_targets(
    session: Session, min_accounts: int = 2, kind: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Targets that contents of at least ``min_accounts`` distinct accounts point at, most shared first."""
    if min_accounts < 1:
        raise InvalidInput("min_accounts must be at least 1", code="invalid_input")
    e, t = DrainageEdgeRow, DrainageTargetRow
    n_accounts = func.count(func.distinct(e.account_id))
    stmt = (
        select(t.id, t.kind, t.value, n_accounts, t.first_seen, t.last_seen)
        .join(e, t.id == e.target_id)
        .group_by(t.id, t.kind, t.value, t.first_seen, t.last_seen)
        .having(n_accounts >= min_accounts)
        .order_by(n_accounts.desc(), t.kind, t.value)
        .limit(limit)
    )
    if kind is not None:
        stmt = stmt.where(t.kind == normalise_kind(kind))
    out = []
    for tid, tkind, value, n, first, last in session.execute(stmt).all():
        accounts = session.scalars(
            select(e.account_id).where(e.target_id == tid, e.account_id.is_not(None)).distinct().order_by(e.account_id)
        ).all()
        out.append(
            {
                "kind": tkind,
                "value": value,
                "accounts": list(accounts),
                "account_count": n,
                "first_seen": first.isoformat(),
                "last_seen": last.isoformat(),
            }
        )
    return out


def record_edges_for_version(session: Session, content_version_id: int) -> int:
    """Record the edges of a stored content version from its stored signals (backfill, rebuilds)."""
    from qinglang.storage.tables.core import ContentVersionRow, SignalRow

    version = session.get(ContentVersionRow, content_version_id)
    if version is None:
        from qinglang.errors import NotFound

        raise NotFound(f"content version {content_version_id} does not exist", code="content_not_found")
    rows = session.scalars(select(SignalRow).where(SignalRow.content_version_id == content_version_id)).all()
    signals = [{"detector": r.detector, "label": r.label, "attrs": r.attrs or {}} for r in rows]
    return record_edges(session, content_version_id, version.account_id, signals)
