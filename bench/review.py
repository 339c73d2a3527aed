"""The review half under load: what a wrong-password flood, a screenshot upload and a long audit chain cost the
rest of the server.

1. ``POST /v1/contents`` latency on ``qinglang serve`` (SQLite, the ``contacts`` detector only) alone, then
   while 32 clients keep sending wrong passwords from distinct addresses (``X-Forwarded-For`` on loopback, so the
   per-network throttle does not absorb them and every attempt costs an argon2 check).
2. ``GET /healthz`` latency while 1600×1200 PNG screenshots are posted to ``/v1/reports`` (decoded off the event
   loop: the health check should not wait for them).
3. Verifying an audit chain of 200,000 events: the whole chain, the first checkpoint, and what the console does
   on a page load (from the newest checkpoint).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.corpus import ROOT

EVENTS = 200_000


def _server(folder: Path) -> tuple[subprocess.Popen, str, str]:
    from qinglang.services.apikeys import create_api_key
    from qinglang.services.review.users import create_user
    from qinglang.storage.db import make_engine, make_session_factory, transaction
    from qinglang.storage.migrate import upgrade
    from qinglang.testing.postgres import free_port

    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        _key, secret = create_api_key(session, "bench", ["contents:write"], actor="bench")
        create_user(session, "victim", "password-victim", "reviewer", actor="bench")
    engine.dispose()
    port = free_port()
    env = {**os.environ, "QINGLANG_DATABASE__URL": url, "QINGLANG_DATA_DIR": str(folder / "data"),
           "QINGLANG_SCREENING__DETECTORS": '["contacts"]', "QINGLANG_REVIEW__EMBEDDED_WORKER": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "qinglang.cli.main", "serve", "--port", str(port)], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base, secret
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def _ms(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1)}


def _contents(base: str, secret: str, n: int, tag: str) -> list[float]:
    out = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=60) as client:
        for i in range(n):
            started = time.perf_counter()
            client.post("/v1/contents", json={"content_id": f"{tag}-{i}", "text": f"第{i}章，长江是亚洲第一长河。"})
            out.append(time.perf_counter() - started)
    return out


def sign_in_flood(base: str, secret: str) -> dict:
    alone = _contents(base, secret, 80, "alone")
    stop, answers = threading.Event(), {"401": 0, "429": 0, "other": 0}

    def flood(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            i = 0
            while not stop.is_set():
                i += 1
                code = client.post("/console/login", data={"username": "victim", "password": "wrong"},
                                   headers={"X-Forwarded-For": f"10.{n}.{i // 250}.{i % 250}"}).status_code
                answers[str(code) if str(code) in answers else "other"] += 1

    threads = [threading.Thread(target=flood, args=(n,)) for n in range(32)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    during = _contents(base, secret, 80, "flood")
    stop.set()
    for thread in threads:
        thread.join()
    return {"contents_alone": _ms(alone), "contents_during_flood": _ms(during), "flood_answers": answers}


def screenshot_stall(base: str) -> dict:
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((1600, 1200), 64).convert("RGB").save(buffer, format="PNG")
    png = buffer.getvalue()
    stop, health = threading.Event(), []

    def poll() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while not stop.is_set():
                started = time.perf_counter()
                client.get("/healthz")
                health.append(time.perf_counter() - started)
                time.sleep(0.01)

    poller = threading.Thread(target=poll)
    poller.start()
    with httpx.Client(base_url=base, timeout=60) as client:
        for i in range(8):
            client.post("/v1/reports", data={"target_kind": "content", "target_id": f"shot-{i}", "reason": "porn"},
                        files={"screenshots": ("s.png", png, "image/png")}, headers={"X-Forwarded-For": f"10.9.9.{i}"})
    stop.set()
    poller.join()
    return {"screenshot_bytes": len(png), "healthz_during_uploads": _ms(health),
            "healthz_max_ms": round(max(health) * 1000, 1)}


def _long_chain(folder: Path):
    """A database whose chain holds ``EVENTS`` events, linked exactly as the append path links them."""
    import sqlalchemy as sa

    from qinglang.domain.audit import event_hash
    from qinglang.storage.db import make_engine, make_session_factory
    from qinglang.storage.migrate import upgrade

    engine = make_engine(f"sqlite:///{folder / 'chain.db'}")
    upgrade(engine)
    prev, at, rows = "", datetime(2026, 1, 1, tzinfo=UTC), []
    for seq in range(1, EVENTS + 1):
        when = at + timedelta(seconds=seq)
        data = {"n": seq}
        digest = event_hash(prev, when, "bench", "bench.event", "thing", str(seq), data)
        rows.append({"seq": seq, "at": when, "actor": "bench", "action": "bench.event", "subject_type": "thing",
                     "subject_id": str(seq), "data": data, "prev_hash": prev, "hash": digest})
        prev = digest
    from qinglang.storage.tables.core import AuditChainHeadRow, AuditEventRow

    with engine.begin() as connection:
        connection.execute(sa.insert(AuditEventRow), rows)
        connection.execute(sa.update(AuditChainHeadRow).values(seq=EVENTS, hash=prev))
    return make_session_factory(engine)


def audit_verification(folder: Path) -> dict:
    from qinglang.console.oversight import AUDIT_PAGE_VERIFIES
    from qinglang.services.audit import CheckpointStore, verify_chain, verify_recent, write_checkpoint
    from qinglang.storage.db import transaction

    sessions = _long_chain(folder)
    store = CheckpointStore(folder / "checkpoints", "bench-key")

    def timed(work):
        started = time.perf_counter()
        result = work()
        return result, round(time.perf_counter() - started, 3)

    with transaction(sessions) as s:
        page_without, page_without_s = timed(lambda: verify_recent(s, store, max_events=AUDIT_PAGE_VERIFIES))
    (report, _cp), first_checkpoint_s = timed(lambda: write_checkpoint(sessions, store))
    with transaction(sessions) as s:
        page_with, page_with_s = timed(lambda: verify_recent(s, store, max_events=AUDIT_PAGE_VERIFIES))
        full, full_s = timed(lambda: verify_chain(s, store))
    return {"events": EVENTS, "full_verify_s": full_s, "full_ok": full.ok, "first_checkpoint_s": first_checkpoint_s,
            "page_without_checkpoint_s": page_without_s, "page_without_checkpoint_checked": page_without.checked,
            "page_after_checkpoint_s": page_with_s, "page_after_checkpoint_checked": page_with.checked}


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        proc, base, secret = _server(folder)
        try:
            flood = sign_in_flood(base, secret)
            shots = screenshot_stall(base)
        finally:
            proc.kill()
            proc.wait()
        chain = audit_verification(folder)
    return {"method": __doc__.strip().splitlines()[0], "sign_in_flood": flood, "screenshots": shots,
            "audit_chain": chain}


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
