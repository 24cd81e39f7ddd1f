"""The plan's own figures (the plan baselines file the partnership's file names, e.g. data/plan_baselines.toml)
and how today's figures stand beside them.  No Streamlit here.

A partnership's plan quotes figures from its evidence base (its strategic assessment).  Each is shown as
the plan states it, with its citation.  Where police.uk measures something close, the current police.uk figure for the partnership's
whole area over the chosen period (a ``Figure``: annualised when the period is not 12 full months) is set
beside it in the plan's own unit and length of time.  The plan's figures were measured from another source
and population base, so the comparison always says so and never calls the difference a real change.
A partnership with no plan file has no plan figures: every function here then returns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sdp_dash.config import codes
from sdp_dash.config.catalogue import Baseline, Indicator, catalogue
from sdp_dash.domain import crime
from sdp_dash.domain.figure import Figure, fmt_rate
from sdp_dash.domain.published import PublishedFigure, decimals_of
from sdp_dash.warehouse import Con


def current_source() -> str:
    """What the current figure is measured from: 'police.uk street-level data for <the area>, ...'."""
    return f"police.uk street-level data for {codes.COUNTY_NAME}, per Census 2021 usual resident"


def plan_value_text(b: Baseline) -> str:
    """'93 crimes per 1,000 residents', '40.7 crimes per 1,000 residents', '51,000 crimes'."""
    sep = "" if b.unit.startswith("%") else " "
    return f"{b.value:,.{decimals_of(b.value)}f}{sep}{b.unit}"


def citation(b: Baseline) -> str:
    return b.citation(catalogue().plan)


@dataclass(frozen=True)
class PlanFigure:
    baseline: Baseline
    text: str  # value and unit
    citation: str

    @property
    def sentence(self) -> str:
        return f"{self.text}, {self.baseline.period}: {self.baseline.description}"


def plan_figures(ind: Indicator) -> list[PlanFigure]:
    """The plan's figures an indicator names, each with its citation."""
    cat = catalogue()
    return [PlanFigure(b, plan_value_text(b), citation(b)) for b in (cat.baseline(x) for x in ind.baseline_ids)]


@dataclass(frozen=True)
class SincePlan:
    """A plan figure beside the current police.uk figure (when police.uk measures something close)."""

    baseline: Baseline
    plan_text: str
    citation: str
    current: Figure | None
    current_value: float | None  # in the plan's unit and length of time
    current_text: str
    words: str

    @property
    def compared(self) -> str:
        """How the two stand: 'across different sources' or 'not comparable'."""
        if self.current_value is None or not self.baseline.comparable:
            return "not comparable"
        return "across different sources"

    def row(self) -> dict:
        return {
            "Plan figure": self.baseline.label,
            "In the plan": f"{self.plan_text}, {self.baseline.period}",
            "Plan's source": self.baseline.source or "the plan's evidence base",
            "police.uk now": self.current_text or "—",
            "How they compare": self.words,
            "Where in the plan": self.citation,
        }


def _current(fig: Figure, b: Baseline) -> tuple[float | None, str]:
    """The police.uk figure in the plan's unit and over the plan's length of time."""
    if not fig.available or fig.period.annual_factor is None:
        return None, ""
    share = b.months / 12
    if "per 1,000" in b.unit:
        value = fig.rate * share
        text = f"{fmt_rate(value)} {b.unit}"
    else:
        value = fig.count * fig.period.annual_factor * share
        text = f"{round(value):,} {b.unit}"
    when = fig.period.label + (f"; {fig.period.coverage_note}" if fig.period.coverage_note else "")
    if b.months == 1:
        when += "; the average month"
    elif b.months == 3:
        when += "; the average quarter"
    return value, f"{text} ({when})"


def since_plan(con: Con, baseline_ids: list[str], start: str, end: str) -> list[SincePlan]:
    """Each plan figure beside the current police.uk figure for the partnership's area from ``start`` to ``end``."""
    cat = catalogue()
    out = []
    for bid in baseline_ids:
        b = cat.baseline(bid)
        fig = crime.figure(con, codes.COUNTY, b.measure, start, end) if b.measure else None
        value, text = _current(fig, b) if fig is not None else (None, "")
        plan = f"{plan_value_text(b)} ({b.period})"
        if b.comparable and value is not None:
            words = (
                f"The plan's figure was {plan}, from {b.source[:1].lower() + b.source[1:]}. The current figure is "
                f"{text}, from {current_source()}. The two are measured from different sources and population bases, "
                f"so the difference between them is not evidence of a real change."
            )
            if b.caveat:
                words += f" {b.caveat}"
        elif b.comparable:
            words = f"The plan's figure was {plan}. There is no police.uk figure for this period to set beside it."
        else:
            words = f"Not comparable: the plan's figure was {plan}. {b.reason}"
            if value is not None:
                words += f" For context only, police.uk's figure now is {text}."
        out.append(SincePlan(b, plan_value_text(b), citation(b), fig, value, text, words))
    return out


def published_since_plan(ind: Indicator, head: PublishedFigure | None) -> str:
    """For a published indicator: the plan's figure beside the headline, saying what differs."""
    figs = plan_figures(ind)
    if not figs:
        return "no plan figure"
    p = figs[0]
    said = f"the plan quoted {p.text} ({p.baseline.period})"
    if head is None:
        return said
    return f"{said}; a different source or period, so not a measured change"
