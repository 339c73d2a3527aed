"""The batch contract (DESIGN.md §5): one JSON input line -> one JSON output line.

Input: ``{"id", "title", "text", "html", "images", "links"}`` (all but ``id`` optional; ``original_link``,
``account_id``, ``book_id`` and ``chapter`` are accepted too). Output: ``id``, ``verdict``, ``category``,
``scores``, ``labels``, ``qr_codes``, ``contacts``, ``links`` (plus ``image_errors`` when an image could not be
used); or ``{"id", "error": "<code>: <message>"}``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import orjson

from qinglang.domain import ContentItem, DetectorOutcome, ImageRef
from qinglang.domain.values import LONE_SURROGATE
from qinglang.errors import InvalidInput

if TYPE_CHECKING:
    from qinglang.pipeline.screener import Screener, ScreeningResult

_STRING_FIELDS = ("title", "text", "html", "original_link", "account_id", "book_id")
_LIST_FIELDS = ("images", "links")
KNOWN_FIELDS = frozenset(("id", "chapter", *_STRING_FIELDS, *_LIST_FIELDS))
# contract list -> detector whose signals fill it
_TARGET_LISTS = {"qr_codes": "qr", "contacts": "contacts", "links": "links"}


def _score(value: float) -> float:
    return round(float(value), 4)


def _targets(outcomes: tuple[DetectorOutcome, ...], detector: str) -> list[dict[str, Any]]:
    """Signals of one detector that name a target, as contract entries (attrs + label, score, evidence)."""
    out: dict[bytes, dict[str, Any]] = {}
    for outcome in outcomes:
        if outcome.detector != detector or outcome.status != "ok":
            continue
        for s in outcome.signals:
            if not s.attrs or (detector == "contacts" and "target" not in s.attrs) or (s.score == 0 and not s.severity):
                continue  # lures are labels, not contacts; zero-score signals are bookkeeping for the register
            entry = {**s.attrs, "label": s.label, "score": _score(s.score)}
            entry["evidence"] = [e.to_dict() for e in s.evidence]
            out.setdefault(orjson.dumps(dict(s.attrs), default=str, option=orjson.OPT_SORT_KEYS), entry)
    return list(out.values())


def to_contract(item_id: str, result: ScreeningResult) -> dict:
    """One output line of the batch contract for a screened item."""
    d = result.decision
    body: dict[str, Any] = {
        "id": item_id,
        "verdict": d.verdict.value,
        "category": d.category.value,
        "scores": {k: _score(v) for k, v in d.scores.items()},
        "labels": [
            {"label": lab.label, "score": _score(lab.score), "evidence": [e.to_dict() for e in lab.evidence]}
            for lab in d.labels
        ],
    }
    for key, detector in _TARGET_LISTS.items():
        body[key] = _targets(d.outcomes, detector)
    errors = _image_errors(d.outcomes)
    if errors:
        body["image_errors"] = errors
    return body


def _image_errors(outcomes: tuple[DetectorOutcome, ...]) -> list[dict[str, str]]:
    """One entry per unusable image (bomb, corrupt, wrong format, ...), however many detectors reported it."""
    found: dict[str, dict[str, str]] = {}
    for outcome in outcomes:
        for s in outcome.signals:
            if s.label.startswith("image_error/"):
                image = str(s.attrs.get("image", ""))
                found.setdefault(image, {"image": image, "code": s.attrs.get("code", ""),
                                         "message": s.attrs.get("message", "")})
    return list(found.values())


def error_line(item_id: Any, code: str, message: str) -> dict:
    return {"id": item_id, "error": f"{code}: {message}"}


def _echo_id(obj: Any) -> Any:
    if isinstance(obj, dict):
        value = obj.get("id")
        if isinstance(value, str) and not LONE_SURROGATE.search(value):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _surrogate_field(obj: dict) -> str | None:
    """The first field whose string (or list item) holds a lone surrogate: it cannot be screened, shown as
    evidence or written out as UTF-8."""
    for name in (*_STRING_FIELDS, *_LIST_FIELDS):
        value = obj.get(name)
        for text in value if isinstance(value, list) else (value,):
            if isinstance(text, str) and LONE_SURROGATE.search(text):
                return name
    return None


def _check_fields(obj: dict) -> None:
    unknown = sorted(set(obj) - KNOWN_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(KNOWN_FIELDS))}",
                           code="unknown_field")
    if "id" not in obj:
        raise InvalidInput("every line needs an \"id\"", code="missing_id")
    if isinstance(obj["id"], str) and LONE_SURROGATE.search(obj["id"]):
        _refuse_surrogate("id")
    item_id = _echo_id(obj)
    if item_id is None or item_id == "":
        raise InvalidInput("\"id\" must be a non-empty string", code="wrong_type")
    for name in _STRING_FIELDS:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise InvalidInput(f"\"{name}\" must be a string", code="wrong_type")
    for name in _LIST_FIELDS:
        value = obj.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise InvalidInput(f"\"{name}\" must be a list of strings", code="wrong_type")
    chapter = obj.get("chapter")
    if chapter is not None and (not isinstance(chapter, int) or isinstance(chapter, bool)):
        raise InvalidInput("\"chapter\" must be a whole number", code="wrong_type")
    bad = _surrogate_field(obj)
    if bad is not None:
        _refuse_surrogate(bad)


def _refuse_surrogate(field: str) -> None:
    raise InvalidInput(f"\"{field}\" holds a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not "
                       "Unicode text; send valid surrogate pairs or the character itself", code="invalid_text")


def item_from_object(obj: dict) -> ContentItem:
    """A ContentItem from one decoded input object; raises InvalidInput for unknown fields or wrong types."""
    _check_fields(obj)
    return ContentItem(
        id=str(obj["id"]),
        title=obj.get("title") or "",
        text=obj.get("text") or "",
        html=obj.get("html") or "",
        images=tuple(ImageRef(ref) for ref in obj.get("images") or ()),
        links=tuple(obj.get("links") or ()),
        original_link=obj.get("original_link"),
        account_id=obj.get("account_id"),
        book_id=obj.get("book_id"),
        chapter=obj.get("chapter"),
    )


def decode_line(raw: bytes) -> dict:
    """Decode one raw input line; raises InvalidInput (invalid_utf8, invalid_json, not_an_object)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"line is not valid UTF-8 (byte {exc.start})", code="invalid_utf8") from None
    text = text.removeprefix("\ufeff")  # files saved by some editors start with a BOM
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        obj = _with_lone_surrogates(text, exc)
    if not isinstance(obj, dict):
        raise InvalidInput("each line must be a JSON object", code="not_an_object")
    return obj


def _with_lone_surrogates(text: str, error: orjson.JSONDecodeError) -> Any:
    """orjson refuses a lone ``\\ud800`` escape that JSON itself allows; read such a line with the standard
    parser so the item's fields can be checked (``invalid_text``, with the id echoed) instead of calling a valid
    line malformed. Anything else the standard parser also refuses is ``invalid_json``."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput(f"line is not valid JSON ({error})", code="invalid_json") from None


def screen_line(screener: Screener, raw: bytes) -> dict:
    """One raw input line -> one output object; never raises."""
    obj: Any = None
    try:
        obj = decode_line(raw.rstrip(b"\r\n"))
        item = item_from_object(obj)
        return to_contract(_echo_id(obj), screener.screen(item))
    except InvalidInput as exc:
        return error_line(_echo_id(obj), exc.code, exc.message)
    except Exception as exc:  # noqa: BLE001 - one bad item must never stop a batch
        return error_line(_echo_id(obj), "internal_error", f"{type(exc).__name__}: {exc}"[:300])


def dumps_line(body: dict) -> bytes:
    return orjson.dumps(body, default=str) + b"\n"
