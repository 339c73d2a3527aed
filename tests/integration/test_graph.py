"""The drainage graph on a demo data set: three accounts post posters that carry the same WeChat group QR
code, a fourth posts a clean article. The graph answers through the service, the API and the CLI, and a
blacklisted group target blocks every content that points at it."""

from __future__ import annotations

import base64
import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from qinglang.api.app import create_app
from qinglang.cli.main import cli
from qinglang.detectors.links.detector import LinksDetector
from qinglang.detectors.qr.detector import QrDetector
from qinglang.pipeline.screener import Screener
from qinglang.policy import default_policy
from qinglang.services import accounts, drainage, lists
from qinglang.services.apikeys import create_api_key
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.runtime import Runtime
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import ContentVersionRow

pytest.importorskip("segno")
from qinglang.detectors.qr.samples import poster, to_bytes  # noqa: E402

GROUP = "https://weixin.qq.com/g/AQYAAHk3Zx8fVb2Qm"
SHARING = ("acct-a", "acct-b", "acct-c")


@pytest.fixture
def runtime(settings):
    def screening(sessions):
        return ScreeningService(
            Screener([QrDetector(), LinksDetector()], default_policy()), sessions, check_interval=0.0
        )

    rt = Runtime.from_settings(settings, screening=screening)
    yield rt
    rt.close()


def _submit(runtime: Runtime, content_id: str, account: str, images: tuple[str, ...], text: str) -> dict:
    sub = ContentSubmission(content_id=content_id, account_id=account, title="福利", text=text, images=images)
    return submit_content(runtime.sessions, runtime.screening, sub, actor="test").record  # records the edges


def _data_uri(img) -> str:
    return "data:image/png;base64," + base64.b64encode(to_bytes(img)).decode("ascii")


@pytest.fixture
def demo(runtime):
    with transaction(runtime.sessions) as session:
        for account in (*SHARING, "acct-clean"):
            accounts.create_account(session, {"id": account, "name": account}, actor="test")
    records = {}
    for i, account in enumerate(SHARING):
        image = _data_uri(poster(f"{GROUP}?from=timeline", seed=i, angle=7 * i, qr_px=160 + 30 * i))
        text = f"第{i}期 更多内容见 t.cn/A6x{i}"
        records[account] = _submit(runtime, f"c-{i}", account, (image,), text)
    records["acct-clean"] = _submit(runtime, "c-clean", "acct-clean", (), "今天去公园散步，天气很好。")
    return records


def test_contact_qr_without_harmful_text_goes_to_review(demo):
    assert demo["acct-a"]["decision"]["verdict"] == "review"
    assert any(s["label"] == "qr/wechat_group" for s in demo["acct-a"]["signals"])
    assert demo["acct-clean"]["decision"]["verdict"] == "pass"


def test_service_answers_the_three_questions(runtime, demo):
    with transaction(runtime.sessions) as session:
        who = drainage.list_accounts_for_target(session, "qr_payload", GROUP)
        what = drainage.list_targets_for_account(session, "acct-b")
        shared = drainage.list_shared_targets(session, min_accounts=3)
    assert [r["account_id"] for r in who] == list(SHARING)
    assert all(r["contents"] == 1 for r in who)
    assert ("qr_payload", GROUP) in {(r["kind"], r["value"]) for r in what}
    assert ("url", "http://t.cn/A6x1") in {(r["kind"], r["value"]) for r in what}
    assert [(r["kind"], r["value"], r["accounts"]) for r in shared] == [("qr_payload", GROUP, list(SHARING))]


def test_recording_again_adds_no_edges(runtime, demo):
    with transaction(runtime.sessions) as session:
        pks = session.scalars(select(ContentVersionRow.pk)).all()
        assert sum(drainage.record_edges_for_version(session, pk) for pk in pks) == 0
        assert len(drainage.list_accounts_for_target(session, "qr_payload", GROUP)) == 3


def test_api_answers_the_three_questions(settings, runtime, demo):
    client = TestClient(create_app(settings, runtime), raise_server_exceptions=False)
    with transaction(runtime.sessions) as session:
        _key, secret = create_api_key(session, "t", ("contents:read",), actor="test")
    headers = {"Authorization": f"Bearer {secret}"}
    r = client.get(f"/v1/graph/targets/qr_payload/{GROUP}/accounts", headers=headers)
    assert r.status_code == 200
    assert [i["account_id"] for i in r.json()["items"]] == list(SHARING)
    r = client.get("/v1/graph/accounts/acct-c/targets", params={"kind": "qr_payload"}, headers=headers)
    assert [i["value"] for i in r.json()["items"]] == [GROUP]
    r = client.get("/v1/graph/shared-targets", params={"min_accounts": 2}, headers=headers)
    assert r.json()["items"][0]["accounts"] == list(SHARING)
    r = client.get("/v1/graph/targets/nonsense/x/accounts", headers=headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_target"


def test_cli_answers_the_three_questions(database_url, demo):
    runner = CliRunner()
    env = {"QINGLANG_DATABASE__URL": database_url}

    def run(*args):
        result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    assert [r["account_id"] for r in run("graph", "accounts-for", f"qr_payload:{GROUP}", "--json")] == list(SHARING)
    assert GROUP in [r["value"] for r in run("graph", "targets-for", "acct-a", "--json")]
    assert run("graph", "shared", "--min-accounts", "3", "--json")[0]["value"] == GROUP
    bad = runner.invoke(cli, ["graph", "accounts-for", "no-kind-here"], env=env)
    assert bad.exit_code != 0 and "KIND:VALUE" in bad.output


def test_blacklisted_group_target_blocks_every_content_pointing_at_it(runtime, demo):
    with transaction(runtime.sessions) as session:
        lists.add_entry(session, lists.NewListEntry("block", "qr_payload", GROUP, "引流群"), actor="test")
    runtime.screening.invalidate()
    image = _data_uri(poster(GROUP, seed=42, angle=-12))
    record = _submit(runtime, "c-new", "acct-clean", (image,), "风景照片分享")
    assert record["decision"]["verdict"] == "block"
    assert record["decision"]["category"] == "illicit_ad"
