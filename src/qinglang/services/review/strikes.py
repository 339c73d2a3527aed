"""Strike points, with the ledger (``review_strikes``) as the one source of truth.

Every point an account holds is a ledger line: the points of one action (``action_id``), or an adjustment the
platform made through ``/v1/accounts`` (``reason`` says who and why). ``accounts.strikes`` — what the API and
the console both show — is only ever changed here, in the same statement as the ledger line, by an atomic
``strikes = strikes + :points``, so concurrent actions on one account never lose a point and the column
always equals the sum of the active lines. Reverting or expiring an action deactivates its lines and takes
their points back the same way.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import AccountRow
from qinglang.storage.tables.review import Strike


def add_for_action(session: Session, account_id: str, action_id: int, points: int) -> int:
    """Charge ``points`` for an action; the account's new total."""
    session.add(Strike(account_id=account_id, action_id=action_id, severity=points))
    total = _shift(session, account_id, points)
    append_audit_event(session, "system", "strike.added", "account", account_id,
                       {"action_id": action_id, "points": points, "total": total})
    return total


def revert_for_action(session: Session, action_id: int) -> None:
    """Take back the points an action charged (it was overturned or it expired)."""
    lines = session.execute(select(Strike).where(Strike.action_id == action_id, Strike.active.is_(True))).scalars()
    for line in list(lines):
        line.active = False
        total = _shift(session, line.account_id, -line.severity)
        append_audit_event(session, "system", "strike.reverted", "account", line.account_id,
                           {"action_id": action_id, "points": line.severity, "total": total})


def set_points(session: Session, account_id: str, points: int, *, actor: str) -> None:
    """The platform says the account holds ``points``: write the difference as an adjustment line."""
    _shift(session, account_id, 0)  # lock the account row first, so the difference is taken from a stable total
    difference = points - total_points(session, account_id)
    if difference:
        session.add(Strike(account_id=account_id, severity=difference, reason=f"set to {points} by {actor}"))
        _shift(session, account_id, difference)
        append_audit_event(session, actor, "strike.adjusted", "account", account_id,
                           {"points": difference, "total": points})


def total_points(session: Session, account_id: str) -> int:
    """The account's points: what the API and the console show."""
    return int(session.execute(select(AccountRow.strikes).where(AccountRow.id == account_id)).scalar() or 0)


def _shift(session: Session, account_id: str, points: int) -> int:
    session.flush()
    session.execute(update(AccountRow).where(AccountRow.id == account_id)
                    .values(strikes=AccountRow.strikes + points).execution_options(synchronize_session=False))
    return total_points(session, account_id)
