"""The screener: preparation, wrapped detectors, the register stage, shadow policies and the batch contract."""

from __future__ import annotations

from typing import ClassVar

import pytest

from qinglang.config import ScreeningSettings
from qinglang.detectors.base import Detector, PreparedContent
from qinglang.domain import Category, ContentItem, Evidence, ImageRef, ListKind, Signal, Verdict
from qinglang.errors import ConfigError
from qinglang.pipeline import RegisterEntry, RegisterSnapshot, Screener, prepare, screen_line, to_contract
from qinglang.pipeline.contract import dumps_line
from qinglang.policy import default_policy, parse_policy


class FakeContacts(Detector):
    """Finds the handle 'abc123' and the lure '看全集' like the real contacts detector would."""

    name: ClassVar[str] = "contacts"
    version: ClassVar[str] = "test"

    def detect(self, content: PreparedContent) -> list[Signal]:
        text, out = content.fields["text"], []
        if (i := text.find("abc123")) >= 0:
            ev = Evidence("contact", "text", i, i + 6, "abc123")
            attrs = {"target_kind": "contact", "target": "abc123", "handle_kind": "wechat_id", "value": "abc123"}
            out.append(Signal("contacts", "drainage/wechat_id", 0.9, (ev,), 2, attrs))
        if (i := text.find("看全集")) >= 0:
            out.append(Signal("contacts", "drainage/lure", 0.7, (Evidence("text_span", "text", i, i + 3, "看全集"),)))
        return out


class FakeQr(Detector):
    name: ClassVar[str] = "qr"
    version: ClassVar[str] = "test"

    def detect(self, content: PreparedContent) -> list[Signal]:
        return [Signal("qr", "qr/wechat_group", 0.95, (Evidence("qr_code", detail={"image": ref.ref}),), 2,
                       {"payload": "https://weixin.qq.com/g/x", "kind": "wechat_group",
                        "target_kind": "qr_payload", "target": "https://weixin.qq.com/g/x"})
                for ref in content.item.images]


class Exploding(Detector):
    name: ClassVar[str] = "classifier"
    version: ClassVar[str] = "test"

    def detect(self, content: PreparedContent) -> list[Signal]:
        raise RuntimeError("model file missing")


class BadOutput(Detector):
    name: ClassVar[str] = "links"
    version: ClassVar[str] = "test"

    def detect(self, content: PreparedContent) -> list[Signal]:
        return ["not a signal"]  # type: ignore[list-item]


def screener(*detectors: Detector, shadow=None) -> Screener:
    return Screener(list(detectors), default_policy(), shadow=shadow)


def test_prepare_extracts_visible_text_from_html_only_items():
    item = ContentItem("c", title="T", html="<html><head><style>p{}</style></head><body><p>第一段&amp;</p>"
                                            "<script>var x</script><div>第二段<img alt='二维码'></div></body></html>")
    assert prepare(item).fields == {"title": "T", "text": "第一段&\n第二段二维码"}
    assert prepare(ContentItem("c", text="plain", html="<p>ignored</p>")).fields["text"] == "plain"


def test_handle_with_lure_is_blocked_as_drainage_with_contract_contacts():
    result = screener(FakeContacts()).screen(ContentItem("a", text="加我薇 信 abc123 看全集"))
    out = to_contract("a", result)
    assert (out["verdict"], out["category"]) == ("block", "illicit_ad")
    assert out["labels"][0]["label"] == "illicit_ad/drainage"
    assert out["contacts"][0]["target"] == "abc123" and out["contacts"][0]["evidence"][0]["start"] == 6
    assert set(out) == {"id", "verdict", "category", "scores", "labels", "qr_codes", "contacts", "links"}


def test_exception_in_a_detector_is_recorded_as_failed_and_reviewed():
    result = screener(FakeContacts(), Exploding()).screen(ContentItem("a", text="clean text"))
    failed = [o for o in result.decision.outcomes if o.status == "failed"]
    assert [o.detector for o in failed] == ["classifier"] and "model file missing" in failed[0].error
    assert result.decision.verdict == Verdict.REVIEW


def test_malformed_detector_output_counts_as_a_failure():
    result = screener(BadOutput()).screen(ContentItem("a", text="x"))
    assert result.decision.outcomes[0].status == "failed" and result.decision.verdict != Verdict.PASS


def test_register_blocks_blacklisted_qr_target_and_lists_qr_codes():
    register = RegisterSnapshot.from_entries([RegisterEntry("e1", ListKind.DOMAIN, "weixin.qq.com", "block", "群")])
    item = ContentItem("q", text="hello", images=(ImageRef("img.png"),))
    result = screener(FakeQr()).screen(item, register=register)
    out = to_contract("q", result)
    assert out["verdict"] == "block" and "register-blocked-target-block" in result.decision.rules
    assert out["qr_codes"][0]["kind"] == "wechat_group" and out["qr_codes"][0]["evidence"][0]["kind"] == "qr_code"


def test_allow_listed_contact_is_not_reviewed():
    register = RegisterSnapshot.from_entries([RegisterEntry("e2", ListKind.CONTACT, "abc123", "allow", "客服")])
    plain = screener(FakeContacts()).screen(ContentItem("a", text="客服微信 abc123"))
    allowed = screener(FakeContacts()).screen(ContentItem("a", text="客服微信 abc123"), register=register)
    assert plain.decision.verdict == Verdict.REVIEW
    assert allowed.decision.verdict == Verdict.PASS and to_contract("a", allowed)["contacts"] == []


def test_shadow_policy_decides_beside_the_live_one():
    strict, _ = parse_policy("id: strict\nversion: 9\nrules:\n  - id: any-handle-block\n"
                             "    when: {signal: contacts.drainage}\n    then: {verdict: block, category: illicit_ad}\n")
    result = screener(FakeContacts(), shadow=strict).screen(ContentItem("a", text="微信 abc123"))
    assert result.decision.verdict == Verdict.REVIEW and result.decision.policy_id == "qinglang-default"
    assert result.shadow.verdict == Verdict.BLOCK and result.shadow.policy_version == "9"


def test_clean_text_passes_with_category_none():
    result = screener(FakeContacts(), FakeQr()).screen(ContentItem("w", text="北京是中华人民共和国的首都。"))
    assert (result.decision.verdict, result.decision.category) == (Verdict.PASS, Category.NONE)


def test_screen_line_reports_each_kind_of_bad_line():
    s = screener(FakeContacts())
    cases = {
        b"\xff\xfe{}": (None, "invalid_utf8"),
        b"{not json": (None, "invalid_json"),
        b"[1, 2]": (None, "not_an_object"),
        b'{"id": "x", "body": "?"}': ("x", "unknown_field"),
        b'{"id": "x", "text": 5}': ("x", "wrong_type"),
        b'{"id": 7, "links": ["ok", 3]}': (7, "wrong_type"),
        b'{"text": "no id"}': (None, "missing_id"),
        b'{"id": ["x"]}': (None, "wrong_type"),
        b'{"id": "x", "text": "a\\ud800b"}': ("x", "invalid_text"),
        b'{"id": "x", "links": ["http://a.cn/\\udfff"]}': ("x", "invalid_text"),
        b'{"id": "\\ud800", "title": "t"}': (None, "invalid_text"),
        b'{"id": "x", "text": "\\ud83d\\ude00 ok"}': ("x", None),  # a pair is one character: screened
    }
    for raw, (item_id, code) in cases.items():
        out = screen_line(s, raw)
        if code is None:
            assert out["id"] == item_id and "verdict" in out, (raw, out)
            continue
        assert out["id"] == item_id and out["error"].startswith(f"{code}: "), (raw, out)
        dumps_line(out)  # every error line can be written out


def test_screener_from_settings_rejects_unknown_detector():
    with pytest.raises(ConfigError) as err:
        Screener.from_settings(ScreeningSettings(detectors=["no_such_detector"]))
    assert err.value.code == "unknown_detector"


def test_screener_from_settings_with_no_detectors_uses_default_policy():
    s = Screener.from_settings(ScreeningSettings(detectors=[]))
    assert s.policy.id == "qinglang-default" and s.shadow is None


def test_screener_from_settings_loads_the_shadow_policy(tmp_path):
    shadow = tmp_path / "candidate.yaml"
    shadow.write_text("id: candidate\nversion: 2\nrules: []\n", "utf-8")
    s = Screener.from_settings(ScreeningSettings(detectors=[], shadow_policy_path=shadow))
    result = s.screen(ContentItem("a", text="x"))
    assert result.shadow is not None and (result.shadow.policy_id, result.shadow.policy_version) == ("candidate", "2")


def test_screen_line_accepts_a_byte_order_mark_and_crlf():
    out = screen_line(screener(FakeContacts()), '\ufeff{"id": "x", "text": "微信 abc123"}\r\n'.encode())
    assert out["id"] == "x" and out["verdict"] == "review"


def test_disabled_detector_is_skipped_not_failed():
    result = screener(FakeContacts({"enabled": False})).screen(ContentItem("a", text="微信 abc123"))
    assert result.decision.outcomes[0].status == "skipped" and result.decision.verdict == Verdict.PASS
