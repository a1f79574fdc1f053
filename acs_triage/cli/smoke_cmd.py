"""``acs-triage smoke``: a CI gate that fails fast when PSTN calls start failing.

Registered on the app in :mod:`acs_triage.cli.app`. The gate logic lives in
:mod:`acs_triage.smoke`; this module parses options (the thresholds as one
:class:`~acs_triage.smoke.config.GateConfig`, the source as one
:class:`~acs_triage.cli.options.SourceRequest`), collects through the source, and
writes the outputs (stdout/``--output``, ``--junit``, ``--summary``,
``$GITHUB_STEP_SUMMARY``, GitHub annotations). Exit codes: 0 pass, 1 gate failed,
2 usage, 3 auth/config, 4 query, 5 input, 6 inconclusive (``docs/smoke.md``).
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from acs_triage.catalog.loader import load_catalog
from acs_triage.cli.groups import uses
from acs_triage.cli.options import FormatOpt, OutputOpt, SourceRequest, source_options
from acs_triage.cli.output import emit, warn
from acs_triage.cli.progress import spinner
from acs_triage.errors import AcsTriageError, InputError, UsageError
from acs_triage.formats import OutputFormat, render
from acs_triage.formats.smoke_view import smoke_view
from acs_triage.smoke.checks import error_result, known_categories, run_gate
from acs_triage.smoke.collect import collect_windows, plan_for
from acs_triage.smoke.config import (
    DEFAULT_BLOCK_PAIRS,
    DEFAULT_IGNORE_CATEGORIES,
    GateConfig,
    parse_block_pair,
)
from acs_triage.smoke.github import (
    annotation_lines,
    append_step_summary,
    running_in_github_actions,
)
from acs_triage.smoke.junit import write_junit
from acs_triage.smoke.result import SmokeResult
from acs_triage.windows import LIVE_SETTLE, WindowPlan, WindowRequest, parse_span

__all__ = ["gate_options", "smoke"]


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
            help="Fail above this percentage of failed legs (ignored categories excluded).",
        ),
    ] = 10.0,
    ignore_category: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore-category",
            help="Leave this category out of the failure rate "
            "(repeatable; 'canceled' is ignored by default).",
        ),
    ] = None,
    no_default_ignores: Annotated[
        bool, typer.Option("--no-default-ignores", help="Do not ignore 'canceled': count every failed leg.")
    ] = False,
    block: Annotated[
        list[str] | None,
        typer.Option(
            "--block",
            help="END_REASON/SUB_CODE that fails the gate on one leg (repeatable; "
            "403/* for any sub-code). Added to the defaults 403/511532, "
            "403/510403, 404/511404.",
        ),
    ] = None,
    block_category: Annotated[
        list[str] | None,
        typer.Option(
            "--block-category",
            help="Category that fails the gate on one leg (repeatable), e.g. caller-configuration.",
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
        float, typer.Option("--alpha", min=0.0, max=1.0, help="Significance level of the regression z-test.")
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
) -> GateConfig:
    """The gate's thresholds and rules, checked against the catalog's categories."""
    ignores = set() if no_default_ignores else set(DEFAULT_IGNORE_CATEGORIES)
    ignores |= {c.strip() for c in ignore_category or [] if c.strip()}
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
    )
    config.validate_categories(known_categories(load_catalog()))
    return config


def _write_summary(path: Path, markdown: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


@uses(source=source_options, config=gate_options)
def smoke(
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
    """CI gate: fail fast when PSTN calls start failing after a deployment."""
    since_span = parse_span(since, "--since")
    end_at = WindowRequest.parse(end=end).end
    settle_span = None if settle is None else parse_span(settle, "--settle", allow_zero=True)
    if end_at is not None and settle is not None:
        warn("--settle is not applied when --end is given")
    kind, description = source.spec.kind, source.spec.describe()
    plan: WindowPlan | None = None
    try:
        with source.open() as opened, spinner(f"querying {opened.description}", live=opened.live):
            kind, description = opened.kind, opened.description
            if settle_span is None:
                settle_span = LIVE_SETTLE if opened.live else timedelta(0)
            plan = plan_for(opened, since_span, settle_span, config.baseline, end=end_at)
            collected = collect_windows(opened, plan)
        result = run_gate(collected, config)
    except UsageError:
        raise
    except AcsTriageError as exc:
        typer.echo(f"acs-triage: error: {exc}", err=True)
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
    view = smoke_view(result)
    emit(view, fmt, output)
    markdown = render(view, OutputFormat.MARKDOWN)
    if junit is not None:
        write_junit(result, junit)
        typer.echo(f"wrote {junit}", err=True)
    if summary is not None:
        _write_summary(summary, markdown)
        typer.echo(f"wrote {summary}", err=True)
    append_step_summary(markdown)
    if (
        github_annotations
        and running_in_github_actions()
        and (fmt is OutputFormat.TABLE or output is not None)
    ):
        for line in annotation_lines(result):
            sys.stdout.write(line + "\n")
        sys.stdout.flush()
    for warning in result.warnings:
        warn(warning)
    return int(result.exit_code)
