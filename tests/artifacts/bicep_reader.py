"""A reader for the Bicep that acs-triage writes, so tests can compare it with the ARM JSON.

Not a Bicep compiler (none installs offline): it reads the subset the generator uses
(``//`` comments, ``metadata``, ``@description``/``@allowed`` decorators, ``param``,
``resource``, ``output``; objects, arrays, single-quoted and ``'''`` strings, integers,
booleans, ``json('2.5')``, parameter names and ``f().member`` expressions) and fails on
anything else. Parameter references read as the generator's own ``Ref(name)``, other
expressions as its ``Expr(text)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from acs_triage.artifacts.template import Expr, Ref

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*)
  | (?P<mstring>'''.*?''')
  | (?P<string>'(?:[^'\\\n]|\\.)*')
  | (?P<number>-?\d+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[{}\[\]():=@.,])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}


@dataclass
class BicepFile:
    metadata: dict[str, Any]
    params: dict[str, dict[str, Any]]  # name -> {type, default?, description, allowed?}
    resources: dict[str, dict[str, Any]]  # symbol -> {type, body}
    outputs: dict[str, dict[str, Any]]


def _unquote(kind: str, text: str) -> str:
    if kind == "mstring":
        body = text[3:-3]
        return body[1:] if body.startswith("\n") else body  # the first line break is not part of it
    out, index = [], 1
    while index < len(text) - 1:
        ch = text[index]
        if ch == "\\":
            out.append(_ESCAPES[text[index + 1]])
            index += 2
        else:
            out.append(ch)
            index += 1
    return "".join(out)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"unexpected Bicep text at {pos}: {text[pos : pos + 30]!r}")
        kind = match.lastgroup or ""
        if kind not in ("ws", "comment"):
            tokens.append((kind, match.group(0)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, params: set[str] | None = None) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.params = params or set()

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("eof", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if value is not None and token[1] != value:
            raise ValueError(f"expected {value!r}, got {token[1]!r}")
        self.pos += 1
        return token

    def value(self) -> Any:
        kind, text = self.take()
        if kind in ("string", "mstring"):
            return _unquote(kind, text)
        if kind == "number":
            return int(text)
        if text == "{":
            obj = {}
            while self.peek()[1] != "}":
                key_kind, key = self.take()
                obj[_unquote(key_kind, key) if key_kind == "string" else key] = (
                    self.take(":"),
                    self.value(),
                )[1]
            self.take("}")
            return obj
        if text == "[":
            items = []
            while self.peek()[1] != "]":
                items.append(self.value())
            self.take("]")
            return items
        if kind == "ident":
            return self._expression(text)
        raise ValueError(f"unexpected token {text!r}")

    def _expression(self, name: str) -> Any:
        if name in ("true", "false"):
            return name == "true"
        if self.peek()[1] != "(":
            if self.peek()[1] == ".":
                self.take(".")
                return Expr(f"{name}.{self.take()[1]}")
            return Ref(name) if name in self.params else Expr(name)
        self.take("(")
        args = []
        while self.peek()[1] != ")":
            args.append(self.value())
        self.take(")")
        if name == "json" and len(args) == 1 and isinstance(args[0], str):
            return float(args[0])
        text = f"{name}({', '.join(map(str, args))})"
        while self.peek()[1] == ".":
            self.take(".")
            text += "." + self.take()[1]
        return Expr(text)


def read_bicep(text: str) -> BicepFile:
    """Read a Bicep file written by acs-triage (raises ValueError on anything else)."""
    names = {m.group(1) for m in re.finditer(r"^param (\w+) ", text, re.MULTILINE)}
    parser = _Parser(text, names)
    result = BicepFile({}, {}, {}, {})
    decorators: dict[str, Any] = {}
    while parser.peek()[0] != "eof":
        _, word = parser.take()
        if word == "@":
            name = parser.take()[1]
            parser.take("(")
            decorators[name] = parser.value()
            parser.take(")")
        elif word == "metadata":
            key = parser.take()[1]
            parser.take("=")
            result.metadata[key] = parser.value()
        elif word == "param":
            name, type_ = parser.take()[1], parser.take()[1]
            param: dict[str, Any] = {"type": type_, **decorators}
            if parser.peek()[1] == "=":
                parser.take("=")
                param["default"] = parser.value()
            result.params[name], decorators = param, {}
        elif word == "resource":
            symbol = parser.take()[1]
            type_ = parser.value()
            parser.take("=")
            result.resources[symbol] = {"type": type_, "body": parser.value()}
        elif word == "output":
            name, type_ = parser.take()[1], parser.take()[1]
            parser.take("=")
            result.outputs[name] = {"type": type_, "value": parser.value()}
        else:
            raise ValueError(f"unexpected statement {word!r}")
    return result
