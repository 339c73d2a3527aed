"""Every API router, in the order they appear in the OpenAPI spec. Each module exposes ``router``."""

ROUTER_MODULES: list[str] = [
    # each area appends its module here
]
