"""Who may open which console page, as FastAPI dependencies, and errors as HTML pages.

A console route names the least role it needs in its signature and gets the signed-in user::

    @router.get("/console/approvals")
    def approvals_page(request: Request, user: Senior) -> Response: ...

The dependency (:func:`require_role`) finds the session behind the cookie, checks the role and, on every POST,
the CSRF token, so no route can forget either. Routes are :class:`ConsoleRoute`: any
:class:`~qinglang.errors.QinglangError` or invalid parameter raised while answering becomes an HTML error page
with its stable code (an unsigned-in GET is sent to the sign-in page instead), never a JSON body or a 500.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from qinglang.console.render import error_page
from qinglang.console.session import check_csrf, session_token
from qinglang.domain.review import ReviewerRole
from qinglang.errors import Conflict, Forbidden, InvalidInput, QinglangError, Unauthorized
from qinglang.services.review import sessions
from qinglang.services.review.users import User
from qinglang.storage.db import transaction


class ConsoleRoute(APIRoute):
    """An API route whose errors are rendered as the console's HTML error page."""

    def get_route_handler(self):
        answer = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await answer(request)
            except Unauthorized as exc:
                if request.method == "GET":
                    return RedirectResponse(f"/console/login?next={request.url.path}", status_code=303)
                return error_page(request, exc)
            except QinglangError as exc:
                return error_page(request, exc, getattr(request.state, "user", None))
            except RequestValidationError as exc:
                return error_page(request, _invalid(exc), getattr(request.state, "user", None))
            except IntegrityError:
                conflict = Conflict("a concurrent change collided with this one; reload and retry", code="conflict")
                return error_page(request, conflict, getattr(request.state, "user", None))

        return route


def _invalid(exc: RequestValidationError) -> InvalidInput:
    first = (exc.errors() or [{}])[0]
    field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("path", "query", "body")) or "input"
    return InvalidInput(f"{field}: {first.get('msg', 'invalid value')}", code="invalid_request")


def _find(request: Request, token: str | None) -> sessions.SignedIn | None:
    with transaction(request.app.state.runtime.sessions) as session:
        return sessions.find_session(session, token)


async def signed_in(request: Request) -> sessions.SignedIn:
    """The live session behind the cookie; ``login_required`` when there is none."""
    found = await run_in_threadpool(_find, request, session_token(request))
    if found is None:
        raise Unauthorized("sign in to the console first", code="login_required")
    request.state.user, request.state.csrf, request.state.signed_in = found.user, found.csrf, found
    return found


def require_role(minimum: ReviewerRole, *, also: tuple[ReviewerRole, ...] = ()) -> Any:
    """A dependency returning the signed-in user if their rank reaches ``minimum`` (or their role is in
    ``also``); on POST it checks the CSRF token too."""

    async def dependency(request: Request, found: Annotated[sessions.SignedIn, Depends(signed_in)]) -> User:
        user = found.user
        if user.rank < minimum.rank and user.role not in also:
            raise Forbidden(f"your role ({user.role}) cannot open this page", code="role_insufficient")
        if request.method == "POST":
            await check_csrf(request, found.csrf)
        return user

    return dependency


AnyUser = Annotated[User, Depends(require_role(ReviewerRole.AUDITOR))]
Reviewer = Annotated[User, Depends(require_role(ReviewerRole.REVIEWER))]
Senior = Annotated[User, Depends(require_role(ReviewerRole.SENIOR))]
Lead = Annotated[User, Depends(require_role(ReviewerRole.LEAD))]
AuditReader = Annotated[User, Depends(require_role(ReviewerRole.LEAD, also=(ReviewerRole.AUDITOR,)))]
