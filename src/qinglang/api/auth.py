"""API key authentication: ``Authorization: Bearer <key>`` or ``X-API-Key``, with scopes checked per route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from qinglang.errors import Forbidden, Unauthorized
from qinglang.services.apikeys import SCOPES, ApiKey

ANONYMOUS = ApiKey(id="anonymous", name="anonymous", scopes=SCOPES, created_at=datetime(2000, 1, 1, tzinfo=UTC))


# Declared as FastAPI security schemes so that the OpenAPI spec (and the try-it page's "Authorize" button) show
# both ways of sending a key; neither refuses on its own (auto_error=False): ``_require`` decides.
_BEARER = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>`")
_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: <key>`")


def _secret(bearer: HTTPAuthorizationCredentials | None, header_key: str | None) -> str | None:
    if bearer is not None and bearer.credentials.strip():
        return bearer.credentials.strip()
    return header_key or None


def _require(scope: str) -> Callable[..., Awaitable[ApiKey]]:
    """A dependency that returns the caller's key and refuses callers without ``scope``."""

    async def dependency(
        request: Request,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
        header_key: Annotated[str | None, Depends(_HEADER)],
    ) -> ApiKey:
        runtime = request.app.state.runtime
        secret = _secret(bearer, header_key)
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


LOOPBACK = frozenset({"127.0.0.1", "::1"})


def scoped_or_loopback(scope: str, allow_loopback: Callable[[Request], bool]) -> Any:
    """Like ``scoped(scope)``, but a request from this machine (127.0.0.1 or ::1) needs no key when
    ``allow_loopback(request)`` says so (``/metrics`` with ``statistics.metrics_open_on_loopback``)."""
    keyed = _require(scope)

    async def dependency(
        request: Request,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
        header_key: Annotated[str | None, Depends(_HEADER)],
    ) -> ApiKey | None:
        host = request.client.host if request.client else ""
        if host in LOOPBACK and allow_loopback(request) and _secret(bearer, header_key) is None:
            return None
        return await keyed(request, bearer, header_key)

    return Annotated[ApiKey | None, Depends(dependency)]
