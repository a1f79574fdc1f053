"""Test-only Log Analytics query API emulator, synthetic ACS data and a fake ``az``.

See ``tests/emulator/README.md`` for the API and the fidelity notes.
"""

from .automation import (
    CALL_AUTOMATION_COLUMNS,
    DEFAULT_RESULT_MIX,
    expected_operations,
    generate_call_automation_operations,
)
from .dataset import (
    BILLING_USAGE_COLUMNS,
    CALL_SUMMARY_COLUMNS,
    DEFAULT_NON_PSTN_MIX,
    DEFAULT_PSTN_FAILURE_MIX,
    UNDOCUMENTED_PSTN_PAIRS,
    expected_pstn_pairs,
    expected_timeline,
    expected_totals,
    generate_billing_usage,
    generate_call_summary,
)
from .fake_az import FAKE_AZ_MODES, install_fake_az, read_az_calls
from .server import FAULTS, LogAnalyticsEmulator, RecordedRequest, parse_timespan

__all__ = [
    "BILLING_USAGE_COLUMNS",
    "CALL_AUTOMATION_COLUMNS",
    "CALL_SUMMARY_COLUMNS",
    "DEFAULT_NON_PSTN_MIX",
    "DEFAULT_PSTN_FAILURE_MIX",
    "DEFAULT_RESULT_MIX",
    "FAKE_AZ_MODES",
    "FAULTS",
    "UNDOCUMENTED_PSTN_PAIRS",
    "LogAnalyticsEmulator",
    "RecordedRequest",
    "expected_operations",
    "expected_pstn_pairs",
    "expected_timeline",
    "expected_totals",
    "generate_billing_usage",
    "generate_call_automation_operations",
    "generate_call_summary",
    "install_fake_az",
    "parse_timespan",
    "read_az_calls",
]
