"""``text_fingerprint`` list entries match near-duplicates at screening, through the similarity index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qinglang.domain import ContentItem, ListKind
from qinglang.errors import InvalidInput
from qinglang.pipeline import RegisterEntry, RegisterSnapshot, prepare
from qinglang.pipeline.register import TEXT_FINGERPRINT_MAX, TEXT_FINGERPRINT_MIN_WORDING
from qinglang.services.lists import NewListEntry, _parse_new

PASSAGES = json.loads((Path(__file__).parent / "data" / "similarity_passages.json").read_text("utf-8"))["passages"]
TEASER = PASSAGES[2][40:340]


def entry(value: str, list_name: str = "block", n: int = 1) -> RegisterEntry:
    return RegisterEntry(id=f"{list_name}-{n}", kind=ListKind.TEXT_FINGERPRINT, value=value, list=list_name,
                         reason="confirmed case #12")


def match(snapshot: RegisterSnapshot, item: ContentItem):
    return [s for s in snapshot.match(prepare(item), []) if s.label == "blocked/text_fingerprint"]


def test_a_chapter_containing_a_listed_passage_is_blocked_with_its_scores():
    snap = RegisterSnapshot.from_entries([entry(TEASER)])
    (signal,) = match(snap, ContentItem("c", title="第三回", text=PASSAGES[2]))
    assert signal.detector == "register" and signal.severity == 3
    assert signal.attrs["containment"] == 1.0 and 0 < signal.attrs["similarity"] < 1
    ev = signal.evidence[0]
    assert ev.kind == "list_entry" and ev.field == "text"
    assert ev.detail["entry_id"] == "block-1" and ev.detail["reason"] == "confirmed case #12"


def test_re_punctuated_traditional_copies_match_and_strangers_do_not():
    snap = RegisterSnapshot.from_entries([entry(TEASER)])
    copy = TEASER.replace("，", " ").replace("。", "！").replace("说", "說").replace("里", "裡")
    assert match(snap, ContentItem("c", text=copy))
    assert match(snap, ContentItem("c", html=f"<p>{copy}</p>"))
    assert match(snap, ContentItem("c", title=copy))  # no body: the title is what is fingerprinted
    assert match(snap, ContentItem("c", text=PASSAGES[0])) == []
    assert match(snap, ContentItem("c", text="")) == []


def test_an_allow_listed_passage_suppresses_the_match():
    snap = RegisterSnapshot.from_entries([entry(TEASER), entry(PASSAGES[2][:700], "allow", 2)])
    assert match(snap, ContentItem("c", text=PASSAGES[2])) == []


def test_each_listed_passage_is_its_own_signal():
    snap = RegisterSnapshot.from_entries([entry(TEASER, n=1), entry(PASSAGES[2][300:600], n=2),
                                          entry(PASSAGES[1][:300], n=3)])
    found = match(snap, ContentItem("c", text=PASSAGES[2]))
    assert sorted(s.attrs["entry_id"] for s in found) == ["block-1", "block-2"]


def test_default_policy_blocks_a_listed_passage():
    from qinglang.pipeline import Screener
    from qinglang.policy.loader import default_policy

    screener = Screener([], default_policy())
    register = RegisterSnapshot.from_entries([entry(TEASER)])
    assert screener.screen(ContentItem("c", text=PASSAGES[2]), register=register).decision.verdict.value == "block"
    assert screener.screen(ContentItem("c", text=PASSAGES[0]), register=register).decision.verdict.value == "pass"


@pytest.mark.parametrize("value", ["短短一句话", "x" * (TEXT_FINGERPRINT_MAX + 1), "，。！" * 30])
def test_list_refuses_passages_too_short_or_too_long(value):
    with pytest.raises(InvalidInput) as err:
        _parse_new(NewListEntry(list="block", kind="text_fingerprint", value=value))
    assert err.value.code == "invalid_list_value"


def test_list_accepts_a_passage_of_the_minimum_wording():
    value = PASSAGES[0].replace("\n", "")[:TEXT_FINGERPRINT_MIN_WORDING + 10]
    assert _parse_new(NewListEntry(list="block", kind="text_fingerprint", value=value))[1] == ListKind.TEXT_FINGERPRINT
