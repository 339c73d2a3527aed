"""One settings object, built once at start-up and passed down.

Environment variables are ``QINGLANG_<SECTION>__<KEY>`` (e.g. ``QINGLANG_DATABASE__URL``). Nothing else in the
package reads ``os.environ``. Sections belong to the part of the system that uses them.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any, Literal

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
    processes: int = Field(1, ge=1, le=64)  # API processes `qinglang serve` starts on the port (deploy/)
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


DEVELOPMENT_SECRET = "dev-insecure-secret-change-me"  # the old fixed default: refused everywhere now


class SecuritySettings(_Section):
    """Secrets and sign-in limits. Without ``secret_key`` (allowed outside production) a random key is made once
    per install and kept in the data directory: never a well-known value."""

    secret_key: SecretStr | None = None
    # the key of operators' identity hashes (HMAC-SHA256); None: a random per-install key file. Changing it makes
    # every stored identity digest unmatchable, so it is kept apart from the secret key and named by a key id.
    identity_key: SecretStr | None = None
    session_hours: int = Field(12, ge=1, le=24 * 30)
    login_free_failures_per_user_network: int = Field(5, ge=1)  # then 1 s, 2 s, 4 s ... per (user name, network)
    login_free_failures_per_network: int = Field(30, ge=1)  # then the same per network
    login_max_delay_seconds: int = Field(900, ge=1)
    password_checks_at_once: int = Field(1, ge=1)  # argon2 checks at a time (each ~50 ms of a core, 64 MiB)
    password_queue_limit: int = Field(32, ge=1)  # sign-ins waiting for a check before answering 429


class AuditSettings(_Section):
    """Signed checkpoints of the audit chain, kept outside the database (docs/reliability.md)."""

    checkpoint_dir: Path | None = None  # None: <data directory>/audit-checkpoints
    checkpoint_key: SecretStr | None = None  # None: a random per-install key file in the data directory
    checkpoint_every_seconds: float = Field(300.0, gt=0)


class QualificationSettings(_Section):
    """Operators, licences and account grades (docs/qualification.md)."""

    catalogue_path: Path | None = None  # None: the licence catalogue shipped in the package
    warn_days: int | None = Field(None, ge=0, le=365)  # None: the catalogue's warn_days
    review_batch: int = Field(100, ge=1, le=10_000)  # accounts the worker re-assesses per pass
    # content versions whose originality the worker measures per pass (one corpus index per pass); 0: none
    originality_batch: int = Field(500, ge=0, le=100_000)


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
    webhook_timeout_seconds: float = Field(10.0, gt=0)  # one POST gives up after this long
    webhook_lease_seconds: float = Field(60.0, gt=0)  # an event a worker took; renewed before each POST
    strike_thresholds: dict[str, int] = Field(default_factory=lambda: {"suspend": 3, "close": 5})
    suspend_days_on_threshold: int = 7
    reward_cents: int = 1000
    reward_cap_cents_per_month: int = 20000
    worker_poll_seconds: float = 1.0
    embedded_worker: bool = True  # ``qinglang serve`` runs the outbox/expiry worker in-process

    @model_validator(mode="after")
    def _lease_outlasts_a_post(self) -> ReviewSettings:
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError("review.webhook_lease_seconds must be longer than review.webhook_timeout_seconds, or a "
                             "slow POST could lose its lease while it runs and be delivered twice")
        return self


class CertificationSettings(_Section):
    """Training and certification of reviewers (docs/review.md, "Training and certification")."""

    required: bool = False  # on: reviewers and seniors claim a category's live cases only once certified in it
    practice_cases: int = Field(5, ge=1, le=1000)  # newest practice answers judged for a certificate
    agreement: float = Field(0.8, gt=0, le=1)  # the share of them that must match the right answer
    severe_cases: int = Field(10, ge=1, le=1000)  # the higher bar before approving severe actions
    severe_agreement: float = Field(0.9, gt=0, le=1)
    recertify_window: int = Field(5, ge=1, le=1000)  # newest live calibration answers watched
    recertify_agreement: float = Field(0.6, gt=0, le=1)  # below this share the certificate lapses


class StatisticsSettings(_Section):
    """Daily supervision: the day's figures kept current by the worker, overdue cases escalated, ``/metrics``."""

    time_zone: str = "Asia/Shanghai"  # the platform's calendar: a day's figures are that zone's day
    recount_every_seconds: float = Field(300.0, gt=0)  # the worker recounts yesterday and today this often
    sla_target: float = Field(0.9, gt=0, le=1)  # share of reports handled within SLA the dashboard aims at
    escalate_overdue: bool = True  # the worker raises an overdue case to the senior tier (audited)
    metrics_open_on_loopback: bool = False  # /metrics without a key for scrapes from 127.0.0.1/::1

    @model_validator(mode="after")
    def _known_zone(self) -> StatisticsSettings:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"statistics.time_zone {self.time_zone!r} is not an IANA time zone "
                             "(e.g. Asia/Shanghai)") from None
        return self


AUTO_SWEEP_KINDS = ("contact", "domain", "url", "qr_payload", "text_fingerprint", "term")


class SweepSettings(_Section):
    """Automatic sweeps: a new block-list entry of a target kind (or a new ``term``) sweeps the stored history.

    Off by default: each automatic sweep opens a case in the ``sweep`` queue for every content it finds, so a team
    turns it on when it has reviewers for that queue. The worker runs them (never the request that adds the
    entry), once per entry however many workers run."""

    auto_from_list_entries: bool = False
    auto_kinds: list[str] = Field(default_factory=lambda: list(AUTO_SWEEP_KINDS))
    auto_lookback_hours: int = Field(24, ge=1, le=24 * 366)  # entries added this recently are swept when it is on
    auto_batch: int = Field(5, ge=1, le=1000)  # entries one worker pass sweeps
    auto_lease_seconds: int = Field(900, ge=10)  # a sweep a crashed worker left is taken over after this
    # queued sweeps (POST /v1/sweeps, `qinglang sweep start --queue`), run by the review worker one a pass:
    lease_seconds: int = Field(900, ge=10)  # renewed every third while it runs; a crashed worker's sweep is taken over after
    max_attempts: int = Field(3, ge=1, le=100)  # claims before a sweep whose workers keep dying is marked failed

    @model_validator(mode="after")
    def _known_kinds(self) -> SweepSettings:
        unknown = sorted(set(self.auto_kinds) - set(AUTO_SWEEP_KINDS))
        if unknown:
            raise ValueError(f"sweeps.auto_kinds: {', '.join(unknown)} cannot seed a sweep; use "
                             f"{', '.join(AUTO_SWEEP_KINDS)}")
        return self


class BatchSettings(_Section):
    """Where corpus-wide work runs (``qinglang similar``'s fingerprinting, a sweep's near-duplicate search):
    ``local``, a process pool on this machine (the default), or ``ray``, Ray tasks on the cluster at
    ``ray_address`` (``None``: a local Ray started by the process; needs ``pip install 'qinglang[ray]'``)."""

    engine: Literal["local", "ray"] = "local"
    workers: int | None = Field(None, ge=1, le=4096)  # None: this machine's cores (local), the cluster's CPUs (ray)
    chunk_size: int = Field(1000, ge=1, le=1_000_000)  # items per task: big enough to outweigh sending them
    ray_address: str | None = None  # "auto", "host:6379" or "ray://host:10001"; None: start a local Ray

    @model_validator(mode="after")
    def _address_has_a_port(self) -> BatchSettings:
        if self.ray_address is not None:
            from qinglang.engine.ray_engine import head_endpoint

            head_endpoint(self.ray_address)  # ValueError names the forms that work
        return self


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="QINGLANG_", env_nested_delimiter="__", extra="forbid", env_file=None
    )

    environment: str = "development"  # development | production
    data_dir: Path | None = None  # per-install files (keys, checkpoints); None: beside the SQLite file
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    screening: ScreeningSettings = Field(default_factory=ScreeningSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    certification: CertificationSettings = Field(default_factory=CertificationSettings)
    statistics: StatisticsSettings = Field(default_factory=StatisticsSettings)
    qualification: QualificationSettings = Field(default_factory=QualificationSettings)
    sweeps: SweepSettings = Field(default_factory=SweepSettings)
    batch: BatchSettings = Field(default_factory=BatchSettings)

    @model_validator(mode="after")
    def _refuse_insecure_secrets(self) -> Settings:
        key = self.security.secret_key.get_secret_value() if self.security.secret_key else None
        if key == DEVELOPMENT_SECRET:
            raise ValueError("QINGLANG_SECURITY__SECRET_KEY is the old well-known development secret; remove it (a "
                             "random per-install key is made) or set a real one")
        if self.environment == "production":
            if not key:
                raise ValueError("set QINGLANG_SECURITY__SECRET_KEY: production needs a real secret key")
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
    if any(w in key.lower() for w in _SECRET_WORDS):
        if isinstance(value, str) and value:
            return "********"
        if value is None:
            return "(unset: a random per-install key in the data directory)"
    if key == "url" and isinstance(value, str) and "@" in value and "://" in value:
        scheme, rest = value.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:********@{host}"
    return value


def data_directory(settings: Settings) -> Path:
    """Where this install keeps its own files: ``data_dir``, else ``<name>-data`` beside the SQLite file, else
    ``./qinglang-data``."""
    if settings.data_dir is not None:
        return settings.data_dir
    url = settings.database.url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        db = Path(url[len("sqlite:///"):].split("?", 1)[0])
        return db.parent / f"{db.stem}-data"
    return Path("qinglang-data")


def install_secret(path: Path) -> str:
    """The random secret kept in ``path``, made (0600) the first time; several processes may race to make it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32))
    for _ in range(50):  # a racing maker may not have written it yet
        value = path.read_text("utf-8").strip()
        if value:
            return value
        time.sleep(0.01)
    raise ConfigError(f"the secret file {path} is empty; delete it to make a new one")


def with_install_secrets(settings: Settings) -> Settings:
    """``settings`` with every secret left unset filled from its per-install file (see ``data_directory``)."""
    base = data_directory(settings)
    security, audit = settings.security, settings.audit
    if security.secret_key is None:
        security = security.model_copy(update={"secret_key": SecretStr(install_secret(base / "secret.key"))})
    if security.identity_key is None:
        key = SecretStr(install_secret(base / "identity-hash.key"))
        security = security.model_copy(update={"identity_key": key})
    if audit.checkpoint_key is None:
        key = SecretStr(install_secret(base / "audit-checkpoint.key"))
        audit = audit.model_copy(update={"checkpoint_key": key})
    if audit.checkpoint_dir is None:
        audit = audit.model_copy(update={"checkpoint_dir": base / "audit-checkpoints"})
    return settings.model_copy(update={"security": security, "audit": audit})


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValueError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc
