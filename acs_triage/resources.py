"""The only code that locates the data folders ``kql/`` and ``mappings/``.

In a wheel they live at ``acs_triage/_data/{kql,mappings}``; in a source checkout
or an editable install they are the top-level folders of the repository.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib.resources import files
from pathlib import Path

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

__all__ = ["Traversable", "data_root"]


@cache
def data_root(name: str) -> Traversable:
    """Return the folder ``name`` ("kql" or "mappings"), packaged or from the repo."""
    packaged = files("acs_triage") / "_data" / name
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parent.parent / name
    if repo.is_dir():
        return repo
    raise FileNotFoundError(f"acs-triage data folder {name!r} is missing from the installation")
