"""What a priority page shows for each indicator of the catalogue, built once per indicator, area and
period: the card's figures (police.uk ``Figure`` objects or ``PublishedFigure`` objects) and the row
of the page's "at a glance" summary.  No Streamlit here.

Like with like (issue 17): a police.uk figure is compared (higher / similar / lower, by 95% intervals)
only with areas that neither contain it nor lie inside it.  The partnership's area is compared with
the other authorities of its police force and the other force areas (``home``); its own force area,
which includes it, is shown as context.  An area inside the county is compared with *the rest of the county* (the county
without it) and the county is shown as context.  A change always names the months it sets side by
side, and every figure at a glance names its area where it is not the chosen one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from sdp_dash import warehouse
from sdp_dash.config import catalogue, codes
from sdp_dash.domain import baselines, crime, home, published, stats, words
from sdp_dash.domain.figure import KEY_COLUMNS, SHOWN_TEXT, WITHHELD_TEXT, Comparison, Figure, compare, tidy_frame, with_csv
from sdp_dash.domain.published import PublishedFigure
from sdp_dash.warehouse import Con

MIN_POINTS = 3  # a series with fewer comparable points is a value with its period, not a chart
CONTEXT = "context"  # the result of a figure set beside the chosen one but never compared with it
REFERENCE = "shown for reference"  # why the standing comparators are not compared with an area of the partnership's


def comparators() -> tuple[str, ...]:
    """The figures a police card's table shows: the partnership, its force's other authorities, the force areas."""
    return home.current().comparators


def rest_name() -> str:
    """'the rest of Middlesbrough': the partnership's area without the chosen area."""
    return f"the rest of {codes.COUNTY_NAME}"


def anchor(indicator_id: str) -> str:
    """The id of an indicator's card on its page (the summary links to it)."""
    return "indicator-" + indicator_id.replace("_", "-")


# --- police.uk indicators ------------------------------------------------------------------------------


def short_name(f: Figure) -> str:
    """A police.uk area named with its kind: 'Cleveland force area', its own force's with its authorities."""
    h = home.current()
    return h.force_area(f.area_code) if f.area_code in h.force_codes else f.area_name


def contains(outer: Figure, inner: Figure) -> bool:
    """``outer``'s area contains ``inner``'s: the partnership's force area contains it and its force's other
    authorities; the partnership's area contains each of its areas (and the rest of it)."""
    if outer.area_code == inner.area_code:
        return False
    h = home.current()
    if outer.area_code == h.force_code:
        return inner.area_code not in h.force_codes
    if outer.area_code == codes.COUNTY:
        return inner.area_code not in (*h.force_codes, *h.neighbour_codes)
    return False


def nested(a: Figure, b: Figure) -> bool:
    return contains(a, b) or contains(b, a)


def relation(me: Figure, other: Figure) -> Comparison:
    """How the chosen figure stands beside another: compared by intervals when neither area contains the
    other, else context (never higher / similar / lower than an area it is part of)."""
    if nested(me, other):
        return Comparison(CONTEXT, f"{short_name(other)} {'includes' if contains(other, me) else 'is part of'} {me.area_name}")
    return compare(me, other)


rest_of_county = crime.rest_of_county


@dataclass(frozen=True)
class PoliceCard:
    indicator_id: str
    figure: Figure  # the chosen area
    county: Figure
    comparators: tuple[tuple[Figure, Comparison], ...]  # every other figure shown, with how the chosen one stands beside it
    monthly: tuple[Figure, ...]  # the 12 months before the period and the period, month by month
    change: crime.Change
    since_plan: tuple[baselines.SincePlan, ...]
    # Worked out once when the card is built (cached), so a rerun only reads them:
    comparison: str = ""
    change_text: str = ""
    change_months: str = ""  # 'Jan to Apr 2025 against Jan to Apr 2024': the months the change sets side by side
    metric_value: str = ""
    metric_caption: str = ""
    trend: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    @property
    def peers(self) -> list[tuple[Figure, Comparison]]:
        """The figures the chosen one is compared with (the same kind of area, neither containing the other)."""
        return [(f, c) for f, c in self.comparators if c.result != CONTEXT and c.reason != REFERENCE]

    @property
    def context(self) -> list[Figure]:
        """Areas containing the chosen one (or inside it): shown beside it, never compared."""
        return [f for f, c in self.comparators if c.result == CONTEXT]

    @property
    def figures(self) -> list[Figure]:
        """Every figure of the card's table: the chosen area first."""
        return [self.figure, *(f for f, _ in self.comparators)]

    def comparison_words(self) -> str:
        """For an area of the partnership's: 'higher than the rest of <the area>. For context (not compared):
        <the area>, which includes <the chosen area>, 92.7'.  For the whole area: against its force's other
        authorities and the other force areas, with its own force area (which includes it) as context."""
        me = self.figure
        peers = self.peers
        if me.area_code == codes.COUNTY:
            said = "; ".join(c.words(short_name(f)) for f, c in peers)
        elif peers:
            said = "; ".join(c.words(rest_name()) for _f, c in peers)
        else:
            said = "not compared" + ("" if me.available else " (too few to show)")
        around = [f for f in self.context if contains(f, me)][:1]  # the smallest area containing it
        if around:
            said += ". For context (not compared): " + "; ".join(
                f"{short_name(f)}, which includes {me.area_name}, {f.rate_text}" for f in around
            )
        return said

    def change_words(self) -> str:
        """Against the same months a year before, naming them: '14% higher in January to April 2025 than in
        January to April 2024 (bigger than chance; police.uk has no data for May to December 2024)'."""
        c = self.change
        comp = c.comparable
        if not comp.current:
            return "no comparison with a year before possible (" + _missing(comp) + ")"
        now, before = words.months_words(comp.current), words.months_words(comp.previous)
        if c.now is None or c.before is None:
            return f"not shown for {now} against {before}: the numbers are too small to compare"
        pct = stats.percent_change(c.now, c.before)
        if pct is None:
            return f"{c.now:,} in {now}, none in {before}"
        chance = "bigger than chance" if stats.change_p_value(c.now, c.before) < 0.05 else "within chance"
        part = "" if comp.complete else "; " + _missing(comp)
        if round(pct) == 0:
            return f"about the same in {now} as in {before} ({chance}{part})"
        return f"{abs(pct):.0f}% {'higher' if pct > 0 else 'lower'} in {now} than in {before} ({chance}{part})"

    def change_row(self) -> dict:
        """The change as one row of a table or CSV: the months on each side are named."""
        c = self.change
        comp = c.comparable
        pct = stats.percent_change(c.now, c.before) if c.now is not None and c.before is not None else None
        return {
            "Area": self.figure.area_name,
            "Measure": self.figure.measure,
            "Months compared": words.months_words(comp.current) if comp.current else "none",
            "Against (a year earlier)": words.months_words(comp.previous) if comp.previous else "none",
            "Count": "not shown" if c.now is None else f"{c.now:,}",
            "Count a year earlier": "not shown" if c.before is None else f"{c.before:,}",
            "Change": "" if pct is None else f"{words.number(pct, 0, sign=True)}%",
            "Change in words": self.change_text,
        }


def _missing(comp: words.Comparable) -> str:
    bits = []
    if comp.missing_before:
        bits.append(f"police.uk has no data for {words.months_words(comp.missing_before)}")
    if comp.missing_now:
        bits.append(f"no data yet for {words.months_words(comp.missing_now)}")
    return "; ".join(bits) or "no comparable months"


def police_card(con: Con, indicator_id: str, code: str, start: str, end: str) -> PoliceCard:
    ind = catalogue.indicator(indicator_id)
    county = crime.figure(con, codes.COUNTY, ind.measure, start, end)
    figs = [county if c == codes.COUNTY else crime.figure(con, c, ind.measure, start, end) for c in comparators()]
    me = county if code == codes.COUNTY else crime.figure(con, code, ind.measure, start, end)
    monthly = crime.trend_figures(con, code, ind.measure, start, end)
    plan = baselines.since_plan(con, list(ind.baseline_ids), start, end) if ind.baseline_ids else []
    if code == codes.COUNTY:
        beside = [(f, relation(me, f)) for f in figs if f.area_code != codes.COUNTY]
    else:  # an area of the county: compared with the rest of the county; the county is context
        inside = str(warehouse.area(con, code)["area_type"]) in codes.COUNTY_TYPES
        rest = rest_of_county(county, me) if inside else None
        beside = [(rest, relation(me, rest))] if rest is not None else []
        for f in figs:
            c = relation(me, f)
            beside.append((f, c if c.result == CONTEXT else Comparison("not compared", REFERENCE)))
    card = PoliceCard(
        indicator_id,
        me,
        county,
        tuple(beside),
        tuple(monthly),
        crime.change(con, code, ind.measure, start, end),
        tuple(plan),
    )
    bits = [f"{me.count_text} recorded"] if me.available else []
    if me.available:
        bits.append(f"per 1,000 residents a year (95% interval {me.interval_text})")
    if me.note:
        bits.append(me.note)
    trend = crime.frame(monthly)
    return dataclasses.replace(
        card,
        comparison=card.comparison_words(),
        change_text=card.change_words(),
        change_months=words.change_months(card.change.comparable, short=True),
        metric_value=me.rate_text if me.available else me.count_text,
        metric_caption="; ".join(bits),
        trend=trend.assign(month=trend["period_from"]),
    )


def comparison_table(card: PoliceCard) -> list[tuple[Figure, str, str]]:
    """Each figure of a police card's table with which area it is and how the chosen area stands beside it
    ('the chosen area', 'higher than it', 'context: includes <the area>', 'for reference, not compared')."""
    rows = [(card.figure, "The chosen area", "—")]
    for f, c in card.comparators:
        role = published.comparator_role(f.area_code)
        if c.result == CONTEXT:
            how = f"context, not compared: {c.reason}"
        elif c.reason == REFERENCE:
            how = "for reference, not compared"
        elif c.result == "not compared":
            how = c.words("")
        else:
            how = f"{card.figure.area_name} is {c.words('it')}"
        rows.append((f, role, how))
    return rows


def change_table(card: PoliceCard) -> pd.DataFrame:
    """The change as a one-row table, naming the months on each side; its download is ``change_frame``."""
    return with_csv(pd.DataFrame([card.change_row()]), change_frame(card))


CHANGE_COLUMNS = (
    *KEY_COLUMNS,
    "months_compared",
    "months_a_year_earlier",
    "count_in_months_compared",
    "count_a_year_earlier",
    "change_percent",
    "status",
    "note",
)


def change_frame(card: PoliceCard) -> pd.DataFrame:
    """The change as tidy data: the months on each side (YYYY-MM, separated by spaces), both counts and the
    percentage change as numbers (empty when withheld or not comparable), ``status`` saying why."""
    c, f = card.change, card.figure
    comp = c.comparable
    pct = stats.percent_change(c.now, c.before) if c.now is not None and c.before is not None else None
    if not comp.current:
        status = "not comparable"
    elif c.now is None or c.before is None:
        status = WITHHELD_TEXT
    else:
        status = SHOWN_TEXT
    row = {
        "area_code": f.area_code,
        "area_name": f.area_name,
        "measure_id": f.measure_id,
        "measure": f.measure,
        "period_from": f.period.start,
        "period_to": f.period.end,
        "months_compared": " ".join(comp.current),
        "months_a_year_earlier": " ".join(comp.previous),
        "count_in_months_compared": c.now,
        "count_a_year_earlier": c.before,
        "change_percent": None if pct is None else round(float(pct), 1),
        "status": status,
        "note": card.change_text,
    }
    return tidy_frame([row], CHANGE_COLUMNS, ("count_in_months_compared", "count_a_year_earlier"), ("change_percent",))


# --- published indicators ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedCard:
    indicator_id: str
    figures: tuple[PublishedFigure, ...]
    head: PublishedFigure | None
    comparison: str
    direction: str
    since_plan: str
    pointers: tuple[PublishedFigure, ...]

    @property
    def charted(self) -> bool:
        """A chart earns its place only with a line of at least three comparable points."""
        return published.longest_line(list(self.figures)) >= MIN_POINTS

    @property
    def national(self) -> bool:
        return bool(self.figures) and all(f.area_level == "country" for f in self.figures)


def published_card(con: Con, indicator_id: str) -> PublishedCard:
    ind = catalogue.indicator(indicator_id)
    figs = published.figures(con, ind) if ind.has_official_figures else []
    head = published.headline(ind, figs)
    return PublishedCard(
        indicator_id,
        tuple(figs),
        head,
        published.comparison_words(figs, head) if head else "no comparison published",
        published.direction_words(figs, head) if head else "",
        baselines.published_since_plan(ind, head) if ind.baseline_ids else "no plan figure",
        tuple(published.pointers(con, ind)),
    )


# --- At a glance ---------------------------------------------------------------------------------------
# One short line per cell, so a priority page's summary fits one screen; the card holds the detail.

QUALITY_TAGS = {published.OFFICIAL: "", published.TRANSCRIBED: "transcribed", published.SECONDARY: "secondary quotation"}


@dataclass(frozen=True)
class GlanceRow:
    indicator_id: str
    title: str
    value: str  # the headline, short: '22.1 per 1,000', '14,649 incidents', '593 crimes in 9 months'
    quality: str  # '' for police.uk and official statistics, else 'transcribed' / 'secondary quotation' / 'plan'
    comparison: str  # 'lower than 2, similar to 1 (of 3 areas)', 'higher than the rest of the county', 'none published'
    change: str  # '14% higher*' (* bigger than chance), 'up from 344', 'no figure for the year before'
    plan: str  # 'see card' where the plan has a figure for it, else '—'
    age: str  # 'current', '2020', 'period not stated'
    context: bool  # older than the plan: context, not the current position
    months: str = ""  # what the change sets side by side: 'Jan to Apr 2025 against Jan to Apr 2024'
    area: str = ""  # the area the figure is for ('' for a row without a figure)

    @property
    def anchor(self) -> str:
        return anchor(self.indicator_id)


def _counted(results: list[str]) -> str:
    """['lower', 'lower', 'similar'] -> 'lower than 2, similar to 1 (of 3 areas)'."""
    shown = [r for r in results if r != "not compared"]
    if not shown:
        return "not compared"
    n = len(results)
    if len(set(shown)) == 1 and len(shown) == n:
        return f"{'similar to' if shown[0] == 'similar' else shown[0] + ' than'} all {n} areas"
    parts = [
        f"{'similar to' if r == 'similar' else r + ' than'} {shown.count(r)}"
        for r in ("higher", "similar", "lower")
        if r in shown
    ]
    return ", ".join(parts) + ("" if len(parts) > 2 else f" (of {n} areas)")


def _police_row(card: PoliceCard) -> GlanceRow:
    f = card.figure
    peers = card.peers
    if f.area_code == codes.COUNTY:
        comparison = _counted([c.result for _g, c in peers])
    elif peers:
        comparison = peers[0][1].words(crime.rest_words())
    else:
        comparison = "not compared (too few to show)"
    ch = card.change
    if not ch.comparable.current:
        change = "no data a year before"
    elif ch.now is None or ch.before is None:
        change = "too few to compare"
    elif not ch.before:
        change = "none a year before"
    else:
        pct = stats.percent_change(ch.now, ch.before) or 0.0
        star = "*" if stats.change_p_value(ch.now, ch.before) < 0.05 else ""
        change = "about the same" if round(pct) == 0 else f"{abs(pct):.0f}% {'higher' if pct > 0 else 'lower'}{star}"
    value = f"{f.rate_text} per 1,000" if f.available else f.count_text
    if f.available and not f.period.standard and f.period.n_present:
        p = f.period
        value += (
            f" (annualised from {p.n_present} months)"
            if p.n_present == p.n_months
            else f" (annualised from {p.n_present} of {p.n_months} months)"
        )
    plan = "see card" if card.since_plan else "—"
    return GlanceRow(
        card.indicator_id,
        catalogue.indicator(card.indicator_id).title,
        value,
        "",
        comparison,
        change,
        plan,
        "current",
        False,
        months=card.change_months,
        area=f.area_name,
    )


def _published_comparison(figs: list[PublishedFigure], head: PublishedFigure) -> str:
    if head.publisher_comparison:
        return head.publisher_comparison
    c = published.comparison(figs, head)
    if c.peers:
        return "not compared (no interval published)"
    if c.context:  # areas containing the headline's: context, never compared
        said = "context: " + ", ".join(f"{o.area_name} {o.text}" for o in c.context[:2])
        return said if len(said) <= 48 and len(c.context) <= 2 else "none; wider areas as context (see card)"
    return "none published"


def _published_change(figs: list[PublishedFigure], head: PublishedFigure) -> str:
    before = published.previous(figs, head)
    if before is None:
        return "no figure for the year before" if published.earlier(figs, head) else "no earlier figure"
    if head.value == before.value:
        return f"same as {before.text}"
    return f"{'up' if head.value > before.value else 'down'} from {before.text}"


def _published_value(h: PublishedFigure) -> str:
    """The headline, saying when it covers less than a year: '593 crimes in 9 months'."""
    if h.period.part_year:
        return f"{h.headline} in {h.period.months} months"
    return h.headline


def glance(con: Con, priority_id: str, code: str, start: str, end: str) -> list[GlanceRow]:
    """One row per indicator of a priority: the headline, its comparison, its direction and its age."""
    rows = []
    for ind in catalogue.indicators_for(priority_id):
        if ind.kind == "police_uk":
            rows.append(_police_row(police_card(con, ind.id, code, start, end)))
        elif ind.kind == "published":
            pc = published_card(con, ind.id)
            h = pc.head
            plan = "see card" if ind.baseline_ids else "—"
            if h is None:
                rows.append(GlanceRow(ind.id, ind.title, "no official figure held", "", "—", "—", plan, "—", False))
                continue
            period = h.period
            age = "period not stated" if period.year is None else (str(period.year) if period.stated else f"quoted {period.year}")
            rows.append(
                GlanceRow(
                    ind.id,
                    ind.title,
                    _published_value(h),
                    QUALITY_TAGS.get(h.quality, h.quality),
                    _published_comparison(list(pc.figures), h),
                    _published_change(list(pc.figures), h),
                    plan,
                    age,
                    period.context,
                    months=published.change_periods(list(pc.figures), h),
                    area=h.place_name,
                )
            )
        else:
            p = baselines.plan_figures(ind)[0]
            rows.append(
                GlanceRow(
                    ind.id,
                    ind.title,
                    p.text,
                    "plan figure",
                    "—",
                    "—",
                    "this is the plan's figure",
                    "2020",
                    True,
                    area=codes.COUNTY_NAME,
                )
            )
    return rows


def glance_groups(rows: list[GlanceRow], chosen: str) -> list[tuple[str, list[GlanceRow]]]:
    """The rows grouped by the area their figures are for, so a county-only figure never sits among an area's
    own: the chosen area first (with rows that have no figure), then '<the partnership's area> only', then each wider
    area ('England and Wales only'), in the order they first appear."""
    groups: dict[str, list[GlanceRow]] = {chosen: []}
    if chosen != codes.COUNTY_NAME:
        groups[codes.COUNTY_NAME] = []
    for r in rows:
        groups.setdefault(r.area or chosen, []).append(r)
    return [(area if area == chosen else f"{area} only", rs) for area, rs in groups.items() if rs]


# --- The spine: at a glance as one chart -----------------------------------------------------------------
# Fingertips' "spine chart": one row per indicator, the chosen area's value as a marker against the range of
# the areas it is set beside, centred on the figure it is compared with.  An area of the county is compared
# with the rest of the county (never with the county that contains it); the county's range is its area boards.

RANGE_TYPES = ("county", "aap")  # a chosen county or area board: its range is the area boards'
RATE_WORDS = "per 1,000 residents a year"
# The whole area's marker is named in the partnership's words (codes.THE_AREA, e.g. "the county").
HIGHER, SIMILAR, LOWER, NOT_COMPARED, THE_COUNTY = "higher", "similar", "lower", "not compared", "the county"
SIGNIFICANCE = (HIGHER, SIMILAR, LOWER, NOT_COMPARED, THE_COUNTY)  # the spine's marker kinds, in the key's order


@dataclass(frozen=True)
class SpineRow:
    """One indicator at a glance, as a spine chart's row and its table's row."""

    indicator_id: str
    title: str
    group: str  # the area the figure is for ('<the partnership's area> only' where not the chosen area)
    value_text: str  # '22.1 per 1,000', '593 crimes in 9 months'
    period: str  # 'January to December 2025', '2023'
    unit: str  # 'per 1,000 residents a year', or the published figure's unit in words
    value: float | None = None  # the chosen area's rate (None: not drawn, e.g. a published figure)
    low: float | None = None  # the range of the areas it is set beside
    high: float | None = None
    range_of: str = ""  # 'the 14 area boards', '<the force's other authorities> and the force areas'
    benchmark: float | None = None  # the figure it is compared with (the centre line)
    benchmark_of: str = ""  # 'the rest of <the area>', or the area's name
    significance: str = NOT_COMPARED  # one of SIGNIFICANCE
    comparison: str = ""  # in words, as at a glance
    change: str = ""  # on a year before, as at a glance ('14% higher*': * bigger than chance)

    @property
    def anchor(self) -> str:
        return anchor(self.indicator_id)

    @property
    def range_short(self) -> str:
        """'7.7 to 39.5' (the table at a glance names the areas in its caption)."""
        if self.low is None or self.high is None:
            return "—"
        return f"{words.number(self.low, 1)} to {words.number(self.high, 1)}"

    @property
    def range_text(self) -> str:
        if self.low is None or self.high is None:
            return "—"
        return f"{words.number(self.low, 1)} to {words.number(self.high, 1)} ({self.range_of})"

    def position(self, x: float | None) -> float | None:
        """``x`` on the row's scale: the benchmark at 0.5, the farthest of the range and the value at 0 or 1."""
        if x is None or self.value is None or self.benchmark is None:
            return None
        spread = max(abs(v - self.benchmark) for v in (self.value, self.low, self.high, self.benchmark) if v is not None)
        return 0.5 if spread == 0 else 0.5 + (x - self.benchmark) / (2 * spread)


def _police_spine(con: Con, card: PoliceCard, row: GlanceRow, group: str) -> SpineRow:
    ind = catalogue.indicator(card.indicator_id)
    me = card.figure
    area_type = str(warehouse.area(con, me.area_code).get("area_type") or "")
    if area_type in RANGE_TYPES and "aap" in codes.AREA_SETS:  # only a partnership with area boards
        others = [
            f
            for f in crime.area_figures(con, "aap", ind.measure, me.period.start, me.period.end)
            if f.available and f.rate is not None
        ]
        range_of = f"the {len(others)} area boards"
    else:
        others = [f for f in card.figures[1:] if f.available and f.rate is not None]
        range_of = "the areas beside it: " + ", ".join(short_name(f) for f in others)
    rates = [f.rate for f in others]
    if me.area_code == codes.COUNTY:
        bench, bench_of, sig = me.rate if me.available else None, codes.COUNTY_NAME, codes.THE_AREA
    elif card.peers:
        rest, c = card.peers[0]
        bench, bench_of = rest.rate, rest_name()
        sig = c.result if c.result in (HIGHER, SIMILAR, LOWER) else NOT_COMPARED
    else:
        bench, bench_of, sig = (card.county.rate if card.county.available else None), codes.COUNTY_NAME, NOT_COMPARED
    return SpineRow(
        card.indicator_id,
        row.title,
        group,
        row.value,
        me.period.label,
        RATE_WORDS,
        me.rate if me.available else None,
        min(rates) if rates else None,
        max(rates) if rates else None,
        range_of,
        bench,
        bench_of,
        sig,
        row.comparison,
        row.change,
    )


def spine(con: Con, priority_id: str, code: str, start: str, end: str) -> list[SpineRow]:
    """One row per indicator of a priority, in the order of its at-a-glance groups (the chosen area's own
    figures first; a figure published only for the county or a wider area under that area's name)."""
    rows = glance(con, priority_id, code, start, end)
    chosen = str(warehouse.area(con, code)["area_name"])
    out = []
    for heading, group in glance_groups(rows, chosen):
        for r in group:
            ind = catalogue.indicator(r.indicator_id)
            if ind.kind == "police_uk":
                out.append(_police_spine(con, police_card(con, ind.id, code, start, end), r, heading))
                continue
            unit = ""
            if ind.kind == "published":
                h = published_card(con, ind.id).head
                unit = published.unit_words(h.unit) if h is not None else ""
            out.append(SpineRow(r.indicator_id, r.title, heading, r.value, r.age, unit, comparison=r.comparison, change=r.change))
    return out


def spine_frame(rows: list[SpineRow]) -> pd.DataFrame:
    """The spine chart's data: one row per indicator, positions on each row's own scale (0 to 1)."""
    return pd.DataFrame(
        [
            {
                "indicator": r.title,
                "label": f"{r.title}: {r.value_text}" + (f" ({r.group})" if r.group.endswith(" only") else ""),
                "detail": "; ".join(x for x in (r.period, r.unit) if x),
                "value": r.value,
                "position": r.position(r.value),
                "low": r.position(r.low),
                "high": r.position(r.high),
                "benchmark": r.position(r.benchmark),
                "significance": r.significance if r.value is not None else "no range (see the table)",
                "range": r.range_text,
                "compared_with": r.benchmark_of,
            }
            for r in rows
        ]
    )


def spine_table(rows: list[SpineRow]) -> pd.DataFrame:
    """The same rows as a table (for screen readers and copying)."""
    return pd.DataFrame(
        [
            {
                "Indicator": r.title,
                "Figures for": r.group,
                "Value": r.value_text,
                "Period": r.period,
                "Unit": r.unit or "—",
                "Range of the areas beside it": r.range_text,
                "Compared with": r.benchmark_of or "—",
                "Result": r.comparison if r.comparison not in ("", "—") else r.significance,
            }
            for r in rows
        ]
    )


def answer(rows: list[SpineRow], area_name: str, period: str) -> str:
    """The page's answer in one plain sentence: for the county, which police.uk measures changed on a year
    before by more than chance; for an area of it, how they stand beside the rest of the county."""
    drawn = [r for r in rows if r.value is not None]
    other = len(rows) - len(drawn)
    more = f"; {other} more {'figure is' if other == 1 else 'figures are'} published ones, at a glance below" if other else ""
    if not drawn:
        return f"{area_name}: no police.uk measure on this page; its {len(rows)} figures are published ones, at a glance below."
    n = len(drawn)
    if all(r.significance == codes.THE_AREA for r in drawn):
        up = sum(r.change.endswith("higher*") for r in drawn)
        down = sum(r.change.endswith("lower*") for r in drawn)
        said = " and ".join(x for x in (f"{up} rose" if up else "", f"{down} fell" if down else "") if x)
        said = f"{said} by more than chance would explain" if said else "none changed by more than chance would explain"
        return f"In {area_name}, {period}, of {n} police.uk measures on this page {said}, against the same months a year before{more}."
    counts = {s: sum(r.significance == s for r in drawn) for s in (HIGHER, SIMILAR, LOWER)}
    said = [f"{k} {s}" for s, k in counts.items() if k]
    if not said:
        return f"In {area_name}, {period}: too few to compare with {rest_name()}{more}."
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return (
        f"In {area_name}, {period}, of {n} police.uk measures on this page {listed} "
        f"(against {rest_name()}, by 95% intervals){more}."
    )


def police_finding(card: PoliceCard) -> str:
    """A police.uk card's finding in one line: the rate, how it compares and its change on a year before
    ('22.1 per 1,000 residents a year · lower than the rest of the county · 14% higher than a year before,
    bigger than chance (Jan to Apr 2025 against Jan to Apr 2024)')."""
    r = _police_row(card)
    f = card.figure
    value = r.value.replace(" per 1,000", " per 1,000 residents a year", 1) if f.available else r.value
    change = r.change.rstrip("*")
    if change.endswith(("higher", "lower")):
        change = f"{change} than a year before" + (", bigger than chance" if r.change.endswith("*") else ", within chance")
    elif change == "about the same":
        change = "about the same as a year before"
    months = f" ({r.months})" if r.months else ""
    return f"{value} · {r.comparison} · {change}{months}"
