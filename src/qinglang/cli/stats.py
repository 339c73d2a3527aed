"""``qinglang stats report``: the supervision report (监管报告) of a period as PDF, XLSX or CSV.

Daily figures are not kept in the database yet: until the worker maintains them, the command reads them from
a JSON file (``--figures``, format in docs/statistics.md). When the database keeps them, ``--figures`` becomes
optional and the command reads the database by default.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import click

from qinglang.statistics.periods import DEFAULT_TIME_ZONE

FORMATS = ("pdf", "xlsx", "csv")
NO_DATABASE_YET = ("daily figures are not kept in the database yet: pass them with --figures FILE.json "
                   "(the format is in docs/statistics.md)")


def _date(ctx, param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def _zone(ctx, param, value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"{value!r} is not a time zone; use an IANA name such as Asia/Shanghai") from None
    return value


def _read_figures(path: Path):
    from qinglang.statistics.serialize import load_days

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.UsageError(f"cannot read the figures file {path}: {exc}") from None
    return load_days(document)


@click.group("stats")
def stats_group() -> None:
    """Statistics for daily supervision and the regulator's reports."""


@stats_group.command("report")
@click.option("--from", "start", required=True, callback=_date, help="first day of the period (YYYY-MM-DD)")
@click.option("--to", "end", required=True, callback=_date, help="last day of the period, included")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="pdf, xlsx or csv (default: the output's suffix)")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="file to write")
@click.option("--figures", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="daily figures as JSON (required for now: the database does not keep them yet)")
@click.option("--time-zone", default=DEFAULT_TIME_ZONE, show_default=True, callback=_zone,
              help="the zone the daily figures were counted in (named in the report)")
@click.option("--platform", default="", help="platform name for the report's title")
@click.option("--json", "as_json", is_flag=True, help="print what was written as JSON")
def report_command(start, end, fmt, output, figures, time_zone, platform, as_json) -> None:
    """Write the supervision report of --from..--to, compared with the previous period when the figures
    include all of it. Today the figures come only from --figures; reading them from the database comes with
    the daily-figures table."""
    if figures is None:
        raise click.UsageError(NO_DATABASE_YET)
    fmt = fmt or output.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise click.UsageError(f"say --format pdf, xlsx or csv (the output's suffix {output.suffix!r} is none)")
    summary = _write_report(_read_figures(figures), start, end, fmt, output, time_zone, platform)
    click.echo(json.dumps(summary, ensure_ascii=False) if as_json else _summary_line(summary))


def _write_report(days, start, end, fmt, output: Path, time_zone: str, platform: str) -> dict:
    from qinglang.statistics.aggregate import select_period
    from qinglang.statistics.problems import Problem
    from qinglang.supervision import render_report

    chosen = days if isinstance(days, Problem) else select_period(days, start, end)
    if isinstance(chosen, Problem):
        click.echo(f"error [{chosen.code}]: {chosen.message}", err=True)
        sys.exit(1)
    data = render_report(chosen.period, fmt, previous=chosen.previous, days=chosen.days,
                         generated_at=datetime.now().astimezone(), time_zone=time_zone, platform=platform)
    output.write_bytes(data)
    return {"output": str(output), "format": fmt, "bytes": len(data), "from": start.isoformat(),
            "to": end.isoformat(), "days_with_figures": len(chosen.days),
            "missing_days": [d.isoformat() for d in chosen.period.missing], "compared": chosen.previous is not None}


def _summary_line(summary: dict) -> str:
    missing = f", {len(summary['missing_days'])} days without figures" if summary["missing_days"] else ""
    compared = ", compared with the previous period" if summary["compared"] else ""
    return f"wrote {summary['output']} ({summary['format']}, {summary['bytes']} bytes{missing}{compared})"


def register(group: click.Group) -> None:
    group.add_command(stats_group)
