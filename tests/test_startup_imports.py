"""What the catalog commands import: a structural check of start-up.

``explain``, ``codes`` and ``--help`` read the compiled catalog and load neither a YAML
parser, jsonschema, DuckDB nor Azure, nor the readers, the workspace source, the smoke gate, the
engine, the query library or the artifact builders: each command imports what it runs. The time itself is
measured by ``benchmarks/startup.py`` and never asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import contextlib, io, json, sys
from acs_triage.cli.app import run
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = run(sys.argv[1:])
print(json.dumps({"code": code, "output": out.getvalue(), "modules": sorted(sys.modules)}))
"""

#: Modules (and their submodules) a catalog command must not load.
NOT_LOADED = (
    "duckdb",
    "acs_triage.sources.columnar",
    "yaml",
    "jsonschema",
    "azure",
    "acs_triage.artifacts",
    "acs_triage.queries",
    "acs_triage.triage",
    "acs_triage.smoke",
    "acs_triage.sources.base",
    "acs_triage.sources.aggregate",
    "acs_triage.sources.files",
    "acs_triage.sources.sample",
    "acs_triage.sources.memory",
    "acs_triage.sources.exports",
    "acs_triage.sources.workspace",
    "acs_triage.formats.triage_view",
    "acs_triage.formats.leg_views",
    "acs_triage.formats.smoke_view",
    "acs_triage.formats.kql_views",
    "acs_triage.formats.charts",
    "acs_triage.formats.html",
    "jinja2",
    "markupsafe",
)
#: What the other commands' signatures need: package roots (lazy) and small modules of
#: types, option bounds and defaults.
NEEDED_FOR_SIGNATURES = {
    "acs_triage.artifacts",
    "acs_triage.artifacts.metrics",
    "acs_triage.smoke",
    "acs_triage.smoke.config",
    "acs_triage.sources.exports",
    "acs_triage.sources.exports.common",
    "acs_triage.sources.workspace",
    "acs_triage.sources.workspace.limits",
}


def _loaded(*argv: str) -> tuple[str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv], capture_output=True, text=True, check=True, timeout=120
    )
    result = json.loads(done.stdout)
    assert result["code"] == 0, done.stderr
    return result["output"], set(result["modules"])


def _unwanted(modules: set[str]) -> list[str]:
    return sorted(
        m
        for m in modules - NEEDED_FOR_SIGNATURES
        if any(m == prefix or m.startswith(prefix + ".") for prefix in NOT_LOADED)
    )


@pytest.mark.parametrize("argv", [("explain", "403", "560403"), ("codes",), ("--help",)], ids=" ".join)
def test_catalog_commands_import_only_what_they_run(argv: tuple[str, ...]) -> None:
    output, modules = _loaded(*argv)
    assert output.strip()
    assert _unwanted(modules) == []
    other_commands = {"acs_triage.cli.smoke_cmd", "acs_triage.cli.triage_cmds", "acs_triage.cli.options"}
    if argv == ("--help",):
        assert other_commands <= modules  # every command is listed, its signature known
    else:
        # only the command asked for is registered: the others' modules are not imported
        assert not other_commands & modules
        assert "acs_triage.sources.spec" not in modules


def test_explain_reads_the_compiled_catalog() -> None:
    output, modules = _loaded("explain", "403", "560403", "-f", "json")
    assert json.loads(output)  # explained from the catalog
    assert "acs_triage.catalog.compiled" in modules
    assert "acs_triage.catalog.loader" in modules


def test_the_check_sees_a_heavy_import() -> None:
    """The list is checked against the modules the commands do load when they run."""
    _, modules = _loaded("triage", "--sample", "-f", "json")
    assert {"acs_triage.triage.engine", "acs_triage.sources.exports.reader"} <= set(_unwanted(modules))


@pytest.mark.parametrize("source", [("--sample",), ("--from-file", "small.csv")], ids=" ".join)
def test_duckdb_is_imported_only_for_large_files(source: tuple[str, ...], tmp_path: Path) -> None:
    """DuckDB (the columnar engine) is imported on the file path only, and only when it
    answers: not for the sample, nor for a CSV export below 16 MiB."""
    (tmp_path / "small.csv").write_text(
        "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\n"
        "2026-11-01T10:00:00Z,c1,PSTN,403,560403\n",
        encoding="utf-8",
    )
    argv = [part if part != "small.csv" else str(tmp_path / part) for part in source]
    _, modules = _loaded("triage", *argv, "-f", "json")
    assert "acs_triage.triage.engine" in modules  # it did triage
    assert not {m for m in modules if m == "duckdb" or m.startswith("duckdb.")}


def test_jinja2_is_imported_when_html_is_asked_for_and_only_then() -> None:
    """``explain -f html`` loads jinja2 and the HTML renderer; the same command as JSON does not."""
    page, html_modules = _loaded("explain", "403", "560403", "-f", "html")
    _, json_modules = _loaded("explain", "403", "560403", "-f", "json")
    assert page.startswith("<!DOCTYPE html>")
    assert {"jinja2", "acs_triage.formats.html"} <= html_modules
    assert not {"jinja2", "markupsafe", "acs_triage.formats.html"} & json_modules
