"""Regional date formats of portal CSV exports, decided per file (issue 11, item 7)."""

from __future__ import annotations

from datetime import datetime
from unittest import mock

import pytest

from acs_triage.sources.exports import ExportError, InputFormat, pending
from acs_triage.sources.exports.datetimes import DateReader
from tests.sources.exports.helpers import REQUIRED, UTC, kind, only_legs, only_rejections, read

HEADER = ",".join(["TimeGenerated [UTC]", *REQUIRED[1:], "CallStartTime [UTC]"]) + "\r\n"


def csv_of(times: list[str], starts: list[str] | None = None) -> bytes:
    starts = starts or [""] * len(times)
    rows = [
        f'"{t}",call-{i},PSTN,403,560403,"{s}"\r\n'
        for i, (t, s) in enumerate(zip(times, starts, strict=True))
    ]
    return (HEADER + "".join(rows)).encode()


def times_of(data: bytes, **options: object) -> list[datetime]:
    return [leg.time_generated for leg in only_legs(read(data, InputFormat.CSV, **options))]


@pytest.mark.parametrize(
    ("style", "text"),
    [
        ("en-GB", "20/11/2026, 11:21:15.000"),
        ("de-DE", "20.11.2026 11:21:15"),
        ("de-DE with comma", "20.11.2026, 11:21:15"),
        ("fr-FR", "20/11/2026 11:21:15"),
        ("nl-NL", "20-11-2026 11:21:15"),
        ("da-DK", "20.11.2026 11.21.15"),
        ("en-AU", "20/11/2026, 11:21:15 am"),
        ("en-IN", "20/11/2026, 11:21:15\u202fAM"),
        ("es-ES", "20/11/2026, 11:21:15 a. m."),
    ],
)
def test_day_first_styles_are_read(style: str, text: str) -> None:
    assert times_of(csv_of([text])) == [datetime(2026, 11, 20, 11, 21, 15, tzinfo=UTC)], style


def test_a_day_above_12_settles_the_whole_file_even_late() -> None:
    # Ambiguous rows first (held), then the row that settles it: day first.
    data = csv_of(
        ["05/11/2026, 10:00:00", "06/11/2026, 10:00:00", "13/11/2026, 10:00:00", "07/11/2026, 10:00:00"]
    )
    assert times_of(data) == [datetime(2026, 11, day, 10, tzinfo=UTC) for day in (5, 6, 13, 7)]


def test_a_month_above_12_settles_month_first() -> None:
    data = csv_of(["05/11/2026, 10:00:00", "11/13/2026, 10:00:00", "06/11/2026, 10:00:00"])
    assert times_of(data) == [
        datetime(2026, 5, 11, 10, tzinfo=UTC),
        datetime(2026, 11, 13, 10, tzinfo=UTC),
        datetime(2026, 6, 11, 10, tzinfo=UTC),
    ]


def test_call_start_time_settles_and_is_swapped_too() -> None:
    data = csv_of(
        ["2026-11-05T10:00:00Z", "2026-11-06T10:00:00Z"], ["05/11/2026 09:59:00", "20/11/2026 09:59:00"]
    )
    legs = only_legs(read(data, InputFormat.CSV))
    assert [leg.call_start_time for leg in legs] == [
        datetime(2026, 11, 5, 9, 59, tzinfo=UTC),
        datetime(2026, 11, 20, 9, 59, tzinfo=UTC),
    ]


def test_an_ambiguous_file_is_one_error_naming_the_option() -> None:
    data = csv_of(["05/11/2026 10:00:00", "06/11/2026 10:00:00"])
    with pytest.raises(ExportError) as raised:
        read(data)
    message = str(raised.value)
    assert "\n" not in message and "--date-order dmy" in message and "05/11/2026 10:00:00" in message


@pytest.mark.parametrize(("order", "month", "day"), [("dmy", 11, 5), ("mdy", 5, 11)])
def test_the_option_decides(order: str, month: int, day: int) -> None:
    data = csv_of(["05/11/2026 10:00:00"])
    assert times_of(data, date_order=order) == [datetime(2026, month, day, 10, tzinfo=UTC)]


def test_an_option_against_the_file_rejects_what_cannot_be_read() -> None:
    records = read(csv_of(["20/11/2026 10:00:00"]), InputFormat.CSV, date_order="mdy")
    assert kind(records) == "R" and "unparseable TimeGenerated" in only_rejections(records)[0].reason


def test_the_en_us_style_alone_still_reads_month_first() -> None:
    # The portal's en-US default (slashes, AM/PM) with no date past the 12th: as before.
    data = csv_of(["05/11/2026, 10:00:00 AM", "06/11/2026, 1:00:00 PM"])
    assert times_of(data) == [datetime(2026, 5, 11, 10, tzinfo=UTC), datetime(2026, 6, 11, 13, tzinfo=UTC)]


def test_a_late_settling_value_contradicting_nothing_keeps_rejections_in_order() -> None:
    data = csv_of(["05/11/2026 10:00:00", "not a date", "", "31/12/2026 23:59:59"])
    records = read(data, InputFormat.CSV)
    assert kind(records) == "LRRL"
    assert [r.line for r in records] == [2, 3, 4, 5]
    assert only_legs(records)[0].time_generated == datetime(2026, 11, 5, 10, tzinfo=UTC)


def test_held_rows_are_spooled_past_the_memory_bound() -> None:
    days = [f"{1 + i % 12:02d}/{1 + i % 12:02d}/2026 10:{i % 60:02d}:00" for i in range(40)]
    data = csv_of([*days, "13/01/2026 10:00:00"])
    expected = [datetime(2026, 1 + i % 12, 1 + i % 12, 10, i % 60, tzinfo=UTC) for i in range(40)]
    with mock.patch.object(pending, "MEMORY_ITEMS", 7):
        got = times_of(data)
    assert got == [*expected, datetime(2026, 1, 13, 10, tzinfo=UTC)]


def test_json_lines_follow_the_same_rule() -> None:
    rows = [
        '{"TimeGenerated": "05/11/2026 10:00", "CorrelationId": "a", "EndpointType": "PSTN",'
        ' "ParticipantEndReason": "0", "ParticipantEndSubCode": "0"}',
        '{"TimeGenerated": "14.11.2026 10:00", "CorrelationId": "b", "EndpointType": "PSTN",'
        ' "ParticipantEndReason": "0", "ParticipantEndSubCode": "0"}',
    ]
    legs = only_legs(read("\n".join(rows).encode(), InputFormat.JSONL))
    assert [leg.time_generated.day for leg in legs] == [5, 14]


def test_the_reader_settles_only_on_valid_dates() -> None:
    dates = DateReader()
    assert dates.parse("13/13/2026 10:00") is None and not dates.settled
    assert dates.parse("31/02/2026 10:00") is None and not dates.settled  # no such day
    assert dates.parse("30/01/2026 10:00") == datetime(2026, 1, 30, 10, tzinfo=UTC) and dates.order == "dmy"
