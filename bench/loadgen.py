"""Load generators for the HTTP benchmark: ``wrk`` (Debian package) or a Python keep-alive client."""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.corpus import percentile

WRK_SECONDS = 10
WRK_WARMUP_SECONDS = 2
PYTHON_REQUESTS = 3000

_WRK_SCRIPT = """
local bodies = {}
for line in io.lines("%(bodies)s") do bodies[#bodies + 1] = line end
local i = 0
wrk.method = "POST"
%(headers)s
request = function()
  i = i %% #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%.1f %%.1f %%.1f\\n", summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _wrk_script(folder: Path, bodies: list[bytes], headers: dict) -> Path:
    (folder / "bodies.jsonl").write_bytes(b"\n".join(bodies) + b"\n")
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    script = folder / "post.lua"
    script.write_text(_WRK_SCRIPT % {"bodies": folder / "bodies.jsonl", "headers": header_lines})
    return script


def _wrk(url: str, script: Path, connections: int, seconds: int) -> list[str]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return line.split()[1:]


def wrk_load(url: str, bodies: list[bytes], headers: dict, connections: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="qinglang-wrk-") as tmp:
        script = _wrk_script(Path(tmp), bodies, headers)
        _wrk(url, script, connections, WRK_WARMUP_SECONDS)
        requests, duration_us, bad_status, socket_errors, p50, p99, worst = _wrk(url, script, connections, WRK_SECONDS)
    seconds = int(duration_us) / 1e6
    return {
        "load": f"wrk -t1 -c{connections} -d{WRK_SECONDS}s after a {WRK_WARMUP_SECONDS} s warm-up",
        "requests": int(requests),
        "requests_per_s": round(int(requests) / seconds, 1),
        "p50_ms": round(float(p50) / 1000, 2),
        "p99_ms": round(float(p99) / 1000, 2),
        "max_ms": round(float(worst) / 1000, 2),
        "non_2xx": int(bad_status),
        "socket_errors": int(socket_errors),
    }


def python_load(url: str, bodies: list[bytes], headers: dict, connections: int) -> dict:
    """``PYTHON_REQUESTS`` requests over ``connections`` keep-alive connections, one thread each."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    share = PYTHON_REQUESTS // connections

    def worker(offset: int) -> None:
        mine, bad = _client_loop(url, bodies, headers, offset, share)
        with lock:
            latencies.extend(mine)
            failures.append(bad)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "load": f"Python http.client, {connections} threads x {share} requests",
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "non_2xx": sum(failures),
    }


def _client_loop(url: str, bodies: list[bytes], headers: dict, offset: int, count: int) -> tuple[list[float], int]:
    import http.client

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    latencies, bad = [], 0
    for i in range(count):
        body = bodies[(offset + i) % len(bodies)]
        start = time.perf_counter()
        connection.request("POST", parts.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
        bad += response.status // 100 != 2
    connection.close()
    return latencies, bad
