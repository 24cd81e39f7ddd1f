"""What a priority page shows for each indicator of the catalogue, built once per indicator, area and
period: the card's figures (police.uk ``Figure`` objects or ``PublishedFigure`` objects) and the row
of the page's "at a glance" summary.  No Streamlit here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from sdp_dash.config import catalogue, codes
from sdp_dash.config.months import shift_month
from sdp_dash.domain import baselines, crime, published, stats
from sdp_dash.domain.figure import Comparison, Figure, compare
from sdp_dash.domain.published import PublishedFigure
from sdp_dash.warehouse import Con

COMPARATORS = (codes.COUNTY, codes.DARLINGTON, *codes.FORCES)
MIN_POINTS = 3  # a series with fewer comparable points is a value with its period, not a chart


def anchor(indicator_id: str) -> str:
    """The id of an indicator's card on its page (the summary links to it)."""
    return indicator_id.replace("_", "-")


# --- police.uk indicators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoliceCard:
    indicator_id: str
    figure: Figure  # the chosen area
    comparators: tuple[tuple[Figure, Comparison], ...]  # each comparator against County Durham
    monthly: tuple[Figure, ...]  # the 12 months before the period and the period, month by month
    change: crime.Change
    since_plan: tuple[baselines.SincePlan, ...]
    # Worked out once when the card is built (cached), so a rerun only reads them:
    comparison: str = ""
    change_text: str = ""
    metric_value: str = ""
    metric_caption: str = ""
    trend: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    @property
    def county(self) -> Figure:
        return next(f for f, _ in self.comparators if f.area_code == codes.COUNTY)

    def comparison_words(self) -> str:
        """'higher than County Durham' for an area in it; for the county, against each comparator."""
        me = self.figure
        if me.area_code != codes.COUNTY:
            return compare(me, self.county).words("County Durham")
        parts = [f"{compare(me, f).words(short_name(f))}" for f, _ in self.comparators if f.area_code != codes.COUNTY]
        return "; ".join(parts)

    def change_words(self) -> str:
        """Against the same months a year before: '12% lower than a year before (bigger than chance)'."""
        c = self.change
        if c.now is None or c.before is None:
            return "no comparison with a year before possible"
        pct = stats.percent_change(c.now, c.before)
        if pct is None:
            return "none a year before"
        chance = "bigger than chance" if stats.change_p_value(c.now, c.before) < 0.05 else "within chance"
        part = "" if c.comparable.complete else ", comparable months only"
        if round(pct) == 0:
            return f"about the same as a year before ({chance}{part})"
        return f"{abs(pct):.0f}% {'higher' if pct > 0 else 'lower'} than a year before ({chance}{part})"


def short_name(f: Figure) -> str:
    return f.area_name.replace(" (police force area)", " force area")


def police_card(con: Con, indicator_id: str, code: str, start: str, end: str) -> PoliceCard:
    ind = catalogue.indicator(indicator_id)
    county = crime.figure(con, codes.COUNTY, ind.measure, start, end)
    figs = [county if c == codes.COUNTY else crime.figure(con, c, ind.measure, start, end) for c in COMPARATORS]
    me = county if code == codes.COUNTY else crime.figure(con, code, ind.measure, start, end)
    monthly = crime.monthly_figures(con, code, ind.measure, shift_month(start, -12), end)
    plan = baselines.since_plan(con, list(ind.baseline_ids), start, end) if ind.baseline_ids else []
    card = PoliceCard(
        indicator_id,
        me,
        tuple((f, compare(f, county)) for f in figs),
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
        metric_value=me.rate_text if me.available else me.count_text,
        metric_caption="; ".join(bits),
        trend=trend.assign(month=trend["period_from"]),
    )


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


@dataclass(frozen=True)
class GlanceRow:
    indicator_id: str
    title: str
    value: str
    period: str
    quality: str
    comparison: str
    direction: str
    since_plan: str
    age: str
    context: bool  # older than the plan: context, not the current position

    @property
    def anchor(self) -> str:
        return anchor(self.indicator_id)


def _police_since_plan(card: PoliceCard) -> str:
    shown = [s for s in card.since_plan if s.baseline.comparable and s.current_value is not None]
    if not shown:
        return "no comparable plan figure" if card.since_plan else "no plan figure"
    s = shown[0]
    return f"plan: {s.plan_text} ({s.baseline.period}); now {s.current_text.split(' (')[0]}: different sources, not a measured change"


def glance(con: Con, priority_id: str, code: str, start: str, end: str) -> list[GlanceRow]:
    """One row per indicator of a priority: the headline, its comparison, its direction and its age."""
    rows = []
    for ind in catalogue.indicators_for(priority_id):
        if ind.kind == "police_uk":
            card = police_card(con, ind.id, code, start, end)
            f = card.figure
            value = f.headline + (f" ({f.note})" if f.note else "")
            rows.append(
                GlanceRow(
                    ind.id,
                    ind.title,
                    value,
                    f"{f.area_name}, {f.period.label}",
                    "police recorded crime (police.uk open data)",
                    card.comparison,
                    card.change_text,
                    _police_since_plan(card),
                    "current (police.uk, monthly)",
                    False,
                )
            )
        elif ind.kind == "published":
            pc = published_card(con, ind.id)
            h = pc.head
            if h is None:
                rows.append(
                    GlanceRow(
                        ind.id,
                        ind.title,
                        "no official figure held",
                        "",
                        "",
                        "no comparison published",
                        "",
                        pc.since_plan,
                        "",
                        False,
                    )
                )
                continue
            rows.append(
                GlanceRow(
                    ind.id,
                    ind.title,
                    h.headline,
                    f"{h.area_name}, {h.period.label}",
                    h.quality,
                    pc.comparison,
                    pc.direction,
                    pc.since_plan,
                    f"{h.age}; latest available",
                    h.period.context,
                )
            )
        else:
            figs = baselines.plan_figures(ind)
            p = figs[0]
            rows.append(
                GlanceRow(
                    ind.id,
                    ind.title,
                    p.text,
                    f"County Durham, {p.baseline.period}",
                    "quoted in the partnership plan",
                    "no comparison published",
                    "no later official figure held",
                    "this is the plan's own figure",
                    "plan evidence base (2020); context",
                    True,
                )
            )
    return rows
