"""What happened next: the share of an area's recorded crimes by police.uk outcome group, beside the
county and the police force area, and how complete each month's outcomes are.  No Streamlit here.

- The outcome of a crime is police.uk's "Last outcome category" as published, put in one of the
  groups of data/outcomes.toml (the warehouse's ``outcome_groups``).  Anti-social behaviour
  incidents are not crimes and have no outcome.
- Shares are of the crimes recorded in the months of the period that have data, each with a 95%
  Wilson interval (``stats.wilson_interval``); an area's share is "higher / similar / lower" than
  the county's and the force area's by those intervals (``stats.compare``).
- Outcomes change as cases progress: a crime recorded last month is more often still under
  investigation than one recorded a year ago.  ``months`` says, for each month, the share of its
  crimes whose case is still open (under investigation, awaiting court or no update yet: the
  ``still_open`` categories of data/outcomes.toml).
- Suppression, as everywhere (``figure.is_suppressed``): for a sensitive measure a count of 1 to 4
  is never shown, nor a share that would give it back together with the total shown beside it.  So
  when one group is withheld another is withheld with it (the next smallest), so that no withheld
  count can be worked out from the total and the rest; when the total itself is 1 to 4, nothing is
  shown.  Month by month the same rule applies to (still open, settled); where a period's group was
  withheld, the month-by-month view is given for the whole county instead, so that months cannot be
  added up to give it back.  A total (or a month's total) that the period's disclosure pattern
  withholds (``disclosure.py``: so that a small count elsewhere cannot be worked out) is not shown
  either, nor any share of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sdp_dash import warehouse
from sdp_dash.config import codes
from sdp_dash.domain import crime, disclosure, stats, words
from sdp_dash.domain.figure import (
    KEY_COLUMNS,
    NO_DATA_TEXT,
    SHOWN_TEXT,
    SUPPRESS_BELOW,
    SUPPRESSED_TEXT,
    WITHHELD_TEXT,
    Period,
    count_text,
    is_suppressed,
    tidy_frame,
    with_csv,
)
from sdp_dash.warehouse import Con

NO_OUTCOME_TYPES = ("Anti-social behaviour",)
NOT_SHOWN = "not shown"
SETTLED_NOTE = (
    "police.uk gives each crime its latest outcome when the files are published. Cases take time: recent months "
    "have more crimes still under investigation, awaiting court or without an update, and their shares of other "
    "outcomes will grow as cases finish."
)


def withheld(counts: list[int], sensitive: bool) -> list[bool]:
    """Which cells of a breakdown (counts adding up to a total that is shown) must be withheld.

    Counts of 1 to 4 of a sensitive measure are withheld; then, while the withheld cells could be
    worked out from the total and the cells shown (one cell withheld, or every withheld cell could
    only be 1), the smallest other non-zero cell is withheld too.
    """
    hide = [is_suppressed(c, sensitive) for c in counts]
    if not any(hide):
        return hide
    while True:
        hidden = [c for c, h in zip(counts, hide, strict=True) if h]
        if len(hidden) >= 2 and sum(hidden) > len(hidden):
            return hide
        shown = [(c, i) for i, (c, h) in enumerate(zip(counts, hide, strict=True)) if not h and c > 0]
        if not shown:
            return hide
        hide[min(shown)[1]] = True


@dataclass(frozen=True)
class Share:
    """One outcome group's share of an area's crimes."""

    group_id: str
    label: str
    count: int
    total: int
    sensitive: bool
    hidden: bool  # withheld (too few to show, or would give back one that is)

    @property
    def shown(self) -> bool:
        return not self.hidden and self.total > 0

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.shown else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.shown:
            return None
        lo, hi = stats.wilson_interval(self.count, self.total)
        return float(lo), float(hi)

    @property
    def count_text(self) -> str:
        if self.total == 0:
            return NO_DATA_TEXT
        if self.hidden:  # 'fewer than 5' for a small count, 'not shown' for one withheld so it cannot be worked out
            return count_text(self.count, self.sensitive) if is_suppressed(self.count, self.sensitive) else NOT_SHOWN
        return count_text(self.count, self.sensitive)

    @property
    def share_text(self) -> str:
        return pct(self.share) if self.shown else (NO_DATA_TEXT if self.total == 0 else NOT_SHOWN)

    @property
    def interval_text(self) -> str:
        iv = self.interval
        return f"{pct(iv[0])} to {pct(iv[1])}" if iv else ""


def pct(value: float | None) -> str:
    """A share as a percentage to 1 decimal place ('less than 0.1%' for a small non-zero share)."""
    if value is None:
        return ""
    if 0 < value < 0.0005:
        return "less than 0.1%"
    return f"{value * 100:.1f}%"


@dataclass(frozen=True)
class Profile:
    """The crimes of one measure in one area and period, by outcome group."""

    area_code: str
    area_name: str
    approximate: bool
    period: Period
    total: int
    sensitive: bool
    shares: tuple[Share, ...]
    withheld: bool = False  # the total is withheld to protect a small count elsewhere (disclosure.py)

    @property
    def total_hidden(self) -> bool:
        return self.withheld or is_suppressed(self.total, self.sensitive)

    @property
    def total_text(self) -> str:
        if not self.period.n_present:
            return NO_DATA_TEXT
        return (
            NOT_SHOWN
            if self.withheld and not is_suppressed(self.total, self.sensitive)
            else count_text(self.total, self.sensitive)
        )

    def get(self, group_id: str) -> Share:
        return next(s for s in self.shares if s.group_id == group_id)

    @property
    def any_hidden(self) -> bool:
        return any(s.hidden for s in self.shares)


@dataclass(frozen=True)
class Month:
    month: str
    total: int
    still_open: int
    sensitive: bool
    hidden: bool

    @property
    def shown(self) -> bool:
        return not self.hidden and self.total > 0

    @property
    def share(self) -> float | None:
        return self.still_open / self.total if self.shown else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.shown:
            return None
        lo, hi = stats.wilson_interval(self.still_open, self.total)
        return float(lo), float(hi)


@dataclass(frozen=True)
class Outcomes:
    measure_id: str
    measure: str
    sensitive: bool
    no_outcomes: bool  # the measure is anti-social behaviour: police.uk gives no outcomes
    groups: pd.DataFrame  # group_id, label, description
    profiles: tuple[Profile, ...]  # the area, then the county (unless the area is the county), then the force area
    comparisons: dict  # (area_code, group_id) -> {"county": result, "force": result}
    months: tuple[Month, ...]
    months_area: str  # the area whose months are shown
    months_note: str
    sentence: str
    completeness: str

    @property
    def area(self) -> Profile:
        return self.profiles[0]


def _profile(con: Con, code: str, m: crime.Measure, start: str, end: str, groups: pd.DataFrame) -> tuple[Profile, pd.DataFrame]:
    area = warehouse.area(con, code)
    per = crime.period(con, code, start, end)
    df = warehouse.outcome_counts(con, code, m.measure_id, start, end)
    df = df[df["month"].isin(per.present)]
    by_group = df.groupby("group_id")["count"].sum()
    counts = [int(by_group.get(g, 0)) for g in groups["group_id"]]
    total = sum(counts)
    protected = disclosure.pattern(con, start, end).withheld(code, m.measure_id, per.present)
    hide = [True] * len(counts) if protected or is_suppressed(total, m.sensitive) else withheld(counts, m.sensitive)
    shares = tuple(
        Share(r.group_id, r.label, c, total, m.sensitive, h) for r, c, h in zip(groups.itertuples(), counts, hide, strict=True)
    )
    approx = str(area["area_type"]) in crime.APPROXIMATE_TYPES or bool(area.get("approximate"))
    return Profile(code, str(area["area_name"]), approx, per, total, m.sensitive, shares, protected), df


def _months(df: pd.DataFrame, per: Period, sensitive: bool, hidden_months=lambda month: False) -> tuple[Month, ...]:
    out = []
    for month in per.present:
        rows = df[df["month"] == month]
        total = int(rows["count"].sum())
        still_open = int(rows.loc[rows["still_open"].astype(bool), "count"].sum())
        hide = (
            hidden_months(month) or is_suppressed(total, sensitive) or any(withheld([still_open, total - still_open], sensitive))
        )
        out.append(Month(month, total, still_open, sensitive, hide))
    return tuple(out)


def outcomes(con: Con, code: str, measure_id: str, start: str, end: str) -> Outcomes:
    """What happened to the crimes of one measure recorded in an area in a period (see the module notes)."""
    m = crime.measure(con, measure_id)
    groups = warehouse.outcome_groups(con)
    no_outcomes = bool(m.crime_types) and set(m.crime_types) <= set(NO_OUTCOME_TYPES)
    codes_shown = [code] + ([codes.COUNTY] if code != codes.COUNTY else []) + [codes.HOME_FORCE]
    profiles, frames = [], {}
    for c in codes_shown:
        p, df = _profile(con, c, m, start, end, groups)
        profiles.append(p)
        frames[c] = df
    area, county, force = profiles[0], next(p for p in profiles if p.area_code == codes.COUNTY), profiles[-1]
    # An area is never compared with an area that holds it: each is compared with the rest of the county
    # and the rest of the force area (the bigger area without it).
    comparisons = {}
    for p in profiles[:-1]:
        rest_county = _rest(county, p) if p is not county else None
        rest_force = _rest(force, p)
        for s in p.shares:
            comparisons[(p.area_code, s.group_id)] = {
                "county": _compare(s, rest_county.get(s.group_id)) if rest_county else "",
                "force": _compare(s, rest_force.get(s.group_id)) if rest_force else "not compared",
                "county_rest": rest_county.get(s.group_id) if rest_county else None,
                "force_rest": rest_force.get(s.group_id) if rest_force else None,
            }
    if area.any_hidden and area.area_code != codes.COUNTY:
        note = f"Shown for {codes.COUNTY_NAME}: month by month figures for {area.area_name} could give back a number too small to show."
        months_profile = county
    else:
        months_profile, note = area, ""
    protect = disclosure.pattern(con, start, end)
    months = _months(
        frames[months_profile.area_code],
        months_profile.period,
        m.sensitive,
        lambda month: protect.withheld(months_profile.area_code, m.measure_id, (month,)),
    )
    label = m.label[:1].lower() + m.label[1:]
    if no_outcomes:
        sentence = f"{m.label}: these are incidents, not crimes, and police.uk gives them no outcome."
        completeness = ""
    else:
        sentence = _sentence(area, county, force, comparisons, label, frames[area.area_code])
        completeness = _completeness(months, months_profile.area_name)
    return Outcomes(
        m.measure_id,
        m.label,
        m.sensitive,
        no_outcomes,
        groups,
        tuple(profiles),
        comparisons,
        months,
        months_profile.area_name,
        note,
        sentence,
        completeness,
    )


def _rest(outer: Profile, inner: Profile) -> Profile | None:
    """The bigger area without the smaller one (the rest of the county, or of the force area), or None when
    either shows nothing (a difference would give a withheld count back)."""
    if outer.total_hidden or inner.total_hidden or outer.any_hidden or inner.any_hidden:
        return None
    total = outer.total - inner.total
    shares = tuple(
        Share(o.group_id, o.label, o.count - i.count, total, o.sensitive, False)
        for o, i in zip(outer.shares, inner.shares, strict=True)
    )
    name = f"the rest of {outer.area_name}"
    return Profile(
        f"rest:{outer.area_code}:{inner.area_code}", name, outer.approximate, outer.period, total, outer.sensitive, shares
    )


def _compare(a: Share, b: Share) -> str:
    ia, ib = a.interval, b.interval
    if ia is None or ib is None:
        return "not compared"
    return stats.compare(ia[0], ia[1], ib[0], ib[1])


def _sentence(area: Profile, county: Profile, force: Profile, comparisons: dict, label: str, df: pd.DataFrame) -> str:
    if not area.period.n_present:
        return f"There is no police.uk data for {area.period.label}."
    if area.total == 0:
        return f"No {label} was recorded in {area.area_name} in {area.period.label}."
    if area.total_hidden:
        return (
            f"Fewer than {SUPPRESS_BELOW} crimes ({label}) were recorded in {area.area_name} in {area.period.label}: "
            "too few to say what happened to them without risking identifying people."
        )
    bits = [f"Of the {area.total_text} crimes ({label}) recorded in {area.area_name}, {area.period.label},"]
    charged = area.get("charged") if any(s.group_id == "charged" for s in area.shares) else None
    if charged is not None and charged.shown:
        bits.append(f"{pct(charged.share)} had led to a charge or summons when the data were published")
        which = "county" if area is not county else "force"
        res = comparisons[(area.area_code, "charged")][which]
        ref = comparisons[(area.area_code, "charged")][f"{which}_rest"]
        rest_name = crime.rest_words() if which == "county" else "the rest of the force area"
        if res in ("higher", "lower", "similar") and ref is not None and ref.shown:
            bits[-1] += f" ({words.comparison_words(res, '', rest_name).strip()}, {pct(ref.share)})"
    elif charged is not None:
        bits.append("the number charged or summonsed is too small to show")
    text = " ".join(bits) + "."
    top = max(area.shares, key=lambda s: s.count)
    if not area.any_hidden and top.count > 0 and top.group_id != "charged":
        text += f" The most common outcome was “{top.label.lower()}” ({pct(top.share)})."
    still_open = int(df.loc[df["still_open"].astype(bool), "count"].sum())
    if not any(withheld([still_open, area.total - still_open], area.sensitive)):
        text += (
            f" {_cap(pct(still_open / area.total))} of them were still open (under investigation, awaiting court, "
            "or without an update), so these shares will change."
        )
    return text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _completeness(months: tuple[Month, ...], area_name: str) -> str:
    shown = [m for m in months if m.shown]
    base = "Recent months are incomplete: outcomes are added as cases progress."
    if len(shown) < 2:
        return base
    first, last = shown[0], shown[-1]
    return (
        f"{base} In {area_name}, {pct(last.share)} of the crimes recorded in {words.month_words(last.month)} were still open "
        f"when the data were published, against {pct(first.share)} of those recorded in {words.month_words(first.month)}."
    )


# --- Tables and exports -------------------------------------------------------------------------------


SHARE_UNIT = "share of the crimes recorded (0 to 1)"
FRAME_COLUMNS = (
    *KEY_COLUMNS,
    "months_with_data",
    "outcome_group",
    "outcome",
    "crimes",
    "count",
    "share",
    "lower",
    "upper",
    "unit",
    "status",
    "compared_with_rest_of_county",
    "compared_with_rest_of_force_area",
)
MONTHS_COLUMNS = (
    *KEY_COLUMNS,
    "month",
    "crimes",
    "still_open_share",
    "lower",
    "upper",
    "unit",
    "status",
)


def _status(total: int, hidden: bool, count: int, sensitive: bool) -> str:
    """Why a share's numbers are in a CSV or not: 'shown', 'fewer than 5', 'withheld' or 'no data'."""
    if total == 0:
        return NO_DATA_TEXT
    if hidden:
        return SUPPRESSED_TEXT if is_suppressed(count, sensitive) else WITHHELD_TEXT
    return SHOWN_TEXT


def frame(o: Outcomes) -> pd.DataFrame:
    """The shares as tidy data for a chart, a CSV download or the command line (empty where withheld;
    ``status`` says why)."""
    rows = []
    for p in o.profiles:
        for s in p.shares:
            iv = s.interval
            comp = o.comparisons.get((p.area_code, s.group_id), {})
            rows.append(
                {
                    "area_code": p.area_code,
                    "area_name": p.area_name,
                    "measure_id": o.measure_id,
                    "measure": o.measure,
                    "period_from": p.period.start,
                    "period_to": p.period.end,
                    "months_with_data": p.period.n_present,
                    "outcome_group": s.group_id,
                    "outcome": s.label,
                    "crimes": None if p.total_hidden else p.total,
                    "count": s.count if s.shown else None,
                    "share": None if s.share is None else round(s.share, 4),
                    "lower": None if iv is None else round(iv[0], 4),
                    "upper": None if iv is None else round(iv[1], 4),
                    "unit": SHARE_UNIT,
                    "status": _status(s.total, s.hidden, s.count, s.sensitive),
                    "compared_with_rest_of_county": comp.get("county", "") or "",
                    "compared_with_rest_of_force_area": comp.get("force", "") or "",
                }
            )
    return tidy_frame(rows, FRAME_COLUMNS, ("months_with_data", "crimes", "count"), ("share", "lower", "upper"))


def table(o: Outcomes) -> pd.DataFrame:
    """The accessible table: withheld numbers are words, never numbers; its download is ``frame``."""
    rows = []
    for p in o.profiles:
        for s in p.shares:
            comp = o.comparisons.get((p.area_code, s.group_id), {})
            rows.append(
                {
                    "Area": p.area_name + (" (approximate)" if p.approximate else ""),
                    "Outcome": s.label,
                    "Crimes with this outcome": s.count_text,
                    "Share of crimes recorded": s.share_text,
                    "95% interval": s.interval_text,
                    f"Compared with {crime.rest_words()}": comp.get("county", "") or "",
                    "Compared with the rest of the force area": comp.get("force", "") or "",
                }
            )
    return with_csv(pd.DataFrame(rows), frame(o))


def months_frame(o: Outcomes) -> pd.DataFrame:
    """Month by month, the share of the crimes recorded that were still open, as tidy data."""
    area = next((p for p in o.profiles if p.area_name == o.months_area), o.area) if o.profiles else None
    rows = []
    for mo in o.months:
        iv = mo.interval
        rows.append(
            {
                "area_code": area.area_code if area else "",
                "area_name": o.months_area,
                "measure_id": o.measure_id,
                "measure": o.measure,
                "period_from": mo.month,
                "period_to": mo.month,
                "month": mo.month,
                "crimes": None if is_suppressed(mo.total, mo.sensitive) else mo.total,
                "still_open_share": None if mo.share is None else round(mo.share, 4),
                "lower": None if iv is None else round(iv[0], 4),
                "upper": None if iv is None else round(iv[1], 4),
                "unit": "share of the month's crimes still open (0 to 1)",
                "status": _status(mo.total, mo.hidden, mo.total, mo.sensitive),
            }
        )
    return tidy_frame(rows, MONTHS_COLUMNS, ("crimes",), ("still_open_share", "lower", "upper"))


def months_table(o: Outcomes) -> pd.DataFrame:
    rows = []
    for mo in o.months:
        iv = mo.interval
        rows.append(
            {
                "Month": words.month_words(mo.month),
                "Crimes recorded": count_text(mo.total, mo.sensitive),
                "Still open": pct(mo.share) if mo.shown else NOT_SHOWN,
                "95% interval": f"{pct(iv[0])} to {pct(iv[1])}" if iv else "",
                "Settled (so far)": pct(1 - mo.share) if mo.shown else NOT_SHOWN,
            }
        )
    return with_csv(pd.DataFrame(rows), months_frame(o))


def export(con: Con, *, area: str, start: str, end: str, measure_id: str = "all_crime", by: str = "group") -> pd.DataFrame:
    """The command line's CSV: the page's shares (``by='group'``) or month-by-month completeness (``'month'``)."""
    o = outcomes(con, area, measure_id, start, end)
    if by == "month":
        return months_frame(o)
    if by != "group":
        raise ValueError(f"unknown --by {by!r} for outcomes (group or month)")
    return frame(o)
