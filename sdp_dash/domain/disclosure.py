"""Disclosure control: which police.uk figures are withheld so that no small count of a sensitive
measure can be shown, or worked out from the figures shown beside it.  No Streamlit here.

**Primary suppression** (``figure.is_suppressed``): a count of 1 to 4 of a sensitive measure
(violence and sexual offences, robbery) is withheld, at every area level and period.

**Complementary suppression** (this module).  Every police.uk figure a view of the period
``start``-``end`` can show, on any page, in any download, chart dataset or the command line's export
of that period, is one cell of one cube: *area x measure x time*.  The cells are tied by sums:

- areas: an area is the sum of any set of other areas that exactly covers it (its small areas, the
  county's divisions or area boards, the small areas of one deprivation decile, the deciles of an
  area, the local authorities of a police force area);
- measures: a measure made of several police.uk categories is the sum of its categories, and of any
  smaller such measure inside it plus the rest (all crime = victim-based crime + the other four);
- time: the period is the sum of its months, and so are the months compared with a year earlier
  (and the year before), shown by the change sentences; trends run from a year before the period.

No withheld cell may be the only unknown in any of these sums, also after other cells have been
worked out.  So, repeatedly, every sum with exactly one withheld cell gets one more withheld cell,
chosen by one stated, stable rule: the cell of that sum that costs least, where

    a sensitive category costs less than another category, which costs less than a measure made
    of several (a headline total is withheld only where no category can be);
    a month costs less than a period; a small area less than a neighbourhood, division or decile,
    which cost less than an area board, then another local authority, then a police force area,
    and the county last;
    then a non-zero count before a zero one, the smallest count first;
    then the first in a fixed order (area code, measure, month).

It stops when no sum has exactly one withheld cell.  The pattern is worked out once per period (and
warehouse), so every view of that period, its downloads and the export withhold the same cells.

What it cannot protect: periods are chosen freely, so the figures of two overlapping periods can be
subtracted; and police.uk itself publishes every incident at street level.  The rule keeps small
counts of these crimes off this site's pages; it is not secrecy.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from sdp_dash import warehouse
from sdp_dash.config import codes
from sdp_dash.config.months import months_between, shift_month
from sdp_dash.domain import stats, words
from sdp_dash.warehouse import Con

TREND_MONTHS_BEFORE = 12  # trends run from a year before the period starts

# Which areas may add up to which: areas of one family never overlap.  The county and the local
# authorities are one family (a police force area is the partnership and its force's other authorities).
_FAMILY = {"county": "la", "la": "la"}
# Cost of withholding a cell, by the area's level (a small area is the cheapest to withhold).
# The partnership's own county is withheld last of all: a comparator (a police force area, which holds
# the partnership and its force's other authorities) goes first.
_LEVEL = {"lsoa": 0, "msoa": 1, "division_2013": 1, "division_2025": 1, "decile": 1, "aap": 2, "la": 3, "force": 4, "county": 5}

_SENSITIVE_TYPE, _OTHER_TYPE, _MULTI = 0.0, 1e9, 4e9
_MONTH, _AGGREGATE = 0.0, 2e9
_AREA_STEP = 1e8
_ZERO = 5e7  # a zero count is withheld only where no non-zero count of the same cost can be


def decile_code(code: str, decile: int) -> str:
    """The key of the small areas of ``code`` in one IMD 2019 decile, as figures of deciles carry it."""
    return f"{code}:imd{int(decile)}"


def trend_start(start: str) -> str:
    """Trends run from a year before the period starts, so the period reads against the year before it."""
    return shift_month(start, -TREND_MONTHS_BEFORE)


@dataclass(frozen=True)
class Pattern:
    """The withheld cells of one period's cube (about 0.3 MB for the largest partnership's)."""

    start: str
    end: str
    node_of: dict[str, int]  # area code (or decile key) -> node
    measure_of: dict[str, int]  # measure id -> measure
    time_of: dict[tuple[str, ...], int]  # months summed -> time
    exists: np.ndarray  # [node, measure, time]: the cube has this cell
    primary: np.ndarray  # [node, measure, time]: withheld as a small sensitive count
    hidden: np.ndarray  # [node, measure, time]: withheld (primary or complementary)
    sums: int  # number of sums checked
    rounds: int  # rounds until no sum had exactly one withheld cell

    def _cell(self, code: str, measure_id: str, months: tuple[str, ...]) -> tuple[int, int, int] | None:
        n, m, t = self.node_of.get(code), self.measure_of.get(measure_id), self.time_of.get(tuple(months))
        if n is None or m is None or t is None or not self.exists[n, m, t]:
            return None
        return n, m, t

    def withheld(self, code: str, measure_id: str, months: tuple[str, ...] | list[str]) -> bool:
        """Whether the figure of ``code`` and ``measure_id`` summed over ``months`` is withheld.

        A figure outside the cube (an area or measure it does not hold) is left to the primary rule;
        a sum of months that is not a cell of its own is withheld when any of its months is."""
        months = tuple(months)
        if not months:
            return False
        c = self._cell(code, measure_id, months)
        if c is not None:
            return bool(self.hidden[c])
        cells = [self._cell(code, measure_id, (m,)) for m in months]
        return any(self.hidden[c] for c in cells if c is not None)


@warehouse.lookup
def pattern(con: Con, start: str, end: str) -> Pattern:
    """The withheld cells of every view of the period ``start``-``end`` (see the module notes)."""
    cube = _cube(con, start, end)
    lines = _lines(cube)
    hidden, rounds = complete(cube.primary, cube.cost, lines)
    exists = cube.cell >= 0

    def grid(flags: np.ndarray) -> np.ndarray:
        out = np.zeros(exists.shape, dtype=bool)
        out[exists] = flags
        return out

    return Pattern(
        start,
        end,
        cube.node_of,
        cube.measure_of,
        cube.time_of,
        exists,
        grid(cube.primary),
        grid(hidden),
        int(len(lines[0]) - 1),
        rounds,
    )


# --- The rule on any set of sums -----------------------------------------------------------------------


def complete(primary: np.ndarray, cost: np.ndarray, lines: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, int]:
    """Complementary suppression over sums given as CSR (``indptr``, ``indices``: the cells of each sum).

    Repeatedly, each sum with exactly one withheld cell gets its cheapest other cell withheld (ties:
    the lowest cell id), until no sum has exactly one.  Returns the withheld cells and the rounds taken."""
    indptr, indices = lines
    hidden = primary.copy()
    if len(indptr) < 2:
        return hidden, 0
    starts, lengths = indptr[:-1], np.diff(indptr)
    rounds = 0
    while True:
        unknown = np.add.reduceat(hidden[indices].astype(np.int32), starts)
        single = np.flatnonzero(unknown == 1)
        if not single.size:
            return hidden, rounds
        rounds += 1
        lens = lengths[single]
        offsets = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
        members = indices[np.repeat(starts[single], lens) + offsets]
        row = np.repeat(np.arange(single.size), lens)
        price = np.where(hidden[members], np.inf, cost[members])
        order = np.lexsort((members, price, row))
        first = order[np.r_[0, np.flatnonzero(np.diff(row[order])) + 1]]
        hidden[members[first]] = True


# --- The cube --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cube:
    node_of: dict[str, int]
    measure_of: dict[str, int]
    measure_types: list[frozenset[str]]
    time_of: dict[tuple[str, ...], int]
    time_months: list[tuple[str, ...]]
    cell: np.ndarray  # [node, measure, time] -> cell id, -1 where there is none
    primary: np.ndarray  # per cell: a small count of a sensitive measure
    cost: np.ndarray  # per cell: what withholding it costs (the module notes' order)
    area_sums: list[tuple[int, list[int]]]


def _cube(con: Con, start: str, end: str) -> _Cube:
    """The period's cells, which are small sensitive counts, and what each costs to withhold."""
    nodes = _areas(con)
    measures = warehouse.measures(con)
    type_sets = [frozenset(ts) for ts in measures["crime_types"]]
    sensitive = measures["sensitive"].to_numpy(bool)
    times = _times(con, start, end)
    period = _period_months(con, start, end)
    values = _values(con, nodes, type_sets, times)
    cell = _cells(nodes, values.shape, times.index(period) if period in times else None)
    value = values[cell >= 0]
    small = (value >= 1) & (value < stats.SUPPRESS_BELOW)
    primary = small & np.broadcast_to(sensitive[None, :, None], values.shape)[cell >= 0]
    cost = _costs(nodes, type_sets, sensitive, times)[cell >= 0] + np.where(value > 0, value, _ZERO)
    return _Cube(
        nodes.node_of,
        {mid: i for i, mid in enumerate(measures["measure_id"])},
        type_sets,
        {ts: i for i, ts in enumerate(times)},
        times,
        cell,
        primary,
        cost,
        nodes.area_sums,
    )


def _values(con: Con, nodes: _Nodes, type_sets: list[frozenset[str]], times: list[tuple[str, ...]]) -> np.ndarray:
    """Count of every area x measure x sum of months, from the counts per small area, category and month."""
    types = sorted({t for ts in type_sets for t in ts})
    months = sorted({m for ts in times for m in ts})
    x = np.zeros((len(nodes.lsoas), len(types), len(months)))
    counts = warehouse.lsoa_type_month_counts(con, months[0], months[-1]) if months else pd.DataFrame()
    if len(counts):
        axes = [
            (col, {v: i for i, v in enumerate(vs)})
            for col, vs in (("lsoa21_code", nodes.lsoas), ("crime_type", types), ("month", months))
        ]
        c = counts[np.logical_and.reduce([counts[col].isin(ix) for col, ix in axes])]
        np.add.at(x, tuple(c[col].map(ix).to_numpy() for col, ix in axes), c["n"].to_numpy(float))
    by_node = (nodes.membership @ x.reshape(len(nodes.lsoas), -1)).reshape(len(nodes.codes_of), len(types), len(months))
    measure_by_type = np.array([[t in ts for t in types] for ts in type_sets], dtype=float)
    time_by_month = np.array([[m in ts for m in months] for ts in times], dtype=float)
    return np.einsum("ntm,kt,sm->nks", by_node, measure_by_type, time_by_month)


def _cells(nodes: _Nodes, shape: tuple[int, int, int], period_t: int | None) -> np.ndarray:
    """Cell ids: every area at every time, but a decile of an area only over the whole period (-1: no cell)."""
    exists = np.ones(shape, dtype=bool)
    decile_only = np.array([fams <= {"decile"} for fams in nodes.family], dtype=bool)
    exists[decile_only] = False
    if period_t is not None:
        exists[decile_only, :, period_t] = True
    cell = np.full(shape, -1, dtype=np.int64)
    cell[exists] = np.arange(int(exists.sum()))
    return cell


def _costs(nodes: _Nodes, type_sets: list[frozenset[str]], sensitive: np.ndarray, times: list[tuple[str, ...]]) -> np.ndarray:
    """What withholding each area x measure x time costs before its count is added (the module notes' order)."""
    level = np.array([min(_LEVEL.get(t, 4) for t in types_) for types_ in nodes.types], dtype=float)
    measure_cost = np.where(sensitive, _SENSITIVE_TYPE, np.where([len(ts) > 1 for ts in type_sets], _MULTI, _OTHER_TYPE))
    time_cost = np.array([_MONTH if len(ts) == 1 else _AGGREGATE for ts in times])
    return level[:, None, None] * _AREA_STEP + measure_cost[None, :, None] + time_cost[None, None, :]


@dataclass(frozen=True)
class _Nodes:
    node_of: dict[str, int]
    codes_of: list[list[str]]
    types: list[set[str]]
    family: list[set[str]]
    lsoas: list[str]
    membership: sparse.csr_matrix
    size: np.ndarray
    decile_parents: list[tuple[int, list[int]]]
    area_sums: list[tuple[int, list[int]]]  # (area, the areas of one family that exactly cover it)


@warehouse.lookup
def _areas(con: Con) -> _Nodes:
    """The period-free part of the cube, worked out once per warehouse: its areas and how they add up."""
    return _nodes(warehouse.area_memberships(con))


def _nodes(members: pd.DataFrame) -> _Nodes:
    """Areas (and the deciles of each area) as nodes: areas made of the same small areas are one node."""
    found: dict[str, tuple[str, set[str]]] = {}
    for code, area_type, lsoa, decile in members.itertuples(index=False):
        found.setdefault(code, (area_type, set()))[1].add(lsoa)
        if area_type in codes.DECILE_AREA_TYPES and decile is not None and decile == decile:  # NaN: no decile
            found.setdefault(decile_code(code, int(decile)), ("decile", set()))[1].add(lsoa)
    sets = {code: (t, frozenset(lsoas)) for code, (t, lsoas) in found.items()}
    by_set: dict[frozenset[str], int] = {}
    node_of, codes_of, types, family = {}, [], [], []
    for code in sorted(sets):
        area_type, lsoas = sets[code]
        n = by_set.setdefault(lsoas, len(by_set))
        if n == len(codes_of):
            codes_of.append([])
            types.append(set())
            family.append(set())
        node_of[code] = n
        codes_of[n].append(code)
        types[n].add(area_type)
        family[n].add("decile" if area_type == "decile" else _FAMILY.get(area_type, area_type))
    lsoas = sorted({lsoa for s in by_set for lsoa in s})
    lsoa_ix = {c: i for i, c in enumerate(lsoas)}
    rows, cols = [], []
    for s, n in by_set.items():
        rows += [n] * len(s)
        cols += [lsoa_ix[c] for c in s]
    membership = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(by_set), len(lsoas)))
    deciles_of = {}
    for code in sets:
        if sets[code][0] == "decile":
            parent = code.rsplit(":imd", 1)[0]
            deciles_of.setdefault(parent, set()).add(node_of[code])
    decile_parents = [
        (node_of[code], sorted(kids - {node_of[code]}))
        for code, kids in sorted(deciles_of.items())
        if len(kids - {node_of[code]}) >= 2
    ]
    nodes = _Nodes(
        node_of, codes_of, types, family, lsoas, membership, np.asarray(membership.sum(axis=1)).ravel(), decile_parents, []
    )
    return dataclasses.replace(nodes, area_sums=_area_sums(nodes))


def _period_months(con: Con, start: str, end: str) -> tuple[str, ...]:
    missing = set(warehouse.missing_months(con, codes.COUNTY, start, end))
    return tuple(m for m in months_between(start, end) if m not in missing)


def _times(con: Con, start: str, end: str) -> list[tuple[str, ...]]:
    """The sums of months a view of the period shows: each month of its trend, the period, and the
    months compared with a year earlier (and those a year earlier)."""
    t0 = trend_start(start)
    missing = set(warehouse.missing_months(con, codes.COUNTY, t0, end))
    months = [m for m in months_between(t0, end) if m not in missing]
    comp = words.comparable(
        start,
        end,
        warehouse.missing_months(con, codes.COUNTY, start, end),
        warehouse.missing_months(con, codes.COUNTY, shift_month(start, -12), shift_month(end, -12)),
    )
    out = [(m,) for m in months]
    for agg in (_period_months(con, start, end), comp.current, comp.previous):
        if agg and tuple(agg) not in out:
            out.append(tuple(agg))
    return out


# --- The sums ----------------------------------------------------------------------------------------


def _lines(cube: _Cube) -> tuple[np.ndarray, np.ndarray]:
    """Every sum of the cube as CSR (``indptr``, ``indices``); a sum lists its total first."""
    blocks: list[np.ndarray] = []
    for parent, children in cube.area_sums:
        grid = cube.cell[[parent, *children]]  # (k, measures, times)
        blocks.append(grid.reshape(len(children) + 1, -1).T)
    for total, parts in _nested_sums([frozenset(ts) for ts in cube.measure_types], cube.measure_of.values()):
        grid = cube.cell[:, [total, *parts], :]  # (nodes, k, times)
        blocks.append(grid.transpose(0, 2, 1).reshape(-1, len(parts) + 1))
    for total, parts in _nested_sums([frozenset(ts) for ts in cube.time_months], cube.time_of.values()):
        grid = cube.cell[:, :, [total, *parts]]  # (nodes, measures, k)
        blocks.append(grid.reshape(-1, len(parts) + 1))
    rows = [b[(b >= 0).all(axis=1)] for b in blocks]
    rows = [r for r in rows if len(r)]
    if not rows:
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lengths = np.concatenate([np.full(len(r), r.shape[1]) for r in rows])
    indices = np.concatenate([r.ravel() for r in rows])
    return np.r_[0, np.cumsum(lengths)].astype(np.int64), indices.astype(np.int64)


def _area_sums(nodes: _Nodes) -> list[tuple[int, list[int]]]:
    """(area, the areas of one family that exactly cover it), for every area and family; and each
    area as the sum of its deciles."""
    m = nodes.membership
    overlap = (m @ m.T).toarray()
    size = nodes.size
    contained = overlap >= size[:, None] - 0.5  # contained[c, p]: every small area of c is in p
    np.fill_diagonal(contained, False)
    out = []
    families = sorted({f for fams in nodes.family for f in fams} - {"decile"})
    for fam in families:
        members = np.array([fam in fams for fams in nodes.family])
        inside = contained & members[:, None]
        covered = size @ inside  # small areas of the family's areas inside each area
        count = inside.sum(axis=0)
        for p in np.flatnonzero((np.abs(covered - size) < 0.5) & (count >= 2)):
            out.append((int(p), [int(c) for c in np.flatnonzero(inside[:, p])]))
    out += nodes.decile_parents
    return out


def _nested_sums(sets: list[frozenset[str]], ids) -> list[tuple[int, list[int]]]:
    """For sets of atoms where every atom is a set of its own: each larger set as the sum of its
    atoms, and as any smaller set inside it plus the atoms left over."""
    ids = list(ids)
    single = {next(iter(s)): i for s, i in zip(sets, ids, strict=True) if len(s) == 1}
    out = []
    multi = [(s, i) for s, i in zip(sets, ids, strict=True) if len(s) > 1 and s <= single.keys()]
    for s, i in multi:
        out.append((i, [single[a] for a in sorted(s)]))
        for inner, j in multi:
            if inner < s:
                out.append((i, [j, *(single[a] for a in sorted(s - inner))]))
    return out
