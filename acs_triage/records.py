"""Record types that flow from sources into the triage engine.

A *source* (:mod:`acs_triage.sources`: a Log Analytics workspace, exported files,
the bundled sample, a storage archive) hands the engine a :class:`TriageInput`:
aggregated rows (:class:`PairAggregate`, :class:`TimelineBin`) that the workspace
computes in KQL and that :mod:`acs_triage.sources.aggregate` computes from raw
:class:`Leg` rows. Detail commands (``call``, ``legs``) get raw legs as a
:class:`LegBatch`. Readers of input rows yield one :data:`Item` per row: a
:class:`Leg`, a :class:`Rejection`, or a :class:`SkippedRecord` (a diagnostic
record of another log category).
``call`` also gets the call's Call Automation requests as an :class:`OperationBatch`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, TypeAlias

from acs_triage.codes import is_failed_operation
from acs_triage.windows import Window

#: Which legs a triage looks at (``--scope``): PSTN legs (the default), every other
#: endpoint type (VoIP, Server, BOT, ...), or all of them.
PSTN_SCOPE, VOIP_SCOPE, ALL_SCOPE = "pstn", "voip", "all"
LEG_SCOPES = (PSTN_SCOPE, VOIP_SCOPE, ALL_SCOPE)


def scope_legs(scope: str) -> str:
    """How the legs of a scope are named in messages: "PSTN legs", "VoIP legs", "legs"."""
    return {PSTN_SCOPE: "PSTN legs", VOIP_SCOPE: "VoIP legs"}.get(scope, "legs")


def is_pstn_endpoint(endpoint_type: str) -> bool:
    """The documented PSTN test: ``EndpointType =~ "PSTN"``."""
    return endpoint_type.strip().lower() == "pstn"


def in_scope(endpoint_type: str, scope: str) -> bool:
    """Whether a leg of this endpoint type belongs to ``scope``."""
    return scope == ALL_SCOPE or is_pstn_endpoint(endpoint_type) == (scope == PSTN_SCOPE)


class Leg(NamedTuple):
    """One ``ACSCallSummary`` row, as much of it as triage needs.

    Values are kept as the log holds them (strings); ``end_reason`` and
    ``end_sub_code`` are normalised by :func:`acs_triage.codes.normalize_code`.
    A named tuple: immutable, and cheap to build for every row of a large export.
    """

    time_generated: datetime
    correlation_id: str
    endpoint_type: str
    end_reason: str
    end_sub_code: str
    participant_id: str = ""
    identifier: str = ""
    call_start_time: datetime | None = None
    pstn_call_type: str = ""
    result_category: str = ""
    line: int = 0  # 1-based line (or record number) in the input, 0 when unknown
    #: the last line the row covers (a CSV row with a quoted line break spans several);
    #: 0 means ``line`` itself
    end_line: int = 0

    @property
    def is_pstn(self) -> bool:
        """The documented PSTN test: ``EndpointType =~ "PSTN"``."""
        return is_pstn_endpoint(self.endpoint_type)


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input row that could not be triaged, with where and why.

    ``reason`` may hold data, delimited by :func:`acs_triage.masking.quote`; it is
    shown through :func:`acs_triage.masking.mask_rejections`.
    """

    source: str  # file name, "-" for stdin
    line: int  # 1-based line number (CSV/JSONL) or record number (JSON)
    reason: str
    end_line: int = 0  #: the last line the rejection covers (``line`` when 0 or less)

    def __post_init__(self) -> None:
        if self.end_line < self.line:
            object.__setattr__(self, "end_line", self.line)


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A diagnostic record of another log category than ``CallSummary`` (e.g.
    ``CallDiagnostics``, ``CallSummaryUpdates``): read, counted, not triaged."""

    source: str
    line: int
    category: str


#: What a reader yields for each input row.
Item: TypeAlias = Leg | Rejection | SkippedRecord


@dataclass(frozen=True, slots=True)
class PairAggregate:
    """All PSTN legs that ended with one (end reason, sub-code) pair.

    This is exactly the row shape of ``kql/pstn-failures-by-pair.kql``.
    """

    end_reason: str
    end_sub_code: str
    legs: int
    calls: int
    first_seen: datetime | None
    last_seen: datetime | None
    recent_legs: int  # legs in the second half of the window (for the trend)
    example_correlation_ids: tuple[str, ...] = ()
    example_identifiers: tuple[str, ...] = ()
    #: legs per logged ResultCategory (Microsoft's verdict; "" for a blank value)
    result_categories: tuple[tuple[str, int], ...] = ()
    #: distinct PstnParticipantCallType values seen (a few at most)
    pstn_call_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TimelineBin:
    """PSTN volume and failures in one time bin (``kql/pstn-timeline.kql``)."""

    start: datetime
    legs: int
    calls: int
    failed_legs: int
    #: the bin's failed legs by pair: ``(end reason, sub-code, legs)``, at most
    #: :data:`MAX_BIN_PAIRS` pairs (the legs of further pairs are in ``failed_legs`` only)
    failed_by_pair: tuple[tuple[str, str, int], ...] = ()


#: Failed pairs listed per timeline bin (``make_list(..., 50)`` in ``kql/pstn-timeline.kql``).
MAX_BIN_PAIRS = 50


#: Distinct other log categories named in :attr:`RowAccounting.other_categories`;
#: further ones are counted under :data:`MORE_CATEGORIES`.
MAX_OTHER_CATEGORIES = 16
MORE_CATEGORIES = "(more)"


@dataclass(slots=True)
class RowAccounting:
    """Where every input row (and, for files, every input line) went.

    Rows: ``rows_read`` equals the sum of the four outcomes. Lines (sources that
    count them; ``lines_read`` is None for the others): every data line read is in a
    row, from its ``line`` to its ``end_line``, or blank, so ``lines_read`` equals
    ``lines_in_rows + lines_blank``. :meth:`balanced` checks both.
    """

    rows_read: int = 0
    triaged: int = 0
    skipped_not_pstn: int = 0  #: legs outside ``--scope`` (not PSTN, for the default scope)
    skipped_outside_window: int = 0  #: includes legs without CallStartTime in a CallStartTime window
    rejected: int = 0
    #: the earliest and latest time (of the window's column) of the legs left outside the
    #: window: what the data covers, for the hint when the window misses it
    outside_first: datetime | None = None
    outside_last: datetime | None = None
    #: diagnostic records of other log categories (CallDiagnostics, CallSummaryUpdates, ...)
    skipped_other_category: int = 0
    other_categories: dict[str, int] = field(default_factory=dict)  #: category -> records
    lines_read: int | None = None  #: data lines after the header (records in the JSON documents)
    lines_in_rows: int = 0  #: lines the rows read cover (triaged, skipped or rejected)
    lines_rejected: int = 0  #: lines the rejected rows cover
    lines_blank: int = 0  #: blank lines, skipped
    #: every rejection, counted by its reason without the data it quotes
    rejected_by_reason: dict[str, int] = field(default_factory=dict)

    def balanced(self) -> bool:
        rows = self.rows_read == (
            self.triaged
            + self.skipped_not_pstn
            + self.skipped_outside_window
            + self.skipped_other_category
            + self.rejected
        )
        return rows and (self.lines_read is None or self.lines_read == self.lines_in_rows + self.lines_blank)

    def skip_category(self, category: str) -> None:
        """Count one record of another log category (memory bounded whatever the input)."""
        self.skipped_other_category += 1
        named = self.other_categories
        key = category if category in named or len(named) < MAX_OTHER_CATEGORIES else MORE_CATEGORIES
        named[key] = named.get(key, 0) + 1


@dataclass(frozen=True, slots=True)
class ResourceTotals:
    """One resource's part of a storage archive (a folder tree or a storage account):
    what was read from its hourly blobs, and its legs of the triage's scope (PSTN by
    default) in the (first) window."""

    resource_id: str
    blobs: int  #: hourly blobs opened
    bytes_read: int
    rows_read: int
    legs: int  #: legs in the window, of the triage's scope
    failed_legs: int  #: of them, failed (end reason neither 0 nor 2xx)


@dataclass(slots=True)
class TriageInput:
    """What every source hands the engine: aggregates plus how they were obtained."""

    pairs: list[PairAggregate]
    total_legs: int
    total_calls: int
    timeline: list[TimelineBin]
    window: Window
    source_kind: str  # "workspace" | "file" | "sample"
    source_description: str
    partial: bool = False
    warnings: list[str] = field(default_factory=list)
    accounting: RowAccounting | None = None
    rejections: list[Rejection] = field(default_factory=list)
    calls_approximate: bool = False
    query_requests: int = 0
    #: PSTN legs in the first and second half of the window (for volume-scaled trends)
    half_volumes: tuple[int, int] | None = None
    scope: str = PSTN_SCOPE  #: which legs the aggregates cover (``--scope``)
    #: every leg of the window by EndpointType (as logged, lower-cased), whatever the scope
    legs_by_endpoint_type: dict[str, int] = field(default_factory=dict)
    #: failed legs of the window outside the scope (not in the aggregates)
    failed_legs_out_of_scope: int = 0
    #: per resource, for a storage archive (empty for other sources)
    resources: list[ResourceTotals] = field(default_factory=list)


@dataclass(frozen=True)
class LegFilter:
    """Which failed legs ``legs`` lists: in ``scope``, optionally of one end reason and/or
    sub-code (blank: any), the newest ``max_rows`` of them."""

    end_reason: str = ""
    sub_code: str = ""
    max_rows: int = 1000
    scope: str = PSTN_SCOPE

    def matches(self, leg: Leg) -> bool:
        """Whether a failed leg passes the end-reason, sub-code and scope filters."""
        return (
            in_scope(leg.endpoint_type, self.scope)
            and (not self.end_reason or leg.end_reason == self.end_reason)
            and (not self.sub_code or leg.end_sub_code == self.sub_code)
        )

    def to_dict(self) -> dict[str, str]:
        """The filters as the ``legs`` JSON writes them (blank means any)."""
        return {"end_reason": self.end_reason, "sub_code": self.sub_code, "scope": self.scope}


@dataclass(slots=True)
class LegBatch:
    """Raw legs a source found for a detail question (one call, failed legs)."""

    legs: list[Leg]
    rejections: list[Rejection] = field(default_factory=list)  #: the first ones, in detail
    partial: bool = False
    warnings: list[str] = field(default_factory=list)
    capped: bool = False  #: more legs matched than were asked for; the oldest were left out
    matched: int | None = None  #: how many legs matched before the cap (None: not counted)
    rejected: int = 0  #: every rejection (``rejections`` lists the first of them)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)


class AutomationOperation(NamedTuple):
    """One ``ACSCallAutomationIncomingOperations`` row: a request to a Call Automation API
    (CreateCall, Answer, Play, ...) and its result. The table has no sub-code column."""

    time_generated: datetime
    operation_name: str
    result_type: str  #: as logged: "Succeeded", "Failed", ...
    result_signature: int | None  #: the HTTP status of the request
    call_connection_id: str = ""
    operation_version: str = ""
    sub_operation_name: str = ""
    operation_id: str = ""
    duration_ms: int | None = None
    sdk_type: str = ""
    sdk_version: str = ""
    correlation_id: str = ""

    @property
    def failed(self) -> bool:
        """See :func:`acs_triage.codes.is_failed_operation`."""
        return is_failed_operation(self.result_type, self.result_signature)


@dataclass(slots=True)
class OperationBatch:
    """The Call Automation requests a source found for one call.

    ``available`` is False when the source cannot hold them at all (exported call-summary
    files, a workspace without the table); ``reason`` then says why, and ``operations`` is
    empty: "none found" and "not available" are different answers.
    """

    operations: list[AutomationOperation]
    available: bool = True
    reason: str | None = None
    partial: bool = False
    warnings: list[str] = field(default_factory=list)
    capped: bool = False  #: more requests matched than were asked for; the newest were left out

    @classmethod
    def unavailable(cls, reason: str) -> OperationBatch:
        return cls([], available=False, reason=reason)
