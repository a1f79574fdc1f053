"""``--format`` and ``--output``: the two options every command has.

Kept apart from :mod:`acs_triage.cli.options` (the source and window groups) so the
catalog commands start without importing the source machinery.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from acs_triage.formats import OutputFormat

__all__ = ["FormatOpt", "OutputOpt"]

FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the output to FILE instead of stdout.", dir_okay=False),
]
