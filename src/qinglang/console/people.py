"""User management in the console (``/console/users``, leads and admins): reset a password, disable or enable,
change a role. The rules of who may change whom are in ``qinglang.services.review.users``."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from qinglang.console.guard import ConsoleRoute, Lead
from qinglang.console.render import render
from qinglang.services.review import users
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)


def _rt(request: Request):
    return request.app.state.runtime


@router.get("/console/users")
def users_page(request: Request, user: Lead) -> Response:
    with transaction(_rt(request).sessions) as session:
        people = users.list_users(session)
    return render(request, "users.html", user=user, people=people, roles=users.ROLES,
                  done=request.query_params.get("done", "")[:32])


@router.post("/console/users/create")
def create_user(request: Request, user: Lead, username: str = Form(""), password: str = Form(""),
                role: str = Form("reviewer"), display_name: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        users.require_may_grant(user, role)
        users.create_user(session, users.check_username(username), password, role, actor=user.actor,
                          display_name=display_name[:128])
    return RedirectResponse("/console/users?done=created", status_code=303)


@router.post("/console/users/password")
def reset_password(request: Request, user: Lead, username: str = Form(""), password: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        users.reset_password(session, user, username, password)
    return RedirectResponse("/console/users?done=password", status_code=303)


@router.post("/console/users/active")
def set_active(request: Request, user: Lead, username: str = Form(""), active: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        users.set_active(session, user, username, active == "yes")
    return RedirectResponse("/console/users?done=active", status_code=303)


@router.post("/console/users/role")
def change_role(request: Request, user: Lead, username: str = Form(""), role: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        users.change_role(session, user, username, role)
    return RedirectResponse("/console/users?done=role", status_code=303)
