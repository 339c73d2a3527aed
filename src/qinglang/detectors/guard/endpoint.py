"""An OpenAI-compatible guard-model endpoint for the ``guard`` detector.

``POST {endpoint_url}/chat/completions`` with a system prompt defining the six categories; the model must answer
with JSON ``{"category": ..., "score": ...}``. Any transport error, timeout, non-2xx status or unparseable answer
raises :class:`DetectorFailed`, so the pipeline records the detector as failed, never as a pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from qinglang.errors import ConfigError, DetectorFailed

SYSTEM_PROMPT = """You are a content-safety classifier for Chinese public-account articles and web fiction.
Put the user's text in exactly one category:
- porn: pornographic or vulgar sexual content, sexual services (色情低俗)
- illicit_ad: illicit advertising: traffic drainage to contact handles or other sites, account trading, fake goods
- gambling: gambling sites, betting, casino or lottery promotion (博彩)
- fraud: scams, fake investment, fake part-time jobs, phishing (欺诈)
- abuse: insults, harassment, hate, incitement to fights (谩骂引战)
- none: none of the above
Answer with JSON only: {"category": "<one of the six>", "score": <probability 0..1 that the category applies>}"""

_JSON_OBJECT = re.compile(r"\{.*\}", re.S)


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"guard endpoint_url {url!r} must be an http:// or https:// URL, e.g. http://127.0.0.1:8000/v1",
            code="guard_endpoint_invalid",
        )
    return url.rstrip("/")


def parse_answer(body: dict, classes: Sequence[str]) -> tuple[str, float]:
    """(category, score) from a chat-completions response body; raises DetectorFailed when it has neither."""
    try:
        content = body["choices"][0]["message"]["content"]
        answer = json.loads(_JSON_OBJECT.search(content).group(0))
        category, score = str(answer["category"]), float(answer["score"])
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise DetectorFailed(f"guard endpoint gave an unparseable answer: {exc!r}") from exc
    if category not in classes or not 0.0 <= score <= 1.0:
        raise DetectorFailed(
            f"guard endpoint answered category {category!r} with score {score}; expected one of "
            f"{list(classes)} and a score in 0..1"
        )
    return category, score


class EndpointGuardModel:
    """Calls one OpenAI-compatible chat-completions endpoint per text."""

    backend = "endpoint"

    def __init__(self, url: str, model: str, api_key: str | None, timeout_s: float, classes: Sequence[str]):
        self.url = check_url(url) + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.classes = tuple(classes)
        self.client = None

    def load(self) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        self.client = httpx.Client(timeout=self.timeout_s, headers=headers)

    def scores(self, text: str) -> dict[str, float]:
        """{category: score} for the one category the endpoint chose."""
        import httpx

        payload = {
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": text}],
        }
        try:
            response = self.client.post(self.url, json=payload)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise DetectorFailed(f"guard endpoint {self.url} failed: {exc}") from exc
        category, score = parse_answer(body, self.classes)
        return {category: score}
