"""A :class:`~acs_triage.artifacts.template.Template` written as Bicep.

The same data as the ARM JSON (:func:`~acs_triage.artifacts.template.to_arm`): each
template parameter becomes a ``param`` with its ``@description``, each resource a
``resource`` declaration of ``'type@apiVersion'``, each output an ``output``. A
:class:`~acs_triage.artifacts.template.Ref` is the parameter's name, an
:class:`~acs_triage.artifacts.template.Expr` its text. Strings with line breaks (the
KQL) are Bicep multi-line strings (``'''``, no escapes, the first line break after the
opening quotes is not part of the value); other strings are single-quoted with
Bicep's escapes. No Bicep compiler runs here (none installs offline from PyPI or npm):
``bicep build`` or ``az deployment ... --template-file`` compiles it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from acs_triage.artifacts.template import Expr, Ref, Template, TemplateParameter

__all__ = ["bicep_string", "bicep_text"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_INDENT = "  "


def bicep_string(text: str) -> str:
    """A Bicep string literal for ``text``: multi-line when it has line breaks."""
    if "\n" in text and "'''" not in text and "\r" not in text:
        return "'''\n" + text + "'''"
    out = []
    for index, ch in enumerate(text):
        if ch == "$" and text[index + 1 : index + 2] == "{":
            out.append("\\$")  # no interpolation
        else:
            out.append(_ESCAPES.get(ch, ch))
    return "'" + "".join(out) + "'"


def _key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else bicep_string(name)


def _value(value: object, depth: int) -> str:
    pad = _INDENT * (depth + 1)
    if isinstance(value, Ref):
        return value.name
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not value.is_integer():
        return f"json({bicep_string(repr(value))})"  # Bicep has integer literals only
    if isinstance(value, (int, float)):
        return str(int(value))
    if isinstance(value, str):
        return bicep_string(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        body = "".join(f"{pad}{_key(str(k))}: {_value(v, depth + 1)}\n" for k, v in value.items())
        return "{\n" + body + _INDENT * depth + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        body = "".join(f"{pad}{_value(v, depth + 1)}\n" for v in value)
        return "[\n" + body + _INDENT * depth + "]"
    raise TypeError(f"cannot write a {type(value).__name__} in Bicep")


def _param(param: TemplateParameter) -> str:
    lines = [f"@description({bicep_string(param.description)})"]
    if param.allowed:
        lines.append(f"@allowed({_value(list(param.allowed), 0)})")
    default = "" if param.default is None else f" = {_value(param.default, 0)}"
    lines.append(f"param {param.name} {param.type}{default}")
    return "\n".join(lines)


def bicep_text(template: Template, header: str = "") -> str:
    """The template as a Bicep file; ``header`` lines become ``//`` comments."""
    blocks = []
    if header:
        blocks.append("\n".join(f"// {line}".rstrip() for line in header.splitlines()))
    blocks.append(f"metadata description = {bicep_string(template.description)}")
    blocks += [_param(p) for p in template.parameters]
    for resource in template.resources:
        type_ = bicep_string(f"{resource.type}@{resource.api_version}")
        blocks.append(f"resource {resource.symbol} {type_} = {_value(dict(resource.body), 0)}")
    blocks += [f"output {o.name} {o.type} = {o.bicep}" for o in template.outputs]
    return "\n\n".join(blocks) + "\n"
