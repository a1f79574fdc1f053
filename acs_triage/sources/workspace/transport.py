"""HTTP transport to the Log Analytics query API: the real ``LogsQueryClient``.

:class:`LogsRunner` runs a library query with typed parameters, restricts the
service-side window with the SDK's ``timespan``, retries throttling and transient
failures a bounded number of times within a total time budget, and turns every
failure into an :class:`~acs_triage.errors.AcsTriageError` with a one-line message
(:func:`translate_error`). It returns rows as dicts; turning them into triage
records is :mod:`acs_triage.sources.workspace.rows`' job.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from acs_triage.errors import (
    AcsTriageError,
    AuthError,
    ConfigError,
    MissingTableError,
    QueryError,
    ServiceError,
    ThrottledError,
)
from acs_triage.queries.render import SUMMARY_TABLE, render
from acs_triage.queries.store import QueryDef
from acs_triage.sources.connection import Connection, credential_failure
from acs_triage.sources.workspace.limits import API_MAX_ROWS

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.core.pipeline import PipelineResponse

__all__ = ["API_MAX_ROWS", "LogsRunner", "QueryResult", "RunnerOptions", "Target", "translate_error"]

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """What to query: a workspace (plus optional others) or an ACS resource."""

    workspace_id: str | None = None
    resource_id: str | None = None
    additional_workspaces: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if bool(self.workspace_id) == bool(self.resource_id):
            raise ConfigError(
                "give exactly one of --workspace-id or --resource-id",
                hint="or the ACS_TRIAGE_WORKSPACE_ID / ACS_TRIAGE_RESOURCE_ID environment variables",
            )
        if self.resource_id and not self.resource_id.lower().startswith("/subscriptions/"):
            raise ConfigError(f"--resource-id must start with /subscriptions/, got {self.resource_id!r}")

    def describe(self) -> str:
        if self.workspace_id:
            extra = f" (+{len(self.additional_workspaces)} more)" if self.additional_workspaces else ""
            return f"workspace {self.workspace_id}{extra}"
        return f"resource {self.resource_id}"


@dataclass
class QueryResult:
    rows: list[dict[str, Any]]
    partial: bool = False
    partial_message: str = ""


@dataclass
class RunnerOptions:
    """Retry and time budget of one query."""

    retries: int = 3  #: retries after the first attempt (throttling, 5xx, timeouts)
    total_timeout: float = 300.0  #: seconds for one query including retries
    server_timeout: int = 180  #: seconds the service may spend (Prefer: wait)
    max_retry_after: float = 60.0  #: a longer Retry-After is not waited for
    auth: str = "default"  #: the --auth method, for the hint when no token can be had

    @classmethod
    def for_timeout(cls, timeout: float, retries: int, auth: str = "default") -> RunnerOptions:
        """``--timeout`` and ``--retries``: the service may use all but 10 s of the budget."""
        return cls(
            retries=retries,
            total_timeout=timeout,
            server_timeout=int(min(max(timeout - 10, 5), 600)),
            auth=auth,
        )


def _retry_policy(options: RunnerOptions) -> Any:
    from azure.core.pipeline.policies import RetryPolicy

    class QueryRetryPolicy(RetryPolicy):  # type: ignore[type-arg]
        """Log Analytics queries are reads: retry their POSTs on 408/429/5xx.

        A Retry-After longer than ``max_retry_after`` is not slept through: the
        query fails as throttled and says how long the service asked to wait.
        """

        def _is_method_retryable(self, settings: Any, request: Any, response: Any = None) -> bool:
            return True

        def is_retry(self, settings: Any, response: Any) -> bool:
            after = self.get_retry_after(response)
            if after is not None and after > options.max_retry_after:
                return False
            return bool(super().is_retry(settings, response))

    return QueryRetryPolicy(
        retry_total=options.retries,
        retry_connect=options.retries,
        retry_read=options.retries,
        retry_status=options.retries,
        retry_backoff_factor=0.8,
        retry_backoff_max=10,
        retry_on_status_codes=[408, 429, 500, 502, 503, 504],
        timeout=int(options.total_timeout),
    )


def _first_line(text: object, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


class LogsRunner:
    """Runs library queries against one :class:`Target` through ``LogsQueryClient``."""

    def __init__(
        self,
        target: Target,
        connection: Connection,
        credential: TokenCredential,
        options: RunnerOptions | None = None,
        **client_kwargs: Any,
    ) -> None:
        from azure.monitor.query import LogsQueryClient

        self.target = target
        self.connection = connection
        self.options = options or RunnerOptions()
        self.requests = 0
        self._client = LogsQueryClient(
            credential,
            endpoint=connection.endpoint,
            audience=connection.audience,
            retry_policy=_retry_policy(self.options),
            connection_timeout=min(10, self.options.total_timeout),
            read_timeout=min(self.options.total_timeout, self.options.server_timeout + 15),
            **client_kwargs,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> LogsRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(
        self,
        query: QueryDef,
        params: Mapping[str, object],
        window: tuple[datetime, datetime] | None,
        *,
        table: str = SUMMARY_TABLE,
    ) -> QueryResult:
        """Run ``query``; return rows as dicts keyed by the query's declared columns."""
        text = render(query, params, with_header=False, table=table)
        statuses: list[int] = []

        def hook(response: PipelineResponse[Any, Any]) -> None:
            statuses.append(response.http_response.status_code)

        self.requests += 1
        _LOG.info(
            "query %s (%s), window %s",
            query.name,
            self.target.describe(),
            "none" if window is None else f"{window[0].isoformat()}/{window[1].isoformat()}",
        )
        kwargs: dict[str, Any] = {
            "timespan": window,
            "server_timeout": self.options.server_timeout,
            "raw_response_hook": hook,
        }
        started = time.monotonic()
        try:
            if self.target.workspace_id:
                result = self._client.query_workspace(
                    self.target.workspace_id,
                    text,
                    additional_workspaces=list(self.target.additional_workspaces) or None,
                    **kwargs,
                )
            else:
                assert self.target.resource_id is not None
                result = self._client.query_resource(self.target.resource_id, text, **kwargs)
        except json.JSONDecodeError as exc:
            if statuses and statuses[-1] == 204:
                return QueryResult(rows=[])  # documented: a workspace with no data answers 204
            raise ServiceError(
                f"query {query.name}: the service sent a malformed response "
                f"(HTTP {statuses[-1] if statuses else '?'}, {exc.msg})"
            ) from None
        except AcsTriageError:
            raise
        except Exception as exc:  # every SDK failure becomes one clear line
            elapsed = time.monotonic() - started
            raise translate_error(exc, query.name, self.target, elapsed, auth=self.options.auth) from None
        return self._rows(query, result)

    def _rows(self, query: QueryDef, result: Any) -> QueryResult:
        from azure.monitor.query import LogsQueryStatus

        partial = result.status == LogsQueryStatus.PARTIAL
        tables = result.partial_data if partial else result.tables
        message = ""
        if partial:
            error = result.partial_error
            message = _first_line(getattr(error, "message", error))
        if not tables:
            return QueryResult(rows=[], partial=partial, partial_message=message)
        table = tables[0]
        columns = list(table.columns)
        missing = [c for c in query.column_names if c not in columns]
        if missing:
            raise ServiceError(f"query {query.name}: the response lacks column(s) {', '.join(missing)}")
        rows = [dict(zip(columns, list(row), strict=False)) for row in table.rows]
        return QueryResult(rows=rows, partial=partial, partial_message=message)


def translate_error(
    exc: Exception, query_name: str, target: Target, elapsed: float, *, auth: str = "default"
) -> AcsTriageError:
    """Map an azure-core / azure-identity exception to a one-line AcsTriageError."""
    from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

    no_credential = credential_failure(exc, auth)
    if no_credential is not None:
        return no_credential
    if isinstance(exc, HttpResponseError):
        status = exc.status_code
        model = getattr(exc, "model", None)
        code = getattr(model, "code", None) or getattr(exc.error, "code", None) or ""
        detail = _first_line(getattr(model, "message", None) or exc.message or exc, 200)
        label = f"HTTP {status}{' ' + code if code else ''}"
        missing = _missing_table(exc) if status == 400 else None
        if missing is not None:
            return MissingTableError(
                f"query {query_name} was rejected ({label}): {detail}",
                table=missing,
                hint=f"{target.describe()} has no {missing} table: no diagnostic setting sends "
                "those logs to it, or none arrived yet",
            )
        return _http_error(status, label, detail, query_name, target)
    if isinstance(exc, ServiceRequestError):
        return ServiceError(f"cannot reach the Log Analytics endpoint: {_first_line(exc, 200)}")
    if isinstance(exc, ServiceResponseError):
        return ServiceError(
            f"query {query_name}: no complete answer after {elapsed:.0f}s ({_first_line(exc, 160)})"
        )
    return ServiceError(f"query {query_name} failed: {type(exc).__name__}: {_first_line(exc, 200)}")


#: The service's message (semantic error SEM0100) for a name that is neither a table of the
#: workspace nor a column: for a table, the workspace holds none of its rows.
_UNKNOWN_TABLE = re.compile(r"Failed to resolve table (?:or column )?expression named '([^']+)'")


def _missing_table(exc: Any) -> str | None:
    """The table an HTTP 400 says the workspace does not have, read from the innermost
    messages of the OneAPI error (``innererror`` chain) and the SDK's model; else None."""
    texts = [str(getattr(getattr(exc, "model", None), "message", None) or "")]
    inner = getattr(getattr(exc, "error", None), "innererror", None)
    while isinstance(inner, Mapping):
        texts.append(str(inner.get("message") or ""))
        inner = inner.get("innererror")
    for text in texts:
        match = _UNKNOWN_TABLE.search(text)
        if match:
            return match.group(1)
    return None


def _http_error(
    status: int | None, label: str, detail: str, query_name: str, target: Target
) -> AcsTriageError:
    """The error for an HTTP status the service answered with (after retries)."""
    if status is not None and status < 300:
        return ServiceError(f"query {query_name}: the service sent a malformed response ({label}): {detail}")
    if status is not None and status >= 500:
        kind = "timed out" if status == 504 else "failed"
        return ServiceError(f"query {query_name} {kind} on the service side ({label}): {detail}")
    rejected = (QueryError, f"query {query_name} was rejected ({label}): {detail}", None)
    known: dict[int | None, tuple[type[AcsTriageError], str, str | None]] = {
        401: (AuthError, f"the service rejected the credential ({label}): {detail}", None),
        403: (
            AuthError,
            f"access denied to {target.describe()} ({label}): {detail}",
            "the identity needs read access, e.g. Log Analytics Reader",
        ),
        404: (ConfigError, f"{target.describe()} was not found ({label}): {detail}", None),
        429: (
            ThrottledError,
            f"query {query_name} throttled ({label}) after retries: {detail}",
            "wait a minute and run again",
        ),
        400: rejected,
        422: rejected,
    }
    kind_of_error, message, hint = known.get(
        status, (ServiceError, f"query {query_name} failed ({label}): {detail}", None)
    )
    return kind_of_error(message, hint=hint)
