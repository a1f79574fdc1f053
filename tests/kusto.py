"""Offline KQL validation for the test suite, via Microsoft's Kusto.Language.

`KustoChecker.check_many` sends a whole batch of queries to ONE Node process running
``tools/kqlcheck/check.js --tables kql/tables --stdin`` (npm ``@kusto/language-service-next``,
pinned in package.json / package-lock.json) and returns one `KqlResult` per query id.

This is a helper module, not a test module, and it defines no fixtures: conftest.py builds
the fixture. If Node or the npm package is missing it raises RuntimeError on purpose,
so a machine that cannot validate KQL fails the suite instead of silently skipping it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TABLES_DIR = ROOT / "kql" / "tables"
INSTALL_COMMAND = "npm ci --no-audit --no-fund"


@dataclass(frozen=True)
class KqlResult:
    """Outcome of parsing and binding one query against the declared tables."""

    ok: bool
    """True when there is no diagnostic of severity Error."""
    errors: list[str]
    """Error diagnostics only, each formatted ``line:col KSxxx message``."""
    diagnostics: list[dict[str, Any]]
    """Every diagnostic as returned by check.js (severity, code, message, line, column, ...)."""
    result_schema: list[tuple[str, str]]
    """Result columns as (name, Kusto type); empty when the query returns no table."""
    literals: list[str | None]
    """The value Kusto.Language gives each literal of the query, in source order."""


def _format_error(d: Mapping[str, Any]) -> str:
    return f"{d['line']}:{d['column']} {d['code']} {d['message']}"


def _to_result(raw: Mapping[str, Any]) -> KqlResult:
    diagnostics = list(raw["diagnostics"])
    return KqlResult(
        ok=bool(raw["ok"]),
        errors=[_format_error(d) for d in diagnostics if d["severity"] == "Error"],
        diagnostics=diagnostics,
        result_schema=[(str(name), str(type_)) for name, type_ in raw["resultSchema"]],
        literals=list(raw.get("literals", [])),
    )


class KustoChecker:
    """Validate KQL text against the table schemas in ``kql/tables`` (database LogAnalytics).

    Construction fails fast with RuntimeError when Node.js or the npm package is missing.
    Each `check_many` call costs one Node process (about 1 s of start-up and warm-up,
    then ~20 ms per query), so batch all queries of a session into one call.
    """

    def __init__(
        self,
        *,
        root: Path = ROOT,
        tables_dir: Path | None = None,
        node: str | None = None,
        lint: bool = False,
        timeout_s: float = 300.0,
    ) -> None:
        self.root = Path(root)
        self.check_js = self.root / "tools" / "kqlcheck" / "check.js"
        self.tables_dir = Path(tables_dir) if tables_dir is not None else self.root / "kql" / "tables"
        self.lint = lint
        self.timeout_s = timeout_s
        hint = (
            "KQL validation needs Node.js >= 20 and the npm package @kusto/language-service-next. "
            f"Run the README test command: `cd {self.root} && {INSTALL_COMMAND}`"
        )
        found = node if node is not None else shutil.which("node")
        if found is None or shutil.which(found) is None:
            raise RuntimeError(f"node executable not found ({node or 'not on PATH'}). {hint}")
        self.node: str = found
        package = self.root / "node_modules" / "@kusto" / "language-service-next"
        if not (package / "Kusto.Language.Bridge.min.js").is_file():
            raise RuntimeError(f"{package} is missing or incomplete. {hint}")
        if not self.check_js.is_file():
            raise RuntimeError(f"{self.check_js} is missing")

    def check_many(self, items: Mapping[str, str]) -> dict[str, KqlResult]:
        """Check every {id: query text} in one Node process; returns {id: KqlResult}."""
        if not items:
            return {}
        payload = json.dumps([{"id": str(k), "text": v} for k, v in items.items()])
        cmd = [self.node, str(self.check_js), "--tables", str(self.tables_dir), "--stdin"]
        if self.lint:
            cmd.append("--lint")
        try:
            proc = subprocess.run(
                cmd,
                input=payload,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=self.timeout_s,
                check=False,
                cwd=self.root,
            )
        except subprocess.TimeoutExpired as e:
            raise RuntimeError(f"check.js did not finish within {self.timeout_s} s") from e
        if proc.returncode not in (0, 1):  # 2 = usage, input or schema problem
            raise RuntimeError(f"check.js failed with exit code {proc.returncode}:\n{proc.stderr.strip()}")
        try:
            raw = json.loads(proc.stdout)
        except json.JSONDecodeError as e:
            raise RuntimeError(f"check.js printed invalid JSON ({e}); stderr:\n{proc.stderr}") from e
        missing = [k for k in items if str(k) not in raw]
        if missing:
            raise RuntimeError(f"check.js returned no result for {missing!r}")
        return {k: _to_result(raw[str(k)]) for k in items}

    def check(self, text: str) -> KqlResult:
        """Check a single query (one Node process; prefer `check_many` for several)."""
        return self.check_many({"query": text})["query"]
