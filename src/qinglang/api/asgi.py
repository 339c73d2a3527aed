"""The ASGI entry point for several API processes: ``uvicorn qinglang.api.asgi:app --factory --workers N``.

``qinglang serve --processes N`` runs exactly that. Each process builds its own app from the environment
(``QINGLANG_*``, see ``deploy/qinglang.env``), loads the detectors before its first request and freezes the
loaded heap. API processes run no background loops: the outbox, expiry and audit checkpoints belong to
``qinglang worker run`` processes, as many as wanted, on the same database.
"""

from __future__ import annotations

from fastapi import FastAPI


def app() -> FastAPI:
    """A ready app for one API process: settings from the environment, detectors loaded, heap frozen."""
    import logging

    from qinglang.api.app import create_app
    from qinglang.config import load_settings
    from qinglang.pipeline.screener import freeze_loaded_heap

    application = create_app(load_settings())
    screener = application.state.runtime.screening.screener
    for name, error in (screener.load() if hasattr(screener, "load") else {}).items():
        logging.getLogger("qinglang.api").warning("detector %s failed to load and will be recorded as failed: %s",
                                                  name, error)
    freeze_loaded_heap()
    return application
