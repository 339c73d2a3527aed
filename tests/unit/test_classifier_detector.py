import json

import pytest
from click.testing import CliRunner

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.classifier.detector import ClassifierDetector
from qinglang.detectors.registry import create_detector
from qinglang.domain import ContentItem

CLEAN = (
    "话说那日天气晴好，众人在园中赏花饮酒，说些家常闲话。宝玉便叫丫鬟取了纸笔来，要大家联句作诗。"
    "黛玉笑道：“今日这样好景致，不作诗倒可惜了。”众人都说有理，便各自构思起来。"
)
VULGAR = "约炮约炮，小姐姐上门服务，可以调教小母狗，看全套裸照视频加我。"


@pytest.fixture(scope="module")
def detector():
    det = create_detector("classifier")
    det.ensure_loaded()
    return det


def _content(text, title=""):
    return PreparedContent(ContentItem(id="x", title=title, text=text), {"title": title, "text": text})


def test_registry_builds_the_classifier_detector(detector):
    assert isinstance(detector, ClassifierDetector)
    assert detector.name == "classifier"


def test_clean_classical_paragraph_gives_only_the_clean_context_signal(detector):
    signals = detector.detect(_content(CLEAN))
    assert [s.label for s in signals] == ["context/clean"]
    assert signals[0].score >= 0.9 and signals[0].attrs["chars"] == len(CLEAN)


def test_short_items_get_no_context_signal(detector):
    assert all(s.label != "context/clean" for s in detector.detect(_content("今天天气不错")))


def test_vulgar_paragraph_buried_in_a_clean_chapter_is_found_with_its_span(detector):
    chapter = CLEAN * 8 + VULGAR + CLEAN * 8
    signals = {s.label: s for s in detector.detect(_content(chapter))}
    window = signals["window/porn"]  # one sentence window: the paragraph windows around it read it diluted
    document = signals["porn"].score if "porn" in signals else 0.0  # what two overlapping windows agree on
    assert window.score >= 0.8 and window.score > document
    top = window.evidence[0]
    assert top.kind == "text_span" and top.field == "text"
    assert top.start <= chapter.index(VULGAR) < top.end
    assert top.text == chapter[top.start : top.end]
    assert top.detail["window_score"] == pytest.approx(window.score, abs=1e-3)


def test_a_vulgar_paragraph_of_its_own_is_agreed_on_by_its_windows(detector):
    paragraph = "\n".join([CLEAN * 3, VULGAR * 5, CLEAN * 3])  # several sentences: paragraph and sentence windows
    signals = {s.label: s for s in detector.detect(_content(paragraph))}
    assert signals["porn"].score >= 0.8
    assert "window/porn" not in signals or signals["window/porn"].score > signals["porn"].score


def test_a_text_scored_whole_has_no_window_signal(detector):
    labels = [s.label for s in detector.detect(_content(VULGAR))]
    assert "porn" in labels and not any(label.startswith("window/") for label in labels)


def test_signal_attrs_carry_all_six_scores(detector):
    signals = detector.detect(_content("百家乐线上娱乐，首充送彩金，日出千万"))
    assert signals and signals[0].label == "gambling"
    scores = signals[0].attrs["scores"]
    assert set(scores) == {"porn", "illicit_ad", "gambling", "fraud", "abuse", "none"}
    assert all(0.0 <= v <= 1.0 for v in scores.values())


def test_floor_config_suppresses_weak_signals():
    det = ClassifierDetector({"floor": 1.01})
    assert det.detect(_content(VULGAR)) == []


def test_empty_content_gives_no_signal(detector):
    assert detector.detect(_content("   ")) == []


def test_model_eval_command_reports_macro_f1(tmp_path):
    from qinglang.cli.main import cli

    data = tmp_path / "labelled.jsonl"
    rows = [{"id": "1", "text": CLEAN, "label": "none"}, {"文本": VULGAR, "标签": "低俗色情"}]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["model", "eval", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["total"] == 2 and 0.0 <= report["macro_f1"] <= 1.0


def test_model_eval_command_names_a_bad_label(tmp_path):
    from qinglang.cli.main import cli

    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "x", "label": "spam"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["model", "eval", "--data", str(data)])
    assert result.exit_code == 1 and "unknown_label" in result.output
