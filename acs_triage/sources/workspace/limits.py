"""Documented limits of the Logs query API, apart from the transport that meets them
(the CLI bounds its options with them without loading the transport)."""

from __future__ import annotations

__all__ = ["API_MAX_ROWS"]

#: Log Analytics answers at most this many rows per query (documented limit).
API_MAX_ROWS = 500_000
