"""The command line as people use it: global options anywhere, usage when called bare,
plain one-line errors that say where to look, values named in ``--help``, windows that
make sense, ignored options said, and credential errors that fit the ``--auth`` chosen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from acs_triage.errors import AuthError, ExitCode
from acs_triage.sources.credential_errors import credential_error
from tests.helpers import CliRunner

CALL = "91fe2b6a-c5e4-4d79-b810-dea9fa1b5938"  # a call of the bundled sample
USAGE_LINE = re.compile(r"^acs-triage: error: .+ \(see acs-triage [a-z -]+--help\)\n$")
COMMANDS = [
    "explain",
    "codes",
    "triage",
    "call",
    "legs",
    "smoke",
    "kql list",
    "kql show",
    "export alert-rule",
    "export workbook",
]


def test_global_options_work_after_the_command(cli: CliRunner) -> None:
    before = cli("-v", "--wide", "triage", "--sample", "-f", "json")
    after = cli("triage", "--sample", "-f", "json", "--wide", "-v")
    assert before[0] == after[0] == ExitCode.OK
    code, out, _ = cli("triage", "--sample", "--wide")
    assert code == ExitCode.OK and max(len(line) for line in out.splitlines()) > 120


def test_called_bare_it_prints_its_usage(cli: CliRunner) -> None:
    code, out, err = cli()
    assert code == ExitCode.USAGE and err == ""
    assert out.startswith("Usage: acs-triage [OPTIONS] COMMAND [ARGS]...") and "Commands:" in out
    code, out, _ = cli("kql")
    assert code == ExitCode.USAGE and out.startswith("Usage: acs-triage kql [OPTIONS] COMMAND")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("triage", "--sample", "-f", "xml"), "'xml' is not one of 'table', 'json', 'csv', 'markdown'"),
        (("legs", "--sample", "--max-rows", "0"), "--max-rows': must be between 1 and 499999 (got 0)"),
        (("legs", "--sample", "--max-rows", "ten"), "'ten' is not a whole number"),
        (("smoke", "--sample", "--max-failure-rate", "101"), "must be between 0.0 and 100.0 (got 101.0)"),
        (("smoke", "--sample", "--max-failure-rate", "x"), "'x' is not a number"),
        (("triage", "--bogus"), "No such option: --bogus"),
        (("explain",), "Missing argument 'CODE'"),
    ],
)
def test_usage_errors_are_one_plain_line_naming_the_help(
    cli: CliRunner, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = cli(*argv)
    assert code == ExitCode.USAGE and out == ""
    assert USAGE_LINE.match(err), err
    assert message in err and f"(see acs-triage {argv[0]} --help)" in err
    assert not re.search(r"Value error|Input should|pydantic|<str>|Traceback", err)


def test_the_same_mistake_gets_the_same_message_everywhere(cli: CliRunner) -> None:
    messages = set()
    for argv in (
        ("triage", "--sample"),
        ("legs", "--sample"),
        ("smoke", "--sample"),
        ("kql", "show", "pstn-summary"),
    ):
        code, _, err = cli(*argv, "--since", "7")
        assert code == ExitCode.USAGE
        messages.add(err)
    assert messages == {
        "acs-triage: error: --since: '7' is not a duration; use a number and a unit: "
        "30m, 24h, 7d, 90s, 500ms\n"
    }


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_values_for_people(cli: CliRunner, command: str) -> None:
    code, out, _ = cli(*command.split(), "--help")
    assert code == ExitCode.OK
    options = [line for line in out.splitlines() if line.lstrip().startswith("-")]
    assert not [line for line in options if re.search(r"<(list\[|\w+ range>|str>|int>|float>|path>)", line)]
    if command in ("triage", "legs", "call", "smoke"):
        text = " ".join(options)
        for expected in ("--workspace-id GUID", "--from-file FILE", "--timeout SECONDS", "--output FILE"):
            assert expected in text, expected


def test_kql_show_refuses_a_window_that_ends_before_it_starts_or_is_given_twice(cli: CliRunner) -> None:
    code, _, err = cli(
        "kql", "show", "pstn-summary", "--start", "2026-01-02T00:00:00Z", "--end", "2026-01-01"
    )
    assert code == ExitCode.USAGE and "--start" in err and "before --end" in err
    code, _, err = cli(
        "kql", "show", "pstn-summary", "-p", "start=2026-01-02T00:00:00Z", "-p", "end=2026-01-01T00:00:00Z"
    )
    assert code == ExitCode.USAGE and "start (2026-01-02T00:00:00Z) must be before end" in err
    code, _, err = cli("kql", "show", "pstn-summary", "--since", "1d", "-p", "lookback=2d")
    assert code == ExitCode.USAGE and "--since and -p lookback both set the window" in err


def test_call_finds_a_call_whatever_the_letter_case(cli: CliRunner) -> None:
    _, lower, _ = cli.json("call", CALL, "--sample", "-f", "json")
    _, upper, _ = cli.json("call", CALL.upper(), "--sample", "-f", "json")
    assert lower["legs"] and upper["legs"] == lower["legs"]


def test_a_window_that_misses_the_data_says_what_the_data_covers(cli: CliRunner) -> None:
    code, doc, err = cli.json("triage", "--sample", "--since", "1h", "-f", "json")
    assert code == ExitCode.OK and doc["totals"]["legs"] == 0
    hint = [w for w in doc["warnings"] if w.startswith("no legs in the window")]
    assert hint and "the data runs from 2026-11-01T00:03:00.026000Z to 2026-11-02T00:13:59.943000Z" in hint[0]
    assert hint[0] in err  # and on stderr, as the JSON does not show it to a person


def test_catalog_filters_take_any_letter_case(cli: CliRunner) -> None:
    _, lower, _ = cli.json("codes", "--who-acts", "sbc", "-f", "json")
    _, upper, _ = cli.json("codes", "--who-acts", "SBC", "--scope", "PSTN", "-f", "json")
    assert lower["count"] > 0 and upper == lower


def test_ignored_options_and_repeated_files_are_said(cli: CliRunner, tmp_path: Path) -> None:
    code, _, err = cli("triage", "--sample", "--additional-workspace", "x", "--retries", "1")
    assert code == ExitCode.OK
    assert "--additional-workspace is ignored with --sample" in err
    assert "--retries is ignored with --sample" in err
    from acs_triage.sources.sample import sample_path

    copy = tmp_path / "export.csv"
    copy.write_bytes(sample_path().read_bytes())
    _, once, _ = cli.json("triage", "--from-file", str(copy), "-f", "json")
    again = str(tmp_path / "." / "export.csv")
    _, twice, err = cli.json("triage", "--from-file", str(copy), "--from-file", again, "-f", "json")
    assert "is given more than once" in err and "it is read once" in err
    assert twice["totals"] == once["totals"]


# -- credentials -------------------------------------------------------------------------------
DEFAULT_CHAIN = """DefaultAzureCredential failed to retrieve a token from the included credentials.
Attempted credentials:
\tEnvironmentCredential: EnvironmentCredential authentication unavailable. Environment variables are not \
fully configured.
Visit https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to troubleshoot this issue.
\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, no response from the IMDS \
endpoint.
\tAzureCliCredential: Azure CLI not found on path
To mitigate this issue, please refer to the troubleshooting guidelines here at \
https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot."""


def test_the_default_chain_says_one_line_per_credential_tried() -> None:
    error = credential_error("default", DEFAULT_CHAIN)
    assert isinstance(error, AuthError) and error.exit_code == ExitCode.AUTH_OR_CONFIG
    lines = error.lines()
    assert lines[0].startswith("--auth default: none of the 3 credentials tried could get a token")
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "EnvironmentCredential",
        "ManagedIdentityCredential",
        "AzureCliCredential",
    ]
    assert "AZURE_CLIENT_SECRET" in lines[1] and "managed identity" in lines[2] and "az login" in lines[3]
    assert not any("https://" in line for line in lines)


@pytest.mark.parametrize(
    ("method", "message", "reason", "hint"),
    [
        ("cli", "Azure CLI not found on path", "the Azure CLI (az) is not on PATH", "install the Azure CLI"),
        ("cli", "Please run 'az login' to set up an account", "the Azure CLI is not signed in", "az login"),
        (
            "env",
            "EnvironmentCredential authentication unavailable. "
            "Environment variables are not fully configured.",
            "Environment variables are not fully configured",
            "AZURE_CLIENT_SECRET",
        ),
        (
            "managed-identity",
            "ManagedIdentityCredential authentication unavailable.",
            "no managed identity endpoint answered here",
            "managed identity",
        ),
    ],
)
def test_one_credential_gets_its_own_hint(method: str, message: str, reason: str, hint: str) -> None:
    error = credential_error(method, message)
    assert reason in error.message and hint in str(error) and error.details == ()
    if method != "cli":
        assert "az login" not in str(error)


def test_origin_wording_matches_the_code(cli: CliRunner) -> None:
    """An SBC's 000 is normal clearing, not "SIP 000"; sub-code 0 names nobody; the
    paragraph on what the prefixes mean is said once, however many pairs are shown."""
    _, out, _ = cli("explain", "0", "560000", "--wide")
    assert "an SBC (outbound call); it cleared the call normally" in out and "SIP 000" not in out
    _, out, _ = cli("explain", "0", "0", "--wide")
    assert (
        "Sub-code 0 names no service or SBC" in out
        and "Microsoft service generated" not in out.split("Who")[0]
    )
    _, out, _ = cli("explain", "487", "--wide")
    assert out.count("560xxx (an SBC (outbound call))") == 1
    _, out, _ = cli("triage", "--sample", "--details", "5", "--wide")
    assert out.count("Outbound call: the final SIP response came from an SBC") == 1
