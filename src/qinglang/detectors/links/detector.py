"""The ``links`` detector: every link of an item (text, HTML anchors, the links list, the "read the original"
link), canonicalised and classified, plus matches against the built-in known-bad domain list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from qinglang.detectors.base import Detector, DetectorConfig, PreparedContent
from qinglang.detectors.links.known_bad import builtin_known_bad, match_known_bad
from qinglang.domain import Evidence, Signal
from qinglang.links import (
    LinkKind,
    canonicalize_url,
    classify_url,
    extract_html_links,
    extract_text_links,
    host_of,
    registrable_domain,
)

_LABELS = {LinkKind.SHORT: "link/short", LinkKind.REDIRECT: "link/redirect", LinkKind.LIVE_CODE: "link/live_code"}


class LinksConfig(DetectorConfig):
    builtin_known_bad: bool = True  # match hosts against the shipped known-bad domain list
    known_bad_domains: list[str] = []  # extra known-bad hosts
    domain_signals: bool = True  # one link/domain signal per registrable domain (for the domain register)
    # domain suffixes that gambling sites use ("诱导点击的博彩网址 ... 如 .top 和 .vip", the published category
    # definitions in chineseharm_bench/knowledge.py): a link on one is reported as link/gambling_tld
    gambling_tlds: list[str] = ["top", "vip"]


@dataclass(slots=True)
class _Link:
    url: str
    source: str
    evidence: list[Evidence]
    obfuscated: bool = False


class LinksDetector(Detector):
    name: ClassVar[str] = "links"
    version: ClassVar[str] = "1.1.0"
    config_class: ClassVar[type[LinksConfig]] = LinksConfig

    def load(self) -> None:
        base = builtin_known_bad() if self.config.builtin_known_bad else frozenset()
        self._known_bad = base | {d.strip().lower().strip(".") for d in self.config.known_bad_domains}
        self._gambling_tlds = frozenset(t.strip().lower().strip(".") for t in self.config.gambling_tlds)
        self._loaded = True

    def detect(self, content: PreparedContent) -> list[Signal]:
        self.ensure_loaded()
        links = collect_links(content)
        signals = [self._link_signal(link, content) for link in links.values()]
        signals.extend(self._domain_signals(links))
        signals.extend(self._gambling_tld_signal(links))
        return signals

    def _gambling_tld_signal(self, links: dict[str, _Link]) -> list[Signal]:
        """One ``link/gambling_tld`` signal for the links whose host ends in a gambling suffix, with each as
        evidence; none when there is no such link."""
        hits = [link for link in links.values() if host_of(link.url).rsplit(".", 1)[-1] in self._gambling_tlds]
        if not hits:
            return []
        first = host_of(hits[0].url)
        attrs = {"target_kind": "domain", "target": registrable_domain(first), "host": first, "url": hits[0].url,
                 "tld": first.rsplit(".", 1)[-1], "links": len(hits)}
        return [Signal(self.name, "link/gambling_tld", 0.5, tuple(ev for h in hits for ev in h.evidence[:1]), 1, attrs)]

    def _link_signal(self, link: _Link, content: PreparedContent) -> Signal:
        kind = classify_url(link.url)
        is_original = link.url == _canonical(content.item.original_link)
        label = "link/read_original" if is_original else _LABELS.get(kind, "link/url")
        host = host_of(link.url)
        attrs = {
            "target_kind": "url",
            "target": link.url,
            "url": link.url,
            "host": host,
            "domain": registrable_domain(host),
            "kind": kind.value,
            "source": link.source,
            "obfuscated": link.obfuscated,
        }
        score = 1.0 if (link.obfuscated or kind is not LinkKind.URL or is_original) else 0.5
        severity = 2 if (link.obfuscated or kind is LinkKind.LIVE_CODE) else 1  # evasion or a contact redirect
        return Signal(self.name, label, score, tuple(link.evidence), severity=severity, attrs=attrs)

    def _domain_signals(self, links: dict[str, _Link]) -> list[Signal]:
        out, seen, seen_bad = [], set(), set()
        for link in links.values():
            host = host_of(link.url)
            bad = match_known_bad(host, self._known_bad)
            if bad and bad not in seen_bad:
                seen_bad.add(bad)
                detail = {"list": "builtin_known_bad_domains", "entry": bad, "url": link.url}
                attrs = {"target_kind": "domain", "target": bad, "host": host, "url": link.url}
                ev = Evidence(kind="list_entry", text=bad, detail=detail)
                out.append(Signal(self.name, "link/known_bad_domain", 1.0, (ev, *link.evidence), 3, attrs))
            domain = registrable_domain(host)
            if self.config.domain_signals and domain not in seen and classify_url(link.url) is not LinkKind.SHORT:
                seen.add(domain)
                attrs = {"target_kind": "domain", "target": domain, "host": host, "url": link.url}
                out.append(Signal(self.name, "link/domain", 0.0, tuple(link.evidence[:1]), 0, attrs))
        return out


def _canonical(url: str | None) -> str | None:
    return canonicalize_url(url) if url else None


def collect_links(content: PreparedContent) -> dict[str, _Link]:
    """Distinct canonical URLs of an item, in order of first appearance, with their evidence."""
    links: dict[str, _Link] = {}

    def add(raw: str, source: str, evidence: Evidence, obfuscated: bool = False) -> None:
        url = canonicalize_url(raw)
        if url is None:
            return
        link = links.setdefault(url, _Link(url, source, []))
        link.evidence.append(evidence)
        link.obfuscated = link.obfuscated or obfuscated

    item = content.item
    if item.original_link:
        add(item.original_link, "original_link", Evidence(kind="link", field="original_link", text=item.original_link))
    for field_name, text in content.fields.items():
        for found in extract_text_links(text):
            detail = {"url": found.url, "obfuscated": found.obfuscated}
            ev = Evidence("link", field_name, found.start, found.end, found.raw, detail)
            add(found.url, field_name, ev, found.obfuscated)
    for href in extract_html_links(item.html) if item.html else ():
        add(href, "html", Evidence(kind="link", field="html", text=href, detail={"anchor": True}))
    for raw in item.links:
        add(raw, "links", Evidence(kind="link", field="links", text=raw))
    return links
