"""The register stage: block and allow entries matched against accounts, links, signal targets and terms."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qinglang.domain import ContentItem, Evidence, ListKind, Signal
from qinglang.pipeline import RegisterEntry, RegisterSnapshot, prepare
from qinglang.pipeline.register import canonical


def entry(kind: str, value: str, list_name: str = "block", reason: str = "confirmed case") -> RegisterEntry:
    return RegisterEntry(id=f"{list_name}-{kind}-{value}", kind=ListKind(kind), value=value, list=list_name,
                         reason=reason)


def target_signal(kind: str, target: str, detector: str = "contacts") -> Signal:
    return Signal(detector, "drainage/wechat_id", 0.9, (Evidence("contact", "text", 0, 3, target[:3]),), 2,
                  {"target_kind": kind, "target": target})


def match(snapshot: RegisterSnapshot, item: ContentItem, signals=()) -> list[Signal]:
    return snapshot.match(prepare(item), list(signals))


def test_blacklisted_domain_matches_subdomains_and_urls_on_it():
    snap = RegisterSnapshot.from_entries([entry("domain", "Bad.Example")])
    item = ContentItem("c1", text="x", links=("https://www.bad.example/a?b=1", "https://good.example/",
                                              "https://notbad.example/"))
    found = match(snap, item)
    assert [s.label for s in found] == ["blocked/domain"]
    assert found[0].attrs["target"] == "https://www.bad.example/a?b=1"
    ev = found[0].evidence[0]
    assert ev.kind == "list_entry" and ev.detail["entry_id"] == "block-domain-Bad.Example"
    assert ev.detail["reason"] == "confirmed case"


def test_blacklisted_url_matches_ignoring_scheme_and_trailing_slash():
    snap = RegisterSnapshot.from_entries([entry("url", "http://t.example/landing/")])
    assert match(snap, ContentItem("c", original_link="https://T.example/landing"))[0].label == "blocked/url"
    assert match(snap, ContentItem("c", original_link="https://t.example/other")) == []


def test_account_contact_qr_and_image_hash_targets():
    snap = RegisterSnapshot.from_entries(
        [entry("account", "acc-9"), entry("contact", "ABC 123"), entry("qr_payload", "https://u.wechat.com/x"),
         entry("image_hash", "FF00")]
    )
    signals = [target_signal("contact", "abc123"), target_signal("qr_payload", "https://u.wechat.com/x", "qr"),
               target_signal("image_hash", "ff00", "image")]
    labels = sorted(s.label for s in match(snap, ContentItem("c", account_id="acc-9"), signals))
    assert labels == ["blocked/account", "blocked/contact", "blocked/image_hash", "blocked/qr_payload"]


def test_qr_payload_url_on_a_blacklisted_domain_is_blocked():
    snap = RegisterSnapshot.from_entries([entry("domain", "evil.example")])
    found = match(snap, ContentItem("c"), [target_signal("qr_payload", "https://m.evil.example/join", "qr")])
    assert [s.label for s in found] == ["blocked/domain"]


def test_allow_entry_beats_block_entry_and_suppresses_detector_signals():
    snap = RegisterSnapshot.from_entries([entry("domain", "example.com"), entry("domain", "help.example.com", "allow"),
                                          entry("contact", "kefu001", "allow")])
    assert match(snap, ContentItem("c", links=("https://help.example.com/faq",))) == []
    assert match(snap, ContentItem("c", links=("https://shop.example.com/",)))[0].label == "blocked/domain"
    assert snap.allows(target_signal("contact", "KEFU001"))
    assert not snap.allows(target_signal("contact", "other"))


def test_blocked_term_found_through_normalisation_with_span_in_original():
    snap = RegisterSnapshot.from_entries([entry("term", "福利群")])
    text = "今天进 福*利 群 看看"
    found = match(snap, ContentItem("c", text=text))
    ev = found[0].evidence[0]
    assert found[0].label == "blocked/term" and ev.field == "text"
    assert text[ev.start:ev.end] == ev.text and ev.text.startswith("福") and ev.text.endswith("群")


def test_allowed_term_suppresses_signal_whose_every_span_is_that_term():
    snap = RegisterSnapshot.from_entries([entry("term", "胸外科", "allow")])
    hit = Signal("lexicon", "porn/vulgar", 0.6, (Evidence("text_span", "text", 0, 3, "胸外科"),), 1)
    mixed = Signal("lexicon", "porn/vulgar", 0.6, (Evidence("text_span", "text", 0, 3, "胸外科"),
                                                   Evidence("text_span", "text", 5, 7, "裸聊")), 1)
    assert snap.allows(hit) and not snap.allows(mixed)


def test_malformed_links_do_not_break_matching():
    snap = RegisterSnapshot.from_entries([entry("domain", "bad.example")])
    found = match(snap, ContentItem("c", links=("http://[broken", "https://bad.example/x")))
    assert [s.attrs["target"] for s in found] == ["https://bad.example/x"]


def test_empty_register_matches_nothing():
    snap = RegisterSnapshot.from_entries([])
    assert len(snap) == 0 and match(snap, ContentItem("c", text="abc", links=("https://x.example",))) == []


@given(st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8}){1,3}", fullmatch=True), st.from_regex(r"[a-z]{1,6}", fullmatch=True))
def test_a_blocked_domain_blocks_every_subdomain(domain, sub):
    snap = RegisterSnapshot.from_entries([entry("domain", domain)])
    assert snap.find("block", ListKind.DOMAIN, f"{sub}.{domain}") is not None
    assert snap.find("block", ListKind.URL, f"https://{sub}.{domain}/p") is not None
    assert snap.find("block", ListKind.DOMAIN, f"{sub}{domain}") is None  # same suffix, different domain


def test_contact_entry_matches_a_handle_reported_with_its_kind_prefix():
    snap = RegisterSnapshot.from_entries([entry("contact", "ABC123")])
    assert [s.label for s in match(snap, ContentItem("c"), [target_signal("contact", "wechat:abc123")])] == [
        "blocked/contact"
    ]


@given(st.sampled_from([k for k in ListKind]), st.text(max_size=30))
def test_canonical_form_is_stable_when_applied_twice(kind, value):
    once = canonical(kind, value)
    assert canonical(kind, once) == once


def test_image_hash_entry_matches_near_copies_within_the_threshold_only():
    listed = "f" * 64
    near = "0" * 4 + "f" * 60  # 16 bits differ
    far = "0" * 10 + "f" * 54  # 40 bits differ
    snap = RegisterSnapshot.from_entries([entry("image_hash", listed)])
    assert snap.find("block", ListKind.IMAGE_HASH, near).value == listed
    assert snap.find("block", ListKind.IMAGE_HASH, far) is None
    found = match(snap, ContentItem("c", text="x"), [target_signal("image_hash", near, "phash")])
    assert [s.label for s in found] == ["blocked/image_hash"]
