"""The report entrance: validation, rate limits, screenshots through the safe image path, merging into one case
per target, tracking codes and the public status a reader sees.

Filing is written so that the same report sent many times at once is one report, and many readers reporting
one new target at once are one case counting every one of them:

1. outside any transaction: validate, hash the reader's network and contact, decode the screenshots (CPU);
2. ``cases.open_case`` — one open case per target, by a unique index (see there);
3. ``INSERT`` the report ``ON CONFLICT DO NOTHING``: two partial unique indexes hold one *received* report per
   (target, network) and per (target, contact); a repeat inserts nothing and gets the first report back;
4. only a report that was inserted counts: ``report_count = report_count + 1`` and the reporter's weight, by
   atomic ``UPDATE``; then its screenshots are stored and the case's priority refreshed.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain.review import (
    REPORT_REASONS,
    CaseOutcome,
    CaseSource,
    CaseStatus,
    ReportStatus,
    TargetKind,
    scoring,
)
from qinglang.domain.review.vocabulary import QUEUE_SEVERITY
from qinglang.domain.values import require_text
from qinglang.errors import Conflict, InvalidInput, NotFound, RateLimited
from qinglang.services.review.case_store import get_case
from qinglang.services.review.cases import NewCase, open_case, refresh_priority
from qinglang.services.review.views import ReportStatusView
from qinglang.storage.atomic import insert_or_nothing
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import AccountRow, ContentVersionRow
from qinglang.storage.tables.review import Case, Media, Report, Reward

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
_CODE = re.compile(f"QL-[{_CODE_ALPHABET}]{{10}}")
FLOOD_REPORTS_PER_10_MIN = 10


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


@dataclass(frozen=True, slots=True)
class Screenshot:
    """A screenshot after the safe image path: re-encoded JPEG, metadata stripped, at most 1600 px a side."""

    sha256: str
    width: int
    height: int
    data: bytes


@dataclass(frozen=True, slots=True)
class FiledReport:
    id: int
    tracking_code: str
    case_id: int
    repeated: bool = False  # the reader had already reported this target: this is their first report


def keyed_hash(secret: str, kind: str, value: str) -> str:
    """Contacts and IPs are kept only as keyed hashes: enough to rate-limit and reward, useless if leaked."""
    return hmac.new(secret.encode(), f"{kind}:{value.strip().lower()}".encode(), hashlib.sha256).hexdigest()


def new_tracking_code() -> str:
    return "QL-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def validate(new: NewReport, review) -> None:
    for name in ("target_id", "text", "contact", "reporter_account_id"):
        require_text(getattr(new, name), name)
    if new.target_kind not in tuple(TargetKind):
        raise InvalidInput("target_kind must be content, account or book", code="report_target_invalid")
    if not new.target_id.strip() or len(new.target_id) > 128 or len(new.reporter_account_id) > 128:
        raise InvalidInput("give the article or account id (1-128 characters)", code="report_target_invalid")
    if new.reason not in REPORT_REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(REPORT_REASONS)}", code="report_reason_invalid")
    if len(new.text) > 2000 or len(new.contact) > 128:
        raise InvalidInput("keep the description under 2000 characters and the contact under 128",
                           code="report_too_long")
    if len(new.screenshots) > review.max_screenshots:
        raise InvalidInput(f"attach at most {review.max_screenshots} screenshots", code="report_too_many_images")


def decode_screenshot(data: bytes, max_bytes: int) -> Screenshot:
    """Decode through the safe image path and re-encode (CPU-bound: callers run it off the event loop)."""
    from qinglang.imaging import ImageLimits, decode_bytes

    decoded = decode_bytes(data, "screenshot", ImageLimits(max_bytes=max_bytes, max_frames=1))
    img = decoded.image.convert("RGB")
    img.thumbnail((1600, 1600))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    blob = out.getvalue()
    return Screenshot(hashlib.sha256(blob).hexdigest(), img.width, img.height, blob)


def prepare(new: NewReport, review) -> tuple[Screenshot, ...]:
    """Step 1 for the screenshots: validate the report, then decode every screenshot (no database)."""
    validate(new, review)
    return tuple(decode_screenshot(data, review.max_screenshot_bytes) for data in new.screenshots)


async def read_uploads(files, max_bytes: int) -> tuple[bytes, ...]:
    """Read each uploaded file (``await f.read(n)``) up to one byte past the cap, so an oversize file is refused
    by the image path without being buffered whole."""
    return tuple([await f.read(max_bytes + 1) for f in (files or []) if f.filename])


def submit(sessions: sessionmaker[Session], new: NewReport, *, review, secret: str) -> FiledReport:
    """Everything a report costs: decode its screenshots (CPU), then file it in one transaction. Blocking; the
    web edges run it in a worker thread, never on the event loop."""
    shots = prepare(new, review)
    with transaction(sessions) as session:
        require_known_target(session, new)
        return file_report(session, new, review=review, secret=secret, screenshots=shots)


def require_known_target(session: Session, new: NewReport) -> None:
    """A report from the public entrances must name an article or account qinglang has seen, else it is refused
    with ``report_target_unknown`` (a typo in the id would otherwise open a case nobody can act on). An account
    is known from the accounts register or as the author of a screened article."""
    target_id = new.target_id.strip()
    if new.target_kind == TargetKind.CONTENT:
        known = select(ContentVersionRow.pk).where(ContentVersionRow.content_id == target_id)
    else:
        known = select(AccountRow.id).where(AccountRow.id == target_id).union_all(
            select(ContentVersionRow.account_id).where(ContentVersionRow.account_id == target_id))
    if session.execute(known.limit(1)).first() is None:
        raise NotFound(f"qinglang knows no {new.target_kind} with the id {target_id!r}; copy the id from the "
                       "article's or account's page", code="report_target_unknown")


def file_report(session: Session, new: NewReport, *, review, secret: str,
                screenshots: tuple[Screenshot, ...] | None = None) -> FiledReport:
    """File a report; a repeat by the same reader on the same open target returns the first report. Give the
    ``screenshots`` already decoded (``prepare``) to keep the decoding out of the transaction."""
    validate(new, review)
    shots = screenshots if screenshots is not None else prepare(new, review)
    ip_hash = keyed_hash(secret, "ip", new.ip or "unknown")
    contact_hash = keyed_hash(secret, "contact", new.contact) if new.contact.strip() else None
    existing = _repeat_of(session, new, ip_hash, contact_hash)
    if existing is not None:
        return existing
    _check_rate(session, ip_hash, contact_hash, review)
    weight = scoring.reporter_weight(*track_record(session, contact_hash or ip_hash))
    target = NewCase(TargetKind(new.target_kind), new.target_id.strip(), CaseSource.REPORT, new.reason,
                     QUEUE_SEVERITY[new.reason])
    for _ in range(3):  # the case may close between opening it and counting on it: then file on a new case
        case = open_case(session, target, sla_hours=review.sla_hours, actor="reporter")
        report_id = insert_or_nothing(session, Report, _report_values(new, case.id, ip_hash, contact_hash))
        if report_id is None:
            repeat = _repeat_of(session, new, ip_hash, contact_hash)
            if repeat is not None:
                return repeat
            continue  # a tracking code collided: draw another
        counted = _counted(session, case.id, weight)
        if counted is not None:
            return _finish(session, case.id, report_id, counted, shots, new.reason)
        session.execute(delete(Report).where(Report.id == report_id))
    raise Conflict("the case on this target is changing quickly; submit the report again", code="case_busy")


def _report_values(new: NewReport, case_id: int, ip_hash: str, contact_hash: str | None) -> dict:
    return {"tracking_code": new_tracking_code(), "case_id": case_id, "target_kind": new.target_kind,
            "target_id": new.target_id.strip(), "reason": new.reason, "text": new.text, "contact_hash": contact_hash,
            "reporter_account_id": new.reporter_account_id or None, "ip_hash": ip_hash, "screenshots": [],
            "status": ReportStatus.RECEIVED, "created_at": utcnow()}


def _counted(session: Session, case_id: int, weight: float) -> float | None:
    """Count the report on its case, atomically, unless the case closed meanwhile (``None``); then add its
    weight, which is returned."""
    stmt = (update(Case).where(Case.id == case_id, Case.status != CaseStatus.CLOSED)
            .values(report_count=Case.report_count + 1).execution_options(synchronize_session=False))
    if session.execute(stmt).rowcount != 1:
        return None
    if _recent_on_case(session, case_id) > FLOOD_REPORTS_PER_10_MIN:  # read under the case's lock, ours included
        weight = 0.0  # a burst on one target counts as one signal, not as many independent readers
        append_audit_event(session, "system", "case.flood_suspected", "case", case_id)
    session.execute(update(Case).where(Case.id == case_id).values(reporter_weight=Case.reporter_weight + weight)
                    .execution_options(synchronize_session=False))
    return weight


def _finish(session: Session, case_id: int, report_id: int, weight: float, shots, reason: str) -> FiledReport:
    report = session.get(Report, report_id)
    if shots:
        report.screenshots = [_store(session, shot) for shot in shots]
        case = get_case(session, case_id, fresh=True)  # locked by the count above: safe to extend its list
        case.images = [*(case.images or []), *({"media_id": m} for m in report.screenshots)]
    refresh_priority(session, case_id)
    append_audit_event(session, "reporter", "report.filed", "report", report_id,
                       {"case_id": case_id, "reason": reason, "weight": round(weight, 3)})
    return FiledReport(report_id, report.tracking_code, case_id)


def _store(session: Session, shot: Screenshot) -> int:
    media = Media(sha256=shot.sha256, mime="image/jpeg", width=shot.width, height=shot.height, data=shot.data)
    session.add(media)
    session.flush()
    return media.id


def _repeat_of(session: Session, new: NewReport, ip_hash: str, contact_hash: str | None) -> FiledReport | None:
    who = or_(Report.ip_hash == ip_hash, Report.contact_hash == contact_hash) if contact_hash else (
        Report.ip_hash == ip_hash)
    stmt = select(Report).where(Report.target_kind == new.target_kind, Report.target_id == new.target_id.strip(),
                                Report.status == ReportStatus.RECEIVED, who).order_by(Report.id).limit(1)
    row = session.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()
    return FiledReport(row.id, row.tracking_code, row.case_id, repeated=True) if row is not None else None


def _recent_on_case(session: Session, case_id: int) -> int:
    since = utcnow() - timedelta(minutes=10)
    stmt = select(func.count()).select_from(Report).where(Report.case_id == case_id, Report.created_at >= since)
    return int(session.execute(stmt).scalar_one())


def _check_rate(session: Session, ip_hash: str, contact_hash: str | None, review) -> None:
    now = utcnow()
    per_ip = session.execute(select(func.count()).select_from(Report).where(
        Report.ip_hash == ip_hash, Report.created_at >= now - timedelta(hours=1))).scalar_one()
    if per_ip >= review.report_limit_per_ip_hour:
        raise RateLimited("too many reports from your network in the last hour; please try again in an hour",
                          code="report_rate_limited", details={"retry_after_s": 3600})
    if contact_hash:
        per_contact = session.execute(select(func.count()).select_from(Report).where(
            Report.contact_hash == contact_hash, Report.created_at >= now - timedelta(days=1))).scalar_one()
        if per_contact >= review.report_limit_per_contact_day:
            raise RateLimited("this contact has filed too many reports today; please try again tomorrow",
                              code="report_rate_limited", details={"retry_after_s": 86400})


def track_record(session: Session, key_hash: str) -> tuple[int, int]:
    """(verified, rejected) reports of one reporter, known by contact hash or else by IP hash."""
    stmt = (select(Report.status, func.count()).where(or_(Report.contact_hash == key_hash, Report.ip_hash == key_hash))
            .group_by(Report.status))
    counts = dict(session.execute(stmt).all())
    return counts.get(ReportStatus.VERIFIED, 0), counts.get(ReportStatus.REJECTED, 0)


def report_status(session: Session, tracking_code: str) -> ReportStatusView:
    """What the reader sees: progress, outcome and reward, never who reviewed it. A case whose severe action
    waits for a second senior is ``pending_approval`` with no outcome yet: an action shows as taken only once
    the case is closed with it."""
    code = tracking_code.strip().upper()
    report = session.execute(select(Report).where(Report.tracking_code == code)).scalar() if _CODE.fullmatch(code) else None
    if report is None:
        raise NotFound("no report with this tracking code; check it for typos", code="report_not_found")
    case = get_case(session, report.case_id)
    progress = {CaseStatus.OPEN: "queued", CaseStatus.CLAIMED: "in_review",
                CaseStatus.PENDING_APPROVAL: "pending_approval"}.get(CaseStatus(case.status), "closed")
    outcome = None
    if progress == "closed":
        outcome = {CaseOutcome.VIOLATION: "action_taken", CaseOutcome.NO_VIOLATION: "no_violation_found"}.get(
            case.outcome or "", None)
    reward = session.execute(select(Reward).where(Reward.report_id == report.id)).scalar_one_or_none()
    return ReportStatusView(report.tracking_code, report.target_kind, report.target_id, report.reason,
                            report.created_at, progress, outcome, case.report_count,
                            reward.amount_cents if reward is not None else None,
                            reward.status if reward is not None else None)


def settle_reports(session: Session, case_id: int, verified: bool) -> list[Report]:
    """Mark a case's received reports verified (it ended in a violation) or rejected."""
    status = ReportStatus.VERIFIED if verified else ReportStatus.REJECTED
    settled = list(session.execute(select(Report).where(Report.case_id == case_id,
                                                        Report.status == ReportStatus.RECEIVED)).scalars())
    for report in settled:
        report.status = status
        append_audit_event(session, "system", f"report.{status}", "report", report.id, {"case_id": case_id})
    return settled


@dataclass(frozen=True, slots=True)
class MediaView:
    mime: str
    data: bytes


def get_media(session: Session, media_id: int) -> MediaView:
    media = session.get(Media, media_id)
    if media is None:
        raise NotFound(f"no media {media_id}", code="media_not_found")
    return MediaView(media.mime, media.data)
