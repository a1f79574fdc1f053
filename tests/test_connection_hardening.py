"""Connection options and the time budget (issue 11, items 13 and 14), against the
emulator on 127.0.0.1 through the real ``LogsQueryClient``.

- credentials in ``--endpoint`` are refused and never echoed or logged; a malformed
  endpoint or port, a ``--workspace-id`` that is not a GUID are usage errors (2),
  a ``--resource-id`` with ``..`` segments a configuration error (3), all before any
  request or token;
- ``--timeout`` bounds the whole command, and a Retry-After longer than what is left
  of it ends the command at once, as throttling, saying when to retry.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from acs_triage.cli.app import configure_logging
from acs_triage.errors import ExitCode
from tests.emulator import LogAnalyticsEmulator, generate_call_summary, read_az_calls
from tests.helpers import CliRunner, serve

WS = "5c2a1f0e-7d3b-4e6a-9b8c-0d1e2f3a4b5c"
#: Requests one workspace triage sends (totals, pairs, timeline, legs by endpoint type).
TRIAGE_QUERIES = 4
RESOURCE = (
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/"
    "Microsoft.Communication/CommunicationServices/acs1"
)


@pytest.fixture(scope="module")
def emulator() -> Iterator[LogAnalyticsEmulator]:
    now = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=1)
    df = generate_call_summary(300, seed=11, now=now, resource_id=RESOURCE)
    with serve({"ACSCallSummary": df}, workspaces={WS}, now=now) as emu:
        yield emu


def run(cli: CliRunner, azure: LogAnalyticsEmulator, *argv: str) -> tuple[int, str, str]:
    assert azure.url is not None
    return cli("triage", *argv, "--auth", "cli", "--retries", "3")


# -- item 13: what reaches the network, and what is echoed ---------------------------------------
@pytest.mark.parametrize("verbosity", [[], ["-v"], ["-vv"]])
def test_credentials_in_the_endpoint_are_refused_never_shown(
    azure: LogAnalyticsEmulator, fake_az: Path, cli: CliRunner, verbosity: list[str]
) -> None:
    assert azure.url is not None
    endpoint = azure.url.replace("https://", "https://alice:s3cr3t-pw@")
    code, out, err = cli(*verbosity, "triage", "--workspace-id", WS, "--endpoint", endpoint, "--auth", "cli")
    assert code == ExitCode.USAGE and out == "" and err.count("\n") == 1
    assert "credentials" in err and "s3cr3t-pw" not in err and "alice" not in err
    assert azure.requests == [] and read_az_calls(fake_az) == []


def test_credentials_in_the_endpoint_variable_are_refused_too(
    azure: LogAnalyticsEmulator, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert azure.url is not None
    monkeypatch.setenv("ACS_TRIAGE_ENDPOINT", azure.url.replace("https://", "https://tok:s3cr3t@"))
    code, _, err = cli("triage", "--workspace-id", WS, "--auth", "cli")
    assert code == ExitCode.USAGE and "s3cr3t" not in err and azure.requests == []


@pytest.mark.parametrize(
    "endpoint",
    ["https://[::1", "https://127.0.0.1:99999", "https://127.0.0.1:port", "https://h/q?sig=x", "https://h /"],
)
def test_a_malformed_endpoint_is_a_usage_error(
    azure: LogAnalyticsEmulator, fake_az: Path, cli: CliRunner, endpoint: str
) -> None:
    code, out, err = cli("triage", "--workspace-id", WS, "--endpoint", endpoint, "--auth", "cli")
    assert code == ExitCode.USAGE, err
    assert out == "" and err.count("\n") == 1 and "--endpoint" in err and "sig=x" not in err
    assert read_az_calls(fake_az) == []  # refused before any token or request


@pytest.mark.parametrize("workspace", ["w", "not-a-guid", "5c2a1f0e-7d3b-4e6a-9b8c-0d1e2f3a4b5", WS + "/.."])
def test_a_workspace_id_that_is_not_a_guid_is_a_usage_error(
    azure: LogAnalyticsEmulator, fake_az: Path, cli: CliRunner, workspace: str
) -> None:
    assert azure.url is not None
    code, _, err = cli("triage", "--workspace-id", workspace, "--endpoint", azure.url, "--auth", "cli")
    assert code == ExitCode.USAGE and err.count("\n") == 1 and "GUID" in err
    assert azure.requests == [] and read_az_calls(fake_az) == []


@pytest.mark.parametrize(
    "resource",
    [
        f"/subscriptions/x/../../workspaces/{WS}",
        "/subscriptions/x/./resourceGroups/rg",
        "/subscriptions//resourceGroups/rg",
        "/subscriptions/x/%2e%2e/workspaces",
        "/subscriptions/x/rg?api-version=1",
    ],
)
@pytest.mark.parametrize("command", ["triage", "smoke"])
def test_a_resource_id_that_would_point_elsewhere_is_refused(
    azure: LogAnalyticsEmulator, fake_az: Path, cli: CliRunner, resource: str, command: str
) -> None:
    assert azure.url is not None
    code, _, err = cli(command, "--resource-id", resource, "--endpoint", azure.url, "--auth", "cli")
    assert code == ExitCode.AUTH_OR_CONFIG and "not an Azure resource id" in err
    assert azure.requests == [] and read_az_calls(fake_az) == []


def test_a_good_resource_id_still_works(azure: LogAnalyticsEmulator, cli: CliRunner) -> None:
    assert azure.url is not None
    code, _, err = cli("triage", "--resource-id", RESOURCE, "--endpoint", azure.url, "--auth", "cli")
    assert code == ExitCode.OK, err


def test_logs_redact_credentials_in_urls(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(2)
    logging.getLogger("azure.core.test").info("Request URL: 'https://user:pw@proxy.test:8080/x'\nFORGED")
    err = capsys.readouterr().err
    assert "https://***@proxy.test:8080/x" in err and "pw" not in err
    assert err.count("\n") == 1  # a line break in a message never starts a line of its own


# -- item 14: --timeout bounds the whole command ------------------------------------------------------
def test_a_retry_after_beyond_the_budget_ends_at_once_as_throttling(
    azure: LogAnalyticsEmulator, cli: CliRunner
) -> None:
    assert azure.url is not None
    azure.inject("throttled", times=5, retry_after=30)
    before = datetime.now(timezone.utc)
    code, out, err = cli(
        "triage", "--workspace-id", WS, "--endpoint", azure.url, "--auth", "cli", "--timeout", "5"
    )
    assert code == ExitCode.QUERY and out == "" and err.count("\n") == 1
    assert "throttled (HTTP 429" in err and "asked to wait 30 s" in err and "left of --timeout" in err
    assert "timeout reached" not in err.lower() and "response timeout" not in err.lower()
    assert len(azure.requests) == 1  # not retried: the 30 s were not waited for
    retry_at = re.search(r"retry after (\S+Z)", err)
    assert retry_at is not None
    when = datetime.fromisoformat(retry_at.group(1).replace("Z", "+00:00"))
    assert before + timedelta(seconds=29) <= when


def test_a_short_retry_after_within_the_budget_is_waited_for(
    azure: LogAnalyticsEmulator, cli: CliRunner
) -> None:
    assert azure.url is not None
    azure.inject("throttled", times=1, retry_after=1)
    code, _, err = cli(
        "triage", "--workspace-id", WS, "--endpoint", azure.url, "--auth", "cli", "--timeout", "30"
    )
    assert code == ExitCode.OK, err
    # the throttled try, its retry, then the other queries of a triage (a fixed number)
    assert len(azure.requests) == 2 + TRIAGE_QUERIES - 1


def test_the_timeout_bounds_every_query_together(azure: LogAnalyticsEmulator, cli: CliRunner) -> None:
    # Each query alone fits in the budget; the three of them do not.
    assert azure.url is not None
    azure.inject("delay", times=3, seconds=2.6)
    code, out, err = cli(
        "triage",
        "--workspace-id",
        WS,
        "--endpoint",
        azure.url,
        "--auth",
        "cli",
        "--timeout",
        "5",
        "--retries",
        "0",
    )
    assert code == ExitCode.QUERY, err
    assert out == "" and err.count("\n") == 1 and "timeout" in err.lower()


# -- item 15 on a workspace: the ends of the calendar ---------------------------------------------------
@pytest.mark.parametrize(
    "edge",
    [
        ["--end", "0001-01-01T00:10:00Z", "--since", "30m"],
        ["--end", "9999-12-31T23:59:59Z", "--since", "1d"],
        ["--start", "0001-01-01T00:00:00Z", "--end", "0001-01-02T00:00:00Z"],
    ],
)
@pytest.mark.parametrize("command", [["triage"], ["legs"], ["call", "c-1"], ["smoke"]])
def test_windows_at_the_ends_of_the_calendar_on_a_workspace(
    azure: LogAnalyticsEmulator, cli: CliRunner, command: list[str], edge: list[str]
) -> None:
    assert azure.url is not None
    options = edge
    if command == ["smoke"]:  # smoke takes --end and --since, or --deployed-at
        options = [o.replace("--start", "--deployed-at") for o in edge if o != "--end"][:2]
    code, _, err = cli(*command, "--workspace-id", WS, "--endpoint", azure.url, "--auth", "cli", *options)
    # Never 70: a verdict, an empty window, a usage error or the service's own refusal.
    allowed = (ExitCode.OK, ExitCode.GATE_FAILED, ExitCode.USAGE, ExitCode.QUERY, ExitCode.INCONCLUSIVE)
    assert code in allowed, err
