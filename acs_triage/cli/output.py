"""Where a command's output goes: data to stdout or ``--output``, diagnostics to stderr.

- Files (``--output``, ``--junit``, ``--summary``) are written whole or not at all
  (:func:`acs_triage.atomicfile.write_atomically`); ``-o -`` means stdout.
- Standard output that cannot be written (closed, disk full) is an input/output
  error: exit 5 and one line. A reader that went away (``| head``, a broken pipe) is
  not an error: the rest of the output is dropped and the command keeps its exit
  code, so a gate's verdict stands.
- Everything written to stderr is neutralised (control characters and line breaks
  from the data shown escaped), one line per call; a stderr that cannot be written is
  ignored. Errors show the data they quote masked and URLs without credentials.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from acs_triage.atomicfile import write_atomically
from acs_triage.display import neutralise
from acs_triage.errors import AcsTriageError, InputError
from acs_triage.formats import OutputFormat, View, render
from acs_triage.formats.base import DEFAULT_WIDTH
from acs_triage.masking import mask_text, redact_urls

__all__ = [
    "emit",
    "emit_text",
    "error_lines",
    "error_text",
    "is_stdout",
    "output_width",
    "say",
    "say_error",
    "set_wide",
    "warn",
    "warn_unless_shown",
    "write_file",
    "write_stdout",
]

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


def is_stdout(output: Path | None) -> bool:
    """True when the output goes to stdout: no ``--output``, or ``--output -``."""
    return output is None or str(output) == "-"


def _drop_stdout() -> None:
    """The reader of stdout went away: send whatever is still buffered, or written
    later (the interpreter flushes at exit), to /dev/null."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def write_stdout(text: str) -> None:
    """Write ``text`` to stdout and flush; see the module docstring for failures."""
    stream = sys.stdout
    if stream is None:
        raise InputError("cannot write the output: standard output is closed", hint="or use --output FILE")
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        _drop_stdout()
    except (OSError, ValueError) as exc:  # ENOSPC, EBADF; ValueError: the stream is closed
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is closed"
        raise InputError(f"cannot write to standard output: {detail}", hint="or use --output FILE") from None


def write_file(path: Path, text: str, *, parents: bool = False) -> None:
    """Write ``text`` to ``path`` whole or not at all (``parents``: create missing
    folders); a file that cannot be written is an input/output error (exit 5)."""
    try:
        if parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text)
    except OSError as exc:
        raise InputError(f"cannot write {neutralise(str(path))}: {exc.strerror or exc}") from None


def say(line: str) -> None:
    """One neutralised line on stderr (never on stdout, which carries data)."""
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write(neutralise(line) + "\n")
        stream.flush()


def error_lines(exc: BaseException) -> list[str]:
    """An error as users see it: its message line, then its details (one per credential
    tried, ...), the data they quote masked and URLs without credentials."""
    lines = exc.lines() if isinstance(exc, AcsTriageError) else [" ".join(str(exc).split())]
    return [redact_urls(mask_text(line)) for line in lines]


def say_error(exc: BaseException) -> None:
    """``acs-triage: error: <message>`` on stderr, then the error's details, one a line."""
    first, *more = error_lines(exc)
    say(f"acs-triage: error: {first}")
    for line in more:
        say(line)


def error_text(exc: BaseException) -> str:
    """An error's message line as users see it (see :func:`error_lines`)."""
    return error_lines(exc)[0]


def emit(view: View, fmt: OutputFormat, output: Path | None) -> None:
    """Write the rendered view to stdout, or to ``--output``."""
    emit_text(render(view, fmt, output_width()), output)


def emit_text(text: str, output: Path | None) -> None:
    """Write ``text`` (a rendered view, a template, a workbook) to stdout, or to ``--output``."""
    if output is None or is_stdout(output):
        write_stdout(text)
        return
    write_file(output, text)
    say(f"wrote {output}")


def warn_unless_shown(messages: Iterable[str], fmt: OutputFormat, output: Path | None) -> None:
    """Warnings the report carries: on stderr, unless the output already shows them to the
    person at the terminal (table or Markdown on a terminal), so nothing is said twice."""
    on_terminal = sys.stdout is not None and sys.stdout.isatty()
    shown = fmt in (OutputFormat.TABLE, OutputFormat.MARKDOWN) and is_stdout(output) and on_terminal
    if not shown:
        for message in messages:
            warn(message)


def warn(message: str) -> None:
    """A warning on stderr (never on stdout, which carries data)."""
    say(f"acs-triage: warning: {message}")
