"""Where a command's output goes: data to stdout or ``--output``, diagnostics to stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

import typer

from acs_triage.errors import InputError
from acs_triage.formats import OutputFormat, View, render
from acs_triage.formats.base import DEFAULT_WIDTH

__all__ = ["emit", "emit_text", "output_width", "set_wide", "warn", "warn_unless_shown", "write_text"]

_wide = False


def set_wide(wide: bool) -> None:
    """``--wide``: tables and text as wide as their content, whatever the terminal."""
    global _wide
    _wide = wide


def output_width() -> int | None:
    """The width ``table`` output fits: ``COLUMNS`` when set, else the terminal's (stdout's,
    or stderr's when stdout is piped), else 100; None with ``--wide``."""
    if _wide:
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), 20)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None and stream.isatty():
                return max(os.get_terminal_size(stream.fileno()).columns, 20)
        except (OSError, ValueError, AttributeError):
            continue
    return DEFAULT_WIDTH


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path``; an unwritable file is an input/output error (exit 5)."""
    try:
        path.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def emit(view: View, fmt: OutputFormat, output: Path | None) -> None:
    """Write the rendered view to stdout, or to ``--output``."""
    emit_text(render(view, fmt, output_width()), output)


def emit_text(text: str, output: Path | None) -> None:
    """Write ``text`` (a rendered view, a template, a workbook) to stdout, or to ``--output``."""
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader (e.g. `| head`) went away: drop the rest, keep the exit code.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return
    write_text(output, text)
    typer.echo(f"wrote {output}", err=True)


def warn_unless_shown(messages: Iterable[str], fmt: OutputFormat, output: Path | None) -> None:
    """Warnings the report carries: on stderr, unless the output already shows them to the
    person at the terminal (table or Markdown on a terminal), so nothing is said twice."""
    shown = fmt in (OutputFormat.TABLE, OutputFormat.MARKDOWN) and output is None and sys.stdout.isatty()
    if not shown:
        for message in messages:
            warn(message)


def warn(message: str) -> None:
    """A warning on stderr (never on stdout, which carries data)."""
    typer.echo(f"acs-triage: warning: {message}", err=True)
