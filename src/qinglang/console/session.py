"""The console's cookie and form tokens.

- **Session cookie** ``ql_session``: a random token, HttpOnly, SameSite=Strict, ``Secure`` in production. It
  means something only while its row in ``review_sessions`` is live (``qinglang.services.review.sessions``).
- **CSRF token**: kept with the session; every console POST carries it (form field ``csrf`` or header
  ``X-CSRF-Token``), checked by the role dependency in ``guard``.
- **Public form token**: the report form, which has no session and may be embedded in another site (where a
  SameSite cookie would not be sent), carries ``<time>.<nonce>.<HMAC(secret, time.nonce)>`` in a hidden field
  instead: a page of ours issued it within the last two hours. No cookie is needed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from fastapi import Request
from starlette.responses import Response

from qinglang.errors import Forbidden

SESSION_COOKIE = "ql_session"
FORM_TOKEN_MAX_AGE_S = 2 * 3600
FORM_TOKEN_SKEW_S = 300  # a clock a little ahead is tolerated


def _settings(request: Request):
    return request.app.state.runtime.settings


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = _settings(request)
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.security.session_hours * 3600, httponly=True,
                        samesite="strict", secure=settings.environment == "production", path="/")


def end_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


async def check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        sent = str(form.get("csrf", ""))
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden("the form expired or did not come from this site; reload the page and try again",
                        code="csrf_failed")


def _form_mac(secret: str, issued: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"report-form:{issued}.{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def form_token(secret: str, now: float | None = None) -> str:
    issued, nonce = str(int(now if now is not None else time.time())), secrets.token_urlsafe(12)
    return f"{issued}.{nonce}.{_form_mac(secret, issued, nonce)}"


def check_form_token(secret: str, token: str, now: float | None = None) -> None:
    """Refuse a public form whose token we did not issue, or issued too long ago."""
    parts = (token or "").split(".")
    now = now if now is not None else time.time()
    valid = len(parts) == 3 and parts[0].isdigit() and hmac.compare_digest(_form_mac(secret, parts[0], parts[1]),
                                                                           parts[2])
    if not valid or not -FORM_TOKEN_SKEW_S <= now - int(parts[0]) <= FORM_TOKEN_MAX_AGE_S:
        raise Forbidden("the form expired; reload the page and submit again", code="csrf_failed")
