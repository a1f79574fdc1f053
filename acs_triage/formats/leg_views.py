"""Views of leg-level reports: ``call`` (every leg of one call, and its Call Automation
requests) and ``legs`` (failed legs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from acs_triage.formats.base import View
from acs_triage.formats.blocks import Block, Column, Fields, Figures, Items, Section, Table, Text
from acs_triage.formats.charts import endings_chart
from acs_triage.formats.common import ORIGIN, REASON, RETRY, SUB_CODE, WHO_ACTS, advice_blocks
from acs_triage.records import scope_legs
from acs_triage.triage.automation import AutomationReport, ExplainedOperation
from acs_triage.triage.legs import AnnotatedLeg, CallReport, FailedLegsReport

__all__ = ["LEG_COLUMNS", "call_view", "legs_view"]


def _seconds(value: object) -> str:
    """A leg's time to the second, for people (the JSON and CSV keep every digit)."""
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if isinstance(value, datetime) else str(value or "")


TIME = Column("time_generated", "time (UTC)", show=_seconds)
CORRELATION = Column("correlation_id", "correlation id")
IDENTIFIER = Column("identifier", "identifier", drop=6)
ENDPOINT = Column("endpoint_type", "endpoint", drop=7)
LEG_TITLE = Column("title", "title", wrap=True, least=20)

#: Every field of a leg in the JSON, in order: the CSV columns of ``call`` and ``legs``.
LEG_COLUMNS = tuple(
    Column(key, key)
    for key in (
        "time_generated",
        "correlation_id",
        "participant_id",
        "identifier",
        "endpoint_type",
        "pstn_call_type",
        "end_reason",
        "end_sub_code",
        "failed",
        "title",
        "documented",
        "match_level",
        "generated_by",
        "category",
        "who_acts",
        "retry",
        "actions",
        "source",
        "result_category",
        "connectivity",
    )
)


def _flagged(leg: AnnotatedLeg) -> str:
    return leg.explanation.title + ("" if leg.explanation.documented else " [undocumented]")


def _csv(legs: Sequence[AnnotatedLeg]) -> Table:
    rows = []
    for item in legs:
        document = item.to_dict()
        document["time_generated"] = item.leg.time_generated
        rows.append([document[c.key] for c in LEG_COLUMNS])
    return Table(LEG_COLUMNS, rows)


def _status(report: CallReport | FailedLegsReport) -> list[Block]:
    blocks: list[Block] = []
    if report.partial:
        blocks.append(Text("PARTIAL DATA: the service returned part of the answer; more legs may exist."))
    if report.warnings:
        blocks.append(Items("Warnings:", list(report.warnings)))
    if report.pii_masked and report.legs:
        blocks.append(Text("Phone numbers are masked; --show-pii reveals them."))
    return blocks


def _result(op: ExplainedOperation) -> str:
    """The logged ResultType, saying "failed" when the status says so and the type does not."""
    result_type = op.operation.result_type
    if not op.failed or result_type.strip().lower() == "failed":
        return result_type
    return f"{result_type or '(blank)'} (failed)"


def _meaning(op: ExplainedOperation) -> str:
    """A failed request explained only by its HTTP class (or not at all) says so."""
    tag = f" [{op.explanation.level.value}]" if op.failed and not op.explanation.documented else ""
    return op.explanation.meaning.title + tag


_OPERATION_COLUMNS = (
    TIME,
    Column("operation_name", "operation"),
    Column("result_type", "result", drop=3),
    Column("result_signature", "HTTP status", right=True),
    Column("title", "meaning", wrap=True, least=20),
    Column("who_acts", "who acts", show=lambda v: ", ".join(v), wrap=True, drop=2),
)


def _automation_summary(automation: AutomationReport) -> str:
    if not automation.available:
        return str(automation.reason)
    capped = "; capped: older requests first, newer ones not shown" if automation.capped else ""
    return f"{len(automation.operations)}, {len(automation.failed)} failed{capped}"


def _automation_sections(automation: AutomationReport) -> list[Section]:
    """The requests as a table (none when the source cannot have them), then what each
    failed one means, with the documented sub-codes it may have carried (candidates: the
    log holds none)."""
    if not automation.available:
        return []
    rows = [
        [
            op.operation.time_generated,
            op.operation.operation_name,
            _result(op),
            op.operation.result_signature,
            _meaning(op),
            op.explanation.meaning.who_acts,
        ]
        for op in automation.operations
    ]
    sections = [
        Section(
            title="Call Automation operations",
            blocks=[Table(_OPERATION_COLUMNS, rows, empty="no Call Automation requests for this call")],
        )
    ]
    for op in automation.failed:
        meaning = op.explanation.meaning
        blocks: list[Block] = [
            Fields([("Meaning", f"{meaning.title} (from {op.explanation.basis})")]),
            Items("What to do:", list(meaning.actions)),
        ]
        status = op.operation.result_signature
        if op.candidates:
            blocks.append(
                Items(
                    f"Documented Call Automation sub-codes for {status} (candidates only: the log holds "
                    "no sub-code, so it may have been one of these, or another):",
                    [f"{c.end_reason}/{c.end_sub_code}: {c.meaning.title}" for c in op.candidates],
                )
            )
        name = op.operation.operation_name or "(no operation name)"
        when = _seconds(op.operation.time_generated)
        sections.append(Section(title=f"{name} {status or ''} at {when}: what to do", blocks=blocks))
    return sections


#: A leg's cell for each column key of the human tables.
_CELL: dict[str, Callable[[AnnotatedLeg], object]] = {
    "time_generated": lambda item: item.leg.time_generated,
    "correlation_id": lambda item: item.leg.correlation_id,
    "endpoint_type": lambda item: item.leg.endpoint_type,
    "identifier": lambda item: item.identifier,
    "end_reason": lambda item: item.leg.end_reason,
    "end_sub_code": lambda item: item.leg.end_sub_code,
    "title": _flagged,
    "generated_by": lambda item: item.explanation.generated_by,
    "who_acts": lambda item: item.explanation.meaning.who_acts_for(item.connectivity),
    "retry": lambda item: item.explanation.meaning.retry,
}


def _legs_table(legs: Sequence[AnnotatedLeg], columns: Sequence[Column], empty: str) -> Table:
    return Table(columns, [[_CELL[c.key](item) for c in columns] for item in legs], empty=empty)


def call_view(report: CallReport) -> View:
    columns = (TIME, ENDPOINT, IDENTIFIER, REASON, SUB_CODE, LEG_TITLE, ORIGIN, WHO_ACTS, RETRY)
    failed = sum(1 for item in report.legs if item.failed)
    automation = report.call_automation
    head: list[Block] = [
        Figures(
            [
                ("Legs", str(len(report.legs)), f"{failed} failed"),
                (
                    "Call Automation requests",
                    str(len(automation.operations)) if automation.available else "n/a",
                    f"{len(automation.failed)} failed" if automation.available else "not available",
                ),
            ]
        ),
        Fields(
            [
                ("Correlation id", report.correlation_id),
                ("Legs", f"{len(report.legs)}, {failed} failed"),
                ("Call Automation", _automation_summary(report.call_automation)),
            ]
        ),
        *_status(report),
    ]
    sections = [
        Section(title="acs-triage: call legs", blocks=head),
        Section(
            title="Legs",
            blocks=[
                endings_chart(
                    (
                        i.leg.end_reason,
                        i.leg.end_sub_code,
                        i.leg.endpoint_type,
                        i.explanation.meaning.category,
                        _flagged(i),
                    )
                    for i in report.legs
                ),
                _legs_table(report.legs, columns, "no legs found for this call"),
            ],
        ),
    ]
    for item in report.legs:
        leg = item.leg
        if item.failed and item.actions:
            meaning = item.explanation.meaning
            sections.append(
                Section(
                    title=f"{leg.end_reason}/{leg.end_sub_code} ({leg.endpoint_type}): "
                    + item.explanation.title,
                    blocks=advice_blocks((), item.actions, meaning.note),
                )
            )
    sections += _automation_sections(report.call_automation)
    return View(document=report.to_dict(), sections=sections, csv=_csv(report.legs))


def legs_view(report: FailedLegsReport) -> View:
    wanted = report.wanted
    what = f"failed {scope_legs(wanted.scope)}"
    filters = ", ".join(f"{k}={v}" for k, v in wanted.to_dict().items() if v and k != "scope") or "none"
    if report.capped:
        of = f" of {report.matched}" if report.matched is not None else ""
        shown = (
            f"showing the newest {len(report.legs)}{of} {what} (--max-rows {wanted.max_rows}); "
            "narrow the window or filter by --end-reason/--sub-code for the older ones"
        )
    else:
        shown = f"{len(report.legs)} {what}, newest first"
    head: list[Block] = [Fields([("Legs", shown), ("Filters", filters)]), *_status(report)]
    columns = (TIME, CORRELATION, IDENTIFIER, REASON, SUB_CODE, LEG_TITLE, ORIGIN, WHO_ACTS)
    return View(
        document=report.to_dict(),
        sections=[
            Section(title=f"acs-triage: {what}", blocks=head),
            Section(title="Legs", blocks=[_legs_table(report.legs, columns, f"no {what} in the window")]),
        ],
        csv=_csv(report.legs),
    )
