"""Find links in plain text (with offsets into the ORIGINAL text) and in HTML anchors."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

COMMON_TLDS = (
    "com|cn|net|org|top|xyz|vip|cc|info|me|io|co|tv|club|site|online|shop|app|link|ly|la|in|tk|ws|hk|tw|"
    "so|biz|pro|fun|ink|live|love|work|wang|ren|asia|mobi|icu|cyou|bet|win|life|world|store|tech|today|gg|pw|"
    "us|uk|jp|kr|ru|de|su|im|nu|gd|lc|bz|to|sx|am|fm|one|sbs|xin|kim|space|press|host|website|cloud|red"
)
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]"
_URL_RE = re.compile(
    rf"(?<![A-Za-z0-9_.@/-])(?:"
    rf"https?://{_URL_CHARS}+"  # with scheme
    rf"|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,62}})\.)+(?:{COMMON_TLDS})(?![A-Za-z0-9-])(?::\d{{2,5}})?(?:/{_URL_CHARS}*)?"
    rf")",
    re.IGNORECASE,
)
# Every match of _URL_RE holds "://" or a dot before a letter (the first of its TLD), under the same IGNORECASE
# rules: a text without either (most Chinese prose) skips the expression, which tries every position.
_MAYBE_URL = re.compile(r"://|\.[a-z]", re.IGNORECASE)
# Separators used to disguise the dot: www点xx点com, xx。com, xx(dot)com, xx[.]com, xx丶com
_DOT_DISGUISES = re.compile(r"\(dot\)|\[dot\]|\[\.\]|\(\.\)|\{\.\}|<dot>|\s+dot\s+|[点點。丶｡．·•]", re.IGNORECASE)


_ALNUM = r"A-Za-z0-9\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A"
# A disguised dot between two Latin letters or digits, or any full-width Latin letter or digit: only then is the
# slower character-by-character folding worth doing (most Chinese text has neither).
_MAYBE_DISGUISED = re.compile(
    rf"[{_ALNUM}](?:{_DOT_DISGUISES.pattern})[{_ALNUM}]|[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]", re.IGNORECASE
)


def _may_be_disguised(text: str) -> bool:
    return _MAYBE_DISGUISED.search(text) is not None


@dataclass(frozen=True, slots=True)
class FoundLink:
    """A link found in text: the raw text as written, its span in the ORIGINAL text, and the URL it spells."""

    url: str
    start: int
    end: int
    raw: str
    obfuscated: bool = False


class _WidthFold(dict):
    """``str.translate`` table: a non-ASCII character whose NFKC form is one ASCII character (full-width Latin
    letters and digits, ｡ and the like) maps to that character, any other to itself. Filled as characters are met,
    so each distinct character is normalised once per process, not once per occurrence."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char) if code > 127 else char
        self[code] = value = folded if len(folded) == 1 and folded.isascii() else char
        return value


_WIDTH_FOLD = _WidthFold()


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """Fold width (NFKC per character) and disguised dots to '.', keeping an index map to the original."""
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for m in _DOT_DISGUISES.finditer(text):
        out.append(text[pos : m.start()].translate(_WIDTH_FOLD))  # one character to one: offsets unchanged
        index.extend(range(pos, m.start()))
        out.append(".")
        index.append(m.start())
        pos = m.end()
    out.append(text[pos:].translate(_WIDTH_FOLD))
    index.extend(range(pos, len(text) + 1))
    return "".join(out), index


_UPPER_TLDS_OK = frozenset({"COM", "CN", "NET", "ORG", "TOP", "VIP", "CC", "XYZ"})


def _plausible(url: str) -> bool:
    """Bare names with an upper-case TLD are usually titles or abbreviations (卡拉OK.LIVE), not links."""
    if url[:4].lower() in ("http", "www."):
        return True
    host = url.split("/", 1)[0].split(":", 1)[0]
    tld = host.rsplit(".", 1)[-1]
    return not tld.isupper() or tld in _UPPER_TLDS_OK


def _trim(raw: str) -> str:
    return raw.rstrip(".,;:!?)]}*~-")


def extract_text_links(text: str) -> list[FoundLink]:
    """Every link in ``text``: URLs with a scheme, ``www.`` hosts, bare ``name.tld`` and disguised dots."""
    found: list[FoundLink] = []
    for m in _URL_RE.finditer(text) if _MAYBE_URL.search(text) else ():
        raw = _trim(m.group(0))
        if _plausible(raw):
            found.append(FoundLink(raw, m.start(), m.start() + len(raw), raw))
    if not _may_be_disguised(text):
        return found
    norm, index = _normalised_with_map(text)
    if norm != text:
        seen = {(f.start, f.end) for f in found}
        for m in _URL_RE.finditer(norm):
            url = _trim(m.group(0))
            if not _plausible(url):
                continue
            start, end = index[m.start()], index[m.start() + len(url) - 1] + 1
            if (start, end) in seen or any(f.start <= start < f.end for f in found):
                continue
            found.append(FoundLink(url, start, end, text[start:end], obfuscated=True))
    return sorted(found, key=lambda f: f.start)


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag in ("a", "area"):
            href = dict(attrs).get("href")
            if href and not href.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
                self.hrefs.append(href.strip())
        if tag in ("p", "br", "div", "li", "tr", "h1", "h2", "h3", "section"):
            self.text.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _parse(html: str) -> _AnchorParser:
    parser = _AnchorParser()
    parser.feed(html)
    parser.close()
    return parser


def extract_html_links(html: str) -> list[str]:
    """``href`` of every anchor (``<a>``, ``<area>``) in document order; scripts and styles are skipped."""
    return _parse(html).hrefs


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment (for finding bare links written in the body)."""
    return "".join(_parse(html).text)
