"""Content quality: bait titles, drainage and ad density, length and structure, the score and the excellent list,
on hand-made items (and once with the real contacts, lexicon and links detectors, to pin the signal shapes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglang.detectors.contacts.detector import ContactsDetector
from qinglang.detectors.lexicon.detector import LexiconDetector
from qinglang.detectors.links.detector import LinksDetector
from qinglang.domain import ContentItem, Evidence, ImageRef, Signal, Verdict
from qinglang.errors import ConfigError
from qinglang.grading.bait import assess_title, parse_phrases
from qinglang.grading.excellent import LeftOutWork, QualitySummary, WorkCandidate, rank_excellent
from qinglang.grading.promotion import measure_promotion
from qinglang.grading.quality import QualityBand, QualityFlag, assess_quality, with_originality
from qinglang.grading.shape import measure_shape
from qinglang.pipeline.prepare import prepare

PARAGRAPH = "清朗行动要求平台加强内容审核，建立健全账号分级管理制度，对优质内容给予更多展示机会。" * 3  # 126 chars
ARTICLE = "\n".join(f"一、第{i}部分\n{PARAGRAPH}\n{PARAGRAPH}" for i in range(1, 5))  # ~1,000 chars, 4 headings


def item(title="清朗行动推进账号分级管理", text=ARTICLE, **kw) -> ContentItem:
    return ContentItem(id=kw.pop("id", "c1"), title=title, text=text, **kw)


def signal(detector, label, field="text", attrs=None, occurrences=1) -> Signal:
    evidence = tuple(Evidence("text_span", field, 0, 2, "xx") for _ in range(occurrences))
    return Signal(detector, label, 0.9, evidence, 2, attrs or {})


# --- bait titles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["震惊！她竟然做出这种事……", "删 前 速 看！", "男人都懂的深夜福利", "99%的人都不知道的秘密",
                                   "这个结局亮了🔥🔥", "真相竟然是这样"])
def test_bait_titles_are_flagged(title):
    assert assess_title(title).flagged


@pytest.mark.parametrize("title", ["国务院发布关于加强网络内容治理的通知", "三起老鼠仓震惊基金界", "突发暴雨致多地停课",
                                   "刘翔养伤千万别墅曝光", "为什么要睡午觉？", "揭秘：火箭是怎样升空的"])
def test_honest_titles_are_not(title):
    assert not assess_title(title).flagged


def test_bait_hits_are_spans_of_the_original_title():
    title = "震～惊！！ 她竟然……"
    result = assess_title(title)
    kinds = {h.kind: h for h in result.hits}
    assert set(kinds) == {"phrase", "punctuation", "ellipsis"}
    for hit in result.hits:
        assert title[hit.start:hit.end] == hit.text
    assert kinds["punctuation"].text == "！！" and result.reasons[0].code == "bait_phrase"


def test_a_vulgar_title_over_a_clean_body_is_a_vulgar_teaser():
    title = "少妇的秘密"
    vulgar_title = [Signal("lexicon", "porn/vulgar", 0.55, (Evidence("text_span", "title", 0, 2, "少妇"),), 2)]
    result = assess_title(title, body_chars=1200, signals=vulgar_title)
    assert result.flagged and result.hits[-1].kind == "vulgar_teaser" and result.hits[-1].text == "少妇"
    vulgar_body = vulgar_title + [Signal("lexicon", "porn/vulgar", 0.55, tuple(
        Evidence("text_span", "text", i, i + 2, "少妇") for i in range(0, 20, 2)), 2)]
    assert not assess_title(title, body_chars=1200, signals=vulgar_body).flagged  # harm, not bait
    assert not assess_title(title, body_chars=10, signals=vulgar_title).flagged  # no body to judge against


def test_phrase_file_errors_name_the_line():
    with pytest.raises(ConfigError) as err:
        parse_phrases("phrase\tweight\tkind\tnote\n震惊\t2\tphrase\n速看\t5\tphrase\n", "p.tsv")
    assert err.value.details == {"file": "p.tsv", "line": 3} and "weight must be 1 or 2" in err.value.message
    with pytest.raises(ConfigError, match="p.tsv:2: not a valid regular expression"):
        parse_phrases("phrase\tweight\tkind\n([\t2\tregex\n", "p.tsv")


@given(st.text(max_size=60))
def test_any_title_gets_an_assessment_whose_spans_point_into_it(title):
    for hit in assess_title(title).hits:
        assert 0 <= hit.start <= hit.end <= len(title) and title[hit.start:hit.end] == hit.text


# --- promotion, shape ------------------------------------------------------------------------------------


def test_drainage_and_ads_are_counted_per_thousand_characters_with_a_floor():
    signals = [signal("contacts", "drainage/wechat_id", attrs={"target": "wechat:abc"}, occurrences=2),
               signal("contacts", "drainage/lure", attrs={"lures": ["阅读原文", "加我"]}),
               signal("qr", "qr/wechat_group", attrs={"target": "https://weixin.qq.com/g/x"}),
               signal("qr", "qr/url", attrs={"target": "https://shop.example"}),
               signal("links", "link/url"), signal("links", "link/domain"), signal("links", "link/read_original"),
               signal("lexicon", "porn/vulgar")]
    promo = measure_promotion(signals, 2000)
    assert promo.drainage == 2 + 1 + 1 + 0.5 and promo.ads == 2
    assert promo.per_thousand_drainage == 2.25 and promo.per_thousand_ads == 1.0
    assert measure_promotion(signals[:1], 40).per_thousand_drainage == 4.0  # 2 hits over the 500-character floor
    assert promo.examples[0] == "wechat:abc"


def test_lexicon_terms_of_severity_1_do_not_count_as_drainage():
    weak = Signal("lexicon", "illicit_ad/drainage", 0.3, (Evidence("text_span", "text", 0, 2, "兼职",
                                                                    {"severity": 1}),), 1)
    strong = Signal("lexicon", "illicit_ad/drainage", 0.8, (Evidence("text_span", "text", 5, 9, "加我微信",
                                                                      {"severity": 3}),), 3)
    assert measure_promotion([weak], 1000).drainage == 0
    assert measure_promotion([weak, strong], 1000).drainage == 1 and measure_promotion([strong], 1000).examples == (
        "加我微信",)


def test_shape_from_text_and_from_html():
    shape = measure_shape(item())
    assert (shape.paragraphs, shape.headings) == (8, 4)
    html = "<h2>一、背景</h2><p>" + PARAGRAPH + "</p><p>" + PARAGRAPH + "</p><img src='a.png'><p>短</p>"
    shape = measure_shape(ContentItem(id="h", html=html, images=(ImageRef("a.png"),)))
    assert (shape.paragraphs, shape.headings, shape.images) == (3, 1, 1)
    assert shape.chars == 2 * len(PARAGRAPH) + len("一、背景") + 1


# --- the assessment ----------------------------------------------------------------------------------------


def test_an_original_well_structured_article_is_excellent():
    result = assess_quality(item(), originality=0.96)
    assert result.band is QualityBand.EXCELLENT and result.flags == frozenset() and result.score >= 90
    assert [c.key for c in result.components] == ["originality", "substance", "structure"]
    assert result.score == round(sum(c.points for c in result.components), 1)


def test_unknown_originality_is_left_out_and_said():
    result = assess_quality(item())
    assert result.components[0].points == 0 and result.components[0].reason.code == "quality_originality_unknown"
    assert result.score == 100.0


def test_each_problem_lowers_the_score_and_raises_its_flag():
    clean = assess_quality(item(), originality=0.9).score
    cases = {
        QualityFlag.BAIT_TITLE: (assess_quality(item(title="震惊！删前速看"), originality=0.9), "quality_bait_title"),
        QualityFlag.DRAINAGE: (assess_quality(item(), [signal("contacts", "drainage/wechat_id")], originality=0.9),
                               "quality_drainage"),
        QualityFlag.ADS: (assess_quality(item(), [signal("links", "link/url")] * 4, originality=0.9), "quality_ads"),
        QualityFlag.DUPLICATE: (assess_quality(item(), originality=0.2, duplicate_of="c-77"), "quality_duplicate"),
        QualityFlag.THIN: (assess_quality(item(text="很短的一段话。"), originality=0.9), "quality_thin"),
        QualityFlag.WALL_OF_TEXT: (assess_quality(item(text=PARAGRAPH * 20), originality=0.9), "quality_wall_of_text"),
    }
    for flag, (result, code) in cases.items():
        assert flag in result.flags and result.score < clean, flag
        assert code in [r.code for r in result.reasons], flag
    assert "c-77" in cases[QualityFlag.DUPLICATE][0].reasons[0].zh


def test_originality_outside_0_and_1_is_refused():
    with pytest.raises(ValueError, match="originality"):
        assess_quality(item(), originality=1.5)


def test_the_real_detectors_signals_feed_the_assessment():
    content = item(title="少妇的深夜秘密", text=ARTICLE + "\n加薇信 abc12345 了解更多，点击阅读原文。",
                   original_link="https://t.cn/abc", links=("https://shop.example.com/x",))
    detectors = [ContactsDetector(), LexiconDetector(), LinksDetector()]
    signals = [s for d in detectors for s in d.detect(prepare(content))]
    result = assess_quality(content, signals, originality=0.9)
    assert {QualityFlag.BAIT_TITLE, QualityFlag.DRAINAGE} <= result.flags
    assert result.bait.hits[-1].kind == "vulgar_teaser"
    assert "wechat:abc12345" in result.promotion.examples and result.promotion.ads == 1


# --- excellent works ---------------------------------------------------------------------------------------

START, END = datetime(2025, 5, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)


def candidate(cid, account="a1", *, originality=0.95, title="清朗行动推进账号分级管理", verdict=Verdict.PASS,
              day=5, text=ARTICLE):
    quality = assess_quality(item(id=cid, title=title, text=text), originality=originality)
    return WorkCandidate(cid, account, START + timedelta(days=day), verdict, quality)


def test_the_excellent_list_ranks_eligible_works_and_counts_the_rest():
    works = [candidate("best", originality=1.0), candidate("second", "a2", originality=0.9),
             candidate("bait", title="震惊！删前速看"), candidate("copied", originality=0.3),
             candidate("unmeasured", originality=None), candidate("review", verdict=Verdict.REVIEW),
             candidate("old", day=-3), candidate("short", text=PARAGRAPH)]
    result = rank_excellent(works, start=START, end=END)
    assert [w.content_id for w in result.works] == ["best", "second"]
    assert result.works[0].rank == 1 and result.works[0].reasons[0].code == "excellent_work"
    assert result.left_out == {"flagged": 1, "duplicate": 1, "originality_unknown": 1, "not_passed": 1,
                               "out_of_period": 1, "below_score": 1}
    assert {w.content_id: w.reason for w in result.left_out_works} == {
        "bait": "flagged", "copied": "duplicate", "unmeasured": "originality_unknown", "review": "not_passed",
        "short": "below_score"}


def test_a_copy_left_out_names_the_work_it_copies():
    copied = assess_quality(item(id="copy"), originality=0.0, duplicate_of="orig-1")
    summary = QualitySummary(copied.score, copied.band, copied.flags, copied.originality, copied.components,
                             duplicate_of="orig-1")
    works = [candidate("orig-1", "a1", originality=1.0), WorkCandidate("copy", "a2", START, Verdict.PASS, summary)]
    result = rank_excellent(works, start=START, end=END)
    assert [w.content_id for w in result.works] == ["orig-1"]
    assert result.left_out_works == (LeftOutWork("copy", "a2", "duplicate", "orig-1"),)


@given(st.floats(0.0, 1.0), st.sampled_from(["", "震惊！删前速看"]), st.sampled_from([ARTICLE, PARAGRAPH * 20]))
def test_originality_measured_later_scores_as_if_given_at_once(originality, title, text):
    later = assess_quality(item(title=title, text=text), [signal("links", "link/url")] * 2)
    rescored = with_originality(later.components, later.flags, originality, "c-9")
    at_once = assess_quality(item(title=title, text=text), [signal("links", "link/url")] * 2,
                             originality=originality, duplicate_of="c-9")
    assert (rescored.score, rescored.band, rescored.flags) == (at_once.score, at_once.band, at_once.flags)
    assert [(c.key, c.points, c.reason.code) for c in rescored.components] == [
        (c.key, c.points, c.reason.code) for c in at_once.components]


def test_one_account_cannot_fill_the_list_and_ties_break_by_publication():
    works = [candidate(f"w{i}", "prolific", day=i) for i in range(5)] + [candidate("other", "a2", day=9)]
    result = rank_excellent(works, start=START, end=END, per_account=2)
    assert [w.content_id for w in result.works] == ["w0", "w1", "other"]
    assert result.left_out == {"account_limit": 3}
