"""One error shape for everything: ``{"error": {"code": ..., "message": ...}}``, with a documented code for every
HTTP status (the catalogue is the Errors section of ``docs/api.md``; a test keeps the two in step).

Three layers turn failures into that shape:

1. exception handlers for :class:`~qinglang.errors.QinglangError` (the services' coded errors), request
   validation (pydantic's error types become ``invalid_request``, ``unknown_field`` or an edge code of
   :mod:`qinglang.api.fields`), Starlette's HTTP exceptions (routing, body parsing) and integrity conflicts;
2. :class:`BodyGuardMiddleware`, which refuses bodies over the size limit (declared and streamed) and text bodies
   that are not UTF-8 before the app reads them;
3. :class:`ServerErrorGuard`, the last resort: an exception nothing handled becomes ``500 internal_error`` and is
   logged, and the connection stays open. Bad input must never get this far; the fuzz suite checks it does not.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qinglang.api.fields import edge_code, edge_message
from qinglang.errors import QinglangError

log = logging.getLogger("qinglang.api")

HTTP_CODES = {
    400: "malformed_body",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
}
"""The code of an HTTP exception raised by the framework (routing, body parsing) rather than by qinglang."""


def http_code(status: int) -> str:
    """The documented code for a framework error of ``status``: its own, else ``bad_request`` (4xx) or
    ``internal_error`` (5xx)."""
    return HTTP_CODES.get(status, "bad_request" if status < 500 else "internal_error")


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return Response(orjson.dumps({"error": body}), status_code=status, media_type="application/json")


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part != "body") or "body"


def _validation_response(exc: RequestValidationError, content_type: str) -> Response:
    errors = exc.errors()
    fields = [{"field": _field_path(tuple(e.get("loc", ()))), "message": e.get("msg", "")} for e in errors]
    first = errors[0] if errors else {}
    kind = first.get("type", "")
    path = fields[0]["field"] if fields else "body"
    if kind == "json_invalid":
        return error_response(
            400, "malformed_json", "the body is not valid JSON: " + str(first.get("ctx", {}).get("error", "")).strip()
        )
    if kind == "model_attributes_type" and path == "body" and "json" not in content_type:
        return error_response(
            415,
            "unsupported_media_type",
            f"send the body as JSON with 'Content-Type: application/json', not {content_type!r}",
        )
    code = edge_code(first)
    if code is not None:
        return error_response(422, code, f"{path} {edge_message(first)}", {"errors": fields})
    if kind == "extra_forbidden":
        return error_response(
            422, "unknown_field", f"unknown field {path!r}; see /docs for the accepted fields", {"errors": fields}
        )
    return error_response(422, "invalid_request", f"{path}: {first.get('msg', 'invalid value')}", {"errors": fields})


def install_error_handlers(app: FastAPI) -> None:
    async def on_qinglang_error(_request: Request, exc: QinglangError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.details or None)

    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        return _validation_response(exc, request.headers.get("content-type", "application/json"))

    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code < 400:  # redirects raised as exceptions keep their headers and no body
            return Response(status_code=exc.status_code, headers=exc.headers)
        if request.url.path.startswith(HTML_PREFIXES):
            response = html_error_page(exc.status_code, http_code(exc.status_code), str(exc.detail),
                                       english=request.cookies.get("ql_lang") == "en")
            response.headers.update(exc.headers or {})
            return response
        response = _http_error_response(exc)
        response.headers.update(exc.headers or {})
        return response

    async def on_integrity_error(_request: Request, exc: IntegrityError) -> Response:
        log.warning("integrity error: %s", exc.orig)
        return error_response(409, "conflict", "a concurrent change conflicted with this request; retry it")

    app.add_exception_handler(QinglangError, on_qinglang_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(IntegrityError, on_integrity_error)


HTML_PREFIXES = ("/console", "/report")  # pages people open in a browser: errors there are pages too
_HTML_WORDS = {404: ("页面不存在", "No such page"), 405: ("不支持该请求方式", "This method is not allowed here")}


def html_error_page(status: int, code: str, message: str, *, english: bool = False) -> Response:
    """A console-styled error page for a URL no console route answers (a mistyped or malformed address),
    Chinese first, English with the console's language cookie."""
    from html import escape

    zh, en = _HTML_WORDS.get(status, ("出错了", "Something went wrong"))
    title, lang, queue = (en, "en", "Queue") if english else (zh, "zh-CN", "审核队列")
    body = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} · qinglang</title>'
            '<link rel="stylesheet" href="/static/console/console.css"></head><body><header><strong>qinglang'
            f'</strong></header><main><h1>{title}</h1><p class="error" data-code="{escape(code)}">'
            f'{escape(message)}</p><p><code>{escape(code)}</code> · <a href="/console">{queue}</a></p>'
            '</main></body></html>')
    return Response(body, status_code=status, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
                             "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def _http_error_response(exc: StarletteHTTPException) -> Response:
    """Framework errors. FastAPI answers a JSON body that ``json.loads`` refuses other than as a syntax error
    with a bare 400 (the original error is its cause): say why."""
    cause = exc.__cause__
    if exc.status_code == 400 and isinstance(cause, RecursionError | ValueError):
        why = "is nested too deeply" if isinstance(cause, RecursionError) else f"cannot be parsed ({cause})"
        return error_response(400, "malformed_json", f"the JSON body {why}; send flatter, smaller JSON")
    return error_response(exc.status_code, http_code(exc.status_code), str(exc.detail))


class ServerErrorGuard:
    """Outermost middleware: an exception no handler caught is logged and answered with ``500 internal_error``.

    Starlette's own last-resort handler re-raises after answering, so the server closes the connection and a
    client's keep-alive pool loses it; this guard answers and returns normally. If the response had already
    started, nothing more can be sent: the exception is re-raised for the server to close the connection.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = error_response(500, "internal_error", "an unexpected error occurred; it has been logged")
            await response(scope, receive, send)


_TEXT_TYPES = (b"application/json", b"text/", b"application/x-ndjson", b"application/jsonl")


class BodyGuardMiddleware:
    """Refuses bodies over ``max_bytes`` (by Content-Length and by counting streamed bytes) and non-UTF-8 text."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        refusal = self._check_declared(headers.get(b"content-length"))
        body = b""
        if refusal is None:
            body, refusal = await self._read(receive)
        if refusal is None and _is_text(headers.get(b"content-type")):
            refusal = _check_utf8(body)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _check_declared(self, value: bytes | None) -> Response | None:
        if value is None:
            return None
        try:
            declared = int(value)
        except ValueError:
            return error_response(400, "invalid_request", "the Content-Length header is not a number")
        return self._too_large() if declared > self.max_bytes else None

    async def _read(self, receive: Receive) -> tuple[bytes, Response | None]:
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"", error_response(400, "invalid_request", "the client disconnected")
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                return b"", self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None

    def _too_large(self) -> Response:
        return error_response(
            413,
            "payload_too_large",
            f"the body is over {self.max_bytes} bytes (QINGLANG_API__MAX_BODY_BYTES); send less",
        )


def _is_text(content_type: bytes | None) -> bool:
    return content_type is None or content_type.lower().startswith(_TEXT_TYPES)


def _check_utf8(body: bytes) -> Response | None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return error_response(400, "invalid_utf8", f"the body is not valid UTF-8 (byte {exc.start}); encode as UTF-8")
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
