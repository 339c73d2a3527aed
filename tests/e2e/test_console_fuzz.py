"""Property-based fuzzing of every console form, on SQLite and on PostgreSQL.

For each POST form of the console (and the query strings of its list pages), Hypothesis fills every field with
a value drawn from ``qinglang.testing.hostile`` — text with a NUL byte or a lone surrogate, integers past the id
columns, huge text — or from the values the form expects, or from any text at all; path ids are real ones or
hostile ones; one request in ten carries a wrong CSRF token. Every answer must be a page, never a server error:
a redirect, a page, or an HTML error page whose ``data-code`` docs/api.md lists under that status.

Bounded and reproducible: ``EXAMPLES`` per form and database, derandomized, no example database.
"""

from __future__ import annotations

import re

import pytest
from hostile_support import documented_codes, hostile_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from qinglang.domain.review import CHOICES, QUEUES
from qinglang.domain.sweeps import SeedKind
from qinglang.services import books, sweeps
from qinglang.services.certification import practice
from qinglang.services.review import calibration, reports, users
from qinglang.storage.db import transaction
from qinglang.testing.hostile import huge_text, out_of_range_ints, unstorable_text

EXAMPLES = 25
PEOPLE = ["rev", "sen", "aud", "nobody"]  # never the fuzzing lead: it would sign itself out


def _field(*expected: str, long: int = 3000) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(expected or ("",)), st.text(max_size=30), unstorable_text(),
                     huge_text(long, 2 * long), out_of_range_ints().map(str), st.just(""))


def _id(real: str) -> st.SearchStrategy[str]:
    return st.one_of(st.just(real), out_of_range_ints().map(str), st.sampled_from(["0", "-1", "abc", "1.5", "%00"]))


CHOICE = _field(*CHOICES)
QUEUE = _field(*QUEUES)
TEXT = _field("导流到微信，低俗", "ok")


def forms(ids: dict[str, str]) -> dict[str, tuple[str, st.SearchStrategy]]:
    """Each form: its path (with ``{id}``) and a strategy for (id, fields)."""
    def form(path_id: str, **fields):
        return st.tuples(_id(ids[path_id]) if path_id else st.just(""), st.fixed_dictionaries(fields))

    return {
        "claim": ("/console/claim", form("")),
        "claim_case": ("/console/cases/{id}/claim", form("case")),
        "decide": ("/console/cases/{id}/decide", form("case", choice=CHOICE, reason=TEXT, days=_field("7", "0"),
                                                      once=_field("abc"))),
        "release": ("/console/cases/{id}/release", form("case")),
        "note": ("/console/cases/{id}/notes", form("case", text=TEXT)),
        "assign": ("/console/cases/{id}/assign", form("case", to=_field(*PEOPLE))),
        "approval": ("/console/approvals/{id}", form("case", verdict=_field("approve", "disagree"), reason=TEXT)),
        "appeal": ("/console/appeals/{id}", form("case", verdict=_field("uphold", "overturn"), reason=TEXT)),
        "reward": ("/console/rewards/{id}", form("case", verdict=_field("approve", "refuse"))),
        "calibration": ("/console/calibration", form("", target_id=_field("cal-1"), queue=QUEUE,
                                                     known_answer=CHOICE, title=TEXT, body=TEXT)),
        "practice": ("/console/practice/{id}", form("practice", choice=CHOICE)),
        "pool": ("/console/certification/refresh", form("")),
        "write_practice": ("/console/certification/practice-cases", form(
            "", category=QUEUE, title=TEXT, body=TEXT, right_answer=CHOICE, explanation=TEXT)),
        "revoke": ("/console/certification/{id}/revoke", form("user", category=QUEUE)),
        "user_create": ("/console/users/create", form("", username=_field("new.user"), password=_field("long-password-1"),
                                                     role=_field("reviewer", "admin"), display_name=TEXT)),
        "user_password": ("/console/users/password", form("", username=_field(*PEOPLE),
                                                         password=_field("another-password"))),
        "user_active": ("/console/users/active", form("", username=_field(*PEOPLE), active=_field("yes", "no"))),
        "user_role": ("/console/users/role", form("", username=_field(*PEOPLE), role=_field("senior", "lead"))),
        "login": ("/console/login", form("", username=_field(*PEOPLE), password=TEXT, next=_field("/console"))),
        "sweep_decide": ("/console/sweeps/{id}/decide", form("sweep", case_id=_id(ids["case"]), choice=CHOICE,
                                                             reason=TEXT)),
        "book_take_down": ("/console/books/{id}/take-down", form("book", reason=TEXT)),
    }


QUERIES = {  # GET pages with query strings
    "queue": ("/console", ["queue_name", "severity", "sla", "source", "assignee", "status", "sort", "page"]),
    "search": ("/console/search", ["q"]),  # URLs stay under what a browser sends (a few kB of query string)
    "audit": ("/console/audit", ["actor", "kind", "from", "to", "before"]),
    "export": ("/console/audit/export", ["actor", "kind", "from", "to", "format"]),
    "practice_page": ("/console/practice", ["category"]),
    "sweeps": ("/console/sweeps", ["finished", "page"]),
    "shadow": ("/console/shadow", ["live_verdict", "shadow_verdict", "before"]),
    "books": ("/console/books", ["flagged", "account"]),
    "book": ("/console/books/book-fuzz", ["action"]),
}


def _problems(response) -> list[str]:
    if response.status_code >= 500:
        return [f"server error {response.status_code}: {response.text[:300]}"]
    if response.status_code < 400:
        return []
    if "text/html" not in response.headers.get("content-type", ""):
        return [f"{response.status_code} is not a page: {response.headers.get('content-type')}"]
    found = re.search(r'class="error" data-code="([a-z_]+)"', response.text)
    if not found:
        return [f"{response.status_code} page without an error code: {response.text[:300]}"]
    code = found.group(1)
    if response.status_code not in documented_codes().get(code, set()):
        return [f"code {code!r} with status {response.status_code} is not in docs/api.md"]
    return []


@pytest.fixture
def console(settings):
    app, runtime, _keys = hostile_app(settings)
    with transaction(runtime.sessions) as s:
        made = {name: users.create_user(s, name, f"password-{name}", role, actor="test")
                for name, role in (("lead", "lead"), ("rev", "reviewer"), ("sen", "senior"), ("aud", "auditor"))}
    with transaction(runtime.sessions) as s:
        new = reports.NewReport(target_kind="content", target_id="art-fuzz", reason="porn", text="低俗", contact="",
                                ip="10.0.0.9")
        case_id = reports.file_report(s, new, review=settings.review, secret="s").case_id
        calibration.seed_known_answer(s, made["lead"], target_kind="content", target_id="cal-fuzz", queue="porn",
                                      known_answer="take_down", title="t", body="b", review=settings.review)
        written = practice.add_written(s, made["lead"], category="porn", title="t", body="加我薇信",
                                       right_answer="take_down", explanation="导流")
    client = TestClient(app, follow_redirects=False, raise_server_exceptions=False, client=("10.7.0.1", 5000))
    assert client.post("/console/login", data={"username": "lead", "password": "password-lead"}).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/console").text).group(1)
    sweep = sweeps.start_sweep(runtime.sessions, sweeps.Seed(SeedKind.TEXT, "导流到微信，低俗" * 5), actor="test",
                               sla_hours=settings.review.sla_hours)
    with transaction(runtime.sessions) as s:
        books.refresh_book(s, "book-fuzz")  # a book with no chapter yet: its row exists
    ids = {"case": str(case_id), "practice": str(written.id), "user": str(made["rev"].id), "sweep": str(sweep.id),
           "book": "book-fuzz"}
    yield client, csrf, ids
    runtime.close()


RUN = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
               phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("name", sorted(forms({"case": "1", "practice": "1", "user": "1", "sweep": "1", "book": "b"})))
def test_fuzzed_console_forms_answer_with_pages_and_documented_codes(console, name):
    client, csrf, ids = console
    path, strategy = forms(ids)[name]

    @RUN
    @given(strategy, st.integers(0, 9))
    def run(drawn, coin):
        path_id, fields = drawn
        data = {**fields, "csrf": csrf if coin else "forged"}
        response = client.post(path.format(id=path_id), data=_encodable(data))
        assert not _problems(response), (path, fields, _problems(response))

    run()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_fuzzed_console_queries_answer_with_pages_and_documented_codes(console, name):
    client, _csrf, _ids = console
    path, params = QUERIES[name]

    @RUN
    @given(st.fixed_dictionaries({p: _field("porn", "1", "2026-11-01", "csv", "me", long=300) for p in params}))
    def run(values):
        response = client.get(path, params=_encodable(values))
        assert not _problems(response), (path, values, _problems(response))

    run()


def _encodable(values: dict[str, str]) -> dict[str, str]:
    """A lone surrogate cannot be sent as UTF-8 form data; a browser sends U+FFFD in its place, and so do we."""
    return {k: v.encode("utf-8", "replace").decode("utf-8") for k, v in values.items()}
