"""Training and certification pages: practice for reviewers, certificates and their history for leads.

- ``/console/practice`` — the reviewer's certificate in every category and, with ``?category=``, the next
  known-answer practice case (its text and highlighted evidence, the same choice buttons as a live case);
- ``POST /console/practice/{id}`` — an answer; the answer page shows the right answer, why, and the policy rules;
- ``/console/certification`` (lead) — every reviewer's certificate per category, the practice set, a form to
  write a practice case; ``/console/certification/{user_id}`` — one reviewer's history.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from qinglang.console.guard import ConsoleRoute, Lead, Reviewer
from qinglang.console.highlight import highlight, qr_targets
from qinglang.console.render import render
from qinglang.domain.review import CHOICES
from qinglang.domain.values import MAX_ID
from qinglang.services.certification import certificates, practice
from qinglang.services.review import users
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _rt(request: Request):
    return request.app.state.runtime


def _rule(request: Request):
    return certificates.rule_from(_rt(request).settings.certification)


def rule_descriptions(request: Request, rule_ids) -> list[tuple[str, str]]:
    """Each fired rule id with its description from the live policy (empty when the policy lacks it)."""
    policy = getattr(getattr(_rt(request).screening, "screener", None), "policy", None)
    known = {r.id: r.description for r in getattr(policy, "rules", ())}
    return [(rid, known.get(rid, "")) for rid in rule_ids]


@router.get("/console/practice")
def practice_page(request: Request, user: Reviewer, category: Annotated[str | None, Query(max_length=40)] = None
                  ) -> Response:
    rule = _rule(request)
    with transaction(_rt(request).sessions) as session:
        if category is not None:
            certificates.parse_category(category)
        standings = {c: (certificates.level_of(session, user.id, c), certificates.standing(session, user.id, c, rule))
                     for c in certificates.CATEGORIES}
        pool = practice.pool_counts(session)
        case = practice.next_case(session, user, category) if category else None
    hl = highlight(case.title, case.body, case.evidence) if case else highlight("", "", ())
    return render(request, "practice.html", user=user, standings=standings, pool=pool, category=category,
                  case=case, segments=hl.text, hits=hl.hits, title_segments=hl.title,
                  qr=qr_targets(case.evidence) if case else [], choices=CHOICES, rule=rule,
                  required=_rt(request).settings.certification.required, exempt=certificates.exempt(user))


@router.post("/console/practice/{practice_id}")
def practice_answer(request: Request, practice_id: Id, user: Reviewer, choice: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        result = practice.answer(session, user, practice_id, choice, _rule(request))
    return RedirectResponse(f"/console/practice/answers/{result.answer_id}", status_code=303)


@router.get("/console/practice/answers/{answer_id}")
def practice_result(request: Request, answer_id: Id, user: Reviewer) -> Response:
    rule = _rule(request)
    with transaction(_rt(request).sessions) as session:
        result = practice.result_of(session, user, answer_id, rule)
    hl = highlight(result.case.title, result.case.body, result.case.evidence)
    return render(request, "practice_result.html", user=user, result=result, segments=hl.text, hits=hl.hits,
                  title_segments=hl.title, qr=qr_targets(result.case.evidence),
                  rules=rule_descriptions(request, result.case.rules), rule=rule)


@router.get("/console/certification")
def certification_page(request: Request, user: Lead) -> Response:
    with transaction(_rt(request).sessions) as session:
        reviewers = [u for u in users.list_users(session) if not certificates.exempt(u) and u.role != "auditor"]
        certs = certificates.all_certificates(session)
        pool = practice.pool_counts(session)
    return render(request, "certification.html", user=user, reviewers=reviewers, certs=certs, pool=pool,
                  categories=certificates.CATEGORIES, choices=CHOICES, rule=_rule(request),
                  required=_rt(request).settings.certification.required)


@router.get("/console/certification/{user_id}")
def certification_history(request: Request, user_id: Id, user: Lead) -> Response:
    with transaction(_rt(request).sessions) as session:
        person = users.get_user(session, user_id)
        lines = certificates.history(session, user_id)
        certs = certificates.all_certificates(session).get(user_id, {})
    return render(request, "certification_history.html", user=user, person=person, lines=lines, certs=certs,
                  categories=certificates.CATEGORIES)


@router.post("/console/certification/refresh")
def refresh_practice_set(request: Request, user: Lead) -> Response:
    with transaction(_rt(request).sessions) as session:
        added = practice.refresh_pool(session, user.actor)
    return RedirectResponse(f"/console/certification?added={added}", status_code=303)


@router.post("/console/certification/practice-cases")
def write_practice_case(request: Request, user: Lead, category: str = Form(""), title: str = Form(""),
                        body: str = Form(""), right_answer: str = Form(""), explanation: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        practice.add_written(session, user, category=category, title=title, body=body, right_answer=right_answer,
                             explanation=explanation)
    return RedirectResponse("/console/certification?written=1", status_code=303)


@router.post("/console/certification/{user_id}/revoke")
def revoke_certificate(request: Request, user_id: Id, user: Lead, category: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        certificates.revoke(session, user, user_id, category)
    return RedirectResponse(f"/console/certification/{user_id}", status_code=303)
