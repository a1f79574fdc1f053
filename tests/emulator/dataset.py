"""Synthetic ACSCallSummary / ACSBillingUsage data and an independent ground truth.

Everything is vectorised (numpy/pandas), deterministic for a given ``seed`` and
independent of the emulator: :func:`expected_pstn_pairs` and
:func:`expected_totals` are plain pandas, so a test comparing them with what the
CLI got back through the emulator checks the CLI's KQL, not the emulator
against itself.

Time-window convention used by the ground-truth helpers and by the emulator's
``timespan`` filter: ``start <= TimeGenerated < end`` (``None`` = unbounded).

Values that the reference notes mark UNVERIFIED (exact ``ParticipantType`` and
``PstnParticipantCallType`` strings, ``UsageType``/``UnitType`` values) are
plausible placeholders, not facts about production data.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

__all__ = [
    "BILLING_USAGE_COLUMNS",
    "CALL_SUMMARY_COLUMNS",
    "DEFAULT_NON_PSTN_MIX",
    "DEFAULT_PSTN_FAILURE_MIX",
    "UNDOCUMENTED_PSTN_PAIRS",
    "expected_pstn_pairs",
    "expected_totals",
    "generate_billing_usage",
    "generate_call_summary",
]

DEFAULT_RESOURCE_ID = (
    "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs1"
)
DEFAULT_WORKSPACE_ID = "11111111-1111-1111-1111-111111111111"

#: The 33 ACSCallSummary columns and their Kusto types (acs-logs.md §1.2).
CALL_SUMMARY_COLUMNS: dict[str, str] = {
    "_BilledSize": "real",
    "_IsBillable": "string",
    "_ResourceId": "string",
    "_SubscriptionId": "string",
    "CallDebuggingInfo": "string",
    "CallDuration": "long",
    "CallStartTime": "datetime",
    "CallType": "string",
    "Category": "string",
    "CorrelationId": "string",
    "DiagnosticOptions": "string",
    "EndpointId": "string",
    "EndpointType": "string",
    "Identifier": "string",
    "OperationName": "string",
    "OperationVersion": "string",
    "OsVersion": "string",
    "ParticipantDuration": "long",
    "ParticipantEndReason": "string",
    "ParticipantEndSubCode": "string",
    "ParticipantId": "string",
    "ParticipantStartTime": "datetime",
    "ParticipantTenantId": "string",
    "ParticipantType": "string",
    "PstnParticipantCallType": "string",
    "ResultCategory": "string",
    "SdkVersion": "string",
    "SourceSystem": "string",
    "TeamsThreadId": "string",
    "TenantId": "string",
    "TimeGenerated": "datetime",
    "TPE": "bool",
    "Type": "string",
}
assert len(CALL_SUMMARY_COLUMNS) == 33

#: The 21 ACSBillingUsage columns (learn.microsoft.com table reference).
BILLING_USAGE_COLUMNS: dict[str, str] = {
    "_BilledSize": "real",
    "_IsBillable": "string",
    "_ResourceId": "string",
    "_SubscriptionId": "string",
    "Category": "string",
    "CorrelationId": "string",
    "EndTime": "datetime",
    "OperationName": "string",
    "OperationVersion": "string",
    "ParticipantId": "string",
    "Quantity": "real",
    "RecordId": "string",
    "SourceSystem": "string",
    "StartTime": "datetime",
    "TenantId": "string",
    "TimeGenerated": "datetime",
    "Type": "string",
    "UnitType": "string",
    "UsageType": "string",
    "UserIdA": "string",
    "UserIdB": "string",
}

#: Default (ParticipantEndReason, ParticipantEndSubCode) weights for PSTN legs:
#: every documented PSTN pair plus two undocumented ones. Normalised on use.
DEFAULT_PSTN_FAILURE_MIX: dict[tuple[str, str], float] = {
    ("0", "560000"): 0.40,
    ("0", "540000"): 0.20,
    ("0", "0"): 0.10,
    ("487", "560487"): 0.05,
    ("487", "540487"): 0.03,
    ("486", "560486"): 0.04,
    ("486", "540486"): 0.01,
    ("480", "560480"): 0.03,
    ("603", "560603"): 0.02,
    ("408", "560408"): 0.015,
    ("408", "500001"): 0.01,
    ("404", "560404"): 0.015,
    ("404", "511404"): 0.005,
    ("403", "560403"): 0.01,
    ("403", "510403"): 0.005,
    ("403", "511532"): 0.005,
    ("410", "531004"): 0.005,
    ("484", "560484"): 0.005,
    ("500", "560500"): 0.004,
    ("503", "560503"): 0.006,
    # undocumented in the PSTN table
    ("502", "560502"): 0.003,
    ("480", "10076"): 0.002,
}
UNDOCUMENTED_PSTN_PAIRS = frozenset({("502", "560502"), ("480", "10076")})

#: Mix for VoIP / Server / BOT legs (Calling SDK codes, end-codes.md §2).
DEFAULT_NON_PSTN_MIX: dict[tuple[str, str], float] = {
    ("0", "0"): 0.80,
    ("0", "5000"): 0.03,
    ("487", "0"): 0.03,
    ("603", "0"): 0.02,
    ("0", "4521"): 0.02,
    ("487", "10004"): 0.02,
    ("480", "10037"): 0.02,
    ("410", "3112"): 0.02,
    ("408", "10057"): 0.01,
    ("496", "7"): 0.01,
    ("490", "4502"): 0.01,
    ("410", "301005"): 0.01,
}

_EXPECTED = {"480", "484", "486", "487", "603", "404"}
_SERVER = {"408", "410", "500", "502", "503", "504"}


#: Result categories Microsoft publishes for PSTN pairs (verdicts-and-codes.md: S1 the
#: troubleshooting-codes page, S7 the Call Diagnostics sub-code mapping); logged as is.
PUBLISHED_RESULT_CATEGORIES: dict[tuple[str, str], str] = {
    ("0", "0"): "Success",
    ("0", "560000"): "Success",
    ("0", "540000"): "Success",
    ("403", "510403"): "ExpectedError",
    ("404", "560404"): "ExpectedError",
    ("408", "500001"): "ExpectedError",
    ("403", "560403"): "UnexpectedClientError",
    ("480", "560480"): "UnexpectedServerError",
    ("503", "560503"): "UnexpectedServerError",
    ("486", "560486"): "Success",
    ("487", "540487"): "Success",
}
#: Share of legs logged with a blank ResultCategory (Microsoft's sample queries see some).
BLANK_RESULT_CATEGORY_SHARE = 0.05


def _category(reason: str, subcode: str) -> str:
    published = PUBLISHED_RESULT_CATEGORIES.get((reason, subcode))
    if published is not None:
        return published
    if reason == "0" or (reason in ("487", "603") and subcode in ("0", "540487", "10003", "10024")):
        return "Success"
    if reason in _EXPECTED:
        return "ExpectedError"
    if reason in _SERVER:
        return "UnexpectedServerError"
    return "UnexpectedClientError"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_UUID_POS = np.array([i for i in range(36) if i not in (8, 13, 18, 23)])


def _uuid_matrix(rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, 36) uint8 matrix of random version-4 UUID characters."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    nibbles = np.empty((n, 32), dtype=np.uint8)
    nibbles[:, 0::2] = raw >> 4
    nibbles[:, 1::2] = raw & 15
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    out[:, _UUID_POS] = _HEX[nibbles]
    out[:, 14] = ord("4")
    out[:, 19] = _HEX[8 + (nibbles[:, 16] & 3)]
    return out


def _to_str(mat: np.ndarray) -> np.ndarray:
    """(n, w) uint8 ASCII matrix -> object array of n Python strings."""
    mat = np.ascontiguousarray(mat, dtype=np.uint8)
    n, w = mat.shape
    if n == 0:
        return np.array([], dtype=object)
    return mat.view(f"S{w}").ravel().astype(f"U{w}").astype(object)


def _prefixed(prefix: bytes, mat: np.ndarray) -> np.ndarray:
    head = np.broadcast_to(np.frombuffer(prefix, np.uint8), (mat.shape[0], len(prefix)))
    return np.concatenate([head, mat], axis=1)


def _phone_matrix(rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, 12) ASCII matrix of NANP test-style numbers "+1NXX555XXXX"."""
    digits = rng.integers(0, 10, size=(n, 7), dtype=np.uint8)
    out = np.empty((n, 12), dtype=np.uint8)
    out[:, 0] = ord("+")
    out[:, 1] = ord("1")
    out[:, 2] = ord("2") + rng.integers(0, 8, size=n, dtype=np.uint8)  # area code 2xx-9xx
    out[:, 3:5] = ord("0") + digits[:, :2]
    out[:, 5:8] = np.frombuffer(b"555", np.uint8)
    out[:, 8:12] = ord("0") + digits[:, 3:7]
    return out


def _uuids(rng: np.random.Generator, n: int) -> np.ndarray:
    """*n* random version-4 UUID strings as an object array (fully vectorised)."""
    return _to_str(_uuid_matrix(rng, n))


def _const(n: int, value: object) -> np.ndarray:
    return np.array([value] * n, dtype=object)


def _pick(rng: np.random.Generator, mix: dict[tuple[str, str], float], n: int):
    pairs = list(mix)
    w = np.array([mix[p] for p in pairs], dtype=float)
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("failure_mix weights must be >= 0 and not all zero")
    idx = rng.choice(len(pairs), size=n, p=w / w.sum())
    return idx, pairs


def generate_call_summary(
    n_legs: int,
    *,
    seed: int,
    now: datetime,
    window: timedelta = timedelta(hours=24),
    pstn_share: float = 0.6,
    failure_mix: dict[tuple[str, str], float] | None = None,
    resource_id: str = DEFAULT_RESOURCE_ID,
    workspace_id: str = DEFAULT_WORKSPACE_ID,
) -> pd.DataFrame:
    """A synthetic ACSCallSummary table with *n_legs* rows (one row per leg).

    * All 33 columns, with the §1.2 types (strings as pandas ``str``, longs as
      int64, datetimes UTC, ``TPE`` bool, ``_BilledSize`` float64).
    * Several legs per ``CorrelationId`` (1-6, mostly 2); ``CallType`` P2P/Group.
      P2P legs have ``ParticipantId == "null"`` as in the docs' samples.
    * ``EndpointType`` in varied case: PSTN/pstn, VoIP/VOIP, Server, BOT.
      ``Server`` legs have a null ``EndpointId``.
    * PSTN legs (a *pstn_share* fraction) draw (ParticipantEndReason,
      ParticipantEndSubCode) from *failure_mix* (default
      :data:`DEFAULT_PSTN_FAILURE_MIX`); other legs from
      :data:`DEFAULT_NON_PSTN_MIX`. Both columns are strings.
    * PSTN ``Identifier`` is ``"4:+1<10 digits>"``.
    * ``TimeGenerated`` is in ``[now - window, now)``.
    """
    if n_legs < 0:
        raise ValueError("n_legs must be >= 0")
    if not 0.0 <= pstn_share <= 1.0:
        raise ValueError("pstn_share must be within [0, 1]")
    now = _utc(now)
    rng = np.random.default_rng(seed)
    mix = failure_mix if failure_mix is not None else DEFAULT_PSTN_FAILURE_MIX
    n = int(n_legs)

    # ---- calls and legs -------------------------------------------------
    sizes_all = rng.choice([1, 2, 3, 4, 5, 6], size=max(n, 1), p=[0.05, 0.5, 0.2, 0.12, 0.08, 0.05])
    ends = np.cumsum(sizes_all)
    n_calls = int(np.searchsorted(ends, n, side="left")) + 1 if n else 0
    sizes = sizes_all[:n_calls].copy()
    if n_calls:
        sizes[-1] -= int(ends[n_calls - 1] - n)  # trim the last call to hit n exactly
    call_of_leg = np.repeat(np.arange(n_calls), sizes)
    leg_no = np.arange(n) - np.repeat(ends[:n_calls] - sizes_all[:n_calls], sizes)

    is_p2p_call = (sizes == 2) & (rng.random(n_calls) < 0.8)
    call_type = np.where(is_p2p_call, "P2P", "Group").astype(object)

    # ---- times ----------------------------------------------------------
    window_us = int(window / timedelta(microseconds=1))
    if window_us <= 10_000_000:
        raise ValueError("window must be longer than 10 seconds")
    now_us = int(now.timestamp() * 1_000_000)
    # Call-level TimeGenerated in [now - window, now - 5 s); legs add 0-5 s jitter.
    call_tg = now_us - window_us + rng.integers(0, window_us - 5_000_000, size=n_calls)
    call_dur = np.maximum(1, rng.lognormal(5.0, 1.0, size=n_calls)).astype(np.int64)  # seconds
    call_start = call_tg - (call_dur + rng.integers(1, 30, size=n_calls)) * 1_000_000
    tg = call_tg[call_of_leg] + rng.integers(0, 5_000_000, size=n)
    part_offset = np.where(leg_no == 0, 0, rng.integers(0, 20, size=n))  # s after call start
    part_start = call_start[call_of_leg] + part_offset * 1_000_000

    # ---- endpoint types -------------------------------------------------
    is_pstn = rng.random(n) < pstn_share
    u = rng.random(n)
    other = np.select(
        [u < 0.60, u < 0.70, u < 0.90],
        ["VoIP", "VOIP", "Server"],
        default="BOT",
    ).astype(object)
    endpoint_type = np.where(is_pstn, np.where(rng.random(n) < 0.85, "PSTN", "pstn"), other).astype(object)
    is_server = endpoint_type == "Server"

    # ---- end reasons ----------------------------------------------------
    reason = np.empty(n, dtype=object)
    subcode = np.empty(n, dtype=object)
    category = np.empty(n, dtype=object)
    direction = np.empty(n, dtype=object)  # from the 560/540 prefix, else random
    for mask, pair_mix in ((is_pstn, mix), (~is_pstn, DEFAULT_NON_PSTN_MIX)):
        idx, pairs = _pick(rng, pair_mix, int(mask.sum()))
        reason[mask] = np.array([p[0] for p in pairs], dtype=object)[idx]
        subcode[mask] = np.array([p[1] for p in pairs], dtype=object)[idx]
        category[mask] = np.array([_category(*p) for p in pairs], dtype=object)[idx]
        pair_dir = np.array(
            [
                "Outbound" if p[1].startswith("560") else "Inbound" if p[1].startswith("540") else ""
                for p in pairs
            ],
            dtype=object,
        )
        direction[mask] = pair_dir[idx]
    undecided = direction == ""
    direction[undecided] = np.where(rng.random(int(undecided.sum())) < 0.5, "Outbound", "Inbound")

    success = reason == "0"
    part_dur = np.where(
        success,
        np.minimum(call_dur[call_of_leg], np.maximum(1, rng.lognormal(4.5, 1.0, size=n)).astype(np.int64)),
        rng.integers(0, 30, size=n),
    ).astype(np.int64)

    # ---- identities -----------------------------------------------------
    call_mat = _uuid_matrix(rng, n_calls)
    call_ids = _to_str(call_mat)
    endpoint_mat = _uuid_matrix(rng, n)
    endpoint_id = _to_str(endpoint_mat)
    endpoint_id[is_server] = None
    participant_id = _uuids(rng, n)
    participant_id[is_p2p_call[call_of_leg]] = "null"
    phone_mat = _phone_matrix(rng, n)  # "+1NXX555XXXX"
    identifier = np.select(
        [is_pstn, is_server, endpoint_type == "BOT"],
        [
            _to_str(_prefixed(b"4:", phone_mat)),
            _const(n, "28:acs:server"),
            _to_str(_prefixed(b"28:orgid:", endpoint_mat)),
        ],
        default=_to_str(_prefixed(b"8:acs:", endpoint_mat)),
    )
    tenants = _uuids(rng, 4)
    participant_tenant = tenants[rng.integers(0, 4, size=n)]
    u = rng.random(n)
    participant_type = np.where(
        u < 0.85, "ACS", np.where(u < 0.95, "Teams", "ACS as Teams external user")
    ).astype(object)
    direct = rng.random(n) < 0.3
    pstn_call_type = np.where(direct, "DirectRouting " + direction.astype(str), direction).astype(object)
    pstn_call_type = np.where(is_pstn, pstn_call_type, "").astype(object)

    sdk = np.where(
        is_pstn,
        np.where(rng.random(n) < 0.7, "Redacted", "null"),
        np.array(["1.25.1.1", "1.30.2.1", "1.31.1.1", "2.1.0-beta.1"], dtype=object)[
            rng.integers(0, 4, size=n)
        ],
    ).astype(object)
    os_version = np.where(
        is_pstn,
        sdk,
        np.array(["Windows 10.0.17763 Arch: x64", "Android 14", "iOS 17.4", "macOS 14.4"], dtype=object)[
            rng.integers(0, 4, size=n)
        ],
    ).astype(object)
    group_leg = call_type[call_of_leg] == "Group"
    thread_mat = call_mat[:, _UUID_POS]  # 32 hex chars, no dashes
    threads = _to_str(
        _prefixed(
            b"19:",
            np.concatenate(
                [thread_mat, np.broadcast_to(np.frombuffer(b"@thread.v2", np.uint8), (n_calls, 10))], axis=1
            ),
        )
    )
    teams_thread = np.where(group_leg & (rng.random(n) < 0.5), threads[call_of_leg], None).astype(object)

    corr = call_ids[call_of_leg]
    leg_digit = (ord("0") + np.minimum(leg_no, 9)).astype(np.uint8)[:, None]
    debug = _to_str(
        np.concatenate(
            [
                np.broadcast_to(np.frombuffer(b'{"callId":"', np.uint8), (n, 11)),
                call_mat[call_of_leg],
                np.broadcast_to(np.frombuffer(b'","leg":', np.uint8), (n, 8)),
                leg_digit,
                np.broadcast_to(np.frombuffer(b"}", np.uint8), (n, 1)),
            ],
            axis=1,
        )
    )
    diag = np.where(
        rng.random(n) < 0.2, '{"appName":"contoso-dialer","appVersion":"2.4.1","tags":["pstn"]}', ""
    ).astype(object)

    sub_id = _subscription_of(resource_id)
    # Some legs carry a blank ResultCategory; a separate generator keeps every other
    # column as it was for a given seed.
    category[np.random.default_rng([seed, 7919]).random(n) < BLANK_RESULT_CATEGORY_SHARE] = ""

    def ts(values: np.ndarray) -> pd.Series:
        return pd.Series(pd.to_datetime(values, unit="us", utc=True))

    data = {
        "_BilledSize": rng.uniform(1200.0, 3200.0, size=n).round(0),
        "_IsBillable": _const(n, "True"),
        "_ResourceId": _const(n, resource_id),
        "_SubscriptionId": _const(n, sub_id),
        "CallDebuggingInfo": debug,
        "CallDuration": call_dur[call_of_leg].astype(np.int64),
        "CallStartTime": ts(call_start[call_of_leg]),
        "CallType": call_type[call_of_leg],
        "Category": _const(n, "CallSummary"),
        "CorrelationId": corr,
        "DiagnosticOptions": diag,
        "EndpointId": endpoint_id,
        "EndpointType": endpoint_type,
        "Identifier": identifier,
        "OperationName": _const(n, "CallSummary"),
        "OperationVersion": _const(n, "1.0"),
        "OsVersion": os_version,
        "ParticipantDuration": part_dur,
        "ParticipantEndReason": reason,
        "ParticipantEndSubCode": subcode,
        "ParticipantId": participant_id,
        "ParticipantStartTime": ts(part_start),
        "ParticipantTenantId": participant_tenant,
        "ParticipantType": participant_type,
        "PstnParticipantCallType": pstn_call_type,
        "ResultCategory": category,
        "SdkVersion": sdk,
        "SourceSystem": _const(n, "Azure"),
        "TeamsThreadId": teams_thread,
        "TenantId": _const(n, workspace_id),
        "TimeGenerated": ts(tg),
        "TPE": rng.random(n) < 0.02,
        "Type": _const(n, "ACSCallSummary"),
    }
    df = pd.DataFrame(data)
    for col, kind in CALL_SUMMARY_COLUMNS.items():
        if kind == "string":
            missing = df[col].isna()
            df[col] = df[col].astype("str")
            if missing.any():  # None stays missing (pandas 2 would write the text "None")
                df.loc[missing, col] = None
    return df[list(CALL_SUMMARY_COLUMNS)]


def _subscription_of(resource_id: str) -> str:
    parts = [p for p in resource_id.split("/") if p]
    for i, p in enumerate(parts[:-1]):
        if p.lower() == "subscriptions":
            return parts[i + 1]
    return ""


def generate_billing_usage(call_summary_df: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """ACSBillingUsage rows for the legs of *call_summary_df* (one per non-Server leg).

    PSTN legs: ``UsageType="PSTN"``, ``UserIdA`` = the ACS/caller side
    (``8:acs:...`` or the service number), ``UserIdB`` = the phone number
    (``+1...``, taken from the leg's ``Identifier``); direction follows the
    560/540 sub-code prefix (inbound: UserIdA is the external number).
    VoIP/BOT legs: ``UsageType="Audio"``, ``UserIdA`` = the leg's Identifier.
    ``ParticipantId`` and ``CorrelationId`` are copied, so both documented
    joins (ParticipantId for group calls, CorrelationId for P2P) work.
    """
    rng = np.random.default_rng(seed)
    cs = call_summary_df
    keep = cs["EndpointType"].str.lower() != "server"
    legs = cs.loc[keep.to_numpy()]
    n = len(legs)
    is_pstn = (legs["EndpointType"].str.lower() == "pstn").to_numpy()
    ident = legs["Identifier"].astype("str").to_numpy(dtype=object)
    phone = pd.Series(ident, dtype=object).str.removeprefix("4:").to_numpy(dtype=object)
    service_numbers = np.array(["+18005550100", "+18005550101", "+14255550199"], dtype=object)
    service = service_numbers[rng.integers(0, len(service_numbers), size=n)]
    inbound = legs["ParticipantEndSubCode"].astype("str").str.startswith("540").to_numpy()
    user_a = np.where(is_pstn, np.where(inbound, phone, service), ident).astype(object)
    user_b = np.where(is_pstn, np.where(inbound, service, phone), None).astype(object)
    start = legs["ParticipantStartTime"]
    dur = pd.to_timedelta(legs["ParticipantDuration"].to_numpy(dtype=np.int64), unit="s")
    end = start + dur
    quantity = np.where(
        is_pstn,
        np.ceil(legs["ParticipantDuration"].to_numpy() / 60.0),
        legs["ParticipantDuration"].to_numpy() / 60.0,
    )
    df = pd.DataFrame(
        {
            "_BilledSize": rng.uniform(600.0, 900.0, size=n).round(0),
            "_IsBillable": _const(n, "True"),
            "_ResourceId": legs["_ResourceId"].to_numpy(dtype=object),
            "_SubscriptionId": legs["_SubscriptionId"].to_numpy(dtype=object),
            "Category": _const(n, "Usage"),
            "CorrelationId": legs["CorrelationId"].to_numpy(dtype=object),
            "EndTime": end.to_numpy(),
            "OperationName": _const(n, "CommunicationServicesUsage"),
            "OperationVersion": _const(n, "1.0"),
            "ParticipantId": legs["ParticipantId"].to_numpy(dtype=object),
            "Quantity": quantity.astype(float),
            "RecordId": _uuids(rng, n),
            "SourceSystem": _const(n, "Azure"),
            "StartTime": start.to_numpy(),
            "TenantId": legs["TenantId"].to_numpy(dtype=object),
            "TimeGenerated": legs["TimeGenerated"].to_numpy(),
            "Type": _const(n, "ACSBillingUsage"),
            "UnitType": np.where(is_pstn, "MinuteCount", "Minute").astype(object),
            "UsageType": np.where(is_pstn, "PSTN", "Audio").astype(object),
            "UserIdA": user_a,
            "UserIdB": user_b,
        }
    )
    for col, kind in BILLING_USAGE_COLUMNS.items():
        if kind == "string":
            missing = df[col].isna()
            df[col] = df[col].astype("str")
            if missing.any():  # None stays missing (pandas 2 would write the text "None")
                df.loc[missing, col] = None
        elif kind == "datetime":
            df[col] = pd.to_datetime(df[col], utc=True)
    return df[list(BILLING_USAGE_COLUMNS)].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Ground truth (plain pandas, independent of KQL and of the emulator)
# ---------------------------------------------------------------------------


def _window_mask(df: pd.DataFrame, start: datetime | None, end: datetime | None) -> pd.Series:
    tg = df["TimeGenerated"]
    mask = pd.Series(True, index=df.index)
    if start is not None:
        mask &= tg >= pd.Timestamp(_utc(start))
    if end is not None:
        mask &= tg < pd.Timestamp(_utc(end))
    return mask


def _pstn_mask(df: pd.DataFrame) -> pd.Series:
    return df["EndpointType"].fillna("").str.lower() == "pstn"


def expected_pstn_pairs(
    df: pd.DataFrame, start: datetime | None, end: datetime | None
) -> dict[tuple[str, str], dict[str, int]]:
    """{(ParticipantEndReason, ParticipantEndSubCode): {"legs", "calls"}} for PSTN legs
    (``EndpointType`` case-insensitively ``"pstn"``) with ``start <= TimeGenerated < end``.
    ``calls`` = distinct CorrelationId values within the pair."""
    sel = df.loc[(_window_mask(df, start, end) & _pstn_mask(df)).to_numpy()]
    if sel.empty:
        return {}
    g = sel.groupby(["ParticipantEndReason", "ParticipantEndSubCode"], dropna=False)
    legs = g.size()
    calls = g["CorrelationId"].nunique()
    return {
        (str(r), str(s)): {"legs": int(legs[(r, s)]), "calls": int(calls[(r, s)])} for (r, s) in legs.index
    }


def expected_totals(
    df: pd.DataFrame, start: datetime | None, end: datetime | None, *, pstn_only: bool = True
) -> dict[str, int]:
    """{"legs", "calls"} in the window; PSTN legs only unless ``pstn_only=False``.
    ``calls`` = distinct CorrelationId among those legs."""
    mask = _window_mask(df, start, end)
    if pstn_only:
        mask &= _pstn_mask(df)
    sel = df.loc[mask.to_numpy()]
    return {"legs": len(sel), "calls": int(sel["CorrelationId"].nunique())}


def expected_timeline(
    df: pd.DataFrame, start: datetime | None, end: datetime | None, bin_size: str
) -> dict[datetime, dict[str, object]]:
    """{bin start: {"legs", "failed_legs", "failed_by_pair": {(reason, sub-code): legs}}}
    for PSTN legs in the window, binned on TimeGenerated (``pandas`` floor, ``bin_size``
    such as ``"1h"``); a failure: the end reason is neither "0" nor starts with "2"."""
    sel = df.loc[(_window_mask(df, start, end) & _pstn_mask(df)).to_numpy()].copy()
    sel["Bin"] = sel["TimeGenerated"].dt.floor(bin_size)
    reason = sel["ParticipantEndReason"].fillna("").astype(str)
    sel["Failed"] = ~((reason == "0") | reason.str.startswith("2"))
    out: dict[datetime, dict[str, object]] = {}
    for moment, group in sel.groupby("Bin"):
        failed = group[group["Failed"]]
        pairs = failed.groupby(["ParticipantEndReason", "ParticipantEndSubCode"], dropna=False).size()
        out[pd.Timestamp(moment).to_pydatetime()] = {
            "legs": len(group),
            "failed_legs": len(failed),
            "failed_by_pair": {(str(r), str(s)): int(n) for (r, s), n in pairs.items()},
        }
    return out
