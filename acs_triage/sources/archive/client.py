"""Which storage account and container to read, and how to authenticate to it.

Credentials, strongest claim first:

1. a **connection string** (``AZURE_STORAGE_CONNECTION_STRING``, the Azure CLI's
   convention; it may hold an account key or a ``SharedAccessSignature``): it wins
   over everything else, and must name the same account as ``--storage-account``;
2. a **SAS token** in the ``--storage-account`` URL's query string;
3. otherwise an Entra ID **token** from the ``--auth`` credential
   (:func:`acs_triage.sources.connection.make_credential`); the identity needs the
   *Storage Blob Data Reader* role on the account or the container.

Only read operations are ever sent (list blobs, get blob). Connection strings and SAS
tokens are never printed: :meth:`StorageTarget.describe` drops the query string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse, urlunparse

from acs_triage.errors import AuthError, ConfigError
from acs_triage.sources.archive.layout import CONTAINER
from acs_triage.sources.connection import AuthMethod, Cloud, Connection, credential_failure, make_credential

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.storage.blob import ContainerClient

__all__ = ["BLOB_SUFFIXES", "CHUNK_BYTES", "StorageTarget", "container_client"]

#: The blob endpoint suffix of each cloud, for a bare account name.
BLOB_SUFFIXES = {
    Cloud.PUBLIC: "blob.core.windows.net",
    Cloud.USGOV: "blob.core.usgovcloudapi.net",
    Cloud.CHINA: "blob.core.chinacloudapi.cn",
}
#: Bytes per ranged read of a blob: at most this much of a blob is held per download.
CHUNK_BYTES = 1024 * 1024
#: Blobs downloaded at a time (each holds at most ``QUEUE_CHUNKS + 1`` chunks).
CONCURRENCY = 4


@dataclass(frozen=True)
class StorageTarget:
    """A storage account (URL, or a bare account name on ``cloud``) and a container."""

    account: str
    container: str = CONTAINER
    #: a connection string; when set it is the credential (and names the account)
    connection_string: str | None = field(default=None, repr=False, compare=False)
    cloud: Cloud = Cloud.PUBLIC
    concurrency: int = CONCURRENCY

    def __post_init__(self) -> None:
        if not self.account.strip():
            raise ConfigError("--storage-account is empty")
        if not self.container.strip():
            raise ConfigError("--container is empty")

    @property
    def account_url(self) -> str:
        """The account's blob endpoint, as given (a SAS query included)."""
        account = self.account.strip()
        if "://" in account:
            return account
        return f"https://{account}.{BLOB_SUFFIXES[self.cloud]}"

    @property
    def sas(self) -> bool:
        """Whether the URL carries a SAS token (``sig=`` in the query string)."""
        return "sig=" in urlparse(self.account_url).query.lower()

    def describe(self) -> str:
        """``storage <account URL>/<container>``, without any query string (SAS)."""
        parsed = urlparse(self.account_url)
        base = urlunparse((parsed.scheme, parsed.netloc, parsed.path.rstrip("/"), "", "", ""))
        return f"storage {base}/{self.container}"


def _account_name(url: str) -> str:
    """The account an endpoint URL names (host ``<name>.blob...`` or, for an emulator
    on an IP address, the first path segment)."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if host.replace(".", "").isdigit() or host in ("localhost", "127.0.0.1", "[::1]", "::1"):
        return parsed.path.strip("/").split("/")[0]
    return host.split(".")[0]


def container_client(
    target: StorageTarget,
    *,
    auth: AuthMethod = AuthMethod.DEFAULT,
    credential: TokenCredential | None = None,
    timeout: float = 300.0,
    retries: int = 3,
) -> ContainerClient:
    """The SDK's ``ContainerClient`` for ``target``, with the credential chosen as the
    module docstring says (no request is sent yet)."""
    from azure.storage.blob import ContainerClient, ExponentialRetry

    options: dict[str, Any] = {
        "max_single_get_size": CHUNK_BYTES,
        "max_chunk_get_size": CHUNK_BYTES,
        "retry_policy": ExponentialRetry(
            initial_backoff=1, increment_base=3, retry_total=retries, random_jitter_range=1
        ),
        "connection_timeout": min(10.0, timeout),
        "read_timeout": min(60.0, timeout),
    }
    if target.connection_string:
        try:
            client = ContainerClient.from_connection_string(
                target.connection_string, target.container, **options
            )
        except ValueError as error:
            raise ConfigError(f"AZURE_STORAGE_CONNECTION_STRING is not usable: {error}") from None
        named = _account_name(target.account_url)
        if client.account_name and named and client.account_name.lower() != named.lower():
            raise ConfigError(
                f"AZURE_STORAGE_CONNECTION_STRING is for storage account {client.account_name!r}, "
                f"--storage-account names {named!r}",
                hint="unset AZURE_STORAGE_CONNECTION_STRING or point --storage-account at its account",
            )
        return client
    parsed = urlparse(target.account_url)
    if parsed.scheme not in ("https", "http") or not parsed.netloc:
        raise ConfigError(
            f"--storage-account must be an https:// URL or an account name, got {target.account!r}"
        )
    if target.sas:
        return ContainerClient(target.account_url, target.container, **options)
    if parsed.scheme != "https":
        raise ConfigError(
            f"--storage-account {parsed.scheme}://{parsed.netloc} is not https://",
            hint="bearer tokens are only ever sent over TLS (an emulator: use a connection string or a SAS)",
        )
    token = _NoRetry(credential or make_credential(auth, Connection.for_cloud(target.cloud)), auth.value)
    return ContainerClient(target.account_url, target.container, credential=token, **options)


class _NoRetry:
    """A credential whose failure to get a token ends the run at once: the storage
    SDK's retry policy retries every ``AzureError``, a missing ``az login`` included,
    so the failure is raised as an :class:`~acs_triage.errors.AuthError` instead."""

    def __init__(self, credential: TokenCredential, auth: str = "default") -> None:
        self._credential = credential
        self._auth = auth

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.exceptions import ClientAuthenticationError

        try:
            return self._credential.get_token(*scopes, **kwargs)
        except ClientAuthenticationError as error:
            raise credential_failure(error, self._auth) or AuthError(str(error)) from None
