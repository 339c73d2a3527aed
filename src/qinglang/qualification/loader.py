"""Load and check a licence catalogue. Every problem is reported with the file and line it comes from.

Like the policy loader, the YAML is composed into nodes (which carry line marks) and checked node by node, so a
message reads ``catalogue.yaml:41: unknown operator kind 'person'; use one of: individual, ...``. Beyond shapes and
types, the checks a reader of the file would make by hand:

1. every number pattern compiles, and every ``example`` passes its own kind's number check;
2. every requirement names licence kinds that exist;
3. a requirement that some allowed operator kind can never meet (none of its licences can be held by that kind)
   is a **warning**: such operators are simply never qualified for the category, which may be intended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from qinglang.errors import ConfigError
from qinglang.qualification.catalogue import (
    AccountCategory,
    Catalogue,
    EndDate,
    LicenceKind,
    NumberCheck,
    NumberFormat,
    Requirement,
    licence_number_fault,
)
from qinglang.qualification.operators import OperatorKind
from qinglang.qualification.regions import ABBREVIATION_CLASS

ID = re.compile(r"^[a-z][a-z0-9_]*$")
TOP = ({"version", "licence_kinds", "account_categories"}, {"warn_days", "every_category"})
KIND = ({"name_zh", "name_en", "issuer", "basis", "number", "end_date", "holders"}, {"scopes", "max_validity_years"})
NUMBER = ({"example"}, {"check", "pattern"})
REQUIREMENT = ({"licences", "basis"}, {"operators"})
CATEGORY = ({"name_zh", "name_en", "operators", "requires"}, set())
Fields = dict[str, tuple[yaml.Node, yaml.Node]]


@dataclass(frozen=True, slots=True)
class CatalogueIssue:
    """One problem in a catalogue file; ``line`` is 1-based (0 when the file could not be read)."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {'warning: ' if self.severity == 'warning' else ''}{self.message}"


class _Checker:
    def __init__(self, source: str):
        self.source = source
        self.issues: list[CatalogueIssue] = []

    def error(self, node: yaml.Node | None, message: str) -> None:
        self.issues.append(CatalogueIssue(self.source, _line(node), message))

    def warn(self, node: yaml.Node | None, message: str) -> None:
        self.issues.append(CatalogueIssue(self.source, _line(node), message, "warning"))

    def mapping(self, node: yaml.Node, keys: tuple[set[str], set[str]], what: str) -> Fields | None:
        """Key -> (key node, value node); reports non-mappings, unknown, duplicate and missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping")
            return None
        required, optional = keys
        out: Fields = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in out:
                self.error(key_node, f"duplicate key {key!r} in {what}")
            elif key not in required | optional:
                self.error(key_node, f"unknown key {key!r} in {what}; allowed: {', '.join(sorted(required | optional))}")
            else:
                out[key] = (key_node, value_node)
        for key in sorted(required - out.keys()):
            self.error(node, f"{what} is missing {key!r}")
        return out if required <= out.keys() else None

    def entries(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """The ``id: {...}`` entries of a mapping keyed by snake_case ids."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of id: entry")
            return []
        out, seen = [], set()
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            if not ID.match(key):
                self.error(key_node, f"{what} id {key!r} must be snake_case, e.g. 'news_information'")
            elif key in seen:
                self.error(key_node, f"duplicate {what} id {key!r}")
            else:
                seen.add(key)
                out.append((key, key_node, value_node))
        return out

    def text(self, node: yaml.Node, what: str) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith((":str", ":int")) and str(node.value).strip():
            return str(node.value).strip()
        self.error(node, f"{what} must be non-empty text")
        return None

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        self.error(node, f"{what} must be a list")
        return []

    def kinds(self, node: yaml.Node, what: str) -> frozenset[OperatorKind] | None:
        out = set()
        for item in self.sequence(node, what):
            try:
                out.add(OperatorKind(item.value if isinstance(item, yaml.ScalarNode) else None))
            except ValueError:
                self.error(item, f"unknown operator kind {getattr(item, 'value', item)!r} in {what}; use one of: "
                           f"{', '.join(OperatorKind)}")
                return None
        if not out:
            self.error(node, f"{what} must name at least one operator kind")
            return None
        return frozenset(out)

    def integer(self, node: yaml.Node, what: str, low: int, high: int) -> int | None:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":int") and low <= int(node.value) <= high:
            return int(node.value)
        self.error(node, f"{what} must be a whole number from {low} to {high}")
        return None


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _number_format(chk: _Checker, node: yaml.Node, kind_id: str) -> NumberFormat | None:
    fields = chk.mapping(node, NUMBER, f"the number of {kind_id!r}")
    if fields is None:
        return None
    check_node = fields.get("check", (None, None))[1]
    check_text = check_node.value if check_node is not None else "pattern"
    try:
        check = NumberCheck(check_text)
    except ValueError:
        chk.error(check_node, f"unknown number check {check_text!r}; use one of: {', '.join(NumberCheck)}")
        return None
    example = chk.text(fields["example"][1], "example")
    if (check is NumberCheck.PATTERN) != ("pattern" in fields):
        chk.error(node, "give a 'pattern' exactly when the check is 'pattern'")
        return None
    pattern = _pattern(chk, fields["pattern"][1]) if "pattern" in fields else None
    if example is None or (check is NumberCheck.PATTERN and pattern is None):
        return None
    return NumberFormat(check, example, pattern)


def _pattern(chk: _Checker, node: yaml.Node) -> re.Pattern[str] | None:
    text = chk.text(node, "pattern")
    try:
        return re.compile(text.replace("{province}", f"[{ABBREVIATION_CLASS}]")) if text else None
    except re.error as exc:
        chk.error(node, f"pattern is not a valid regular expression: {exc}")
        return None


def _licence_kind(chk: _Checker, kind_id: str, node: yaml.Node) -> LicenceKind | None:
    fields = chk.mapping(node, KIND, f"licence kind {kind_id!r}")
    if fields is None:
        return None
    texts = {k: chk.text(fields[k][1], k) for k in ("name_zh", "name_en", "issuer", "basis")}
    number = _number_format(chk, fields["number"][1], kind_id)
    holders = chk.kinds(fields["holders"][1], "holders")
    try:
        end_date = EndDate(fields["end_date"][1].value)
    except (ValueError, AttributeError):
        chk.error(fields["end_date"][1], f"end_date must be one of: {', '.join(EndDate)}")
        end_date = None
    years = chk.integer(fields["max_validity_years"][1], "max_validity_years", 1, 50) if (
        "max_validity_years" in fields) else None
    scopes = tuple(s for s in (chk.text(n, "a scope") for n in chk.sequence(fields["scopes"][1], "scopes")) if s) if (
        "scopes" in fields) else ()
    if None in texts.values() or number is None or holders is None or end_date is None:
        return None
    kind = LicenceKind(kind_id, texts["name_zh"], texts["name_en"], texts["issuer"], texts["basis"], number,
                       end_date, holders, scopes, years)
    fault = licence_number_fault(kind, number.example)
    if fault is not None:
        chk.error(fields["number"][1], f"the example of {kind_id!r} fails its own check: it {fault.message}")
    return kind


def _requirement(chk: _Checker, node: yaml.Node, kinds: dict[str, LicenceKind]) -> Requirement | None:
    fields = chk.mapping(node, REQUIREMENT, "a requirement")
    if fields is None:
        return None
    licences = []
    for item in chk.sequence(fields["licences"][1], "licences"):
        if getattr(item, "value", None) not in kinds:
            chk.error(item, f"unknown licence kind {getattr(item, 'value', item)!r}; known: {', '.join(sorted(kinds))}")
        else:
            licences.append(item.value)
    basis = chk.text(fields["basis"][1], "basis")
    operators = chk.kinds(fields["operators"][1], "operators") if "operators" in fields else None
    if not licences or basis is None or ("operators" in fields and operators is None):
        if not licences and isinstance(fields["licences"][1], yaml.SequenceNode) and not fields["licences"][1].value:
            chk.error(fields["licences"][1], "a requirement must name at least one licence kind")
        return None
    return Requirement(tuple(licences), basis, operators)


def _requirements(chk: _Checker, node: yaml.Node, kinds: dict[str, LicenceKind]) -> tuple[Requirement, ...]:
    found = [(n, _requirement(chk, n, kinds)) for n in chk.sequence(node, "requires")]
    return tuple(r for _, r in found if r is not None)


def _category(chk: _Checker, cat_id: str, node: yaml.Node, kinds, every) -> AccountCategory | None:
    fields = chk.mapping(node, CATEGORY, f"account category {cat_id!r}")
    if fields is None:
        return None
    names = [chk.text(fields[k][1], k) for k in ("name_zh", "name_en")]
    operators = chk.kinds(fields["operators"][1], "operators")
    requires = _requirements(chk, fields["requires"][1], kinds)
    if None in names or operators is None:
        return None
    category = AccountCategory(cat_id, names[0], names[1], operators, requires)
    for kind in sorted(operators):
        for req in (*every, *requires):
            if req.applies_to(kind) and not any(kind in kinds[k].holders for k in req.licences):
                chk.warn(node, f"{kind} operators can never be qualified for {cat_id!r}: none of "
                         f"{', '.join(req.licences)} can be held by a {kind} operator")
    return category


def _document(chk: _Checker, root: yaml.Node) -> Catalogue | None:
    top = chk.mapping(root, TOP, "the catalogue")
    if top is None:
        return None
    version = chk.text(top["version"][1], "version")
    warn_days = chk.integer(top["warn_days"][1], "warn_days", 0, 365) if "warn_days" in top else 30
    kinds = {k: v for k, _, n in chk.entries(top["licence_kinds"][1], "licence kind")
             if (v := _licence_kind(chk, k, n)) is not None}
    every = _requirements(chk, top["every_category"][1], kinds) if "every_category" in top else ()
    categories = {c: v for c, _, n in chk.entries(top["account_categories"][1], "account category")
                  if (v := _category(chk, c, n, kinds, every)) is not None}
    if version is None or warn_days is None:
        return None
    return Catalogue(version, kinds, categories, every, warn_days, chk.source)


def parse_catalogue(text: str, source: str = "<catalogue>") -> tuple[Catalogue | None, list[CatalogueIssue]]:
    """Parse catalogue YAML: the catalogue (``None`` when any error was found) and every issue, in line order."""
    chk = _Checker(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [CatalogueIssue(source, mark.line + 1 if mark else 1, f"not valid YAML: {getattr(exc, 'problem', None) or exc}")]
    if root is None:
        return None, [CatalogueIssue(source, 1, "the catalogue file is empty")]
    catalogue = _document(chk, root)
    issues = sorted(chk.issues, key=lambda i: i.line)
    return (None if any(i.severity == "error" for i in issues) else catalogue), issues


def load_catalogue(path: str | Path) -> Catalogue:
    """Load a catalogue file or raise ``ConfigError`` (code ``catalogue_invalid``) naming the first error's line."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the licence catalogue {path}: {exc}", code="catalogue_invalid",
                          details={"file": str(path), "line": 0}) from exc
    catalogue, issues = parse_catalogue(text, str(path))
    if catalogue is None:
        errors = [i for i in issues if i.severity == "error"]
        raise ConfigError(f"{errors[0]}", code="catalogue_invalid", details={
            "file": errors[0].file, "line": errors[0].line, "errors": [str(e) for e in errors]})
    return catalogue


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The catalogue shipped in the package (``qinglang/qualification/catalogue.yaml``)."""
    text = resources.files("qinglang.qualification").joinpath("catalogue.yaml").read_text("utf-8")
    catalogue, issues = parse_catalogue(text, "qinglang/qualification/catalogue.yaml")
    if catalogue is None:
        raise ConfigError(f"the shipped licence catalogue is invalid: {issues[0]}", code="catalogue_invalid")
    return catalogue
