"""SSRF-safe fetching of image URLs (used only when fetching is enabled).

A caller who can make the server fetch a URL can try to make it reach what only the server can reach: the
cloud metadata service (169.254.169.254), the database on localhost, the office network. The rules:

1. http and https only, on any port.
2. The host is resolved once per request, and **every** address it resolves to must be public
   (:func:`is_public_address`); one private answer among public ones refuses the URL (a DNS trick).
3. The connection goes to the address that was checked, with the original name in ``Host`` and in TLS SNI:
   there is no second lookup for a rebinding DNS server to answer differently. The check is made at connect
   time for every connection.
4. Redirects are followed up to ``max_redirects`` times; each hop is checked and pinned like the first, so a
   public server cannot bounce the fetch to a private one.
5. A time limit for the whole fetch (not only per read, so a server trickling one byte at a time is cut off)
   and a byte cap enforced while streaming.

The same rules serve the crawler hook of ``qinglang.links``.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

from qinglang.imaging.decode import ImageError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix: the IPv4 address is the last 32 bits
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215 local-use prefix: inside some network only
_DEPRECATED_EMBEDDINGS = (
    ipaddress.ip_network("::/96"),  # IPv4-compatible ::a.b.c.d, deprecated by RFC 4291
    ipaddress.ip_network("::ffff:0:0:0/96"),  # IPv4-translated ::ffff:0:a.b.c.d (RFC 2765, obsolete)
)
_NOT_GLOBAL_V4 = ipaddress.ip_network("192.0.0.0/24")  # IETF protocol assignments; older Pythons call parts global
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

Resolver = Callable[[str, int], list[str]]


def _refuse(url: str, why: str) -> ImageError:
    return ImageError(f"refused to fetch {url}: {why}", code="image_fetch_refused")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries by a transition mechanism: IPv4-mapped (``::ffff:a.b.c.d``),
    IPv4-compatible and -translated, 6to4 (``2002::/16``), NAT64 (``64:ff9b::/96``) and Teredo (``2001::/32``,
    both the server and the client address). Any of them reaches an IPv4 host, so each must be public too."""
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in _NAT64 or any(ip in network for network in _DEPRECATED_EMBEDDINGS):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in found if address is not None]


def _public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv4Address) and ip in _NOT_GLOBAL_V4:
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def is_public_address(address: str) -> bool:
    """True when ``address`` (as ``getaddrinfo`` gives it) is a public unicast address, and so is every IPv4
    address embedded in it. NAT64's local-use prefix and the deprecated IPv4-compatible and -translated forms
    are never public: no image host needs them, and they are how filters that only look at IPv4 get fooled."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv4Address):
        return _public(ip)
    if ip in _NAT64_LOCAL or any(ip in network for network in _DEPRECATED_EMBEDDINGS):
        return False
    embedded = embedded_ipv4(ip)
    if embedded:
        return all(_public(v4) for v4 in embedded)
    return _public(ip)


def system_resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to. Numeric hosts in any spelling the C library accepts (``2130706433``,
    ``0x7f.1``, ``0177.0.0.1``) come back as the address they mean, so they meet the same check."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def resolve_public(url: str, resolve: Resolver | None = None) -> tuple[str, str, int]:
    """Check ``url`` and return ``(host, checked_ip, port)``; raise ``image_fetch_refused`` otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise _refuse(url, "only http and https URLs are fetched")
    host = parts.hostname
    if not host:
        raise _refuse(url, "the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise _refuse(url, "the port is invalid") from exc
    try:
        addresses = (resolve or system_resolve)(host, port)
    except (OSError, UnicodeError) as exc:
        raise _refuse(url, f"the host {host} does not resolve") from exc
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise _refuse(url, f"the host {host} resolves to a private, loopback or reserved address")
    return host, addresses[0], port


def fetch_bytes(
    url: str,
    *,
    max_bytes: int,
    timeout_s: float,
    max_redirects: int = 3,
    resolve: Resolver | None = None,
    transport=None,
) -> bytes:
    """The body of ``url`` under the rules above. ``transport`` (an ``httpx`` transport) is for tests."""
    import httpx

    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=timeout_s, follow_redirects=False, transport=transport) as client:
        for _hop in range(max_redirects + 1):
            body, location = _fetch_once(client, url, resolve, max_bytes, deadline)
            if location is None:
                return body
            url = location
    raise _refuse(url, f"more than {max_redirects} redirects")


def _fetch_once(client, url: str, resolve: Resolver | None, max_bytes: int, deadline: float) -> tuple[bytes, str | None]:
    """One checked, pinned request: ``(body, None)``, or ``(b"", next_url)`` for a redirect."""
    import httpx

    host, ip, port = resolve_public(url, resolve)
    parts = urlsplit(url)
    netloc = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    headers = {"Host": _host_header(host, parts.port)}
    try:
        with client.stream("GET", pinned, headers=headers, extensions=extensions) as resp:
            if resp.status_code in _REDIRECTS and resp.headers.get("location"):
                return b"", urljoin(url, resp.headers["location"])
            if resp.status_code != 200:
                raise _refuse(url, f"the server answered HTTP {resp.status_code}")
            return _read_capped(resp, url, max_bytes, deadline), None
    except httpx.HTTPError as exc:
        raise _refuse(url, f"{type(exc).__name__}: {exc}") from exc


def _host_header(host: str, port: int | None) -> str:
    """The ``Host`` header for the pinned request: the name (bracketed if an IPv6 literal), no credentials."""
    name = f"[{host}]" if ":" in host else host
    return f"{name}:{port}" if port else name


def _read_capped(resp, url: str, max_bytes: int, deadline: float) -> bytes:
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ImageError(f"image {url} declares {declared} bytes, over {max_bytes}", code="image_too_large")
    chunks, total = [], 0
    for chunk in resp.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise ImageError(f"image {url} is over {max_bytes} bytes", code="image_too_large")
        if time.monotonic() > deadline:
            raise _refuse(url, "the server is sending too slowly (over the fetch time limit)")
        chunks.append(chunk)
    return b"".join(chunks)
