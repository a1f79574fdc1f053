"""The HTML report in a real browser: headless Chromium over the DevTools protocol
(:mod:`tests.browser`), with every network request bound to fail.

- the sample's report loads with no request but its own file, no console message, no
  Content-Security-Policy violation, no exception;
- its charts hold the bars and points the report's JSON says (counted here from the
  JSON), drawn to scale; its headline numbers are the JSON's;
- light and dark follow ``prefers-color-scheme``; print is black on white and makes a PDF;
- hostile values run nothing;
- the Markdown timeline renders with mermaid (npm ``mermaid``, pinned in package.json, the
  library GitHub renders ``mermaid`` blocks with): one bar and one x label per bin;
- screenshots are saved as test artifacts (listed at the end of the run); with
  ``ACS_TRIAGE_DOCS_SCREENSHOTS=1`` the light and dark ones also replace
  ``docs/images/html-report*.png`` (``docs/reports.md``).

The first test proves the harness can fail: a page that asks for the network, logs an
error and breaks the policy is caught on all three counts.

Without Chromium the tests skip, saying why; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from acs_triage.cli.app import run
from acs_triage.formats import OutputFormat, Section, View, render
from acs_triage.formats.blocks import Series, TimeChart
from acs_triage.formats.charts import MAX_STACKS
from tests.browser import ROOT, Browser, Page, artifact, chromium
from tests.formats.test_html import HOSTILE, _hostile_view
from tests.formats.test_output_fit import MD

CALL = "91fe2b6a-c5e4-4d79-b810-dea9fa1b5938"
DOCS_IMAGES = ROOT / "docs" / "images"
MERMAID = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
WIDTH = 1100


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with chromium(tmp_path_factory.mktemp("chromium")) as started:
        yield started


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's reports as HTML and JSON, written by the CLI as a user would."""
    folder = tmp_path_factory.mktemp("pages")
    for name, argv in {
        "triage": ["triage", "--sample"],
        "smoke": ["smoke", "--sample", "--since", "6h"],
        "call": ["call", CALL, "--sample"],
    }.items():
        for fmt in ("html", "json"):
            code = run([*argv, "--format", fmt, "--output", str(folder / f"{name}.{fmt}")])
            assert code in (0, 1), (argv, fmt)  # smoke fails its gate on the sample, and reports
    return folder


def _load(browser: Browser, path: Path, *, width: int = WIDTH) -> Page:
    page = browser.open()
    page.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    page.media(color_scheme="light")
    page.goto(path.as_uri())
    return page


def _clean(page: Page, path: Path) -> None:
    """Loaded offline and quietly: its own file was the only request, nothing complained."""
    assert page.requests() == [path.as_uri()]
    assert page.complaints() == []
    assert not [e for e in page.events if e["method"] == "Page.javascriptDialogOpening"]
    assert page.evaluate("document.scripts.length") == 0


def test_the_harness_sees_requests_console_errors_and_policy_violations(
    browser: Browser, tmp_path: Path
) -> None:
    noisy = tmp_path / "noisy.html"
    noisy.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body>"
        '<img src="http://example.invalid/pixel.png"><script>console.error("boom")</script></body></html>'
    )
    page = _load(browser, noisy)
    assert page.requests() == [noisy.as_uri(), "http://example.invalid/pixel.png"]
    assert "console.error: boom" in page.complaints()
    guarded = tmp_path / "guarded.html"
    guarded.write_text(
        "<!DOCTYPE html><html><head>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'"></head>'
        '<body><p style="color: red">x</p></body></html>'
    )
    complaints = _load(browser, guarded).complaints()
    assert len(complaints) == 1 and "Content Security Policy" in complaints[0]


_CHARTS = """(() => {
  const all = (s) => Array.from(document.querySelectorAll(s));
  const timeline = document.querySelector('svg.timeline');
  return {
    bins: Number(timeline.dataset.bins),
    width: timeline.getBoundingClientRect().width,
    stacks: all('svg.timeline rect.bar').map((r) => [Number(r.getAttribute('x')),
      r.getBBox().height, r.getBBox().width]),
    points: all('svg.timeline circle.point').map((c) => Number(c.getAttribute('cy'))),
    pairs: all('svg.bars rect.bar').map((r) => [r.getBBox().width, r.nextElementSibling.textContent]),
    legend: all('figure[data-chart=timeline] ul.legend li').length,
    figures: all('.figure .value').map((e) => e.textContent),
    text: document.body.innerText,
  };
})()"""


def _cells(timeline: list[dict[str, Any]]) -> int:
    """Bars of a stacked timeline: one per bin and category with failed legs."""
    return sum(1 for point in timeline for legs in point["failed_by_category"].values() if legs)


def test_sample_report_loads_offline_with_its_charts_drawn_to_scale(browser: Browser, pages: Path) -> None:
    path = pages / "triage.html"
    doc = json.loads((pages / "triage.json").read_text())
    page = _load(browser, path)
    _clean(page, path)
    got = page.evaluate(_CHARTS)
    timeline, findings = doc["timeline"], doc["findings"]
    categories = {c for p in timeline for c, n in p["failed_by_category"].items() if n}
    assert len(timeline) == got["bins"] == 25 and 4 <= len(categories) <= MAX_STACKS  # no series merged
    assert len(got["stacks"]) == _cells(timeline)
    assert len(got["points"]) == len(timeline)
    assert got["legend"] == len(categories) + 1  # the categories and the rate line
    assert got["width"] > 600 and all(h > 0 and w > 0 for _, h, w in got["stacks"])
    # Each bin's stack is as tall as its failed legs (one scale for every bin).
    heights: dict[float, float] = {}
    for x, height, _ in got["stacks"]:
        heights[x] = heights.get(x, 0.0) + height
    per_leg = [h / p["failed_legs"] for h, p in zip(heights.values(), timeline, strict=True)]
    assert max(per_leg) - min(per_leg) < 0.05 * max(per_leg)
    # The highest point is the bin with the highest failure rate (SVG y grows downwards).
    rates = [p["failure_rate"] for p in timeline]
    assert got["points"].index(min(got["points"])) == rates.index(max(rates))
    # The top pairs: ten bars, the longest the largest pair, values as the JSON's.
    assert [int(v) for _, v in got["pairs"]] == [f["legs"] for f in findings[:10]]
    widths = [w for w, _ in got["pairs"]]
    assert widths == sorted(widths, reverse=True) and widths[-1] > 0
    totals = doc["totals"]
    assert got["figures"] == [
        f"{100 * totals['failure_rate']:.2f}%",
        f"{100 * totals['unexpected_rate']:.2f}%",
        str(totals["calls"]),
    ]
    first = findings[0]
    assert all(action in got["text"] for action in first["actions"]) and first["retry_advice"] in got["text"]
    light = page.screenshot(artifact("html-report-light.png"), width=WIDTH)
    assert light.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("ACS_TRIAGE_DOCS_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(exist_ok=True)
        page.screenshot(DOCS_IMAGES / "html-report.png", width=WIDTH, height=1500)


def _background(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.body).backgroundColor"))


def test_light_dark_and_print(browser: Browser, pages: Path) -> None:
    path = pages / "triage.html"
    page = _load(browser, path)
    assert _background(page) == "rgb(255, 255, 255)"
    page.media(color_scheme="dark")
    assert _background(page) == "rgb(15, 20, 25)"
    dark = page.screenshot(artifact("html-report-dark.png"), width=WIDTH)
    if os.environ.get("ACS_TRIAGE_DOCS_SCREENSHOTS") == "1":
        page.screenshot(DOCS_IMAGES / "html-report-dark.png", width=WIDTH, height=900)
    assert dark.read_bytes().startswith(b"\x89PNG")
    page.media(color_scheme="dark", media="print")  # prints black on white whatever the screen
    assert _background(page) == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 1
    shutil.copy(path, artifact("html-report.html"))
    _clean(page, path)


@pytest.mark.parametrize("name", ["smoke", "call"])
def test_smoke_and_call_pages_load_cleanly_with_their_charts(
    browser: Browser, pages: Path, name: str
) -> None:
    path = pages / f"{name}.html"
    doc = json.loads((pages / f"{name}.json").read_text())
    page = _load(browser, path)
    _clean(page, path)
    bars = page.evaluate("document.querySelectorAll('svg.bars rect.bar').length")
    stacks = page.evaluate("document.querySelectorAll('svg.timeline rect.bar').length")
    points = page.evaluate("document.querySelectorAll('svg.timeline circle.point').length")
    if name == "smoke":
        assert (bars, stacks, points) == (
            len(doc["top_failures"]),
            _cells(doc["timeline"]),
            len(doc["timeline"]),
        )
    else:
        endings = {(leg["end_reason"], leg["end_sub_code"], leg["endpoint_type"]) for leg in doc["legs"]}
        assert (bars, stacks, points) == (len(endings), 0, 0)
    page.screenshot(artifact(f"html-{name}.png"), width=WIDTH)


def test_hostile_values_run_nothing_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    path.write_text(render(_hostile_view(), OutputFormat.HTML), encoding="utf-8")
    page = _load(browser, path)
    _clean(page, path)
    text = page.evaluate("document.body.innerText")
    assert all(value in text for value in HOSTILE[:-1])
    assert (
        page.evaluate("document.querySelectorAll('img, iframe, object, embed, a[href^=javascript]').length")
        == 0
    )


_MERMAID = """(async () => {
  mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
  const text = %s;
  await mermaid.parse(text);
  const {svg} = await mermaid.render('chart', text);
  const drawn = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const all = (s) => Array.from(drawn.querySelectorAll(s));
  return {bars: all('g.bar-plot-0 rect').map((r) => Number(r.getAttribute('height'))),
          labels: all('g.bottom-axis g.label text').map((t) => t.textContent),
          title: all('g.chart-title text').map((t) => t.textContent)};
})()"""


@pytest.mark.parametrize(
    "argv", [("triage", "--sample"), ("smoke", "--sample", "--since", "6h")], ids=" ".join
)
def test_markdown_timeline_renders_with_mermaid(
    browser: Browser, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    run([*argv, "-f", "json"])
    doc = json.loads(capsys.readouterr().out)
    run([*argv, "-f", "markdown"])
    drawn = _mermaid(browser, tmp_path, capsys.readouterr().out)
    bins = doc["timeline"]
    assert len(drawn["bars"]) == len(drawn["labels"]) == len(bins) >= 6
    assert drawn["labels"][0] == bins[0]["start"][5:16].replace("T", " ")
    assert len(drawn["title"]) == 1 and drawn["title"][0].startswith("Failures over time")
    # drawn to scale: the tallest bar is the bin with the most failed legs
    failed = [p["failed_legs"] for p in bins]
    assert drawn["bars"].index(max(drawn["bars"])) == failed.index(max(failed))


def test_a_hostile_chart_title_stays_one_mermaid_string(browser: Browser, tmp_path: Path) -> None:
    starts = [datetime(2026, 11, 1, h, tzinfo=timezone.utc) for h in (0, 1)]
    title = 'say "hi"\nx-axis [evil] %%{init}%%'
    chart = TimeChart(title, starts, [Series("a", "a", [1, 2])], "u", [0.1, 0.2], "r")
    drawn = _mermaid(browser, tmp_path, render(View({}, [Section("", [chart])]), OutputFormat.MARKDOWN))
    assert drawn["title"] == ["say 'hi'\\x0ax-axis [evil] % %{init}% %"]
    assert len(drawn["bars"]) == 2 and drawn["bars"][1] > drawn["bars"][0]


def _mermaid(browser: Browser, tmp_path: Path, markdown: str) -> dict[str, Any]:
    """The Markdown's one ``mermaid`` fence, parsed and drawn by mermaid in the browser."""
    assert MERMAID.is_file(), f"{MERMAID.relative_to(ROOT)} missing: run 'npm ci' (scripts/test.sh does)"
    (fence,) = [t for t in MD.parse(markdown) if t.type == "fence" and t.info == "mermaid"]
    host = tmp_path / "mermaid.html"
    host.write_text(f'<!DOCTYPE html><html><head><script src="{MERMAID.as_uri()}"></script></head></html>')
    page = _load(browser, host)
    drawn: dict[str, Any] = page.evaluate(_MERMAID % json.dumps(fence.content))
    assert page.complaints() == [] and page.requests() == [host.as_uri(), MERMAID.as_uri()]
    return drawn
