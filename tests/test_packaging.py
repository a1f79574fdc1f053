"""The wheel carries kql/, mappings/ and the sample, and works installed (not editable)."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: hatchling comes from the test extras, nothing is downloaded.
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = out.glob("acs_triage-*.whl")
    return built


def test_wheel_contains_the_data_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "acs_triage/_data/mappings/catalog.yaml" in names
    assert "acs_triage/_data/mappings/catalog.schema.json" in names
    assert "acs_triage/_data/mappings/catalog.compiled.json" in names
    assert "acs_triage/_data/kql/pstn-failures-by-pair.kql" in names
    assert "acs_triage/_data/kql/tables/ACSCallSummary.json" in names
    assert "acs_triage/sample_data/acscallsummary-sample.csv" in names
    assert "acs_triage/py.typed" in names
    assert "acs_triage/formats/templates/report.html.j2" in names
    assert "acs_triage/formats/templates/report.css" in names
    assert not any(n.startswith(("tests/", "node_modules/")) for n in names)


@pytest.mark.slow
def test_installed_wheel_finds_its_catalog(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with zipfile.ZipFile(wheel) as archive:  # a wheel install is an unzip plus metadata
        archive.extractall(purelib)
    # Dependencies come from the test environment, appended AFTER the wheel's own files.
    deps = [p for p in site.getsitepackages() if "site-packages" in p]
    (Path(purelib) / "zz_test_deps.pth").write_text("\n".join(deps) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    script = (
        "import json, sys, acs_triage, acs_triage.resources as r\n"
        "from acs_triage.catalog.loader import load_catalog\n"
        "pairs = len([p for p in load_catalog().pairs if p.scope == 'pstn'])\n"
        "compiled = 'yaml' not in sys.modules\n"
        "from acs_triage.queries.store import load_queries\n"
        "print(json.dumps({'file': acs_triage.__file__,"
        " 'mappings': str(r.data_root('mappings')),"
        " 'pairs': pairs, 'compiled': compiled, 'queries': len(load_queries())}))\n"
    )

    def installed(*args: str) -> subprocess.CompletedProcess[str]:
        """Run the interpreter that sees only the installed wheel (and the dependencies)."""
        return subprocess.run(
            [str(python), *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
        )

    result = installed("-c", script)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["file"].startswith(purelib), info
    assert info["mappings"].startswith(purelib) and "_data" in info["mappings"], info
    assert info["pairs"] == 20 and info["queries"] >= 7
    assert info["compiled"], "the installed catalog is read from its compiled form"
    sample = installed("-m", "acs_triage", "triage", "--sample", "-f", "json")
    assert sample.returncode == 0, sample.stderr
    assert json.loads(sample.stdout)["totals"]["legs"] > 0
    page = installed("-m", "acs_triage", "triage", "--sample", "-f", "html")
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith("<!DOCTYPE html>") and '<svg class="timeline"' in page.stdout
