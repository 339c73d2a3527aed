"""Console sessions: a signed, HttpOnly, SameSite=Strict cookie holding the user id and a CSRF token.

Every POST must carry the token (form field ``csrf`` or header ``X-CSRF-Token``). The public report form, which
has no session, uses a double-submit cookie instead."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import Request
from starlette.responses import Response

from qinglang.errors import Forbidden, Unauthorized

SESSION_COOKIE = "ql_session"
ANON_CSRF_COOKIE = "ql_csrf"
MAX_AGE_S = 12 * 3600


def _serializer(request: Request):
    from itsdangerous import URLSafeTimedSerializer

    secret = request.app.state.runtime.settings.security.secret_key.get_secret_value()
    return URLSafeTimedSerializer(secret, salt="qinglang-console-session")


def _secure(request: Request) -> bool:
    return request.app.state.runtime.settings.environment == "production"


def start_session(request: Request, response: Response, user_id: int) -> None:
    token = _serializer(request).dumps({"uid": user_id, "csrf": secrets.token_urlsafe(24)})
    response.set_cookie(SESSION_COOKIE, token, max_age=MAX_AGE_S, httponly=True, samesite="strict",
                        secure=_secure(request), path="/")


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def read_session(request: Request) -> dict[str, Any] | None:
    from itsdangerous import BadSignature

    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        return _serializer(request).loads(raw, max_age=MAX_AGE_S)
    except BadSignature:
        return None


def require_session(request: Request) -> dict[str, Any]:
    data = read_session(request)
    if data is None:
        raise Unauthorized("sign in to the console first", code="login_required")
    return data


async def check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        sent = str(form.get("csrf", ""))
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden("the form expired or did not come from this site; reload the page and try again",
                        code="csrf_failed")


def anon_csrf(request: Request, response: Response) -> str:
    token = request.cookies.get(ANON_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response.set_cookie(ANON_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
                        path="/")
    return token
