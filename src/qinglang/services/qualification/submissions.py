"""The unit-of-work functions the edges call: a licence submitted from the API (its scan decoded through the safe
image path before any transaction), a reviewer's decision from the console, and the reads they render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from qinglang.errors import InvalidInput, NotFound
from qinglang.qualification import Actor, ActorKind, Approve, LicenceFacts, Reject, Release, Revoke, StartReview
from qinglang.services.images import data_image
from qinglang.services.qualification import licences
from qinglang.services.qualification.context import context_for
from qinglang.services.qualification.views import LicenceView, find_licence_view, licence_view
from qinglang.services.qualification.views import operator_licences as _ops
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AccountRow

DECISIONS = ("start_review", "release", "verify", "reject", "revoke")


def decode_scan(ref: str, max_bytes: int) -> licences.Scan:
    """A ``data:image/...`` scan, checked, decoded with the safe image path's caps and re-encoded (CPU; no DB)."""
    from qinglang.services.review.reports import decode_screenshot

    shot = decode_screenshot(data_image(ref), max_bytes)
    return licences.Scan(shot.sha256, shot.width, shot.height, shot.data)


def facts_of(fields: Mapping[str, Any]) -> LicenceFacts:
    return LicenceFacts(fields["kind"], fields["number"], fields["issuer"], tuple(fields.get("scope") or ()),
                        fields.get("valid_from"), fields.get("valid_until"))


def submit_from_api(sessions: sessionmaker[Session], settings, operator_id: str, fields: Mapping[str, Any], *,
                    actor: str) -> LicenceView:
    """The operator (through the platform's key) submits a licence; it is ``submitted`` until a reviewer decides."""
    ctx = context_for(settings)
    scan = decode_scan(fields["scan"], settings.review.max_screenshot_bytes) if fields.get("scan") else None
    with transaction(sessions) as session:
        row = licences.submit_licence(session, operator_id, facts_of(fields), scan,
                                      Actor(ActorKind.OPERATOR, operator_id), ctx, now=utcnow(), actor=actor)
        return licence_view(row, ctx.catalogue)


def decide(session: Session, settings, licence_id: int, user, decision: str, reason: str) -> LicenceView:
    """A console user's move on a licence: start or release the review, verify, reject or revoke it."""
    ctx = context_for(settings)
    by, now = Actor.of_reviewer(user.reviewer), utcnow()
    events = {"start_review": lambda: StartReview(by, now, settings.review.lease_seconds),
              "release": lambda: Release(by, now), "verify": lambda: Approve(by, reason, now),
              "reject": lambda: Reject(by, reason, now), "revoke": lambda: Revoke(by, reason, now)}
    if decision not in events:
        raise InvalidInput(f"unknown licence decision {decision!r}; use one of {', '.join(DECISIONS)}",
                           code="decision_unknown")
    row = licences.advance(session, licence_id, events[decision](), ctx, actor=user.actor)
    return licence_view(row, ctx.catalogue)


def operator_licences(session: Session, settings, operator_id: str) -> list[LicenceView]:
    from qinglang.services.qualification.operators import get_operator_row

    get_operator_row(session, operator_id)
    return _ops(session, operator_id, context_for(settings).catalogue)


def licence(session: Session, settings, licence_id: int) -> LicenceView:
    return find_licence_view(session, licence_id, context_for(settings).catalogue)


def account_row(session: Session, account_id: str) -> AccountRow:
    row = session.get(AccountRow, account_id)
    if row is None:
        raise NotFound(f"account {account_id!r} does not exist", code="account_not_found")
    return row
