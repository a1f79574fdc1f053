"""The typer app: registers the commands and maps errors to exit codes.

Commands (in ``catalog_cmds``, ``kql_cmds``, ``triage_cmds``, ``smoke_cmd``,
``export_cmds``) parse
options, call the library and format. Data goes to stdout (or ``--output``);
diagnostics, warnings and the spinner go to stderr. Every
:class:`~acs_triage.errors.AcsTriageError` and usage error ends as one line on
stderr and a documented exit code (``docs/exit-codes.md``).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

try:  # typer >= 0.26 vendors click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older typer with click installed
    from click.exceptions import ClickException  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]

from acs_triage.cli.metavars import name_values
from acs_triage.cli.output import set_wide
from acs_triage.cli.usage import hoist_global_options, plain
from acs_triage.errors import AcsTriageError, ExitCode
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
        typer.echo(f"acs-triage {__version__}")
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


def configure_logging(verbose: int) -> None:
    """Log to stderr. Azure's HTTP logging policy redacts Authorization and other
    secret headers; its network trace (which would not) is never enabled."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("acs-triage: %(levelname)s %(name)s: %(message)s"))
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


def run(argv: Sequence[str] | None = None, *, services: Services | None = None) -> int:
    """Run the CLI and return its exit code (no traceback for user-facing errors)."""
    args = hoist_global_options(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args if not a.startswith("-")), None)
    known = first if first in COMMANDS or first in GROUPS else None
    command = typer.main.get_command(build_app(known))
    set_wide(False)  # each run starts from the defaults (tests and embedders call run() repeatedly)
    try:
        result = command.main(
            args=args,
            prog_name="acs-triage",
            standalone_mode=False,
            obj=services or Services(),
        )
    except ClickException as exc:
        context = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
            typer.echo(context.get_help())  # `acs-triage` (or `acs-triage kql`) alone: its usage
            return ExitCode.USAGE
        where = f"{context.command_path} --help" if context is not None else "acs-triage --help"
        typer.echo(f"acs-triage: error: {plain(exc.format_message())} (see {where})", err=True)
        return ExitCode.USAGE if exc.exit_code == 2 else exc.exit_code
    except typer.Abort:
        typer.echo("acs-triage: aborted", err=True)
        return 130
    except AcsTriageError as exc:
        typer.echo("acs-triage: error: " + "\n".join(exc.lines()), err=True)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("acs-triage: interrupted", err=True)
        return 130
    except Exception as exc:  # a bug: still one line, and a code no gate outcome uses
        detail = " ".join(str(exc).split())[:300]
        typer.echo(
            f"acs-triage: internal error: {type(exc).__name__}: {detail} (please report it; -vv shows more)",
            err=True,
        )
        logging.getLogger("acs_triage").debug("internal error", exc_info=True)
        return ExitCode.INTERNAL
    if isinstance(result, int):
        return result
    return 0


def main() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):  # never crash on text the terminal cannot show
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    code = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(code)
