"""The licence catalogue: the shipped file is clean; a broken one is reported with file and line; licence facts
are checked before they are stored."""

from __future__ import annotations

from datetime import date
from importlib import resources
from textwrap import dedent

import pytest

from qinglang.errors import ConfigError, InvalidInput, NotFound
from qinglang.qualification.catalogue import licence_number_fault
from qinglang.qualification.licences import LicenceFacts, licence_faults, require_licence
from qinglang.qualification.loader import default_catalogue, load_catalogue, parse_catalogue
from qinglang.qualification.operators import OperatorKind

GOOD = dedent("""\
    version: "t1"
    licence_kinds:
      news_information:
        name_zh: 互联网新闻信息服务许可证
        name_en: news licence
        issuer: 网信办
        basis: 规定
        number: {pattern: '[0-9]{11}', example: "11120170001"}
        end_date: required
        max_validity_years: 3
        holders: [enterprise, media]
    account_categories:
      news:
        name_zh: 新闻
        name_en: news
        operators: [enterprise, media]
        requires:
          - licences: [news_information]
            basis: 规定
    """)


def issues_of(text: str) -> list[str]:
    return [str(i) for i in parse_catalogue(text, "c.yaml")[1]]


def test_the_shipped_catalogue_has_no_issues_and_every_example_passes_its_check():
    text = resources.files("qinglang.qualification").joinpath("catalogue.yaml").read_text("utf-8")
    catalogue, issues = parse_catalogue(text, "catalogue.yaml")
    assert issues == []
    for kind in catalogue.licence_kinds.values():
        assert licence_number_fault(kind, kind.number.example) is None, kind.id
    assert {"serialized_fiction", "news", "video", "general"} <= set(catalogue.categories)
    assert catalogue.get_category("news").requires[0].licences == ("news_information",)


def test_a_good_catalogue_parses():
    catalogue, issues = parse_catalogue(GOOD, "c.yaml")
    assert issues == [] and catalogue.warn_days == 30 and catalogue.version == "t1"


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("holders: [enterprise, media]", "holders: [enterprise, person]",
     "c.yaml:11: unknown operator kind 'person' in holders; use one of: individual, enterprise, government, media, "
     "other_organisation"),
    ("'[0-9]{11}'", "'[0-9]{10}'", "c.yaml:8: the example of 'news_information' fails its own check"),
    ("'[0-9]{11}'", "'[0-9'", "c.yaml:8: pattern is not a valid regular expression"),
    ("licences: [news_information]", "licences: [news_licence]",
     "c.yaml:18: unknown licence kind 'news_licence'; known: news_information"),
    ("end_date: required", "end_date: sometimes", "c.yaml:9: end_date must be one of: required, optional, none"),
    ("    basis: 规定\n    number", "    basis: 规定\n    colour: red\n    number",
     "c.yaml:8: unknown key 'colour' in licence kind 'news_information'"),
    ("  news:\n", "  News:\n", "c.yaml:13: account category id 'News' must be snake_case"),
    ("max_validity_years: 3", "max_validity_years: 0", "c.yaml:10: max_validity_years must be a whole number from 1 to 50"),
])
def test_errors_name_the_file_and_line(old, new, expected):
    assert old in GOOD
    found = issues_of(GOOD.replace(old, new))
    assert any(i.startswith(expected) for i in found), found


def test_missing_keys_and_bad_yaml_are_reported():
    assert issues_of("version: x\n") == ["c.yaml:1: the catalogue is missing 'account_categories'",
                                         "c.yaml:1: the catalogue is missing 'licence_kinds'"]
    assert issues_of("version: [x\n")[0].startswith("c.yaml:2: not valid YAML")
    assert issues_of("") == ["c.yaml:1: the catalogue file is empty"]


def test_a_requirement_some_allowed_operators_can_never_meet_is_a_warning():
    catalogue, issues = parse_catalogue(GOOD.replace("operators: [enterprise, media]",
                                                     "operators: [enterprise, individual]"), "c.yaml")
    assert catalogue is not None
    assert [str(i) for i in issues] == ["c.yaml:14: warning: individual operators can never be qualified for 'news': "
                                        "none of news_information can be held by a individual operator"]


def test_load_catalogue_raises_config_error_with_file_and_line(tmp_path):
    path = tmp_path / "cat.yaml"
    path.write_text(GOOD.replace("end_date: required", "end_date: never"), "utf-8")
    with pytest.raises(ConfigError) as err:
        load_catalogue(path)
    assert err.value.code == "catalogue_invalid" and err.value.details["line"] == 9
    with pytest.raises(ConfigError):
        load_catalogue(tmp_path / "missing.yaml")


def test_unknown_category_is_not_found_with_a_stable_code():
    with pytest.raises(NotFound) as err:
        default_catalogue().get_category("poetry")
    assert err.value.code == "account_category_not_found"


# --- licence facts ----------------------------------------------------------------------------------------


def facts(**changes) -> LicenceFacts:
    base = dict(kind="online_publishing", number="（署）网出证（京）字第123号", issuer="国家新闻出版署",
                valid_from=date(2024, 1, 1), valid_until=date(2028, 12, 31))
    return LicenceFacts(**{**base, **changes})


def test_good_licence_facts_have_no_faults_and_the_number_is_canonical():
    stored = require_licence(default_catalogue(), facts(), OperatorKind.ENTERPRISE)
    assert stored.number == "(署)网出证(京)字第123号"


@pytest.mark.parametrize(("changes", "code"), [
    ({"kind": "fishing_licence"}, "unknown_kind"),
    ({"number": "网出证123"}, "number_format"),
    ({"issuer": " "}, "issuer"),
    ({"valid_until": None}, "end_date_missing"),
    ({"valid_until": date(2023, 1, 1)}, "dates_reversed"),
    ({"valid_until": date(2030, 1, 2)}, "validity_too_long"),
    ({"kind": "icp_filing", "number": "京ICP备12345678号"}, "end_date_not_allowed"),
    ({"kind": "news_information", "number": "11120170001", "scope": ("娱乐服务",), "valid_until": date(2026, 1, 1)},
     "scope"),
    ({"kind": "business_licence", "number": "91110108551385082R", "valid_until": None}, "number_check_digit"),
])
def test_each_bad_field_is_named_with_a_stable_code(changes, code):
    assert code in [f.code for f in licence_faults(default_catalogue(), facts(**changes))]


def test_all_bad_fields_are_reported_at_once_and_require_raises_invalid_licence():
    bad = facts(number="x", issuer="", valid_until=date(2020, 1, 1))
    with pytest.raises(InvalidInput) as err:
        require_licence(default_catalogue(), bad, OperatorKind.INDIVIDUAL)
    assert err.value.code == "invalid_licence"
    assert {f["code"] for f in err.value.details["faults"]} == {"number_format", "issuer", "dates_reversed",
                                                                "holder_kind"}
