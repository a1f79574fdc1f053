"""Storage faults as one-line errors with the documented exit codes.

=========================================================  ====  =====================
what happened                                              exit  error
=========================================================  ====  =====================
no usable credential (no ``az login``, ...)                3     AuthError
401, 403 (no permission: Storage Blob Data Reader missing,  3     AuthError
SAS without read/list, wrong key)
404 ``ContainerNotFound`` / account not found              3     ConfigError
a blob deleted or replaced while it was read (404, 412)    4     ServiceError
503 ``ServerBusy``, 500 ``OperationTimedOut``, 429, after  4     ThrottledError
the retries (throttling)
other 5xx, timeouts, refused or dropped connections        4     ServiceError
=========================================================  ====  =====================

An append blob that grows while it is read is not a fault: it is read as it was when
listed (see :mod:`acs_triage.sources.archive.storage`).
"""

from __future__ import annotations

from acs_triage.errors import AcsTriageError, AuthError, ConfigError, ServiceError, ThrottledError
from acs_triage.sources.connection import credential_failure

__all__ = ["storage_error"]

_THROTTLED = frozenset({"ServerBusy", "OperationTimedOut", "TooManyRequests"})
#: Storage error codes that mean the credential or its permissions, whatever the status.
_REFUSED = frozenset(
    {
        "AuthenticationFailed",
        "AuthorizationFailure",
        "AuthorizationPermissionMismatch",
        "AuthorizationProtocolMismatch",
        "AuthorizationSourceIPMismatch",
        "InsufficientAccountPermissions",
        "InvalidAuthenticationInfo",
        "NoAuthenticationInformation",
    }
)
_READ_ROLE = (
    "give the identity the Storage Blob Data Reader role on the account or the container, "
    "or use a SAS with read and list permissions"
)


def _one_line(text: object, limit: int = 200) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _code(exc: object) -> str:
    code = getattr(exc, "error_code", None)
    value = getattr(code, "value", code)
    return str(value) if value else ""


def storage_error(exc: BaseException, where: str, *, blob: str | None = None) -> AcsTriageError:
    """The error for an azure-core / azure-storage-blob exception met while reading
    ``where`` (``storage <url>/<container>``), about ``blob`` when one was being read."""
    from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

    if isinstance(exc, AcsTriageError):
        return exc
    no_credential = credential_failure(exc)
    if no_credential is not None:
        return no_credential
    if isinstance(exc, HttpResponseError):
        status = exc.status_code
        code = _code(exc)
        label = f"HTTP {status}{' ' + code if code else ''}"
        detail = _one_line(str(exc.message or exc).splitlines()[0] if str(exc.message or exc) else "")
        return _http_error(status, code, f"{label}: {detail}" if detail else label, where, blob)
    if isinstance(exc, ServiceRequestError):
        return ServiceError(
            f"cannot reach {where}: {_one_line(exc)}", hint="check the account name or URL and the network"
        )
    if isinstance(exc, ServiceResponseError):
        return ServiceError(f"{where}: no complete answer ({_one_line(exc, 160)})")
    return ServiceError(f"{where}: {type(exc).__name__}: {_one_line(exc)}")


def _http_error(status: int | None, code: str, label: str, where: str, blob: str | None) -> AcsTriageError:
    if code in _THROTTLED or status == 429:
        return ThrottledError(f"{where} throttled the reads ({label}) after retries", hint="run again later")
    if status == 404 and code == "ContainerNotFound":
        container = where.rsplit("/", 1)[-1]
        return ConfigError(
            f"container {container!r} not found ({where})",
            hint="a diagnostic setting creates insights-logs-callsummary when its first CallSummary "
            "record arrives; check --container and the setting's destination",
        )
    if status == 404 and blob is not None:
        return ServiceError(f"blob {blob} disappeared while it was read ({label})", hint="run again")
    if status == 404:
        return ConfigError(f"{where} was not found ({label})", hint="check the account name or URL")
    if status == 412 and blob is not None:
        return ServiceError(f"blob {blob} changed while it was read ({label})", hint="run again")
    if status in (401, 403) or code in _REFUSED:
        return AuthError(f"{where} refused the read ({label})", hint=_READ_ROLE)
    if status is not None and status >= 500:
        return ServiceError(f"{where} failed ({label})")
    return ServiceError(f"{where}: unexpected answer ({label})")
