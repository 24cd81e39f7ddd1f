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
    return "indicator-" + indicator_id.replace("_", "-")


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
# One short line per cell, so a priority page's summary fits one screen; the card holds the detail.

QUALITY_TAGS = {published.OFFICIAL: "", published.TRANSCRIBED: "transcribed", published.SECONDARY: "secondary quotation"}


@dataclass(frozen=True)
class GlanceRow:
    indicator_id: str
    title: str
    value: str  # the headline, short: '22.1 per 1,000', '14,649 incidents'
    quality: str  # '' for police.uk and official statistics, else 'transcribed' / 'secondary quotation' / 'plan'
    comparison: str  # 'lower than 3 of 4 areas', 'higher than the county', 'none published'
    change: str  # '14% higher*' (* bigger than chance), 'up from 344', 'none'
    plan: str  # 'see card' where the plan has a figure for it, else '—'
    age: str  # 'current', '2020', 'period not stated'
    context: bool  # older than the plan: context, not the current position

    @property
    def anchor(self) -> str:
        return anchor(self.indicator_id)


def _counted(results: list[str]) -> str:
    """['lower', 'lower', 'lower', 'similar'] -> 'lower than 3, similar to 1 (of 4 areas)'."""
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
    if f.area_code == codes.COUNTY:
        comparison = _counted([compare(f, g).result for g, _ in card.comparators if g.area_code != codes.COUNTY])
    else:
        c = compare(f, card.county)
        comparison = c.words("the county")
    ch = card.change
    if ch.now is None or ch.before is None or not ch.before:
        change = "not comparable"
    else:
        pct = stats.percent_change(ch.now, ch.before) or 0.0
        star = "*" if stats.change_p_value(ch.now, ch.before) < 0.05 else ""
        change = "about the same" if round(pct) == 0 else f"{abs(pct):.0f}% {'higher' if pct > 0 else 'lower'}{star}"
    value = f"{f.rate_text} per 1,000" if f.available else f.count_text
    if f.available and f.note:
        value += " (annualised)"
    plan = "see card" if card.since_plan else "—"
    return GlanceRow(
        card.indicator_id, catalogue.indicator(card.indicator_id).title, value, "", comparison, change, plan, "current", False
    )


def _published_comparison(figs: list[PublishedFigure], head: PublishedFigure) -> str:
    if head.publisher_comparison:
        return head.publisher_comparison
    if published.comparators(figs, head):
        return "not compared (no interval published)"
    return "none published"


def _published_change(figs: list[PublishedFigure], head: PublishedFigure) -> str:
    before = published.previous(figs, head)
    if before is None:
        return "no earlier figure"
    if head.value == before.value:
        return f"same as {before.text}"
    return f"{'up' if head.value > before.value else 'down'} from {before.text}"


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
                    h.headline,
                    QUALITY_TAGS.get(h.quality, h.quality),
                    _published_comparison(list(pc.figures), h),
                    _published_change(list(pc.figures), h),
                    plan,
                    age,
                    period.context,
                )
            )
        else:
            p = baselines.plan_figures(ind)[0]
            rows.append(GlanceRow(ind.id, ind.title, p.text, "plan figure", "—", "—", "this is the plan's figure", "2020", True))
    return rows
