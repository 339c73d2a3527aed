"""Conversions between decisions/signals and their rows, and the stored record of a content version."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.model import Decision
from qinglang.storage.tables.core import ContentVersionRow, DecisionRow, SignalRow


def _jsonable(value: Any) -> Any:
    """A plain-JSON copy (tuples become lists; anything else unusual becomes its string form)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def add_signals(session: Session, version_pk: int, decision: Decision) -> None:
    """One row per signal; a failed detector gets a ``detector_failed`` row so it never reads as clean."""
    for outcome in decision.outcomes:
        for signal in outcome.signals:
            session.add(
                SignalRow(
                    content_version_id=version_pk,
                    detector=signal.detector,
                    detector_version=outcome.version,
                    label=signal.label,
                    score=float(signal.score),
                    severity=signal.severity,
                    evidence=_jsonable([e.to_dict() for e in signal.evidence]),
                    attrs=_jsonable(dict(signal.attrs)),
                )
            )
        if outcome.status == "failed":
            session.add(
                SignalRow(
                    content_version_id=version_pk,
                    detector=outcome.detector,
                    detector_version=outcome.version,
                    label="detector_failed",
                    score=0.0,
                    attrs={"status": outcome.status, "error": outcome.error or ""},
                )
            )
    session.flush()


def add_decision(session: Session, version_pk: int, decision: Decision) -> DecisionRow:
    row = DecisionRow(
        content_version_id=version_pk,
        verdict=decision.verdict.value,
        category=decision.category.value,
        labels=_jsonable([_label_dict(label) for label in decision.labels]),
        scores={k: float(v) for k, v in decision.scores.items()},
        rules=list(decision.rules),
        policy_id=decision.policy_id,
        policy_version=decision.policy_version,
        decided_by=decision.decided_by,
        is_current=True,
    )
    session.add(row)
    session.flush()
    return row


def _label_dict(label: Any) -> dict[str, Any]:
    return {
        "label": label.label,
        "score": float(label.score),
        "evidence": [e.to_dict() for e in label.evidence],
        "rules": list(label.rules),
    }


def content_record(session: Session, row: ContentVersionRow) -> dict[str, Any]:
    """The wire-neutral record of a stored version: its fields, current decision and signals."""
    decision = session.execute(
        select(DecisionRow)
        .where(DecisionRow.content_version_id == row.pk, DecisionRow.is_current.is_(True))
        .order_by(DecisionRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    signals = session.execute(
        select(SignalRow).where(SignalRow.content_version_id == row.pk).order_by(SignalRow.id)
    ).scalars()
    return {
        "content_id": row.content_id,
        "version": row.version,
        "account_id": row.account_id,
        "kind": row.kind,
        "title": row.title,
        "content_hash": row.content_hash,
        "received_at": row.received_at.isoformat(),
        "book_id": row.book_id,
        "chapter": row.chapter,
        "original_link": row.original_link,
        "links": list(row.links),
        "images": list(row.images),
        "decision": decision_dict(decision) if decision is not None else None,
        "signals": [signal_dict(s) for s in signals],
    }


def decision_dict(row: DecisionRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "verdict": row.verdict,
        "category": row.category,
        "labels": row.labels,
        "scores": row.scores,
        "rules": row.rules,
        "policy": {"id": row.policy_id, "version": row.policy_version},
        "decided_by": row.decided_by,
        "created_at": row.created_at.isoformat(),
    }


def signal_dict(row: SignalRow) -> dict[str, Any]:
    return {
        "detector": row.detector,
        "detector_version": row.detector_version,
        "label": row.label,
        "score": row.score,
        "severity": row.severity,
        "evidence": row.evidence,
        "attrs": row.attrs,
    }
