"""The report entrance: validation, rate limits, screenshots through the safe image path, merging into cases,
tracking codes and the public status a reader sees."""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qinglang.errors import InvalidInput, NotFound, RateLimited
from qinglang.services.review import scoring
from qinglang.services.review.audit import record
from qinglang.services.review.cases import get_case, open_case, refresh_priority
from qinglang.storage.base import utcnow
from qinglang.storage.tables.review import Media, Report

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
FLOOD_REPORTS_PER_10_MIN = 10


def _recent_on_case(session: Session, case_id: int) -> int:
    since = utcnow() - timedelta(minutes=10)
    stmt = select(func.count()).select_from(Report).where(Report.case_id == case_id, Report.created_at >= since)
    return int(session.execute(stmt).scalar_one())


@dataclass(frozen=True, slots=True)
class NewReport:
    target_kind: str
    target_id: str
    reason: str
    text: str = ""
    contact: str = ""
    reporter_account_id: str = ""
    ip: str = ""
    screenshots: tuple[bytes, ...] = ()


def keyed_hash(secret: str, kind: str, value: str) -> str:
    """Contacts and IPs are kept only as keyed hashes: enough to rate-limit and reward, useless if leaked."""
    return hmac.new(secret.encode(), f"{kind}:{value.strip().lower()}".encode(), hashlib.sha256).hexdigest()


def new_tracking_code() -> str:
    return "QL-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def _validate(new: NewReport, review) -> None:
    if new.target_kind not in ("content", "account"):
        raise InvalidInput("target_kind must be content or account", code="report_target_invalid")
    if not new.target_id.strip() or len(new.target_id) > 128:
        raise InvalidInput("give the article or account id (1-128 characters)", code="report_target_invalid")
    if new.reason not in scoring.REPORT_REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(scoring.REPORT_REASONS)}", code="report_reason_invalid")
    if len(new.text) > 2000 or len(new.contact) > 128:
        raise InvalidInput(
            "keep the description under 2000 characters and the contact under 128", code="report_too_long"
        )
    if len(new.screenshots) > review.max_screenshots:
        raise InvalidInput(f"attach at most {review.max_screenshots} screenshots", code="report_too_many_images")


def _check_rate(session: Session, ip_hash: str, contact_hash: str | None, review) -> None:
    now = utcnow()
    per_ip = session.execute(
        select(func.count())
        .select_from(Report)
        .where(Report.ip_hash == ip_hash, Report.created_at >= now - timedelta(hours=1))
    ).scalar_one()
    if per_ip >= review.report_limit_per_ip_hour:
        raise RateLimited(
            "too many reports from your network in the last hour; please try again in an hour",
            code="report_rate_limited",
            details={"retry_after_s": 3600},
        )
    if contact_hash:
        per_contact = session.execute(
            select(func.count())
            .select_from(Report)
            .where(Report.contact_hash == contact_hash, Report.created_at >= now - timedelta(days=1))
        ).scalar_one()
        if per_contact >= review.report_limit_per_contact_day:
            raise RateLimited(
                "this contact has filed too many reports today; please try again tomorrow",
                code="report_rate_limited",
                details={"retry_after_s": 86400},
            )


def store_screenshot(session: Session, data: bytes, max_bytes: int) -> int:
    """Decode through the safe image path, then keep a re-encoded copy (no metadata, bounded size)."""
    from qinglang.imaging import ImageLimits, decode_bytes

    decoded = decode_bytes(data, "screenshot", ImageLimits(max_bytes=max_bytes, max_frames=1))
    img = decoded.image.convert("RGB")
    img.thumbnail((1600, 1600))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    blob = out.getvalue()
    media = Media(
        sha256=hashlib.sha256(blob).hexdigest(), mime="image/jpeg", width=img.width, height=img.height, data=blob
    )
    session.add(media)
    session.flush()
    return media.id


def track_record(session: Session, key_hash: str) -> tuple[int, int]:
    """(verified, rejected) reports of one reporter, known by contact hash or else by IP hash."""
    stmt = (
        select(Report.status, func.count())
        .where(or_(Report.contact_hash == key_hash, Report.ip_hash == key_hash))
        .group_by(Report.status)
    )
    counts = dict(session.execute(stmt).all())
    return counts.get("verified", 0), counts.get("rejected", 0)


def _duplicate(session: Session, new: NewReport, ip_hash: str, contact_hash: str | None) -> Report | None:
    who = (
        or_(Report.ip_hash == ip_hash, Report.contact_hash == contact_hash)
        if contact_hash
        else (Report.ip_hash == ip_hash)
    )
    stmt = select(Report).where(
        Report.target_kind == new.target_kind, Report.target_id == new.target_id, Report.status == "received", who
    )
    return session.execute(stmt.limit(1)).scalar_one_or_none()


def file_report(session: Session, new: NewReport, *, review, secret: str) -> Report:
    """File a report; a repeat by the same reader on the same open target returns the first report."""
    _validate(new, review)
    ip_hash = keyed_hash(secret, "ip", new.ip or "unknown")
    contact_hash = keyed_hash(secret, "contact", new.contact) if new.contact.strip() else None
    existing = _duplicate(session, new, ip_hash, contact_hash)
    if existing is not None:
        return existing
    _check_rate(session, ip_hash, contact_hash, review)
    media = [store_screenshot(session, data, review.max_screenshot_bytes) for data in new.screenshots]
    case = open_case(
        session,
        target_kind=new.target_kind,
        target_id=new.target_id.strip(),
        source="report",
        queue=new.reason,
        severity=scoring.REASON_SEVERITY[new.reason],
        sla_hours=review.sla_hours,
        actor="reporter",
    )
    weight = scoring.reporter_weight(*track_record(session, contact_hash or ip_hash))
    if _recent_on_case(session, case.id) >= FLOOD_REPORTS_PER_10_MIN:
        weight = 0.0  # a burst on one target counts as one signal, not as many independent readers
        record(session, "system", "case.flood_suspected", "case", case.id)
    case.report_count += 1
    case.reporter_weight += weight
    case.images = [*(case.images or []), *({"media_id": m} for m in media)]
    refresh_priority(session, case)
    report = Report(
        tracking_code=new_tracking_code(),
        case_id=case.id,
        target_kind=new.target_kind,
        target_id=new.target_id.strip(),
        reason=new.reason,
        text=new.text,
        contact_hash=contact_hash,
        reporter_account_id=new.reporter_account_id or None,
        ip_hash=ip_hash,
        screenshots=media,
    )
    session.add(report)
    session.flush()
    record(
        session,
        "reporter",
        "report.filed",
        "report",
        report.id,
        case_id=case.id,
        reason=new.reason,
        weight=round(weight, 3),
    )
    return report


def get_report(session: Session, tracking_code: str) -> Report:
    report = session.execute(select(Report).where(Report.tracking_code == tracking_code.strip().upper())).scalar()
    if report is None:
        raise NotFound("no report with this tracking code; check it for typos", code="report_not_found")
    return report


def report_status(session: Session, tracking_code: str) -> dict[str, Any]:
    """What the reader sees: progress and outcome, never who reviewed it."""
    report = get_report(session, tracking_code)
    case = get_case(session, report.case_id)
    progress = {"open": "queued", "claimed": "in_review", "pending_approval": "in_review"}.get(case.status, "closed")
    outcome = {"violation": "action_taken", "no_violation": "no_violation_found"}.get(case.outcome or "", None)
    return {
        "tracking_code": report.tracking_code,
        "target_kind": report.target_kind,
        "target_id": report.target_id,
        "reason": report.reason,
        "filed_at": report.created_at.isoformat(),
        "progress": progress,
        "outcome": outcome,
        "reports_on_target": case.report_count,
    }


def settle_reports(session: Session, case_id: int, verified: bool) -> list[Report]:
    """Mark a case's open reports verified (it ended in a violation) or rejected."""
    status = "verified" if verified else "rejected"
    reports = session.execute(select(Report).where(Report.case_id == case_id, Report.status == "received")).scalars()
    settled = list(reports)
    for report in settled:
        report.status = status
        record(session, "system", f"report.{status}", "report", report.id, case_id=case_id)
    return settled


def get_media(session: Session, media_id: int) -> Media:
    media = session.get(Media, media_id)
    if media is None:
        raise NotFound(f"no media {media_id}", code="media_not_found")
    return media
