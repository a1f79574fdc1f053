"""Output that fits the reader, checked on the real commands (bundled sample, catalog):

- **width**: at ``COLUMNS=80`` and ``200`` no line is wider than the terminal; ``--wide``
  keeps every column and never wraps;
- **Markdown**: rendered by markdown-it-py (CommonMark plus GFM tables), the structure is
  what a reader sees: headings, lists, tables, a ``kusto`` fence, literal masked numbers;
- **CSV**: one header rule for every command: snake_case names that are the JSON field
  names, machine values, lists joined by ``|``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests.helpers import CliRunner

#: A call of the sample with a failed PSTN leg (first example of the largest finding).
CALL = "91fe2b6a-c5e4-4d79-b810-dea9fa1b5938"

COMMANDS = {
    "triage": ("triage", "--sample"),
    "triage --scope all": ("triage", "--sample", "--scope", "all", "--details", "9"),
    "codes": ("codes",),
    "codes --scope all": ("codes", "--scope", "all"),
    "legs": ("legs", "--sample"),
    "call": ("call", CALL, "--sample"),
    "explain pair": ("explain", "403", "560403"),
    "explain code": ("explain", "403"),
    "smoke": ("smoke", "--sample", "--since", "2d"),
    "smoke --baseline": ("smoke", "--sample", "--since", "6h", "--baseline", "12h"),
    "kql list": ("kql", "list"),
}


def _run(cli: CliRunner, argv: tuple[str, ...]) -> str:
    code, out, err = cli(*argv)
    assert code in (0, 1, 6), err  # smoke may fail or be inconclusive; it still prints
    return out


@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_line_is_wider_than_the_terminal(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, name: str, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    out = _run(cli, COMMANDS[name])
    widest = max(out.splitlines(), key=len)
    assert len(widest) <= width, widest


def test_a_wide_terminal_shows_every_column_and_a_narrow_one_says_what_it_left_out(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    wide = _run(cli, ("triage", "--sample"))
    header = next(line for line in wide.splitlines() if line.lstrip().startswith("#  reason"))
    assert header.split() == ["#", "reason", "sub-code", "legs", "calls", "share", "trend", "from", "title",
                              "who", "acts", "retry"]  # fmt: skip
    monkeypatch.setenv("COLUMNS", "80")
    narrow = _run(cli, ("triage", "--sample"))
    assert "(not shown at this width: calls, trend, from, retry; --wide shows every column)" in narrow
    everything = _run(cli, ("triage", "--sample", "--wide"))
    assert max(len(line) for line in everything.splitlines()) > 200  # nothing wrapped
    assert "not shown at this width" not in everything


def test_identifiers_are_never_split(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    _, doc, _ = cli.json("legs", "--sample", "-f", "json")
    out = _run(cli, ("legs", "--sample"))
    for leg in doc["legs"][:50]:
        assert leg["correlation_id"] in out and leg["identifier"] in out


# -- Markdown ----------------------------------------------------------------------------------
MD = MarkdownIt("commonmark").enable("table")


def _tokens(text: str) -> list[Token]:
    return MD.parse(text)


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def _text_of(tokens: list[Token], start: int) -> str:
    """The inline text of the block opened at ``tokens[start]``."""
    inline = tokens[start + 1]
    return "".join(t.content for t in _walk([inline]) if t.type in ("text", "code_inline"))


def test_triage_markdown_keeps_its_structure(cli: CliRunner) -> None:
    _, doc, _ = cli.json("triage", "--sample", "-f", "json", "--details", "2")
    _, text, _ = cli("triage", "--sample", "-f", "markdown", "--details", "2")
    tokens = _tokens(text)
    headings = [(t.tag, _text_of(tokens, i)) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == ("h1", "acs-triage: PSTN failure triage")
    assert ("h2", "Failures by end reason / sub-code, by impact") in headings
    first = doc["findings"][0]
    assert ("h2", f"#1 {first['end_reason']}/{first['end_sub_code']}: {first['title']}") in headings
    # The summary is a list, one item per field (not one merged paragraph).
    items = [_text_of(tokens, i + 1) for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert items[0].startswith("Source: bundled sample data")
    assert any(item.startswith("Window: ") for item in items[:4])
    # "What to do:" is its own paragraph, followed by a real list of the actions.
    at = next(
        i for i, t in enumerate(tokens) if t.type == "paragraph_open" and _text_of(tokens, i) == "What to do:"
    )
    assert tokens[at + 3].type == "bullet_list_open"
    listed = []
    for i in range(at + 3, len(tokens)):
        if tokens[i].type == "bullet_list_close":
            break
        if tokens[i].type == "paragraph_open":
            listed.append(_text_of(tokens, i))
    assert listed == first["actions"]
    # The findings table: one row per finding, as many cells as headers.
    heads = [i for i, t in enumerate(tokens) if t.type == "th_open"]
    assert [_text_of(tokens, i) for i in heads][:4] == ["#", "reason", "sub-code", "legs"]
    rows = sum(1 for t in tokens if t.type == "tr_open") - 1
    assert rows == len(doc["findings"])
    # Masked numbers stay literal: no emphasis made of their asterisks.
    identifier = first["example_identifiers"][0]
    assert "*" in identifier
    rendered = "".join(t.content for t in _walk(tokens) if t.type == "text")
    assert identifier in rendered
    assert not any(t.type == "em_open" for t in _walk(tokens))


def test_kql_show_markdown_is_a_kusto_fence_holding_the_query(cli: CliRunner) -> None:
    _, query, _ = cli("kql", "show", "pstn-summary", "--since", "2h")
    _, text, _ = cli("kql", "show", "pstn-summary", "--since", "2h", "-f", "markdown")
    fences = [t for t in _tokens(text) if t.type == "fence"]
    assert len(fences) == 1 and fences[0].info == "kusto"
    assert fences[0].content == query


def _xychart(fence: Token) -> dict[str, tuple[list[str], list[str]]]:
    """The statements of a mermaid ``xychart-beta`` block, as its grammar reads them:
    keyword -> (the words and quoted strings after it, the items of its ``[...]`` list)."""
    lines = fence.content.strip().split("\n")
    assert lines[0] == "xychart-beta", lines[0]
    token = re.compile(r'"([^"]*)"|([^\s",\[\]]+)')
    statements = {}
    for line in lines[1:]:
        keyword, _, rest = line.strip().partition(" ")
        head, _, listed = rest.partition("[")
        words = [a or b for a, b in token.findall(head)]
        items = [a or b for a, b in token.findall(listed.rstrip().removesuffix("]"))]
        statements[keyword] = (words, items)
    return statements


@pytest.mark.parametrize(
    "argv", [("triage", "--sample"), ("smoke", "--sample", "--since", "6h")], ids=" ".join
)
def test_markdown_timeline_is_a_mermaid_xychart_with_one_category_per_bin(
    cli: CliRunner, argv: tuple[str, ...]
) -> None:
    """Item 2 of issue 15: PR comments and step summaries get the timeline as a mermaid
    block GitHub renders: a fence marked ``mermaid`` holding ``xychart-beta``, one x
    category per timeline bin and one bar per bin (its failed legs)."""
    _, doc, _ = cli.json(*argv, "-f", "json")
    _, text, _ = cli(*argv, "-f", "markdown")
    fences = [t for t in _tokens(text) if t.type == "fence"]
    assert [f.info for f in fences] == ["mermaid"]
    chart = _xychart(fences[0])
    assert set(chart) == {"title", "x-axis", "y-axis", "bar"}
    axis_title, categories = chart["x-axis"]
    assert len(doc["timeline"]) >= 6 and len(categories) == len(doc["timeline"])
    assert axis_title == ["bin start (UTC)"]
    assert categories[0] == doc["timeline"][0]["start"][5:16].replace("T", " ")  # "11-01 18:00"
    bars = [int(v) for v in chart["bar"][1]]
    assert bars == [p["failed_legs"] for p in doc["timeline"]]
    unit, low, arrow, high = chart["y-axis"][0]
    assert (unit, low, arrow) == ("failed legs", "0", "-->") and int(high) >= max(bars)


@pytest.mark.parametrize(
    "argv", [("explain", "403"), ("smoke", "--sample", "--since", "2d"), ("call", CALL, "--sample")]
)
def test_other_markdown_has_headings_tables_and_no_stray_markup(
    cli: CliRunner, argv: tuple[str, ...]
) -> None:
    _, text, _ = cli(*argv, "-f", "markdown")
    tokens = _tokens(text)
    assert tokens[0].type == "heading_open" and tokens[0].tag == "h1"
    assert any(t.type == "table_open" for t in tokens) or argv[0] == "explain"
    assert not any(t.type in ("em_open", "html_inline", "html_block") for t in _walk(tokens))


def test_markdown_escapes_what_it_would_interpret(cli: CliRunner) -> None:
    from acs_triage.formats import Fields, OutputFormat, Section, Text, View, render

    hostile = "*bold* _em_ `code` [link](x) <b>html</b> | pipe ~~strike~~ &amp; 4:+142******11"
    view = View({}, [Section("# not a heading", [Text("1. not a list " + hostile), Fields([("k", "- x")])])])
    tokens = _tokens(render(view, OutputFormat.MARKDOWN))
    assert [t.type for t in tokens[:6]] == [
        "heading_open", "inline", "heading_close", "paragraph_open", "inline", "paragraph_close"
    ]  # fmt: skip
    paragraph = list(_walk([tokens[4]]))
    assert {t.type for t in paragraph} == {"inline", "text"}  # no emphasis, code, link, html, strike
    assert "".join(t.content for t in paragraph if t.type == "text") == "1. not a list " + hostile
    assert _text_of(tokens, 0) == "# not a heading"
    item = [t for t in _walk(tokens) if t.type == "text"][-1]
    assert item.content.strip() == "- x"  # a field's value that looks like a list item stays text


# -- one CSV rule --------------------------------------------------------------------------------
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
#: command -> (argv, where its JSON keeps the objects the CSV rows stand for)
CSV_COMMANDS = {
    "triage": (("triage", "--sample"), "findings"),
    "codes": (("codes",), "pairs"),
    "explain": (("explain", "403"), "results"),
    "legs": (("legs", "--sample"), "legs"),
    "call": (("call", CALL, "--sample"), "legs"),
    "smoke": (("smoke", "--sample", "--since", "2d"), "checks"),
    "kql list": (("kql", "list"), "queries"),
    "kql show": (("kql", "show", "pstn-summary"), None),
}


@pytest.mark.parametrize("name", list(CSV_COMMANDS))
def test_csv_headers_are_the_json_field_names(cli: CliRunner, name: str) -> None:
    argv, key = CSV_COMMANDS[name]
    _, out, _ = cli(*argv, "-f", "csv")
    _, doc, _ = cli.json(*argv, "-f", "json")
    rows = list(csv.reader(io.StringIO(out)))
    header = rows[0]
    assert all(SNAKE.match(h) for h in header), header
    # explain nests the meaning of each result; its fields are columns too
    objects = [{**o, **(o.get("meaning") or {})} for o in (doc[key] if key else [doc])]
    assert objects and set(header) <= set(objects[0]), set(header) - set(objects[0])
    assert len(rows) - 1 == len(objects)
    # machine values: each cell is the JSON value (lists joined by "|", booleans true/false)
    for row, obj in zip(rows[1:], objects, strict=True):
        for column, cell in zip(header, row, strict=True):
            value = obj[column]
            if isinstance(value, list):  # objects (a query's parameters) by their name
                names = [v["name"] if isinstance(v, dict) else v for v in value]
                expected = "|".join("" if v is None else str(v) for v in names)
            elif isinstance(value, bool):
                expected = "true" if value else "false"
            elif value is None:
                expected = ""
            else:
                expected = str(value)
            assert cell.lstrip("'") == expected, (column, cell, value)


def test_the_list_separator_never_occurs_in_catalog_texts() -> None:
    """``|`` joins list items in CSV; no catalog text may contain it."""
    from acs_triage.catalog.loader import load_catalog

    catalog = load_catalog()
    texts = [
        text
        for pair in catalog.pairs
        for text in (*pair.meaning.causes, *pair.meaning.actions, *pair.meaning.who_acts)
    ]
    assert texts and not [t for t in texts if "|" in t]


def test_json_output_is_unchanged_by_the_width(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    _, narrow, _ = cli("triage", "--sample", "-f", "json")
    monkeypatch.setenv("COLUMNS", "300")
    _, wide, _ = cli("triage", "--sample", "-f", "json")
    strip = [{k: v for k, v in json.loads(x).items() if k != "generated_at"} for x in (narrow, wide)]
    assert strip[0] == strip[1]
