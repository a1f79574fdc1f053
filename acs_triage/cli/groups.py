"""Option groups: a set of options that several commands share, declared once.

A *group* is a plain function whose parameters are typer options and whose return
value is the one object the command needs (a :class:`~acs_triage.sources.spec.SourceSpec`,
a :class:`~acs_triage.windows.WindowRequest`). :func:`uses` splices a group's
parameters into a command's signature, where the command names the group's
parameter, so ``--help`` lists them and typer parses them; at call time it calls
the group with them and hands the command the result::

    @uses(source=source_options)
    def triage(source: SourceRequest, details: int = 5) -> int: ...

A group may take a ``typer.Context`` parameter (to tell options given on the
command line from ones read from the environment, or to reach ``ctx.obj``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import typer

__all__ = ["uses"]

F = TypeVar("F", bound=Callable[..., Any])
_CTX = "ctx"


def _context_parameter(signature: inspect.Signature) -> str | None:
    return next((p.name for p in signature.parameters.values() if p.annotation is typer.Context), None)


def uses(**groups: Callable[..., Any]) -> Callable[[F], F]:
    """Give the command one value per group, built from the group's own options."""

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        group_signatures = {name: inspect.signature(group, eval_str=True) for name, group in groups.items()}
        command_ctx = _context_parameter(signature)
        spliced: list[inspect.Parameter] = []
        seen: set[str] = set()
        for parameter in signature.parameters.values():
            if parameter.name not in groups:
                spliced.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY))
                seen.add(parameter.name)
                continue
            for option in group_signatures[parameter.name].parameters.values():
                if option.annotation is typer.Context:
                    continue
                if option.name in seen or option.name in signature.parameters:
                    raise TypeError(f"option {option.name!r} of group {parameter.name!r} is defined twice")
                spliced.append(option.replace(kind=inspect.Parameter.KEYWORD_ONLY))
                seen.add(option.name)
        missing = set(groups) - set(signature.parameters)
        if missing:
            raise TypeError(f"{command.__name__} has no parameter for group(s) {', '.join(sorted(missing))}")
        added_ctx = command_ctx is None
        if added_ctx:
            spliced.insert(
                0, inspect.Parameter(_CTX, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
            )
        ctx_name = command_ctx or _CTX

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            ctx = kwargs.pop(ctx_name) if added_ctx else kwargs[ctx_name]
            for name, group in groups.items():
                group_signature = group_signatures[name]
                arguments = {}
                for option in group_signature.parameters.values():
                    arguments[option.name] = (
                        ctx if option.annotation is typer.Context else kwargs.pop(option.name)
                    )
                kwargs[name] = group(**arguments)
            return command(**kwargs)

        # Keyword-only throughout: typer passes keywords, and the order (hence --help's,
        # and the order of Arguments) stays as declared.
        wrapper.__signature__ = signature.replace(parameters=spliced)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in spliced} | {
            "return": signature.return_annotation
        }
        del wrapper.__wrapped__  # typer must see the spliced signature
        return wrapper  # type: ignore[return-value]

    return decorate
