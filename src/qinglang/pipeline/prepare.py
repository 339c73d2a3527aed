"""Turn a content item into the text fields detectors scan (``title``, ``text``), once per item."""

from __future__ import annotations

from html.parser import HTMLParser

from qinglang.detectors.base import PreparedContent
from qinglang.domain import ContentItem

_SKIPPED = {"script", "style", "template", "noscript", "head"}
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote"}


class _VisibleText(HTMLParser):
    """Collects the text a reader sees; block elements become line breaks. Image alt text is kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skip_depth:
            self._skip_depth -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML body, with block elements on their own lines."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def prepare(item: ContentItem) -> PreparedContent:
    """Fields ``title`` and ``text``; when only HTML is given, ``text`` is its visible text."""
    text = item.text if item.text else (html_to_text(item.html) if item.html else "")
    fields = {"title": item.title, "text": text}
    return PreparedContent(item=item, fields=fields)
