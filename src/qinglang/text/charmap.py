"""The per-character folding table behind :mod:`qinglang.text.normalize`.

One table maps every character to its folded form: NFKC (full-width, circled and compatibility forms),
lower case, Latin letters without their accents, traditional -> simplified Chinese (OpenCC ``t2s``, character by character so that offsets
stay exact), digit and letter homoglyphs, and deletion of invisible format characters. The table is a
fixed point: folding a folded character changes nothing. It is built once, lazily, in about 0.1 s.

:func:`fold` applies it to an article as one numpy lookup over the text's UTF-16 code units (numpy is imported
with the table, not with this module), then folds the few characters that change length or lie outside the
BMP with a regular expression; short texts use ``str.translate``. All paths give ``text.translate(fold_table())``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Dingbat and other digit forms that NFKC leaves alone or expands into "(1)" / "1.".
_DIGIT_FORMS: dict[str, str] = {}
for _base, _digits in (
    (0x2776, "123456789"),  # ❶..❾ (❿ = 10 below)
    (0x2780, "123456789"),  # ➀..➈
    (0x278A, "123456789"),  # ➊..➒
    (0x24F5, "123456789"),  # ⓵..⓽
    (0x2474, "123456789"),  # ⑴..⑼
    (0x2488, "123456789"),  # ⒈..⒐
    (0x3220, "一二三四五六七八九"),  # ㈠..㈨
):
    for _i, _d in enumerate(_digits):
        _DIGIT_FORMS[chr(_base + _i)] = _d
_DIGIT_FORMS.update({"⓿": "0", "⓪": "0", "🄀": "0", "❿": "10", "➉": "10", "➓": "10", "⓾": "10", "⑽": "10"})

# Latin look-alikes (Cyrillic, Greek, symbols) used to dodge filters, plus plus-sign variants.
_LETTER_FORMS: dict[str, str] = dict(
    zip(
        "аеорсхуіјѕԁһкмтвнАЕОРСХУІЈЅКМТВНαοκνρτυχιεΑΟΚΝΡΤΥΧΙΕΒΗΜΖ",
        "aeopcxyijsdhkmtbhaeopcxyijskmtbhaokvptuxieaokvptyxiebhmz",
        strict=True,
    )
)
_LETTER_FORMS.update({"➕": "+", "✚": "+", "∨": "v"})
for _base in (0x1F150, 0x1F170):  # 🅐..🅩 negative circled, 🅰..🆉 negative squared (NFKC leaves both alone)
    _LETTER_FORMS.update({chr(_base + _i): chr(0x61 + _i) for _i in range(26)})

# Combining marks that decorate rather than spell: strike-through and slash overlays, zalgo stacks (色̶情, s̶e̶x̶),
# half marks. Only non-spacing marks (Mn): the enclosing ones (Me: keycap 1⃣, circle 色⃝) stay, since a keycap
# digit is a symbol the classifier reads; between two Chinese characters the normaliser drops them as noise.
# A precomposed Latin letter loses its accent too (:func:`_bare_latin`), so é and e+◌́ fold alike.
_DECORATION_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))

_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))
_EXTRA_RANGES = ((0x1D400, 0x1D7FF), (0x1F100, 0x1F1FF))  # math alphanumerics, enclosed alphanumerics


def _is_dropped(ch: str) -> bool:
    """Characters that carry no text: format chars (zero-width, bidi, the tag characters U+E0020..E007F that
    can smuggle invisible ASCII), variation selectors, and decorating non-spacing marks."""
    cp = ord(ch)
    if unicodedata.category(ch) == "Cf" or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return True
    return unicodedata.category(ch) == "Mn" and any(lo <= cp <= hi for lo, hi in _DECORATION_RANGES)


def _bare_latin(ch: str) -> str:
    """A lower-case Latin letter with diacritics -> its bare ASCII letter, so tone-marked pinyin reads as the
    pinyin a lexicon spells (yuēpào -> yuepao, sèqíng -> seqing); ü and its toned forms -> v, as pinyin is typed
    and as the lexicon writes it (nǚ -> nv). A letter with no ASCII base (ß, ø) is kept."""
    if ch.isascii() or not unicodedata.name(ch, "").startswith("LATIN SMALL LETTER"):
        return ch
    parts = unicodedata.normalize("NFD", ch)
    if len(parts) == 1 or not parts[0].isascii():
        return ch
    return "v" if parts[0] == "u" and "\u0308" in parts else parts[0]


def _t2s_table() -> dict[str, str]:
    from opencc import OpenCC

    chars = [chr(cp) for lo, hi in _CJK_RANGES[:3] for cp in range(lo, hi + 1)]
    converted = OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # defensive: fall back to no conversion rather than wrong offsets
        return {}
    return {c: s for c, s in zip(chars, converted, strict=True) if s != c and s}


def _fold_char(ch: str, t2s: dict[str, str]) -> str:
    if _is_dropped(ch):
        return ""
    if ch in _DIGIT_FORMS:
        return _DIGIT_FORMS[ch]
    out = unicodedata.normalize("NFKC", ch).lower()
    out = "".join(_LETTER_FORMS.get(_bare_latin(c), _bare_latin(c)) for c in out)
    return "".join(t2s.get(c, c) for c in out)


def _codepoints():
    yield from range(0x80, 0x10000)
    for lo, hi in _EXTRA_RANGES:
        yield from range(lo, hi + 1)
    yield from range(0xE0000, 0xE0080)  # tags
    yield from range(0xE0100, 0xE01F0)  # variation selectors supplement


@lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """``str.translate`` table: code point -> folded string (only entries that change something)."""
    t2s = _t2s_table()
    table: dict[int, str] = {}
    for cp in (*range(0x41, 0x5B), *_codepoints()):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        folded = _fold_char(ch, t2s)
        for _ in range(3):  # reach a fixed point (NFKC output may itself fold further)
            again = "".join(_fold_char(c, t2s) for c in folded)
            if again == folded:
                break
            folded = again
        if folded != ch:
            table[cp] = folded
    return table


@lru_cache(maxsize=1)
def _bmp_table() -> list[int | str | None]:
    """The BMP part of :func:`fold_table` as a list indexed by code point: ``str.translate`` looks a list up
    more than twice as fast as a dict. Code points past the list raise IndexError, which translate treats as
    "unchanged"; :func:`fold` handles those with :func:`_astral_table`."""
    table: list[int | str | None] = list(range(0x10000))
    for cp, folded in fold_table().items():
        if cp < 0x10000:
            table[cp] = ord(folded) if len(folded) == 1 else (folded or None)
    return table


@lru_cache(maxsize=1)
def _astral_table() -> dict[int, str]:
    return {cp: folded for cp, folded in fold_table().items() if cp >= 0x10000}


_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
_VECTOR_MIN_LEN = 64  # below this, str.translate is quicker than the vectorised lookup


def fold(text: str) -> str:
    """Apply the fold table to ``text`` (same result as ``text.translate(fold_table())``, faster)."""
    return fold_plain(text)[0]


def fold_plain(text: str) -> tuple[str, bool]:
    """``(fold(text), plain)``; ``plain`` means no character of ``text`` is one :func:`special_re` matches, so the
    folded text has the same length and every character sits at its original offset.

    ASCII text only needs lower-casing. Longer texts go through a vectorised lookup (see :func:`_unit_table`);
    short texts, and the rare text holding lone surrogates (which UTF-16 cannot encode), through ``str.translate``.
    """
    if text.isascii():
        return text.lower(), True
    if len(text) >= _VECTOR_MIN_LEN:
        try:
            out = _fold_code_units(text)
        except UnicodeEncodeError:
            pass
        else:
            special = special_re()
            return (out, True) if not special.search(out) else (special.sub(_fold_match, out), False)
    return _fold_by_translate(text), not special_re().search(text)


def _fold_by_translate(text: str) -> str:
    out = text.translate(_bmp_table())
    if _ASTRAL_RE.search(text):
        out = out.translate(_astral_table())
    return out


def _fold_code_units(text: str) -> str:
    """Look every UTF-16 code unit of ``text`` up in :func:`_unit_table` at once."""
    import numpy  # already imported by _unit_table; kept out of module import so the CLI starts fast

    table = _unit_table()
    units = numpy.frombuffer(text.encode("utf-16-le"), dtype=numpy.uint16)
    return table.take(units).tobytes().decode("utf-16-le")


@lru_cache(maxsize=1)
def _unit_table():
    """The one-to-one BMP part of :func:`fold_table` as a numpy array indexed by UTF-16 code unit.

    Folding a text is then one array lookup. Surrogates map to themselves, so astral characters come back
    unchanged; they and the characters that fold to zero or several characters are left to :func:`special_re`.
    """
    import numpy

    table = numpy.arange(0x10000, dtype=numpy.uint16)
    for cp, folded in fold_table().items():
        if _is_unit_to_unit(cp, folded):
            table[cp] = ord(folded)
    return table


def _is_unit_to_unit(cp: int, folded: str) -> bool:
    """A BMP character that folds to exactly one BMP character."""
    return cp < 0x10000 and len(folded) == 1 and ord(folded) < 0x10000


@lru_cache(maxsize=1)
def special_re() -> re.Pattern[str]:
    """Characters :func:`_unit_table` leaves alone: BMP characters that fold to zero, several or astral
    characters, and every astral character (rare in text; most fold to themselves). A text without them folds
    one character to one. Folded characters are never among the BMP ones (the table is a fixed point), so this
    can run after the lookup and still find exactly the characters the lookup skipped."""
    bmp = [cp for cp, s in fold_table().items() if cp < 0x10000 and not _is_unit_to_unit(cp, s)]
    return re.compile(f"{_char_class(bmp)}|[\U00010000-\U0010ffff]")


def _fold_match(match: re.Match[str]) -> str:
    ch = match.group()
    return fold_table().get(ord(ch), ch)


def _char_class(cps: list[int]) -> str:
    parts, start, prev = [], None, None
    for cp in sorted(cps):
        if start is None:
            start = prev = cp
        elif cp == prev + 1:
            prev = cp
        else:
            parts.append((start, prev))
            start = prev = cp
    if start is not None:
        parts.append((start, prev))
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in parts)
    return f"[{body}]"
