"""The figure model: every number a page, chart, table, download or the command line shows is a
``Figure`` (one area, one measure, one period) made here, and every rule about figures lives here
once:

- **period coverage**: a ``Period`` knows the months it spans and which of them have data;
- **rate**: police.uk rates are *per 1,000 residents a year* (Census 2021 usual residents).  A
  period of exactly 12 months with every month present gives the plain 12-month rate; any other
  period (missing months, or a custom length) is **annualised from the months present** and says
  so on the figure itself ("annualised from 9 of 12 months").  So every period, on every page and
  in the CLI, gives a figure on the same scale, and none goes blank while months are present;
- **interval**: the 95% interval of the count (``stats.poisson_interval``), scaled the same way;
- **suppression**: a count of 1 to 4 of a sensitive measure is never shown, at any area level or
  period: count, rate and interval are withheld together (a rate and a population give the count
  back), and the figure reads "fewer than 5".  A figure can also be ``withheld`` so that such a
  count cannot be worked out from the figures beside it (``disclosure.py`` decides which); it reads
  "withheld";
- **formatting** at the source's precision (rates to 1 decimal place, counts as whole numbers);
- **comparison words** ("higher / similar / lower", or "not compared" and why).

No Streamlit here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sdp_dash.config.months import months_between
from sdp_dash.domain import stats, words

SUPPRESS_BELOW = stats.SUPPRESS_BELOW
SUPPRESSED_TEXT = f"fewer than {SUPPRESS_BELOW}"
WITHHELD_TEXT = "withheld"
NO_DATA_TEXT = "no data"
RATE_UNIT = "per 1,000 residents a year"
MONTHLY_RATE_UNIT = "per 1,000 residents in the month"
RATE_DECIMALS = 1
POLICE_SOURCE = "data.police.uk street-level crime and anti-social behaviour files"
POLICE_QUALITY = "police recorded crime (open data)"


# --- Periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A span of calendar months and which of them have data for the area's police force(s)."""

    start: str
    end: str
    missing: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Worked out once, when the period is made, so a cached figure carries them (no rerun recomputes them).
        for name in ("months", "present", "label", "coverage_note"):
            getattr(self, name)

    @cached_property
    def months(self) -> tuple[str, ...]:
        return tuple(months_between(self.start, self.end))

    @property
    def n_months(self) -> int:
        return len(self.months)

    @cached_property
    def present(self) -> tuple[str, ...]:
        gone = set(self.missing)
        return tuple(m for m in self.months if m not in gone)

    @property
    def n_present(self) -> int:
        return self.n_months - len(self.missing)

    @property
    def standard(self) -> bool:
        """Exactly 12 months, every one with data: the rate needs no annualising."""
        return self.n_months == 12 and not self.missing

    @property
    def annual_factor(self) -> float | None:
        """What a count over the months present is multiplied by to give a year's worth (None: no months)."""
        return 12.0 / self.n_present if self.n_present else None

    @cached_property
    def label(self) -> str:
        """'12 months to December 2025 (January to December 2025)' or 'March 2025 to June 2025 (4 months)'."""
        return words.period_words(self.start, self.end)

    @cached_property
    def coverage_note(self) -> str:
        """What the figure's scale rests on, said on the figure itself; empty for a standard period."""
        if self.standard:
            return ""
        if not self.n_present:
            return f"no police.uk data for {words.months_words(list(self.missing))}"
        if self.n_present == self.n_months:
            return f"annualised from {_months(self.n_months)}"
        return (
            f"annualised from {self.n_present} of {_months(self.n_months)} "
            f"(no police.uk data for {words.months_words(list(self.missing))})"
        )


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


# --- Figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One measure for one area and period, with everything needed to show it honestly."""

    measure_id: str
    measure: str  # the measure's label, e.g. "All crime (excluding anti-social behaviour)"
    area_code: str
    area_name: str
    period: Period
    count: int | None  # over the months present; None when there are none
    population: int
    sensitive: bool = False
    approximate: bool = False  # the area is built from small areas (area boards, divisions)
    withheld: bool = False  # withheld so that a small count beside it cannot be worked out (disclosure.py)
    source: str = POLICE_SOURCE
    quality: str = POLICE_QUALITY
    unit: str = RATE_UNIT

    def __post_init__(self) -> None:
        self._rates  # noqa: B018 - worked out once, when the figure is made, so a cached figure carries it

    @property
    def suppressed(self) -> bool:
        """Not shown: a small count of a sensitive measure, or withheld to protect one."""
        return is_suppressed(self.count, self.sensitive) or (self.withheld and self.count is not None)

    @property
    def complementary(self) -> bool:
        """Withheld only to protect a small count elsewhere (its own count is not small)."""
        return self.suppressed and not is_suppressed(self.count, self.sensitive)

    @property
    def available(self) -> bool:
        """There is a count to show (some months have data) and it may be shown."""
        return self.count is not None and not self.suppressed

    @cached_property
    def _rates(self) -> tuple[float, float, float] | None:
        """(rate, lower, upper) per 1,000 residents a year, worked out once per figure."""
        if self.count is None or not self.population or self.period.annual_factor is None:
            return None
        lo, hi = stats.poisson_interval(self.count)
        scale = self.period.annual_factor * 1000.0 / self.population
        return float(self.count * scale), float(np.asarray(lo) * scale), float(np.asarray(hi) * scale)

    def _shown(self, i: int) -> float | None:
        """Rate (0), lower (1) or upper (2) limit, or None when the figure is withheld or has no data."""
        return self._rates[i] if self.available and self._rates else None

    @property
    def rate(self) -> float | None:
        return self._shown(0)

    @property
    def lower(self) -> float | None:
        return self._shown(1)

    @property
    def upper(self) -> float | None:
        return self._shown(2)

    @property
    def shown_count(self) -> int | None:
        """The count if it may be shown, else None."""
        return self.count if self.available else None

    @property
    def count_text(self) -> str:
        return WITHHELD_TEXT if self.complementary else count_text(self.count, self.sensitive)

    @property
    def rate_text(self) -> str:
        """'92.7', 'not shown' (suppressed) or 'no data'."""
        if self.count is None:
            return NO_DATA_TEXT
        if self.suppressed:
            return "not shown"
        return fmt_rate(self.rate)

    @property
    def interval_text(self) -> str:
        if not self.available or self.lower is None:
            return ""
        return f"{fmt_rate(self.lower)} to {fmt_rate(self.upper)}"

    @property
    def headline(self) -> str:
        """The figure as a page states it: '92.7 per 1,000 residents a year', 'fewer than 5 recorded'."""
        if self.count is None:
            return NO_DATA_TEXT
        if self.complementary:
            return "withheld, so that a small number beside it cannot be worked out"
        if self.suppressed:
            return f"{SUPPRESSED_TEXT} recorded"
        return f"{fmt_rate(self.rate)} {self.unit}"

    @property
    def note(self) -> str:
        """Everything a reader must know to read the number: coverage and approximation."""
        bits = [self.period.coverage_note] if self.period.coverage_note else []
        if self.approximate:
            bits.append("approximate area, built from small areas")
        return "; ".join(bits)

    def row(self) -> dict:
        """The figure as one row of a table or CSV: nothing suppressed is in it."""
        return {
            "Area": self.area_name,
            "Measure": self.measure,
            "Period": self.period.label,
            "Count": self.count_text,
            "Residents": f"{self.population:,}",
            f"Rate {RATE_UNIT}": self.rate_text,
            "95% interval": self.interval_text,
            "Note": self.note,
        }

    @property
    def status(self) -> str:
        """Why the figure's numbers are (or are not) in a CSV: 'shown', 'fewer than 5', 'withheld' or 'no data'."""
        if self.count is None:
            return NO_DATA_TEXT
        if self.complementary:
            return WITHHELD_TEXT
        if self.suppressed:
            return SUPPRESSED_TEXT
        return SHOWN_TEXT

    def data(self) -> dict:
        """The figure as one tidy row (``TIDY_COLUMNS``) for a chart, a CSV download or the command line's
        export: numbers as numbers, None (an empty cell) where withheld or missing, ``status`` saying why."""
        return {
            "area_code": self.area_code,
            "area_name": self.area_name,
            "measure_id": self.measure_id,
            "measure": self.measure,
            "period_from": self.period.start,
            "period_to": self.period.end,
            "months_with_data": self.period.n_present,
            "count": self.shown_count,
            "residents": self.population,
            "rate": _round(self.rate),
            "lower": _round(self.lower),
            "upper": _round(self.upper),
            "unit": self.unit,
            "status": self.status,
            "note": self.note,
        }


SHOWN_TEXT = "shown"
# The columns of every police.uk CSV (``Figure.data``, ``crime.tidy``), in order; the About page's data dictionary
# describes each (``TIDY_DICTIONARY``).
# Which figure a row is: the first columns of every tidy download (police.uk, outcomes, deciles, changes).
KEY_COLUMNS = ("area_code", "area_name", "measure_id", "measure", "period_from", "period_to")
TIDY_COLUMNS = (
    *KEY_COLUMNS,
    "months_with_data",
    "count",
    "residents",
    "rate",
    "lower",
    "upper",
    "unit",
    "status",
    "note",
)
TIDY_INTEGERS = ("months_with_data", "count", "residents")
TIDY_NUMBERS = (*TIDY_INTEGERS, "rate", "lower", "upper")
STATUSES = (SHOWN_TEXT, SUPPRESSED_TEXT, WITHHELD_TEXT, NO_DATA_TEXT)


def is_suppressed(count: int | None, sensitive: bool) -> bool:
    """The one suppression rule: counts 1 to 4 of a sensitive measure are never shown."""
    return bool(sensitive) and count is not None and 0 < int(count) < SUPPRESS_BELOW


def count_text(count: int | None, sensitive: bool) -> str:
    """How a count is shown: 'fewer than 5' for a small sensitive count; a true zero is 0."""
    if count is None:
        return NO_DATA_TEXT
    if is_suppressed(count, sensitive):
        return SUPPRESSED_TEXT
    return f"{int(count):,}"


def fmt_rate(value: float | None, decimals: int = RATE_DECIMALS) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.{decimals}f}"


def _round(value: float | None, decimals: int = 2) -> float | None:
    return None if value is None else round(float(value), decimals)


# --- Tidy CSV ------------------------------------------------------------------------------------------
# What every download and the command line's ``export`` write: one row per figure; numbers as plain numbers
# (no thousands separators, no words in a numeric column); an EMPTY cell where a number is withheld or
# missing, with a ``status`` column saying why; the area and the period in columns of their own.  The
# on-screen tables stay human-readable ("48,409", "1.2 to 3.4", "fewer than 5"): a table offered as a
# download carries its tidy twin as CSV text (``with_csv``), and the chart card writes that (``csv_bytes``).

CSV_ATTR = "sdp_csv"  # the DataFrame.attrs key of a table's tidy CSV text


def tidy_frame(
    rows: list[dict], columns: tuple[str, ...], integers: tuple[str, ...] = (), numbers: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Rows as a tidy frame: the ``columns`` in order, whole numbers as nullable integers (so the CSV
    says 48409, never 48409.0), other numbers as floats, None as an empty cell."""
    df = pd.DataFrame(rows, columns=list(columns))
    for c in integers:
        df[c] = pd.to_numeric(df[c], errors="raise").astype("Int64")
    for c in numbers:
        if c not in integers:
            df[c] = pd.to_numeric(df[c], errors="raise").astype("float64")
    return df


def tidy_text(df: pd.DataFrame) -> str:
    """A tidy frame as CSV text."""
    return df.to_csv(index=False)


def with_csv(table: pd.DataFrame, tidy: pd.DataFrame) -> pd.DataFrame:
    """``table`` (for the screen) carrying ``tidy`` (its download) as CSV text; returns ``table``."""
    table.attrs[CSV_ATTR] = tidy_text(tidy)
    return table


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The CSV a table's download writes: its tidy twin when it has one, else the frame itself."""
    return str(table.attrs.get(CSV_ATTR) or table.to_csv(index=False)).encode("utf-8")


# --- Comparisons ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    result: str  # "higher" | "similar" | "lower" | "not compared"
    reason: str = ""  # why not compared

    def words(self, other: str) -> str:
        """'higher than the county', 'similar to the county', 'not compared (too few to show)'."""
        if self.result == "not compared":
            return f"not compared ({self.reason})" if self.reason else "not compared"
        return words.comparison_words(self.result, "", other)


def compare(a: Figure, b: Figure) -> Comparison:
    """Compare two figures' rates by their 95% intervals, only when they cover the same months."""
    if a.suppressed or b.suppressed:
        return Comparison("not compared", "too few to show")
    if not a.available or not b.available:
        return Comparison("not compared", "no data")
    if a.period.present != b.period.present:
        return Comparison("not compared", "the figures cover different months")
    return Comparison(stats.compare(a.lower, a.upper, b.lower, b.upper))
