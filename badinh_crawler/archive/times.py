"""Archive timestamps (WARC-Date, Wayback's 14 digits) as the project's ISO 8601 times."""

from __future__ import annotations

import datetime as dt

#: the portal's offset: every ``fetched_at`` of the project is written with it
PORTAL_TZ = dt.timezone(dt.timedelta(hours=7))


def parse_warc_date(value: str) -> dt.datetime:
    """A WARC-Date (``2021-12-04T02:12:40Z``, fractions of a second allowed) as an aware UTC datetime."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def parse_timestamp14(ts: str) -> dt.datetime:
    """A Wayback timestamp (``YYYYMMDDhhmmss``; shorter ones are padded: ``2021`` is 2021-01-01) in UTC."""
    if not ts.isdigit() or not 4 <= len(ts) <= 14:
        raise ValueError(f"not a Wayback timestamp: {ts!r}")
    padded = ts + "0101000000"[len(ts) - 4 :]
    return dt.datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)


def portal_time(moment: dt.datetime) -> str:
    """ISO 8601 to the second with the portal's +07:00 offset (the form of every ``fetched_at``)."""
    return moment.astimezone(PORTAL_TZ).isoformat(timespec="seconds")


def utc_time(moment: dt.datetime) -> str:
    """ISO 8601 to the second with ``+00:00``."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
