"""API key authentication: ``Authorization: Bearer <key>`` or ``X-API-Key``, with scopes checked per route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from qinglang.errors import Forbidden, Unauthorized
from qinglang.services.apikeys import SCOPES, ApiKey

ANONYMOUS = ApiKey(id="anonymous", name="anonymous", scopes=SCOPES, created_at=datetime(2000, 1, 1, tzinfo=UTC))


def _secret(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return request.headers.get("x-api-key") or None


def _require(scope: str) -> Callable[[Request], Awaitable[ApiKey]]:
    """A dependency that returns the caller's key and refuses callers without ``scope``."""

    async def dependency(request: Request) -> ApiKey:
        runtime = request.app.state.runtime
        secret = _secret(request)
        if secret is None:
            if not runtime.settings.api.require_api_key:
                return ANONYMOUS
            raise Unauthorized(
                "send an API key as 'Authorization: Bearer <key>' or 'X-API-Key'; create one with "
                "`qinglang apikeys create`",
                code="missing_api_key",
            )
        key = runtime.keys.authenticate(secret)
        if not key.allows(scope):
            raise Forbidden(f"this API key lacks the {scope!r} scope", code="insufficient_scope")
        return key

    return dependency


def scoped(scope: str) -> Any:
    """The type of a route parameter that holds a key with ``scope``: ``key: scoped("lists:read")``."""
    return Annotated[ApiKey, Depends(_require(scope))]


ScreenKey = scoped("screen")
ContentsReadKey = scoped("contents:read")
ContentsWriteKey = scoped("contents:write")
AccountsReadKey = scoped("accounts:read")
AccountsWriteKey = scoped("accounts:write")
ListsReadKey = scoped("lists:read")
ListsWriteKey = scoped("lists:write")
AdminKey = scoped("admin")


def actor(key: ApiKey) -> str:
    return f"api_key:{key.id}"
