"""Chart blocks: built from a report's timeline, rendered as text, mermaid or (test_html*) SVG."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from acs_triage.formats import OutputFormat, Section, View, render
from acs_triage.formats.blocks import Bar, BarChart, Figures, Series, TimeChart, sparkline
from acs_triage.formats.charts import MAX_STACKS, pairs_chart, timeline_chart
from acs_triage.triage.report import TimelinePoint

T0 = datetime(2026, 11, 1, 22, 0, tzinfo=timezone.utc)
CHART = TimeChart(
    title="Failures over time",
    starts=[T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)],
    stacks=[Series("canceled", "Canceled", [1, 0, 4]), Series("other", "Other", [0, 2, 0])],
    unit="failed legs",
    rates=[0.1, 0.05, 0.4],
    rate_label="failure rate",
)


def test_terminal_shows_the_rate_as_a_sparkline_and_the_categories_in_words() -> None:
    view = View(
        {}, [Section("T", [Figures([("Failure rate", "9%", "x")]), CHART, BarChart("B", [Bar("a", 1)], "")])]
    )
    assert render(view, OutputFormat.TABLE, 60) == (
        "T\n"
        "-\n"
        "Failures over time: ▃▂█ failure rate in 3 bins from\n"
        "    2026-11-01T22:00:00Z (peak 40.00%, last 40.00%)\n"
        "    Failed legs by category: canceled 5, other 2\n"
    )


def test_markdown_draws_the_totals_as_a_mermaid_xychart_and_says_them_below() -> None:
    drawn_only = [Figures([("x", "1", "y")]), BarChart("B", [Bar("a", 1)], "")]
    view = View({}, [Section("T", [drawn_only[0], CHART, drawn_only[1]])])
    assert render(view, OutputFormat.MARKDOWN) == (
        "# T\n"
        "\n"
        "```mermaid\n"
        "xychart-beta\n"
        '    title "Failures over time"\n'
        '    x-axis "bin start (UTC)" ["11-01 22:00", "11-01 23:00", "11-02 00:00"]\n'
        '    y-axis "failed legs" 0 --> 4\n'
        "    bar [1, 2, 4]\n"
        "```\n"
        "\n"
        "Failures over time: ▃▂█ failure rate in 3 bins from 2026-11-01T22:00:00Z "
        "(peak 40.00%, last 40.00%)\n"
        "\n"
        "Failed legs by category: canceled 5, other 2\n"
    )


def test_mermaid_strings_cannot_be_closed_by_a_title() -> None:
    chart = TimeChart('say "hi"\nx-axis [evil] %%{init}%%%', [T0], [Series("a", "a", [0])], 'u"', [0.0], "r")
    text = render(View({}, [Section("", [chart])]), OutputFormat.MARKDOWN)
    assert "    title \"say 'hi'\\x0ax-axis [evil] % %{init}% % %\"\n" in text
    assert '    y-axis "u\'" 0 --> 1\n' in text  # no failure: the axis still has a height


def test_bin_labels_fit_the_span() -> None:
    def labels(*starts: datetime) -> list[str]:
        return TimeChart("", starts, [], "", [0.0] * len(starts), "").labels()

    day = datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert labels(day, day + timedelta(minutes=5)) == ["00:00", "00:05"]
    assert labels(day, day + timedelta(days=1)) == ["11-01", "11-02"]
    assert labels(day + timedelta(hours=23), day + timedelta(hours=24)) == ["11-01 23:00", "11-02 00:00"]


def test_sparkline_scales_to_the_largest_value() -> None:
    assert sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert sparkline([0, 0]) == "▁▁"


def _point(hour: int, **failed: int) -> TimelinePoint:
    counts = {k.replace("_", "-"): v for k, v in failed.items()}
    return TimelinePoint(T0 + timedelta(hours=hour), 100, 90, sum(counts.values()), counts)


def test_timeline_chart_stacks_categories_largest_first_with_the_rate() -> None:
    chart = timeline_chart([_point(0, canceled=1, service_error=3), _point(1, canceled=5, other=2)])
    assert chart is not None
    assert [(s.key, list(s.values)) for s in chart.stacks] == [
        ("canceled", [1, 5]),
        ("service-error", [3, 0]),
        ("other", [0, 2]),
    ]
    assert chart.stacks[0].label == "Canceled before it was answered, by either side"  # the catalog's title
    assert chart.totals() == [4, 7] and list(chart.rates) == [0.04, 0.07]
    assert timeline_chart([]) is None


def test_timeline_chart_puts_the_smallest_categories_together_past_the_palette() -> None:
    """12 categories: the 9 largest apart, the 3 smallest (and 'other') as one series."""
    names = [f"cat-{i:02d}" for i in range(12)]
    point = TimelinePoint(
        T0, 1000, 1000, sum(range(1, 13)) + 1, {n: 12 - i for i, n in enumerate(names)} | {"other": 1}
    )
    chart = timeline_chart([point])
    assert chart is not None and len(chart.stacks) == MAX_STACKS
    assert [s.key for s in chart.stacks] == [*names[: MAX_STACKS - 1], "other"]
    assert chart.stacks[-1].values == [3 + 2 + 1 + 1]
    assert chart.totals() == [point.failed_legs]


def test_pairs_chart_keeps_the_top_ten() -> None:
    chart = pairs_chart((str(400 + i), "0", 20 - i, "service-error", f"t{i}") for i in range(12))
    assert [b.label for b in chart.bars] == [f"{400 + i}/0" for i in range(10)]
    assert chart.bars[0] == Bar("400/0", 20, key="service-error", note="t0")
