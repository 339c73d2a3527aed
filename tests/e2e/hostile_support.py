"""Helpers for the hostile-input and fuzz tests: an app with every scope's key, row counts to prove nothing was
half-written, the documented error codes, and the OpenAPI spec without a database."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from api_support import key_with, make_runtime
from sqlalchemy import func, select

from qinglang.services.apikeys import SCOPES
from qinglang.testing import catalogue

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def row_counts(runtime) -> dict[str, int]:
    """Rows in every table: equal before and after a refused request, or something was half-written."""
    import qinglang.storage.tables  # noqa: F401 - registers every table on Base.metadata
    from qinglang.storage.base import Base

    with runtime.engine.connect() as connection:
        return {t.name: connection.execute(select(func.count()).select_from(t)).scalar_one() for t in Base.metadata.sorted_tables}


@cache
def documented_codes() -> dict[str, set[int]]:
    return catalogue.documented_codes(DOCS)


@cache
def openapi_spec() -> dict[str, Any]:
    """The app's OpenAPI document; building it needs no database (the runtime is never touched)."""
    from qinglang.api.app import create_app
    from qinglang.config import Settings

    return create_app(Settings(), runtime=object()).openapi()


def error_problems(response) -> list[str]:
    """What is wrong with an error response: a 5xx, a body not shaped ``{"error": {"code", "message"}}``, or a
    code the catalogue does not list for that status. Empty for a good answer (and for any 2xx/3xx)."""
    if response.status_code >= 500 and response.status_code != 503:
        return [f"server error {response.status_code}: {response.text[:300]}"]
    if response.status_code < 400:
        return []
    try:
        error = response.json()["error"]
        code, message = error["code"], error["message"]
    except (ValueError, KeyError, TypeError):
        return [f"{response.status_code} without the error shape: {response.text[:300]}"]
    problems = [] if isinstance(message, str) and message else [f"{code}: empty message"]
    if response.status_code not in documented_codes().get(code, set()):
        problems.append(f"code {code!r} with status {response.status_code} is not in docs/api.md")
    return problems


def hostile_app(settings):
    """The app (with the small fake detectors of ``api_support``), its runtime, and headers for a key of every
    scope (``admin`` holds them all)."""
    from qinglang.api.app import create_app

    runtime = make_runtime(settings)
    keys = {scope: key_with(runtime, scope) for scope in SCOPES}
    return create_app(settings, runtime), runtime, keys


FUZZ_LOG = os.environ.get("QINGLANG_FUZZ_LOG")  # a file to append one line per request to (for the figures)


def record(runtime, category: str, response) -> None:
    """With ``QINGLANG_FUZZ_LOG`` set, note the request's category, backend and status there; otherwise do
    nothing. ``scripts/fuzz_summary.py`` turns the file into the table of docs/reliability.md."""
    if not FUZZ_LOG:
        return
    line = {"category": category, "backend": runtime.engine.dialect.name, "status": response.status_code}
    with open(FUZZ_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(line) + "\n")
