"""One settings object, built once at start-up and passed down.

Environment variables are ``QINGLANG_<SECTION>__<KEY>`` (e.g. ``QINGLANG_DATABASE__URL``). Nothing else in the
package reads ``os.environ``. Sections belong to the part of the system that uses them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qinglang.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(_Section):
    url: str = "sqlite:///qinglang.db"
    echo: bool = False


class ApiSettings(_Section):
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 5 * 1024 * 1024
    max_text_chars: int = 500_000
    max_images: int = 50
    max_links: int = 500
    # When false, requests without an API key are refused. Development mode allows an unauthenticated demo.
    require_api_key: bool = True


class ScreeningSettings(_Section):
    detectors: list[str] = Field(default_factory=lambda: ["lexicon", "contacts", "classifier", "links", "qr", "phash"])
    detector_config: dict[str, dict[str, Any]] = Field(default_factory=dict)
    policy_path: Path | None = None  # None: the policy shipped in the package
    shadow_policy_path: Path | None = None


class SecuritySettings(_Section):
    secret_key: SecretStr = SecretStr("dev-insecure-secret-change-me")


class ReviewSettings(_Section):
    """The human side: reports, queues, enforcement, webhooks, rewards."""

    lease_seconds: int = 900  # a claim returns to the queue after this long without a decision
    sla_hours: dict[str, int] = Field(default_factory=lambda: {"3": 2, "2": 12, "1": 48})  # by severity
    report_limit_per_ip_hour: int = 20
    report_limit_per_contact_day: int = 50
    max_screenshots: int = 4
    max_screenshot_bytes: int = 5 * 1024 * 1024
    webhook_url: str | None = None
    webhook_secret: SecretStr = SecretStr("dev-insecure-webhook-secret")
    webhook_max_attempts: int = 10
    webhook_backoff_seconds: float = 2.0
    strike_thresholds: dict[str, int] = Field(default_factory=lambda: {"suspend": 3, "close": 5})
    suspend_days_on_threshold: int = 7
    reward_cents: int = 1000
    reward_cap_cents_per_month: int = 20000
    worker_poll_seconds: float = 1.0
    embedded_worker: bool = True  # ``qinglang serve`` runs the outbox/expiry worker in-process


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="QINGLANG_", env_nested_delimiter="__", extra="forbid", env_file=None
    )

    environment: str = "development"  # development | production
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    screening: ScreeningSettings = Field(default_factory=ScreeningSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> Settings:
        if self.environment == "production":
            if self.security.secret_key.get_secret_value() == SecuritySettings().secret_key.get_secret_value():
                raise ValueError("set QINGLANG_SECURITY__SECRET_KEY: the development secret is refused in production")
            if self.review.webhook_secret.get_secret_value() == ReviewSettings().webhook_secret.get_secret_value():
                raise ValueError(
                    "set QINGLANG_REVIEW__WEBHOOK_SECRET: the development webhook secret is refused in production"
                )
        return self

    def masked(self) -> dict[str, Any]:
        """Settings as a dict with secrets masked, for ``qinglang config show``."""
        return _mask(self.model_dump(mode="json"))


_SECRET_WORDS = ("secret", "password", "token", "key")


def _mask(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _mask(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, key) for v in value]
    if isinstance(value, str) and any(w in key.lower() for w in _SECRET_WORDS) and value:
        return "********"
    if key == "url" and isinstance(value, str) and "@" in value and "://" in value:
        scheme, rest = value.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:********@{host}"
    return value


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValueError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc
