"""Charts of the reports: failures over time stacked by category, and the top pairs.

Both are built from what the report already holds (its timeline and findings); the
renderers draw them (:mod:`acs_triage.formats.blocks` says which format shows what).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from acs_triage.catalog.loader import load_catalog
from acs_triage.formats.blocks import Bar, BarChart, Figures, Series, TimeChart
from acs_triage.formats.common import pct
from acs_triage.triage.report import OTHER_CATEGORY, TimelinePoint, Totals

__all__ = ["MAX_STACKS", "TOP_PAIRS", "endings_chart", "pairs_chart", "rate_figures", "timeline_chart"]

#: Series a timeline stacks at most: the largest categories, the rest together as "other".
MAX_STACKS = 10
#: Bars of a pairs chart.
TOP_PAIRS = 10


def _category_titles() -> dict[str, str]:
    titles = {c.id: c.title for c in load_catalog().categories}
    titles[OTHER_CATEGORY] = "Other categories and pairs"
    return titles


def timeline_chart(points: Sequence[TimelinePoint], title: str = "Failures over time") -> TimeChart | None:
    """Failed legs per bin stacked by catalog category (the :data:`MAX_STACKS` - 1 largest
    apart when there are more), and the failure rate per bin; None without bins."""
    if not points:
        return None
    totals: Counter[str] = Counter()
    for point in points:
        totals.update(point.failed_by_category)
    named = sorted((k for k in totals if k != OTHER_CATEGORY and totals[k]), key=lambda k: (-totals[k], k))
    if len(named) > MAX_STACKS - (1 if totals[OTHER_CATEGORY] else 0):
        named = named[: MAX_STACKS - 1]
    titles = _category_titles()
    stacks = [
        Series(key, titles.get(key, key), [p.failed_by_category.get(key, 0) for p in points]) for key in named
    ]
    rest = [p.failed_legs - sum(s.values[i] for s in stacks) for i, p in enumerate(points)]
    if any(rest):
        stacks.append(Series(OTHER_CATEGORY, titles[OTHER_CATEGORY], rest))
    return TimeChart(
        title=title,
        starts=[p.start for p in points],
        stacks=stacks,
        unit="failed legs",
        rates=[p.failed_legs / p.legs if p.legs else 0.0 for p in points],
        rate_label="failure rate",
    )


def pairs_chart(
    pairs: Iterable[tuple[str, str, int, str, str]], title: str = "Top pairs by failed legs"
) -> BarChart:
    """``(end reason, sub-code, legs, category, title)`` as bars, the first :data:`TOP_PAIRS`."""
    bars = [
        Bar(f"{reason}/{sub}", legs, key=category, note=text)
        for reason, sub, legs, category, text in list(pairs)[:TOP_PAIRS]
    ]
    return BarChart(title=title, bars=bars, unit="failed legs")


def endings_chart(legs: Iterable[tuple[str, str, str, str, str]]) -> BarChart:
    """A call's legs, ``(end reason, sub-code, endpoint type, category, title)`` each, by
    how they ended: one bar per ending (in the order first seen) with its legs."""
    counts: Counter[tuple[str, str, str]] = Counter()
    meaning: dict[tuple[str, str, str], tuple[str, str]] = {}
    for reason, sub, endpoint, category, title in legs:
        counts[(reason, sub, endpoint)] += 1
        meaning.setdefault((reason, sub, endpoint), (category, title))
    bars = []
    for (reason, sub, endpoint), n in counts.items():
        category, title = meaning[(reason, sub, endpoint)]
        bars.append(Bar(f"{reason}/{sub} {endpoint}".strip(), n, key=category, note=title))
    return BarChart(title="Legs by how they ended", bars=bars, unit="legs")


def rate_figures(totals: Totals, legs: str) -> Figures:
    """The headline: acs-triage's failure rate and Microsoft's unexpected rate."""
    return Figures(
        [
            (
                "Failure rate",
                pct(totals.failure_rate),
                f"{totals.failed_legs} of {totals.legs} {legs} failed",
            ),
            (
                "Unexpected rate",
                pct(totals.unexpected_rate),
                f"{totals.unexpected_legs} legs: Microsoft's ResultCategory (Call Diagnostics)",
            ),
            ("Calls", str(totals.calls), f"{totals.legs} {legs}"),
        ]
    )
