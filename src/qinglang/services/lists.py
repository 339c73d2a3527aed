"""The blacklist/allowlist register: add, remove, list, import and export entries.

Values are stored canonical (see :func:`canonical_value`) so ``Example.COM`` and ``example.com`` are one entry.
Expired and removed entries stay in the table for the audit trail but never reach a register snapshot.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qinglang.domain.model import ListKind
from qinglang.domain.values import require_text
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import ListEntryRow

LIST_NAMES = ("block", "allow")


@dataclass(frozen=True, slots=True)
class ListEntry:
    id: int
    list: str
    kind: ListKind
    value: str
    reason: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None = None
    removed_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "list": self.list,
            "kind": self.kind.value,
            "value": self.value,
            "reason": self.reason,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "removed_at": self.removed_at.isoformat() if self.removed_at else None,
        }


@dataclass(frozen=True, slots=True)
class NewListEntry:
    list: str
    kind: str
    value: str
    reason: str = ""
    expires_at: datetime | None = None


@dataclass(slots=True)
class ImportReport:
    added: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "skipped": self.skipped, "errors": self.errors, "dry_run": self.dry_run}


def canonical_value(kind: ListKind, value: str) -> str:
    """The stored form of a value: NFKC, trimmed, then the register's own canonical form for the kind."""
    from qinglang.pipeline.register import canonical

    return canonical(kind, unicodedata.normalize("NFKC", value).strip())


def _check_passage(value: str) -> None:
    """A ``text_fingerprint`` value is a passage: enough wording to fingerprint, short enough to index."""
    from qinglang.pipeline.register import TEXT_FINGERPRINT_MAX, TEXT_FINGERPRINT_MIN_WORDING
    from qinglang.similarity import fingerprint_text

    if len(value) > TEXT_FINGERPRINT_MAX:
        raise InvalidInput(f"a text_fingerprint passage is at most {TEXT_FINGERPRINT_MAX} characters, not "
                           f"{len(value)}; list a representative passage, longer texts containing it match too",
                           code="invalid_list_value")
    if len(fingerprint_text(value)) < TEXT_FINGERPRINT_MIN_WORDING:
        raise InvalidInput(f"a text_fingerprint passage needs at least {TEXT_FINGERPRINT_MIN_WORDING} letters or "
                           "digits; list short phrases as term entries", code="invalid_list_value")


def _parse_new(new: NewListEntry) -> tuple[str, ListKind, str]:
    if new.list not in LIST_NAMES:
        raise InvalidInput(f"unknown list {new.list!r}; use one of {', '.join(LIST_NAMES)}", code="invalid_list")
    try:
        kind = ListKind(new.kind)
    except ValueError:
        kinds = ", ".join(k.value for k in ListKind)
        raise InvalidInput(f"unknown list kind {new.kind!r}; use one of {kinds}", code="invalid_list_kind") from None
    value = canonical_value(kind, new.value)
    if not value:
        raise InvalidInput("a list entry needs a non-empty value", code="invalid_list_value")
    if kind == ListKind.TEXT_FINGERPRINT:
        _check_passage(value)
    if new.expires_at is not None and new.expires_at.tzinfo is None:
        raise InvalidInput("expires_at must carry a timezone (e.g. 2030-01-01T00:00:00Z)", code="invalid_expiry")
    return new.list, kind, value


def _to_entry(row: ListEntryRow) -> ListEntry:
    return ListEntry(
        id=row.id,
        list=row.list,
        kind=ListKind(row.kind),
        value=row.value,
        reason=row.reason,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        removed_at=row.removed_at,
    )


def _find_active_row(session: Session, list_name: str, kind: ListKind, value: str) -> ListEntryRow | None:
    stmt = select(ListEntryRow).where(
        ListEntryRow.list == list_name,
        ListEntryRow.kind == kind.value,
        ListEntryRow.value == value,
        ListEntryRow.removed_at.is_(None),
    )
    return session.execute(stmt).scalar_one_or_none()


def check_new_entry(session: Session, new: NewListEntry) -> tuple[str, ListKind, str]:
    """Validate an entry to be added and return its (list, kind, canonical value); conflicts raise."""
    list_name, kind, value = _parse_new(new)
    if _find_active_row(session, list_name, kind, value) is not None:
        raise Conflict(
            f"{kind.value} {value!r} is already on the {list_name} list; remove it first to change it",
            code="list_entry_exists",
        )
    return list_name, kind, value


def add_entry(session: Session, new: NewListEntry, *, actor: str) -> ListEntry:
    """Add one entry; an active entry with the same (list, kind, value) is a conflict."""
    list_name, kind, value = check_new_entry(session, new)
    row = ListEntryRow(
        list=list_name, kind=kind.value, value=value, reason=new.reason, created_by=actor, expires_at=new.expires_at
    )
    session.add(row)
    session.flush()
    entry = _to_entry(row)
    append_audit_event(
        session,
        actor=actor,
        action="list_entry.added",
        subject_type="list_entry",
        subject_id=str(row.id),
        data=entry.to_dict(),
    )
    return entry


def get_entry(session: Session, entry_id: int) -> ListEntry:
    row = session.get(ListEntryRow, entry_id)
    if row is None:
        raise NotFound(f"list entry {entry_id} does not exist", code="list_entry_not_found")
    return _to_entry(row)


def holding_action(session: Session, entry_id: int) -> int | None:
    """The id of the active blacklist action that put entry ``entry_id`` on the list, if there is one."""
    from qinglang.storage.tables.review import Action

    return session.execute(select(Action.id).where(
        Action.kind == "blacklist", Action.status == "active",
        Action.params["list_entry_id"].as_integer() == entry_id)).scalars().first()


def remove_entry(session: Session, entry_id: int, *, actor: str, reason: str = "", reversing: bool = False) -> ListEntry:
    """Mark an entry removed (kept for the audit trail). Removing a removed entry is a no-op.

    An entry that an active blacklist action put there (decided, and approved by a second senior where the
    action is severe) comes off only with that action: its reversal passes ``reversing=True``; anyone else is
    refused (``list_entry_held_by_action``) and told to reverse the action instead."""
    row = session.get(ListEntryRow, entry_id)
    if row is None:
        raise NotFound(f"list entry {entry_id} does not exist", code="list_entry_not_found")
    held_by = None if reversing or row.removed_at is not None else holding_action(session, entry_id)
    if held_by is not None:
        raise Conflict(f"list entry {entry_id} was added by action #{held_by}; reverse that action (an appeal or a "
                       "lead's reversal) to take the entry off the list", code="list_entry_held_by_action",
                       details={"action_id": held_by})
    if row.removed_at is None:
        row.removed_at = utcnow()
        session.flush()
        append_audit_event(
            session,
            actor=actor,
            action="list_entry.removed",
            subject_type="list_entry",
            subject_id=str(row.id),
            data={"list": row.list, "kind": row.kind, "value": row.value, "reason": reason},
        )
    return _to_entry(row)


def list_entries(
    session: Session,
    *,
    list_name: str | None = None,
    kind: str | None = None,
    active_only: bool = True,
    after_id: int = 0,
    limit: int = 100,
) -> Sequence[ListEntry]:
    """Entries ordered by id; page with ``after_id`` = the last id of the previous page."""
    stmt = select(ListEntryRow).where(ListEntryRow.id > after_id).order_by(ListEntryRow.id).limit(limit)
    if list_name:
        stmt = stmt.where(ListEntryRow.list == list_name)
    if kind:
        stmt = stmt.where(ListEntryRow.kind == kind)
    if active_only:
        now = utcnow()
        stmt = stmt.where(
            ListEntryRow.removed_at.is_(None),
            or_(ListEntryRow.expires_at.is_(None), ListEntryRow.expires_at > now),
        )
    return [_to_entry(row) for row in session.execute(stmt).scalars()]


def active_entries(session: Session) -> list[ListEntry]:
    """Every entry in force now (not removed, not expired): what a register snapshot is built from."""
    out: list[ListEntry] = []
    after = 0
    while page := list_entries(session, after_id=after, limit=1000):
        out.extend(page)
        after = page[-1].id
    return out


def register_fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes whenever an entry is added or removed, so caches of the register know when to rebuild."""
    stmt = select(func.count(ListEntryRow.id), func.max(ListEntryRow.id), func.max(ListEntryRow.removed_at))
    return tuple(session.execute(stmt).one())


def next_expiry(session: Session) -> datetime | None:
    """The earliest future expiry of an active entry: a snapshot built now goes stale at that moment."""
    stmt = select(func.min(ListEntryRow.expires_at)).where(
        ListEntryRow.removed_at.is_(None), ListEntryRow.expires_at > utcnow()
    )
    return session.execute(stmt).scalar()


def _malformed(message: str, *, code: str) -> InvalidInput:
    """A file that cannot be read at all is the caller's request being wrong as a whole: 400, not 422."""
    error = InvalidInput(message, code=code)
    error.status = 400
    return error


def decode_import(data: bytes) -> str:
    """The text of an uploaded import file, which must be UTF-8 (``invalid_utf8`` names the first bad byte)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _malformed(
            f"the file is not valid UTF-8 (byte {exc.start}); save it as UTF-8 and send it again", code="invalid_utf8"
        ) from None


def parse_import(data: str, fmt: str) -> list[dict[str, Any]]:
    """Rows of a JSONL or CSV (header: list,kind,value,reason,expires_at) export. A line that is not JSON (or
    is nested too deeply to parse) and a CSV file the csv module cannot read refuse the whole file."""
    if fmt == "jsonl":
        return [_json_row(number, line) for number, line in enumerate(data.splitlines(), start=1) if line.strip()]
    if fmt == "csv":
        try:
            return [dict(row) for row in csv.DictReader(io.StringIO(data))]
        except csv.Error as exc:
            raise _malformed(f"the CSV file cannot be read: {exc}", code="malformed_csv") from None
    raise InvalidInput(f"unknown import format {fmt!r}; use jsonl or csv", code="invalid_format")


def _json_row(number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise _malformed(f"line {number} is not valid JSON: {exc.msg}", code="malformed_json") from None
    except (RecursionError, ValueError) as exc:  # nested past the parser's stack, or a number of 4,300+ digits
        why = "is nested too deeply" if isinstance(exc, RecursionError) else f"cannot be parsed ({exc})"
        raise _malformed(f"line {number} {why}; send one flat JSON object per line", code="malformed_json") from None


def import_entries(
    session: Session, rows: Iterable[dict[str, Any]], *, actor: str, dry_run: bool = False
) -> ImportReport:
    """Add every valid row; rows already on the list are skipped, invalid rows reported with their number."""
    report = ImportReport(dry_run=dry_run)
    for number, raw in enumerate(rows, start=1):
        try:
            new = _new_from_raw(raw)
            list_name, kind, value = _parse_new(new)
            if _find_active_row(session, list_name, kind, value) is not None:
                report.skipped += 1
                continue
            if not dry_run:
                add_entry(session, new, actor=actor)
            report.added += 1
        except InvalidInput as exc:
            report.errors.append({"row": number, "code": exc.code, "message": exc.message})
    return report


def _new_from_raw(raw: Any) -> NewListEntry:
    if not isinstance(raw, dict):
        raise InvalidInput("each row must be an object with list, kind and value", code="invalid_list_row")
    expires = _row_text(raw, "expires_at") or None
    try:
        expires_at = datetime.fromisoformat(expires) if expires else None
    except ValueError:
        raise InvalidInput(f"expires_at {expires!r} is not an ISO 8601 date-time", code="invalid_expiry") from None
    return NewListEntry(
        list=_row_text(raw, "list") or "block",
        kind=_row_text(raw, "kind"),
        value=_row_text(raw, "value"),
        reason=_row_text(raw, "reason"),
        expires_at=expires_at,
    )


def _row_text(raw: dict[str, Any], name: str) -> str:
    """One field of an import row as storable text: strings and numbers as written, a missing or null field as
    ``""``; objects, lists, NUL bytes and lone surrogates are refused (the row is reported, the rest go on)."""
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInput(f"{name} must be a string, not {type(value).__name__}", code="invalid_list_row")
    return require_text(str(value), name)


def export_entries(entries: Iterable[ListEntry], fmt: str = "jsonl") -> str:
    """Entries as JSONL or CSV text that :func:`import_entries` reads back."""
    fields = ("list", "kind", "value", "reason", "expires_at")
    dicts = [{k: e.to_dict()[k] for k in fields} for e in entries]
    if fmt == "jsonl":
        return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dicts)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: (v or "") for k, v in d.items()} for d in dicts)
        return buffer.getvalue()
    raise InvalidInput(f"unknown export format {fmt!r}; use jsonl or csv", code="invalid_format")


ENTRY_STATES = ("active", "removed", "expired", "all")


@dataclass(frozen=True, slots=True)
class EntriesPage:
    """One page of the register as the console lists it, newest first."""

    items: tuple[ListEntry, ...]
    total: int
    page: int
    pages: int


def entries_page(session: Session, *, list_name: str | None = None, kind: str | None = None, state: str = "active",
                 page: int = 1, per_page: int = 50) -> EntriesPage:
    """Entries of one list and kind (either optional) in one state — ``active`` (in force now), ``removed``,
    ``expired`` (past their expiry, never removed) or ``all`` — newest first, in pages of ``per_page``.
    Unknown filters are refused with the codes the API uses (``invalid_list``, ``invalid_list_kind``)."""
    if list_name is not None and list_name not in LIST_NAMES:
        raise InvalidInput(f"unknown list {list_name[:40]!r}; use one of {', '.join(LIST_NAMES)}", code="invalid_list")
    if kind is not None and kind not in tuple(ListKind):
        kinds = ", ".join(k.value for k in ListKind)
        raise InvalidInput(f"unknown list kind {kind[:40]!r}; use one of {kinds}", code="invalid_list_kind")
    if state not in ENTRY_STATES:
        raise InvalidInput(f"state must be one of {', '.join(ENTRY_STATES)}", code="invalid_request")
    if not 1 <= page <= 100_000 or not 1 <= per_page <= 200:
        raise InvalidInput("page must be 1..100000 and per_page 1..200", code="invalid_request")
    now = utcnow()
    where = [ListEntryRow.list == list_name] if list_name else []
    where += [ListEntryRow.kind == kind] if kind else []
    where += {
        "active": [ListEntryRow.removed_at.is_(None),
                   or_(ListEntryRow.expires_at.is_(None), ListEntryRow.expires_at > now)],
        "removed": [ListEntryRow.removed_at.is_not(None)],
        "expired": [ListEntryRow.removed_at.is_(None), ListEntryRow.expires_at <= now],
        "all": [],
    }[state]
    total = int(session.execute(select(func.count()).select_from(ListEntryRow).where(*where)).scalar_one())
    rows = session.execute(select(ListEntryRow).where(*where).order_by(ListEntryRow.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).scalars()
    return EntriesPage(tuple(_to_entry(row) for row in rows), total, page, max(1, -(-total // per_page)))
