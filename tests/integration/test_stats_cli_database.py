"""``qinglang stats recompute`` and ``qinglang stats report`` on a real database (SQLite and PostgreSQL): the
report's figures are the ones the scenario's ledger says, in CSV and XLSX alike."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner
from openpyxl import load_workbook
from review_support import sessions_for

from qinglang.cli.main import cli
from qinglang.testing.activity import DAYS, Scenario


def _run(url: str, *args: str):
    return CliRunner().invoke(cli, list(args), env={"QINGLANG_DATABASE__URL": url})


def _seed(url: str):
    with sessions_for(url) as factory:
        return Scenario(factory).run()


def test_recompute_then_report_from_the_database(database_url, tmp_path):
    ledger = _seed(database_url)
    first, last = DAYS[0].isoformat(), DAYS[-1].isoformat()
    counted = _run(database_url, "stats", "recompute", "--from", first, "--to", last, "--json")
    assert counted.exit_code == 0, counted.output
    days = json.loads(counted.output)["days"]
    assert [d["reports_received"] for d in days] == [ledger.count("report", (d,)) for d in DAYS]
    out = tmp_path / "r.csv"
    result = _run(database_url, "stats", "report", "--from", first, "--to", last, "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = {r["指标代码"]: r["数值"] for r in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))}
    assert rows["reports.received"] == str(ledger.count("report"))
    assert rows["reports.handled"] == str(ledger.count("handled"))
    assert rows["decisions.decided"] == str(ledger.count("decided"))
    assert rows["screening.screened"] == str(ledger.count("screened"))
    assert rows["accounts.closed"] == "1" and rows["works.books"] == "1"
    xlsx = tmp_path / "r.xlsx"
    assert _run(database_url, "stats", "report", "--from", first, "--to", last, "--output", str(xlsx)).exit_code == 0
    cells = {row[5]: row[2] for sheet in load_workbook(xlsx).worksheets[1:] for row in sheet.iter_rows(values_only=True)}
    assert cells["reports.received"] == ledger.count("report") and cells["rewards.paid_cents"] == 10.0


def test_recompute_refuses_a_reversed_range(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    assert _run(url, "db", "upgrade").exit_code == 0
    result = _run(url, "stats", "recompute", "--from", "2026-11-30", "--to", "2026-11-01")
    assert result.exit_code == 1 and "stats_range_reversed" in result.output
