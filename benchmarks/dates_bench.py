"""Per-call cost of our date normaliser vs ``dateparser.parse``, on the date formats of the fixtures.

Run: .venv/bin/python benchmarks/dates_bench.py [--per-format 200] [--seed 7]

Every format below is one the fixture pages print (the fixture it comes from is named); each is
filled with ``--per-format`` random date-times (2019-2026), the same inputs for both sides. Ours is
``parse_date_text`` (the entry the extractor uses: fast path, then dateparser for other wordings);
dateparser is called as our fallback calls it (``languages=["vi", "en"]``, DMY, the same settings).
"Same results" is checked on every input: both must give the generated date (and the time of day
when the text has one), as ISO 8601 in +07:00.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from random import Random
from typing import Any

import dateparser

from badinh_crawler.extract.dates import _dateparser_settings, _format, parse_date_text

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _ampm(t: datetime) -> str:
    return f"{(t.hour % 12) or 12:02d}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


#: (name, numeric?, has time?, formatter, fixture it is seen in)
FORMATS: list[tuple[str, bool, bool, Callable[[datetime], str], str]] = [
    ("dd/mm/yyyy", True, False, lambda t: f"{t:%d/%m/%Y}", "related dates, e.g. liferay-listing-page2"),
    ("dd/mm/yyyy | hh:mm AM", True, True, lambda t: f"{t:%d/%m/%Y} | {_ampm(t)}", "liferay-news-one-image"),
    ("hh:mm AM, dd/mm/yyyy", True, True, lambda t: f"{_ampm(t)}, {t:%d/%m/%Y}", "unknown-div-soup"),
    ("hh:mm | dd/mm/yyyy", True, True, lambda t: f"{t:%H:%M | %d/%m/%Y}", "htm-interview-strong"),
    ("hh:mm, dd/mm/yyyy", True, True, lambda t: f"{t:%H:%M, %d/%m/%Y}", "htm-zone-listing (news-time title)"),
    ("dd/mm/yyyy - hh:mm", True, True, lambda t: f"{t:%d/%m/%Y - %H:%M}", "unknown-table-layout"),
    ("dd/mm/yyyy hh:mm", True, True, lambda t: f"{t:%d/%m/%Y %H:%M}", "htm-article-figures"),
    ("dd/mm/yyyy hh:mm:ss", True, True, lambda t: f"{t:%d/%m/%Y %H:%M:%S}", "unknown-medias-cms-2024"),
    ("Weekday, dd/mm/yyyy hh:mm", True, True, lambda t: f"{WEEKDAYS[t.weekday()]}, {t:%d/%m/%Y %H:%M}", "htm-migrated-short-id"),
    (
        "Weekday, dd/mm/yyyy - hh:mm",
        True,
        True,
        lambda t: f"{WEEKDAYS[t.weekday()]}, {t:%d/%m/%Y - %H:%M}",
        "liferay-interview-class-marked",
    ),
    ("ISO 8601 +07:00", True, True, lambda t: f"{t:%Y-%m-%dT%H:%M:%S}+07:00", "htm-interview-strong"),
    ("lúc hh:mm ngày dd/mm/yyyy", False, True, lambda t: f"lúc {t:%H:%M} ngày {t:%d/%m/%Y}", "unknown-interview-text-only"),
    ("ngày d tháng m năm yyyy", False, False, lambda t: f"ngày {t.day} tháng {t.month} năm {t.year}", "unknown-bootstrap-news"),
]


def _expected(t: datetime, has_time: bool) -> str:
    return _format(t.date(), t.hour, t.minute, t.second) if has_time else t.date().isoformat()


def _ours(text: str) -> str | None:
    match = parse_date_text(text)
    return match.value if match else None


def _theirs(text: str, has_time: bool) -> str | None:
    dt = dateparser.parse(text, languages=["vi", "en"], settings=_dateparser_settings())  # type: ignore[arg-type]
    if dt is None:
        return None
    if dt.tzinfo is not None:
        from datetime import timezone

        dt = dt.astimezone(timezone(timedelta(hours=7))).replace(tzinfo=None)
    return _format(dt.date(), dt.hour, dt.minute, dt.second) if has_time else dt.date().isoformat()


def _per_call_us(fn: Callable[[str], Any], inputs: list[str], rounds: int) -> float:
    """Median over rounds of the mean time of one call, in microseconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in inputs:
            fn(text)
        times.append((time.perf_counter() - start) / len(inputs))
    return statistics.median(times) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-format", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = Random(args.seed)
    start, span = datetime(2019, 1, 1), int(timedelta(days=8 * 365).total_seconds())
    _theirs("01/06/2021", False)  # dateparser loads its language data on first use
    _ours("01/06/2021")
    print(f"dateparser {dateparser.__version__}, python {sys.version.split()[0]}")
    print(f"{'format':30} {'n':>4} {'ours us':>8} {'dp us':>9} {'ratio':>7} {'ours ok':>8} {'dp ok':>6} {'same':>5}  fixture")
    numeric_ratios = []
    totals = {"n": 0, "ours_ok": 0, "dp_ok": 0, "same": 0}
    numeric_same = numeric_n = 0
    for name, numeric, has_time, fmt, fixture in FORMATS:
        with_seconds = "ss" in name or "ISO" in name
        times = [
            start + timedelta(minutes=rng.randrange(span // 60), seconds=rng.randrange(60) if with_seconds else 0)
            for _ in range(args.per_format)
        ]
        if not has_time:
            times = [t.replace(hour=0, minute=0, second=0) for t in times]
        inputs = [fmt(t) for t in times]
        expected = [_expected(t, has_time) for t in times]
        ours = [_ours(s) for s in inputs]
        theirs = [_theirs(s, has_time) for s in inputs]
        ours_ok = sum(o == x for o, x in zip(ours, expected, strict=True))
        dp_ok = sum(d == x for d, x in zip(theirs, expected, strict=True))
        same = sum(o == d for o, d in zip(ours, theirs, strict=True))
        ours_us = _per_call_us(_ours, inputs, 20)
        dp_us = _per_call_us(partial(_theirs, has_time=has_time), inputs, 3)
        ratio = dp_us / ours_us
        if numeric:
            numeric_ratios.append(ratio)
            numeric_same += same
            numeric_n += len(inputs)
        totals["n"] += len(inputs)
        totals["ours_ok"] += ours_ok
        totals["dp_ok"] += dp_ok
        totals["same"] += same
        counts = f"{ours_ok:8d} {dp_ok:6d} {same:5d}"
        print(f"{name:30} {len(inputs):4d} {ours_us:8.1f} {dp_us:9.1f} {ratio:6.0f}x {counts}  {fixture}")
        for s, o, d in list(zip(inputs, ours, theirs, strict=True))[:200]:
            if o != d:
                print(f"    e.g. {s!r}: ours {o}, dateparser {d}")
                break
    print(
        f"numeric forms: ratio min {min(numeric_ratios):.0f}x, median {statistics.median(numeric_ratios):.0f}x; "
        f"same result on {numeric_same}/{numeric_n} inputs"
    )
    n = totals["n"]
    print(f"all: ours correct {totals['ours_ok']}/{n}, dateparser correct {totals['dp_ok']}/{n}, same {totals['same']}/{n}")
    print(f"command: .venv/bin/python benchmarks/dates_bench.py --per-format {args.per_format} --seed {args.seed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
