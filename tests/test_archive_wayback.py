"""Wayback Machine as a source: CDX query URLs, CDX JSON, paging, picking captures, raw replay, provenance.

Against a local CDX + replay server (tests/wayback_server.py) on 127.0.0.1, with urllib and no proxy."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from wayback_server import WaybackServer, fixture

from badinh_crawler.archive.wayback import (
    Capture,
    CdxError,
    archive_provenance,
    capture_datetime,
    cdx_query_url,
    decode_replay,
    parse_cdx_json,
    pick_captures,
    raw_url,
    record_provenance,
)
from badinh_crawler.extract import extract_page
from badinh_crawler.schemas import errors
from badinh_crawler.urls import canonicalize

HOST = "badinh.hanoi.gov.vn"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    assert urlsplit(url).hostname == "127.0.0.1"
    try:
        with _OPENER.open(url, timeout=10) as reply:
            return reply.status, dict(reply.headers.items()), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()


@pytest.fixture(scope="module")
def wayback() -> Iterator[WaybackServer]:
    with WaybackServer() as server:
        yield server


def all_pages(base: str, pattern: str, **kwargs: Any) -> tuple[list[Capture], int]:
    """Every capture, following resume keys; and how many CDX requests it took."""
    captures: list[Capture] = []
    resume: str | None = None
    requests = 0
    while True:
        status, _, body = fetch(cdx_query_url(base, pattern, resume_key=resume, **kwargs))
        assert status == 200
        requests += 1
        page, resume = parse_cdx_json(body)
        captures.extend(page)
        if resume is None:
            return captures, requests
        assert requests < 50


# --- URL builders and parsing ------------------------------------------------------------------


def test_cdx_query_url_names_every_parameter() -> None:
    url = cdx_query_url("https://web.archive.org/", f"{HOST}/*", from_="2019", to="2022", limit=500, resume_key="k+1")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://web.archive.org/cdx/search/cdx"
    query = parse_qs(parts.query)
    assert query["url"] == [f"{HOST}/*"]
    assert query["output"] == ["json"]
    assert query["from"] == ["2019"] and query["to"] == ["2022"]
    assert query["filter"] == ["statuscode:200", "mimetype:text/html"]
    assert query["collapse"] == ["digest"]
    assert query["limit"] == ["500"] and query["showResumeKey"] == ["true"]
    assert query["resumeKey"] == ["k+1"]
    assert query["fl"] == ["urlkey,timestamp,original,mimetype,statuscode,digest,length"]


def test_cdx_query_url_without_optional_parts() -> None:
    query = parse_qs(urlsplit(cdx_query_url("http://x", "a.b/c", filters=(), collapse=None)).query)
    assert set(query) == {"url", "output", "fl"}


def test_parse_cdx_json_reads_fields_by_name_and_the_resume_key() -> None:
    body = (
        b'[["original","timestamp","statuscode","mimetype","digest"],'
        b'["https://a/x","20211204091240","200","text/html","AAA"],'
        b'["https://a/y","20211205000000","-","warc/revisit","BBB"],'
        b'[],["a)/y+20211205000000"]]'
    )
    captures, resume = parse_cdx_json(body)
    assert captures == [
        Capture("20211204091240", "https://a/x", 200, "text/html", "AAA"),
        Capture("20211205000000", "https://a/y", None, "warc/revisit", "BBB"),
    ]
    assert resume == "a)/y+20211205000000"


@pytest.mark.parametrize("body", [b"", b"[]", b"  \n"])
def test_parse_cdx_json_empty_replies(body: bytes) -> None:
    assert parse_cdx_json(body) == ([], None)


@pytest.mark.parametrize(
    "body",
    [b"<html>rate limited</html>", b'{"a": 1}', b'[["timestamp"],["1"]]', b'[["timestamp","original"],["1"]]'],
)
def test_parse_cdx_json_refuses_what_is_not_a_cdx_table(body: bytes) -> None:
    with pytest.raises(CdxError):
        parse_cdx_json(body)


def test_raw_url_and_times() -> None:
    capture = Capture("20211204091240", "https://badinh.hanoi.gov.vn/a?b=1", 200, "text/html", "D")
    assert (
        raw_url("https://web.archive.org/", capture)
        == "https://web.archive.org/web/20211204091240id_/https://badinh.hanoi.gov.vn/a?b=1"
    )
    assert capture_datetime("20211204091240") == "2021-12-04T09:12:40+00:00"
    assert capture_datetime("2021") == "2021-01-01T00:00:00+00:00"
    with pytest.raises(ValueError):
        capture_datetime("2021-12-04")
    assert archive_provenance(capture, "https://web.archive.org") == {
        "source": "wayback",
        "capture_timestamp": "20211204091240",
        "capture_url": "https://web.archive.org/web/20211204091240/https://badinh.hanoi.gov.vn/a?b=1",
        "original_url": "https://badinh.hanoi.gov.vn/a?b=1",
        "digest": "D",
    }
    provenance = record_provenance(capture, "https://web.archive.org", http_status=200, run_id="r1")
    assert provenance["fetched_at"] == "2021-12-04T16:12:40+07:00"
    assert provenance["fetched_url"] == raw_url("https://web.archive.org", capture)
    assert provenance["archive"]["source"] == "wayback"


# --- against the local CDX server ---------------------------------------------------------------


def test_cdx_filters_keep_html_200_only(wayback: WaybackServer) -> None:
    captures, _ = all_pages(wayback.url, f"{HOST}/*", collapse=None)
    assert captures and all(c.statuscode == 200 and c.mimetype == "text/html" for c in captures)
    assert not any("bai-da-xoa" in c.original or c.original.endswith(".pdf") for c in captures)
    assert all(urlsplit(c.original).hostname == HOST for c in captures)  # the other host's page is not under this prefix
    unfiltered, _ = all_pages(wayback.url, f"{HOST}/*", collapse=None, filters=())
    assert len(unfiltered) == len(captures) + 2


def test_cdx_paging_with_resume_keys_gives_every_row_once(wayback: WaybackServer) -> None:
    whole, one_request = all_pages(wayback.url, f"{HOST}/*", collapse=None, filters=())
    paged, requests = all_pages(wayback.url, f"{HOST}/*", collapse=None, filters=(), limit=3)
    assert one_request == 1
    assert requests == -(-len(whole) // 3)
    assert paged == whole
    assert len({(c.timestamp, c.original) for c in paged}) == len(paged)


def test_cdx_collapse_and_dates(wayback: WaybackServer) -> None:
    every, _ = all_pages(wayback.url, f"{HOST}/*", collapse=None)
    by_url, _ = all_pages(wayback.url, f"{HOST}/*", collapse="urlkey")
    assert len({c.original for c in by_url}) == len(by_url) == len({c.original for c in every})
    by_digest, _ = all_pages(wayback.url, f"{HOST}/*")  # the default: unchanged recaptures are one row
    assert len(by_digest) == len(every) - 1
    era_2021, _ = all_pages(wayback.url, f"{HOST}/*", collapse=None, from_="2021", to="2021")
    assert era_2021 and all(c.timestamp.startswith("2021") for c in era_2021)
    exact, _ = all_pages(wayback.url, fixture("liferay-news-one-image")[0], collapse=None)
    assert [c.timestamp for c in exact] == ["20210615103000"]
    domain, _ = all_pages(wayback.url, "hanoi.gov.vn", collapse=None, match_type="domain")
    assert {urlsplit(c.original).hostname for c in domain} == {HOST, "hoankiem.hanoi.gov.vn"}


def test_pick_captures_newest_per_page_or_all(wayback: WaybackServer) -> None:
    captures, _ = all_pages(wayback.url, f"{HOST}/*", collapse=None)
    seed = canonicalize(fixture("seed-interview-liferay")[0])
    seed_rows = [c for c in captures if canonicalize(c.original) == seed]
    assert len(seed_rows) == 3  # jsessionid + redirect, clean, redirect only

    newest = pick_captures(captures)
    assert len(newest) == len({canonicalize(c.original) for c in captures})
    assert [c.timestamp for c in newest if canonicalize(c.original) == seed] == ["20220105080000"]

    every = pick_captures(captures, all_captures=True)
    # the clean-URL capture holds the very bytes of the first one: fetched once
    assert [c.timestamp for c in every if canonicalize(c.original) == seed] == ["20211204091240", "20220105080000"]
    assert len(every) == len(newest) + 1
    assert every == sorted(every, key=lambda c: (canonicalize(c.original), c.timestamp))


def test_raw_replay_gives_the_archived_bytes(wayback: WaybackServer) -> None:
    captures, _ = all_pages(wayback.url, f"{HOST}/*", collapse=None)
    for capture in pick_captures(captures):
        status, headers, body = fetch(raw_url(wayback.url, capture))
        assert status == 200
        page = decode_replay(body, headers.get("Content-Encoding"))
        assert capture.digest == _sha1_b32(page)


def test_gzip_encoded_replay_is_decoded(wayback: WaybackServer) -> None:
    url, page, _ = fixture("htm-interview-strong")
    capture = Capture("20250930120000", url, 200, "text/html", "")
    status, headers, body = fetch(raw_url(wayback.url, capture))
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert body != page
    assert decode_replay(body, headers["Content-Encoding"]) == page
    assert decode_replay(page, None) == page


def test_replay_404s(wayback: WaybackServer) -> None:
    gone = Capture(
        "20211205000000",
        "https://badinh.hanoi.gov.vn/tin-tuc-su-kien/-/asset_publisher/Ok4xgRzWdTXn/content/bai-da-xoa",
        404,
        "",
        "",
    )
    assert fetch(raw_url(wayback.url, gone))[0] == 404
    unknown = Capture("20200101000000", "https://badinh.hanoi.gov.vn/khong-co", 200, "", "")
    assert fetch(raw_url(wayback.url, unknown))[0] == 404


def test_records_from_a_capture_carry_valid_provenance(wayback: WaybackServer) -> None:
    captures, _ = all_pages(wayback.url, f"{HOST}/*")
    picked = [c for c in pick_captures(captures) if "tap-trung-thuc-hien" in c.original]
    assert len(picked) == 1
    capture = picked[0]
    status, headers, body = fetch(raw_url(wayback.url, capture))
    provenance = record_provenance(capture, wayback.url, http_status=status, run_id="20260101T000000Z-abc")
    result = extract_page(
        decode_replay(body, headers.get("Content-Encoding")), capture.original, observed_at=provenance["fetched_at"]
    )
    assert result.article is not None and result.qa
    for record in result.records():
        item = dict(record)
        item["provenance"] = provenance
        assert errors(item) == []
    assert provenance["archive"]["capture_timestamp"] == "20220105080000"
    assert provenance["archive"]["original_url"] == capture.original


def _sha1_b32(data: bytes) -> str:
    import base64
    import hashlib

    return base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")
