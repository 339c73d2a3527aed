"""The console and report pages as one router, included by the API app through ``ROUTER_MODULES``.

``mount(app, settings)`` does the same for an app built elsewhere."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from qinglang.console import (
    books,
    dashboard,
    oversight,
    pages,
    people,
    public,
    qualification,
    reference,
    shadow,
    sweeps,
    training,
)

router = APIRouter(include_in_schema=False)
router.include_router(public.router)
router.include_router(pages.router)
router.include_router(oversight.router)
router.include_router(sweeps.router)
router.include_router(shadow.router)
router.include_router(training.router)
router.include_router(people.router)
router.include_router(dashboard.router)
router.include_router(reference.router)
router.include_router(qualification.router)
router.include_router(books.router)


def mount(app: Any, settings: Any = None) -> None:
    app.include_router(router)
