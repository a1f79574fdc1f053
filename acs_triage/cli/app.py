"""The typer app: registers the commands and maps errors to exit codes.

Commands (in ``catalog_cmds``, ``kql_cmds``, ``triage_cmds``, ``smoke_cmd``,
``export_cmds``) parse
options, call the library and format. Data goes to stdout (or ``--output``);
diagnostics, warnings and the spinner go to stderr. Every
:class:`~acs_triage.errors.AcsTriageError` and usage error ends as one line on
stderr and a documented exit code (``docs/exit-codes.md``).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

try:  # typer >= 0.26 vendors click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older typer with click installed
    from click.exceptions import ClickException  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]

from acs_triage.cli.metavars import name_values
from acs_triage.cli.output import error_text, say, say_error, set_wide, write_stdout
from acs_triage.cli.usage import hoist_global_options, plain
from acs_triage.display import neutralise
from acs_triage.errors import AcsTriageError, ExitCode
from acs_triage.masking import redact_urls
from acs_triage.version import __version__

if TYPE_CHECKING:
    from acs_triage.sources.base import Source
    from acs_triage.sources.spec import SourceSpec

HELP = "Explain Azure Communication Services PSTN call failures and what to do about them."
#: Command name -> (module, function), in the order ``--help`` lists them.
COMMANDS = {
    "explain": ("acs_triage.cli.catalog_cmds", "explain"),
    "codes": ("acs_triage.cli.catalog_cmds", "codes"),
    "triage": ("acs_triage.cli.triage_cmds", "triage"),
    "call": ("acs_triage.cli.triage_cmds", "call"),
    "legs": ("acs_triage.cli.triage_cmds", "legs"),
    "smoke": ("acs_triage.cli.smoke_cmd", "smoke"),
}
#: Command groups: name -> (help, {subcommand: (module, function)}).
GROUPS = {
    "kql": (
        "List the KQL library and print ready-to-paste queries.",
        {"list": ("acs_triage.cli.kql_cmds", "kql_list"), "show": ("acs_triage.cli.kql_cmds", "kql_show")},
    ),
    "export": (
        "Write Azure-native artifacts from the KQL library: an alert rule, a workbook.",
        {
            "alert-rule": ("acs_triage.cli.export_cmds", "alert_rule"),
            "workbook": ("acs_triage.cli.export_cmds", "workbook"),
        },
    ),
}


def _load(where: tuple[str, str]) -> Callable[..., Any]:
    module, name = where
    return cast("Callable[..., Any]", getattr(importlib.import_module(module), name))


def build_app(only: str | None = None) -> typer.Typer:
    """The typer app; with ``only``, just that command or group is registered (and its
    module imported), so a command starts without importing every other one."""
    root = typer.Typer(
        name="acs-triage",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    root.callback()(_root)
    for name, where in COMMANDS.items():
        if only in (None, name):
            root.command(name)(_load(where))
    for name, (text, members) in GROUPS.items():
        if only in (None, name):
            group = typer.Typer(help=text, no_args_is_help=True, rich_markup_mode=None)
            for member, where in members.items():
                group.command(member)(_load(where))
            root.add_typer(group, name=name)
    name_values(root)
    return root


def __getattr__(name: str) -> Any:
    """``app``: the whole CLI (every command), built on first use (docs, embedders)."""
    if name == "app":
        return build_app()
    raise AttributeError(name)


def _version(value: bool) -> None:
    if value:
        write_stdout(f"acs-triage {__version__}\n")
        raise typer.Exit(0)


def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    wide: Annotated[
        bool,
        typer.Option("--wide", help="Tables and text as wide as their content, whatever the terminal."),
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="Diagnostics on stderr: -v progress, -vv also Azure SDK HTTP logs (secrets redacted).",
        ),
    ] = 0,
) -> None:
    """Explain Azure Communication Services PSTN call failures and what to do about them."""
    configure_logging(verbose)
    set_wide(wide)


class _SafeFormatter(logging.Formatter):
    """One neutralised line per record, with credentials in URLs redacted."""

    def format(self, record: logging.LogRecord) -> str:
        # A traceback (-vv, internal errors) stays readable: its lines joined by " | ".
        return " | ".join(neutralise(redact_urls(line)) for line in super().format(record).split("\n"))


def configure_logging(verbose: int) -> None:
    """Log to stderr. Azure's HTTP logging policy redacts Authorization and other
    secret headers; its network trace (which would not) is never enabled. Every
    record is neutralised and any URL's credentials redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_SafeFormatter("acs-triage: %(levelname)s %(name)s: %(message)s"))
    for name, level in (
        ("acs_triage", logging.INFO if verbose >= 1 else logging.WARNING),
        ("azure", logging.INFO if verbose >= 2 else logging.ERROR),
    ):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


@dataclass(frozen=True)
class Services:
    """What the commands use from outside the command line; tests and embedders swap
    them (e.g. an in-memory source) at the seam, not by patching the library.
    ``None`` means the real one (:func:`acs_triage.sources.spec.open_source`)."""

    open_source: Callable[[SourceSpec], Source] | None = None


class Interrupted(BaseException):
    """SIGINT while a command runs (typer would turn a KeyboardInterrupt into a silent exit)."""


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Turn SIGINT into :class:`Interrupted` while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run(argv: Sequence[str] | None = None, *, services: Services | None = None) -> int:
    """Run the CLI and return its exit code (no traceback for user-facing errors).

    Every outcome that is not a report ends as one neutralised line on stderr.
    """
    args = hoist_global_options(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args if not a.startswith("-")), None)
    known = first if first in COMMANDS or first in GROUPS else None
    command = typer.main.get_command(build_app(known))
    set_wide(False)  # each run starts from the defaults (tests and embedders call run() repeatedly)
    try:
        with _interruptible():
            result = command.main(
                args=args,
                prog_name="acs-triage",
                standalone_mode=False,
                obj=services or Services(),
            )
    except ClickException as exc:
        context = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
            write_stdout(context.get_help() + "\n")  # `acs-triage` (or `acs-triage kql`) alone: its usage
            return ExitCode.USAGE
        where = f"{context.command_path} --help" if context is not None else "acs-triage --help"
        say(f"acs-triage: error: {redact_urls(plain(exc.format_message()))} (see {where})")
        return ExitCode.USAGE if exc.exit_code == 2 else exc.exit_code
    except typer.Abort:
        say("acs-triage: aborted")
        return INTERRUPTED
    except AcsTriageError as exc:
        say_error(exc)
        return int(exc.exit_code)
    except (KeyboardInterrupt, Interrupted):
        say("acs-triage: interrupted (SIGINT); nothing more was written")
        return INTERRUPTED
    except Exception as exc:  # a bug: still one line, and a code no gate outcome uses
        detail = error_text(exc)[:300]
        say(f"acs-triage: internal error: {type(exc).__name__}: {detail} (please report it; -vv shows more)")
        logging.getLogger("acs_triage").debug("internal error", exc_info=True)
        return ExitCode.INTERNAL
    if isinstance(result, int):
        if result == INTERRUPTED:  # typer's own KeyboardInterrupt handling: say so too
            say("acs-triage: interrupted (SIGINT); nothing more was written")
        return result
    return 0


#: The exit code of a command interrupted by SIGINT (128 + 2, as shells report it).
INTERRUPTED = 130


def main() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):  # never crash on text the terminal cannot show
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="backslashreplace")
    code = run()
    if sys.stdout is not None:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass  # already reported, or nothing left to write
    sys.exit(code)
