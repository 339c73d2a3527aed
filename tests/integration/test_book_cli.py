"""``qinglang book refresh|show|list`` on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from click.testing import CliRunner
from review_support import sessions_for
from sqlalchemy import delete

from qinglang.cli.main import cli
from qinglang.config import ScreeningSettings
from qinglang.pipeline import Screener
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import transaction
from qinglang.storage.tables.books import BookRow


def _run(url: str, *args: str):
    return CliRunner().invoke(cli, list(args), env={"QINGLANG_DATABASE__URL": url}, catch_exceptions=False)


def test_refresh_rebuilds_books_and_show_lists_their_chapters(database_url):
    with sessions_for(database_url) as db:
        screening = ScreeningService(Screener.from_settings(ScreeningSettings(detectors=["contacts"])), db)
        for number in (2, 1):
            submit_content(db, screening, ContentSubmission(content_id=f"c{number}", kind="chapter", text="山路",
                                                            book_id="b1", chapter=number), actor="platform")
        with transaction(db) as s:
            s.execute(delete(BookRow))  # as after an upgrade: chapters stored, no book rows yet
    assert json.loads(_run(database_url, "book", "refresh", "--json").output) == {"books": 1}
    shown = json.loads(_run(database_url, "book", "show", "b1", "--json").output)
    assert [c["content_id"] for c in shown["chapters"]] == ["c1", "c2"] and shown["book"]["chapters"] == 2
    assert _run(database_url, "book", "list", "--flagged").output == ""
    missing = _run(database_url, "book", "show", "nope")
    assert missing.exit_code == 1 and "book_not_found" in missing.output
