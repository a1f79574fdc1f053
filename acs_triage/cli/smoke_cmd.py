"""``acs-triage smoke``: a CI gate that fails fast when PSTN calls start failing.

Registered on the app in :mod:`acs_triage.cli.app`. The gate logic lives in
:mod:`acs_triage.smoke`; this module parses options (the thresholds as one
:class:`~acs_triage.smoke.config.GateConfig`, the source as one
:class:`~acs_triage.cli.options.SourceRequest`), collects through the source, and
writes the outputs (stdout/``--output``, ``--junit``, ``--summary``,
``$GITHUB_STEP_SUMMARY``, GitHub annotations). Exit codes: 0 pass, 1 gate failed,
2 usage, 3 auth/config, 4 query, 5 input, 6 inconclusive (``docs/smoke.md``).

Only the configuration (:mod:`acs_triage.smoke.config`, the type of the option group)
is imported with this module; the gate, its collection and its outputs are imported when
the command runs, so registering it costs ``explain`` and ``--help`` nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from acs_triage.catalog.loader import load_catalog
from acs_triage.cli.groups import uses
from acs_triage.cli.options import LegScope, ScopeOpt, SourceRequest, source_options
from acs_triage.cli.output import emit, is_stdout, say, say_error, warn, write_file, write_stdout
from acs_triage.cli.output_options import FormatOpt, OutputOpt
from acs_triage.cli.progress import WaitProgress, querying
from acs_triage.errors import AcsTriageError, UsageError
from acs_triage.formats import OutputFormat, render
from acs_triage.smoke.config import (
    DEFAULT_BLOCK_PAIRS,
    DEFAULT_IGNORE_CATEGORIES,
    GateConfig,
    parse_block_pair,
)
from acs_triage.windows import LIVE_SETTLE, WindowPlan, WindowRequest, parse_span

if TYPE_CHECKING:
    from acs_triage.smoke.result import SmokeResult

__all__ = ["gate_options", "smoke"]


def _repeatable(flag: str, help_text: str) -> Any:
    """A repeatable option (given once per value)."""
    return typer.Option(flag, help=f"{help_text} Repeatable.")


def gate_options(
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="Compare with this long a window right before the current "
            "one, e.g. 7d (regression check; off by default).",
        ),
    ] = None,
    max_failure_rate: Annotated[
        float,
        typer.Option(
            "--max-failure-rate",
            min=0.0,
            max=100.0,
            help="Fail above this percentage of failed legs (callee outcomes and ignored categories "
            "excluded).",
        ),
    ] = 10.0,
    max_unexpected_rate: Annotated[
        float | None,
        typer.Option(
            "--max-unexpected-rate",
            min=0.0,
            max=100.0,
            help="Also fail above this percentage of legs Microsoft logs as unexpected (ResultCategory "
            "Unexpected*, as Call Diagnostics counts them). Off by default: reported, not gated.",
        ),
    ] = None,
    ignore_category: Annotated[
        list[str] | None,
        _repeatable(
            "--ignore-category",
            "Also leave this category out of the failure rate (busy, no answer, declined and canceled "
            "legs are left out by default).",
        ),
    ] = None,
    include_callee_outcomes: Annotated[
        bool,
        typer.Option(
            "--include-callee-outcomes",
            "--no-default-ignores",
            help="Count busy, no-answer, declined and canceled legs as failures too.",
        ),
    ] = False,
    block: Annotated[
        list[str] | None,
        _repeatable(
            "--block",
            "END_REASON/SUB_CODE that fails the gate on one leg (403/* for any sub-code). Added to "
            "the defaults 403/511532, 403/510403, 404/511404.",
        ),
    ] = None,
    block_category: Annotated[
        list[str] | None,
        _repeatable(
            "--block-category", "Category that fails the gate on one leg, e.g. caller-configuration."
        ),
    ] = None,
    no_default_blocks: Annotated[
        bool, typer.Option("--no-default-blocks", help="Clear the default blocking pairs.")
    ] = False,
    min_legs: Annotated[
        int,
        typer.Option("--min-legs", min=1, help="Fewer considered legs makes the rate checks inconclusive."),
    ] = 20,
    alpha: Annotated[
        float,
        typer.Option("--alpha", min=0.0, max=1.0, help="Significance level of the regression z-test."),
    ] = 0.01,
    min_increase: Annotated[
        float,
        typer.Option(
            "--min-increase",
            min=0.0,
            max=100.0,
            help="Smallest failure-rate increase, in percentage points, that fails the regression check.",
        ),
    ] = 2.0,
    scope: ScopeOpt = LegScope.PSTN,
) -> GateConfig:
    """The gate's thresholds and rules, checked against the catalog's categories."""
    from acs_triage.smoke.gate import known_categories

    ignores = set(DEFAULT_IGNORE_CATEGORIES) | {c.strip() for c in ignore_category or [] if c.strip()}
    pairs = [] if no_default_blocks else list(DEFAULT_BLOCK_PAIRS)
    for text in block or []:
        pair = parse_block_pair(text)
        if pair not in pairs:
            pairs.append(pair)
    config = GateConfig(
        max_failure_rate=max_failure_rate,
        ignore_categories=frozenset(ignores),
        block_pairs=tuple(pairs),
        block_categories=frozenset(c.strip() for c in block_category or [] if c.strip()),
        min_legs=min_legs,
        alpha=alpha,
        min_increase=min_increase,
        baseline=parse_span(baseline, "--baseline") if baseline else None,
        count_callee_outcomes=include_callee_outcomes,
        max_unexpected_rate=max_unexpected_rate,
        scope=scope.value,
    )
    config.validate_categories(known_categories(load_catalog()))
    return config


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the option was given on the command line or in the environment."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")


@uses(source=source_options, config=gate_options)
def smoke(
    ctx: typer.Context,
    source: SourceRequest,
    config: GateConfig,
    since: Annotated[
        str, typer.Option("--since", help="Length of the window checked, e.g. 30m, 2h.")
    ] = "30m",
    settle: Annotated[
        str | None,
        typer.Option(
            "--settle",
            help="Ingestion margin: the window ends this long before now. "
            "Default 5m for workspaces/resources, 0 for files and the sample "
            "(whose window ends at their newest row).",
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--end",
            help="End the window exactly here (ISO-8601) instead of now minus "
            "--settle (or the newest row); --settle is then not applied.",
        ),
    ] = None,
    deployed_at: Annotated[
        str | None,
        typer.Option(
            "--deployed-at",
            help="Judge only calls placed at or after this time (ISO-8601; CallStartTime), whenever "
            "their rows were written. Replaces --since; --baseline is then the calls placed before it.",
        ),
    ] = None,
    wait: Annotated[
        str | None,
        typer.Option(
            "--wait",
            help="Wait up to this long (e.g. 20m) for --min-legs legs in --scope to arrive, polling with one "
            "cheap query, then judge. ACS writes a call's summary only once the call record is complete.",
        ),
    ] = None,
    poll_every: Annotated[
        str,
        typer.Option("--poll-every", help="Polling interval for --wait (1s to 5m)."),
    ] = "30s",
    junit: Annotated[
        Path | None,
        typer.Option("--junit", dir_okay=False, help="Write a JUnit XML file, one testcase per check."),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary",
            dir_okay=False,
            help="Write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set).",
        ),
    ] = None,
    github_annotations: Annotated[
        bool,
        typer.Option(
            "--annotations/--no-annotations",
            help="In GitHub Actions (GITHUB_ACTIONS=true), print ::error/::warning/::notice "
            "workflow commands to stdout, when stdout holds the table format or "
            "--output is used.",
        ),
    ] = True,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> int:
    """CI gate: fail fast when PSTN calls start failing after a deployment.

    Busy, no-answer, declined and canceled legs are left out of the failure rate by default
    (Microsoft marks a busy callee and a canceled call as Success); blocking pairs fail the
    gate on one leg. With --deployed-at, only calls placed after the deployment are judged.
    """
    from acs_triage.smoke.collect import GateWindows, collect_windows, plan_for
    from acs_triage.smoke.gate import error_result, run_gate
    from acs_triage.smoke.wait import wait_for_legs

    since_span = parse_span(since, "--since")
    request = WindowRequest.parse(end=end)
    end_at = request.end
    deployed = None if deployed_at is None else WindowRequest.parse(start=deployed_at).start
    if deployed is not None and _given(ctx, "since"):
        raise UsageError(
            "use either --deployed-at or --since: --deployed-at judges every call placed since then"
        )
    wait_span = None if wait is None else parse_span(wait, "--wait")
    every = parse_span(poll_every, "--poll-every")
    settle_span = None if settle is None else parse_span(settle, "--settle", allow_zero=True)
    if end_at is not None and settle is not None:
        warn("--settle is not applied when --end is given")
    if deployed is not None and settle is not None:
        warn("--settle is not applied with --deployed-at: calls are selected by when they were placed")
    if wait_span is not None:  # --timeout bounds the queries; the wait comes on top of it
        connection = source.spec.connection
        budget = connection.timeout + wait_span.total_seconds()
        source = replace(source, spec=replace(source.spec, connection=replace(connection, timeout=budget)))
    kind, description = source.spec.kind, source.spec.describe()
    plan: WindowPlan | None = None
    notes: list[str] = []
    try:
        with source.open() as opened:
            kind, description = opened.kind, opened.description
            settled = settle_span if settle_span is not None else LIVE_SETTLE if opened.live else timedelta(0)
            asked = GateWindows(since_span, settled, config.baseline, end_at, deployed)

            def make_plan() -> WindowPlan:
                return plan_for(opened, asked)

            if wait_span is not None:
                progress = WaitProgress(config.min_legs, wait_span)
                outcome = wait_for_legs(
                    opened,
                    make_plan,
                    config.min_legs,
                    wait_span,
                    every,
                    progress=progress,
                    scope=config.scope,
                )
                progress.done(outcome)
                if not outcome.reached:
                    notes.append(outcome.hint())
            with querying(opened):
                plan = make_plan()
                collected = collect_windows(opened, plan, scope=config.scope)
        result = run_gate(collected, config)
        result = replace(result, warnings=(*result.warnings, *notes))
    except UsageError:
        raise
    except AcsTriageError as exc:
        say_error(exc)
        result = error_result(exc, config, source_kind=kind, source_description=description, plan=plan)
    return _report(
        result, fmt=fmt, output=output, junit=junit, summary=summary, github_annotations=github_annotations
    )


def _report(
    result: SmokeResult,
    *,
    fmt: OutputFormat,
    output: Path | None,
    junit: Path | None,
    summary: Path | None,
    github_annotations: bool,
) -> int:
    """Write every requested output and return the gate's exit code."""
    from acs_triage.formats.smoke_view import smoke_view
    from acs_triage.smoke.github import annotation_lines, append_step_summary, running_in_github_actions
    from acs_triage.smoke.junit import junit_xml

    view = smoke_view(result)
    emit(view, fmt, output)
    markdown = render(view, OutputFormat.MARKDOWN)
    if junit is not None:
        write_file(junit, junit_xml(result), parents=True)
        say(f"wrote {junit}")
    if summary is not None:
        write_file(summary, markdown, parents=True)
        say(f"wrote {summary}")
    append_step_summary(markdown)
    if (
        github_annotations
        and running_in_github_actions()
        and (fmt is OutputFormat.TABLE or not is_stdout(output))
    ):
        write_stdout("".join(line + "\n" for line in annotation_lines(result)))
    for warning in result.warnings:
        warn(warning)
    return int(result.exit_code)
