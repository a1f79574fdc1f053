"""acs-triage: explain Azure Communication Services PSTN call failures.

Library first: every CLI command is a thin wrapper around functions exported here.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
