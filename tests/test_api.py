"""The library API, used without the CLI."""

from __future__ import annotations

import acs_triage
from acs_triage import build_report, get_query, kql_literal, load_catalog, read_files, render
from acs_triage.sources.sample import sample_path


def test_public_names_exist() -> None:
    for name in acs_triage.__all__:
        assert hasattr(acs_triage, name), name


def test_triage_a_file_from_python() -> None:
    report = build_report(read_files([str(sample_path())]))
    assert report.totals.legs > 0 and report.findings
    assert report.to_dict()["schema"] == "acs-triage/triage-report/v1"
    assert load_catalog().explain("403", "560403").generated_by == "sbc-outbound"


def test_render_a_query_from_python() -> None:
    text = render(get_query("call-legs"), {"correlation_id": 'x"y'})
    assert f"let _correlation_id = {kql_literal(chr(120) + chr(34) + chr(121))};" in text
