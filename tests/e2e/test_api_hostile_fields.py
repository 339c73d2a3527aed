"""Every field and parameter of the API, read from its own OpenAPI spec, meets the hostile values of
:mod:`qinglang.testing.hostile`, on SQLite and PostgreSQL.

Where Schemathesis (``test_api_fuzz.py``) explores the schema broadly, this sweep aims: one test per string or
integer field, path or query parameter and form field, each sending an otherwise valid request with that one
value made hostile. A new field is covered as soon as it is in the spec, and must refuse these values itself:

- text with a NUL byte or a lone surrogate: ``422 invalid_text`` naming the field (``invalid_request`` is
  accepted for fields with an enum, pattern or format, which refuse any unexpected value);
- integers past the id columns' range: ``422 id_out_of_range``, or ``invalid_request`` where a tighter bound
  (``limit``, ``severity``, ``since >= 0``) is declared;
- and for every JSON body: deep nesting (a documented 4xx), bytes that are not UTF-8 (``400 invalid_utf8``),
  and a huge ``text`` (``413 text_too_long`` where it is screened; otherwise any documented
  refusal).

Every refused request must leave every table as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from hostile_support import error_problems, hostile_app, openapi_spec, record, row_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from qinglang.config import ApiSettings
from qinglang.domain.values import MAX_ID, MIN_ID
from qinglang.testing.hostile import deep_json, huge_text, invalid_utf8, out_of_range_ints, unstorable_text

EXAMPLES = 4
MAX_TEXT = 2_000  # a small text limit (settings below), so that the huge strings stay cheap to send

# A valid request for every operation that takes a body, and a valid value for every path parameter. A new
# operation with a body must add its own here (the sweep fails loudly until it does).
BODIES: dict[tuple[str, str], dict] = {
    ("POST", "/v1/screen"): {"text": "正文"},
    ("POST", "/v1/contents"): {"content_id": "c-1", "text": "正文"},
    ("POST", "/v1/operators"): {"id": "op-1", "name": "某公司"},
    ("PATCH", "/v1/operators/{operator_id}"): {"name": "某公司"},
    ("POST", "/v1/accounts"): {"id": "acc-1", "name": "号"},
    ("PATCH", "/v1/accounts/{account_id}"): {"name": "号"},
    ("POST", "/v1/lists/entries"): {"kind": "domain", "value": "x.example"},
    ("POST", "/v1/reports"): {"target_kind": "content", "target_id": "c-1", "reason": "porn"},
    ("POST", "/v1/cases"): {"target_kind": "content", "target_id": "c-1", "category": "porn"},
    ("POST", "/v1/appeals"): {"action_id": 1, "account_id": "acc-1", "text": "申诉"},
    ("POST", "/v1/operators/{operator_id}/licences"): {"kind": "icp_filing", "number": "京ICP备12345678号",
                                                       "issuer": "北京市通信管理局"},
    ("POST", "/v1/sweeps"): {"domain": "x.example"},
}
PATH_VALUES = {"entry_id": "1", "action_id": "1", "appeal_id": "1", "kind": "domain", "value": "x.example",
               "tracking_code": "QL-AAAAAAAAAA", "content_id": "c-1", "operator_id": "op-1", "account_id": "acc-1",
               "licence_id": "1", "sweep_id": "1"}


@dataclass(frozen=True)
class Target:
    """One place a value goes: ``where`` is path, query, json or form; ``kind`` text or int."""

    method: str
    path: str
    where: str
    name: str
    kind: str
    constrained: bool  # an enum, pattern, format or tight bound that refuses unexpected values by itself
    shape: str = "scalar"  # scalar, list (of strings) or objects (a list of free-form objects)

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.where}:{self.name}"


def _resolve(spec: dict, schema: dict) -> dict:
    return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema


def _classify(spec: dict, schema: dict) -> tuple[str, str, bool] | None:
    """(kind, shape, constrained) of a field's schema, or None for booleans and other untargeted types."""
    options = [_resolve(spec, s) for s in schema.get("anyOf", [schema])]
    options = [o for o in options if o.get("type") != "null"]
    if not options:
        return None
    one = options[0]
    constrained = bool({"enum", "pattern", "format"} & set(one))
    if one.get("type") == "array":
        items = _resolve(spec, one.get("items", {}))
        if items.get("type") == "object":
            return "text", "objects", False
        return ("text", "list", False) if items.get("type") == "string" and "contentMediaType" not in items else None
    if one.get("type") == "string":
        return "text", "scalar", constrained
    if one.get("type") == "integer":
        tight = one.get("maximum", MAX_ID) < MAX_ID or one.get("minimum", MIN_ID) > MIN_ID
        return "int", "scalar", tight
    return None


def _targets() -> list[Target]:
    spec = openapi_spec()
    out = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                found = _classify(spec, param["schema"])
                if found:
                    out.append(Target(method.upper(), path, param["in"], param["name"], found[0], found[2], found[1]))
            for media, where in (("application/json", "json"), ("multipart/form-data", "form")):
                body = op.get("requestBody", {}).get("content", {}).get(media)
                for name, prop in (_resolve(spec, body["schema"])["properties"].items() if body else ()):
                    found = _classify(spec, prop)
                    if found:
                        out.append(Target(method.upper(), path, where, name, found[0], found[2], found[1]))
    return out


TARGETS = _targets()
BODY_OPERATIONS = sorted(BODIES)


@pytest.fixture
def api(settings):
    small = settings.model_copy(update={"api": ApiSettings(max_text_chars=MAX_TEXT, max_body_bytes=200_000)})
    app, runtime, keys = hostile_app(small)
    client = TestClient(app, raise_server_exceptions=False)
    yield client, runtime, keys["admin"]
    runtime.close()


def _send(client, headers, target: Target, value):
    """The operation's valid request with ``value`` put where ``target`` says."""
    body = dict(BODIES.get((target.method, target.path), {}))
    params = {n: v for n, v in PATH_VALUES.items() if "{" + n + "}" in target.path}
    query = {}
    if target.where == "header":  # bytes, as a raw client could send them; the server decodes them as Latin-1
        headers = {**headers, target.name: str(value).encode("utf-8", "surrogatepass")}
    elif target.where == "path":
        params[target.name] = value
    elif target.where == "query":
        query[target.name] = value
    else:
        body[target.name] = {"scalar": value, "list": [value], "objects": [{"号": value}]}[target.shape]
    url = target.path.format(**{k: quote(str(v).encode("utf-8", "surrogatepass"), safe="") for k, v in params.items()})
    if query:
        url += "?" + "&".join(f"{k}={quote(str(v).encode('utf-8', 'surrogatepass'), safe='')}" for k, v in query.items())
    if target.where == "form" or (target.method, target.path) == ("POST", "/v1/reports"):
        encoded = {k: str(v).encode("utf-8", "surrogatepass") for k, v in body.items()}
        return client.post(url, files={k: (None, v) for k, v in encoded.items()}, headers=headers)
    content = json.dumps(body).encode("ascii") if body else None
    return client.request(target.method, url, content=content, headers={**headers, "Content-Type": "application/json"})


def _expected_codes(target: Target, value) -> set[str] | None:
    """The codes a hostile ``value`` at ``target`` may get; None where any documented 2xx/4xx will do."""
    if target.kind == "int":  # past a tighter bound (limit <= 1000, since >= 0) the generic code is right too
        return {"id_out_of_range", "invalid_request"} if target.constrained else {"id_out_of_range"}
    if target.where in ("path", "query", "form", "header") and "\x00" not in value:
        return None  # a lone surrogate cannot travel in a URL, a form or a header: it arrives as valid text
    return {"invalid_text", "invalid_request"} if target.constrained else {"invalid_text"}


def _field_names(target: Target) -> set[str]:
    prefix = f"{target.where}." if target.where in ("path", "query", "header") else ""
    return {prefix + target.name, f"{prefix}{target.name}.0"}


SWEEP = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                 suppress_health_check=list(HealthCheck))


def test_every_body_operation_has_a_valid_request_to_start_from():
    spec_bodies = {(m.upper(), p) for p, item in openapi_spec()["paths"].items() for m, op in item.items()
                   if "requestBody" in op and p != "/v1/lists/import"}
    assert spec_bodies == set(BODIES), "add a valid request for the new operation to BODIES"
    assert len(TARGETS) > 60  # the spec walk found the fields: a sweep of nothing would pass vacuously


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_a_hostile_value_in_any_field_is_refused_with_its_code_and_writes_nothing(api, target):
    client, runtime, headers = api
    values = unstorable_text() if target.kind == "text" else out_of_range_ints()

    @SWEEP
    @given(value=values)
    def run(value):
        before = row_counts(runtime)
        response = _send(client, headers, target, value)
        record(runtime, "NUL bytes and lone surrogates" if target.kind == "text" else "integers past the id range", response)
        assert not error_problems(response), error_problems(response)
        expected = _expected_codes(target, value)
        if expected is None:
            return
        error = response.json().get("error", {})
        assert (response.status_code, error.get("code")) in {(422, c) for c in expected}, response.text
        assert _field_names(target) & {e["field"] for e in error["details"]["errors"]}, error
        assert row_counts(runtime) == before

    run()


def _hostile_bodies(method: str, path: str) -> dict[str, st.SearchStrategy]:
    """Per family: a strategy of (raw body, expected status or None, expected code or None)."""
    return {
        # nesting the parser cannot follow is 400 malformed_json; nesting it can is a body of the wrong shape
        # (422): either is right, a 5xx is not (test_api_hostile_input pins the 400 for 100,000 levels)
        "deep JSON": deep_json(min_depth=2_000, max_depth=40_000).map(lambda b: (b, None, None)),
        "invalid UTF-8": invalid_utf8().map(lambda b: (b'{"text": "' + b + b'"}', 400, "invalid_utf8")),
        "huge strings": huge_text(MAX_TEXT + 1, 3 * MAX_TEXT).map(
            lambda t: (_with_text(method, path, t), *_huge_text_answer(path))
        ),
    }


JSON_BODY_CASES = [(family, op) for op in BODY_OPERATIONS if op[1] != "/v1/reports" for family in _hostile_bodies(*op)]


@pytest.mark.parametrize(("family", "operation"), JSON_BODY_CASES, ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_a_hostile_json_body_is_refused_whole(api, family, operation):
    client, runtime, headers = api
    method, path = operation
    url = path.format(**PATH_VALUES)

    @SWEEP
    @given(case=_hostile_bodies(method, path)[family])
    def run(case):
        raw, status, code = case
        before = row_counts(runtime)
        response = client.request(method, url, content=raw, headers={**headers, "Content-Type": "application/json"})
        record(runtime, family, response)
        assert not error_problems(response), error_problems(response)
        assert response.status_code >= 400, response.text
        assert code is None or (response.status_code, response.json()["error"]["code"]) == (status, code), response.text
        assert row_counts(runtime) == before

    run()


def _with_text(method: str, path: str, text: str) -> bytes:
    return json.dumps({**BODIES[(method, path)], "text": text}).encode()


def _huge_text_answer(path: str) -> tuple[int | None, str | None]:
    """Screened text over the limit is 413 text_too_long; elsewhere ``text`` is unknown, or too long for its
    field, or the request fails later for its own reason: any documented refusal will do."""
    return (413, "text_too_long") if path in ("/v1/screen", "/v1/contents") else (None, None)
