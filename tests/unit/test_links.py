"""Links: extraction with spans into the original text, canonical form, registrable domains, kinds, and the
links detector's signals (read-the-original, short links, known-bad domains)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.links.detector import LinksDetector
from qinglang.detectors.links.known_bad import builtin_known_bad, match_known_bad
from qinglang.domain import ContentItem
from qinglang.links import (
    LinkKind,
    canonicalize_url,
    classify_url,
    extract_html_links,
    extract_text_links,
    registrable_domain,
)


def _urls(text: str) -> list[str]:
    return [f.url for f in extract_text_links(text)]


def test_bare_scheme_www_and_tld_links_are_found_in_chinese_text():
    text = "详情见https://a.example.com/p?x=1，或访问www.foo.cn，备用站bar.top/x。"
    assert _urls(text) == ["https://a.example.com/p?x=1", "www.foo.cn", "bar.top/x"]


def test_disguised_dots_are_found_and_spans_point_at_the_original_text():
    text = "加我看全集 www点abc123点com 或 evil(dot)top 或 ｗｗｗ．ｆｏｏ．ｃｏｍ"
    found = extract_text_links(text)
    assert [f.url for f in found] == ["www.abc123.com", "evil.top", "www.foo.com"]
    assert all(f.obfuscated for f in found)
    assert [text[f.start : f.end] for f in found] == ["www点abc123点com", "evil(dot)top", "ｗｗｗ．ｆｏｏ．ｃｏｍ"]


def test_titles_with_upper_case_tlds_are_not_links_but_upper_case_com_is():
    assert _urls("《卡拉OK.LIVE！》上映") == []
    assert _urls("加群看 ABC123.COM") == ["ABC123.COM"]


def test_emails_versions_and_file_names_are_not_links():
    assert _urls("邮箱 a@b.com 版本 1.2.3 文件 main.py 价格 3.5元") == []


def test_canonical_form_lowers_host_strips_default_port_fragment_and_tracking():
    url = "HTTPS://Mp.Weixin.QQ.com:443/s?__biz=MzA&utm_source=x&spm=a.b&from=timeline&sn=9#wechat_redirect"
    assert canonicalize_url(url) == "https://mp.weixin.qq.com/s?__biz=MzA&sn=9"


def test_canonical_form_adds_scheme_and_idna_encodes():
    assert canonicalize_url("Bücher.example/x") == "http://xn--bcher-kva.example/x"
    assert canonicalize_url("www.foo.com") == "http://www.foo.com/"


def test_unusable_urls_have_no_canonical_form():
    assert canonicalize_url("javascript:alert(1)") is None
    assert canonicalize_url("http://") is None
    assert canonicalize_url("localhost") is None


@given(
    st.sampled_from(["http", "https", "HTTP"]),
    st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,8}){1,3}", fullmatch=True),
    st.from_regex(r"(/[a-z0-9]{0,6}){0,3}", fullmatch=True),
)
def test_canonicalisation_is_idempotent(scheme, host, path):
    once = canonicalize_url(f"{scheme}://{host}{path}?utm_medium=a&k=v")
    assert once is not None
    assert canonicalize_url(once) == once
    assert "utm_" not in once


@given(st.text(alphabet=st.sampled_from(list("ab.点。com www/:x加我 ")), max_size=60))
def test_every_found_link_has_a_span_inside_the_text(text):
    for found in extract_text_links(text):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start : found.end] == found.raw


def test_registrable_domain_knows_multi_label_suffixes():
    assert registrable_domain("a.b.example.com.cn") == "example.com.cn"
    assert registrable_domain("www.example.com") == "example.com"
    assert registrable_domain("example.com") == "example.com"


def test_short_link_redirect_and_plain_kinds():
    assert classify_url("https://t.cn/A6abc") is LinkKind.SHORT
    assert classify_url("http://dwz.cn/x") is LinkKind.SHORT
    assert classify_url("https://link.zhihu.com/?target=http%3A//x.com") is LinkKind.REDIRECT
    assert classify_url("https://example.org/a") is LinkKind.URL


def test_html_anchors_are_extracted_and_scripts_ignored():
    html = (
        '<p>看<a href="https://x.cn/a">这里</a><a href="javascript:void(0)">no</a></p><script>"http://s.com"</script>'
    )
    assert extract_html_links(html) == ["https://x.cn/a"]


def test_builtin_known_bad_list_is_curated_host_level():
    known = builtin_known_bad()
    assert len(known) > 10_000
    assert "baidu.com" not in known and "qq.com" not in known
    assert all("." in d and d == d.lower() for d in known)
    assert match_known_bad("www.000wyt.com", known) == "000wyt.com"
    assert match_known_bad("3322.org", known) is None  # a dynamic-DNS provider is never blocked whole


def _signals(**fields):
    item = ContentItem(id="c1", **fields)
    detector = LinksDetector()
    return detector.detect(PreparedContent(item, {"title": item.title, "text": item.text}))


def test_read_original_link_gets_its_own_label():
    signals = _signals(text="正文", original_link="https://example.org/a?utm_source=wx")
    read = [s for s in signals if s.label == "link/read_original"]
    assert read and read[0].attrs["target"] == "https://example.org/a"
    assert read[0].attrs["target_kind"] == "url"


def test_short_links_and_obfuscated_links_are_reported_with_spans():
    text = "福利戳 t.cn/A6xyz 备用 www点hao123abc点com"
    signals = _signals(text=text)
    short = next(s for s in signals if s.label == "link/short")
    assert short.attrs["domain"] == "t.cn"
    obfuscated = next(s for s in signals if s.attrs.get("obfuscated"))
    assert obfuscated.severity == 2 and short.severity == 1
    ev = obfuscated.evidence[0]
    assert text[ev.start : ev.end] == "www点hao123abc点com"


def test_known_bad_domain_is_a_severe_signal_with_the_list_entry():
    signals = _signals(text="看片去 www.000wyt.com/v/1", html='<a href="https://t.cn/x">点我</a>')
    bad = [s for s in signals if s.label == "link/known_bad_domain"]
    assert len(bad) == 1
    assert bad[0].attrs == {**bad[0].attrs, "target_kind": "domain", "target": "000wyt.com"}
    assert bad[0].severity == 3
    assert any(s.label == "link/short" and s.attrs["source"] == "html" for s in signals)


def test_domain_signals_name_registrable_domains_for_the_register():
    signals = _signals(text="见 https://a.b.example.com.cn/x")
    domains = [s.attrs["target"] for s in signals if s.label == "link/domain"]
    assert domains == ["example.com.cn"]


def test_clean_text_has_no_link_signals():
    assert _signals(text="今天天气很好，我们去公园散步。版本1.2.3已发布。") == []


def test_addresses_spelled_in_look_alikes_marks_and_spaces_are_found_in_the_original_text():
    """Letters no NFKC folds (🅣🅞🅟), mathematical letters, Tibetan vowel signs hung on each character, and an
    address spelled one character at a time: each is found, marked obfuscated, with its span as written."""
    cases = {
        "复制🔎🅢🅓🅦➑.🅣🅞🅟": ("sdw8.top", "🅢🅓🅦➑.🅣🅞🅟"),
        "大吉大利 𝕙𝕪𝟝𝟜𝕨.𝕩𝕪𝕫 🥰": ("hy54w.xyz", "𝕙𝕪𝟝𝟜𝕨.𝕩𝕪𝕫"),
        "9\u0f7c7\u0f7cd\u0f7c.\u0f7ct\u0f7co\u0f7cp 多多": ("97d.top", "9\u0f7c7\u0f7cd\u0f7c.\u0f7ct\u0f7co\u0f7cp"),
        "路子：w f 7 3 m . t o p 来": ("wf73m.top", "w f 7 3 m . t o p"),
        "绸站150aa。c⭕m": ("150aa.com", "150aa。c⭕m"),
    }
    for text, (url, raw) in cases.items():
        found = extract_text_links(text)
        assert [(f.url, text[f.start : f.end], f.obfuscated) for f in found] == [(url, raw, True)], text


def test_spaced_letters_and_numerals_in_ordinary_text_are_not_links():
    for text in ("I am a b c d e. ok", "A B C D E F", "二〇二〇年。中国", "🇨🇳 中国", "第 1 2 3 4 5 名", "é è ê"):
        assert _urls(text) == [], text


def test_a_link_on_a_gambling_suffix_gets_one_signal_with_every_such_link_as_evidence():
    signals = _signals(text="新台子 abc.top 备用 x.vip/1 官网 example.com")
    tld = [s for s in signals if s.label == "link/gambling_tld"]
    assert len(tld) == 1 and tld[0].attrs["tld"] == "top" and tld[0].attrs["links"] == 2
    assert [ev.text for ev in tld[0].evidence] == ["abc.top", "x.vip/1"]
    assert not [s for s in _signals(text="官网 example.com") if s.label == "link/gambling_tld"]


def test_the_gambling_suffixes_are_configurable():
    detector = LinksDetector({"gambling_tlds": ["bet"]})

    def tld_signals(text):
        signals = detector.detect(PreparedContent(ContentItem(id="c1", text=text), {"text": text}))
        return [s for s in signals if s.label == "link/gambling_tld"]

    assert not tld_signals("看 abc.top")  # a default suffix no longer counts
    [signal] = tld_signals("看 abc.bet")  # the configured one does
    assert signal.evidence[0].text == "abc.bet"
