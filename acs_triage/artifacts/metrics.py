"""What an alert rule's rate can count: the ``--metric`` choices, apart from the rule
builder (:mod:`.alert_rule`) so the CLI's help needs neither it nor the query library."""

from __future__ import annotations

__all__ = ["METRICS"]

METRICS = ("failure-rate", "unexpected-rate")
