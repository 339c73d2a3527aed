"""``qinglang stats report``: from a figures file to PDF, XLSX and CSV, and clear errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from qinglang.cli.main import cli

GOLDEN = Path(__file__).parent / "golden" / "statistics"
FIGURES = GOLDEN / "two_days.json"


def run(*args):
    return CliRunner().invoke(cli, ["stats", "report", *args])


def test_csv_of_two_hand_written_days_matches_the_golden_file(tmp_path):
    out = tmp_path / "report.csv"
    result = run("--from", "2026-11-01", "--to", "2026-11-02", "--figures", str(FIGURES), "--output", str(out))
    assert result.exit_code == 0, result.output
    golden = GOLDEN / "two_days.csv"
    if os.environ.get("QINGLANG_UPDATE_GOLDEN"):
        golden.write_bytes(out.read_bytes())
    assert out.read_bytes() == golden.read_bytes()


def test_golden_figures_are_the_hand_computed_ones():
    """The golden file's key lines, checked against sums and quantiles worked out by hand from two_days.json."""
    rows = {line.split(",")[6]: line.split(",")[3] for line in (GOLDEN / "two_days.csv").read_text("utf-8-sig").splitlines()[1:]}
    assert rows["reports.received"] == "23" and rows["reports.handled"] == "17"
    assert rows["reports.time_to_handle.median"] == "5400"  # rank ceil(0.5 * 17) = 9 of the 17 sorted durations
    assert rows["reports.time_to_handle.p90"] == "100000"  # rank ceil(0.9 * 17) = 16
    assert rows["reports.open_at_end"] == "17"  # a stock: the last day's value
    assert rows["accounts.suspended"] == "1" and rows["works.books"] == "1" and rows["works.chapters"] == "3"
    assert rows["screening.porn.block"] == "11" and rows["screening.gambling.block"] == "2"
    assert rows["team.reviewer.lihua.time_per_case.median"] == "120"  # 90, 100, 120, 300, 420
    assert rows["rewards.paid_cents"] == "10.0"  # yuan


def test_xlsx_and_pdf_are_written_and_json_says_what(tmp_path):
    result = run("--from", "2026-11-01", "--to", "2026-11-30", "--figures", str(FIGURES),
                 "--output", str(tmp_path / "nov.xlsx"), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["days_with_figures"] == 2 and len(summary["missing_days"]) == 28 and not summary["compared"]
    book = load_workbook(tmp_path / "nov.xlsx")
    readme = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    assert "其中 28 天缺少日统计数据" in readme["数据完整性"]


def test_without_figures_the_command_reads_the_database_and_says_when_it_holds_none(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert CliRunner().invoke(cli, ["db", "upgrade"], env={"QINGLANG_DATABASE__URL": url}).exit_code == 0
    result = CliRunner().invoke(cli, ["stats", "report", "--from", "2026-11-01", "--to", "2026-11-30", "--output",
                                      str(tmp_path / "r.pdf")], env={"QINGLANG_DATABASE__URL": url})
    assert result.exit_code == 1 and "figures_none_in_period" in result.output
    assert not (tmp_path / "r.pdf").exists()


def test_bad_input_is_refused_with_the_place_and_writes_nothing(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "qinglang.daily-figures/1", "days": [{"day": "2026-11-01",
                                  "figures": {"reports": {"handled": "5"}}}]}), "utf-8")
    out = tmp_path / "r.csv"
    result = run("--from", "2026-11-01", "--to", "2026-11-30", "--figures", str(broken), "--output", str(out))
    assert result.exit_code == 1
    assert "error [figures_invalid]: days[0].figures.reports.handled: must be a whole number >= 0, got '5'" in result.output
    assert not out.exists()
    reversed_ = run("--from", "2026-11-30", "--to", "2026-11-01", "--figures", str(FIGURES), "--output", str(out))
    assert reversed_.exit_code == 1 and "[period_reversed]" in reversed_.output
    no_suffix = run("--from", "2026-11-01", "--to", "2026-11-30", "--figures", str(FIGURES), "--output", str(tmp_path / "r"))
    assert no_suffix.exit_code == 2 and "say --format pdf, xlsx or csv" in no_suffix.output
    zone = run("--from", "2026-11-01", "--to", "2026-11-30", "--figures", str(FIGURES), "--output", str(out),
               "--time-zone", "Mars/Olympus")
    assert zone.exit_code == 2 and "'Mars/Olympus' is not a time zone" in zone.output
    not_json = tmp_path / "x.json"
    not_json.write_text("{", "utf-8")
    bad = run("--from", "2026-11-01", "--to", "2026-11-30", "--figures", str(not_json), "--output", str(out))
    assert bad.exit_code == 2 and "cannot read the figures file" in bad.output
