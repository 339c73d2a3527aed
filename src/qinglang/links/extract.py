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
# Letters and digits in disguise: full-width forms, circled and parenthesised letters and digits (ⓒ ⑻ ➑),
# mathematical alphanumerics (𝕩𝕪𝕫), squared and negative letters (🅣🅞🅟), and the circles written for o (c⭕m)
_LOOK_ALIKES = "\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u2460-\u24FF\u2776-\u2793\U0001D400-\U0001D7FF\U0001F100-\U0001F1E5\u2B55\u3007"
# Combining marks hung on the letters of an address to break it up (9ོ7ོdོ.ོtོoོpོ)
_MARKS = "\u0300-\u036F\u0483-\u0489\u0591-\u05BD\u0610-\u061A\u064B-\u065F\u0F71-\u0F84\u20D0-\u20FF\uFE20-\uFE2F"
# An address spelled out one character at a time with spaces between (w f 7 3 m . t o p)
_SPACED_RE = re.compile(r"(?<![A-Za-z0-9.])[A-Za-z0-9.](?:[ \t\u3000\xa0]+[A-Za-z0-9.](?![A-Za-z0-9.])){4,}")
# A disguised dot between two Latin letters or digits, a look-alike, a mark on a Latin letter or digit, or a run of
# spaced single characters: only then is the slower character-by-character folding worth doing (most Chinese text
# has none of these).
# Every alternative starts with a Latin letter, digit, dot or look-alike; the lookahead rejects any other position
# before the alternatives are tried, which keeps the check about as fast as the dot-only one it extends.
_MAYBE_DISGUISED = re.compile(
    rf"(?=[{_ALNUM}.{_LOOK_ALIKES}])(?:[{_ALNUM}](?:{_DOT_DISGUISES.pattern})[{_ALNUM}]|[{_LOOK_ALIKES}]"
    rf"|[A-Za-z0-9.][{_MARKS}]|{_SPACED_RE.pattern})",
    re.IGNORECASE,
)
_LATIN_NAME = re.compile(r"LATIN (?:CAPITAL|SMALL) LETTER ([A-Z])$")
_DIGIT_NAME = re.compile(r"DIGIT (ZERO|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE)$")
_DIGITS = {w: str(i) for i, w in enumerate("ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE".split())}
_CIRCLES_FOR_O = {"\u2B55": "o", "\u3007": "o"}  # ⭕ 〇


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
    letters and digits, ｡ and the like) maps to that character; a letter or digit in disguise that NFKC leaves
    alone (🅣, ➑) maps to the one its Unicode name spells; ⭕ and 〇 map to o; a combining mark to nothing; any
    other character to itself. Filled as characters are met, so each distinct character is normalised once per
    process, not once per occurrence."""

    def __missing__(self, code: int) -> str:
        self[code] = value = _fold_one(chr(code)) if code > 127 else chr(code)
        return value


def _fold_one(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and folded.isascii():
        return folded
    if char in _CIRCLES_FOR_O:
        return _CIRCLES_FOR_O[char]
    if unicodedata.category(char) in ("Mn", "Me"):
        return ""
    name = unicodedata.name(char, "")
    if (m := _LATIN_NAME.search(name)) and not name.startswith("REGIONAL INDICATOR"):
        return m.group(1).lower()
    if m := _DIGIT_NAME.search(name):
        return _DIGITS[m.group(1)]
    return char


_WIDTH_FOLD = _WidthFold()


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """Fold look-alikes (see ``_WidthFold``), drop combining marks, turn disguised dots into '.' and close up an
    address spelled with spaces, keeping an index map to the original: ``index[i]`` is where the i-th character
    of the result came from (one extra entry for the end)."""
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for m in _DOT_DISGUISES.finditer(text):
        _fold_into(text, pos, m.start(), out, index)
        out.append(".")
        index.append(m.start())
        pos = m.end()
    _fold_into(text, pos, len(text), out, index)
    index.append(len(text))
    folded = "".join(out)
    if not _SPACED_RE.search(folded):
        return folded, index
    keep = [True] * len(folded)
    for m in _SPACED_RE.finditer(folded):
        for i in range(m.start(), m.end()):
            keep[i] = not folded[i].isspace()
    text_kept = "".join(c for c, k in zip(folded, keep, strict=True) if k)
    return text_kept, [i for i, k in zip(index, [*keep, True], strict=True) if k]


def _fold_into(text: str, start: int, stop: int, out: list[str], index: list[int]) -> None:
    """Append the fold of ``text[start:stop]`` to ``out`` and where each character came from to ``index``."""
    folded = text[start:stop].translate(_WIDTH_FOLD)
    if len(folded) == stop - start:  # one character to one (nothing dropped): offsets unchanged
        out.append(folded)
        index.extend(range(start, stop))
        return
    for i in range(start, stop):
        if char := text[i].translate(_WIDTH_FOLD):
            out.append(char)
            index.append(i)


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
