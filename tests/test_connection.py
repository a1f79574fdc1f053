"""Clouds, endpoints, audiences and the credential choice."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from acs_triage.cli.progress import spinner
from acs_triage.errors import AuthError, ConfigError, ExitCode
from acs_triage.sources.connection import AuthMethod, Cloud, Connection, make_credential
from acs_triage.sources.workspace import Target
from tests.helpers import CliRunner


@pytest.mark.parametrize(
    ("cloud", "endpoint", "audience"),
    [
        (Cloud.PUBLIC, "https://api.loganalytics.azure.com", "https://api.loganalytics.io"),
        (Cloud.USGOV, "https://api.loganalytics.us", "https://api.loganalytics.us"),
        (Cloud.CHINA, "https://api.loganalytics.azure.cn", "https://api.loganalytics.azure.cn"),
    ],
)
def test_cloud_endpoints_and_audiences(cloud: Cloud, endpoint: str, audience: str) -> None:
    connection = Connection.for_cloud(cloud)
    assert (connection.endpoint, connection.audience) == (endpoint, audience)


def test_custom_endpoint_keeps_the_clouds_audience() -> None:
    connection = Connection.for_cloud(Cloud.PUBLIC, "https://proxy.example.test/")
    assert connection.endpoint == "https://proxy.example.test"
    assert connection.audience == "https://api.loganalytics.io"
    assert (
        Connection.for_cloud(Cloud.PUBLIC, "https://x.test", "https://aud.test/").audience
        == "https://aud.test"
    )


@pytest.mark.parametrize("endpoint", ["http://api.loganalytics.io", "api.loganalytics.io", "ftp://x"])
def test_non_https_endpoints_are_refused(endpoint: str) -> None:
    with pytest.raises(ConfigError, match="https"):
        Connection.for_cloud(Cloud.PUBLIC, endpoint)


def test_cli_and_env_credentials_are_the_azure_identity_ones() -> None:
    from azure.identity import AzureCliCredential, EnvironmentCredential

    connection = Connection.for_cloud(Cloud.PUBLIC)
    assert isinstance(make_credential(AuthMethod.CLI, connection), AzureCliCredential)
    assert isinstance(make_credential(AuthMethod.ENV, connection), EnvironmentCredential)


def test_default_auth_builds_default_azure_credential() -> None:
    """--auth default is DefaultAzureCredential (refused in tests by the conftest guard)."""
    with pytest.raises(AssertionError, match="must not run in tests"):
        make_credential(AuthMethod.DEFAULT, Connection.for_cloud(Cloud.PUBLIC))


def test_workload_identity_without_configuration_is_an_auth_error_with_its_hint() -> None:
    with pytest.raises(AuthError, match="--auth workload-identity: WorkloadIdentityCredential") as caught:
        make_credential(AuthMethod.WORKLOAD_IDENTITY, Connection.for_cloud(Cloud.PUBLIC))
    assert caught.value.exit_code == ExitCode.AUTH_OR_CONFIG
    assert "AZURE_FEDERATED_TOKEN_FILE" in str(caught.value) and "az login" not in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({}, "exactly one"),
        ({"workspace_id": "a", "resource_id": "/subscriptions/x"}, "exactly one"),
        ({"resource_id": "acs1"}, "/subscriptions/"),
    ],
)
def test_target_validation(kwargs: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        Target(**kwargs)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_spinner_is_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    with spinner("querying", stream):
        pass
    assert stream.getvalue() == ""


def test_spinner_draws_on_a_terminal_and_clears_its_line() -> None:
    stream = _Tty()
    with spinner("querying", stream):
        __import__("time").sleep(0.15)
    text = stream.getvalue()
    assert "querying" in text and text.endswith("\r")


def test_cli_credential_asks_az_for_the_log_analytics_audience(fake_az: Path, cli: CliRunner) -> None:
    from tests.emulator import read_az_calls

    # Nothing listens on port 9: the token is fetched, then the request fails to connect.
    code, _, _ = cli(
        "triage",
        "--workspace-id",
        "00000000-0000-4000-8000-000000000009",
        "--endpoint",
        "https://127.0.0.1:9",
        "--auth",
        "cli",
        "--retries",
        "0",
        "--timeout",
        "5",
    )
    assert code == 4
    calls = read_az_calls(fake_az)
    assert calls, "az was not called"
    argv = json.dumps(calls[-1])
    assert "https://api.loganalytics.io" in argv
