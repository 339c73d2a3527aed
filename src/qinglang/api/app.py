"""The FastAPI application factory. Routers come from ``qinglang.api.routers.ROUTER_MODULES``.

The API process never runs background loops: anything scheduled belongs to the workers.
"""

from __future__ import annotations

import importlib
from typing import Any

import orjson
from fastapi import FastAPI
from starlette.responses import JSONResponse

from qinglang import __version__
from qinglang.api.errors import BodyGuardMiddleware, ServerErrorGuard, install_error_handlers
from qinglang.api.routers import ROUTER_MODULES
from qinglang.config import Settings
from qinglang.services.runtime import Runtime


class OrjsonResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    """Build the app; ``runtime`` may be given (tests, the demo) instead of being built from ``settings``."""
    app = FastAPI(
        title="qinglang (清朗)",
        version=__version__,
        description="Content governance for publishing platforms: screening, contents, accounts, lists.",
        default_response_class=OrjsonResponse,
        docs_url=None,  # /docs and /redoc are served by api/routes/docs.py with their assets, without a CDN
        redoc_url=None,
    )
    app.state.runtime = runtime or Runtime.from_settings(settings)
    install_error_handlers(app)
    for module_name in ROUTER_MODULES:
        app.include_router(importlib.import_module(module_name).router)
    app.add_middleware(BodyGuardMiddleware, max_bytes=settings.api.max_body_bytes)
    app.add_middleware(ServerErrorGuard)  # added last: the outermost of ours
    return app
