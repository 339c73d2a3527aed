"""The deployment files in deploy/ parse, name real commands and settings, and describe N API processes plus M
workers on one database."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from qinglang.cli.main import cli
from qinglang.config import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _env_file() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "qinglang.env").read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


def test_the_env_file_is_a_valid_production_configuration(monkeypatch):
    values = _env_file()
    assert all(key.startswith("QINGLANG_") for key in values)
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.environment == "production"
    assert settings.database.url.startswith("postgresql")
    assert settings.api.processes >= 2
    assert settings.review.embedded_worker is False  # background work belongs to the worker units


def test_every_name_in_the_env_file_is_a_setting():
    """pydantic-settings ignores an unknown QINGLANG_ name silently; each one must name a field."""
    fields = Settings().model_dump(mode="json")
    for key in _env_file():
        node = fields
        for part in key.removeprefix("QINGLANG_").lower().split("__"):
            assert isinstance(node, dict) and part in node, key
            node = node[part]


@pytest.mark.parametrize("path", UNITS, ids=[p.name for p in UNITS])
def test_units_parse_and_run_a_real_qinglang_command(path):
    unit = _unit(path)
    assert {"Unit", "Service", "Install"} <= set(unit.sections())
    service = unit["Service"]
    assert service["EnvironmentFile"] == "/etc/qinglang/qinglang.env"
    argv = shlex.split(service["ExecStart"])
    assert argv[0].endswith("/qinglang")
    command = cli
    for word in argv[1:]:
        if word.startswith("-"):
            assert word in {opt for p in command.params for opt in p.opts}, word
            continue
        command = command.commands[word]  # a KeyError here names a command that does not exist


def test_api_and_workers_start_after_the_migration():
    for name in ("qinglang-api.service", "qinglang-worker@.service"):
        unit = _unit(DEPLOY / "systemd" / name)
        assert "qinglang-migrate.service" in unit["Unit"]["Requires"]
        assert "qinglang-migrate.service" in unit["Unit"]["After"]
    assert _unit(DEPLOY / "systemd" / "qinglang-migrate.service")["Service"]["Type"] == "oneshot"
