"""What the catalog commands import: a structural check of start-up.

``explain``, ``codes`` and ``--help`` read the compiled catalog and load neither a YAML
parser, jsonschema nor Azure, nor the readers, the workspace source, the smoke gate, the
engine, the query library or the artifact builders: each command imports what it runs. The time itself is
measured by ``benchmarks/startup.py`` and never asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys

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


def test_jinja2_is_imported_when_html_is_asked_for_and_only_then() -> None:
    """``explain -f html`` loads jinja2 and the HTML renderer; the same command as JSON does not."""
    page, html_modules = _loaded("explain", "403", "560403", "-f", "html")
    _, json_modules = _loaded("explain", "403", "560403", "-f", "json")
    assert page.startswith("<!DOCTYPE html>")
    assert {"jinja2", "acs_triage.formats.html"} <= html_modules
    assert not {"jinja2", "markupsafe", "acs_triage.formats.html"} & json_modules
