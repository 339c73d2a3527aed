"""Helpers for the console end-to-end tests: a fresh database, seeded content, a webhook receiver."""

from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from qinglang.config import DatabaseSettings, ReviewSettings, Settings
from qinglang.services.review import outbox, users
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.storage.migrate import upgrade
from qinglang.storage.tables.core import AccountRow, ContentVersionRow, SignalRow

WEBHOOK_SECRET = "hook-secret-for-tests"
BODY = "今晚福利，加我薇 信 abc123 看全集，尺度很大。"


def fresh_settings(tmp_path, webhook_url: str | None = None) -> Settings:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    review = ReviewSettings(webhook_url=webhook_url, webhook_secret=WEBHOOK_SECRET, webhook_backoff_seconds=0.01)
    return Settings(database=DatabaseSettings(url=url), review=review)


def seed(settings: Settings) -> None:
    factory = make_session_factory(make_engine(settings.database.url))
    start = BODY.index("薇")
    with transaction(factory) as s:
        s.add(AccountRow(id="acc-1", name="夜读福利号", followers=120000))
        s.flush()
        row = ContentVersionRow(content_id="art-1", version="1", account_id="acc-1", title="今晚福利",
                                body_text=BODY, content_hash="h1")
        s.add(row)
        s.flush()
        s.add(SignalRow(content_version_id=row.pk, detector="contacts", label="drainage/wechat_id", score=0.95,
                        evidence=[{"kind": "contact", "field": "text", "start": start, "end": start + 10,
                                   "text": BODY[start:start + 10],
                                   "detail": {"handle": "abc123", "normalised": "薇信 abc123", "rule": "wechat-id"}}]))
        s.add(SignalRow(content_version_id=row.pk, detector="lexicon", label="porn/vulgar", score=0.8,
                        evidence=[{"kind": "text_span", "field": "text", "start": BODY.index("尺度"),
                                   "end": BODY.index("尺度") + 4, "detail": {"term": "尺度很大"}}]))
        for name, role in (("rev", "reviewer"), ("sen", "senior"), ("lead", "lead"), ("aud", "auditor")):
            users.create_user(s, name, f"password-{name}", role, actor="test")


def seed_articles(sessions, content_ids, account_id: str = "acc-1") -> None:
    """Stored articles for reports to name (a report about an unknown article is refused)."""
    with transaction(sessions) as s:
        if s.get(AccountRow, account_id) is None:
            s.add(AccountRow(id=account_id, name=account_id))
            s.flush()
        for content_id in content_ids:
            s.add(ContentVersionRow(content_id=content_id, version="1", account_id=account_id, title="标题",
                                    body_text="正文", content_hash=content_id))


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


class Receiver:
    """A platform webhook endpoint that checks signatures and deduplicates by event id."""

    def __init__(self) -> None:
        self.seen: dict[str, dict] = {}
        self.duplicates = 0
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not outbox.verify_signature(WEBHOOK_SECRET, body, self.headers.get(outbox.SIGNATURE_HEADER, "")):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                event_id = self.headers[outbox.EVENT_ID_HEADER]
                if event_id in receiver.seen:
                    receiver.duplicates += 1
                receiver.seen.setdefault(event_id, json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
