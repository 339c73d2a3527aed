"""Read the error catalogue of ``docs/api.md``: its tables of ``| status | `code`, `code` | ...`` rows.

The catalogue is the contract for error codes: the test suite checks the source against it (every code raised
is listed under its status) and checks every error response of the fuzz suites against it.
"""

from __future__ import annotations

import re
from pathlib import Path

_ROW = re.compile(r"\|\s*(\d{3})\s*\|([^|]*)\|")
_CODE = re.compile(r"`([a-z0-9_]+)`")


def documented_codes(api_md: Path) -> dict[str, set[int]]:
    """Every code in the catalogue's tables, with the statuses it is listed under."""
    codes: dict[str, set[int]] = {}
    for line in api_md.read_text(encoding="utf-8").splitlines():
        row = _ROW.match(line)
        if row:
            for code in _CODE.findall(row.group(2)):
                codes.setdefault(code, set()).add(int(row.group(1)))
    return codes
