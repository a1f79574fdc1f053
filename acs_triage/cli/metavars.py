"""What ``--help`` calls an option's value: ``DURATION``, ``FILE``, ``GUID``, ``PERCENT``.

One table for every command, so ``--since`` reads ``DURATION`` wherever it appears;
:func:`name_values` writes it into the typer declarations before click is built
(options with a fixed set of values keep their ``<a|b|c>`` list).
"""

from __future__ import annotations

import inspect
from typing import Any, get_args

import typer
from typer.models import ArgumentInfo, OptionInfo, ParameterInfo

__all__ = ["METAVARS", "name_values"]

#: Option (its first flag) or argument (its name) -> what its value is called.
METAVARS = {
    "--workspace-id": "GUID",
    "--additional-workspace": "GUID",
    "--resource-id": "RESOURCE_ID",
    "--from-file": "FILE",
    "--output": "FILE",
    "--junit": "FILE",
    "--summary": "FILE",
    "--endpoint": "URL",
    "--audience": "URL",
    "--timeout": "SECONDS",
    "--retries": "N",
    "--max-rows": "N",
    "--details": "N",
    "--min-legs": "N",
    "--evaluation-periods": "N",
    "--failing-periods": "N",
    "--since": "DURATION",
    "--settle": "DURATION",
    "--wait": "DURATION",
    "--poll-every": "DURATION",
    "--baseline": "DURATION",
    "--frequency": "DURATION",
    "--window": "DURATION",
    "--mute": "DURATION",
    "--start": "TIME",
    "--end": "TIME",
    "--deployed-at": "TIME",
    "--max-failure-rate": "PERCENT",
    "--max-unexpected-rate": "PERCENT",
    "--threshold": "PERCENT",
    "--min-increase": "POINTS",
    "--alpha": "P",
    "--severity": "0-4",
    "--param": "NAME=VALUE",
    "--end-reason": "CODE",
    "--sub-code": "CODE",
    "--code": "CODE",
    "--block": "REASON/SUBCODE",
    "--category": "CATEGORY",
    "--ignore-category": "CATEGORY",
    "--block-category": "CATEGORY",
    "--who-acts": "PARTY",
    "--scope": "SCOPE",
    "--metric": "METRIC",
    "--name": "NAME",
    "--storage-account": "NAME",
    "--container": "NAME",
    "code": "CODE",
    "sub_code": "SUB_CODE",
    "correlation_id": "CORRELATION_ID",
    "name": "QUERY",
}


def _infos(command: Any) -> list[tuple[str, ParameterInfo]]:
    """(parameter name, typer info) for every parameter of a command callback.

    Annotations written as strings (``from __future__ import annotations``) would make a
    new ``typer.Option`` object each time they are evaluated: they are evaluated once
    here and kept, so typer builds the command from the objects given a metavar."""
    if not hasattr(command, "__signature__"):
        # inspect, not typing.get_type_hints: before Python 3.11 the latter wraps the
        # annotation of a parameter defaulting to None in Optional[...], hiding Annotated.
        evaluated = inspect.signature(command, eval_str=True).parameters.values()
        command.__annotations__.update(
            {p.name: p.annotation for p in evaluated if p.annotation is not inspect.Parameter.empty}
        )
    found = []
    for parameter in inspect.signature(command, eval_str=True).parameters.values():
        infos = [a for a in get_args(parameter.annotation) if isinstance(a, ParameterInfo)]
        if isinstance(parameter.default, ParameterInfo):
            infos.append(parameter.default)
        found += [(parameter.name, info) for info in infos]
    return found


def name_values(app: typer.Typer) -> None:
    """Give every option and argument of ``app`` (and its sub-apps) its metavar."""
    for command in app.registered_commands:
        if command.callback is None:
            continue
        for name, info in _infos(command.callback):
            if info.metavar is not None:
                continue
            if isinstance(info, OptionInfo):
                # In ``Annotated[..., typer.Option("--flag")]`` the first flag sits in ``default``.
                declared = list(info.param_decls or ())
                flags = [info.default, *declared] if isinstance(info.default, str) else declared
                key = next((f for f in flags if isinstance(f, str) and f.startswith("--")), "")
            elif isinstance(info, ArgumentInfo):
                key = name
            else:
                continue
            if key in METAVARS and not _has_choices(command.callback, name):
                info.metavar = METAVARS[key]
    for group in app.registered_groups:
        if group.typer_instance is not None:
            name_values(group.typer_instance)


def _has_choices(callback: Any, name: str) -> bool:
    """Enum-typed parameters list their values; they keep typer's ``<a|b>``."""
    annotation = inspect.signature(callback, eval_str=True).parameters[name].annotation
    base = get_args(annotation)[0] if get_args(annotation) else annotation
    return inspect.isclass(base) and issubclass(base, __import__("enum").Enum)
