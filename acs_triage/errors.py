"""Errors users can cause or meet, each with a documented exit code.

The CLI maps every :class:`AcsTriageError` to a one-line message on stderr and
``exit_code``; nothing here is ever shown as a traceback. See ``docs/exit-codes.md``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes. Stable: scripts and CI pipelines depend on them."""

    OK = 0  #: success; for ``smoke``: the gate passed
    GATE_FAILED = 1  #: ``smoke``: at least one check failed
    USAGE = 2  #: bad command line, unknown parameter, bad value
    AUTH_OR_CONFIG = 3  #: no credential, 401/403, workspace or resource not found
    QUERY = 4  #: the service failed: bad query, throttling, 5xx, timeout, network
    INPUT = 5  #: an input file is unreadable or unrecognised; ``--strict`` rejections
    INCONCLUSIVE = 6  #: ``smoke``: too little data, or partial/failed data
    PARTIAL = 7  #: ``triage``/``call``/``legs``: the report was printed but is based on partial data
    INTERNAL = 70  #: a bug in acs-triage (EX_SOFTWARE); the message asks for a report


class AcsTriageError(Exception):
    """Base class: a problem with a one-line explanation and an exit code."""

    exit_code: ExitCode = ExitCode.QUERY

    def __init__(self, message: str, *, hint: str | None = None, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = " ".join(message.split())
        self.hint = " ".join(hint.split()) if hint else None
        #: more lines under the message, one per item (e.g. each credential tried)
        self.details = tuple(" ".join(d.split()) for d in details)

    def lines(self) -> list[str]:
        """The message line, then the details, as the CLI prints them."""
        return [str(self), *(f"  {d}" for d in self.details)]

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class UsageError(AcsTriageError):
    """The user asked for something that cannot be done as written."""

    exit_code = ExitCode.USAGE


class ConfigError(AcsTriageError):
    """Missing or wrong configuration (workspace, resource, cloud, endpoint)."""

    exit_code = ExitCode.AUTH_OR_CONFIG


class AuthError(AcsTriageError):
    """No usable credential, or the service refused it (401/403)."""

    exit_code = ExitCode.AUTH_OR_CONFIG


class QueryError(AcsTriageError):
    """The Logs query service could not answer."""

    exit_code = ExitCode.QUERY


class ThrottledError(QueryError):
    """HTTP 429 after the bounded retries."""


class ServiceError(QueryError):
    """HTTP 5xx, timeouts, network failures, malformed responses."""


class MissingTableError(QueryError):
    """The workspace has no such table (HTTP 400, semantic error SEM0100): no row of it was
    ever ingested, e.g. no diagnostic setting sends that log category. ``table`` names it."""

    def __init__(self, message: str, *, table: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.table = table


class InputError(AcsTriageError):
    """An input file cannot be read as an ACSCallSummary export."""

    exit_code = ExitCode.INPUT


class CatalogError(AcsTriageError):
    """The end-code catalog is invalid (a packaging or editing mistake)."""

    exit_code = ExitCode.AUTH_OR_CONFIG
