"""Lazy re-exports for package ``__init__`` modules (PEP 562).

A package lists its public names and the modules that define them; a name is
imported on first use, so importing one submodule (or asking for ``__version__``)
does not load the whole library and its dependencies.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` that imports ``exports[name]`` (a module path, absolute or
    relative to ``package``) on first use."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module, package), name)

    return __getattr__


def exports_of(modules: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """``{name: module}`` for :func:`lazy_exports` from ``{module: names}``."""
    return {name: module for module, names in modules.items() for name in names}
