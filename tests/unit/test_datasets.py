import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglang.errors import InvalidInput
from qinglang.evaluation.datasets import (
    is_dev,
    load_chineseharm,
    load_cold,
    load_labelled,
    load_novels,
    normalise_label,
    split_examples,
)


@given(st.text())
def test_is_dev_follows_the_shared_sha256_rule(text):
    assert is_dev(text) == (int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 5 == 0)


def test_dev_split_is_about_one_fifth():
    texts = [f"样本{i}" for i in range(5000)]
    share = sum(is_dev(t) for t in texts) / len(texts)
    assert 0.17 < share < 0.23


def test_split_examples_partitions_without_overlap():
    examples = [(f"文本{i}", "none") for i in range(200)]
    dev, train = split_examples(examples, dev=True), split_examples(examples, dev=False)
    assert len(dev) + len(train) == 200
    assert not {t for t, _ in dev} & {t for t, _ in train}


def test_chineseharm_labels_map_to_categories(tmp_path):
    path = tmp_path / "h.json"
    rows = [{"文本": "a", "标签": "低俗色情"}, {"文本": "b", "标签": "黑产广告"}, {"文本": "c", "标签": "不违规"}]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    assert list(load_chineseharm(path)) == [("a", "porn"), ("b", "illicit_ad"), ("c", "none")]


def test_cold_offensive_rows_are_skipped_unless_mapped(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("\ufeff,split,topic,label,TEXT\n1,train,gender,0,女生身材好\n2,train,race,1,某族人都坏\n", "utf-8")
    assert list(load_cold(path)) == [("女生身材好", "none")]
    assert list(load_cold(path, offensive_as="abuse"))[1] == ("某族人都坏", "abuse")
    assert list(load_cold(path, topics={"race"})) == []


def test_labelled_loader_reads_batch_jsonl_and_chinese_format(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_text(
        '{"id": "1", "text": "正文", "label": "porn/vulgar"}\n\n{"文本": "你好", "标签": "不违规"}\n'
        '{"id": "3", "title": "标题", "text": "内容", "category": "gambling"}\n',
        encoding="utf-8",
    )
    assert list(load_labelled(path)) == [("正文", "porn"), ("你好", "none"), ("标题\n内容", "gambling")]


def test_labelled_loader_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "label": "none"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="bad.jsonl:2"):
        list(load_labelled(path))


def test_unknown_label_is_an_actionable_error():
    with pytest.raises(InvalidInput) as info:
        normalise_label("spam")
    assert info.value.code == "unknown_label"
    assert "低俗色情" in info.value.message


def test_novel_loader_drops_chapter_headings_and_short_lines(tmp_path):
    (tmp_path / "n.txt").write_text(
        "第一回 开篇\r\n\r\n  短句。\r\n" + "话说天下大势，分久必合，合久必分。周末七国分争。\r\n", "utf-8"
    )
    assert [t for t, _ in load_novels(tmp_path)] == ["话说天下大势，分久必合，合久必分。周末七国分争。"]
