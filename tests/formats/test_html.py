"""``--format html`` without a browser: one self-contained page, every value escaped.

The page is parsed with the standard library's HTML parser (what a browser's tokenizer
does with it): the tags and attributes must be the template's own, the text must hold
the hostile values as text, and nothing may load or run. ``test_html_browser.py`` loads
the same pages in Chromium.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

from acs_triage.formats import OutputFormat, Section, View, render
from acs_triage.formats.blocks import (
    Bar,
    BarChart,
    Code,
    Column,
    Fields,
    Figures,
    Items,
    Series,
    Table,
    Text,
    TimeChart,
)
from acs_triage.masking import contains_phone_number
from tests.helpers import CliRunner

#: Values a log, a catalog edit or a file name could carry into a report.
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</style><script>alert(4)</script>",
    "</title></svg></textarea><script>alert(5)</script>",
    "javascript:alert(6)",
    '<a href="javascript:alert(7)">x</a>',
    "{{ 7*7 }}{% raw %}",
    "<!-- -->]]>&amp;&lt;",
    "esc\x1b[31mred\x07bell\x00nul\u2028sep\x85nel",
)
#: The template's own tags: a hostile value must never add one.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "section", "h1", "h2", "div", "span", "dl", "dt",
    "dd", "p", "ul", "li", "strong", "pre", "code", "table", "thead", "tbody", "tr", "th", "td",
    "figure", "figcaption", "svg", "line", "text", "rect", "polyline", "circle", "a", "footer",
}  # fmt: skip
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


class Page(HTMLParser):
    """Tags with their attributes, the text, and the stylesheet, as a browser reads them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.styles: list[str] = []
        self._in: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "style":
            self.styles.append(data)
        else:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)

    def all(self, tag: str, css: str = "") -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and css in [*(a.get("class") or "").split(), ""]]


def _hostile_view() -> View:
    """Every block type, every text in it hostile."""
    h = HOSTILE
    starts = [datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(hours=i) for i in range(3)]
    table = Table(
        (Column("a", h[0]), Column("b", h[1], right=True)), [[h[2], h[3]], [h[5], h[9]]], empty=h[4]
    )
    chart = TimeChart(
        title=h[0],
        starts=starts,
        stacks=[Series(h[1], h[2], [1, 2, 3]), Series("other", h[3], [0, 1, 0])],
        unit=h[4],
        rates=[0.1, 0.2, 0.3],
        rate_label=h[6],
    )
    return View(
        document={"schema": "x", "tool": {"version": h[0]}, "generated_at": h[3]},
        sections=[
            Section(
                title=h[0],
                blocks=[Figures([(h[1], h[2], h[3])]), Fields([(h[4], h[5]), (h[6], h[7])]), chart],
            ),
            Section(
                title=h[3],
                blocks=[
                    Text(" ".join(h)),
                    Items(h[4], list(h)),
                    Code("\n".join(h), language=h[1]),
                    table,
                    Table((Column("a", "a"),), [], empty=h[0]),
                    BarChart(h[5], [Bar(h[0], 3, key=h[1], note=h[2]), Bar(h[9], 1, note=h[8])], unit=h[6]),
                ],
            ),
        ],
    )


def _check_safe(text: str) -> Page:
    """Nothing in ``text`` runs, loads or adds a tag; returns the parsed page."""
    page = Page(text)
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS, {t for t, _ in page.tags} - ALLOWED_TAGS
    for tag, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert "style" not in attrs and "src" not in attrs, (tag, attrs)
        for name in ("href", "xlink:href", "action", "formaction"):
            value = attrs.get(name)
            assert value is None or re.match(r"https?://", value), (tag, attrs)
    assert len(page.all("style")) == 1 and len(page.all("script")) == 0
    assert not CONTROL.search(text), "raw control characters in the page"
    css = resources.files("acs_triage.formats").joinpath("templates/report.css").read_text(encoding="utf-8")
    assert page.styles == [css]  # the package's stylesheet, nothing closed it early
    assert "url(" not in css and "@import" not in css
    return page


def test_hostile_values_are_text_never_markup() -> None:
    out = render(_hostile_view(), OutputFormat.HTML)
    page = _check_safe(out)
    text = page.text
    for value in HOSTILE[:-1]:
        assert value in text, value  # shown, literally
    # Control characters shown escaped, as in every other format.
    assert "esc\\x1b[31mred\\x07bell\\x00nul\\u2028sep\\x85nel" in text
    assert "49" not in text  # {{ 7*7 }} was not evaluated
    # Attribute values are escaped too (aria-label, data-language, the class of a series key).
    assert 'aria-label="&lt;script&gt;' in out and 'data-language="&#34;&gt;&lt;img' in out
    assert not page.all("a")  # no value in it is an http(s) URL: no link at all


def test_only_http_urls_become_links_and_they_stay_escaped() -> None:
    url = "https://learn.microsoft.com/azure/x?a=1&b=<2>"
    view = View(document={}, sections=[Section("T", [Text(f"see {url}. javascript:alert(1) http:/bad")])])
    page = _check_safe(render(view, OutputFormat.HTML))
    assert [a["href"] for a in page.all("a")] == ["https://learn.microsoft.com/azure/x?a=1&b="]
    assert "see https://learn.microsoft.com/azure/x?a=1&b=<2>. javascript:alert(1) http:/bad" in page.text


def test_the_page_is_self_contained_and_its_policy_allows_only_its_stylesheet() -> None:
    out = render(_hostile_view(), OutputFormat.HTML)
    page = Page(out)
    (policy,) = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert policy is not None
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    (style,) = page.styles
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert directives == {
        "default-src": "'none'",
        "style-src": f"'sha256-{digest}'",
        "base-uri": "'none'",
        "form-action": "'none'",
    }
    # Light and dark, and print: all in the one stylesheet.
    assert "@media (prefers-color-scheme: dark)" in style and "@media print" in style


def _nonzero_cells(timeline: list[dict[str, object]]) -> int:
    return sum(sum(1 for n in p["failed_by_category"].values() if n) for p in timeline)  # type: ignore[attr-defined]


def test_sample_report_holds_its_numbers_charts_and_advice(cli: CliRunner, tmp_path: Path) -> None:
    _, doc, _ = cli.json("triage", "--sample", "-f", "json")
    target = tmp_path / "report.html"
    code, out, err = cli("triage", "--sample", "--format", "html", "-o", str(target))
    assert code == 0 and out == "" and "wrote" in err
    page = _check_safe(target.read_text(encoding="utf-8"))
    text = page.text
    totals = doc["totals"]
    assert (
        f"{100 * totals['failure_rate']:.2f}%" in text and f"{100 * totals['unexpected_rate']:.2f}%" in text
    )
    # The charts: one bar per (bin, category) with failed legs, one point per bin, top 10 pairs.
    (timeline,) = page.all("svg", "timeline")
    assert timeline["data-bins"] == str(len(doc["timeline"]))
    assert len(page.all("rect", "bar")) == _nonzero_cells(doc["timeline"]) + min(10, len(doc["findings"]))
    assert len(page.all("circle", "point")) == len(doc["timeline"])
    # Each detailed finding: its explanation, actions, who acts and retry advice.
    for finding in doc["findings"][:5]:
        assert f"{finding['end_reason']}/{finding['end_sub_code']}: {finding['title']}" in text
        assert all(action in text for action in finding["actions"])
        assert finding["retry_advice"] in text and ", ".join(finding["who_acts"]) in text
    # Identifiers masked as the report masks them: the masked form shown, the number never.
    masked = [i for f in doc["findings"][:5] for i in f["example_identifiers"]]
    assert masked and all(i in text for i in masked)
    _, revealed, _ = cli.json("triage", "--sample", "-f", "json", "--show-pii")
    numbers = [i for f in revealed["findings"] for i in f["example_identifiers"] if contains_phone_number(i)]
    assert numbers and not [n for n in numbers if n in text or n.split(":")[-1] in text]


@pytest.mark.parametrize(
    "argv",
    [
        ("smoke", "--sample", "--since", "6h"),
        ("call", "91fe2b6a-c5e4-4d79-b810-dea9fa1b5938", "--sample"),
        ("legs", "--sample"),
        ("codes",),
        ("explain", "403", "560403"),
        ("kql", "show", "pstn-summary"),
    ],
    ids=" ".join,
)
def test_every_command_writes_a_safe_page(cli: CliRunner, argv: tuple[str, ...]) -> None:
    code, out, err = cli(*argv, "-f", "html")
    assert code in (0, 1), err  # smoke on the sample fails its gate, and still reports
    page = _check_safe(out)
    assert page.all("title") and (page.all("h1") or page.all("pre"))


def test_smoke_page_charts_its_window(cli: CliRunner) -> None:
    _, doc, _ = cli.json("smoke", "--sample", "--since", "6h", "-f", "json")
    _, out, _ = cli("smoke", "--sample", "--since", "6h", "-f", "html")
    page = _check_safe(out)
    assert doc["timeline"] and page.all("svg", "timeline")[0]["data-bins"] == str(len(doc["timeline"]))
    bars = page.all("rect", "bar")
    assert len(bars) == _nonzero_cells(doc["timeline"]) + len(doc["top_failures"])
    assert f"{doc['current']['failure_rate_pct']:.2f}%" in page.text


def test_hostile_log_values_through_the_cli(cli: CliRunner, tmp_path: Path) -> None:
    """Legs whose codes, ids and categories are hostile, triaged from a JSON Lines file."""
    rows = [
        {
            "TimeGenerated": f"2026-11-01T0{i % 3}:00:00Z",
            "CorrelationId": value,
            "EndpointType": "PSTN",
            "ParticipantEndReason": value if i % 2 else "403",
            "ParticipantEndSubCode": value,
            "Identifier": value,
            "ResultCategory": value,
        }
        for i, value in enumerate(HOSTILE)
    ]
    source = tmp_path / "hostile.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for argv in (("triage", "--details", "20"), ("legs",)):
        code, out, err = cli(*argv, "--from-file", str(source), "-f", "html")
        assert code == 0, err
        page = _check_safe(out)
        assert "<script>alert(1)</script>" in page.text
