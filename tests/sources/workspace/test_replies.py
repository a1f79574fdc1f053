"""Workspace replies the service can send but rarely does: a reply without tables and a
table without the columns a query declares, through the CLI against the emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from acs_triage.errors import ExitCode
from tests.emulator import LogAnalyticsEmulator, generate_call_summary
from tests.helpers import CliRunner, serve

WS = "bbbbbbbb-0000-4000-8000-000000000017"
NOW = datetime(2026, 11, 2, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def emulator() -> Iterator[LogAnalyticsEmulator]:
    df = generate_call_summary(300, seed=17, now=NOW)
    with serve({"ACSCallSummary": df}, workspaces={WS}, now=NOW) as emu:
        yield emu


def _args(emu: LogAnalyticsEmulator, *extra: str) -> list[str]:
    assert emu.url is not None
    return [
        "--workspace-id", WS, "--endpoint", emu.url, "--auth", "cli", "--retries", "0",
        "--end", "2026-11-02T00:00:00Z", "--since", "24h", *extra,
    ]  # fmt: skip


def test_a_reply_without_tables_is_no_rows(
    azure: LogAnalyticsEmulator, fake_az: Path, cli: CliRunner
) -> None:
    code, full, _ = cli.json("triage", *_args(azure, "-f", "json"))
    assert code == ExitCode.OK and full["totals"]["legs"] > 0
    requests = len(azure.requests)
    for _ in range(requests):
        azure.inject("malformed", body=json.dumps({"tables": []}))
    code, empty, err = cli.json("triage", *_args(azure, "-f", "json"))
    assert code == ExitCode.OK, err
    assert (empty["totals"]["legs"], empty["totals"]["failed_legs"], empty["findings"]) == (0, 0, [])
    assert azure.pending_faults == []


def test_a_table_without_the_declared_columns_is_a_service_error(
    azure: LogAnalyticsEmulator, fake_az: Path, cli: CliRunner
) -> None:
    table = {"name": "PrimaryResult", "columns": [{"name": "Other", "type": "string"}], "rows": [["x"]]}
    azure.inject("malformed", body=json.dumps({"tables": [table]}))
    code, out, err = cli("triage", *_args(azure))
    assert code == ExitCode.QUERY and out == ""
    assert err.count("\n") == 1 and "the response lacks column(s) " in err
    assert "Other" not in err.split("lacks column(s)")[1]
