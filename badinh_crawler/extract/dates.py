"""Dates as the portal prints them (day/month/year, Asia/Ho_Chi_Minh), to ISO 8601.

A fast path reads the numeric forms ("04/06/2021 | 10:25 AM", "Thứ Sáu, 04/06/2021 - 10:25",
"10:25, 04/06/2021", "Cập nhật: 06/12/2021 08:30:12", "ngày 4 tháng 6 năm 2021", ISO); dateparser
(languages=["vi"], DATE_ORDER="DMY") reads the rest, and only text already known to be a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
_MIN_YEAR, _MAX_YEAR = 1990, 2100

_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})\s?([/.-])\s?(\d{1,2})\s?\2\s?((?:19|20|21)\d{2})(?!\d)")
_MONTH_WORDS = {
    "một": 1,
    "giêng": 1,
    "hai": 2,
    "ba": 3,
    "tư": 4,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
    "mười một": 11,
    "mười hai": 12,
    "chạp": 12,
}
_WORDS = re.compile(
    r"(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2}|mười một|mười hai|"
    + "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
    + r")\s*(?:,|năm)?\s*(?:năm\s+)?((?:19|20|21)\d{2})(?!\d)",
    re.I,
)
_ISO = re.compile(
    r"((?:19|20|21)\d{2})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
_TIME = re.compile(
    r"(?<![\d/.:])([01]?\d|2[0-3])\s?(?::|h|g|giờ)\s?([0-5]\d)(?:\s?:\s?([0-5]\d))?(?:\s*(am|pm|sa|ch|a\.m\.|p\.m\.)(?![a-zà-ỹ]))?(?![\d:/])",
    re.I,
)
#: how far (characters) a time may stand from its date on the same line
_TIME_REACH = 24


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text: ``value`` is ISO 8601, ``raw`` the text it was read from."""

    value: str
    raw: str
    has_time: bool


def _valid_date(y: int, m: int, d: int) -> date | None:
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _format(d: date, hh: int | None, mm: int | None, ss: int | None) -> str:
    if hh is None or mm is None:
        return d.isoformat()
    return f"{d.isoformat()}T{hh:02d}:{mm:02d}:{ss or 0:02d}+07:00"


def _near_time(text: str, start: int, end: int) -> re.Match[str] | None:
    best: re.Match[str] | None = None
    best_gap = _TIME_REACH + 1
    for m in _TIME.finditer(text):
        if m.start() >= end:
            gap = m.start() - end
        elif m.end() <= start:
            gap = start - m.end()
        else:
            continue
        if gap < best_gap:
            best, best_gap = m, gap
    return best


def _clock(m: re.Match[str]) -> tuple[int, int, int]:
    hh, mm = int(m.group(1)), int(m.group(2))
    ss = int(m.group(3)) if m.group(3) else 0
    suffix = (m.group(4) or "").lower().replace(".", "")
    if suffix in ("pm", "ch") and hh < 12:
        hh += 12
    elif suffix in ("am", "sa") and hh == 12:
        hh = 0
    return hh, mm, ss


def find_date(text: str | None, *, with_time: bool = True) -> DateMatch | None:
    """The first date in ``text`` (day/month/year or ISO), with the nearest time of day."""
    if not text:
        return None
    found: tuple[int, int, date] | None = None
    iso_time: str | None = None
    for m in _DMY.finditer(text):
        d = _valid_date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
        if d:
            found = (m.start(), m.end(), d)
            break
    if found is None:
        m2 = _WORDS.search(text)
        if m2:
            month = m2.group(2).lower()
            d = _valid_date(int(m2.group(3)), _MONTH_WORDS.get(month) or int(month), int(m2.group(1)))
            if d:
                found = (m2.start(), m2.end(), d)
    if found is None:
        m3 = _ISO.search(text)
        if m3:
            d = _valid_date(int(m3.group(1)), int(m3.group(2)), int(m3.group(3)))
            if d:
                found = (m3.start(), m3.end(), d)
                if m3.group(4):
                    iso_time = m3.group(0)
    if found is None:
        return None
    start, end, d = found
    raw = text[start:end]
    if iso_time is not None:
        return DateMatch(iso_to_vn(iso_time) or d.isoformat(), raw, True)
    if with_time:
        t = _near_time(text, start, end)
        if t is not None:
            hh, mm, ss = _clock(t)
            lo, hi = min(start, t.start()), max(end, t.end())
            return DateMatch(_format(d, hh, mm, ss), text[lo:hi], True)
    return DateMatch(d.isoformat(), raw, False)


def iso_to_vn(text: str) -> str | None:
    """An ISO 8601 timestamp (any offset, or none meaning local) as ``...+07:00``."""
    try:
        dt = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=VN_TZ)
    dt = dt.astimezone(VN_TZ)
    if not _MIN_YEAR <= dt.year <= _MAX_YEAR:
        return None
    return _format(dt.date(), dt.hour, dt.minute, dt.second)


@lru_cache(maxsize=1)
def _dateparser_settings() -> dict[str, object]:
    return {
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def parse_date_text(text: str | None) -> DateMatch | None:
    """A date from text known to hold one: the fast path, then dateparser for other wordings."""
    if not text:
        return None
    fast = find_date(text)
    if fast is not None:
        return fast
    import dateparser  # imported on first need: it costs about 0.2 s

    try:
        dt = dateparser.parse(text, languages=["vi", "en"], settings=_dateparser_settings())  # type: ignore[arg-type]
    except Exception:  # dateparser raises assorted errors on odd input; a date is optional
        return None
    if dt is None or not _MIN_YEAR <= dt.year <= _MAX_YEAR or str(dt.year) not in text:
        # dateparser fills parts the text lacks from today: such a date was never on the page
        return None
    has_time = _TIME.search(text) is not None
    return DateMatch(
        _format(dt.date(), dt.hour, dt.minute, dt.second) if has_time else dt.date().isoformat(), text.strip(), has_time
    )


_HTM_ID = re.compile(r"-(\d{14,21})\.htm$")


def date_from_htm_url(url: str) -> DateMatch | None:
    """The publication time encoded in a ".htm" platform article id, when the id carries one.

    The id is a site prefix (1–4 digits), YYMMDD, HHMMSS, then 2–3 digits; the split that gives a
    valid date and time wins (several valid splits: none is trusted).
    """
    m = _HTM_ID.search(url.split("?", 1)[0].split("#", 1)[0])
    if m is None:
        return None
    digits = m.group(1)
    found: set[str] = set()
    for prefix in range(1, 5):
        for suffix in (2, 3):
            core = digits[prefix : len(digits) - suffix]
            if len(core) != 12:
                continue
            yy, mo, dd, hh, mi, ss = (int(core[i : i + 2]) for i in range(0, 12, 2))
            d = _valid_date(2000 + yy, mo, dd)
            if d is None or hh > 23 or mi > 59 or ss > 59:
                continue
            found.add(_format(d, hh, mi, ss))
    if len(found) != 1:
        return None
    return DateMatch(found.pop(), digits, True)
