"""``qinglang similar`` as functions: index a corpus of batch-contract lines, answer query lines in order.

Lines are read with the batch contract's own parser (:mod:`qinglang.pipeline.contract`), so a bad line gets
the same ``{"id": ..., "error": "<code>: <message>"}`` as in ``qinglang screen`` and never stops the run.
The fingerprinted text of an item is its ``text`` (or the visible text of its ``html``); an item with
neither is fingerprinted by its ``title``. Output per query: ``{"id", "matches": [{"id", "similarity",
"containment"}, ...]}``, best first, ``[]`` when nothing is a near-duplicate.

Reading and fingerprinting lines (the costly part: normalisation and MinHash) is :func:`fingerprint_lines`, a
pure function over a chunk of raw lines that a batch engine (:mod:`qinglang.engine`) runs on its workers; the
index is built and searched here, in line order, so the output does not depend on the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from qinglang.domain import ContentItem
from qinglang.engine import BatchEngine, inline_engine
from qinglang.errors import InvalidInput
from qinglang.pipeline.contract import _echo_id, decode_line, error_line, item_from_object
from qinglang.pipeline.prepare import prepare
from qinglang.similarity.fingerprints import TextFingerprint, fingerprint
from qinglang.similarity.index import DEFAULT_RULE, NearDuplicateRule, TextIndex


def content_text(item: ContentItem) -> str:
    """The text a content is fingerprinted by: its text, else its HTML's visible text, else its title."""
    prepared = prepare(item)
    return prepared.fields["text"] or prepared.fields["title"]


def item_text(obj: dict) -> str:
    """The text a batch line is fingerprinted by (raises InvalidInput like the screen contract)."""
    return content_text(item_from_object(obj))


def parse_line(raw: bytes) -> tuple[Any, TextFingerprint]:
    """``(id, fingerprint)`` of one raw line; raises InvalidInput with the contract's codes."""
    obj = decode_line(raw.rstrip(b"\r\n"))
    text = item_text(obj)
    return _echo_id(obj), fingerprint(text)


def _failure(raw: bytes, exc: Exception) -> dict:
    try:
        item_id = _echo_id(decode_line(raw.rstrip(b"\r\n")))
    except InvalidInput:
        item_id = None
    if isinstance(exc, InvalidInput):
        return error_line(item_id, exc.code, exc.message)
    return error_line(item_id, "internal_error", f"{type(exc).__name__}: {exc}"[:300])


def fingerprint_lines(raws: list[bytes]) -> list[tuple[Any, TextFingerprint] | dict]:
    """Each raw line as ``(id, fingerprint)``, or its error line (a dict); never raises. Pure: runs on any worker."""
    out: list[tuple[Any, TextFingerprint] | dict] = []
    for raw in raws:
        try:
            out.append(parse_line(raw))
        except Exception as exc:  # noqa: BLE001 - one bad line never stops a batch
            out.append(_failure(raw, exc))
    return out


CHUNK = 500  # lines per engine task when the caller gives no chunk size


def _fingerprinted(lines: Iterable[bytes], engine: BatchEngine | None, chunk_size: int):
    engine = engine or inline_engine()
    return engine.map(fingerprint_lines, lines, chunk_size=chunk_size)


@dataclass
class CorpusLoad:
    """The corpus index and the corpus lines that could not be used (as error lines, with line numbers)."""

    index: TextIndex
    errors: list[tuple[int, dict]] = field(default_factory=list)


def load_corpus(
    lines: Iterable[bytes], rule: NearDuplicateRule = DEFAULT_RULE, on_line: Callable[[], object] | None = None,
    *, engine: BatchEngine | None = None, chunk_size: int = CHUNK,
) -> CorpusLoad:
    """Index every usable corpus line under its id; a line with a bad shape or an id already seen is an error.
    Lines are fingerprinted on ``engine`` (``None``: in this process), indexed here in line order."""
    load = CorpusLoad(TextIndex(rule))
    seen: set[Any] = set()
    for number, parsed in enumerate(_fingerprinted(lines, engine, chunk_size), 1):
        if on_line:
            on_line()
        if isinstance(parsed, dict):
            load.errors.append((number, parsed))
            continue
        item_id, fp = parsed
        if item_id in seen:
            twice = InvalidInput(f"id {item_id!r} appears twice in the corpus; ids must be unique", code="duplicate_id")
            load.errors.append((number, error_line(item_id, twice.code, twice.message)))
            continue
        seen.add(item_id)
        load.index.add(item_id, fp)
    return load


def similar_line(index: TextIndex, raw: bytes) -> dict:
    """One query line -> one output object; never raises."""
    return _answer(index, fingerprint_lines([raw])[0])


def _answer(index: TextIndex, parsed: tuple[Any, TextFingerprint] | dict) -> dict:
    if isinstance(parsed, dict):
        return parsed
    item_id, fp = parsed
    return {"id": item_id, "matches": [m.to_dict() for m in index.search(fp)]}


def similar_lines(index: TextIndex, lines: Iterable[bytes], *, engine: BatchEngine | None = None,
                  chunk_size: int = CHUNK) -> Iterable[dict]:
    """One output object per query line, in order (a blank line is an ``invalid_json`` error, as in screen).
    Query lines are fingerprinted on ``engine`` a chunk at a time; each is searched here."""
    for parsed in _fingerprinted(lines, engine, chunk_size):
        yield _answer(index, parsed)
