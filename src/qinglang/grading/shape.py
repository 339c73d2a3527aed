"""Length and structure of a content's body: characters, paragraphs, headings, images.

Measured on what a reader sees. From HTML: block paragraphs (``<p>``, ``<div>``, ``<li>``, ``<blockquote>`` with
text), headings (``<h1>``-``<h6>``) and images (``<img>``). From plain text: non-empty lines are paragraphs, and
a short line that looks like a heading (第三章 …, 一、…, （二）…, 1. …, ``## …``) and does not end a sentence is a
heading. Images are the larger of the item's image list and the ``<img>`` tags (an HTML body usually lists the
same images twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from qinglang.domain import ContentItem
from qinglang.pipeline.prepare import html_to_text

_HEADING_LINE = re.compile(
    r"^(第[一二三四五六七八九十百千零〇0-9]+[章节回部篇卷]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]"
    r"|[0-9]{1,2}[.、．]\s*\S|#{1,6}\s)")
_SENTENCE_END = "。！？!?；;，,"
MAX_HEADING = 40
_PARAGRAPH_TAGS = {"p", "div", "li", "blockquote", "section"}


@dataclass(frozen=True, slots=True)
class TextShape:
    """``chars``: visible non-space characters of the body; ``paragraphs`` with text; ``longest`` paragraph."""

    chars: int
    paragraphs: int
    headings: int
    images: int
    longest: int

    @property
    def mean_paragraph(self) -> float:
        return self.chars / self.paragraphs if self.paragraphs else 0.0


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings = self.images = 0
        self.blocks: list[list[str]] = [[]]
        self._heading_depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "img":
            self.images += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading_depth += 1
            self.headings += 1
            self.blocks.append([])
        elif tag in _PARAGRAPH_TAGS or tag == "br":
            self.blocks.append([])

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading_depth:
            self._heading_depth -= 1
            self.blocks.append([])
        elif tag in _PARAGRAPH_TAGS:
            self.blocks.append([])

    def handle_data(self, data: str) -> None:
        if not self._heading_depth:  # heading text is not paragraph text
            self.blocks[-1].append(data)


def _visible_chars(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def is_heading_line(line: str) -> bool:
    """A plain-text line that reads as a heading: short, heading-shaped, not the end of a sentence."""
    line = line.strip()
    return 0 < len(line) <= MAX_HEADING and bool(_HEADING_LINE.match(line)) and line[-1] not in _SENTENCE_END


def measure_shape(item: ContentItem) -> TextShape:
    """The shape of ``item``'s body (its plain ``text`` when given, else its HTML)."""
    if item.text or not item.html:
        return _text_shape(item.text, len(item.images))
    parser = _Blocks()
    parser.feed(item.html)
    parser.close()
    sizes = [_visible_chars("".join(b)) for b in parser.blocks]
    sizes = [s for s in sizes if s]
    chars = _visible_chars(html_to_text(item.html))
    return TextShape(chars, len(sizes), parser.headings, max(parser.images, len(item.images)), max(sizes, default=0))


def _text_shape(text: str, images: int) -> TextShape:
    lines = [line for line in text.splitlines() if line.strip()]
    headings = [line for line in lines if is_heading_line(line)]
    sizes = [_visible_chars(line) for line in lines if not is_heading_line(line)]
    return TextShape(_visible_chars(text), len(sizes), len(headings), images, max(sizes, default=0))
