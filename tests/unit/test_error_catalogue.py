"""Every error code qinglang raises is in the catalogue of docs/api.md, under the HTTP status it is raised with.

The source is read, not imported: each ``code="..."`` given to an error class (the status is the class's), each
raise of an error class without a code (the class's default code), each class that sets ``code = "..."``,
each ``error_response(status, "code", ...)``, each ``PydanticCustomError("code", ...)`` of the API's field
types (422), the framework codes of ``api.errors.HTTP_CODES``, and every review refusal code
(``domain.review.refusals.RefusalCode``, with the status its ``Refusal.error()`` carries). A code raised where its status cannot be
read (``_malformed(..., code=...)`` sets it afterwards) must still be listed under some status.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import qinglang
import qinglang.errors as errors
from qinglang.api.errors import HTTP_CODES, http_code
from qinglang.domain.review.refusals import Refusal, RefusalCode
from qinglang.imaging.decode import ImageError
from qinglang.testing.catalogue import documented_codes as read_catalogue

SOURCE = Path(qinglang.__file__).parent
API_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"
ERROR_CLASSES = {
    name: cls
    for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, errors.QinglangError)
} | {"ImageError": ImageError}


def _call_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)


def _literal(node: ast.AST) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _codes_in_call(node: ast.Call) -> list[tuple[str, int | None]]:
    name = _call_name(node)
    given = [_literal(k.value) for k in node.keywords if k.arg == "code"]
    if given and isinstance(given[0], str):
        return [(given[0], ERROR_CLASSES[name].status if name in ERROR_CLASSES else None)]
    if name in ERROR_CLASSES and not any(k.arg == "code" for k in node.keywords):
        return [(ERROR_CLASSES[name].code, ERROR_CLASSES[name].status)]
    if name == "error_response" and len(node.args) >= 2 and isinstance(_literal(node.args[1]), str):
        return [(_literal(node.args[1]), _literal(node.args[0]))]
    if name == "PydanticCustomError" and node.args and isinstance(_literal(node.args[0]), str):
        return [(_literal(node.args[0]), 422)]
    return []


def _class_constants(node: ast.ClassDef) -> dict[str, object]:
    """The literal ``name = value`` assignments in a class body (``code = "..."``, ``status = 500``)."""
    constants = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
            constants.update({t.id: statement.value.value for t in statement.targets if isinstance(t, ast.Name)})
    return constants


def _codes_in_class(node: ast.ClassDef) -> list[tuple[str, int | None]]:
    """An error class's own code, with its own status, else the status of the class of that name."""
    constants = _class_constants(node)
    if not isinstance(constants.get("code"), str):
        return []
    cls = ERROR_CLASSES.get(node.name)
    status = constants.get("status", cls.status if cls else None)
    return [(constants["code"], status if isinstance(status, int) else None)]


def raised_codes() -> dict[str, set[tuple[int | None, str]]]:
    """Every code in the source, with (status or None, file) for each place it is raised."""
    found: dict[str, set[tuple[int | None, str]]] = defaultdict(set)
    for path in sorted(SOURCE.rglob("*.py")):
        where = str(path.relative_to(SOURCE))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            pairs = _codes_in_call(node) if isinstance(node, ast.Call) else []
            pairs += _codes_in_class(node) if isinstance(node, ast.ClassDef) else []
            for code, status in pairs:
                found[code].add((status, where))
    for status, code in HTTP_CODES.items():
        found[code].add((status, "api/errors.py"))
    for status in (418, 599):  # the fallbacks of http_code for statuses without a code of their own
        found[http_code(status)].add((400 if status < 500 else 500, "api/errors.py"))
    for code in RefusalCode:  # transitions return refusals as values; services raise Refusal.error()
        found[code.value].add((Refusal(code, "").error().status, "domain/review/refusals.py"))
    return found


def test_the_source_walk_finds_the_codes_it_should():
    """Guards the walk itself: if it stopped finding codes, the catalogue test below would pass vacuously."""
    found = raised_codes()
    assert len(found) > 80
    assert {"invalid_text", "id_out_of_range", "json_too_deep", "malformed_csv", "internal_error"} <= set(found)
    assert (422, "services/lists.py") in found["invalid_list_kind"]


def test_every_raised_code_is_documented_under_its_status():
    documented = read_catalogue(API_MD)
    missing = []
    for code, places in sorted(raised_codes().items()):
        if code not in documented:
            missing.append(f"{code} (raised in {sorted(w for _s, w in places)}) is not in docs/api.md")
            continue
        for status, where in sorted(places, key=str):
            if status is not None and status not in documented[code]:
                missing.append(f"{code} is raised with status {status} in {where}, docs/api.md lists {sorted(documented[code])}")
    assert not missing, "\n".join(missing)


def test_the_catalogue_lists_no_code_that_nothing_raises():
    stale = sorted(set(read_catalogue(API_MD)) - set(raised_codes()))
    assert not stale, f"documented but never raised (remove, or raise them): {stale}"
