"""The demo data's benign articles and chapters pass the default pipeline; its violations do not."""

import json
from importlib import resources

import pytest

from qinglang.config import ScreeningSettings
from qinglang.demo_data import BENIGN_CONTENT_IDS
from qinglang.domain import ContentItem
from qinglang.pipeline import Screener

BENIGN = sorted(BENIGN_CONTENT_IDS)
VIOLATING = ("story-0001", "story-0002", "fuli-0001", "fuli-0002")


@pytest.fixture(scope="module")
def verdicts():
    rows = json.loads(resources.files("qinglang.demo_data").joinpath("contents.json").read_text("utf-8"))
    screener = Screener.from_settings(ScreeningSettings())
    out = {}
    for row in rows:
        item = ContentItem(id=row["content_id"], title=row.get("title", ""), text=row.get("text", ""),
                           links=tuple(row.get("links", ())))
        out[row["content_id"]] = screener.screen(item).decision.verdict.value
    return out


def test_no_benign_demo_article_is_queued(verdicts):
    assert {i: verdicts[i] for i in BENIGN if verdicts[i] != "pass"} == {}


def test_every_violating_demo_article_is_flagged(verdicts):
    assert all(verdicts[i] != "pass" for i in VIOLATING)


def test_the_shop_notice_with_a_lone_handle_goes_to_a_reviewer(verdicts):
    assert verdicts["news-0003"] == "review"
