"""``render(view, fmt, width)`` on small hand-built views, checked against literal text.

Every expected string below is written out by hand, never produced by the code under
test: a terminal table is as wide as its widest cell or header, columns two spaces
apart, trailing blanks trimmed; CSV has the JSON names and machine values.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from acs_triage.formats import Code, Column, Fields, Items, OutputFormat, Section, Table, Text, View, render
from acs_triage.formats.common import pct

#: Characters a terminal would obey: C0 controls except newline, DEL, C1 controls.
OBEYED = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")

LEGS = Table(
    (Column("end_reason", "reason"), Column("legs", "legs", right=True)),
    [["403", 2], ["486", 10]],
)
SUMMARY = Section(title="Summary", blocks=[Fields([("Source", "unit"), ("Legs", "2")])])


def view(*sections: Section, csv: Table | None = None, document: dict[str, object] | None = None) -> View:
    return View(document=document or {"schema": "acs-triage/test/v1"}, sections=sections, csv=csv)


# -- csv -------------------------------------------------------------------------------------
def test_csv_writes_the_csv_table_with_json_names_and_machine_values() -> None:
    table = Table(
        (
            Column("end_reason", "reason"),
            Column("share", "share", show=pct),
            Column("who_acts", "who acts"),
            Column("documented", "documented"),
            Column("source", "source"),
            Column("rank", "#", csv=False),
        ),
        [["403", 0.25, ("sbc", "network"), True, None, 1], ["486", 0.75, (), False, "u", 2]],
    )
    out = render(view(SUMMARY, Section(title="T", blocks=[table]), csv=table), OutputFormat.CSV)
    assert (
        out == "end_reason,share,who_acts,documented,source\n403,0.25,sbc|network,true,\n486,0.75,,false,u\n"
    )


def test_csv_without_rows_is_its_header_and_without_a_table_is_empty() -> None:
    empty = Table((Column("a", "A"), Column("b", "B")), [])
    assert render(view(SUMMARY, csv=empty), OutputFormat.CSV) == "a,b\n"
    assert render(view(SUMMARY), OutputFormat.CSV) == ""


def test_csv_neutralises_formula_cells_but_not_numbers() -> None:
    cells = ["=SUM(A1:A9)", "+cmd", "-2+3", "@SUM(A1)", "-5", "+7", "-2.5", "-12%", -5, "a=b", "403"]
    table = Table([Column(f"c{i}", f"c{i}") for i in range(len(cells))], [cells])
    out = render(view(csv=table), OutputFormat.CSV)
    assert out == (
        "c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10\n'=SUM(A1:A9),'+cmd,'-2+3,'@SUM(A1),-5,+7,-2.5,-12%,-5,a=b,403\n"
    )


def test_csv_data_never_starts_a_line_but_a_query_keeps_its_lines() -> None:
    table = Table(
        (Column("id", "id"), Column("kql", "kql", lines=True)),
        [["c1\r\nFAKE,ROW\x1b[2J", "T\n| take 1\x07"]],
    )
    out = render(view(csv=table), OutputFormat.CSV)
    assert out == 'id,kql\n"c1\\x0d\\x0aFAKE,ROW\\x1b[2J","T\n| take 1\\x07"\n'
    assert list(csv.reader(io.StringIO(out))) == [
        ["id", "kql"],
        ["c1\\x0d\\x0aFAKE,ROW\\x1b[2J", "T\n| take 1\\x07"],
    ]


def test_csv_quotes_what_csv_must_quote_after_neutralising() -> None:
    table = Table((Column("formula", "f"), Column("text", "t")), [['=HYPERLINK("http://x","y")', "a,b"]])
    out = render(view(csv=table), OutputFormat.CSV)
    assert out == 'formula,text\n"\'=HYPERLINK(""http://x"",""y"")","a,b"\n'
    assert list(csv.reader(io.StringIO(out))) == [
        ["formula", "text"],
        ['\'=HYPERLINK("http://x","y")', "a,b"],
    ]


# -- table -----------------------------------------------------------------------------------
def test_table_text_fields_items_and_code() -> None:
    sections = (
        SUMMARY,
        Section(
            title="Legs", blocks=[LEGS, Items("What to do:", ["one", "two"]), Text("done"), Code("A\n| B\n")]
        ),
    )
    assert render(view(*sections), OutputFormat.TABLE, 80) == (
        "Summary\n"
        "-------\n"
        "Source: unit\n"
        "Legs:   2\n"
        "\n"
        "Legs\n"
        "----\n"
        "reason  legs\n"
        "------  ----\n"
        "403        2\n"
        "486       10\n"
        "What to do:\n"
        "  - one\n"
        "  - two\n"
        "done\n"
        "A\n"
        "| B\n"
    )


def test_table_without_rows_says_so() -> None:
    empty = Table((Column("file", "file"),), [], empty="no rejected rows")
    assert (
        render(view(Section(title="R", blocks=[empty])), OutputFormat.TABLE) == "R\n-\n(no rejected rows)\n"
    )


def test_cells_none_booleans_lists_for_people() -> None:
    table = Table([Column(k, k) for k in ("none", "yes", "no", "list")], [[None, True, False, ["a", 1]]])
    assert render(view(Section(title="", blocks=[table])), OutputFormat.TABLE) == (
        "none  yes  no  list\n----  ---  --  ----\n      yes  no  a, 1\n"
    )


WIDE = Table(
    (
        Column("id", "id"),
        Column("title", "title", wrap=True, least=10),
        Column("extra", "extra", drop=1),
    ),
    [["c0ffee00-aaaa-bbbb-cccc-000000000001", "one two three four five six", "xx"]],
)


def test_narrow_terminal_wraps_text_and_drops_optional_columns_keeping_ids_whole() -> None:
    out = render(view(Section(title="", blocks=[WIDE])), OutputFormat.TABLE, 50)
    assert out == (
        "id                                    title\n"
        "------------------------------------  ------------\n"
        "c0ffee00-aaaa-bbbb-cccc-000000000001  one two\n"
        "                                      three four\n"
        "                                      five six\n"
        "(not shown at this width: extra; --wide shows\n"
        "every column)\n"
    )
    assert max(len(line) for line in out.splitlines()) <= 50


def test_too_narrow_for_a_table_shows_one_record_per_row() -> None:
    out = render(view(Section(title="", blocks=[WIDE])), OutputFormat.TABLE, 40)
    assert out == (
        "id:    c0ffee00-aaaa-bbbb-cccc-000000000001\ntitle: one two three four five six\nextra: xx\n"
    )


def test_wide_never_wraps() -> None:
    out = render(view(Section(title="", blocks=[WIDE, Text("word " * 40)])), OutputFormat.TABLE, None)
    assert out.splitlines()[2] == "c0ffee00-aaaa-bbbb-cccc-000000000001  one two three four five six  xx"
    assert out.splitlines()[3] == ("word " * 40).strip()


def test_fields_wrap_under_their_value_and_urls_break_after_a_slash() -> None:
    fields = Fields([("Source", "Docs (2025) https://example.com/aaaa/bbbb/cccc-dddd/eeee"), ("Ids", "x y")])
    out = render(view(Section(title="", blocks=[fields])), OutputFormat.TABLE, 30)
    assert out == (
        "Source: Docs (2025)\n"
        "        https://example.com/\n"
        "        aaaa/bbbb/cccc-dddd/\n"
        "        eeee\n"
        "Ids:    x y\n"
    )


def test_table_shows_control_characters_escaped() -> None:
    hostile = view(
        Section(title="Log data", blocks=[Text("id \x1b[31mred\x1b[0m bell\x07 del\x7f csi\x9b2J cr\rx")]),
        Section(
            title="", blocks=[Table((Column("id", "id"), Column("n", "n")), [["a\x1b]0;pwned\x07", "\x00"]])]
        ),
    )
    out = render(hostile, OutputFormat.TABLE)
    assert out == (
        "Log data\n"
        "--------\n"
        "id \\x1b[31mred\\x1b[0m bell\\x07 del\\x7f csi\\x9b2J cr\\x0dx\n"
        "\n"
        "id                 n\n"
        "-----------------  ----\n"
        "a\\x1b]0;pwned\\x07  \\x00\n"
    )
    assert not OBEYED.search(out)


# -- markdown (structure: tests/formats/test_markdown.py) ------------------------------------
def test_markdown_literal_form() -> None:
    sections = (
        SUMMARY,
        Section(title="Legs", blocks=[LEGS, Items("What to do:", ["call *you*"]), Code("A\n```\n")]),
    )
    assert render(view(*sections), OutputFormat.MARKDOWN) == (
        "# Summary\n"
        "\n"
        "- **Source:** unit\n"
        "- **Legs:** 2\n"
        "\n"
        "## Legs\n"
        "\n"
        "| reason | legs |\n"
        "|---|---:|\n"
        "| 403 | 2 |\n"
        "| 486 | 10 |\n"
        "\n"
        "**What to do:**\n"
        "\n"
        "- call \\*you\\*\n"
        "\n"
        "````kusto\n"
        "A\n"
        "```\n"
        "````\n"
    )


# -- json ------------------------------------------------------------------------------------
def test_json_writes_the_document_only_with_a_trailing_newline() -> None:
    document = {"schema": "acs-triage/test/v1", "name": "é\x1b", "n": [1, None], "ok": True}
    out = render(view(SUMMARY, csv=LEGS, document=document), OutputFormat.JSON)
    assert out == (
        "{\n"
        '  "schema": "acs-triage/test/v1",\n'
        '  "name": "é\\u001b",\n'
        '  "n": [\n'
        "    1,\n"
        "    null\n"
        "  ],\n"
        '  "ok": true\n'
        "}\n"
    )
    assert json.loads(out) == document


# -- every format ----------------------------------------------------------------------------
VIEWS = {
    "sections": view(SUMMARY, Section(title="L", blocks=[LEGS]), csv=LEGS),
    "trailing blank lines": view(Section(title="T", blocks=[Text("x\n\n"), Code("q\n\n")])),
    "empty tables": view(Section(title="T", blocks=[Table((Column("a", "a"),), [])])),
    "nothing": view(),
}


@pytest.mark.parametrize("fmt", list(OutputFormat))
@pytest.mark.parametrize("name", list(VIEWS))
def test_every_output_ends_with_exactly_one_newline(fmt: OutputFormat, name: str) -> None:
    out = render(VIEWS[name], fmt)
    assert (out.endswith("\n") and not out.endswith("\n\n")) or out == "", repr(out)
