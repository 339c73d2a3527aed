"""How a figure's value is shown (PDF) and exported (XLSX, CSV): one place, so the formats cannot disagree.

Exported values stay numbers: counts as integers, durations in seconds, rates as fractions (0.925, shown as
92.5%), money in yuan (the ledger keeps cents; 1250 cents export as 12.5). An undefined figure (``None``: a
median of nothing, a rate of nothing) exports as an empty cell and shows as "—", never as 0.
"""

from __future__ import annotations

from qinglang.statistics.trace import Figure

UNIT_NAMES = {"count": "数量", "seconds": "秒", "ratio": "比例", "cents": "元"}
NO_VALUE = "—"


def exported(figure: Figure) -> int | float | None:
    """The number written to a spreadsheet cell or a CSV field."""
    if figure.value is None:
        return None
    if figure.unit == "cents":
        return figure.value / 100
    return figure.value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_text(text: str) -> str:
    """Text a spreadsheet will not run as a formula: a reviewer named ``=HYPERLINK(...)`` or a stored value
    starting with ``+``/``-``/``@`` gets a leading apostrophe (the OWASP advice for CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unit_name(figure: Figure) -> str:
    return UNIT_NAMES.get(figure.unit, figure.unit)


def duration_text(seconds: int | float) -> str:
    """``3 小时 12 分`` style: days, hours, minutes; under an hour minutes and seconds (``3 分 20 秒``)."""
    seconds = int(round(seconds))
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        return " ".join(p for p in (f"{minutes} 分" if minutes else "", f"{rest} 秒" if rest or not minutes else "") if p)
    minutes, _ = divmod(seconds, 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "", f"{minutes} 分" if minutes else ""]
    return " ".join(p for p in parts if p)


def shown(figure: Figure) -> str:
    """The value as a reader sees it in the PDF: ``1,204``, ``92.5%``, ``3 小时 12 分``, ``¥12.50``, ``—``."""
    return value_text(figure.value, figure.unit)


def value_text(value: int | float | None, unit: str) -> str:
    if value is None:
        return NO_VALUE
    if unit == "ratio":
        return f"{value:.1%}"
    if unit == "seconds":
        return duration_text(value)
    if unit == "cents":
        return f"¥{value / 100:,.2f}"
    return f"{value:,}"


def change_text(delta: int | float | None, relative: float | None, unit: str) -> str:
    """The 环比 column: ``+12 (+8.3%)``; rates change in percentage points (``+1.5 个百分点``)."""
    if delta is None:
        return NO_VALUE
    if unit == "ratio":
        return f"{delta * 100:+.1f} 个百分点"
    sign = "+" if delta > 0 else "-" if delta < 0 else "±"
    text = sign + value_text(abs(delta), unit)
    return f"{text} ({relative:+.1%})" if relative is not None else text
