"""Kinds of links: short-link services, redirect services, WeChat/QQ destinations, plain URLs."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

SHORT_LINK_DOMAINS = frozenset(
    {
        "t.cn",
        "url.cn",
        "dwz.cn",
        "suo.im",
        "suo.nz",
        "sohu.gg",
        "mrw.so",
        "u.nu",
        "bit.ly",
        "bitly.com",
        "tinyurl.com",
        "goo.gl",
        "ow.ly",
        "is.gd",
        "v.gd",
        "t.co",
        "rb.gy",
        "cutt.ly",
        "shorturl.at",
        "s.id",
        "tb.cn",
        "m.tb.cn",
        "c.tb.cn",
        "3.cn",
        "u.jd.com",
        "dwz.date",
        "dwz.lc",
        "985.so",
        "sina.lt",
        "kks.me",
        "x.co",
        "buff.ly",
        "lnkd.in",
        "reurl.cc",
        "ppt.cc",
        "b23.tv",
        "xhslink.com",
        "v.douyin.com",
        "kurl.cn",
        "url.cy",
        "tinyurl.cn",
        "w.url.cn",
        "0x3.me",
        "dlj.bz",
        "6du.in",
        "mtw.so",
        "cli.im",
    }
)
# Services that forward to another address given in the URL or configured behind a code ("live codes").
REDIRECT_DOMAINS = frozenset(
    {
        "link.zhihu.com",
        "link.csdn.net",
        "weibo.cn",
        "t.me",
        "l.facebook.com",
        "out.reddit.com",
        "www.google.com",
        "jump.bdimg.com",
        "link.juejin.cn",
    }
)
LIVE_CODE_DOMAINS = frozenset(
    {
        "cli.im",
        "qr.cli.im",
        "caoliao.net",
        "wwei.cn",
        "hm.xiaoe-tech.com",
        "jzhm.cn",
        "wxhm.net",
        "huoma.cn",
        "liantu.com",
        "mh5.cn",
        "qun.la",
        "hmxs.net",
    }
)


class LinkKind(StrEnum):
    SHORT = "short"
    REDIRECT = "redirect"
    LIVE_CODE = "live_code"
    WECHAT = "wechat"
    QQ = "qq"
    URL = "url"


def domain_suffixes(host: str) -> list[str]:
    """``a.b.c.com`` -> ``[a.b.c.com, b.c.com, c.com]`` (never the bare TLD)."""
    labels = host.lower().strip(".").split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def _in(host: str, domains: frozenset[str]) -> bool:
    return any(s in domains for s in domain_suffixes(host))


def classify_url(canonical_url: str) -> LinkKind:
    parts = urlsplit(canonical_url)
    host = parts.hostname or ""
    if _in(host, LIVE_CODE_DOMAINS):
        return LinkKind.LIVE_CODE
    if host in SHORT_LINK_DOMAINS or (_in(host, SHORT_LINK_DOMAINS) and len(parts.path) <= 16):
        return LinkKind.SHORT
    if host in REDIRECT_DOMAINS or any(k in parts.query.lower() for k in ("target=http", "url=http", "redirect=http")):
        return LinkKind.REDIRECT
    if _in(host, frozenset({"weixin.qq.com", "wechat.com", "wxaurl.cn", "weixin110.qq.com"})):
        return LinkKind.WECHAT
    if host in ("qm.qq.com", "qun.qq.com", "jq.qq.com", "wpa.qq.com"):
        return LinkKind.QQ
    return LinkKind.URL
