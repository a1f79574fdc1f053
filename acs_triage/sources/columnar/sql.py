"""The SQL the columnar engine runs: rows as the reference reader reads them, then the
aggregates.

:func:`rows_sql` reads every file with an explicit dialect (:class:`~.plan.CsvPlan`)
and derives, per row, only what SQL computes exactly as Python does:

- ``tgm`` and ``cstm`` (windows on ``CallStartTime``): ``TimeGenerated`` and
  ``CallStartTime`` as timestamps, from the
  ISO 8601 styles the reference reader accepts, through patterns that match a subset of
  what it accepts (no surrounding whitespace, no offsets) and compute the same value. A
  value of any other shape is NULL, so the row is not vouched for;
- ``ok``: the row is vouched for (``TimeGenerated`` read, inside 1970-2199; for windows
  on ``CallStartTime``, that value read in 1970-2199, or holding no digit at all, which
  Python reads as no value; for the others, a value of the first row's shape, blank or
  without digits: see :func:`rows_sql`);
- ``m``: the window's column, ``st``: where the row goes (triaged, not in scope, outside
  the window), ``h``: the call (its correlation id, as the file spells it) of triaged rows,
  ``b`` and ``mi``: its timeline bin and minute.

Everything else (end codes, endpoint types, categories, call types, identifiers) stays
as the file holds it: the aggregates group or collect the raw values, and Python
normalises each distinct value with the reference functions (:mod:`.results`). The
:data:`VOUCH` columns prove, over the whole scan, that no row needs the reference
reader: every ``ok``, and correlation ids that neither start nor end with whitespace
or a non-ASCII character and are not blank (``null``, ``none``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta

from acs_triage.records import ALL_SCOPE, PSTN_SCOPE
from acs_triage.sources.columnar.plan import CsvPlan, TimeShape
from acs_triage.sources.exports import common
from acs_triage.windows import WRITTEN, Window

__all__ = [
    "EXAMPLE_CANDIDATES",
    "FAILED",
    "VOUCH",
    "aggregate_sql",
    "literal",
    "order_sql",
    "rows_sql",
    "timestamp",
]

#: Rows collected per pair (in input order) to find its first distinct examples,
#: identifiers and call types; a pair that needs more is asked again (:mod:`.engine`).
EXAMPLE_CANDIDATES = 32

#: Columns read from the files, canonical name -> SQL name.
RAW = {
    "TimeGenerated": "tg",
    "CorrelationId": "cid",
    "EndpointType": "et",
    "ParticipantEndReason": "reason",
    "ParticipantEndSubCode": "sub",
    "ParticipantId": "pid",
    "Identifier": "ident",
    "CallStartTime": "cst",
    "PstnParticipantCallType": "ctype",
    "ResultCategory": "cat",
}

# ISO 8601 as the reference reader accepts it, without offsets (T, t or a space; seconds
# and a fraction of 1 to 9 digits optional; Z optional).
_ISO = r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}:[0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?[Zz]?"
_CANONICAL = "%Y-%m-%d %H:%M:%S.%f"
_EARLIEST = "TIMESTAMP '1970-01-01'"
_LATEST = "TIMESTAMP '2200-01-01'"


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def timestamp(moment: datetime) -> str:
    """A SQL timestamp literal of an aware UTC datetime (DuckDB timestamps are naive UTC)."""
    return f"TIMESTAMP '{moment.replace(tzinfo=None).isoformat(sep=' ')}'"


def _fraction(group: str) -> str:
    return f"rpad(left({group}, 6), 6, '0')"


def _time(column: str, shape: TimeShape) -> str:
    """The timestamp the reference reader reads from ``column``, or NULL. ISO 8601 only:
    the numeric styles (``11/28/2026, 2:10:38 PM``, ``28.11.2026 14:10``...) depend on a
    date order the reference reader settles per file, so rows holding them are not
    vouched for."""
    iso = f"regexp_extract({column}, {literal(_ISO)}, ['d', 'hm', 's', 'f'])"
    return f"""CASE
        WHEN {column} LIKE {literal(shape.like)}
        THEN try_strptime({column}, {literal(shape.strptime)})
        WHEN regexp_full_match({column}, {literal(_ISO)}) THEN try_strptime(concat(
            ({iso}).d, ' ', ({iso}).hm, ':', coalesce(nullif(({iso}).s, ''), '00'), '.',
            {_fraction(f"({iso}).f")}), {literal(_CANONICAL)})
    END"""


#: Cells read as NULL: empty, and ``null``/``none`` in any letter case, which the
#: reference reader reads as blank in every column it uses (a blank CorrelationId
#: rejects the row: :data:`VOUCH` counts them).
NULLS = [
    "",
    *(
        "".join(c.upper() if up else c for c, up in zip(word, case, strict=True))
        for word in ("null", "none")
        for case in itertools.product((False, True), repeat=4)
    ),
]


def _read_csv(plan: CsvPlan) -> str:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(plan.width))
    nulls = ", ".join(literal(value) for value in NULLS)
    # Strict mode refuses what the reference reader reads differently (a field count
    # other than the header's, a quote inside an unquoted field, a lone CR, invalid
    # UTF-8, a row longer than max_line_size): the scan fails and the file goes to it.
    return (
        f"read_csv({literal(plan.path)}, header = false, skip = {plan.skip}, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {{{columns}}}, auto_detect = false, "
        f"strict_mode = true, null_padding = false, nullstr = [{nulls}], "
        f"max_line_size = {common.MAX_LINE_CHARS // 4}, buffer_size = {8 * common.MAX_LINE_CHARS})"
    )


def _file_rows(index: int, plan: CsvPlan, placed: bool, numbered: bool) -> str:
    fields = []
    for canonical, name in RAW.items():
        position = plan.field(canonical)
        fields.append(f"c{position} AS {name}" if position >= 0 else f"NULL::VARCHAR AS {name}")
    if numbered:  # input order; the scan then runs in one thread
        fields.insert(0, f"({index}::BIGINT << 40) + row_number() OVER () AS rn")
    times = f"{_time('tg', plan.shape)} AS tgm"
    if placed:
        times += f", {_time('cst', plan.start_shape)} AS cstm"
    else:  # only whether the reference reader could hold the row back (module docstring)
        start = literal(plan.start_shape.like)
        times += f", cst IS NULL OR cst LIKE {start} OR NOT regexp_matches(cst, '[0-9]') AS cst_ok"
    return f"SELECT *, {times} FROM (SELECT {', '.join(fields)} FROM {_read_csv(plan)})"


def rows_sql(plans: Sequence[CsvPlan], *, placed: bool = False, numbered: bool = False) -> str:
    """Every row of every file with ``tgm`` (and ``cstm`` when ``placed``) and ``ok``;
    ``numbered``: also ``rn``, the file's index and the row's number in it (input order).

    ``CallStartTime`` is checked whatever the window's column: the reference reader holds
    back rows whose dates could be read day or month first until the file settles the
    order, which could change the order of the rows it hands on. Without ``placed`` the
    value is only matched, not parsed: a value of the first row's ISO 8601 shape (which
    no such date has), blank, or without digits."""
    rows = " UNION ALL ".join(
        f"({_file_rows(index, plan, placed, numbered)})" for index, plan in enumerate(plans)
    )
    ok = f"tgm >= {_EARLIEST} AND tgm < {_LATEST}"
    if placed:
        ok += (
            f" AND (cstm >= {_EARLIEST} AND cstm < {_LATEST}"
            " OR cstm IS NULL AND NOT regexp_matches(coalesce(cst, ''), '[0-9]'))"
        )
    else:
        ok += " AND cst_ok"
    return f"SELECT *, coalesce({ok}, false) AS ok FROM ({rows})"


#: Aggregates that prove no row needs the reference reader (see the module docstring):
#: every ``ok``, no blank correlation id (:data:`NULLS`), and none that starts or ends
#: with whitespace or a non-ASCII character (the first characters of the least and the
#: greatest id, and the least and greatest last character, are printable ASCII).
VOUCH = """
    count(*) FILTER (WHERE NOT ok) AS unread,
    count(*) - count(cid) AS blank_ids,
    min(cid) AS id_first_min, max(cid) AS id_first_max,
    min(cid[-1]) AS id_last_min, max(cid[-1]) AS id_last_max"""


def _in_window(window: Window, moment: str) -> str:
    conditions = [f"{moment} IS NOT NULL"]
    if window.start is not None:
        conditions.append(f"{moment} >= {timestamp(window.start)}")
    if window.end is not None:
        conditions.append(f"{moment} < {timestamp(window.end)}")
    return " AND ".join(conditions)


def in_scope_sql(scope: str) -> str:
    """Whether the row's raw ``et`` is in ``scope`` (Python checks the rule on every
    distinct value: :func:`~.results.scope_rule_holds`)."""
    pstn = "lower(trim(coalesce(et, ''))) = 'pstn'"
    if scope == ALL_SCOPE:
        return "true"
    return pstn if scope == PSTN_SCOPE else f"NOT ({pstn})"


def placed_rows(rows: str, window: Window, scope: str) -> str:
    """``rows`` with the window's column ``m``, ``in_win`` and ``in_scope``."""
    moment = "tgm" if window.column == WRITTEN else "cstm"
    return (
        f"SELECT *, {_in_window(window, moment)} AS in_win, {in_scope_sql(scope)} AS in_scope, "
        f"{moment} AS m FROM ({rows})"
    )


def _fdiv(value: str, divisor: int) -> str:
    """Floor division of BIGINTs (DuckDB's ``//`` truncates toward zero)."""
    return f"(({value}) - ((({value}) % {divisor}) + {divisor}) % {divisor}) // {divisor}"


#: SQL's failure rule on the raw end reason (Python checks that it agrees with
#: :func:`~acs_triage.codes.is_failure_end` on every distinct value: :func:`~.results.failure_rule_holds`).
FAILED = "NOT (coalesce(reason, '') = '0' OR starts_with(coalesce(reason, ''), '2'))"


def _states(placed: str) -> str:
    """``placed`` rows with ``st`` (where the row goes) and ``h`` (the call of a triaged row).

    ``h`` is the correlation id itself, not a hash of it: ``count(DISTINCT h)`` is then
    exact, as the reference aggregator's sets are (a 64-bit hash was ~20 % faster, but two
    ids sharing a hash would make the engines disagree)."""
    return f"""SELECT *,
        CASE WHEN in_win THEN (CASE WHEN in_scope THEN 0 ELSE 1 END)
             ELSE (CASE WHEN in_scope THEN 2 ELSE 3 END) END AS st,
        CASE WHEN in_win AND in_scope THEN cid END AS h
    FROM ({placed})"""


#: The fine groups of both queries: where the row goes, its raw end codes, endpoint
#: type, category and call type.
FINE = "st, reason, sub, et, cat, ctype"


def aggregate_sql(rows: str, window: Window, scope: str, bin_size: timedelta, middle: datetime | None) -> str:
    """Every order-free aggregate of one window in one query over (unnumbered) ``rows``,
    told apart by ``k``. The CTE is ``NOT MATERIALIZED``: each aggregation scans the
    files itself, which costs the same at 1M rows and less at 5M than DuckDB's default
    of materialising the CTE, whose rows outgrow :data:`~.engine.MEMORY_LIMIT` (measured:
    8.3 s against 11.8 s at 5M rows; the materialised CTE can also run out of memory,
    and the file then goes to the reference reader):

    - ``fine``: per :data:`FINE` group: rows, rows with an identifier, first and last
      time, legs in the second half of the window (when ``middle`` is known);
    - ``pair``: distinct calls per raw end codes of the triaged rows;
    - ``bin``: per timeline bin, triaged legs, failed legs and distinct calls;
    - ``binpair`` (for bins that are not whole minutes): per timeline bin and raw end
      codes, failed legs;
    - ``total``: distinct calls, and :data:`VOUCH`;
    - ``minutes`` (without ``middle``, or with bins of whole minutes): triaged legs per raw
      end codes and minute, as lists (Python adds the failed ones up per bin: one
      aggregation fewer).

    What depends on the input order comes from :func:`order_sql`.
    """
    step = int(bin_size.total_seconds()) * 1_000_000
    recent = f"count(*) FILTER (WHERE m >= {timestamp(middle)})" if middle is not None else "NULL::BIGINT"
    by_minute = bin_size % timedelta(minutes=1) == timedelta(0)
    binpair = (
        ""
        if by_minute
        else f"""
    UNION ALL BY NAME
    SELECT 'binpair' AS k, {_fdiv("epoch_us(m)", step)} AS b, reason, sub, count(*) AS n
    FROM r WHERE st = 0 AND {FAILED} GROUP BY ALL"""
    )
    minutes = (
        ""
        if middle is not None and not by_minute
        else f"""
    UNION ALL BY NAME
    SELECT 'minutes' AS k, reason, sub,
        list(mi ORDER BY mi) AS minute_keys, list(n ORDER BY mi) AS minute_legs
    FROM (SELECT reason, sub, {_fdiv("epoch_us(m)", 60_000_000)} AS mi, count(*) AS n
          FROM r WHERE st = 0 GROUP BY ALL)
    GROUP BY ALL"""
    )
    return f"""
    WITH r AS NOT MATERIALIZED ({_states(placed_rows(rows, window, scope))})
    SELECT 'fine' AS k, {FINE}, count(*) AS n, count(ident) AS with_identifier,
        min(m) AS first, max(m) AS last, {recent} AS recent
    FROM r GROUP BY ALL
    UNION ALL BY NAME
    SELECT 'pair' AS k, reason, sub, count(DISTINCT h) AS calls FROM r WHERE st = 0 GROUP BY ALL
    UNION ALL BY NAME
    SELECT 'bin' AS k, {_fdiv("epoch_us(m)", step)} AS b, count(*) AS n,
        count(*) FILTER (WHERE {FAILED}) AS failed, count(DISTINCT h) AS calls
    FROM r WHERE st = 0 GROUP BY ALL{binpair}
    UNION ALL BY NAME
    SELECT 'total' AS k, count(DISTINCT h) AS calls, {VOUCH} FROM r{minutes}
    """


def order_sql(rows: str, window: Window, scope: str, limit: int | None) -> str:
    """What depends on the input order, from the first ``limit`` (numbered) ``rows`` (all
    when None): per :data:`FINE` group, its rows among them, its first row, and its first
    :data:`EXAMPLE_CANDIDATES` correlation ids and identifiers with their rows."""
    k = EXAMPLE_CANDIDATES
    head = f"SELECT * FROM ({rows}) LIMIT {limit}" if limit is not None else rows
    return f"""
    SELECT 'order' AS k, {FINE}, count(*) AS n, count(ident) AS with_identifier, min(rn) AS first_row,
        min_by({{'r': rn, 'v': cid}}, rn, {k}) FILTER (WHERE st = 0) AS examples,
        min_by({{'r': rn, 'v': ident}}, rn, {k}) FILTER (WHERE st = 0 AND ident IS NOT NULL) AS identifiers
    FROM ({_states(placed_rows(head, window, scope))}) GROUP BY ALL
    """


def first_values_sql(rows: str, window: Window, scope: str, column: str) -> str:
    """Per raw pair, the first :data:`EXAMPLE_CANDIDATES` distinct raw values of
    ``column`` among its triaged rows (by their first row), and how many there are: for
    the pairs whose first rows did not hold enough distinct ones."""
    placed = placed_rows(rows, window, scope)
    return f"""
    SELECT reason, sub, min_by({{'r': r, 'v': v}}, r, {EXAMPLE_CANDIDATES}) AS firsts,
        count(*) AS distinct_values
    FROM (
        SELECT reason, sub, {column} AS v, min(rn) AS r FROM ({placed})
        WHERE in_win AND in_scope AND {column} IS NOT NULL GROUP BY ALL
    ) GROUP BY ALL
    """
