"""``render(view, fmt)`` on small hand-built views, checked against literal text.

Every expected string below is written out by hand (tabulate's ``simple`` and
``github`` layouts: a column is as wide as its widest cell or its header plus two,
columns are two spaces apart, trailing blanks are trimmed), never produced by the
code under test.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from acs_triage.formats import OutputFormat, Section, View, render

#: Characters a terminal would obey: C0 controls except tab and newline, DEL, C1 controls.
OBEYED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

SUMMARY = Section(title="Summary", lines=["Source: unit", "2 legs"])
LEGS = Section(title="Legs", headers=["reason", "legs"], rows=[["403", 2], ["486", 10]])
MACHINE = Section(
    title="Machine",
    headers=["end_reason", "legs"],
    rows=[["403", 2], ["486", 10]],
    primary=True,
    human=False,
)
NOTE = Section(title="", lines=["only for humans"])


def view(*sections: Section, document: dict[str, object] | None = None) -> View:
    return View(document=document or {"schema": "acs-triage/test/v1"}, sections=sections)


# -- csv -------------------------------------------------------------------------------------
def test_csv_writes_only_the_primary_section_with_one_header_row() -> None:
    out = render(view(SUMMARY, LEGS, MACHINE, NOTE), OutputFormat.CSV)
    assert out == "end_reason,legs\n403,2\n486,10\n"


def test_csv_of_a_primary_section_without_rows_is_its_header() -> None:
    empty = Section(title="", headers=["a", "b"], primary=True, human=False)
    assert render(view(SUMMARY, empty), OutputFormat.CSV) == "a,b\n"


def test_csv_neutralises_formula_cells_but_not_numbers() -> None:
    cells = [
        "=SUM(A1:A9)",
        "+cmd",
        "-2+3",
        "@SUM(A1)",
        "-5",
        "+7",
        "-2.5",
        "-12%",
        -5,
        "a=b",
        "403",
    ]
    primary = Section(title="", headers=[f"c{i}" for i in range(len(cells))], rows=[cells], primary=True)
    out = render(view(primary), OutputFormat.CSV)
    assert out == (
        "c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10\n'=SUM(A1:A9),'+cmd,'-2+3,'@SUM(A1),-5,+7,-2.5,-12%,-5,a=b,403\n"
    )


def test_csv_quotes_what_csv_must_quote_after_neutralising() -> None:
    primary = Section(
        title="", headers=["formula", "text"], rows=[['=HYPERLINK("http://x","y")', "a,b\nc"]], primary=True
    )
    out = render(view(primary), OutputFormat.CSV)
    assert out == 'formula,text\n"\'=HYPERLINK(""http://x"",""y"")","a,b\nc"\n'
    # ...and a spreadsheet reading it back gets text, not a formula
    assert list(csv.reader(io.StringIO(out))) == [
        ["formula", "text"],
        ['\'=HYPERLINK("http://x","y")', "a,b\nc"],
    ]


def test_cells_none_booleans_and_lists() -> None:
    primary = Section(
        title="",
        headers=["none", "yes", "no", "list", "nested"],
        rows=[[None, True, False, ["a", 1], [["x", None], "y"]]],
        primary=True,
    )
    assert render(view(primary), OutputFormat.CSV) == 'none,yes,no,list,nested\n,yes,no,"a, 1","x, , y"\n'
    table = Section(title="", headers=["none", "yes", "no", "list"], rows=[[None, True, False, ["a", 1]]])
    assert render(view(table), OutputFormat.TABLE) == (
        "none    yes    no    list\n------  -----  ----  ------\n        yes    no    a, 1\n"
    )


# -- table -----------------------------------------------------------------------------------
def test_table_shows_only_human_sections() -> None:
    out = render(view(SUMMARY, LEGS, MACHINE, NOTE), OutputFormat.TABLE)
    assert out == (
        "Summary\n"
        "-------\n"
        "Source: unit\n"
        "2 legs\n"
        "\n"
        "Legs\n"
        "----\n"
        "reason    legs\n"
        "--------  ------\n"
        "403       2\n"
        "486       10\n"
        "\n"
        "only for humans\n"
    )
    assert "Machine" not in out and "end_reason" not in out


def test_table_section_without_rows_says_none() -> None:
    empty = Section(title="Rejected rows (0)", headers=["file", "line"])
    assert render(view(empty), OutputFormat.TABLE) == "Rejected rows (0)\n-----------------\n(none)\n"


def test_table_shows_control_characters_escaped() -> None:
    hostile = view(
        Section(title="Log data", lines=["id \x1b[31mred\x1b[0m", "bell\x07 del\x7f csi\x9b2J cr\rx"]),
        Section(title="", headers=["id", "n"], rows=[["a\x1b]0;pwned\x07", "\x00"]]),
    )
    out = render(hostile, OutputFormat.TABLE)
    assert out == (
        "Log data\n"
        "--------\n"
        "id \\x1b[31mred\\x1b[0m\n"
        "bell\\x07 del\\x7f csi\\x9b2J cr\\x0dx\n"
        "\n"
        "id                 n\n"
        "-----------------  ----\n"
        "a\\x1b]0;pwned\\x07  \\x00\n"
    )
    assert not OBEYED.search(out)


# -- markdown --------------------------------------------------------------------------------
def test_markdown_shows_only_human_sections_first_title_as_heading() -> None:
    out = render(view(MACHINE, SUMMARY, LEGS, NOTE), OutputFormat.MARKDOWN)
    assert out == (
        "# Summary\n"
        "\n"
        "Source: unit\n"
        "2 legs\n"
        "\n"
        "## Legs\n"
        "\n"
        "| reason   | legs   |\n"
        "|----------|--------|\n"
        "| 403      | 2      |\n"
        "| 486      | 10     |\n"
        "\n"
        "only for humans\n"
    )
    assert "Machine" not in out and "end_reason" not in out


def test_markdown_escapes_pipes_and_newlines_in_cells_and_headers() -> None:
    table = Section(title="Cells", headers=["k|v"], rows=[["a|b"], ["x\ny"]])
    assert render(view(table), OutputFormat.MARKDOWN) == (
        "# Cells\n\n| k\\|v   |\n|--------|\n| a\\|b   |\n| x y    |\n"
    )


def test_markdown_section_without_rows_says_none() -> None:
    empty = Section(title="Blocking failures", headers=["pair", "legs"])
    assert render(view(empty), OutputFormat.MARKDOWN) == "# Blocking failures\n\n_None._\n"


def test_markdown_shows_control_characters_escaped() -> None:
    hostile = view(
        Section(title="Log data", lines=["id \x1b[31mred\x1b[0m"]),
        Section(title="", headers=["id"], rows=[["a\x1b[2Jb\x9b"]]),
    )
    out = render(hostile, OutputFormat.MARKDOWN)
    assert out == (
        "# Log data\n\nid \\x1b[31mred\\x1b[0m\n\n| id            |\n|---------------|\n| a\\x1b[2Jb\\x9b |\n"
    )
    assert not OBEYED.search(out)


# -- json ------------------------------------------------------------------------------------
def test_json_writes_the_document_only_with_a_trailing_newline() -> None:
    document = {"schema": "acs-triage/test/v1", "name": "é\x1b", "n": [1, None], "ok": True}
    out = render(view(SUMMARY, LEGS, MACHINE, document=document), OutputFormat.JSON)
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
    "sections": view(SUMMARY, LEGS, MACHINE, NOTE),
    "trailing blank lines": view(
        Section(title="T", lines=["x", "", ""]),
        Section(title="", headers=["a"], rows=[["b\n"]], primary=True),
    ),
    "empty tables": view(Section(title="T", headers=["a"], primary=True)),
    "lines only": view(Section(title="", lines=["kql\n\n"]), MACHINE),
}


@pytest.mark.parametrize("fmt", list(OutputFormat))
@pytest.mark.parametrize("name", list(VIEWS))
def test_every_output_ends_with_exactly_one_newline(fmt: OutputFormat, name: str) -> None:
    out = render(VIEWS[name], fmt)
    assert out.endswith("\n") and not out.endswith("\n\n"), repr(out)
