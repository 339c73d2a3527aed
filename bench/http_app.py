"""ASGI factory for the HTTP benchmark: ``uvicorn bench.http_app:app --factory`` (settings from the environment)."""

from __future__ import annotations


def app():
    from qinglang.api.app import create_app
    from qinglang.config import load_settings

    return create_app(load_settings())
