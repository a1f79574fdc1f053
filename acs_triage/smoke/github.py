"""GitHub Actions integration: workflow-command annotations and the job step summary.

GitHub reads workflow commands (``::error title=...::message``) from a step's
*stdout*. The smoke command writes its data to stdout too, so annotations are
printed only when ``GITHUB_ACTIONS=true`` and stdout carries the human ``table``
format (or the data goes to ``--output``), where an extra line cannot corrupt JSON
or CSV. Values are neutralised first (:func:`acs_triage.display.neutralise`: control
characters and line breaks shown escaped, so no value can end the command or start
another), then escaped as the Actions runner expects: ``%`` in the message;
additionally ``:`` and ``,`` in properties such as ``title``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from acs_triage.display import neutralise
from acs_triage.errors import InputError
from acs_triage.smoke.result import CheckStatus, GateStatus, SmokeResult

__all__ = [
    "annotation_lines",
    "append_step_summary",
    "escape_data",
    "escape_property",
    "running_in_github_actions",
    "workflow_command",
]

_LEVEL = {CheckStatus.FAIL: "error", CheckStatus.ERROR: "error", CheckStatus.INCONCLUSIVE: "warning"}


def escape_data(value: str) -> str:
    """Escape a workflow command's message (``%``, CR, LF; any other control character
    is shown escaped)."""
    return neutralise(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(value: str) -> str:
    """Escape a workflow command property value (also ``:`` and ``,``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: str) -> str:
    """``::command key=value,...::message`` with every part neutralised, then escaped: a
    line break in a value is shown as ``\\x0a``, never as a line of the annotation."""
    props = ",".join(f"{key}={escape_property(neutralise(value))}" for key, value in properties.items())
    return f"::{command}{' ' + props if props else ''}::{escape_data(neutralise(message))}"


def annotation_lines(result: SmokeResult) -> list[str]:
    """One annotation per failed/errored (error) or inconclusive (warning) check, then a
    one-line verdict (a notice when the gate passed)."""
    lines = [
        workflow_command(_LEVEL[c.status], c.message, title=f"acs-triage smoke: {c.name} {c.status.value}")
        for c in result.checks
        if c.status in _LEVEL
    ]
    level = {GateStatus.PASS: "notice", GateStatus.INCONCLUSIVE: "warning"}.get(result.status, "error")
    lines.append(workflow_command(level, result.headline(), title="acs-triage smoke"))
    return lines


def running_in_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("GITHUB_ACTIONS", "").lower() == "true"


def append_step_summary(markdown: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append ``markdown`` to the file ``$GITHUB_STEP_SUMMARY`` names; None when unset."""
    env = os.environ if environ is None else environ
    target = env.get("GITHUB_STEP_SUMMARY", "").strip()
    if not target:
        return None
    path = Path(target)
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(markdown if markdown.endswith("\n") else markdown + "\n")
    except OSError as exc:
        raise InputError(f"cannot append to $GITHUB_STEP_SUMMARY ({path}): {exc.strerror or exc}") from None
    return path
