"""Load the demo data set (``qinglang.demo_data``) idempotently: running it twice changes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from qinglang.services import accounts, lists
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AccountRow, OperatorRow

DEMO_ACTOR = "demo"


@dataclass(frozen=True, slots=True)
class DemoReport:
    operators: int
    accounts: int
    list_entries: int
    contents: int
    verdicts: dict[str, int]


def _data(name: str) -> list[dict[str, Any]]:
    return json.loads(resources.files("qinglang.demo_data").joinpath(name).read_text("utf-8"))


def load_demo(
    sessions: sessionmaker[Session], screening: ScreeningService, review_sla_hours: dict[str, int] | None = None
) -> DemoReport:
    """Create the demo operators, accounts and list entries if missing, then submit the demo contents."""
    with transaction(sessions) as session:
        operators = _create_missing(session, OperatorRow, _data("operators.json"), accounts.create_operator)
        accounts_added = _create_missing(session, AccountRow, _data("accounts.json"), accounts.create_account)
        imported = lists.import_entries(session, _data("lists.json"), actor=DEMO_ACTOR)
    screening.invalidate()
    verdicts: dict[str, int] = {}
    contents = _data("contents.json")
    for fields in contents:
        fields = {**fields, "images": tuple(fields.get("images", ())), "links": tuple(fields.get("links", ()))}
        submission = ContentSubmission(**fields)
        result = submit_content(sessions, screening, submission, actor=DEMO_ACTOR, review_sla_hours=review_sla_hours)
        verdict = result.record["decision"]["verdict"]
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    return DemoReport(operators, accounts_added, imported.added, len(contents), verdicts)


def _create_missing(session: Session, table: type, rows: list[dict[str, Any]], create) -> int:
    added = 0
    for row in rows:
        if session.get(table, row["id"]) is None:
            create(session, row, actor=DEMO_ACTOR)
            added += 1
    return added


DEMO_USERS = (("demo-reviewer", "reviewer"), ("demo-senior", "senior"), ("demo-lead", "lead"), ("demo-auditor", "auditor"))


def ensure_demo_users(session: Session) -> dict[str, str]:
    """Console users for the demo, one per role: username -> a freshly generated password.

    Run again on an existing database, each demo user gets a new password (its old sessions end), is enabled
    again and given back its demo role, so the credentials printed by every run of ``qinglang demo`` work. Every
    change goes through ``services.review.users`` and is audited there."""
    import secrets

    from qinglang.errors import NotFound
    from qinglang.services.review.users import change_role, create_user, get_user_by_name, reset_password, set_active

    out: dict[str, str] = {}
    for username, role in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        try:
            get_user_by_name(session, username)
        except NotFound:
            create_user(session, username, password, role, actor=DEMO_ACTOR, display_name=username)
        else:
            reset_password(session, DEMO_ACTOR, username, password)
            set_active(session, DEMO_ACTOR, username, True)
            change_role(session, DEMO_ACTOR, username, role)
        out[username] = password
    return out
