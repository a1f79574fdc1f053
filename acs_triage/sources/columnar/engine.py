"""Running the columnar engine: DuckDB over planned CSV exports.

:class:`ColumnarFiles` answers the questions of a file source (``triage``, ``newest``,
``count_legs``, ``call_legs``, ``failed_legs``) in one scan each, or answers None when
it cannot vouch for every row (a row the reference reader would reject or read
differently, a scan DuckDB refuses): the caller then reads the files with the
reference reader, which reports every rejection with its line and reason.

DuckDB is imported here only, when a question is first asked. It runs under a
``memory_limit`` with a private ``temp_directory`` (removed on :meth:`close`), so a
large input spills to disk instead of growing the process.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from acs_triage.codes import is_failure_end, normalize_code
from acs_triage.records import PSTN_SCOPE, Leg, LegBatch, LegFilter, TriageInput
from acs_triage.sources.aggregate import EPOCH
from acs_triage.sources.columnar.plan import CsvPlan
from acs_triage.sources.columnar.results import (
    Answers,
    Cannot,
    Firsts,
    Need,
    aware,
    build_input,
    scope_rule_holds,
    vouched,
)
from acs_triage.sources.columnar.sql import (
    RAW,
    VOUCH,
    aggregate_sql,
    first_values_sql,
    literal,
    order_sql,
    placed_rows,
    rows_sql,
)
from acs_triage.sources.exports.columns import COLUMNS
from acs_triage.sources.exports.values import LegBuilder, clean_text
from acs_triage.windows import WRITTEN, Window

if TYPE_CHECKING:
    import duckdb

__all__ = ["MEMORY_LIMIT", "ColumnarFiles"]

_LOG = logging.getLogger(__name__)

#: DuckDB's memory budget; past it, aggregates spill to the temporary directory.
MEMORY_LIMIT = "128MB"
#: Rows read in input order first to find what depends on it (eight times more each
#: time they do not tell everything).
FIRST_ROWS = 1 << 16
_FILE_BITS = 40  # rn = file index << 40 | row number in the file
_RAW_COLUMNS = [RAW[column] for column in COLUMNS]  # the raw values, in LegBuilder.build's order
#: The raw column of each first-values question asked again.
_FIRSTS = {"examples": "cid", "identifiers": "ident"}


class ColumnarFiles:
    """CSV exports read by DuckDB; every method answers None when the reference
    reader must read the files instead."""

    def __init__(self, plans: Sequence[CsvPlan], *, memory_limit: str = MEMORY_LIMIT) -> None:
        self.plans = tuple(plans)
        self.memory_limit = memory_limit
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._temp: str | None = None
        self._lock = threading.Lock()
        self._running = False
        self._lines: dict[str, int] = {}  # data lines per file

    # ------------------------------------------------------------------ DuckDB

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            import duckdb

            self._temp = tempfile.mkdtemp(prefix="acs-triage-duckdb-")
            connection = duckdb.connect(
                config={
                    "memory_limit": self.memory_limit,
                    "temp_directory": self._temp,
                    "preserve_insertion_order": True,
                    "autoinstall_known_extensions": False,
                    "autoload_known_extensions": False,
                }
            )
            connection.execute("SET enable_progress_bar = true")
            connection.execute("SET enable_progress_bar_print = false")
            self._connection = connection
        return self._connection

    def _query(self, sql: str) -> list[dict[str, Any]] | None:
        """The rows of ``sql`` as dicts, or None when DuckDB cannot answer: it refuses the
        scan, runs out of memory, cannot make its temporary directory, or is not installed
        (the reference reader then reads the files)."""
        try:
            import duckdb
        except ImportError as error:  # a platform without a duckdb wheel
            _LOG.info("columnar engine: DuckDB cannot be imported (%s)", error)
            return None
        with self._lock:
            self._running = True
        try:
            cursor = self._connect().execute(sql)
            names = [column[0] for column in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except (duckdb.Error, OSError) as error:
            _LOG.info(
                "columnar engine: the reference reader reads the files (%s)",
                " ".join(str(error).split())[:300],
            )
            return None
        finally:
            with self._lock:
                self._running = False

    def progress(self) -> float | None:
        """How far the running scan has got, in percent (None when none runs)."""
        with self._lock:
            if not self._running or self._connection is None:
                return None
            try:
                done = float(self._connection.query_progress())
            except Exception:  # the query ended meanwhile
                return None
        return done if done >= 0 else None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None

    # ------------------------------------------------------------------ questions

    def triage(
        self,
        windows: Sequence[Window],
        *,
        bin_size: timedelta,
        scope: str = PSTN_SCOPE,
        source_kind: str,
        source_description: str,
    ) -> list[TriageInput] | None:
        """The reference aggregates of each window (one scan per window), or None."""
        inputs: list[TriageInput] = []
        for window in windows:
            data = self._triage_one(window, bin_size, scope, source_kind, source_description)
            if data is None:
                return None
            # every row is one line (checked): the lines they cover; the lines read are
            # accounted in the first window's input only, as the reference engine does
            accounting = data.accounting
            assert accounting is not None  # file sources account for every row
            accounting.lines_in_rows = accounting.rows_read
            if not inputs:
                accounting.lines_read = accounting.rows_read
            inputs.append(data)
        return inputs

    def _triage_one(
        self, window: Window, bin_size: timedelta, scope: str, source_kind: str, source_description: str
    ) -> TriageInput | None:
        if bin_size <= timedelta(0) or bin_size % timedelta(seconds=1):
            return None
        placed = window.column != WRITTEN
        rows = rows_sql(self.plans, placed=placed)
        numbered = rows_sql(self.plans, placed=placed, numbered=True)
        middle = None
        if window.start is not None and window.end is not None:
            middle = window.start + (window.end - window.start) / 2
        # Python counts the files' lines while DuckDB aggregates (it runs without the GIL)
        counting = threading.Thread(target=self._count_lines)
        counting.start()
        try:
            found = self._query(aggregate_sql(rows, window, scope, bin_size, middle))
        finally:
            counting.join()
        if found is None:
            return None
        total = next(row for row in found if row["k"] == "total")
        if not vouched(total):
            return None
        count = sum(int(row["n"]) for row in found if row["k"] == "fine")
        if count != self._count_lines():
            _LOG.info(
                "columnar engine: the reference reader reads the files (a blank line or a row over lines)"
            )
            return None
        limit, answers = FIRST_ROWS, Answers()
        try:
            while True:
                complete = limit >= count
                order = self._query(order_sql(numbered, window, scope, None if complete else limit))
                if order is None:
                    return None
                built = build_input(
                    found,
                    order,
                    window,
                    complete=complete,
                    scope=scope,
                    bin_size=bin_size,
                    middle=middle,
                    source_kind=source_kind,
                    source_description=source_description,
                    answers=answers,
                )
                if isinstance(built, TriageInput):
                    return built
                if built.exact and not self._ask_exactly(built, answers, numbered, window, scope):
                    return None
                if built.deeper:
                    limit *= 8
        except Cannot as reason:
            _LOG.info("columnar engine: the reference reader reads the files (%s)", reason)
        return None

    def _ask_exactly(self, need: Need, answers: Answers, rows: str, window: Window, scope: str) -> bool:
        """Ask for the first distinct correlation ids or identifiers of the pairs whose
        candidates ran out (one more scan per column)."""
        wanted: dict[str, list[tuple[str, str]]] = {}
        for raw, columns in need.exact.items():
            for column in columns:
                wanted.setdefault(column, []).append(raw)
        for column, pairs in wanted.items():
            keys = " OR ".join(
                f"(coalesce(reason, '') = {literal(reason)} AND coalesce(sub, '') = {literal(sub)})"
                for reason, sub in pairs
            )
            found = self._query(
                f"SELECT * FROM ({first_values_sql(rows, window, scope, _FIRSTS[column])}) WHERE {keys}"
            )
            if found is None:
                return False
            firsts = answers.firsts.setdefault(column, Firsts())
            for row in found:
                values = [item["v"] for item in sorted(row["firsts"], key=lambda item: item["r"])]
                firsts.values[(row["reason"] or "", row["sub"] or "")] = (values, int(row["distinct_values"]))
            for raw in pairs:  # a pair without a single value
                firsts.values.setdefault(raw, ([], 0))
        return True

    def newest(self) -> tuple[bool, datetime | None]:
        """``(True, newest TimeGenerated)``, or ``(False, None)`` when it cannot vouch."""
        found = self._query(f"SELECT max(tgm) AS newest, {VOUCH} FROM ({rows_sql(self.plans)})")
        if not found or not vouched(found[0]):
            return False, None
        return True, aware(found[0]["newest"])

    def count_legs(self, window: Window, scope: str) -> int | None:
        placed = placed_rows(rows_sql(self.plans, placed=window.column != WRITTEN), window, scope)
        found = self._query(
            "SELECT count(*) FILTER (WHERE in_win AND in_scope) AS legs, "
            f"histogram(coalesce(et, '')) AS endpoint_types, {VOUCH} FROM ({placed})"
        )
        if not found or not vouched(found[0]) or not scope_rule_holds(found[0]["endpoint_types"] or {}):
            return None
        return int(found[0]["legs"])

    def _per_file_rows(self) -> str:
        return ", ".join(
            f"count(*) FILTER (WHERE rn >> {_FILE_BITS} = {index}) AS rows_{index}"
            for index in range(len(self.plans))
        )

    def _lines_match(self, row: Mapping[str, Any]) -> bool:
        """Whether every data row of every file is one physical line (no blank line, no
        line break inside a field), so that a row's line is its number plus the skip."""
        try:
            return all(
                self._data_lines(plan) == row[f"rows_{index}"] for index, plan in enumerate(self.plans)
            )
        except OSError:  # the reference reader reports it
            return False

    def _count_lines(self) -> int | None:
        """The data lines of all the files (None when one cannot be read: the reference
        reader then reports it)."""
        try:
            return sum(self._data_lines(plan) for plan in self.plans)
        except OSError:
            return None

    def _data_lines(self, plan: CsvPlan) -> int:
        """The physical lines of a file after its header (counted once)."""
        lines = self._lines.get(plan.path)
        if lines is None:
            lines = self._lines[plan.path] = _physical_lines(plan.path) - plan.skip
        return lines

    def _leg(self, values: Mapping[str, Any], builder: LegBuilder) -> Leg | None:
        rn = int(values["rn"])
        plan = self.plans[rn >> _FILE_BITS]
        line = plan.skip + (rn & ((1 << _FILE_BITS) - 1))
        built, provisional = builder.build([values[name] for name in _RAW_COLUMNS], line, plan.path)
        return built if isinstance(built, Leg) and not provisional else None

    def call_legs(self, correlation_id: str, window: Window) -> LegBatch | None:
        """Every leg of the call in the window (on TimeGenerated), oldest first, or None."""
        wanted = correlation_id.lower()
        fields = ", ".join(f"'{name}': {name}" for name in ["rn", *_RAW_COLUMNS])
        written = Window(window.start, window.end, WRITTEN)
        placed = placed_rows(rows_sql(self.plans, numbered=True), written, PSTN_SCOPE)
        found = self._query(
            f"SELECT list({{{fields}}}) FILTER (WHERE in_win AND (lower(cid) = {literal(wanted)} "
            f"OR strlen(cid) <> length(cid))) AS legs, {self._per_file_rows()}, {VOUCH} FROM ({placed})"
        )
        if not found or not vouched(found[0]) or not self._lines_match(found[0]):
            return None
        builder = LegBuilder()
        legs = []
        for values in sorted(found[0]["legs"] or (), key=lambda values: values["rn"]):
            leg = self._leg(values, builder)
            if leg is None:
                return None
            if leg.correlation_id.lower() == wanted:
                legs.append(leg)
        return LegBatch(sorted(legs, key=lambda leg: leg.time_generated), [])

    def failed_legs(self, window: Window, wanted: LegFilter) -> LegBatch | None:
        """The newest failed legs ``wanted`` selects, as the reference source finds them, or None."""
        keep = wanted.max_rows + 1
        fields = ", ".join(f"'{name}': {name}" for name in ["rn", "tgm", *_RAW_COLUMNS])
        rows = rows_sql(self.plans, placed=window.column != WRITTEN, numbered=True)
        placed = placed_rows(rows, window, PSTN_SCOPE)
        found = self._query(
            f"""SELECT grouping(reason, sub, et) AS g, reason, sub, et,
                count(*) FILTER (WHERE in_win) AS matched,
                max_by({{{fields}}}, {{'t': tgm, 'r': -rn}}, {keep}) FILTER (WHERE in_win) AS newest,
                {self._per_file_rows()}, {VOUCH}
            FROM ({placed}) GROUP BY GROUPING SETS ((reason, sub, et), ())"""
        )
        if not found:
            return None
        total = next(row for row in found if row["g"] == 7)
        if not vouched(total) or not self._lines_match(total):
            return None
        candidates: list[dict[str, Any]] = []
        matched = 0
        for row in found:
            if row["g"] == 7 or not row["matched"]:
                continue
            reason, sub = normalize_code(row["reason"] or ""), normalize_code(row["sub"] or "")
            probe = _probe(reason, sub, row["et"] or "")
            if not is_failure_end(reason) or not wanted.matches(probe):
                continue
            matched += int(row["matched"])
            candidates.extend(row["newest"] or ())
        candidates.sort(key=lambda values: (values["tgm"], -values["rn"]), reverse=True)
        builder = LegBuilder()
        legs = []
        for values in candidates[:keep]:
            leg = self._leg(values, builder)
            if leg is None:
                return None
            legs.append(leg)
        return LegBatch(legs[: wanted.max_rows], [], capped=len(legs) > wanted.max_rows, matched=matched)


def _probe(reason: str, sub: str, endpoint_type: str) -> Leg:
    """A leg with these end codes and this raw endpoint type, for :meth:`LegFilter.matches`."""
    return Leg(EPOCH, "x", clean_text(endpoint_type), reason, sub)


def _physical_lines(path: str) -> int:
    """The physical lines of a file (LF and CRLF end a line; the last needs none)."""
    count = 0
    last = b"\n"
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")
