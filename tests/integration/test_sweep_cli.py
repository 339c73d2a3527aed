"""``qinglang sweep start|show|list|index`` on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from review_support import sessions_for

from qinglang.cli.main import cli
from qinglang.config import ScreeningSettings
from qinglang.pipeline import Screener
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.screening import ScreeningService

PASSAGES = json.loads((Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json")
                      .read_text("utf-8"))["passages"]


def _run(url: str, *args: str):
    return CliRunner().invoke(cli, list(args), env={"QINGLANG_DATABASE__URL": url}, catch_exceptions=False)


def _contents(url: str) -> None:
    with sessions_for(url) as db:
        screening = ScreeningService(Screener.from_settings(ScreeningSettings(detectors=["contacts"])), db)
        for content_id, text in (("a", PASSAGES[0] + "加我薇信 qlteam88"), ("b", PASSAGES[1] + "加我薇信 qlteam88"),
                                 ("c", PASSAGES[2])):
            submit_content(db, screening, ContentSubmission(content_id=content_id, text=text), actor="platform")


def test_start_show_list_and_dry_run(database_url, tmp_path):
    _contents(database_url)
    dry = json.loads(_run(database_url, "sweep", "start", "--contact", "wechat:qlteam88", "--dry-run", "--json").output)
    assert [h["content_id"] for h in dry] == ["a", "b"]
    assert json.loads(_run(database_url, "sweep", "list", "--json").output) == []  # a dry run records nothing
    started = json.loads(_run(database_url, "sweep", "start", "--contact", "wechat:qlteam88", "--json").output)
    assert (started["found"], started["opened"]) == (2, 2)
    shown = _run(database_url, "sweep", "show", str(started["id"]))
    assert shown.exit_code == 0 and f"sweep #{started['id']} from contact" in shown.output
    assert "(opened)\ta\t-\tshares contact wechat:qlteam88" in shown.output
    listed = _run(database_url, "sweep", "list")
    assert listed.output.startswith(f"#{started['id']}\t") and "found 2\topened 2" in listed.output
    teaser = tmp_path / "teaser.txt"
    teaser.write_text(PASSAGES[2][:250], "utf-8")
    by_text = json.loads(_run(database_url, "sweep", "start", "--text-file", str(teaser), "--json").output)
    assert [i["content_id"] for i in by_text["items"]] == ["c"]
    assert _run(database_url, "sweep", "index").output.strip() == "fingerprinted 0 content versions"


def test_queue_leaves_the_sweep_to_the_worker(database_url):
    from qinglang.config import Settings
    from qinglang.services import sweep_jobs

    _contents(database_url)
    queued = json.loads(_run(database_url, "sweep", "start", "--contact", "wechat:qlteam88", "--queue",
                             "--json").output)
    assert (queued["status"], queued["found"], queued["items"]) == ("queued", 0, [])
    shown = _run(database_url, "sweep", "show", str(queued["id"]))
    assert shown.output.strip() == f"sweep #{queued['id']} from contact 'wechat:qlteam88': queued"
    with sessions_for(database_url) as db:
        assert sweep_jobs.run_queued(db, Settings(), worker="w1") == 1
    done = json.loads(_run(database_url, "sweep", "show", str(queued["id"]), "--json").output)
    assert (done["status"], done["found"], done["opened"]) == ("completed", 2, 2)
    assert "\tcompleted\tcontact:wechat:qlteam88\tfound 2" in _run(database_url, "sweep", "list").output
    refused = _run(database_url, "sweep", "start", "--case", "77", "--queue")
    assert refused.exit_code == 1 and "case_not_found" in refused.output  # checked before it is queued


def test_errors_have_their_codes(database_url):
    _run(database_url, "db", "upgrade")
    none = _run(database_url, "sweep", "start")
    assert none.exit_code == 1 and "invalid_sweep_seed" in none.output
    two = _run(database_url, "sweep", "start", "--domain", "x.example", "--url", "http://x.example/")
    assert two.exit_code == 1 and "invalid_sweep_seed" in two.output
    missing = _run(database_url, "sweep", "show", "4242")
    assert missing.exit_code == 1 and "sweep_not_found" in missing.output
    unknown_case = _run(database_url, "sweep", "start", "--case", "77")
    assert unknown_case.exit_code == 1 and "case_not_found" in unknown_case.output
