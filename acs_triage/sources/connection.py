"""Where and how to reach Log Analytics: clouds, endpoints, credentials.

The credential is chosen explicitly (``--auth``); ``default`` is azure-identity's
``DefaultAzureCredential``, which honours ``AZURE_TOKEN_CREDENTIALS``. Credentials
and tokens are never logged or printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from acs_triage.errors import AuthError, ConfigError, UsageError
from acs_triage.masking import redact_urls
from acs_triage.sources.credential_errors import credential_error

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential


class Cloud(str, Enum):
    PUBLIC = "public"
    USGOV = "usgov"
    CHINA = "china"


class AuthMethod(str, Enum):
    DEFAULT = "default"
    CLI = "cli"
    ENV = "env"
    MANAGED_IDENTITY = "managed-identity"
    WORKLOAD_IDENTITY = "workload-identity"


@dataclass(frozen=True)
class CloudSettings:
    endpoint: str
    audience: str
    authority: str


CLOUDS: dict[Cloud, CloudSettings] = {
    Cloud.PUBLIC: CloudSettings(
        "https://api.loganalytics.azure.com", "https://api.loganalytics.io", "login.microsoftonline.com"
    ),
    Cloud.USGOV: CloudSettings(
        "https://api.loganalytics.us", "https://api.loganalytics.us", "login.microsoftonline.us"
    ),
    Cloud.CHINA: CloudSettings(
        "https://api.loganalytics.azure.cn", "https://api.loganalytics.azure.cn", "login.chinacloudapi.cn"
    ),
}


@dataclass(frozen=True)
class Connection:
    """Endpoint, token audience and authority for one run."""

    endpoint: str
    audience: str
    authority: str

    @classmethod
    def for_cloud(
        cls, cloud: Cloud = Cloud.PUBLIC, endpoint: str | None = None, audience: str | None = None
    ) -> Connection:
        settings = CLOUDS[cloud]
        if endpoint is not None:
            endpoint = check_endpoint(endpoint)
        return cls(
            endpoint=endpoint or settings.endpoint,
            audience=(audience or settings.audience).rstrip("/"),
            authority=settings.authority,
        )


_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


def check_endpoint(endpoint: str) -> str:
    """``--endpoint`` without its trailing ``/``, or why it cannot be used.

    A value that is not a usable URL (unparseable, an invalid port, credentials, a
    query or fragment, spaces or control characters) is a usage error (exit 2) and is
    never echoed with its credentials; a URL that is not ``https://`` is refused as a
    configuration error (exit 3): bearer tokens are only ever sent over TLS.
    """
    shown = redact_urls(re.split(r"[?#]", endpoint, maxsplit=1)[0])  # no credentials, no query
    problem = None
    try:
        parsed = urlsplit(endpoint)
        port = parsed.port  # ValueError when it is not a number in 0-65535
    except ValueError as exc:
        problem = str(exc)
    else:
        if _UNSAFE_URL_CHARS.search(endpoint):
            problem = "it holds spaces, backslashes or control characters"
        elif parsed.username is not None or parsed.password is not None:
            problem = "it holds credentials (user:password@); authenticate with --auth instead"
        elif parsed.query or parsed.fragment:
            problem = "it has a query or fragment"
        elif port == 0:
            problem = "port 0"
    if problem is not None:
        raise UsageError(f"--endpoint {shown!r} is not a usable URL: {problem}")
    if parsed.scheme.lower() != "https" or not parsed.hostname:
        raise ConfigError(
            f"--endpoint must be an https:// URL, got {shown!r}",
            hint="bearer tokens are only ever sent over TLS",
        )
    return endpoint.rstrip("/")


def make_credential(method: AuthMethod, connection: Connection) -> TokenCredential:
    """Build the azure-identity credential ``method`` names (no token is fetched yet)."""
    from azure import identity

    authority = connection.authority
    if method is AuthMethod.DEFAULT:
        return identity.DefaultAzureCredential(authority=authority)
    if method is AuthMethod.CLI:
        return identity.AzureCliCredential()
    if method is AuthMethod.ENV:
        return identity.EnvironmentCredential(authority=authority)
    if method is AuthMethod.MANAGED_IDENTITY:
        return identity.ManagedIdentityCredential()
    if method is AuthMethod.WORKLOAD_IDENTITY:
        try:
            return identity.WorkloadIdentityCredential(authority=authority)
        except ValueError as exc:
            raise credential_error(method.value, str(exc)) from None
    raise AssertionError(method)  # pragma: no cover


def credential_failure(exc: BaseException, auth: str = "default") -> AuthError | None:
    """The AuthError for an exception caused by a credential that could not get a token
    (no ``az login``, no managed identity...), or None.

    The SDKs wrap such a failure in an ``HttpResponseError`` without a status code; the
    credential's own ``ClientAuthenticationError`` is its ``__context__``."""
    from azure.core.exceptions import ClientAuthenticationError

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ClientAuthenticationError) and getattr(cause, "status_code", None) is None:
            return credential_error(auth, str(cause.message))
        cause = cause.__context__ or cause.__cause__
        if cause is exc:
            break
    return None
