"""Who may open which console page. One table, so the security test can walk every route."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from qinglang.console.render import error_page
from qinglang.console.session import check_csrf, read_session
from qinglang.errors import Forbidden, QinglangError, Unauthorized
from qinglang.services.review import users
from qinglang.storage.db import transaction

EVERYONE = frozenset(users.ROLES)
REVIEWERS = frozenset({"reviewer", "senior", "lead", "admin"})
SENIORS = frozenset({"senior", "lead", "admin"})
LEADS = frozenset({"lead", "admin"})
AUDIT_READERS = frozenset({"auditor", "lead", "admin"})


def current_user(request: Request) -> tuple[users.User, dict[str, Any]]:
    data = read_session(request)
    if data is None:
        raise Unauthorized("sign in to the console first", code="login_required")
    with transaction(request.app.state.runtime.sessions) as session:
        user = users.find_user(session, int(data.get("uid", 0)))
    if user is None:
        raise Unauthorized("your account is disabled or gone; sign in again", code="login_required")
    return user, data


async def handle(request: Request, roles: frozenset[str], body: Callable[[users.User, dict], Any]) -> Response:
    """Authenticate, authorise, check CSRF on POST, run ``body``; errors become pages, not tracebacks."""
    user = None
    try:
        user, data = current_user(request)
        if user.role not in roles:
            raise Forbidden(f"your role ({user.role}) cannot open this page", code="role_insufficient")
        if request.method == "POST":
            await check_csrf(request, str(data.get("csrf", "")))
        result = body(user, data)
        if hasattr(result, "__await__"):
            result = await result
        return result
    except Unauthorized:
        if request.method == "GET":
            return RedirectResponse(f"/console/login?next={request.url.path}", status_code=303)
        return error_page(request, Unauthorized("sign in to the console first", code="login_required"))
    except QinglangError as exc:
        return error_page(request, exc, user)
