"""Canonical URLs and registrable domains."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "spm",
        "from",
        "isappinstalled",
        "share_source",
        "share_medium",
        "share_plat",
        "share_from",
        "share_tag",
        "sharer_sharetime",
        "sharer_shareid",
        "clicktime",
        "enterid",
        "ascene",
        "devicetype",
        "version",
        "nettype",
        "lang",
        "fontscale",
        "exportkey",
        "pass_ticket",
        "wx_header",
        "scene",
        "subscene",
        "sessionid",
        "fbclid",
        "gclid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "vd_source",
        "timestamp",
        "unique_k",
        "bd_vid",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}

# Public suffixes with more than one label that matter for Chinese platforms; everything else is one label.
MULTI_LABEL_SUFFIXES = frozenset(
    {
        "com.cn",
        "net.cn",
        "org.cn",
        "gov.cn",
        "edu.cn",
        "ac.cn",
        "mil.cn",
        "ah.cn",
        "bj.cn",
        "gd.cn",
        "sh.cn",
        "zj.cn",
        "js.cn",
        "com.hk",
        "net.hk",
        "org.hk",
        "edu.hk",
        "gov.hk",
        "com.tw",
        "net.tw",
        "org.tw",
        "edu.tw",
        "idv.tw",
        "com.mo",
        "co.uk",
        "org.uk",
        "ac.uk",
        "gov.uk",
        "co.jp",
        "ne.jp",
        "or.jp",
        "ac.jp",
        "co.kr",
        "or.kr",
        "com.au",
        "net.au",
        "org.au",
        "com.sg",
        "com.my",
        "co.in",
        "com.br",
        "co.nz",
        "github.io",
        "gitee.io",
        "vercel.app",
        "netlify.app",
        "pages.dev",
        "blogspot.com",
        "herokuapp.com",
    }
)
_HOST_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")


def _idna(host: str) -> str | None:
    host = host.strip(".").lower()
    if not host:
        return None
    if host.isascii():
        ascii_host = host
    else:
        try:
            import idna

            ascii_host = idna.encode(host, uts46=True).decode("ascii")
        except (UnicodeError, ValueError, ImportError):
            try:
                ascii_host = host.encode("idna").decode("ascii")
            except UnicodeError:
                return None
    labels = ascii_host.split(".")
    if len(labels) < 2 and not ascii_host.replace(":", "").isalnum():
        return None
    if not all(_HOST_LABEL.match(label) for label in labels):
        if not ascii_host.startswith("["):
            return None
    return ascii_host


def canonicalize_url(url: str) -> str | None:
    """Canonical form of a URL, or None when it is not a usable web address.

    Adds ``http://`` when no scheme is given; lower-cases scheme and host; IDNA-encodes the host; drops
    user info, default ports, fragments and tracking parameters (``utm_*``, ``spm``, ``from``, ...).
    """
    url = url.strip().strip("\"'<>")
    if not url:
        return None
    if "://" not in url[:12]:
        url = "http://" + url.lstrip("/")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = _idna(parts.hostname)
    if host is None or "." not in host:
        return None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query, doseq=True, safe="/:,@~*!$'()"), ""))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def host_of(canonical_url: str) -> str:
    return urlsplit(canonical_url).hostname or ""


def registrable_domain(host: str) -> str:
    """The registrable domain ("eTLD+1") of a host: ``a.b.example.com.cn`` -> ``example.com.cn``."""
    labels = host.lower().strip(".").split(".")
    if len(labels) <= 2:
        return ".".join(labels)
    if ".".join(labels[-2:]) in MULTI_LABEL_SUFFIXES:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])
