"""Template rendering and the console's error pages."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.responses import HTMLResponse

from qinglang.console.i18n import has, pick_lang, translator
from qinglang.errors import QinglangError

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors {}"


def render(request: Request, name: str, status_code: int = 200, *, frameable: bool = False, **context: Any):
    """Render a page. Only the public report pages may be framed (embedded in an article page)."""
    lang = pick_lang(request.cookies.get("ql_lang"))
    context.setdefault("csrf", getattr(request.state, "csrf", ""))
    html = _env().get_template(name).render(t=translator(lang), has=has, lang=lang, path=request.url.path, **context)
    headers = {
        "Content-Security-Policy": _CSP.format("*" if frameable else "'none'"),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
    return HTMLResponse(html, status_code=status_code, headers=headers)


def error_page(request: Request, exc: QinglangError, user: Any = None) -> HTMLResponse:
    """The error as a page: its message, its stable code, and ``Retry-After`` when waiting helps."""
    page = render(request, "error.html", status_code=exc.status, error=exc, user=user)
    retry = (exc.details or {}).get("retry_after_s")
    if retry:
        page.headers["Retry-After"] = str(retry)
    return page
