"""Run the qinglang API app with uvicorn in a background thread on a free loopback port (for e2e tests)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from qinglang.testing.postgres import free_port


@dataclass
class LiveServer:
    """A running app: ``url`` is its base URL (``http://127.0.0.1:PORT``), ``settings`` what it was built with."""

    url: str
    settings: Any
    _server: Any
    _thread: threading.Thread

    @classmethod
    def start(cls, settings: Any, timeout: float = 20.0) -> LiveServer:
        import uvicorn

        from qinglang.api.app import create_app  # imported late: the app pulls in the whole web stack

        port = free_port()
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name=f"live-server-{port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise RuntimeError(f"the API server did not start on 127.0.0.1:{port} within {timeout:.0f} s")
            time.sleep(0.01)
        return cls(url=f"http://127.0.0.1:{port}", settings=settings, _server=server, _thread=thread)

    def client(self, **kwargs: Any):
        """An ``httpx.Client`` with this server as base URL (close it, or use it in a ``with`` block).

        The timeout defaults to 60 s, not httpx's 5 s: the first request loads every detector, which on a small,
        busy machine takes longer than 5 s, and a test should fail on a wrong answer, not on a slow start."""
        import httpx

        kwargs.setdefault("timeout", 60.0)
        return httpx.Client(base_url=self.url, **kwargs)

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
