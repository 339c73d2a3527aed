"""``qinglang serve --processes N`` hands N API processes to uvicorn's supervisor through the ASGI factory."""

from __future__ import annotations

import gc

from click.testing import CliRunner

from qinglang.cli import serve


def test_serve_with_several_processes_runs_the_factory_under_uvicorn(monkeypatch):
    calls = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append((app, kw)))
    result = CliRunner().invoke(serve.serve_command, ["--no-worker", "--processes", "3", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls == [("qinglang.api.asgi:app", {"factory": True, "host": "127.0.0.1", "port": 8123, "workers": 3,
                                                "log_level": "warning", "access_log": False})]


def test_processes_default_from_the_settings(monkeypatch):
    chosen = []
    monkeypatch.setenv("QINGLANG_API__PROCESSES", "2")
    monkeypatch.setattr(serve, "run_processes", lambda s, h, p, n, **kw: chosen.append((n, kw)))
    monkeypatch.setattr(serve, "run_server", lambda *a, **kw: chosen.append(("single", kw)))
    assert CliRunner().invoke(serve.serve_command, ["--no-worker"]).exit_code == 0
    assert chosen == [(2, {"with_worker": False})]
    monkeypatch.setenv("QINGLANG_API__PROCESSES", "1")
    assert CliRunner().invoke(serve.serve_command, ["--no-worker"]).exit_code == 0
    assert chosen[-1] == ("single", {"with_worker": False})


def test_the_factory_builds_a_loaded_app_from_the_environment(monkeypatch, tmp_path):
    from qinglang.api import asgi

    monkeypatch.setenv("QINGLANG_DATABASE__URL", f"sqlite:///{tmp_path / 'q.db'}")
    monkeypatch.setenv("QINGLANG_DATA_DIR", str(tmp_path / "data"))
    try:
        app = asgi.app()
        screener = app.state.runtime.screening.screener
        assert screener.detectors and all(d._loaded for d in screener.detectors)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
