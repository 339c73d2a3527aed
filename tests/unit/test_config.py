"""Settings: loud validation, secrets masked, insecure defaults refused outside development."""

from __future__ import annotations

import pytest

from qinglang.config import load_settings
from qinglang.errors import ConfigError


def test_production_refuses_the_development_secret_key():
    with pytest.raises(ConfigError, match="QINGLANG_SECURITY__SECRET_KEY"):
        load_settings(environment="production")


def test_production_refuses_the_development_webhook_secret():
    with pytest.raises(ConfigError, match="QINGLANG_REVIEW__WEBHOOK_SECRET"):
        load_settings(environment="production", security={"secret_key": "a-real-secret"})


def test_production_starts_with_real_secrets():
    settings = load_settings(
        environment="production", security={"secret_key": "s1"}, review={"webhook_secret": "s2"}
    )
    assert settings.environment == "production"


def test_config_show_masks_secrets_and_database_passwords():
    settings = load_settings(database={"url": "postgresql://app:hunter2@db.internal/qinglang"},
                             security={"secret_key": "s3cret-value"})
    shown = settings.masked()
    assert "hunter2" not in str(shown) and "s3cret-value" not in str(shown)
    assert shown["security"]["secret_key"] == "********"
    assert "per-install" in load_settings().masked()["security"]["secret_key"]
    assert shown["database"]["url"] == "postgresql://app:********@db.internal/qinglang"


def test_unknown_setting_is_an_error():
    with pytest.raises(ConfigError):
        load_settings(api={"no_such_key": 1})


def test_a_webhook_lease_shorter_than_a_post_is_refused():
    with pytest.raises(ConfigError, match="webhook_lease_seconds"):
        load_settings(review={"webhook_timeout_seconds": 30, "webhook_lease_seconds": 20})
