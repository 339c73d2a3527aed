"""The throw-away PostgreSQL helper: binary discovery and its error when nothing is installed."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from qinglang.testing import postgres
from qinglang.testing.postgres import PostgresServer, PostgresUnavailable


def _fake_install(root: Path, version: str) -> Path:
    bindir = root / "usr/lib/postgresql" / version / "bin"
    bindir.mkdir(parents=True)
    for program in ("initdb", "pg_ctl"):
        (bindir / program).write_text("#!/bin/sh\n")
    return bindir


def test_find_bindir_prefers_the_newest_installed_version(tmp_path, monkeypatch):
    _fake_install(tmp_path, "13")
    newest = _fake_install(tmp_path, "16")
    _fake_install(tmp_path, "9")
    monkeypatch.setattr(postgres.shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.setattr(postgres, "_SEARCH_GLOBS", (str(tmp_path / "usr/lib/postgresql/*/bin"),))
    assert postgres.find_bindir() == newest


def test_start_without_binaries_says_what_is_missing(monkeypatch):
    monkeypatch.setattr(postgres, "find_bindir", lambda: None)
    with pytest.raises(PostgresUnavailable, match="no PostgreSQL server binaries"):
        PostgresServer.start()


def test_free_port_can_be_bound_on_loopback():
    port = postgres.free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))
    assert 0 < port < 65536


def test_reaping_deletes_folders_of_dead_owners_and_keeps_live_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(postgres.tempfile, "gettempdir", lambda: str(tmp_path))
    dead, live = tmp_path / "qinglang-pg-dead", tmp_path / "qinglang-pg-live"
    for folder, pid in ((dead, 2**22 + 12345), (live, os.getpid())):
        folder.mkdir()
        (folder / "owner.pid").write_text(str(pid))
    reaped = postgres.reap_stale_servers(Path("/nonexistent/bin"))
    assert reaped == [dead]
    assert not dead.exists()
    assert live.exists()
