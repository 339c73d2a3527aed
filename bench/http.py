"""``POST /v1/screen`` over HTTP on loopback: uvicorn (uvloop + httptools) in a subprocess, 1 and 2 workers, an
API key from a throw-away SQLite database, driven by ``wrk`` when installed, else a Python keep-alive client."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import ROOT, articles, describe
from bench.loadgen import python_load, wrk_load

WORKER_COUNTS = (1, 2)
CONNECTIONS = 8
BODIES = 64
SEED = 11


def _prepare_database(folder: Path) -> tuple[str, str]:
    """A migrated SQLite database and an API key with the ``screen`` scope: (database URL, secret)."""
    from qinglang.services.apikeys import create_api_key
    from qinglang.storage.db import make_engine, make_session_factory, transaction
    from qinglang.storage.migrate import upgrade

    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        _key, secret = create_api_key(session, "bench", ["screen"], actor="bench")
    engine.dispose()
    return url, secret


def _free_port() -> int:
    from qinglang.testing.postgres import free_port

    return free_port()


def _start_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "QINGLANG_DATABASE__URL": url, "OMP_NUM_THREADS": "1", "PYTHONPATH": path}
    command = [
        sys.executable, "-m", "uvicorn", "bench.http_app:app", "--factory", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--loop", "uvloop", "--http", "httptools",
        "--log-level", "warning", "--no-access-log",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _wait_ready(base: str, process: subprocess.Popen, body: bytes, headers: dict, timeout: float = 30.0) -> dict:
    """Poll until a screening request succeeds; returns its answer (a sanity check of what is measured)."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            response = httpx.post(f"{base}/v1/screen", content=body, headers=headers, timeout=10)
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        if response.status_code != 200:
            raise RuntimeError(f"POST /v1/screen answered {response.status_code}: {response.text[:300]}")
        return response.json()
    raise RuntimeError(f"the server was not ready within {timeout:.0f} s")


def _measure(url: str, secret: str, workers: int, bodies: list[bytes], folder: Path) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    log = folder / f"server-{workers}.log"
    process = _start_server(url, port, workers, log)
    try:
        answer = _wait_ready(base, process, bodies[0], headers)
        load = wrk_load if shutil.which("wrk") else python_load
        figures = load(f"{base}/v1/screen", bodies, headers, CONNECTIONS)
        return {"workers": workers, "sample_verdict": answer.get("verdict"), **figures}
    except Exception as exc:  # noqa: BLE001 - a figure we could not take is reported, not hidden
        tail = log.read_text(errors="replace")[-600:] if log.exists() else ""
        return {"workers": workers, "error": f"{type(exc).__name__}: {exc}", "server_log_tail": tail}
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def _configured_detectors() -> list[str]:
    from qinglang.config import load_settings

    return list(load_settings().screening.detectors)


def run() -> dict:
    texts = articles(BODIES, seed=SEED)
    bodies = [json.dumps({"id": f"bench-{i}", "text": t}, ensure_ascii=False).encode("utf-8") for i, t in enumerate(texts)]
    with tempfile.TemporaryDirectory(prefix="qinglang-bench-") as tmp:
        folder = Path(tmp)
        url, secret = _prepare_database(folder)
        runs = [_measure(url, secret, workers, bodies, folder) for workers in WORKER_COUNTS]
    return {
        "method": f"uvicorn bench.http_app:app (uvloop, httptools, no access log) on 127.0.0.1, SQLite, Bearer API key; "
        f"{CONNECTIONS} keep-alive connections cycling through {BODIES} request bodies; load generator "
        f"{'wrk (1 thread)' if shutil.which('wrk') else 'Python http.client threads'} on the same machine",
        "data": describe(texts, SEED),
        "detectors": _configured_detectors(),
        "machine_cpus": os.cpu_count(),
        "runs": runs,
    }
