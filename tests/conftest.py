"""Shared fixtures. Tests only ever talk to 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.kusto import KustoChecker


@pytest.fixture(scope="session")
def kusto() -> KustoChecker:
    """Microsoft's Kusto.Language (npm) bound to the table schemas in kql/tables."""
    return KustoChecker()


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
