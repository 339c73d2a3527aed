"""Finding work and evidence: the queue as a filtered, sorted, paged list (:func:`queue_page`) and one search
box over cases, contents, accounts, tracking codes and drainage targets (:func:`search`).

Filters are values, checked before any query (an unknown sort or status is ``invalid_request``), so the console
and the API can pass what a person typed. ``LIKE`` patterns are escaped: ``%`` and ``_`` in a search are
letters, not wildcards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qinglang.domain.review import OPEN_CASE_STATES, QUEUES, CaseSource, CaseStatus
from qinglang.domain.values import require_text
from qinglang.errors import InvalidInput
from qinglang.services.review.views import CaseSummary, case_summary
from qinglang.storage.base import utcnow
from qinglang.storage.tables.core import AccountRow, ContentVersionRow
from qinglang.storage.tables.drainage import DrainageEdgeRow, DrainageTargetRow
from qinglang.storage.tables.review import Case, Report, ReviewUser

SORTS = {"priority": (Case.priority.desc(), Case.id), "sla": (Case.sla_due_at, Case.id),
         "newest": (Case.created_at.desc(), Case.id.desc()), "oldest": (Case.created_at, Case.id),
         "severity": (Case.severity.desc(), Case.priority.desc(), Case.id),
         "reports": (Case.report_count.desc(), Case.priority.desc(), Case.id)}
SLA = ("overdue", "due_4h", "ok")
STATUSES = (*(s.value for s in OPEN_CASE_STATES), "open_all", "closed", "all")
SOURCES = tuple(s.value for s in CaseSource)
VISIBLE_SOURCES = tuple(s for s in SOURCES if s != CaseSource.CALIBRATION)  # the choices below the lead rank
PER_PAGE = 50
MAX_QUERY_CHARS = 200


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue page shows: every field optional; ``assignee`` is ``me``, ``none`` or a user name."""

    queue: str | None = None
    severity: int | None = None
    sla: str | None = None
    source: str | None = None
    assignee: str | None = None
    status: str = "open_all"
    sort: str = "priority"
    page: int = 1
    per_page: int = PER_PAGE
    calibration_visible: bool = True  # False below the lead rank: calibration cases pass as automatic verdicts

    def checked(self) -> QueueFilter:
        def one_of(name: str, value, allowed, code: str = "invalid_request") -> None:
            if value is not None and value not in allowed:
                raise InvalidInput(f"{name} must be one of {', '.join(map(str, allowed))}", code=code)

        one_of("queue", self.queue, QUEUES, "queue_unknown")
        one_of("severity", self.severity, (1, 2, 3))
        one_of("sla", self.sla, SLA)
        one_of("source", self.source, SOURCES if self.calibration_visible else VISIBLE_SOURCES)
        one_of("status", self.status, STATUSES)
        one_of("sort", self.sort, tuple(SORTS))
        if self.assignee is not None:
            require_text(self.assignee, "assignee")
        if not 1 <= self.page <= 100_000 or not 1 <= self.per_page <= 200:
            raise InvalidInput("page must be 1..100000 and per_page 1..200", code="invalid_request")
        return self


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: tuple[CaseSummary, ...]
    total: int
    page: int
    pages: int
    assignees: dict[int, str] = field(default_factory=dict)  # user id -> user name, for the rows shown


def _where(session: Session, f: QueueFilter, user_id: int) -> list:
    now = utcnow()
    statuses = {"open_all": OPEN_CASE_STATES, "closed": (CaseStatus.CLOSED,), "all": None}.get(f.status, (f.status,))
    out = [Case.status.in_(statuses)] if statuses else []
    if f.queue:
        out.append(Case.queue == f.queue)
    if f.severity:
        out.append(Case.severity == f.severity)
    if f.source and not f.calibration_visible and f.source == CaseSource.VERDICT:
        out.append(Case.source.in_((CaseSource.VERDICT, CaseSource.CALIBRATION)))
    elif f.source:
        out.append(Case.source == f.source)
    if f.sla == "overdue":
        out.append(Case.sla_due_at < now)
    elif f.sla == "due_4h":
        out += [Case.sla_due_at >= now, Case.sla_due_at < now + timedelta(hours=4)]
    elif f.sla == "ok":
        out.append(Case.sla_due_at >= now + timedelta(hours=4))
    if f.assignee == "me":
        out.append(Case.claimed_by == user_id)
    elif f.assignee == "none":
        out.append(Case.claimed_by.is_(None))
    elif f.assignee:
        holder = select(ReviewUser.id).where(ReviewUser.username == f.assignee).scalar_subquery()
        out.append(Case.claimed_by == holder)
    return out


def queue_page(session: Session, f: QueueFilter, *, user_id: int) -> QueuePage:
    """One page of the queue under ``f``, with the total behind it."""
    f = f.checked()
    where = _where(session, f, user_id)
    total = session.execute(select(func.count()).select_from(Case).where(*where)).scalar() or 0
    pages = max(1, -(-total // f.per_page))
    page = min(f.page, pages)
    rows = session.execute(select(Case).where(*where).order_by(*SORTS[f.sort])
                           .offset((page - 1) * f.per_page).limit(f.per_page)).scalars().all()
    holders = {r.claimed_by for r in rows if r.claimed_by}
    names = dict(session.execute(select(ReviewUser.id, ReviewUser.username).where(ReviewUser.id.in_(holders))).all()) \
        if holders else {}
    return QueuePage(tuple(case_summary(r) for r in rows), total, page, pages, names)


# --- search --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContentHit:
    content_id: str
    title: str
    account_id: str | None
    snippet: str


@dataclass(frozen=True, slots=True)
class TargetHit:
    kind: str  # url | domain | qr_payload | contact | image_hash
    value: str
    contents: tuple[str, ...]
    accounts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    cases: tuple[CaseSummary, ...] = ()
    contents: tuple[ContentHit, ...] = ()
    accounts: tuple[tuple[str, str, str], ...] = ()  # (id, name, status)
    reports: tuple[tuple[str, int, str], ...] = ()  # (tracking code, case id, status)
    targets: tuple[TargetHit, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.cases or self.contents or self.accounts or self.reports or self.targets)


def _snippet(text: str, q: str, width: int = 40) -> str:
    at = text.find(q)
    if at < 0:
        return text[: 2 * width]
    return ("…" if at > width else "") + text[max(0, at - width): at + len(q) + width] + \
        ("…" if at + len(q) + width < len(text) else "")


def search(session: Session, query: str, *, limit: int = 20) -> SearchResults:
    """Everything that matches ``query``: a case id; a content id, title or text; an account id or name; a
    tracking code; a contact handle, QR payload, domain or URL the drainage graph has seen."""
    q = require_text(query or "", "q").strip()
    if not q:
        return SearchResults("")
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidInput(f"a search is at most {MAX_QUERY_CHARS} characters", code="invalid_request")
    return SearchResults(q, _cases(session, q, limit), _contents(session, q, limit), _accounts(session, q, limit),
                         _reports(session, q, limit), _targets(session, q, limit))


def _cases(session: Session, q: str, limit: int) -> tuple[CaseSummary, ...]:
    match = [Case.target_id == q, Case.account_id == q]
    if q.lstrip("#").isdigit() and len(q) < 10:
        match.append(Case.id == int(q.lstrip("#")))
    rows = session.execute(select(Case).where(or_(*match)).order_by(Case.id.desc()).limit(limit)).scalars()
    return tuple(case_summary(r) for r in rows)


def _contents(session: Session, q: str, limit: int) -> tuple[ContentHit, ...]:
    newest = (select(func.max(ContentVersionRow.pk))
              .where(or_(ContentVersionRow.content_id == q, ContentVersionRow.title.contains(q, autoescape=True),
                         ContentVersionRow.body_text.contains(q, autoescape=True)))
              .group_by(ContentVersionRow.content_id))
    rows = session.execute(select(ContentVersionRow).where(ContentVersionRow.pk.in_(newest))
                           .order_by(ContentVersionRow.pk.desc()).limit(limit)).scalars()
    return tuple(ContentHit(r.content_id, r.title, r.account_id, _snippet(r.body_text or "", q)) for r in rows)


def _accounts(session: Session, q: str, limit: int) -> tuple[tuple[str, str, str], ...]:
    rows = session.execute(select(AccountRow.id, AccountRow.name, AccountRow.status)
                           .where(or_(AccountRow.id == q, AccountRow.name.contains(q, autoescape=True)))
                           .order_by(AccountRow.id).limit(limit)).all()
    return tuple((r[0], r[1], r[2]) for r in rows)


def _reports(session: Session, q: str, limit: int) -> tuple[tuple[str, int, str], ...]:
    rows = session.execute(select(Report.tracking_code, Report.case_id, Report.status)
                           .where(Report.tracking_code == q.upper()).limit(limit)).all()
    return tuple((r[0], r[1], r[2]) for r in rows)


def _targets(session: Session, q: str, limit: int) -> tuple[TargetHit, ...]:
    rows = session.execute(select(DrainageTargetRow).where(DrainageTargetRow.value.contains(q, autoescape=True))
                           .order_by(DrainageTargetRow.last_seen.desc()).limit(limit)).scalars().all()
    out = []
    for t in rows:
        edges = session.execute(select(ContentVersionRow.content_id, DrainageEdgeRow.account_id)
                                .join(ContentVersionRow, ContentVersionRow.pk == DrainageEdgeRow.content_version_id)
                                .where(DrainageEdgeRow.target_id == t.id).limit(50)).all()
        out.append(TargetHit(t.kind, t.value, _unique(e[0] for e in edges), _unique(e[1] for e in edges if e[1])))
    return tuple(out)


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def open_case_ids(session: Session, target_ids: Sequence[str]) -> dict[str, int]:
    """The newest case of each target, to link a content id to its case."""
    if not target_ids:
        return {}
    rows = session.execute(select(Case.target_id, func.max(Case.id)).where(Case.target_id.in_(list(target_ids)))
                           .group_by(Case.target_id)).all()
    return {r[0]: r[1] for r in rows}
