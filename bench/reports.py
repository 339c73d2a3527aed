"""Statistics and supervision reports: aggregating a month of daily figures, and rendering its report.

Data: 30 days of invented daily figures (``qinglang.testing.figures.november``, seeded), every section used.
Method: each step timed on its own, best of ``REPEATS`` by process CPU time (the wall time beside it shows how
busy the machine was); the PDF with and without its three charts.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

REPEATS = 3


def _best(fn) -> dict:
    runs = []
    for _ in range(REPEATS):
        cpu, wall = time.process_time(), time.perf_counter()
        result = fn()
        runs.append((time.process_time() - cpu, time.perf_counter() - wall, result))
    cpu, wall, result = min(runs, key=lambda r: r[0])
    return {"cpu_s": round(cpu, 3), "wall_s": round(wall, 3), "result": result}


def run() -> dict:
    from qinglang.statistics.aggregate import aggregate
    from qinglang.statistics.prometheus import LiveSnapshot, render_prometheus
    from qinglang.supervision import build_report, render
    from qinglang.testing.figures import november

    days = november()
    start, end = date(2026, 11, 1), date(2026, 11, 30)
    period = aggregate(days, start, end)
    generated = datetime(2026, 12, 1, tzinfo=UTC)
    with_charts = build_report(period, days=days, generated_at=generated)
    plain = build_report(period, generated_at=generated)
    figures = {
        "aggregate_30_days": _best(lambda: aggregate(days, start, end).day_count),
        "build_report_with_charts": _best(lambda: len(build_report(period, days=days, generated_at=generated).charts)),
        "pdf_with_charts": _best(lambda: len(render(with_charts, "pdf"))),
        "pdf_without_charts": _best(lambda: len(render(plain, "pdf"))),
        "xlsx": _best(lambda: len(render(plain, "xlsx"))),
        "csv": _best(lambda: len(render(plain, "csv"))),
        "prometheus": _best(lambda: len(render_prometheus(LiveSnapshot(generated, screened={"pass": 1, "block": 2})))),
    }
    return {"data": "30 invented days (qinglang.testing.figures.november, seed 12)",
            "method": f"best of {REPEATS} by process CPU time; result = days, charts or bytes produced",
            "figures": figures}
