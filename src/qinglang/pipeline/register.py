"""The register stage: match an item and its signals' targets against the blacklist/allowlist register.

Pure: the storage layer builds a ``RegisterSnapshot`` from list entries; matching does no I/O. Block entries
become signals of detector ``register`` (label ``blocked/<kind>``, evidence kind ``list_entry``). Allow entries
suppress signals, from any detector, about the same target.

A ``text_fingerprint`` entry's value is a passage (up to ``TEXT_FINGERPRINT_MAX`` characters): an item matches
it when the near-duplicate index of :mod:`qinglang.similarity` calls the two near-duplicates (an edited copy,
or either text containing the other), so re-punctuated, re-spaced or traditional-character copies and the
chapters a listed teaser was cut from are caught, not only byte-identical text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.qr.kinds import canonical_payload
from qinglang.domain import Evidence, ListKind, Signal
from qinglang.similarity.fingerprints import SHINGLE
from qinglang.similarity.index import DEFAULT_RULE
from qinglang.text import normalize_text
from qinglang.text.normalize import normalize_cached

REGISTER = "register"
BLOCK, ALLOW = "block", "allow"
_CONTACT_PREFIX = re.compile(r"^[a-z_]+:(?!//)")
_TARGET_KINDS = {ListKind.CONTACT, ListKind.DOMAIN, ListKind.URL, ListKind.QR_PAYLOAD, ListKind.IMAGE_HASH,
                 ListKind.OPERATOR}  # operator targets come from the account stage (pipeline.standing)
TEXT_FINGERPRINT_MAX = 800  # characters: long enough to stand for a chapter, short enough for the unique index
# letters and digits: enough shingles for containment to count (shorter passages are phrases: `term` entries)
TEXT_FINGERPRINT_MIN_WORDING = DEFAULT_RULE.min_shingles + SHINGLE - 1


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One list entry as the register stage sees it. ``list`` is ``block`` or ``allow``."""

    id: str
    kind: ListKind
    value: str
    list: str
    reason: str = ""


def canonical(kind: ListKind | str, value: str) -> str:
    """The form entries and targets are compared in (lower-cased domains, URLs without scheme, ...).

    Applying it again changes nothing, so stored canonical values match themselves.
    """
    kind = ListKind(kind)
    for _ in range(8):
        again = _canonical_once(kind, value)
        if again == value:
            break
        value = again
    return value


def _canonical_once(kind: ListKind, value: str) -> str:
    value = value.strip()
    if kind == ListKind.DOMAIN:
        return host_of(value) if "/" in value else _bare_domain(value.lower())
    if kind == ListKind.URL:
        return _url_key(value)
    if kind == ListKind.CONTACT:  # "wechat:abc123" and "abc123" are the same contact
        return _CONTACT_PREFIX.sub("", "".join(value.lower().split()).replace("-", ""))
    if kind == ListKind.TERM:
        return normalize_text(value)
    if kind == ListKind.IMAGE_HASH:
        return value.lower()
    if kind == ListKind.QR_PAYLOAD:  # the same key the qr detector reports (tracking parameters stripped)
        return canonical_payload(value)
    return value


def _term_matcher(terms: list[str]) -> Any:
    if not terms:
        return None
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(terms)


def _bare_domain(value: str) -> str:
    """Strip whitespace, a leading ``*.`` and outer dots until nothing changes."""
    while (bare := value.strip().removeprefix("*.").strip(".")) != value:
        value = bare
    return value


def _split(url: str):
    try:
        return urlsplit(url if "://" in url else f"http://{url}")
    except ValueError:  # e.g. an unbalanced "[" in the host: compare the text as it is
        return urlsplit("http://" + url.lower().replace("[", "%5b").replace("]", "%5d").split("://")[-1])


def host_of(url: str) -> str:
    return _bare_domain(_split(url).hostname or "")


def _url_key(url: str) -> str:
    parts = _split(url)
    key = _bare_domain(parts.hostname or "") + (parts.path.rstrip("/") or "")
    return f"{key}?{parts.query}" if parts.query else key


def _parent_domains(host: str) -> list[str]:
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] if len(labels) > 1 else [host]


@dataclass(frozen=True, slots=True)
class _Target:
    kind: ListKind
    value: str  # as found
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class RegisterSnapshot:
    """An immutable view of the register: entries indexed by (list, kind, canonical value)."""

    index: dict[tuple[str, ListKind, str], RegisterEntry] = field(default_factory=dict)
    block_terms: tuple[tuple[RegisterEntry, str], ...] = ()  # (entry, normalised term)
    allow_terms: frozenset[str] = frozenset()
    term_matcher: Any = None  # an Aho-Corasick automaton over the normalised block terms
    image_hash_threshold: int = 31  # max Hamming distance (of 256 PDQ bits) for an image-hash entry to match

    @classmethod
    def from_entries(cls, entries: Iterable[RegisterEntry]) -> RegisterSnapshot:
        index: dict[tuple[str, ListKind, str], RegisterEntry] = {}
        block_terms, allow_terms = [], set()
        for entry in entries:
            kind = ListKind(entry.kind)
            if entry.list not in (BLOCK, ALLOW):
                raise ValueError(f"list entry {entry.id}: list must be 'block' or 'allow', not {entry.list!r}")
            key = canonical(kind, entry.value)
            if not key:
                continue
            index.setdefault((entry.list, kind, key), entry)
            if kind == ListKind.TERM:
                (block_terms.append((entry, key)) if entry.list == BLOCK else allow_terms.add(key))
        return cls(index, tuple(block_terms), frozenset(allow_terms), _term_matcher([t for _, t in block_terms]))

    def __len__(self) -> int:
        return len(self.index)

    def find(self, list_name: str, kind: ListKind, value: str) -> RegisterEntry | None:
        """The entry on ``list_name`` matching a target (a domain entry also matches subdomains and URLs)."""
        if kind == ListKind.URL:
            hit = self.index.get((list_name, ListKind.URL, _url_key(value)))
            return hit or self.find(list_name, ListKind.DOMAIN, host_of(value))
        if kind == ListKind.DOMAIN:
            host = canonical(ListKind.DOMAIN, value)
            for parent in _parent_domains(host):
                if hit := self.index.get((list_name, ListKind.DOMAIN, parent)):
                    return hit
            return None
        if kind == ListKind.IMAGE_HASH:
            return self._near_image_hash(list_name, canonical(kind, value))
        if kind == ListKind.QR_PAYLOAD and "://" in value:
            hit = self.index.get((list_name, kind, canonical(kind, value)))
            return hit or self.find(list_name, ListKind.URL, value)
        return self.index.get((list_name, kind, canonical(kind, value)))

    def _near_image_hash(self, list_name: str, value: str) -> RegisterEntry | None:
        """An exact hash, else the nearest listed hash within ``image_hash_threshold`` bits (copies of an image
        re-encoded, resized or lightly edited hash a few bits apart)."""
        if hit := self.index.get((list_name, ListKind.IMAGE_HASH, value)):
            return hit
        from qinglang.detectors.phash.hashing import match_hashes

        listed = self._image_hashes.get(list_name, {})
        nearest = match_hashes(value, listed, self.image_hash_threshold) if listed else []
        return listed[nearest[0][0]] if nearest else None

    @cached_property
    def _image_hashes(self) -> dict[str, dict[str, RegisterEntry]]:
        """list name -> {canonical hash: entry}, built once per snapshot instead of once per image."""
        out: dict[str, dict[str, RegisterEntry]] = {}
        for (list_name, kind, value), entry in self.index.items():
            if kind == ListKind.IMAGE_HASH:
                out.setdefault(list_name, {})[value] = entry
        return out

    @cached_property
    def _text_indexes(self) -> dict[str, Any]:
        """list name -> a near-duplicate index over that list's ``text_fingerprint`` entries (built once)."""
        from qinglang.similarity import TextIndex, fingerprint

        out: dict[str, Any] = {}
        for (list_name, kind, _), entry in self.index.items():
            if kind == ListKind.TEXT_FINGERPRINT:
                out.setdefault(list_name, TextIndex()).add(entry, fingerprint(entry.value))
        return out

    def allows(self, signal: Signal) -> bool:
        """Whether an allow entry covers this signal's target (or every text it matched, for terms)."""
        kind, target = signal.attrs.get("target_kind"), signal.attrs.get("target")
        if kind in _TARGET_KINDS and target and self.find(ALLOW, ListKind(kind), str(target)):
            return True
        texts = [e.text for e in signal.evidence if e.kind == "text_span" and e.text]
        return bool(self.allow_terms and texts) and all(normalize_text(t) in self.allow_terms for t in texts)

    def match(self, prepared: PreparedContent, signals: Sequence[Signal]) -> list[Signal]:
        """Register signals for an item: its account, its links, its signals' targets and block-listed terms."""
        out = [self._signal(t, e) for t in self._targets(prepared, signals) if (e := self._blocking(t))]
        out.extend(self._term_signals(prepared))
        out.extend(self._fingerprint_signals(prepared))
        return list({(s.label, s.attrs["target"]): s for s in out}.values())

    def _fingerprint_signals(self, prepared: PreparedContent) -> list[Signal]:
        """``blocked/text_fingerprint`` for every listed passage the item is a near-duplicate of (unless the
        item is also a near-duplicate of an allow-listed passage)."""
        blocking = self._text_indexes.get(BLOCK)
        field_name = "text" if prepared.fields.get("text") else "title"
        text = prepared.fields.get(field_name) or ""
        if blocking is None or not text:
            return []
        from qinglang.similarity import fingerprint

        fp = fingerprint(text)
        allowing = self._text_indexes.get(ALLOW)
        if allowing is not None and allowing.search(fp):
            return []
        return [self._fingerprint_signal(m.key, field_name, m.similarity, m.containment) for m in blocking.search(fp)]

    def _fingerprint_signal(self, entry: RegisterEntry, field_name: str, similarity: float, containment: float):
        detail = {"entry_id": entry.id, "list": entry.list, "kind": entry.kind.value, "value": entry.value,
                  "similarity": similarity, "containment": containment}
        if entry.reason:
            detail["reason"] = entry.reason
        ev = Evidence(kind="list_entry", field=field_name, text=entry.value[:120], detail=detail)
        attrs = {"target_kind": "text_fingerprint", "target": entry.value, "entry_id": entry.id,
                 "similarity": similarity, "containment": containment}
        return Signal(REGISTER, "blocked/text_fingerprint", 1.0, (ev,), 3, attrs)

    def _blocking(self, target: _Target) -> RegisterEntry | None:
        if self.find(ALLOW, target.kind, target.value):
            return None
        return self.find(BLOCK, target.kind, target.value)

    def _targets(self, prepared: PreparedContent, signals: Sequence[Signal]) -> list[_Target]:
        item = prepared.item
        targets = [_Target(ListKind.ACCOUNT, item.account_id)] if item.account_id else []
        links = list(item.links) + ([item.original_link] if item.original_link else [])
        targets += [_Target(ListKind.URL, link, (Evidence(kind="link", text=link),)) for link in links]
        for s in signals:
            kind, target = s.attrs.get("target_kind"), s.attrs.get("target")
            if kind in _TARGET_KINDS and target:
                targets.append(_Target(ListKind(kind), str(target), s.evidence))
        return targets

    def _signal(self, target: _Target, entry: RegisterEntry) -> Signal:
        detail = {"entry_id": entry.id, "list": entry.list, "kind": entry.kind.value, "value": entry.value}
        if entry.reason:
            detail["reason"] = entry.reason
        ev = Evidence(kind="list_entry", text=target.value, detail=detail)
        attrs = {"target_kind": target.kind.value, "target": target.value, "entry_id": entry.id}
        return Signal(REGISTER, f"blocked/{entry.kind.value}", 1.0, (ev, *target.evidence), 3, attrs)

    def _term_signals(self, prepared: PreparedContent) -> list[Signal]:
        if not self.block_terms:
            return []
        out = []
        for name, text in prepared.fields.items():
            if not text:
                continue
            norm = normalize_cached(text)
            seen = set()
            for index, start, end in self.term_matcher.find_matches_as_indexes(norm.text, overlapping=True):
                if index not in seen:
                    seen.add(index)
                    out.append(self._term_signal(self.block_terms[index][0], name, text, norm.original_span(start, end)))
        return out

    def _term_signal(self, entry: RegisterEntry, field_name: str, text: str, span: tuple[int, int]) -> Signal:
        detail = {"entry_id": entry.id, "list": entry.list, "kind": "term", "value": entry.value}
        if entry.reason:
            detail["reason"] = entry.reason
        ev = Evidence("list_entry", field_name, span[0], span[1], text[span[0]:span[1]], detail)
        attrs = {"target_kind": "term", "target": entry.value, "entry_id": entry.id}
        return Signal(REGISTER, "blocked/term", 1.0, (ev,), 3, attrs)
