"""Helpers for the HTTP API tests: a runtime with small fake detectors, an app, and keys with given scopes."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from qinglang.api.app import create_app
from qinglang.config import Settings
from qinglang.detectors.base import Detector
from qinglang.domain.model import Evidence, Signal
from qinglang.pipeline.screener import Screener
from qinglang.policy import default_policy
from qinglang.services.apikeys import SCOPES, create_api_key
from qinglang.services.runtime import Runtime
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import transaction

_SITE = re.compile(r"site:([a-z0-9.-]+)")


class FakeLexicon(Detector):
    """Flags 色情 as severe explicit porn (block) and 低俗 as mild (review), as the real lexicon grades terms."""

    name = "lexicon"
    version = "test-1"
    terms = {"色情": 3, "低俗": 1}

    def detect(self, content):
        text = content.fields.get("text", "")
        out = []
        for term, severity in self.terms.items():
            start = text.find(term)
            if start >= 0:
                ev = Evidence(kind="text_span", field="text", start=start, end=start + len(term), text=term)
                out.append(Signal("lexicon", "porn/explicit", 0.95, (ev,), severity))
        return out


class FakeLinks(Detector):
    """Emits a domain target for every ``site:<domain>`` in the text, like a links detector would."""

    name = "fakelinks"
    version = "test-1"

    def detect(self, content):
        text = content.fields.get("text", "")
        return [
            Signal("fakelinks", "link/domain", 0.1, attrs={"target_kind": "domain", "target": m.group(1)})
            for m in _SITE.finditer(text)
        ]


def make_runtime(settings: Settings) -> Runtime:
    def screening(sessions):
        screener = Screener([FakeLexicon(), FakeLinks()], default_policy())
        return ScreeningService(screener, sessions, check_interval=60.0)

    return Runtime.from_settings(settings, screening=screening)


def make_client(settings: Settings) -> tuple[TestClient, Runtime]:
    runtime = make_runtime(settings)
    return TestClient(create_app(settings, runtime), raise_server_exceptions=False), runtime


def key_with(runtime: Runtime, *scopes: str) -> dict[str, str]:
    """Headers carrying a fresh API key with ``scopes`` (all scopes when none given)."""
    with transaction(runtime.sessions) as session:
        _key, secret = create_api_key(session, "test", scopes or SCOPES, actor="test")
    return {"Authorization": f"Bearer {secret}"}
