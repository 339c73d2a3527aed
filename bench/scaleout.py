"""Scale-out on one PostgreSQL: 1, 2 and 4 API processes (``qinglang serve --no-worker --processes N``) plus one
``qinglang worker run`` process, on loopback, driven by the bounded asyncio loader (``bench/aload.py``).

The PostgreSQL server is started for the run from the machine's binaries (``qinglang.testing.postgres``, the test
suite's helper) and thrown away after. Two workloads per process count: ``screen`` (``POST /v1/screen``, ~2 KB
articles: detectors, no database write) and ``contents`` (``POST /v1/contents`` with a new content id each time:
screening plus the content, decision, audit and outbox rows). The loader runs on the same machine and takes CPU
from the servers: on a machine with few cores the figures say more about the cores than about qinglang.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.aload import Call, load
from bench.corpus import ROOT, articles, describe

PROCESS_COUNTS = (1, 2, 4)
WORKERS = 1
CONCURRENCY = 16
REQUESTS = {"screen": 1500, "contents": 800}
WARMUP = 40
DEADLINE_S = 25.0
SEED = 13


def _qinglang() -> list[str]:
    return [sys.executable, "-c", "import sys; from qinglang.cli.main import main; sys.exit(main())"]


def _environment(url: str, data_dir: Path) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "OMP_NUM_THREADS": "1", "QINGLANG_DATABASE__URL": url,
            "QINGLANG_DATA_DIR": str(data_dir), "QINGLANG_REVIEW__EMBEDDED_WORKER": "false"}


def _prepare(url: str, env: dict[str, str]) -> str:
    """Migrate the database and make an API key with the scopes the workloads need; returns its secret."""
    subprocess.run([*_qinglang(), "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    code = ("import sys; from qinglang.config import load_settings; from qinglang.services.apikeys import "
            "create_api_key; from qinglang.storage.db import make_engine, make_session_factory, transaction\n"
            "f = make_session_factory(make_engine(load_settings().database.url))\n"
            "with transaction(f) as s:\n    _, secret = create_api_key(s, 'bench', ['screen', 'contents:write'], "
            "actor='bench')\nprint(secret)")
    done = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True,
                          timeout=60)
    return done.stdout.strip().splitlines()[-1]


def _wait_ready(base: str, process: subprocess.Popen, headers: dict, timeout: float = 120.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            if httpx.post(f"{base}/v1/screen", json={"id": "ready", "text": "你好"}, headers=headers,
                          timeout=10).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"not ready within {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def _calls(kind: str, texts: list[str], headers: dict, run: str, count: int) -> list[Call]:
    calls = []
    for i in range(count):
        text = texts[i % len(texts)]
        if kind == "screen":
            body = {"id": f"{run}-{i}", "text": text}
        else:
            body = {"content_id": f"{run}-{i}", "title": text[:20], "text": text}
        calls.append(Call("POST", f"/v1/{kind}", json.dumps(body, ensure_ascii=False).encode(), headers))
    return calls


def _measure(processes: int, env: dict, secret: str, texts: list[str], folder: Path) -> dict:
    from qinglang.testing.postgres import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    log = (folder / f"api-{processes}.log").open("wb")
    api = subprocess.Popen([*_qinglang(), "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port),
                            "--processes", str(processes)], env=env, stdout=log, stderr=subprocess.STDOUT)
    workers = [subprocess.Popen([*_qinglang(), "worker", "run"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(WORKERS)]
    try:
        started = time.perf_counter()
        _wait_ready(base, api, headers)
        ready_s = round(time.perf_counter() - started, 1)
        out: dict = {"api_processes": processes, "workers": WORKERS, "ready_s": ready_s}
        for kind, count in REQUESTS.items():
            load(base, _calls(kind, texts, headers, f"warm-{processes}-{kind}", WARMUP), CONCURRENCY, DEADLINE_S)
            load_average = os.getloadavg()[0]
            out[kind] = {**load(base, _calls(kind, texts, headers, f"run-{processes}-{kind}", count), CONCURRENCY,
                                DEADLINE_S), "load_average_before": round(load_average, 2)}
        return out
    except Exception as exc:  # noqa: BLE001 - a figure we could not take is reported, not hidden
        log.flush()
        tail = (folder / f"api-{processes}.log").read_text(errors="replace")[-600:]
        return {"api_processes": processes, "error": f"{type(exc).__name__}: {exc}", "server_log_tail": tail}
    finally:
        for process in (api, *workers):
            _stop(process)
        log.close()


def run() -> dict:
    from qinglang.testing.postgres import PostgresServer, PostgresUnavailable

    texts = articles(64, seed=SEED)
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        return {"skipped": f"no PostgreSQL server could be started: {exc}"}
    try:
        url = server.create_database("bench_scaleout").replace("postgresql://", "postgresql+psycopg://", 1)
        with tempfile.TemporaryDirectory(prefix="qinglang-scaleout-") as tmp:
            env = _environment(url, Path(tmp) / "data")
            secret = _prepare(url, env)
            runs = [_measure(n, env, secret, texts, Path(tmp)) for n in PROCESS_COUNTS]
    finally:
        server.stop()
    return {
        "method": " ".join(__doc__.split()),
        "load": f"bench/aload.py: {CONCURRENCY} keep-alive connections, {REQUESTS} requests after {WARMUP} "
        f"warm-up requests, {DEADLINE_S:.0f} s deadline each",
        "data": describe(texts, SEED),
        "machine_cpus": os.cpu_count(),
        "runs": runs,
    }
