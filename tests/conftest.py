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
    for name in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET",
                 "AZURE_FEDERATED_TOKEN_FILE", "AZURE_TOKEN_CREDENTIALS",
                 "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "ACS_TRIAGE_WORKSPACE_ID",
                 "ACS_TRIAGE_RESOURCE_ID", "ACS_TRIAGE_ENDPOINT", "ACS_TRIAGE_AUTH",
                 "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
