"""``qinglang stats report|recompute``: the supervision report (监管报告) of a period as PDF, XLSX or CSV, and
recounting the daily figures of past days.

``report`` reads the daily figures from the database (the ``daily_figures`` table the worker keeps current),
or from a JSON file given with ``--figures`` (format in docs/statistics.md). ``recompute`` counts the days
``--from..--to`` again from the tables and replaces their stored figures.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import click

from qinglang.cli.db import reports_errors
from qinglang.statistics.periods import DEFAULT_TIME_ZONE

FORMATS = ("pdf", "xlsx", "csv")


def _date(ctx, param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def _zone(ctx, param, value: str | None) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if value is None:
        return None
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


def _settings():
    from qinglang.config import load_settings

    return load_settings()


def _stored_figures(start: date, end: date, time_zone: str | None):
    """The stored daily figures of the period and the one before it, and the zone they were counted in."""
    from qinglang.cli.db import open_sessions
    from qinglang.services.statistics import daily
    from qinglang.statistics.periods import previous_period
    from qinglang.storage.db import transaction

    settings = _settings()
    time_zone = time_zone or settings.statistics.time_zone
    before, _ = previous_period(start, end) if end >= start else (start, end)
    with transaction(open_sessions(settings)) as session:
        return daily.read_days(session, min(start, before), end, time_zone), time_zone


@stats_group.command("recompute")
@click.option("--from", "start", required=True, callback=_date, help="first day to count (YYYY-MM-DD)")
@click.option("--to", "end", required=True, callback=_date, help="last day to count, included")
@click.option("--time-zone", default=None, callback=_zone, help="default: statistics.time_zone")
@click.option("--json", "as_json", is_flag=True, help="print the days counted as JSON")
@reports_errors
def recompute_command(start, end, time_zone, as_json) -> None:
    """Count the days --from..--to again from the tables and replace their stored figures (idempotent)."""
    from qinglang.cli.db import open_sessions
    from qinglang.services.statistics import daily

    settings = _settings()
    time_zone = time_zone or settings.statistics.time_zone
    done = daily.recount_range(open_sessions(settings), start, end, time_zone)
    summary = {"from": start.isoformat(), "to": end.isoformat(), "time_zone": time_zone,
               "days": [{"day": d.day.isoformat(), "screened": d.figures.screening.screened,
                         "reports_received": d.figures.reports.received,
                         "cases_decided": d.figures.decisions.decided} for d in done]}
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        click.echo(f"recounted {len(done)} days {start}..{end} ({time_zone})")


@stats_group.command("report")
@click.option("--from", "start", required=True, callback=_date, help="first day of the period (YYYY-MM-DD)")
@click.option("--to", "end", required=True, callback=_date, help="last day of the period, included")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="pdf, xlsx or csv (default: the output's suffix)")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="file to write")
@click.option("--figures", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="daily figures as JSON instead of the database's")
@click.option("--time-zone", default=None, callback=_zone,
              help="the zone the daily figures were counted in (default: statistics.time_zone, Asia/Shanghai)")
@click.option("--platform", default="", help="platform name for the report's title")
@click.option("--json", "as_json", is_flag=True, help="print what was written as JSON")
def report_command(start, end, fmt, output, figures, time_zone, platform, as_json) -> None:
    """Write the supervision report of --from..--to, compared with the previous period when the figures
    include all of it. The figures come from the database unless --figures names a file."""
    fmt = fmt or output.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise click.UsageError(f"say --format pdf, xlsx or csv (the output's suffix {output.suffix!r} is none)")
    if figures is not None:
        days = _read_figures(figures)
        time_zone = time_zone or DEFAULT_TIME_ZONE
    else:
        days, time_zone = _stored_figures(start, end, time_zone)
    summary = _write_report(days, start, end, fmt, output, time_zone, platform)
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
