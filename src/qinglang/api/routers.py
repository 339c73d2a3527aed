"""Every API router, in the order they appear in the OpenAPI spec. Each module exposes ``router``."""

ROUTER_MODULES: list[str] = [
    "qinglang.api.routes.screen",
    "qinglang.api.routes.contents",
    "qinglang.api.routes.accounts",
    "qinglang.api.routes.lists",
]
