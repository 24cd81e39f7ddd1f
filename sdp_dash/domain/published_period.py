"""Periods of published tables, read from the text the publisher printed.  No Streamlit here.

Published tables print their periods in many styles ('2019/20', '2014-15', 'Apr 2020 - Dec 2020',
'year ending 30 Sep 2023', '2007-2009', '10 years to year ending 31 Mar 2024', 'not stated in
minutes (quoted in 2021)').  ``parse`` turns each into a ``PublishedPeriod``: the last month it
covers, how many months it spans and its *kind* (financial year, calendar year, 12 months to
September, April to December, 3 calendar years, ...).  Two figures are points of one trend only
when their kinds agree: a line never joins a full year to a part-year, or a year ending in March
to one ending in September.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sdp_dash.config import catalogue
from sdp_dash.config.months import months_between

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MON = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
PLAN_YEAR = 2021  # the first year of the partnership plan (2021-25): figures ending earlier are context


@dataclass(frozen=True)
class PublishedPeriod:
    text: str  # as published
    kind: str  # 'financial year', 'calendar year', '12 months to September', 'April to December', ...
    end: str | None = None  # last month covered, 'YYYY-MM'; None when the period is not stated
    months: int | None = None  # how many months it spans
    year_hint: int | None = None  # for an unstated period, the year the figure was quoted or reported

    @property
    def stated(self) -> bool:
        return self.end is not None

    @property
    def year(self) -> int | None:
        """The year the figure belongs to: the period's last year, or the year it was quoted in."""
        return int(self.end[:4]) if self.end else self.year_hint

    @property
    def order(self) -> tuple:
        """Sort key: by last month covered (unstated periods by the year quoted, first in that year)."""
        if self.end:
            return (int(self.end[:4]), int(self.end[5:]), self.months or 0)
        return (self.year_hint or 0, 0, 0)

    @property
    def key(self) -> tuple:
        """What must agree for two figures to be points of one trend."""
        return (self.kind, self.months)

    @property
    def part_year(self) -> bool:
        return self.months is not None and self.months < 12

    @property
    def context(self) -> bool:
        """Older than the plan (before 2021): context, not the current position (never with no plan file)."""
        return self.year is not None and self.year < PLAN_YEAR and catalogue.has_plan()

    @property
    def label(self) -> str:
        """The period as published, with what a reader must know: a part year, or no stated period."""
        if not self.stated:
            return self.text
        if self.part_year:
            return f"{self.text} (part year: {self.months} months)"
        return self.text

    @property
    def age(self) -> str:
        """'2018 figure, before the plan' / '2023 figure' / 'period not stated (quoted in 2021)'."""
        if self.year is None:
            return "period not stated"
        when = f"{self.year} figure" if self.stated else f"period not stated, quoted {self.year}"
        return f"{when}, before the plan (context)" if self.context else when


def _month(text: str) -> int:
    return _MONTHS.index(text.lower()[:3]) + 1


def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _span(start: str, end: str) -> int:
    return len(months_between(start, end))


def _twelve_to(month: int) -> str:
    return "financial year" if month == 3 else ("calendar year" if month == 12 else f"12 months to {_MONTH_NAMES[month - 1]}")


def parse(text: str) -> PublishedPeriod:
    """The period a published table printed, understood (see the module's docstring)."""
    t = " ".join(str(text).split())
    low = t.lower()
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", t)]
    if "not stated" in low:
        return _not_stated(t, low, years)
    return _several_years(t, low) or _month_span(t, low) or _year_forms(t, low, years)


def _not_stated(t: str, low: str, years: list[int]) -> PublishedPeriod:
    hint = years[-1] if years else None
    if hint is None:  # 'listed with Jan 18 - Dec 18 ...': a two-digit year
        short = re.findall(rf"\b{_MON}\s+(\d{{2}})\b", low)
        hint = 2000 + int(short[-1][1]) if short else None
    return PublishedPeriod(t, "not stated", None, None, hint)


def _several_years(t: str, low: str) -> PublishedPeriod | None:
    """A total, median or average over several years, or a change between two years."""
    m = re.search(rf"(\d+) years to (?:year ending )?(?:\d{{1,2}} )?{_MON} (\d{{4}})", low)
    if m:  # '10 years to year ending 31 Mar 2024' (a median or total over several years)
        n, mon, year = int(m.group(1)), _month(m.group(2)), int(m.group(3))
        return PublishedPeriod(t, f"{n} years to {_MONTH_NAMES[mon - 1]}", _ym(year, mon), 12 * n)

    m = re.search(r"(\d{4})-(\d{2}) (\d)-year average", low)
    if m:  # '2017-20 3-year average' (financial years to March 20xx)
        n, year = int(m.group(3)), int(m.group(1)[:2] + m.group(2))
        return PublishedPeriod(t, f"{n}-year average", _ym(year, 3), 12 * n)

    m = re.search(r"(\d{4}) to (\d{4}) \(jan-dec\)", low)
    if m:  # '2010 to 2020 (Jan-Dec)': a change between two calendar years
        return PublishedPeriod(t, "change between calendar years", _ym(int(m.group(2)), 12), 12)
    return None


def _month_span(t: str, low: str) -> PublishedPeriod | None:
    """A span between two named months, or a year ending in a named month."""
    m = re.search(rf"(?:\d{{1,2}} )?{_MON} (\d{{4}}) ?- ?(?:\d{{1,2}} )?{_MON} (\d{{4}})", low)
    if m:  # 'Apr 2020 - Dec 2020', '1 Apr 2017 - 31 Mar 2018', 'Jan 2018 - Dec 2018 (offender cohort)'
        start, end = _ym(int(m.group(2)), _month(m.group(1))), _ym(int(m.group(4)), _month(m.group(3)))
        n = _span(start, end)
        if n == 12:
            kind = _twelve_to(_month(m.group(3)))
        else:
            kind = f"{_MONTH_NAMES[_month(m.group(1)) - 1]} to {_MONTH_NAMES[_month(m.group(3)) - 1]}"
        return PublishedPeriod(t, kind, end, n)

    m = re.search(rf"(?:year ending|12 months to|rolling year to end) (?:\d{{1,2}} )?{_MON} (\d{{4}})", low)
    if m:  # 'year ending 30 Sep 2023', '12 months to March 2018', 'rolling year to end Dec 2020'
        mon, year = _month(m.group(1)), int(m.group(2))
        return PublishedPeriod(t, _twelve_to(mon), _ym(year, mon), 12)
    return None


def _year_forms(t: str, low: str, years: list[int]) -> PublishedPeriod:
    """Financial and calendar years written with digits only; else the last year named, or not stated."""
    m = re.fullmatch(r"(\d{4})/(\d{2})-(\d{2,4})/(\d{2})(?: .*)?", low)
    if m:  # '2020/21-2022/23', '2019/19-20/21 (as printed on page)': three financial years pooled
        last = int(m.group(3)) if len(m.group(3)) == 4 else int(m.group(1)[:2] + m.group(3))
        return PublishedPeriod(t, "3 financial years", _ym(last + 1, 3), 36)

    m = re.fullmatch(r"(\d{4})[/-](\d{2})", low)
    if m:  # '2019/20', '2014-15': a financial year (April to March)
        return PublishedPeriod(t, "financial year", _ym(int(m.group(1)) + 1, 3), 12)

    m = re.fullmatch(r"(\d{4})-(\d{4})", low)
    if m:  # '2007-2009': calendar years pooled
        first, last = int(m.group(1)), int(m.group(2))
        n = last - first + 1
        return PublishedPeriod(t, f"{n} calendar years", _ym(last, 12), 12 * n)

    if re.fullmatch(r"\d{4}", low):
        return PublishedPeriod(t, "calendar year", _ym(int(low), 12), 12)

    if years:  # anything else with a year: placed at the end of its last year, a kind of its own
        return PublishedPeriod(t, f"as published: {t}", _ym(years[-1], 12), None)
    return PublishedPeriod(t, "not stated", None, None, None)
