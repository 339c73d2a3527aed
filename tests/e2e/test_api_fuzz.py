"""Property-based fuzzing of the whole HTTP API from its own OpenAPI spec, on SQLite and on PostgreSQL.

Schemathesis reads ``/openapi.json`` from the app in process (ASGI transport: no server, no network) and,
for every operation, generates requests from the schema, both valid ones and invalid ones (wrong types, values
outside the bounds, missing and unknown fields, broken bodies). Each request carries, at random, an API key of
one of the scopes, the admin key, no key or a wrong key. Every answer must pass:

- Schemathesis' checks: never a 5xx (``not_a_server_error``), a status the spec declares for the operation, a
  content type it declares, a body that matches the declared schema;
- ours: every error body has the shape ``{"error": {"code", "message"}}`` and a code that ``docs/api.md``
  lists under that status (:func:`hostile_support.error_problems`).

The run is bounded and reproducible: ``EXAMPLES`` per operation and database, derandomized, no example database,
so CI sees the same requests every time. With 28 operations that is about 3,400 requests in all.
"""

from __future__ import annotations

import pytest
import schemathesis
from hostile_support import error_problems, hostile_app, openapi_spec, record
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = 60
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = [(method.upper(), path) for path, item in openapi_spec()["paths"].items() for method in item]


@schemathesis.serializer("application/x-ndjson", "text/csv")
def _text_body(_context, value) -> bytes:
    """List imports take their body as text (JSONL or CSV); Schemathesis generates it as a string (which may
    hold lone surrogates: sent as their raw bytes, which are not UTF-8, as a careless client would)."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


@pytest.fixture
def fuzzed(settings):
    app, runtime, keys = hostile_app(settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    credentials = [keys["admin"]] * 3 + list(keys.values()) + [{}, {"X-API-Key": "qlk_not-a-key"}]
    yield schema, credentials, runtime
    runtime.close()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_fuzzed_requests_get_documented_answers_and_never_a_server_error(fuzzed, method, path):
    schema, credentials, runtime = fuzzed
    operation = schema[path][method]
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, headers=st.sampled_from(credentials))
    def run(case, headers):
        response = case.call(headers=headers)
        record(runtime, "Schemathesis, positive and negative", response)
        case.validate_response(response, checks=CHECKS)
        assert not error_problems(response), error_problems(response)

    run()
