"""Calendar months as 'YYYY-MM' text: the one place month arithmetic lives.  No words here
(``sdp_dash.domain.periods`` says periods in English)."""

from __future__ import annotations

import re
from datetime import date

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def month_date(month: str) -> date:
    """'2025-01' -> date(2025, 1, 1)."""
    y, m = month.split("-")
    return date(int(y), int(m), 1)


def shift_month(month: str, months: int) -> str:
    """'2025-01' shifted by -1 -> '2024-12'."""
    d = month_date(month)
    index = d.year * 12 + d.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end``, both included."""
    s, e = month_date(start), month_date(end)
    if s > e:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    n = (e.year - s.year) * 12 + e.month - s.month
    return [shift_month(start, i) for i in range(n + 1)]


def default_start(end: str) -> str:
    """The first month of the 12 months to ``end``."""
    return shift_month(end, -11)
