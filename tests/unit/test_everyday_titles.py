"""Short everyday titles must pass the default pipeline (data/regression/everyday_titles.txt)."""

from pathlib import Path

import pytest

from qinglang.config import ScreeningSettings
from qinglang.domain import ContentItem
from qinglang.pipeline import Screener

TITLES = Path(__file__).resolve().parents[2] / "data" / "regression" / "everyday_titles.txt"


@pytest.fixture(scope="module")
def screener():
    return Screener.from_settings(ScreeningSettings())


def test_the_regression_set_holds_the_issue_examples():
    titles = [t.strip() for t in TITLES.read_text(encoding="utf-8").splitlines() if t.strip()]
    assert {"春天", "我的妈妈", "好文推荐", "菜谱", "招聘启事", "第123期", "公告"} <= set(titles)
    assert len(titles) >= 300 and len(set(titles)) == len(titles)


def test_every_everyday_title_passes_the_default_pipeline(screener):
    titles = [t.strip() for t in TITLES.read_text(encoding="utf-8").splitlines() if t.strip()]
    flagged = []
    for i, title in enumerate(titles):
        decision = screener.screen(ContentItem(id=str(i), title=title)).decision
        if decision.verdict.value != "pass":
            flagged.append((title, decision.verdict.value, decision.category.value, decision.rules))
    assert flagged == [], f"{len(flagged)} everyday titles were not passed: {flagged[:20]}"
