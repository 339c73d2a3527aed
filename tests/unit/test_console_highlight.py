"""The case page's evidence: overlapping lexicon, contact and classifier spans on one article are all shown,
numbered once, and decoded QR payloads are listed from the field the QR detector writes."""

from __future__ import annotations

from qinglang.console.highlight import highlight, qr_targets, segments

TEXT = "今晚福利，加我薇信abc123看全集，尺度很大。"


def _span(detector: str, label: str, piece: str, kind: str = "text_span", **detail) -> dict:
    start = TEXT.index(piece)
    return {"detector": detector, "label": label, "kind": kind, "field": "text", "start": start,
            "end": start + len(piece), "detail": detail, "score": 0.9}


def test_nested_and_crossing_spans_keep_their_own_hits():
    contact = _span("contacts", "drainage/wechat_id", "薇信abc123", kind="contact", handle="abc123")
    lexicon = _span("lexicon", "illicit_ad/drainage", "加我薇信", term="加我薇信")
    window = _span("classifier", "porn", "福利，加我薇信abc123看全集")
    parts, hits = segments(TEXT, [window, contact, lexicon])
    assert [h.kind for h in hits] == ["classifier", "lexicon", "contact"]
    assert {h.text for h in hits} == {"福利，加我薇信abc123看全集", "薇信abc123", "加我薇信"}
    # the piece 薇信 lies inside all three
    inner = next(p for p in parts if p.text == "薇信")
    assert set(inner.kinds) == {"lexicon", "contact", "classifier"} and len(inner.hits) == 3
    assert inner.hit == hits[1].number  # the innermost (shortest) hit first: the lexicon term
    assert "".join(p.text for p in parts) == TEXT


def test_duplicate_spans_of_one_signal_count_once_and_others_stay():
    a = _span("lexicon", "porn/vulgar", "尺度很大")
    parts, hits = segments(TEXT, [a, dict(a), _span("classifier", "porn", "尺度很大")])
    assert len(hits) == 2


def test_spanless_evidence_and_title_hits_are_numbered_after_in_one_list():
    qr = {"detector": "qr", "label": "qr/wechat", "kind": "qr_code", "text": "https://u.wechat.com/abc",
          "detail": {"kind": "wechat", "image": "a.png"}}
    title = {"detector": "lexicon", "label": "porn/bait", "kind": "text_span", "field": "title", "start": 0, "end": 2}
    shown = highlight("福利来了", TEXT, [qr, title, _span("lexicon", "porn/vulgar", "尺度很大")])
    assert [h.number for h in shown.hits] == [1, 2, 3]
    assert [h.field for h in shown.hits] == ["title", "text", ""]
    assert shown.hits[2].kind == "qr" and shown.hits[2].text == "https://u.wechat.com/abc"
    assert qr_targets([qr, dict(qr)]) == ["https://u.wechat.com/abc"]


def test_spans_that_do_not_fit_the_text_are_not_drawn_but_still_listed():
    wrong = {"detector": "lexicon", "label": "porn", "field": "text", "start": 5, "end": 500}
    shown = highlight("", TEXT, [wrong])
    assert all(not p.hits for p in shown.text) and len(shown.hits) == 1 and shown.hits[0].start is None
