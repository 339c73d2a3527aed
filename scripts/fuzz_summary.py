"""Summarise a hostile-input log into the table of docs/reliability.md ("Hostile input and fuzzing").

    QINGLANG_FUZZ_LOG=/tmp/fuzz.jsonl .venv/bin/python -m pytest -n 2 \\
        tests/e2e/test_api_fuzz.py tests/e2e/test_api_hostile_fields.py
    .venv/bin/python scripts/fuzz_summary.py /tmp/fuzz.jsonl

Each line of the log is one request the suites sent: its category, the database backend and the status.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict


def summarise(lines: list[dict]) -> list[tuple[str, str, int, int, int, int]]:
    """(category, backend, requests, 2xx, 4xx, 5xx) per category and backend."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for line in lines:
        counts[(line["category"], line["backend"])][line["status"] // 100] += 1
    return [(c, b, sum(n.values()), n[2], n[4], n[5]) for (c, b), n in sorted(counts.items())]


def main(path: str) -> None:
    with open(path, encoding="utf-8") as log:
        rows = summarise([json.loads(line) for line in log if line.strip()])
    print("| probe | database | requests | 2xx | 4xx | 5xx |")
    print("|---|---|---|---|---|---|")
    for category, backend, total, ok, refused, errors in rows:
        print(f"| {category} | {backend} | {total:,} | {ok:,} | {refused:,} | {errors} |")
    total = sum(r[2] for r in rows)
    print(f"| **all** | both | **{total:,}** | {sum(r[3] for r in rows):,} | {sum(r[4] for r in rows):,} | "
          f"**{sum(r[5] for r in rows)}** |")


if __name__ == "__main__":
    main(sys.argv[1])
