"""The Wayback Machine as a source: CDX query URLs, CDX JSON parsing, which captures to fetch, and
the provenance of a capture. Plain data and URL builders; the caller does the HTTP.

>>> url = cdx_query_url("https://web.archive.org", "badinh.hanoi.gov.vn/*", limit=1000)  # doctest: +SKIP
>>> captures, resume = parse_cdx_json(body)  # doctest: +SKIP
>>> for capture in pick_captures(captures):  # doctest: +SKIP
...     fetch(raw_url("https://web.archive.org", capture))
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..urls import canonicalize
from .payload import decode_payload
from .times import parse_timestamp14, portal_time, utc_time

__all__ = [
    "DEFAULT_FILTERS",
    "Capture",
    "CdxError",
    "archive_provenance",
    "capture_datetime",
    "cdx_query_url",
    "decode_replay",
    "parse_cdx_json",
    "pick_captures",
    "raw_url",
    "record_provenance",
    "replay_url",
]

#: only what the extractor can use: pages served with 200, as HTML
DEFAULT_FILTERS = ("statuscode:200", "mimetype:text/html")
#: the CDX fields asked for (and read by name, whatever order a server returns them in)
FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


class CdxError(ValueError):
    """A CDX reply that is not the JSON table it should be."""


@dataclass(frozen=True)
class Capture:
    """One row of the CDX index: a capture of ``original`` at ``timestamp`` (14 digits, UTC).
    ``statuscode`` is None where the index has ``-`` (revisits, redirects of some crawlers)."""

    timestamp: str
    original: str
    statuscode: int | None
    mimetype: str
    digest: str


def cdx_query_url(
    base: str,
    url_pattern: str,
    *,
    from_: str | None = None,
    to: str | None = None,
    limit: int | None = None,
    resume_key: str | None = None,
    match_type: str | None = None,
    filters: Sequence[str] = DEFAULT_FILTERS,
    collapse: str | None = "digest",
) -> str:
    """The CDX API URL (``{base}/cdx/search/cdx``, JSON output) listing the captures of ``url_pattern``
    (``host/path``, or ``host/*`` for a prefix, as the CDX server reads it).

    ``from_``/``to``: timestamps (``2019``, ``202112``... up to 14 digits); ``limit``: rows per page,
    with a resume key asked for (``showResumeKey``) so that :func:`parse_cdx_json` gives the next page's
    ``resume_key``; ``collapse``: adjacent rows equal on that field are one (``digest``, the default,
    drops unchanged recaptures; ``urlkey`` keeps one row per URL; None keeps all)."""
    params: list[tuple[str, str]] = [("url", url_pattern), ("output", "json"), ("fl", ",".join(FIELDS))]
    if match_type:
        params.append(("matchType", match_type))
    if from_:
        params.append(("from", from_))
    if to:
        params.append(("to", to))
    params.extend(("filter", f) for f in filters)
    if collapse:
        params.append(("collapse", collapse))
    if limit is not None:
        params.append(("limit", str(int(limit))))
        params.append(("showResumeKey", "true"))
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{base.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


def parse_cdx_json(body: bytes | str) -> tuple[list[Capture], str | None]:
    """The captures of one CDX JSON reply and the resume key of the next page (None on the last).

    The first row names the fields; with ``showResumeKey=true`` a page that has more after it ends
    with an empty row and a row holding the key. An empty reply (``[]`` or nothing) has no captures."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    if not text.strip():
        return [], None
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CdxError(f"CDX reply is not JSON: {exc}") from exc
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise CdxError("CDX reply is not a JSON table (a list of rows)")
    if not rows:
        return [], None
    header = [str(h) for h in rows[0]]
    missing = {"timestamp", "original"} - set(header)
    if missing:
        raise CdxError(f"CDX reply lacks the fields {sorted(missing)}: first row {header}")
    resume_key: str | None = None
    data = rows[1:]
    if len(data) >= 2 and data[-2] == [] and len(data[-1]) == 1:
        resume_key = str(data[-1][0])
        data = data[:-2]
    captures = [_capture(header, row) for row in data if row]
    return captures, resume_key


def _capture(header: list[str], row: list[Any]) -> Capture:
    if len(row) != len(header):
        raise CdxError(f"CDX row of {len(row)} fields under a header of {len(header)}: {row}")
    values = dict(zip(header, (str(v) for v in row), strict=True))
    status = values.get("statuscode", "-")
    return Capture(
        timestamp=values["timestamp"],
        original=values["original"],
        statuscode=int(status) if status.isdigit() else None,
        mimetype=values.get("mimetype", ""),
        digest=values.get("digest", ""),
    )


def raw_url(base: str, capture: Capture) -> str:
    """Where the capture's bytes are served as archived, without the Wayback's rewriting (``id_``)."""
    return f"{base.rstrip('/')}/web/{capture.timestamp}id_/{capture.original}"


def replay_url(base: str, capture: Capture) -> str:
    """The capture's address for people (the Wayback's own replay page)."""
    return f"{base.rstrip('/')}/web/{capture.timestamp}/{capture.original}"


def pick_captures(captures: Iterable[Capture], *, all_captures: bool = False) -> list[Capture]:
    """The captures to fetch: the newest of each page (by :func:`~badinh_crawler.urls.canonicalize`d
    URL: jsessionid and redirect variants are one page), or with ``all_captures`` every capture, one
    per page and timestamp, captures with a digest already kept for that page left out (the same bytes
    again). Sorted by canonical URL, then timestamp."""
    by_page: dict[str, list[Capture]] = {}
    for capture in captures:
        by_page.setdefault(canonicalize(capture.original), []).append(capture)
    picked: list[Capture] = []
    for page in sorted(by_page):
        ordered = sorted(by_page[page], key=lambda c: c.timestamp)
        if not all_captures:
            picked.append(ordered[-1])
            continue
        stamps: set[str] = set()
        digests: set[str] = set()
        for capture in ordered:
            if capture.timestamp in stamps or (capture.digest and capture.digest in digests):
                continue
            stamps.add(capture.timestamp)
            if capture.digest:
                digests.add(capture.digest)
            picked.append(capture)
    return picked


def capture_datetime(ts: str) -> str:
    """A Wayback timestamp as ISO 8601 UTC: ``20211204091240`` -> ``2021-12-04T09:12:40+00:00``."""
    return utc_time(parse_timestamp14(ts))


def archive_provenance(capture: Capture, base: str) -> dict[str, Any]:
    """The ``provenance.archive`` object of a record read from ``capture``."""
    return {
        "source": "wayback",
        "capture_timestamp": capture.timestamp,
        "capture_url": replay_url(base, capture),
        "original_url": capture.original,
        "digest": capture.digest,
    }


def record_provenance(capture: Capture, base: str, *, http_status: int, run_id: str | None = None) -> dict[str, Any]:
    """The whole ``provenance`` of a record read from ``capture``: ``fetched_url`` is the raw capture
    URL, ``fetched_at`` the capture time (ISO 8601, +07:00 like every ``fetched_at``)."""
    provenance: dict[str, Any] = {
        "source": "wayback",
        "fetched_url": raw_url(base, capture),
        "fetched_at": portal_time(parse_timestamp14(capture.timestamp)),
        "http_status": http_status,
    }
    if run_id is not None:
        provenance["run_id"] = run_id
    provenance["archive"] = archive_provenance(capture, base)
    return provenance


def decode_replay(body: bytes, content_encoding: str | None) -> bytes:
    """A replay body as archived, for clients that do not undo ``Content-Encoding`` themselves (Scrapy
    does): the Wayback may serve a capture gzip-encoded."""
    return decode_payload(body, transfer_encoding=None, content_encoding=content_encoding)
