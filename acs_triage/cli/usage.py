"""Command-line mistakes said for people: one line, plain words, where to look.

Typer's validation speaks in its own terms ("Value error, 'xml' is not one of ...",
"Input should be greater than or equal to 1"); :func:`plain` rewrites those phrases.
:func:`hoist_global_options` lets ``-v`` and ``--wide`` follow the command too
(``acs-triage triage -v``), as people type them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["GLOBAL_FLAGS", "hoist_global_options", "plain"]

#: Options of the root command that may also be given after the command.
GLOBAL_FLAGS = ("--verbose", "--wide")
_VERBOSE = re.compile(r"^-v+$")

_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Value error, '(.*)' is not one of (.*?)\.?$"), r"'\1' is not one of \2"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"must be at least \1"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"must be at most \1"),
    (re.compile(r"Input should be greater than (\S+)"), r"must be more than \1"),
    (re.compile(r"Input should be less than (\S+)"), r"must be less than \1"),
    (re.compile(r"Input should be a valid integer.*$"), "must be a whole number"),
    (re.compile(r"Input should be a valid number.*$"), "must be a number"),
    (re.compile(r"Input should be a valid boolean.*$"), "must be true or false"),
    # click's own wording (typer before 0.29)
    (re.compile(r"(\S+) is not in the range (\S+?)<=x<=(\S+?)\.?$"), r"must be between \2 and \3 (got \1)"),
    (re.compile(r"(\S+) is not in the range x>=(\S+?)\.?$"), r"must be at least \2 (got \1)"),
    (re.compile(r"(\S+) is not in the range x<=(\S+?)\.?$"), r"must be at most \2 (got \1)"),
    (re.compile(r"'(.*)' is not a valid int(eger)?( range)?\.?$"), r"'\1' is not a whole number"),
    (re.compile(r"'(.*)' is not a valid float( range)?\.?$"), r"'\1' is not a number"),
    (re.compile(r"'(.*)' is not one of (.*?)\.$"), r"'\1' is not one of \2"),
)


def plain(message: str) -> str:
    """A click/typer usage message in plain words, on one line."""
    text = " ".join(message.split())
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


def hoist_global_options(args: Sequence[str]) -> list[str]:
    """``args`` with the global flags found after the command moved before it
    (nothing after a ``--`` is touched)."""
    args = list(args)
    stop = args.index("--") if "--" in args else len(args)
    command_at = next((i for i, a in enumerate(args[:stop]) if not a.startswith("-")), None)
    if command_at is None:
        return args
    moved = [a for a in args[command_at:stop] if a in GLOBAL_FLAGS or _VERBOSE.match(a)]
    kept = [a for a in args[command_at:stop] if not (a in GLOBAL_FLAGS or _VERBOSE.match(a))]
    return [*args[:command_at], *moved, *kept, *args[stop:]]
