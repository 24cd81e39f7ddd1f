"""An attacker's solver for the disclosure test: what can be worked out from the figures a view sends?

It reads every police.uk figure a view sends as data (chart datasets, map layers, CSV downloads,
the command line's export: rows with ``area_code``, ``measure_id``, ``period_from``, ``period_to``
and ``count`` or a rate and residents to give it back) and knows, as anyone could, how figures add up:

- areas: an area is the sum of the areas of any one kind that exactly cover it (small areas,
  neighbourhoods, divisions, area boards, local authorities, the IMD deciles of an area);
- measures: a measure of several police.uk categories is the sum of its categories, and of any
  smaller such measure inside it plus the rest;
- time: a run of months is the sum of its months, and of any shorter run inside it plus the rest.

Each sum is built from what the structure says, not from what the page shows: a figure the page does
not send is simply unknown.  Then, repeatedly, any sum with exactly one unknown gives that unknown,
until nothing more comes out.  ``recovered`` is every figure the page withheld (or never sent) that
the solver worked out, with its value.

It is independent of the product's own rule (``sdp_dash/domain/disclosure.py``): it reads the
warehouse's tables with its own SQL.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from sdp_dash.config.months import months_between

Key = tuple[str, str, tuple[str, ...]]  # (area code, measure id, months summed)


@dataclass(frozen=True)
class Structure:
    area_sets: dict[str, frozenset[str]]  # area code (or 'code:imdD') -> its small areas
    area_family: dict[str, str]  # the kind of area: areas of one kind never overlap
    measure_sets: dict[str, frozenset[str]]  # measure id -> police.uk categories
    present: frozenset[str]  # months with data
    sensitive: frozenset[str]
    area_by_name: dict[str, str]  # an area's name -> its code (names that two areas share are left out)
    measure_by_label: dict[str, str]  # a measure's label or short label -> its id

    @classmethod
    def read(cls, con) -> Structure:
        rows = con.execute(
            """SELECT m.area_code, a.area_type, m.lsoa21_code, d.imd_decile FROM area_lsoa m
               JOIN areas a USING (area_code) LEFT JOIN deprivation d ON d.lsoa21_code = m.lsoa21_code"""
        ).fetchdf()
        sets, family = {}, {}
        for (code, kind), grp in rows.groupby(["area_code", "area_type"]):
            sets[code] = frozenset(grp["lsoa21_code"])
            family[code] = "la" if kind in ("county", "la") else kind
            for d, dg in grp.dropna(subset=["imd_decile"]).groupby("imd_decile"):
                sets[f"{code}:imd{int(d)}"] = frozenset(dg["lsoa21_code"])
                family[f"{code}:imd{int(d)}"] = f"decile of {code}"
        ms = con.execute("SELECT measure_id, list(crime_type), bool_or(sensitive) FROM measures GROUP BY 1").fetchall()
        names = con.execute("SELECT area_name, list(area_code) FROM areas GROUP BY 1").fetchall()
        labels = con.execute("SELECT DISTINCT measure_id, label, short_label FROM measures").fetchall()
        present = {
            r[0]
            for r in con.execute("SELECT DISTINCT strftime(month, '%Y-%m') FROM coverage WHERE status = 'present'").fetchall()
        }
        return cls(
            sets,
            family,
            {m: frozenset(t) for m, t, _ in ms},
            frozenset(present),
            frozenset(m for m, _, s in ms if s),
            {name: codes[0] for name, codes in names if len(codes) == 1},
            {label: m for m, *ls in labels for label in ls if label},
        )

    def months(self, start: str, end: str) -> tuple[str, ...]:
        return tuple(m for m in months_between(start, end) if m in self.present)


@dataclass
class Sent:
    known: dict[Key, int]
    withheld: set[Key]


@dataclass(frozen=True)
class View:
    """What a frame without its own columns for them is about: the view's area, measure and period."""

    area: str
    measure: str
    start: str
    end: str


MONTH_NAMES = {m: i for i, m in enumerate(calendar.month_name) if m}


def _month(text: str) -> str | None:
    bits = str(text).split()
    if len(bits) == 2 and bits[0] in MONTH_NAMES and bits[1].isdigit():
        return f"{bits[1]}-{MONTH_NAMES[bits[0]]:02d}"
    return None


def read_frames(frames: list[tuple[str, pd.DataFrame]], structure: Structure, view: View | None = None) -> Sent:
    """The police.uk figures in some frames: the ones shown (with their count) and the ones withheld.

    A frame names its figures by code columns (``area_code``, ``measure_id``, ``period_from``,
    ``period_to``: chart data, map layers, the export) or by words (``Area``, ``Measure``, ``Month``:
    tables and downloads); whatever a frame does not say is the view's own area, measure or period."""
    sent = Sent({}, set())
    for _, df in frames:
        if df.empty:
            continue
        for r in df.to_dict("records"):
            key = _key(r, structure, view)
            if key is None:
                continue
            value = _count(r, len(key[2]))
            if value is None:
                if _withheld(r):
                    sent.withheld.add(key)
            else:
                sent.known[key] = value
    sent.withheld -= set(sent.known)
    return sent


BREAKDOWNS = ("decile", "area", "outcome", "group", "force", "indicator", "share")


def _key(r: dict, s: Structure, view: View | None) -> Key | None:
    if any("outcome" in str(c).lower() for c in r):
        return None  # outcome groups of an area's crimes, not figures of the area
    named = "Area" in r or "area_code" in r or "Code" in r
    if not named and any(b in str(c).lower() for c in r for b in BREAKDOWNS):
        return None  # rows of some other breakdown (deciles, outcome groups): not the view's area
    area = (
        r.get("area_code")
        or r.get("Code")
        or s.area_by_name.get(str(r.get("Area", "")))
        or (view.area if view and not named else None)
    )
    if area and ("Small areas" in r or "small_areas" in r):  # a row of deciles: the small areas of the area in one decile
        decile = next((str(v).split()[0] for c, v in r.items() if "decile" in str(c).lower()), "")
        area = f"{area}:imd{int(decile)}" if decile.isdigit() else None
    measure = r.get("measure_id") or s.measure_by_label.get(str(r.get("Measure", "")))
    if measure is None and view and "Measure" not in r and "measure" not in r:
        measure = view.measure
    if "Month" in r:
        month = _month(r["Month"])
        start = end = month
    elif "period_from" in r:
        start, end = str(r["period_from"])[:7], str(r["period_to"])[:7]
    elif view:
        start, end = view.start, view.end
    else:
        return None
    if not (area and measure and start) or str(measure) not in s.measure_sets or str(area) not in s.area_sets:
        return None
    months = s.months(start, end)
    return (str(area), str(measure), months) if months else None


def _withheld(r: dict) -> bool:
    """The row says its figure is withheld (not: no data)."""
    said = " ".join(str(r.get(c, "")) for c in ("count_shown", "Count", "count"))
    if "count" in r:  # a tidy CSV: the count is empty and ``status`` says why
        said += " " + str(r.get("status", ""))
    return (
        "fewer than" in said
        or "withheld" in said
        or "not shown" in said
        or ("count" in r and r.get("count") is None and str(r.get("count_shown", "")) not in ("no data", ""))
    )


def _count(r: dict, n_months: int) -> int | None:
    c = r.get("count", r.get("Count"))
    if c is not None and not (isinstance(c, float) and pd.isna(c)) and str(c).strip() not in ("", "None", "nan"):
        try:
            return int(float(str(c).replace(",", "")))
        except ValueError:
            pass
    rate, pop = r.get("rate"), r.get("population", r.get("residents"))
    try:
        if rate is not None and pop is not None and not pd.isna(rate) and str(rate) != "":
            return round(float(rate) * float(str(pop).replace(",", "")) * n_months / 12 / 1000)
    except (TypeError, ValueError):
        return None
    return None


def _covers(whole: frozenset, parts: list[frozenset]) -> bool:
    return len(parts) >= 2 and sum(len(p) for p in parts) == len(whole) and frozenset().union(*parts) == whole


def partitions(s: Structure) -> dict[str, list[list[str]]]:
    """For each area, the sets of areas of one kind that exactly cover it (worked out once per structure)."""
    cached = _PARTITIONS.get(id(s))
    if cached is not None:
        return cached
    holding = defaultdict(set)
    for code, lsoas in s.area_sets.items():
        for lsoa in lsoas:
            holding[lsoa].add(code)
    out = {}
    for p, whole in s.area_sets.items():
        near = set().union(*(holding[lsoa] for lsoa in whole)) - {p}
        by_family = defaultdict(list)
        for c in near:
            if s.area_sets[c] < whole:
                by_family[s.area_family[c]].append(c)
        out[p] = [sorted(cs) for cs in by_family.values() if _covers(whole, [s.area_sets[c] for c in cs])]
    _PARTITIONS[id(s)] = out
    return out


_PARTITIONS: dict[int, dict[str, list[list[str]]]] = {}


def sums(keys: set[Key], s: Structure) -> list[tuple[Key, list[Key]]]:
    """Every sum (total, parts) touching the given figures, from the structure alone."""
    out = []
    parts_of = partitions(s)
    areas = {k[0] for k in keys}
    parents = {p for p, splits in parts_of.items() if p in areas or any(a in split for split in splits for a in areas)}
    # Ancestors further up (a county above an area board above a small area) are reached through the
    # figures the parents bring in: add them until no new area appears.
    while True:
        more = {p for p, splits in parts_of.items() if p not in parents and any(c in parents for split in splits for c in split)}
        if not more:
            break
        parents |= more
    for measure, months in {(k[1], k[2]) for k in keys}:
        for p in parents:
            for split in parts_of[p]:
                out.append(((p, measure, months), [(c, measure, months) for c in split]))
    singles = {next(iter(t)): m for m, t in s.measure_sets.items() if len(t) == 1}
    for area, months in {(k[0], k[2]) for k in keys}:
        for m, types in s.measure_sets.items():
            if len(types) < 2:
                continue
            out.append(((area, m, months), [(area, singles[t], months) for t in sorted(types)]))
            for inner, itypes in s.measure_sets.items():
                if 1 < len(itypes) < len(types) and itypes < types:
                    out.append(
                        (
                            (area, m, months),
                            [(area, inner, months)] + [(area, singles[t], months) for t in sorted(types - itypes)],
                        )
                    )
    runs = {k[2] for k in keys}
    for area, m in {(k[0], k[1]) for k in keys}:
        for run in runs:
            if len(run) < 2:
                continue
            out.append(((area, m, run), [(area, m, (mo,)) for mo in run]))
            for inner in runs:
                if 1 < len(inner) < len(run) and set(inner) < set(run):
                    rest = [(area, m, (mo,)) for mo in run if mo not in inner]
                    out.append(((area, m, run), [(area, m, inner), *rest]))
    return out


def solve(sent: Sent, s: Structure) -> dict[Key, int]:
    """Apply the sums repeatedly; return every figure worked out that the view did not show."""
    known = dict(sent.known)
    lines = sums(set(known) | sent.withheld, s)
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            unknown = [k for k in [total, *parts] if k not in known]
            if len(unknown) != 1:
                continue
            (u,) = unknown
            if u == total:
                known[u] = sum(known[p] for p in parts)
            else:
                known[u] = known[total] - sum(known[p] for p in parts if p != u)
            changed = True
    return {k: v for k, v in known.items() if k not in sent.known}


def leaks(sent: Sent, s: Structure) -> dict[Key, int]:
    """Withheld figures the solver worked out, and small sensitive counts it worked out anywhere."""
    got = solve(sent, s)
    return {k: v for k, v in got.items() if k in sent.withheld or (k[1] in s.sensitive and 1 <= v <= 4)}


class Truth:
    """The true value of any figure, recounted from the warehouse's counts by small area, category and month."""

    def __init__(self, con, structure: Structure):
        self.s = structure
        self.counts = con.execute(
            "SELECT lsoa21_code, crime_type, strftime(month, '%Y-%m') AS month, sum(n) AS n FROM crime_counts GROUP BY ALL"
        ).fetchdf()

    def __call__(self, key: Key) -> int:
        area, measure, months = key
        c = self.counts
        keep = (
            c["lsoa21_code"].isin(self.s.area_sets[area])
            & c["crime_type"].isin(self.s.measure_sets[measure])
            & c["month"].isin(months)
        )
        return int(c.loc[keep, "n"].sum())

    def misread(self, sent: Sent) -> dict[Key, tuple[int, int]]:
        """Figures the solver read with a value other than the true one (the reader's own check)."""
        return {k: (v, self(k)) for k, v in sent.known.items() if v != self(k)}
