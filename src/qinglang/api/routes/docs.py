"""``/docs`` (Swagger UI), ``/redoc`` (ReDoc) and ``/favicon.ico``, with every asset served by the app itself.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so on a network without internet access (where
qinglang is meant to run) ``/docs`` is blank. The assets ship in the ``fastapi-offline`` package (Swagger UI,
Apache-2.0; ReDoc, MIT; see ``docs/api.md``); the start-up script and the favicon ship in ``api/static/``.
The pages carry a Content-Security-Policy that allows scripts, styles, fonts and requests from this origin only,
so a page that tried to reach elsewhere would be stopped by the browser as well.
"""

from __future__ import annotations

import html
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from qinglang.errors import NotFound

router = APIRouter(include_in_schema=False)

_VENDORED = Path(fastapi_offline.__file__).parent / "static"
_OWN = Path(__file__).resolve().parent.parent / "static"
ASSETS_PATH = "/docs/assets"

ASSETS: dict[str, tuple[Path, str]] = {
    "swagger-ui-bundle.js": (_VENDORED / "swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": (_VENDORED / "swagger-ui.css", "text/css"),
    "redoc.standalone.js": (_VENDORED / "redoc.standalone.js", "text/javascript"),
    "swagger-init.js": (_OWN / "swagger-init.js", "text/javascript"),
    "favicon.png": (_OWN / "favicon.png", "image/png"),
}
"""Every file the pages load, by name: nothing else is served from the assets path (no directory walking)."""

DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""Same-origin only. Inline styles are allowed because both UIs set element styles from script."""

_SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" type="image/png" href="{assets}/favicon.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-init.js"></script></body></html>
"""

_REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" type="image/png" href="{assets}/favicon.png">
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="{openapi}"></redoc>
<script src="{assets}/redoc.standalone.js"></script></body></html>
"""


def _page(request: Request, template: str, suffix: str) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    body = template.format(
        title=html.escape(f"{request.app.title} — {suffix}"),
        assets=html.escape(root + ASSETS_PATH),
        openapi=html.escape(root + (request.app.openapi_url or "/openapi.json")),
    )
    return HTMLResponse(body, headers={"Content-Security-Policy": DOCS_CSP, "X-Content-Type-Options": "nosniff"})


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    return _page(request, _SWAGGER_PAGE, "API (Swagger UI)")


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    return _page(request, _REDOC_PAGE, "API (ReDoc)")


@router.get(ASSETS_PATH + "/{name}")
async def asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise NotFound(f"no documentation asset {name!r}", code="not_found")
    path, media_type = ASSETS[name]
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    path, media_type = ASSETS["favicon.png"]
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})
