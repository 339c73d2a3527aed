"""Real processes to kill: ``qinglang serve`` and ``qinglang worker run`` as subprocesses on a test database, and
a webhook receiver that counts what it was sent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from qinglang.testing.postgres import free_port

HOOK_SECRET = "fault-hook-secret"


def environment(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """What the subprocesses are configured with: the test database, a light pipeline, fast polling."""
    return {**os.environ, "QINGLANG_DATABASE__URL": database_url, "QINGLANG_DATA_DIR": str(data_dir),
            "QINGLANG_SECURITY__SECRET_KEY": "fault-test-secret", "QINGLANG_SCREENING__DETECTORS": '["contacts"]',
            "QINGLANG_REVIEW__WEBHOOK_SECRET": HOOK_SECRET, "QINGLANG_REVIEW__WORKER_POLL_SECONDS": "0.05",
            # a killed worker's leases run out in 4 s, not 60 (a POST gives up after 2 s, so renewal still holds)
            "QINGLANG_REVIEW__WEBHOOK_TIMEOUT_SECONDS": "2", "QINGLANG_REVIEW__WEBHOOK_LEASE_SECONDS": "4", **extra}


class Process:
    """A ``qinglang`` subprocess that can be killed with SIGKILL, mid-whatever."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "qinglang.cli.main", *args], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(env: dict[str, str], timeout: float = 60.0) -> tuple[Process, str]:
    port = free_port()
    server = Process(["serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)], env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"the server exited: {server.proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not answer /healthz in time")


class Receiver:
    """A webhook endpoint that counts every event id it is sent; each POST takes ``delay`` seconds."""

    def __init__(self, delay: float = 0.0) -> None:
        self.seen: Counter[str] = Counter()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(delay)
                with receiver.lock:
                    receiver.seen[json.loads(body)["event_id"]] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def total(self) -> int:
        with self.lock:
            return sum(self.seen.values())

    def close(self) -> None:
        self.server.shutdown()


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
