"""Read-only reference pages for everyone signed in: the register's list entries (``/console/register``; the
dashboard's drill-down into one day's changes is ``/console/lists``) and the
live policy (``/console/policy``): its id, version, thresholds and every rule with its id, condition, verdict
and description — the rule ids a case page names link here. Nothing on these pages changes anything; the
register is changed through ``/v1/lists`` and ``qinglang lists``, the policy by deploying a new file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from qinglang.console.guard import AnyUser, ConsoleRoute
from qinglang.console.render import render
from qinglang.domain.model import ListKind
from qinglang.errors import InvalidInput
from qinglang.policy.model import (
    AllCondition,
    AnyCondition,
    DetectorFailedCondition,
    NotCondition,
    SignalCondition,
    VerdictAtLeast,
)
from qinglang.services import lists
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
Param = Annotated[str | None, Query(max_length=64)]
PER_PAGE = 50


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


@router.get("/console/register")
def lists_page(request: Request, user: AnyUser, list: Param = None, kind: Param = None, state: Param = None,
               page: Param = None) -> Response:
    """The register's entries, newest first, filtered by list, kind and state, 50 a page."""
    number = _blank(page) or "1"
    if not number.isdigit() or len(number) > 6:
        raise InvalidInput("page must be a whole number", code="invalid_request")
    wanted = {"list": _blank(list), "kind": _blank(kind), "state": _blank(state) or "active"}
    with transaction(request.app.state.runtime.sessions) as session:
        found = lists.entries_page(session, list_name=wanted["list"], kind=wanted["kind"], state=wanted["state"],
                                   page=int(number), per_page=PER_PAGE)
    params = {k: v for k, v in wanted.items() if v and not (k == "state" and v == "active")}
    return render(request, "register.html", user=user, found=found, wanted=wanted, query=urlencode(params), now=utcnow(),
                  names=lists.LIST_NAMES, kinds=[k.value for k in ListKind], states=lists.ENTRY_STATES)


@router.get("/console/policy")
def policy_page(request: Request, user: AnyUser) -> Response:
    """The live policy (and the shadow policy beside it, when one runs)."""
    screener = getattr(request.app.state.runtime.screening, "screener", None)
    live, shadow = getattr(screener, "policy", None), getattr(screener, "shadow", None)
    return render(request, "policy.html", user=user, policy=live, shadow=shadow,
                  rules=[rule_row(r) for r in getattr(live, "rules", ())],
                  thresholds=flat_thresholds(getattr(live, "thresholds", {})))


def rule_row(rule: Any) -> dict[str, Any]:
    return {"id": rule.id, "when": condition_text(rule.when), "verdict": rule.verdict.value,
            "category": rule.category.value if rule.category else "", "label": rule.label or "",
            "description": rule.description, "line": rule.line}


def condition_text(condition: Any) -> str:
    """A rule's condition in one line, in the words of the policy file (docs/policy.md)."""
    if isinstance(condition, SignalCondition):
        text = condition.ref
        if condition.min_score:
            text += f" ≥ {condition.min_score:g}"
        if condition.min_severity:
            text += f", severity ≥ {condition.min_severity}"
        return f"{condition.count}× {text}" if condition.count > 1 else text
    if isinstance(condition, AnyCondition):
        return "any(" + "; ".join(condition_text(c) for c in condition.items) + ")"
    if isinstance(condition, AllCondition):
        return "all(" + "; ".join(condition_text(c) for c in condition.items) + ")"
    if isinstance(condition, NotCondition):
        return "not " + condition_text(condition.item)
    if isinstance(condition, VerdictAtLeast):
        return f"verdict ≥ {condition.verdict.value}"
    if isinstance(condition, DetectorFailedCondition):
        return f"detector_failed: {condition.detector}"
    return str(condition)


def flat_thresholds(thresholds: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested thresholds as ``(dotted.name, value)`` rows, in the policy file's order."""
    rows: list[tuple[str, Any]] = []
    for name, value in thresholds.items():
        key = f"{prefix}{name}"
        rows += flat_thresholds(value, key + ".") if isinstance(value, Mapping) else [(key, value)]
    return rows
