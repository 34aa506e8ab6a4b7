"""The outage window a dashboard user types, checked as `make outage` checks it.

The same rule as the macro `streaming_outage_window` (macros/streaming/streaming_analysis_vars.sql):
YYYY-MM-DD[(T| )HH:MM[:SS[.ffffff]]][Z|+HH:MM|-HH:MM], no offset meaning UTC, a real calendar
date and time, and the end not before the start. The count itself is
`queries.users_affected_by_outage`, the macro's query.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?"
    r"(?:(Z)|([+-])(\d{2}):(\d{2}))?"
)
EXAMPLE = "2024-01-31 20:00:00"


class OutageWindowError(ValueError):
    """The window is missing, unreadable or backwards; the message says which, to a person."""


def parse_timestamp(name: str, text: str | None) -> datetime:
    """A timestamp as a naive UTC datetime, or OutageWindowError naming the field."""
    value = (text or "").strip()
    if not value:
        raise OutageWindowError(f"the {name} is missing: give it as {EXAMPLE} (UTC)")
    match = _TIMESTAMP.fullmatch(value)
    problem = (
        f"the {name} {value!r} is not a timestamp: give YYYY-MM-DD HH:MM:SS (UTC), optionally"
        f" with .ffffff and an offset (Z, +08:00), for example {EXAMPLE}"
    )
    if not match:
        raise OutageWindowError(problem)
    year, month, day, hour, minute, second, fraction = match.group(1, 2, 3, 4, 5, 6, 7)
    offset_hours, offset_minutes = int(match.group(10) or 0), int(match.group(11) or 0)
    if offset_hours > 14 or offset_minutes > 59:
        raise OutageWindowError(problem)
    try:
        local = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int(((fraction or "") + "000000")[:6]),
        )
    except ValueError:
        raise OutageWindowError(problem) from None
    sign = -1 if match.group(9) == "-" else 1
    return local - timedelta(minutes=sign * (offset_hours * 60 + offset_minutes))


def outage_window(start: str | None, end: str | None) -> tuple[datetime, datetime]:
    """(start, end) in UTC, or OutageWindowError when either is bad or the end is first."""
    start_at = parse_timestamp("outage start", start)
    end_at = parse_timestamp("outage end", end)
    if end_at < start_at:
        raise OutageWindowError(
            f"the outage end ({end_at:%Y-%m-%d %H:%M:%S} UTC) is before its start"
            f" ({start_at:%Y-%m-%d %H:%M:%S} UTC): give an end after the start"
        )
    return start_at, end_at
