"""Periods and findings in plain English.  No Streamlit here.

Everything a page says about a period ("12 months to December 2025") or a change ("12% lower in
January to April 2025 than in January to April 2024": a change always names the months it sets side
by side) is built here, so every page says it the same way.  Numbers never print as "-0" or "-0.0"
(``number``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sdp_dash.config import codes
from sdp_dash.config.months import month_date, months_between, shift_month
from sdp_dash.domain import stats

SIGNIFICANCE = 0.05
STALE_AFTER_MONTHS = 2  # police.uk publishes a month about six to eight weeks after it ends


def month_words(month: str, short: bool = False) -> str:
    """'2025-01' -> 'January 2025' ('Jan 2025' when short)."""
    return month_date(month).strftime("%b %Y" if short else "%B %Y")


def number(value: float, decimals: int = 0, *, sign: bool = False) -> str:
    """A number with thousands separators at ``decimals`` places; never '-0' or '-0.0' (a value that rounds
    to zero is zero).  With ``sign``, a rise carries '+' and a fall '−' (a minus sign, not a hyphen)."""
    v = round(float(value), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{abs(v):,.{decimals}f}"
    if v < 0:
        return ("−" if sign else "-") + text
    return ("+" if sign and v > 0 else "") + text


def staleness(newest: str, today: date) -> str | None:
    """A plain note when the newest month on file is more than ``STALE_AFTER_MONTHS`` months before
    ``today``'s month (newer police.uk months are probably published), else None."""
    newest_day = month_date(newest)
    age = (today.year - newest_day.year) * 12 + today.month - newest_day.month
    if age <= STALE_AFTER_MONTHS:
        return None
    return (
        f"Not the latest figures: the newest month here is {month_words(newest)}, {age} months ago, and police.uk"
        " usually publishes a month about two months after it ends."
    )


def period_words(start: str, end: str) -> str:
    """'12 months to December 2025 (January to December 2025)', or 'March 2025 to June 2025'."""
    n = len(months_between(start, end))
    if start == end:
        return month_words(end)
    if n == 12:
        span = (
            f"{month_date(start):%B} to {month_words(end)}"
            if start[:4] == end[:4]
            else f"{month_words(start)} to {month_words(end)}"
        )
        return f"12 months to {month_words(end)} ({span})"
    return f"{month_words(start)} to {month_words(end)} ({n} months)"


def months_words(months: list[str] | tuple[str, ...], short: bool = False) -> str:
    """Consecutive runs in words: ['2024-05', ..., '2024-12'] -> 'May to December 2024' ('May to Dec 2024' when short)."""
    if not months:
        return "none"
    months = sorted(months)
    runs: list[tuple[str, str]] = []
    start = prev = months[0]
    for m in months[1:]:
        if shift_month(prev, 1) == m:
            prev = m
            continue
        runs.append((start, prev))
        start = prev = m
    runs.append((start, prev))
    parts = []
    name = "%b" if short else "%B"
    for a, b in runs:
        if a == b:
            parts.append(month_words(a, short))
        elif a[:4] == b[:4]:
            parts.append(f"{month_date(a):{name}} to {month_words(b, short)}")
        else:
            parts.append(f"{month_words(a, short)} to {month_words(b, short)}")
    return _join(parts)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class Comparable:
    """Which months of a period can be set against the same months a year earlier."""

    current: tuple[str, ...]  # months compared, this year
    previous: tuple[str, ...]  # the same months a year earlier
    missing_now: tuple[str, ...]  # months of the period with no data
    missing_before: tuple[str, ...]  # months a year earlier with no data

    @property
    def complete(self) -> bool:
        return not self.missing_now and not self.missing_before

    def note(self) -> str:
        """Which months are compared, in words (empty when the whole period is compared)."""
        if not self.current:
            return (
                "There is no data for the same months a year earlier"
                + (f" (missing: {months_words(list(self.missing_before))})" if self.missing_before else "")
                + ", so no change is shown."
            )
        if self.complete:
            return ""
        bits = []
        if self.missing_before:
            bits.append(f"There is no police.uk data for {months_words(list(self.missing_before))}")
        if self.missing_now:
            bits.append(f"there is no police.uk data for {months_words(list(self.missing_now))}")
        lead = "; ".join(bits)
        lead = lead[0].upper() + lead[1:]
        return f"{lead}, so only {months_words(list(self.current))} is compared with {months_words(list(self.previous))}."


def comparable(start: str, end: str, missing_now: list[str], missing_before: list[str]) -> Comparable:
    """Months of [start, end] whose month a year earlier is also covered (and which are covered themselves)."""
    now = months_between(start, end)
    cur, prev = [], []
    for m in now:
        p = shift_month(m, -12)
        if m in missing_now or p in missing_before:
            continue
        cur.append(m)
        prev.append(p)
    return Comparable(tuple(cur), tuple(prev), tuple(missing_now), tuple(missing_before))


def change_months(comp: Comparable, short: bool = False) -> str:
    """The months a change sets side by side, always named: 'January to April 2025 against January to April
    2024' (police.uk has no May to December 2024, so only January to April is compared); '' when none."""
    if not comp.current:
        return ""
    return f"{months_words(comp.current, short)} against {months_words(comp.previous, short)}"


def change_sentence(label: str, current: int, previous: int, comp: Comparable) -> str:
    """One plain-English sentence on the change in a count between comparable months, which it names
    ('... was 14% higher in January to April 2025 (1,234) than in January to April 2024 (1,083) ...')."""
    if not comp.current:
        return f"{label}: no comparison with a year earlier is possible for these months."
    now_words, before_words = f" in {months_words(comp.current)}", months_words(comp.previous)
    pct = stats.percent_change(current, previous)
    if pct is None:
        return f"{label} numbered {current:,}{now_words}, against none in {before_words}."
    p = stats.change_p_value(current, previous)
    chance = "is bigger than chance would explain" if p < SIGNIFICANCE else "is not bigger than chance would explain"
    if round(pct) == 0:
        return (
            f"{label} was about the same{now_words} ({current:,}) as in {before_words} ({previous:,}); the difference {chance}."
        )
    direction = "higher" if pct > 0 else "lower"
    return f"{label} was {abs(pct):.0f}% {direction}{now_words} ({current:,}) than in {before_words} ({previous:,}); the difference {chance}."


def upper_first(text: str) -> str:
    """'the county' -> 'The county' (the rest unchanged)."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """'Electoral divisions (from May 2025)' -> 'electoral divisions (from May 2025)': only the first letter,
    and not at all for an abbreviation ('LSOA ...')."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def comparison_words(result: str, name: str, ref: str | None = None) -> str:
    """'higher than the county' / 'similar to the county' / 'not compared' (``ref``: the partnership's area
    in its words by default)."""
    ref = codes.THE_AREA if ref is None else ref
    if result == "similar":
        return f"similar to {ref}"
    if result in ("higher", "lower"):
        return f"{result} than {ref}"
    return "not compared"
