"""Loaders for labelled text and the one DEV/TRAIN split rule every evaluation in qinglang uses.

Every loader yields ``(text, category)`` pairs where ``category`` is one of the six top-level labels
(``porn``, ``illicit_ad``, ``gambling``, ``fraud``, ``abuse``, ``none``).

Split rule: an item is in DEV iff ``int(sha256(text).hexdigest(), 16) % 5 == 0`` (about 20%), otherwise TRAIN.
It depends on the text alone, so the same text lands in the same split whichever file it comes from.

Label decisions:

* ChineseHarm-Bench ``标签`` map one to one (低俗色情 porn, 黑产广告 illicit_ad, 博彩 gambling, 欺诈 fraud,
  谩骂引战 abuse, 不违规 none).
* COLD ``label`` 0 is ``none`` (including the ``gender`` topic: talk about bodies and relationships that must not
  be flagged). COLD ``label`` 1 ("offensive") is mostly group bias about race, region and gender, often stated
  politely; that is narrower than ChineseHarm's 谩骂引战 (insults and flame-baiting), so it is NOT mapped to
  ``abuse`` by default: :func:`load_cold` skips it unless ``offensive_as`` names a category.
* cmrc2018 contexts (Wikipedia paragraphs) and classical-novel paragraphs are ``none``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from qinglang.domain.model import Category
from qinglang.errors import InvalidInput

CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)

CHINESEHARM_LABELS: dict[str, str] = {
    "低俗色情": "porn",
    "黑产广告": "illicit_ad",
    "博彩": "gambling",
    "欺诈": "fraud",
    "谩骂引战": "abuse",
    "不违规": "none",
}

_ALIASES: dict[str, str] = {
    **CHINESEHARM_LABELS,
    **{c: c for c in CATEGORIES},
    "pass": "none",
    "clean": "none",
    "illicit": "illicit_ad",
    "ad": "illicit_ad",
    "ads": "illicit_ad",
}

Example = tuple[str, str]


def is_dev(text: str) -> bool:
    """True when ``text`` belongs to the shared DEV split (about 20% of texts), else TRAIN."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 5 == 0


def split_examples(examples: Iterable[Example], *, dev: bool) -> list[Example]:
    """Keep the DEV (``dev=True``) or TRAIN (``dev=False``) part of ``examples``."""
    return [(t, c) for t, c in examples if is_dev(t) == dev]


def normalise_label(label: str) -> str:
    """Map a label (ChineseHarm Chinese name, category, or ``category/sub``) to one of :data:`CATEGORIES`."""
    raw = str(label).strip()
    for key in (raw, raw.split("/", 1)[0].lower()):
        if key in _ALIASES:
            return _ALIASES[key]
    known = ", ".join(list(CHINESEHARM_LABELS) + list(CATEGORIES))
    raise InvalidInput(f"unknown label {raw!r}; use one of: {known}", code="unknown_label")


def load_chineseharm(path: str | Path) -> Iterator[Example]:
    """ChineseHarm-Bench style JSON list of ``{"文本": ..., "标签": ...}``."""
    for row in _read_json_list(Path(path)):
        yield row["文本"], normalise_label(row["标签"])


def load_cold(
    path: str | Path, *, offensive_as: str | None = None, topics: set[str] | None = None
) -> Iterator[Example]:
    """COLD csv rows: label 0 -> ``none``; label 1 -> ``offensive_as`` (skipped when None)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if topics is not None and row.get("topic") not in topics:
                continue
            text = (row.get("TEXT") or "").strip()
            if not text:
                continue
            if row["label"].strip() == "0":
                yield text, "none"
            elif offensive_as is not None:
                yield text, normalise_label(offensive_as)


def load_cmrc_contexts(path: str | Path) -> Iterator[Example]:
    """cmrc2018 JSON: each unique ``context_text`` as a clean ``none`` paragraph."""
    seen: set[str] = set()
    for row in _read_json_list(Path(path)):
        text = row["context_text"].strip()
        if text and text not in seen:
            seen.add(text)
            yield text, "none"


_CHAPTER_HEADING = re.compile(r"^\s*(第[一二三四五六七八九十百零〇]+回|楔子)")


def novel_paragraphs(path: str | Path, *, min_chars: int = 20) -> Iterator[str]:
    """Paragraphs (non-empty lines) of a classical novel, chapter headings and short lines dropped."""
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            text = line.strip().strip("\u3000")
            if len(text) >= min_chars and not _CHAPTER_HEADING.match(text):
                yield text


def load_novels(folder: str | Path, *, min_chars: int = 20) -> Iterator[Example]:
    """All ``*.txt`` novels under ``folder`` (recursively), paragraph by paragraph, as ``none``."""
    for path in sorted(Path(folder).rglob("*.txt")):
        for para in novel_paragraphs(path, min_chars=min_chars):
            yield para, "none"


def load_labelled(path: str | Path) -> Iterator[Example]:
    """Any labelled file: a JSON list or JSONL of ``{"文本","标签"}`` or the batch format
    ``{"id","text","label"|"category"}`` (``title`` is prepended to ``text`` when present)."""
    path = Path(path)
    for n, row in enumerate(_read_rows(path), start=1):
        yield _labelled_row(row, path, n)


def _labelled_row(row: object, path: Path, n: int) -> Example:
    if not isinstance(row, dict):
        raise InvalidInput(f"{path}:{n}: expected a JSON object per item", code="invalid_dataset")
    if "文本" in row and "标签" in row:
        return str(row["文本"]), normalise_label(row["标签"])
    label = row.get("label", row.get("category"))
    if "text" not in row and "title" not in row or label is None:
        raise InvalidInput(f"{path}:{n}: item needs 文本+标签 or text+label/category", code="invalid_dataset")
    title, text = str(row.get("title") or ""), str(row.get("text") or "")
    return (f"{title}\n{text}" if title and text else title or text), normalise_label(label)


def _read_rows(path: Path) -> list[object]:
    if not path.exists():
        raise InvalidInput(f"dataset file {path} does not exist", code="dataset_not_found")
    raw = path.read_text(encoding="utf-8-sig")
    stripped = raw.lstrip()
    if stripped.startswith("["):
        return json.loads(stripped)
    rows = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{path}:{n}: invalid JSON ({exc.msg})", code="invalid_dataset") from exc
    return rows


def _read_json_list(path: Path) -> list[dict]:
    rows = _read_rows(path)
    return [r for r in rows if isinstance(r, dict)]


def novel_chapters(path: str | Path) -> Iterator[str]:
    """Whole chapters of a classical novel (heading line to the next heading), paragraphs joined by newlines."""
    chapter: list[str] = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            text = line.strip().strip("\u3000")
            if _CHAPTER_HEADING.match(text):
                if chapter:
                    yield "\n".join(chapter)
                chapter = [text]
            elif text and chapter:
                chapter.append(text)
    if chapter:
        yield "\n".join(chapter)


def load_novel_chapters(folder: str | Path) -> Iterator[Example]:
    """All chapters of the ``*.txt`` novels under ``folder`` as ``none`` (long fiction scored as one text)."""
    for path in sorted(Path(folder).rglob("*.txt")):
        for chapter in novel_chapters(path):
            yield chapter, "none"
