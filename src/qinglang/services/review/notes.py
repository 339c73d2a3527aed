"""Case notes: what a reviewer wants the next person on the case to know. Added, never edited; each is an
audit event. Anyone who may review may write one; auditors read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.review import ReviewerRole
from qinglang.domain.values import require_text
from qinglang.errors import InvalidInput
from qinglang.services.review.case_store import get_case
from qinglang.services.review.users import User, require_rank
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.certification import CaseNote
from qinglang.storage.tables.review import ReviewUser

MAX_NOTE_CHARS = 2000


@dataclass(frozen=True, slots=True)
class NoteView:
    id: int
    author: str
    text: str
    created_at: datetime


def add_note(session: Session, case_id: int, user: User, text: str) -> NoteView:
    require_rank(user, ReviewerRole.REVIEWER)
    text = require_text(text or "", "note").strip()
    if not text:
        raise InvalidInput("a note needs some text", code="note_empty")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(f"a note is at most {MAX_NOTE_CHARS} characters", code="note_too_long")
    get_case(session, case_id)
    row = CaseNote(case_id=case_id, author_id=user.id, text=text, created_at=utcnow())
    session.add(row)
    session.flush()
    append_audit_event(session, user.actor, "case.noted", "case", case_id, {"note_id": row.id})
    return NoteView(row.id, user.username, text, row.created_at)


def list_notes(session: Session, case_id: int) -> list[NoteView]:
    rows = session.execute(select(CaseNote, ReviewUser.username).join(ReviewUser, ReviewUser.id == CaseNote.author_id)
                           .where(CaseNote.case_id == case_id).order_by(CaseNote.id)).all()
    return [NoteView(n.id, name, n.text, n.created_at) for n, name in rows]
