"""Work-arounds for duckdb-kql 1.1.2 gaps, applied inside the emulator only.

The emulator must accept the KQL that Log Analytics accepts, so the gaps are
closed here rather than by asking clients to write different KQL:

1. ``take <name>`` / ``limit <name>`` / ``top <name> by ...`` where ``<name>`` is
   a scalar ``let`` bound to an integer literal (``let n = 5;``,
   ``let n = long(5);``, ``int(5)``, ``toint(5)``, ``tolong(5)``): duckdb-kql
   only accepts a literal there, so the literal is inlined (token-level rewrite
   that never touches string literals or comments).
2. ``make_set(x, N)`` / ``make_list(x, N)``: duckdb-kql ignores the size cap
   ``N``; the cap is applied in SQL (``list_slice``), so it also holds when the
   set is used further down the pipeline.
3. ``make_set_if(x, pred [, N])`` / ``make_list_if(x, pred [, N])``: not mapped
   by duckdb-kql; added. (Alias the column: ``s = make_set_if(...)``. The
   automatic column name used here, ``set_x`` / ``list_x``, is not verified
   against Kusto.)
4. Sort direction: duckdb-kql decides asc/desc by searching the *whole* sort
   key's text for "asc"/"desc", so ``order by Description asc`` sorted DESC and
   ``order by Cascade`` sorted ASC. The direction is taken from the sort
   ordering clause only (KQL default: desc, nulls last; asc: nulls first).

Patches 2-4 replace module attributes of duckdb-kql. They are applied only for
the duration of :func:`patched` (under a process-wide lock) and restored on
exit, so other users of duckdb-kql in the same process see the stock library
whenever the emulator is not translating a query.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import threading
from collections.abc import Iterator

__all__ = ["LOCK", "inline_scalar_lets", "patched", "tokenize"]

#: Serialises every use of the patched library (and the emulator's shared
#: DuckDB connection, which is not safe to use from several threads at once).
LOCK = threading.RLock()

# ---------------------------------------------------------------------------
# A small KQL tokenizer: enough to rewrite identifiers without touching
# strings or comments.
# ---------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
    (?P<comment>//[^\n]*)
  | (?P<mlstring>```.*?```|~~~.*?~~~)
  | (?P<string>[@hH]?'(?:[^'\\\n]|\\.)*'|[@hH]?"(?:[^"\\\n]|\\.)*")
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ws>\s+)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str) -> list[tuple[str, str]]:
    """Split KQL into ``(kind, text)`` tokens; ``"".join`` of the texts is *text*."""
    return [(m.lastgroup or "punct", m.group()) for m in _TOKEN_RE.finditer(text)]


def _code_tokens(tokens: list[tuple[str, str]]) -> list[int]:
    """Indexes of the tokens that are not whitespace or comments."""
    return [i for i, (kind, _) in enumerate(tokens) if kind not in ("ws", "comment")]


_INT_WRAPPERS = {"long", "int", "toint", "tolong"}


def _scalar_int_lets(tokens: list[tuple[str, str]], code: list[int]) -> dict[str, str]:
    """``let name = <integer literal>;`` statements -> {name: "literal"}."""
    found: dict[str, str] = {}
    depth = 0
    for pos, i in enumerate(code):
        kind, text = tokens[i]
        if text in "([{" and kind == "punct":
            depth += 1
        elif text in ")]}" and kind == "punct":
            depth -= 1
        if depth != 0 or kind != "ident" or text != "let":
            continue
        rest = [tokens[j] for j in code[pos + 1 : pos + 8]]
        if len(rest) < 4 or rest[0][0] != "ident" or rest[1][1] != "=":
            continue
        name = rest[0][1]
        value: str | None = None
        sign = ""
        body = rest[2:]
        if body and body[0][1] in "+-" and body[0][0] == "punct":
            sign = "-" if body[0][1] == "-" else ""
            body = body[1:]
        if len(body) >= 2 and body[0][0] == "number" and body[1][1] == ";":
            value = body[0][1]
        elif (
            len(body) >= 5
            and body[0][0] == "ident"
            and body[0][1].lower() in _INT_WRAPPERS
            and body[1][1] == "("
            and body[2][0] == "number"
            and body[3][1] == ")"
            and body[4][1] == ";"
        ):
            value = body[2][1]
        if value is not None and re.fullmatch(r"\d+", value):
            found[name] = sign + value
    return found


def inline_scalar_lets(query: str) -> str:
    """Inline integer ``let`` values where duckdb-kql needs a literal.

    Only the count operand of ``take``/``limit`` and ``top`` is rewritten; the
    ``let`` statement itself stays (it is harmless and may be used elsewhere).
    """
    tokens = tokenize(query)
    code = _code_tokens(tokens)
    lets = _scalar_int_lets(tokens, code)
    if not lets:
        return query
    out = [text for _, text in tokens]
    for pos, i in enumerate(code[:-1]):
        kind, text = tokens[i]
        if kind != "ident" or text not in ("take", "limit", "top"):
            continue
        prev = tokens[code[pos - 1]][1] if pos > 0 else ""
        if prev != "|":
            continue
        j = code[pos + 1]
        if tokens[j][0] == "ident" and tokens[j][1] in lets:
            out[j] = lets[tokens[j][1]]
    return "".join(out)


# ---------------------------------------------------------------------------
# Patches to duckdb-kql internals
# ---------------------------------------------------------------------------


def _fixed_sort_key(node):  # type: ignore[no-untyped-def]
    """Replacement for duckdb_kql.lower._lower_sort_key (see module docstring)."""
    from duckdb_kql import ir
    from duckdb_kql import lower as L

    node = L._collapse(node)
    kids = L._rule_children(node)
    expr_node = kids[0] if kids else node
    ordering = ""
    for kid in kids[1:]:
        if type(kid).__name__ == "SortOrderingContext":
            ordering = kid.getText().lower().replace(" ", "")
    ascending = ordering.startswith("asc")
    nulls_first: bool | None = None
    if "nullsfirst" in ordering:
        nulls_first = True
    elif "nullslast" in ordering:
        nulls_first = False
    return ir.SortKey(L._lower_expr(expr_node), ascending=ascending, nulls_first=nulls_first)


def _build_aggregates() -> dict[str, object]:
    """Replacement entries for duckdb_kql.translate.functions.AGGREGATE_FUNCTIONS."""
    from duckdb_kql.translate import functions as F

    base = F.AggregateSpec

    @dataclasses.dataclass(frozen=True)
    class CappedSpec(base):  # type: ignore[misc,valid-type]
        """An aggregate whose optional trailing argument caps the list size."""

        capped_template: str = ""
        cap_index: int = 1

        def render(self, args: list[str]) -> str:
            if self.arities and len(args) not in self.arities:
                raise ValueError(f"{self.name}() takes {self.arities} argument(s), got {len(args)}")
            if len(args) > self.cap_index:
                return self.capped_template.format(*args)
            return self.template.format(*args)

    stock_set = F.AGGREGATE_FUNCTIONS["make_set"]
    stock_list = F.AGGREGATE_FUNCTIONS["make_list"]
    set_t: str = stock_set.template
    list_t: str = stock_list.template
    if not (set_t.startswith("to_json(") and set_t.endswith(")")):
        raise RuntimeError("duckdb-kql make_set template changed; update tests/emulator/kql_compat.py")
    set_inner = set_t[len("to_json(") : -1]
    nn = "FILTER (WHERE {0} IS NOT NULL)"
    if nn not in set_t or nn not in list_t:
        raise RuntimeError("duckdb-kql make_set/make_list template changed; update kql_compat.py")

    def cap(expr: str, idx: int) -> str:
        return f"list_slice({expr}, 1, CAST({{{idx}}} AS BIGINT))"

    set_if_inner = set_inner.replace(nn, "FILTER (WHERE {0} IS NOT NULL AND ({1}))")
    list_if_t = list_t.replace(nn, "FILTER (WHERE {0} IS NOT NULL AND ({1}))")
    return {
        "make_set": CappedSpec(
            "make_set",
            set_t,
            (1, 2),
            name_prefix="set",
            rules=stock_set.rules,
            capped_template=f"to_json({cap(set_inner, 1)})",
            cap_index=1,
        ),
        "make_list": CappedSpec(
            "make_list",
            list_t,
            (1, 2),
            name_prefix="list",
            rules=stock_list.rules,
            capped_template=cap(list_t, 1),
            cap_index=1,
        ),
        "make_set_if": CappedSpec(
            "make_set_if",
            f"to_json({set_if_inner})",
            (2, 3),
            name_prefix="set",
            capped_template=f"to_json({cap(set_if_inner, 2)})",
            cap_index=2,
        ),
        "make_list_if": CappedSpec(
            "make_list_if",
            list_if_t,
            (2, 3),
            name_prefix="list",
            capped_template=cap(list_if_t, 2),
            cap_index=2,
        ),
    }


_AGGREGATES: dict[str, object] | None = None


@contextlib.contextmanager
def patched() -> Iterator[None]:
    """Apply patches 2-4 for the duration of the block (holding :data:`LOCK`)."""
    global _AGGREGATES
    from duckdb_kql import lower as L
    from duckdb_kql.translate import functions as F

    with LOCK:
        if _AGGREGATES is None:
            _AGGREGATES = _build_aggregates()
        saved_sort = L._lower_sort_key
        saved_aggs = {k: F.AGGREGATE_FUNCTIONS.get(k) for k in _AGGREGATES}
        L._lower_sort_key = _fixed_sort_key
        F.AGGREGATE_FUNCTIONS.update(_AGGREGATES)  # type: ignore[arg-type]
        try:
            yield
        finally:
            L._lower_sort_key = saved_sort
            for k, v in saved_aggs.items():
                if v is None:
                    F.AGGREGATE_FUNCTIONS.pop(k, None)
                else:
                    F.AGGREGATE_FUNCTIONS[k] = v  # type: ignore[assignment]
