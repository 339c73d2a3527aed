"""SSRF-safe fetching of image URLs (used only when fetching is enabled).

Rules: http/https only; the host is resolved once and every address must be public (no private, loopback,
link-local, multicast, reserved or unspecified addresses); the connection goes to that checked address (no
second DNS lookup to rebind); no redirects; a time limit and a byte cap enforced while streaming.
The same rules serve the crawler hook of ``qinglang.links``.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

from qinglang.imaging.decode import ImageError


def _refuse(url: str, why: str) -> ImageError:
    return ImageError(f"refused to fetch {url}: {why}", code="image_fetch_refused")


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def resolve_public(url: str) -> tuple[str, str, int]:
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
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _refuse(url, f"the host {host} does not resolve") from exc
    addresses = sorted({info[4][0] for info in infos})
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise _refuse(url, f"the host {host} resolves to a private, loopback or reserved address")
    return host, addresses[0], port


def fetch_bytes(url: str, *, max_bytes: int, timeout_s: float) -> bytes:
    import httpx

    host, ip, port = resolve_public(url)
    parts = urlsplit(url)
    netloc = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    try:
        with httpx.Client(timeout=timeout_s, follow_redirects=False) as client:
            with client.stream("GET", pinned, headers={"Host": host}, extensions=extensions) as resp:
                if resp.status_code != 200:
                    raise _refuse(url, f"the server answered HTTP {resp.status_code} (redirects are not followed)")
                return _read_capped(resp, url, max_bytes)
    except httpx.HTTPError as exc:
        raise _refuse(url, f"{type(exc).__name__}: {exc}") from exc


def _read_capped(resp, url: str, max_bytes: int) -> bytes:
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ImageError(f"image {url} declares {declared} bytes, over {max_bytes}", code="image_too_large")
    chunks, total = [], 0
    for chunk in resp.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise ImageError(f"image {url} is over {max_bytes} bytes", code="image_too_large")
        chunks.append(chunk)
    return b"".join(chunks)
