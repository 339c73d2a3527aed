"""Kinds of QR payloads, from the URL they carry (WeChat, WeCom, QQ, mini-programs, live codes, short links)."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

from qinglang.links import canonicalize_url, classify_url
from qinglang.links.classify import LIVE_CODE_DOMAINS, LinkKind, domain_suffixes


class QrKind(StrEnum):
    WECHAT_OFFICIAL_ACCOUNT = "wechat_official_account"
    WECHAT_GROUP = "wechat_group"
    WECOM = "wecom"
    WECHAT_PERSONAL = "wechat_personal"
    MINI_PROGRAM = "mini_program"
    QQ = "qq"
    LIVE_CODE = "live_code"
    SHORT_LINK = "short_link"
    URL = "url"
    OTHER = "other"


# Kinds that lead a reader to a person or a group: the usual end of a drainage funnel.
CONTACT_KINDS = frozenset({QrKind.WECHAT_GROUP, QrKind.WECOM, QrKind.WECHAT_PERSONAL, QrKind.QQ, QrKind.LIVE_CODE})


def canonical_payload(payload: str) -> str:
    """The register key of a payload: the canonical URL when it is one, else the stripped text."""
    text = payload.strip()
    if _looks_like_url(text):
        return canonicalize_url(text) or text
    return text


def _looks_like_url(text: str) -> bool:
    head = text[:12].lower()
    return head.startswith(("http://", "https://")) or (
        " " not in text and "." in text.split("/")[0] and len(text) < 2048
    )


def _wechat_kind(host: str, path: str) -> QrKind | None:
    if host == "work.weixin.qq.com" or host.endswith(".work.weixin.qq.com"):
        return QrKind.WECOM
    if host in ("u.wechat.com", "u.wechat.cn"):
        return QrKind.WECHAT_PERSONAL
    if host == "wxaurl.cn" or host.endswith(".wxaurl.cn") or "/wxa" in path or host == "wxaurl.com":
        return QrKind.MINI_PROGRAM
    if host == "mp.weixin.qq.com":
        return QrKind.WECHAT_OFFICIAL_ACCOUNT
    if host == "weixin.qq.com":
        if path.startswith("/g/"):
            return QrKind.WECHAT_GROUP
        if path.startswith("/r/") or path.startswith("/q/"):
            return QrKind.WECHAT_OFFICIAL_ACCOUNT
    return None


def classify_payload(payload: str) -> QrKind:
    text = payload.strip()
    if not _looks_like_url(text):
        return QrKind.OTHER
    url = canonicalize_url(text)
    if url is None:
        return QrKind.OTHER
    parts = urlsplit(url)
    host, path = parts.hostname or "", parts.path
    kind = _wechat_kind(host, path)
    if kind is not None:
        return kind
    if host in ("qm.qq.com", "qun.qq.com", "jq.qq.com", "wpa.qq.com", "im.qq.com"):
        return QrKind.QQ
    if any(s in LIVE_CODE_DOMAINS for s in domain_suffixes(host)):
        return QrKind.LIVE_CODE
    link_kind = classify_url(url)
    if link_kind is LinkKind.SHORT:
        return QrKind.SHORT_LINK
    return QrKind.URL
