"""Where a command's output goes: data to stdout or ``--output``, diagnostics to stderr."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from acs_triage.errors import InputError
from acs_triage.formats import OutputFormat, View, render

__all__ = ["emit", "emit_text", "warn", "write_text"]


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path``; an unwritable file is an input/output error (exit 5)."""
    try:
        path.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def emit(view: View, fmt: OutputFormat, output: Path | None) -> None:
    """Write the rendered view to stdout, or to ``--output``."""
    emit_text(render(view, fmt), output)


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


def warn(message: str) -> None:
    """A warning on stderr (never on stdout, which carries data)."""
    typer.echo(f"acs-triage: warning: {message}", err=True)
