"""Every API router, in the order they appear in the OpenAPI spec. Each module exposes ``router``."""

ROUTER_MODULES: list[str] = [
    # each area appends its module here
    "qinglang.api.routes.health",
    "qinglang.api.routes.screen",
    "qinglang.api.routes.contents",
    "qinglang.api.routes.accounts",
    "qinglang.api.routes.lists",
    "qinglang.api.routes.graph",
    "qinglang.api.routes.reports",
    "qinglang.api.routes.cases",
    "qinglang.api.routes.actions",
    "qinglang.api.routes.appeals",
    "qinglang.api.routes.sweeps",
    "qinglang.api.routes.books",
    "qinglang.api.routes.metrics",
    "qinglang.api.routes.qualification",
    "qinglang.api.routes.shadow",
    "qinglang.console.app",
    "qinglang.api.routes.docs",
]
