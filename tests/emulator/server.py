"""A test-only HTTPS emulator of the Azure Monitor Log Analytics query API.

It executes the received KQL with duckdb-kql against pandas DataFrames and
answers in the v1 wire format, so the *real* ``azure-monitor-query``
``LogsQueryClient`` (and a real credential such as ``AzureCliCredential`` with
the fake ``az`` from :mod:`.fake_az`) can be pointed at it::

    with LogAnalyticsEmulator({"ACSCallSummary": df}, workspaces={WS}, now=NOW,
                              token="t0k3n") as emu:
        client = LogsQueryClient(AzureCliCredential(), endpoint=emu.url,
                                 connection_verify=emu.ca_path)
        client.query_workspace(WS, "ACSCallSummary | count", timespan=timedelta(days=1))

Loopback only: it binds 127.0.0.1 on an ephemeral port, with a certificate for
``IP:127.0.0.1`` issued at start by a throw-away trustme CA (PEM at ``.ca_path``).

Fidelity notes (what is emulated and what is a documented guess) are in
``tests/emulator/README.md``.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import shutil
import socket
import socketserver
import ssl
import tempfile
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd

from . import kql_compat

__all__ = ["FAULTS", "LogAnalyticsEmulator", "RecordedRequest", "parse_timespan"]

HOST = "127.0.0.1"

#: Fault name -> (HTTP status, OneAPI error code, default message). ``None``
#: status = not an HTTP error fault (handled specially).
FAULTS: dict[str, tuple[int | None, str | None, str | None]] = {
    "unauthorized": (
        401,
        "AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is missing or invalid.",
    ),
    "forbidden": (
        403,
        "InsufficientAccessError",
        "The provided credentials have insufficient access to perform the requested operation",
    ),
    "not_found": (404, "PathNotFoundError", "The requested path does not exist"),
    "bad_request": (400, "BadArgumentError", "The request had some invalid properties"),
    "throttled": (429, "ThrottledError", "The request was throttled. Please retry later."),
    "server_error": (500, "InternalServerError", "An internal error occurred while processing the request."),
    "bad_gateway": (502, "BadGateway", "The gateway received an invalid response."),
    "unavailable": (503, "ServiceUnavailable", "The service is temporarily unavailable."),
    "gateway_timeout": (504, "GatewayTimeout", "Gateway timeout"),
    "delay": (None, None, None),
    "no_content": (None, None, None),
    "malformed": (None, None, None),
    "partial": (None, None, None),
    "drop": (None, None, None),
}

#: Keyword arguments each fault accepts.
_FAULT_KWARGS: dict[str, set[str]] = {
    **{name: {"message", "retry_after"} for name, (status, _, _) in FAULTS.items() if status},
    "bad_request": {"message", "retry_after", "inner_code"},
    "delay": {"seconds"},
    "no_content": set(),
    "malformed": {"body"},
    "partial": {"keep_rows", "message"},
    "drop": set(),
}

_SENSITIVE_HEADERS = {"authorization", "cookie", "x-api-key", "proxy-authorization"}


@dataclass
class RecordedRequest:
    """One request as the emulator saw it. The bearer token itself is never stored."""

    method: str
    path: str
    body: Any  #: parsed JSON body (dict), the raw text if it was not JSON, or None
    prefer: str | None  #: the Prefer header ("" when the SDK sends an empty one)
    has_bearer: bool  #: an ``Authorization: Bearer ...`` header was present
    headers: dict[str, str] = field(default_factory=dict)  #: minus Authorization & co.
    status: int | None = None  #: None for "drop"
    response_bytes: int = 0
    fault: str | None = None  #: the injected fault served, if any
    error: str | None = None  #: emulator-side failure detail (e.g. a duckdb-kql message)

    @property
    def query(self) -> str | None:
        return self.body.get("query") if isinstance(self.body, dict) else None

    @property
    def timespan(self) -> str | None:
        return self.body.get("timespan") if isinstance(self.body, dict) else None

    @property
    def workspaces(self) -> list[str] | None:
        return self.body.get("workspaces") if isinstance(self.body, dict) else None


class _Fault:
    __slots__ = ("kw", "name")

    def __init__(self, name: str, kw: dict[str, Any]):
        self.name, self.kw = name, kw


class _Reply:
    """What the handler writes: status, extra headers and a body."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, body: bytes | dict | None, headers: dict[str, str] | None = None):
        self.status, self.body, self.headers = status, body, headers or {}


class _QueryError(Exception):
    def __init__(self, status: int, code: str, message: str, inner: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.inner = status, code, message, inner


# ---------------------------------------------------------------------------
# timespan
# ---------------------------------------------------------------------------

_DURATION_RE = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)


def _parse_duration(text: str) -> timedelta:
    m = _DURATION_RE.match(text.strip())
    if not m or text.strip().upper() in ("P", "PT"):
        raise ValueError(f"not an ISO-8601 duration: {text!r}")
    g = {k: float(v) if v else 0.0 for k, v in m.groupdict().items()}
    return timedelta(days=g["d"], hours=g["h"], minutes=g["m"], seconds=g["s"])


def _parse_instant(text: str) -> datetime:
    t = text.strip()
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    # Python 3.10's fromisoformat takes only 3 or 6 fraction digits: pad or cut to 6.
    t = re.sub(r"\.(\d+)", lambda m: "." + m.group(1)[:6].ljust(6, "0"), t, count=1)
    value = datetime.fromisoformat(t)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def parse_timespan(value: str | None, now: datetime) -> tuple[datetime, datetime] | None:
    """The wire ``timespan`` as ``[start, end)`` in UTC (``None`` = no filter).

    Forms: ``"PT86400.0S"`` (duration ending at *now*), ``"start/end"``,
    ``"start/PT…"`` and ``"PT…/end"``.
    """
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if "/" in text:
        a, b = (p.strip() for p in text.split("/", 1))
        if a.upper().startswith("P"):
            end = _parse_instant(b)
            return end - _parse_duration(a), end
        start = _parse_instant(a)
        if b.upper().startswith("P"):
            return start, start + _parse_duration(b)
        return start, _parse_instant(b)
    return now - _parse_duration(text), now


# ---------------------------------------------------------------------------
# wire encoding
# ---------------------------------------------------------------------------


def _iso(value: datetime | date) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        base = value.strftime("%Y-%m-%dT%H:%M:%S")
        if value.microsecond:
            base += f".{value.microsecond:06d}0"  # Kusto prints 7 fractional digits
        return base + "Z"
    return f"{value.isoformat()}T00:00:00Z"


def _timespan(value: timedelta) -> str:
    """.NET "c" format: ``[-][d.]hh:mm:ss[.fffffff]``."""
    total_us = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if total_us < 0 else ""
    total_us = abs(total_us)
    days, rem = divmod(total_us, 86_400_000_000)
    hours, rem = divmod(rem, 3_600_000_000)
    minutes, rem = divmod(rem, 60_000_000)
    seconds, micros = divmod(rem, 1_000_000)
    out = f"{sign}{f'{days}.' if days else ''}{hours:02d}:{minutes:02d}:{seconds:02d}"
    return out + (f".{micros:06d}0" if micros else "")


def _jsonable(value: Any) -> Any:
    """A value inside a dynamic, as Kusto serialises it (datetimes as strings, ...)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return (
            value
            if math.isfinite(value)
            else ("NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity"))
        )
    if isinstance(value, (datetime, date)):
        return _iso(value)
    if isinstance(value, timedelta):
        return _timespan(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    return str(value)


def _kusto_type(duckdb_type: Any) -> str:
    from duckdb_kql.types import kusto_type

    return kusto_type(duckdb_type)


def _converter(kind: str, dynamic_as: str):
    """A per-column function turning a DuckDB Python value into its wire form."""
    if kind == "datetime":
        return lambda v: None if v is None else (_iso(v) if isinstance(v, (datetime, date)) else str(v))
    if kind == "timespan":
        return lambda v: None if v is None else (_timespan(v) if isinstance(v, timedelta) else str(v))
    if kind in ("guid", "decimal"):
        return lambda v: None if v is None else str(v)
    if kind == "real":

        def real(v: Any) -> Any:
            if v is None:
                return None
            if isinstance(v, Decimal):
                v = float(v)
            return _jsonable(float(v))

        return real
    if kind in ("long", "int"):
        return lambda v: None if v is None else int(v)
    if kind == "bool":
        return lambda v: None if v is None else bool(v)
    if kind == "dynamic":

        def dyn(v: Any) -> Any:
            if v is None:
                return None
            if isinstance(v, str):
                with contextlib.suppress(ValueError):
                    v = json.loads(v)
            obj = _jsonable(v)
            if dynamic_as == "json":
                return obj
            return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)

        return dyn

    def string(v: Any) -> Any:
        if v is None or isinstance(v, str):
            return v
        if isinstance(v, (bytes, bytearray)):
            return v.decode("utf-8", "replace")
        return str(v)

    return string


# ---------------------------------------------------------------------------
# error bodies
# ---------------------------------------------------------------------------


def _error_body(code: str, message: str, inner: dict | None = None, details: list | None = None) -> dict:
    err: dict[str, Any] = {"message": message, "code": code, "correlationId": str(uuid.uuid4())}
    if inner is not None:
        err["innererror"] = inner
    if details is not None:
        err["details"] = details
    return {"error": err}


def _innermost_message(inner: dict) -> str | None:
    while isinstance(inner.get("innererror"), dict):
        inner = inner["innererror"]
    return inner.get("message")


def _bad_argument(inner_code: str, inner_message: str, **extra: Any) -> _QueryError:
    inner = {"code": inner_code, "message": inner_message, **extra}
    return _QueryError(400, "BadArgumentError", "The request had some invalid properties", inner)


#: How duckdb / duckdb-kql name a table the workspace does not hold.
_MISSING_TABLE = (
    re.compile(r"Table with name (\w+) does not exist"),
    re.compile(r"schema error for '(\w+)' \(unknown table"),
)


def _missing_table(message: str) -> str | None:
    """The table a duckdb / duckdb-kql error says does not exist, if that is the error."""
    for pattern in _MISSING_TABLE:
        match = pattern.search(message)
        if match:
            return match.group(1)
    return None


def _unknown_table(query: str, table: str) -> _QueryError:
    """The service's answer to a query naming a table the workspace does not have (no
    rows of it were ever ingested, e.g. a log category no diagnostic setting sends):
    400 ``BadArgumentError`` > ``SemanticError`` > ``SEM0100``, the message naming the
    operator that reads the table. Shape and wording as reported from real workspaces
    (see README.md, "Unknown tables"); the operator is the first one piped after the name."""
    after = re.search(rf"\b{re.escape(table)}\b\s*\|\s*([A-Za-z][A-Za-z-]*)", query)
    operator = f"'{after.group(1)}' operator: " if after else ""
    return _bad_argument(
        "SemanticError",
        "A semantic error occurred.",
        innererror={
            "code": "SEM0100",
            "message": f"{operator}Failed to resolve table or column expression named '{table}'",
        },
    )


_SQ = "'"


def _sql_str(value: str) -> str:
    return _SQ + value.replace(_SQ, _SQ * 2) + _SQ


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------------------
# the emulator
# ---------------------------------------------------------------------------


class LogAnalyticsEmulator:
    """HTTPS emulator of ``POST /v1/workspaces/{id}/query``, ``POST /v1/{resourceId}/query``
    and ``POST /v1/$batch`` (plus the ``GET …/query?query=…&timespan=…`` form).

    Parameters
    ----------
    tables:
        Either ``{table_name: DataFrame}`` - one dataset visible from *every*
        workspace in *workspaces* (a query naming several of them does not
        duplicate rows) - or ``{workspace_id: {table_name: DataFrame}}`` for
        per-workspace data; ``additional_workspaces`` then unions the
        workspaces' rows (``UNION ALL BY NAME``). Workspace ids compare
        case-insensitively. Store dynamic data as JSON strings.
    workspaces:
        The workspace ids that exist (anything else -> 404 PathNotFoundError).
    resources:
        For resource-centric queries: ``{resource_id.lower(): _ResourceId value}``.
        ``None`` accepts any resource path and filters on the path itself. A
        path not in a given dict -> 404 PathNotFoundError. Every table of every
        workspace is filtered to ``_ResourceId =~ value`` (tables without the
        column come back empty).
    now:
        The emulator clock: end of duration timespans and ``now()``/``ago()``.
    token:
        The only bearer token accepted.
    dynamic_as:
        ``"string"`` (default): dynamic cells are JSON text, as Log Analytics
        sends them (the .NET SDK's ``LogsTableRow.GetDynamic`` calls
        ``JsonElement.GetString()`` on them). ``"json"``: raw JSON arrays/objects.
    max_rows:
        Result rows beyond this are cut and a ``PartialError``
        (E_QUERY_RESULT_SET_TOO_LARGE) is added, like the service's 500,000 limit.
    reveal_by_clock:
        Rows arrive as time goes by, as ingestion does: the clock is the machine's
        (``now`` is ignored) and a row is visible only once its ``TimeGenerated`` has
        passed. For tests of waiting for data (``smoke --wait``).
    """

    def __init__(
        self,
        tables: dict[str, pd.DataFrame] | dict[str, dict[str, pd.DataFrame]],
        *,
        workspaces: set[str],
        resources: dict[str, str] | None = None,
        now: datetime,
        token: str,
        dynamic_as: str = "string",
        max_rows: int = 500_000,
        reveal_by_clock: bool = False,
    ) -> None:
        if not token:
            raise ValueError("token must be non-empty")
        if dynamic_as not in ("string", "json"):
            raise ValueError("dynamic_as must be 'string' or 'json'")
        self._now = now.replace(tzinfo=timezone.utc) if now.tzinfo is None else now.astimezone(timezone.utc)
        self.reveal_by_clock = reveal_by_clock
        self.token = token
        self.dynamic_as = dynamic_as
        self.max_rows = int(max_rows)
        self.workspaces = {w.lower() for w in workspaces}
        self.resources = None if resources is None else {k.lower(): v for k, v in resources.items()}
        self.requests: list[RecordedRequest] = []
        self.url: str | None = None
        self.port: int | None = None
        self.ca_path: str | None = None

        self._faults: deque[_Fault] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._tmpdir: str | None = None
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

        # ---- load the data into DuckDB once --------------------------------
        import duckdb_kql

        self._con = duckdb_kql.connect()
        self._con.execute("CREATE SCHEMA emu_base")
        #: workspace -> {table -> base table name}
        self._ws_tables: dict[str, dict[str, str]] = {w: {} for w in self.workspaces}
        #: base table -> its column names
        self._base_cols: dict[str, list[str]] = {}
        self._views: set[str] = set()
        per_ws = bool(tables) and all(isinstance(v, dict) for v in tables.values())
        if not per_ws and not all(isinstance(v, pd.DataFrame) for v in tables.values()):
            raise TypeError("tables must be {table: DataFrame} or {workspace: {table: DataFrame}}")
        if per_ws:
            for ws, ws_tables in tables.items():  # type: ignore[union-attr]
                if ws.lower() not in self.workspaces:
                    raise ValueError(f"tables given for workspace {ws!r}, which is not in workspaces")
                for name, df in ws_tables.items():
                    base = self._load(f"w{len(self._base_cols)}__{name}", df)
                    self._ws_tables[ws.lower()][name] = base
        else:
            shared = {name: self._load(f"shared__{name}", df) for name, df in tables.items()}  # type: ignore[arg-type]
            for ws in self.workspaces:
                self._ws_tables[ws] = dict(shared)

    @property
    def now(self) -> datetime:
        """The emulator clock (the machine's with ``reveal_by_clock``)."""
        return datetime.now(timezone.utc) if self.reveal_by_clock else self._now

    def _load(self, base: str, df: pd.DataFrame) -> str:
        self._con.register("__emu_load", df)
        try:
            self._con.execute(f"CREATE TABLE emu_base.{_ident(base)} AS SELECT * FROM __emu_load")
        finally:
            self._con.unregister("__emu_load")
        self._base_cols[base] = list(df.columns)
        return base

    # ------------------------------------------------------------------ life
    def start(self) -> LogAnalyticsEmulator:
        import trustme

        if self._httpd is not None:
            return self
        self._tmpdir = tempfile.mkdtemp(prefix="la-emulator-")
        ca = trustme.CA()
        cert = ca.issue_cert(HOST)
        ca_path = Path(self._tmpdir) / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_path))
        self.ca_path = str(ca_path)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(ctx)

        httpd = _Server((HOST, 0), _Handler)
        httpd.emulator = self  # type: ignore[attr-defined]
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self.url = f"https://{HOST}:{self.port}"
        self._stop.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="la-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def close(self) -> None:
        """Stop serving and release the DuckDB connection (the emulator is then unusable)."""
        self.stop()
        with kql_compat.LOCK:
            self._con.close()

    def __enter__(self) -> LogAnalyticsEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- faults
    def inject(self, fault: str, times: int = 1, **kw: Any) -> None:
        """Serve *fault* to the next *times* requests (FIFO after earlier injections).

        HTTP error faults (``unauthorized`` 401, ``forbidden`` 403,
        ``not_found`` 404, ``bad_request`` 400, ``throttled`` 429,
        ``server_error`` 500, ``bad_gateway`` 502, ``unavailable`` 503,
        ``gateway_timeout`` 504) take ``message=`` and ``retry_after=``
        (seconds -> a ``Retry-After`` header; default none);
        ``bad_request`` also ``inner_code=`` (default ``"SyntaxError"``).
        ``delay`` (``seconds=``) sleeps, then answers normally;
        ``no_content``: 204 with no body; ``malformed``: 200 with a non-JSON
        body (``body=`` bytes/str); ``partial``: 200 with the real tables plus a
        ``PartialError`` (``keep_rows=`` truncates every table, ``message=``);
        ``drop``: closes the connection without answering.
        """
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; choose from {sorted(FAULTS)}")
        unknown = set(kw) - _FAULT_KWARGS[fault]
        if unknown:
            raise TypeError(f"fault {fault!r} does not take {sorted(unknown)}")
        if fault == "delay" and "seconds" not in kw:
            raise TypeError("fault 'delay' needs seconds=")
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            for _ in range(times):
                self._faults.append(_Fault(fault, dict(kw)))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending_faults(self) -> list[str]:
        with self._lock:
            return [f.name for f in self._faults]

    def _next_fault(self) -> _Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _record(self, rec: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(rec)

    # ------------------------------------------------------- request handling
    def _fault_reply(self, fault: _Fault) -> _Reply | None:
        status, code, default_msg = FAULTS[fault.name]
        kw = fault.kw
        if status is None:
            return None
        headers: dict[str, str] = {}
        if kw.get("retry_after") is not None:
            ra = float(kw["retry_after"])
            headers["Retry-After"] = str(int(ra)) if ra.is_integer() else repr(ra)
        message = kw.get("message") or default_msg
        inner = None
        if fault.name == "bad_request":
            inner = {
                "code": kw.get("inner_code", "SyntaxError"),
                "message": "A recognition error occurred in the query.",
                "innererror": {
                    "code": "SYN0002",
                    "message": kw.get("message") or "Query could not be parsed at 'x' on line [1,5]",
                    "line": 1,
                    "pos": 5,
                    "token": "x",
                },
            }
            message = default_msg
        return _Reply(status, _error_body(code or "Error", message or "", inner), headers)

    def handle(
        self,
        method: str,
        raw_path: str,
        headers: Any,
        raw_body: bytes,
        rec: RecordedRequest,
        fault: _Fault | None,
    ) -> _Reply:
        """Route one request (after any fault that short-circuits it)."""
        if fault is not None:
            reply = self._fault_reply(fault)
            if reply is not None:
                return reply
            if fault.name == "no_content":
                return _Reply(204, None)
            if fault.name == "malformed":
                body = fault.kw.get("body", b"<html><body>502 Bad Gateway (not JSON)</body></html>")
                return _Reply(200, body.encode() if isinstance(body, str) else bytes(body))
            if fault.name == "delay":
                self._stop.wait(float(fault.kw["seconds"]))

        # ---- authentication ----------------------------------------------
        auth = headers.get("Authorization") or ""
        scheme, _, cred = auth.partition(" ")
        if scheme.lower() != "bearer" or not cred.strip():
            return _Reply(
                401,
                _error_body(
                    "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."
                ),
            )
        if cred.strip() != self.token:
            return _Reply(401, _error_body("InvalidAuthenticationToken", "The access token is invalid."))

        # ---- routing -----------------------------------------------------
        split = urlsplit(raw_path)
        path = unquote(split.path)
        params = {k: v[-1] for k, v in parse_qs(split.query).items()}
        prefer = headers.get("Prefer")
        try:
            if method == "POST":
                if not raw_body:
                    return _Reply(200, b"")  # documented: POST without a body -> empty 200
                try:
                    body = json.loads(raw_body)
                except ValueError as exc:
                    raise _bad_argument(
                        "InvalidJsonBody", f"The request body is not valid JSON: {exc}"
                    ) from None
                if not isinstance(body, dict):
                    raise _bad_argument("InvalidJsonBody", "The request body must be a JSON object")
            else:
                body = {"query": params.get("query"), "timespan": params.get("timespan")}
            m = re.fullmatch(r"/v1/workspaces/([^/]+)/query/?", path, re.IGNORECASE)
            if m:
                return self._query_reply(body, prefer, workspaces=[m.group(1)], resource=None)
            if re.fullmatch(r"/v1/\$batch/?", path, re.IGNORECASE) and method == "POST":
                return self._batch_reply(body)
            m = re.fullmatch(r"/v1/(subscriptions/.+)/query/?", path, re.IGNORECASE)
            if m:
                return self._query_reply(body, prefer, workspaces=None, resource="/" + m.group(1))
            raise _QueryError(404, "PathNotFoundError", "The requested path does not exist")
        except _QueryError as exc:
            rec.error = _innermost_message(exc.inner) if exc.inner else exc.message
            return _Reply(exc.status, _error_body(exc.code, exc.message, exc.inner))

    def _batch_reply(self, body: dict) -> _Reply:
        responses = []
        for item in body.get("requests") or []:
            rid = item.get("id")
            sub_headers = {k.lower(): v for k, v in (item.get("headers") or {}).items()}
            try:
                reply = self._query_reply(
                    item.get("body") or {},
                    sub_headers.get("prefer"),
                    workspaces=[item.get("workspace") or ""],
                    resource=None,
                )
                responses.append({"id": rid, "status": reply.status, "body": reply.body})
            except _QueryError as exc:
                responses.append(
                    {"id": rid, "status": exc.status, "body": _error_body(exc.code, exc.message, exc.inner)}
                )
        return _Reply(200, {"responses": responses})

    def _query_reply(
        self, body: dict, prefer: str | None, *, workspaces: list[str] | None, resource: str | None
    ) -> _Reply:
        query = body.get("query")
        if not isinstance(query, str) or not query.strip():
            raise _bad_argument("EmptyQuery", "The query is missing or empty")
        try:
            span = parse_timespan(body.get("timespan"), self.now)
        except ValueError as exc:
            raise _bad_argument("InvalidTimespan", str(exc)) from None

        extra = body.get("workspaces") or []
        if isinstance(extra, str):
            extra = [extra]
        if resource is not None:
            key = resource.lower()
            if self.resources is not None and key not in self.resources:
                raise _QueryError(404, "PathNotFoundError", "The requested path does not exist")
            filter_value = self.resources[key] if self.resources is not None else resource
            selected = sorted(self.workspaces)
        else:
            filter_value = None
            selected = []
            for ws in [*(workspaces or []), *extra]:
                if ws.lower() not in self.workspaces:
                    raise _QueryError(404, "PathNotFoundError", "The requested path does not exist")
                if ws.lower() not in selected:
                    selected.append(ws.lower())

        started = time.perf_counter()
        columns, rows = self._execute(query, span, selected, filter_value)
        elapsed = time.perf_counter() - started

        payload: dict[str, Any] = {"tables": [{"name": "PrimaryResult", "columns": columns, "rows": rows}]}
        if len(rows) > self.max_rows:
            del rows[self.max_rows :]
            payload["error"] = _partial_error(
                f"Query result set has exceeded the internal record count limit {self.max_rows} "
                "(E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)",
                code="-2133196797",
            )
        prefer_l = (prefer or "").lower()
        if "include-statistics=true" in prefer_l:
            payload["statistics"] = {
                "query": {
                    "executionTime": round(elapsed, 6),
                    "datasetStatistics": [{"tableRowCount": len(rows)}],
                }
            }
        if "include-render=true" in prefer_l:
            m = re.search(r"\|\s*render\s+(\w+)", query)
            payload["render"] = {"visualization": m.group(1) if m else None}
        return _Reply(200, payload)

    def _execute(
        self,
        query: str,
        span: tuple[datetime, datetime] | None,
        selected: list[str],
        resource_value: str | None,
    ) -> tuple[list[dict], list[list]]:
        import duckdb
        import duckdb_kql

        # Which base tables make up each logical table for this request.
        logical: dict[str, list[str]] = {}
        for ws in selected:
            for name, base in self._ws_tables.get(ws, {}).items():
                bases = logical.setdefault(name, [])
                if base not in bases:
                    bases.append(base)

        clock = self.now

        def where(base: str) -> str:
            cols = self._base_cols[base]
            conds = []
            if self.reveal_by_clock and "TimeGenerated" in cols:
                moment = f"TIMESTAMPTZ {_sql_str(clock.strftime('%Y-%m-%d %H:%M:%S.%f+00'))}"
                conds.append(f'"TimeGenerated" <= {moment}')
            if span is not None and "TimeGenerated" in cols:
                lo, hi = (f"TIMESTAMPTZ {_sql_str(t.strftime('%Y-%m-%d %H:%M:%S.%f+00'))}" for t in span)
                conds.append(f'"TimeGenerated" >= {lo} AND "TimeGenerated" < {hi}')
            if resource_value is not None:
                conds.append(
                    f'lower("_ResourceId") = {_sql_str(resource_value.lower())}'
                    if "_ResourceId" in cols
                    else "FALSE"
                )
            return (" WHERE " + " AND ".join(conds)) if conds else ""

        kql_text = kql_compat.inline_scalar_lets(query)
        with kql_compat.patched():  # also serialises use of the shared connection
            con = self._con
            for stale in self._views - set(logical):
                con.execute(f"DROP VIEW IF EXISTS main.{_ident(stale)}")
            for name, bases in logical.items():
                selects = " UNION ALL BY NAME ".join(
                    f"SELECT * FROM emu_base.{_ident(b)}{where(b)}" for b in bases
                )
                con.execute(f"CREATE OR REPLACE VIEW main.{_ident(name)} AS {selects}")
            self._views = set(logical)
            try:
                rel = duckdb_kql.kql(con, kql_text, query_now=clock)
                names = list(rel.columns)
                kinds = [_kusto_type(t) for t in rel.types]
                raw_rows = rel.fetchall()
            except duckdb_kql.KqlSyntaxError as exc:
                raise _bad_argument("SyntaxError", f"[duckdb-kql] {exc}") from None
            except duckdb_kql.KqlUnsupportedError as exc:
                raise _bad_argument(
                    "EmulatorUnsupportedError",
                    f"[emulator] duckdb-kql cannot run this query (Log Analytics may accept it): {exc}",
                ) from None
            except (duckdb_kql.KqlError, duckdb.Error) as exc:
                missing = _missing_table(str(exc))
                if missing is not None:
                    raise _unknown_table(query, missing) from None
                raise _bad_argument("SemanticError", f"[duckdb-kql] {type(exc).__name__}: {exc}") from None

        convs = [_converter(k, self.dynamic_as) for k in kinds]
        rows = [[c(v) for c, v in zip(convs, row, strict=True)] for row in raw_rows]
        columns = [{"name": n, "type": k} for n, k in zip(names, kinds, strict=True)]
        return columns, rows


def _partial_error(message: str, *, code: str = "-2133196788") -> dict:
    return {
        "code": "PartialError",
        "message": "There were some errors when processing your query.",
        "details": [
            {
                "code": "EngineError",
                "message": "Something went wrong processing your query on the server.",
                "innererror": {"code": code, "message": message, "severity": 2, "severityName": "Error"},
            }
        ],
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def server_bind(self) -> None:
        # Skip HTTPServer's getfqdn() (a reverse lookup); loopback only.
        socketserver.TCPServer.server_bind(self)
        self.server_name = HOST
        self.server_port = self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LogAnalyticsEmulator/1.0"

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet
        return

    def handle(self) -> None:
        # The client went away or failed the TLS handshake: nothing to answer.
        with contextlib.suppress(ssl.SSLError, ConnectionError, TimeoutError, OSError):
            super().handle()

    def do_POST(self) -> None:
        self._serve("POST")

    def do_GET(self) -> None:
        self._serve("GET")

    def _serve(self, method: str) -> None:
        emu: LogAnalyticsEmulator = self.server.emulator  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            parsed: Any = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        auth = self.headers.get("Authorization") or ""
        rec = RecordedRequest(
            method=method,
            path=self.path,
            body=parsed,
            prefer=self.headers.get("Prefer"),
            has_bearer=auth.lower().startswith("bearer ") and bool(auth[7:].strip()),
            headers={k: v for k, v in self.headers.items() if k.lower() not in _SENSITIVE_HEADERS},
        )
        emu._record(rec)
        fault = emu._next_fault()
        rec.fault = fault.name if fault else None
        if fault is not None and fault.name == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            reply = emu.handle(method, self.path, self.headers, raw, rec, fault)
        except Exception as exc:  # an emulator bug: make it visible as a 500
            rec.error = f"{type(exc).__name__}: {exc}"
            reply = _Reply(500, _error_body("InternalServerError", f"[emulator bug] {rec.error}"))
        if (
            fault is not None
            and fault.name == "partial"
            and reply.status == 200
            and isinstance(reply.body, dict)
        ):
            keep = fault.kw.get("keep_rows")
            if keep is not None:
                for table in reply.body.get("tables", []):
                    del table["rows"][int(keep) :]
            reply.body["error"] = _partial_error(
                fault.kw.get("message")
                or "Query execution has exceeded the allowed limits (emulated partial failure)."
            )
        self._send(reply, rec)

    def _send(self, reply: _Reply, rec: RecordedRequest) -> None:
        if reply.body is None:
            data = b""
        elif isinstance(reply.body, (bytes, bytearray)):
            data = bytes(reply.body)
        else:
            data = json.dumps(reply.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        rec.status = reply.status
        rec.response_bytes = len(data)
        self.send_response(reply.status)
        if reply.status != 204:
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if data and reply.status != 204:
            self.wfile.write(data)
        self.wfile.flush()
