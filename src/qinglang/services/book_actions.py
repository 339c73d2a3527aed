"""Take a whole book off the shelves in one action, from its console page.

This is the ordinary action path (:func:`qinglang.services.review.enforcement.apply_action`) with no case in
between: one ``take_down_book`` action, its outbox event (the platform hears of it once), its audit event and
the strike points the action table gives it, charged to the book's account. The same action can also be
decided on a case about the book or about one of its chapters.

Who may do it is the action table's rule: a reviewer or higher, unless the kind is marked ``severe``, in which
case the two-person rule applies and the take-down must go through a case (``book_action_needs_case``). The
book's status moves by compare-and-set, so of two reviewers pressing the button at once one takes the book down
and the other is told it is already off the shelves (``book_status_unchanged``). Reverting the action (an
overturned appeal) puts the book back on the shelves.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from qinglang.domain.review import ACTIONS, ActionKind, ReviewerRole, TargetKind
from qinglang.errors import Forbidden
from qinglang.services import books
from qinglang.services.review import decisions, enforcement, users
from qinglang.services.review.users import User
from qinglang.storage.tables.review import Action


def take_down_book(session: Session, book_id: str, user: User, reason: str, *, review) -> Action:
    """Apply one ``take_down_book`` action to ``book_id`` on ``user``'s authority."""
    reason = decisions.require_reason(reason)
    users.require_rank(user, ReviewerRole.REVIEWER)
    if ACTIONS[ActionKind.TAKE_DOWN_BOOK].severe:
        raise Forbidden("taking a book down is a severe action: decide it on a case so a second senior approves",
                        code="book_action_needs_case")
    book = books.get_book_row(session, book_id)
    new = enforcement.NewAction(ActionKind.TAKE_DOWN_BOOK, TargetKind.BOOK, book.id, reason,
                                account_id=book.account_id, decided_by=user.id)
    return enforcement.apply_action(session, new, actor=user.actor, review=review)
