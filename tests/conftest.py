"""Shared fixtures. Tests only ever talk to 127.0.0.1.

- ``cli``: the CLI in-process (:class:`tests.helpers.CliRunner`);
- ``fake_az`` and ``azure``: a fake ``az`` on ``PATH`` and the emulator ready for the
  CLI. ``azure`` uses the fixture ``emulator``, which the test module or package
  provides (module or package scope: building a dataset costs seconds), usually as
  ``with serve(tables, workspaces=..., now=...) as emu: yield emu``;
- ``kusto``: Microsoft's Kusto.Language;
- ``azurite``: Microsoft's storage emulator on 127.0.0.1 for the session (HTTPS,
  OAuth); a missing Azurite fails the tests that need it, never skips them;
- two autouse safety nets: no ambient Azure configuration, no credential that
  leaves the machine;
- at the end of the run, the artifacts tests left behind (screenshots of the HTML
  report, :mod:`tests.browser`) are listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.azurite import Azurite
from tests.emulator import LogAnalyticsEmulator
from tests.helpers import CliRunner, put_fake_az_on_path
from tests.kusto import KustoChecker


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.browser import SAVED

    if SAVED:
        terminalreporter.write_sep("-", "test artifacts")
        for path in SAVED:
            terminalreporter.write_line(str(path))


@pytest.fixture(scope="session")
def kusto() -> KustoChecker:
    """Microsoft's Kusto.Language (npm) bound to the table schemas in kql/tables."""
    return KustoChecker()


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    """Azurite's blob service on 127.0.0.1 (see :mod:`tests.azurite`)."""
    server = Azurite(tmp_path_factory.mktemp("azurite")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_ambient_azure(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may pick up a developer's or CI's real Azure configuration."""
    for name in (
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
        "AZURE_TOKEN_CREDENTIALS",
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
        "ACS_TRIAGE_WORKSPACE_ID",
        "ACS_TRIAGE_RESOURCE_ID",
        "ACS_TRIAGE_ENDPOINT",
        "ACS_TRIAGE_AUTH",
        "ACS_TRIAGE_STORAGE_ACCOUNT",
        "AZURE_STORAGE_CONNECTION_STRING",
        "AZURE_STORAGE_ACCOUNT",
        "AZURE_STORAGE_KEY",
        "AZURE_STORAGE_SAS_TOKEN",
        "GITHUB_ACTIONS",
        "GITHUB_STEP_SUMMARY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_network_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Safety net: credentials whose probes leave the machine must never run in tests
    (DefaultAzureCredential's managed-identity probe reaches a non-loopback address)."""
    import azure.identity

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError(
            "DefaultAzureCredential/ManagedIdentityCredential must not run "
            "in tests: pass --auth cli with the fake az"
        )

    for name in ("DefaultAzureCredential", "ManagedIdentityCredential"):
        monkeypatch.setattr(azure.identity, name, refuse)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """``cli(*argv, services=None) -> (code, stdout, stderr)``; ``cli.json(...)`` parses stdout."""
    return CliRunner(capsys)


@pytest.fixture
def fake_az(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``az`` handing out ``tests.helpers.TOKEN``, first on ``PATH``; its directory."""
    return put_fake_az_on_path(tmp_path / "bin", monkeypatch)


@pytest.fixture
def azure(
    emulator: LogAnalyticsEmulator, fake_az: Path, monkeypatch: pytest.MonkeyPatch
) -> LogAnalyticsEmulator:
    """The emulator of the test's module or package (fixture ``emulator``) as the CLI
    reaches it: the fake ``az`` on ``PATH``, the emulator's CA trusted through
    ``REQUESTS_CA_BUNDLE``, no queued faults and an empty request log."""
    assert emulator.ca_path is not None
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", emulator.ca_path)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    emulator.clear_faults()
    emulator.requests.clear()
    return emulator
