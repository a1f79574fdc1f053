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
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
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
from acs_triage.masking import mark, quote
from acs_triage.queries.render import SUMMARY_TABLE, render
from acs_triage.queries.store import QueryDef
from acs_triage.sources.connection import Connection, credential_failure
from acs_triage.sources.workspace.limits import API_MAX_ROWS
from acs_triage.times import iso

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.core.pipeline import PipelineResponse

__all__ = ["API_MAX_ROWS", "LogsRunner", "QueryResult", "RunnerOptions", "Target", "translate_error"]

_LOG = logging.getLogger(__name__)


_RESOURCE_SEGMENT = re.compile(r"[A-Za-z0-9_().\-]+")


def check_resource_id(resource_id: str) -> None:
    """Refuse what is not an Azure resource id: ``/subscriptions/<id>/...`` made of plain
    segments. A ``.`` or ``..`` segment, an empty one, a query or an escape would make
    the request URL point somewhere else (``.../../workspaces/...`` would silently
    query a workspace), so each is a configuration error (exit 3) before any request."""
    shown = quote(resource_id, limit=200)
    if not resource_id.lower().startswith("/subscriptions/"):
        raise ConfigError(f"--resource-id must start with /subscriptions/, got {shown}")
    segments = resource_id[1:].split("/")
    if segments[-1] == "":
        segments.pop()  # one trailing slash
    bad = next(
        (s for s in segments if s in (".", "..") or not _RESOURCE_SEGMENT.fullmatch(s) or s.strip(".") == ""),
        None,
    )
    if bad is not None or len(segments) < 2:
        what = "an empty segment" if bad == "" else f"the segment {quote(bad)}" if bad else "no subscription"
        raise ConfigError(
            f"--resource-id {shown} is not an Azure resource id: {what}",
            hint="/subscriptions/<subscription>/resourceGroups/<group>/providers/"
            "Microsoft.Communication/CommunicationServices/<name>",
        )


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
        if self.resource_id:
            check_resource_id(self.resource_id)

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
    """Retries and the time budget of the runner's queries.

    ``total_timeout`` bounds every query the runner sends together, retries and waits
    for ``Retry-After`` included: the budget starts when the options are made
    (``deadline``) and each query gets what is left of it.
    """

    retries: int = 3  #: retries after the first attempt (throttling, 5xx, timeouts)
    total_timeout: float = 300.0  #: seconds for all the runner's queries, retries included
    server_timeout: int = 180  #: seconds the service may spend (Prefer: wait)
    max_retry_after: float = 60.0  #: a longer Retry-After is not waited for
    auth: str = "default"  #: the --auth method, for the hint when no token can be had
    deadline: float = field(default=0.0)  #: time.monotonic() by which everything must end

    def __post_init__(self) -> None:
        if not self.deadline:
            self.deadline = time.monotonic() + self.total_timeout

    def remaining(self) -> float:
        """Seconds left of the budget (0 or less when it is spent)."""
        return self.deadline - time.monotonic()

    @classmethod
    def for_timeout(cls, timeout: float, retries: int, auth: str = "default") -> RunnerOptions:
        """``--timeout`` and ``--retries``: the service may use all but 10 s of the budget."""
        return cls(
            retries=retries,
            total_timeout=timeout,
            server_timeout=int(min(max(timeout - 10, 5), 600)),
            auth=auth,
        )


class BudgetSpent(Exception):
    """The next try would start after the time budget ends; no point waiting for it.
    ``asked``: the wait is the service's Retry-After (else the retry policy's backoff)."""

    def __init__(self, wait: float, left: float, *, asked: bool) -> None:
        super().__init__(f"the next try would be in {wait:.0f} s, {max(left, 0):.0f} s are left")
        self.wait = wait
        self.left = left
        self.asked = asked


def _retry_policy(options: RunnerOptions) -> Any:
    from azure.core.pipeline.policies import RetryPolicy

    class QueryRetryPolicy(RetryPolicy):  # type: ignore[type-arg]
        """Log Analytics queries are reads: retry their POSTs on 408/429/5xx.

        A Retry-After longer than ``max_retry_after``, or than what is left of the time
        budget, is not slept through: the query fails at once as throttled and says
        when to retry. Nor is a backoff that would end past the budget.
        """

        def _is_method_retryable(self, settings: Any, request: Any, response: Any = None) -> bool:
            return True

        def is_retry(self, settings: Any, response: Any) -> bool:
            after = self.get_retry_after(response)
            if after is not None and (after > options.max_retry_after or after >= options.remaining()):
                return False
            return bool(super().is_retry(settings, response))

        def sleep(self, settings: Any, transport: Any, response: Any = None) -> None:
            after = self.get_retry_after(response) if response is not None else None
            wait = after if after else self.get_backoff_time(settings)
            left = options.remaining()
            if wait >= left:
                raise BudgetSpent(wait, left, asked=bool(after))
            super().sleep(settings, transport, response)

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
        self._read_timeout = min(self.options.total_timeout, self.options.server_timeout + 15)
        self._client = LogsQueryClient(
            credential,
            endpoint=connection.endpoint,
            audience=connection.audience,
            retry_policy=_retry_policy(self.options),
            connection_timeout=min(10, self.options.total_timeout),
            read_timeout=self._read_timeout,
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
        left = self.options.remaining()
        if left <= 0:
            raise ServiceError(
                f"query {query.name} not sent: the --timeout of {self.options.total_timeout:g} s is spent"
            )
        kwargs: dict[str, Any] = {
            "timespan": window,
            "server_timeout": max(1, min(self.options.server_timeout, int(left))),
            "raw_response_hook": hook,
            # What is left of the budget bounds this query: its retries (the retry
            # policy's absolute timeout), each connection and each read.
            "timeout": left,
            "connection_timeout": min(10.0, left),
            "read_timeout": min(self._read_timeout, left),
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
            attempt = Attempt(elapsed, statuses[-1] if statuses else None, self.options.remaining())
            raise translate_error(exc, query.name, self.target, attempt, auth=self.options.auth) from None
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


@dataclass(frozen=True)
class Attempt:
    """How a query's tries went, for the message of its error."""

    elapsed: float  #: seconds since it was sent
    #: HTTP status of the last response, if any: a budget spent while the service
    #: throttled is throttling, not a response timeout
    last_status: int | None = None
    #: seconds left of the time budget, to say why a Retry-After was not waited for
    left: float | None = None


def translate_error(
    exc: Exception, query_name: str, target: Target, attempt: Attempt | float, *, auth: str = "default"
) -> AcsTriageError:
    """Map an azure-core / azure-identity exception to a one-line AcsTriageError
    (``attempt``: how the tries went, or just the seconds they took; ``auth``: the --auth
    method, for the hint when no token can be had)."""
    attempt = attempt if isinstance(attempt, Attempt) else Attempt(float(attempt))
    elapsed, last_status, left = attempt.elapsed, attempt.last_status, attempt.left
    if isinstance(exc, BudgetSpent):
        if last_status == 429 and exc.asked:
            return _throttled(query_name, "HTTP 429", exc.wait, exc.left)
        if last_status == 429:
            return ThrottledError(
                f"query {query_name} throttled (HTTP 429) until --timeout ran out ({elapsed:.0f} s of tries)",
                hint="wait a minute and run again",
            )
        return ServiceError(
            f"query {query_name}: no answer before --timeout ran out ({elapsed:.0f} s of tries; {exc})"
        )
    from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

    no_credential = credential_failure(exc, auth)
    if no_credential is not None:
        return no_credential
    if isinstance(exc, HttpResponseError):
        status = exc.status_code
        model = getattr(exc, "model", None)
        code = getattr(model, "code", None) or getattr(exc.error, "code", None) or ""
        detail = mark(_first_line(getattr(model, "message", None) or exc.message or exc, 200))
        label = f"HTTP {status}{' ' + code if code else ''}"
        if status == 429:
            after = _retry_after(exc)
            if after is not None:
                beyond = left is not None and after >= left
                return _throttled(query_name, label, after, left if beyond else None)
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
        spent = " before --timeout ran out" if left is not None and left < 1 else ""
        return ServiceError(
            f"query {query_name}: no complete answer{spent} after {elapsed:.0f}s ({_first_line(exc, 160)})"
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


def _retry_after(exc: Any) -> float | None:
    """The Retry-After of an HTTP error's response, in seconds (None without one)."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name in ("retry-after-ms", "x-ms-retry-after-ms"):
        value = headers.get(name)
        if value:
            try:
                return float(value) / 1000
            except ValueError:
                pass
    value = headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        try:
            return max((parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds(), 0.0)
        except (TypeError, ValueError):
            return None


def _throttled(query_name: str, label: str, after: float, left: float | None) -> ThrottledError:
    """Throttling that ends the query at once: how long the service asked to wait, and when to retry."""
    at = (datetime.now(timezone.utc) + timedelta(seconds=after)).replace(microsecond=0)
    budget = "" if left is None else f", more than the {max(left, 0):.0f} s left of --timeout"
    return ThrottledError(
        f"query {query_name} throttled ({label}): the service asked to wait {after:.0f} s{budget}",
        hint=f"retry after {iso(at)}",
    )


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
