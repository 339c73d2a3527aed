"""What a running process needs, built once from settings and passed down: engine, sessions, screening, keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from qinglang.config import Settings, with_install_secrets
from qinglang.services.apikeys import KeyAuthenticator
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import make_engine, make_session_factory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    screening: ScreeningService
    keys: KeyAuthenticator

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        screening: Callable[[sessionmaker[Session]], ScreeningService] | None = None,
        engine: Engine | None = None,
    ) -> Runtime:
        """Build the runtime; ``screening`` (a factory taking the session factory) replaces the configured pipeline.
        Secrets left unset are filled from their per-install files here, once."""
        settings = with_install_secrets(settings)
        engine = engine or make_engine(settings.database.url, echo=settings.database.echo)
        sessions = make_session_factory(engine)
        if screening is None:
            service = ScreeningService.from_settings(settings, sessions)
        else:
            service = screening(sessions)
        return cls(settings, engine, sessions, service, KeyAuthenticator(sessions))

    def close(self) -> Any:
        self.engine.dispose()
