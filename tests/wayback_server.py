"""A small Wayback Machine on 127.0.0.1 for archive tests: a CDX server and raw (``id_``) replay.

Captures come from the fixture pages (both eras of the portal) at their ``meta.json`` URLs, plus the
cases a Wayback client meets: one page captured under jsessionid and redirect variants at several
timestamps, a 404 capture, a PDF, a capture whose replay is served gzip-encoded, and a page of
another host. The CDX endpoint answers JSON like the real one (``/cdx/search/cdx``) and honours
``url`` (``host/*`` prefixes), ``matchType``, ``from``, ``to``, ``filter``, ``collapse``, ``fl``,
``limit`` and ``showResumeKey``/``resumeKey`` paging."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ALL_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


def fixture(name: str) -> tuple[str, bytes, str]:
    """(URL, page bytes, Content-Type) of a fixture folder."""
    folder = FIXTURES / name
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return meta["url"], (folder / "page.html").read_bytes(), meta.get("content_type") or "text/html"


def surt(url: str) -> str:
    """A SURT-like sort key: ``gov,hanoi,badinh)/path?query`` (no canonicalisation beyond case)."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    key = ",".join(reversed(host.split("."))) + ")" + (parts.path or "/").lower()
    return key + (f"?{parts.query.lower()}" if parts.query else "")


@dataclass
class FakeCapture:
    timestamp: str
    original: str
    status: int
    mimetype: str
    body: bytes
    content_type: str
    gzipped: bool = False

    @property
    def digest(self) -> str:
        return base64.b32encode(hashlib.sha1(self.body).digest()).decode("ascii")

    def row(self) -> dict[str, str]:
        return {
            "urlkey": surt(self.original),
            "timestamp": self.timestamp,
            "original": self.original,
            "mimetype": self.mimetype,
            "statuscode": str(self.status),
            "digest": self.digest,
            "length": str(len(self.body)),
        }


def default_captures() -> list[FakeCapture]:
    seed_url, seed, seed_ct = fixture("seed-interview-liferay")
    clean_seed = seed_url.split(";", 1)[0]
    redirect_only = clean_seed + "?redirect=https%3A%2F%2Fbadinh.hanoi.gov.vn%2Ftin-tuc-su-kien"
    seed_later = seed.replace(b"</body>", b"<!-- recaptured -->\n</body>")
    htm_url, htm, htm_ct = fixture("htm-interview-strong")
    one_url, one, one_ct = fixture("liferay-news-one-image")
    home_url, home, home_ct = fixture("htm-home")
    other_url, other, other_ct = fixture("unknown-medias-cms-2024")
    return [
        # one page, three URL variants: jsessionid + redirect, clean (same bytes), redirect only (newest, changed)
        FakeCapture("20211204091240", seed_url, 200, "text/html", seed, seed_ct),
        FakeCapture("20211210000000", clean_seed, 200, "text/html", seed, seed_ct),
        FakeCapture("20220105080000", redirect_only, 200, "text/html", seed_later, seed_ct),
        FakeCapture("20210615103000", one_url, 200, "text/html", one, one_ct),
        # the .htm era; the article's replay comes gzip-encoded
        FakeCapture("20250930120000", htm_url, 200, "text/html", htm, htm_ct, gzipped=True),
        FakeCapture("20251001000000", home_url, 200, "text/html", home, home_ct),
        FakeCapture(
            "20211205000000",
            "https://badinh.hanoi.gov.vn/tin-tuc-su-kien/-/asset_publisher/Ok4xgRzWdTXn/content/bai-da-xoa",
            404,
            "text/html",
            b"<html><body><h1>404 Not Found</h1></body></html>",
            "text/html",
        ),
        FakeCapture(
            "20211206000000",
            "https://badinh.hanoi.gov.vn/documents/1062718/0/ke-hoach.pdf",
            200,
            "application/pdf",
            b"%PDF-1.4\n% fixture\n%%EOF\n",
            "application/pdf",
        ),
        FakeCapture("20240301000000", other_url, 200, "text/html", other, other_ct),
    ]


class WaybackServer:
    """``with WaybackServer() as wb: wb.url``: CDX at ``{url}/cdx/search/cdx``, replay at
    ``{url}/web/<ts>id_/<original>``. ``hits`` counts requests per path (without the query)."""

    def __init__(self, captures: list[FakeCapture] | None = None) -> None:
        self.captures = captures if captures is not None else default_captures()
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                with server.lock:
                    server.hits[self.path.split("?", 1)[0]] += 1
                server.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> WaybackServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- answers ---------------------------------------------------------------------------------
    def answer(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        if parts.path == "/cdx/search/cdx":
            try:
                body = self.cdx(parse_qs(parts.query, keep_blank_values=True))
            except ValueError as exc:
                self.send(h, 400, str(exc).encode(), "text/plain")
                return
            self.send(h, 200, body, "application/json")
            return
        replay = re.match(r"^/web/(\d{1,14})id_/(.+)$", h.path)
        if replay:
            capture = self.find(replay.group(1), replay.group(2))
            if capture is None:
                self.send(h, 404, b"<html><body>Wayback Machine has not archived that URL.</body></html>", "text/html")
                return
            body = gzip.compress(capture.body, mtime=0) if capture.gzipped else capture.body
            extra = {"Content-Encoding": "gzip"} if capture.gzipped else {}
            extra["Memento-Datetime"] = capture.timestamp
            self.send(h, capture.status, body, capture.content_type, extra)
            return
        self.send(h, 404, b"not found", "text/plain")

    def send(
        self, h: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)

    def find(self, timestamp: str, original: str) -> FakeCapture | None:
        for capture in self.captures:
            if capture.timestamp == timestamp and capture.original == original:
                return capture
        return None

    # --- the CDX index -----------------------------------------------------------------------------
    def cdx(self, query: dict[str, list[str]]) -> bytes:
        def one(name: str) -> str | None:
            values = query.get(name)
            return values[0] if values else None

        url = one("url")
        if not url:
            raise ValueError("url is required")
        rows = sorted((c.row() for c in self.captures), key=lambda r: (r["urlkey"], r["timestamp"]))
        rows = [r for r in rows if _matches(r, url, one("matchType"))]
        start, end = one("from"), one("to")
        if start:
            rows = [r for r in rows if r["timestamp"] >= start.ljust(14, "0")]
        if end:
            rows = [r for r in rows if r["timestamp"] <= end.ljust(14, "9")]
        for spec in query.get("filter", []):
            rows = [r for r in rows if _passes(r, spec)]
        for spec in query.get("collapse", []):
            rows = _collapse(rows, spec)
        resume = one("resumeKey")
        if resume:
            key_url, _, key_ts = resume.rpartition("+")
            rows = [r for r in rows if (r["urlkey"], r["timestamp"]) > (key_url, key_ts)]
        more = False
        limit = one("limit")
        if limit:
            count = int(limit)
            more = len(rows) > count
            rows = rows[:count]
        fields = [f for f in (one("fl") or ",".join(ALL_FIELDS)).split(",") if f]
        for field in fields:
            if field not in ALL_FIELDS:
                raise ValueError(f"unknown field {field}")
        if one("output") != "json":
            text = "".join(" ".join(r[f] for f in fields) + "\n" for r in rows)
            return text.encode()
        table: list[list[str]] = [list(fields), *([r[f] for f in fields] for r in rows)] if rows else []
        if more and one("showResumeKey") == "true" and rows:
            table += [[], [f"{rows[-1]['urlkey']}+{rows[-1]['timestamp']}"]]
        return json.dumps(table).encode()


def _matches(row: dict[str, str], url: str, match_type: str | None) -> bool:
    if url.endswith("*"):
        url, match_type = url[:-1], match_type or "prefix"
    key = surt(url)
    if match_type in (None, "exact"):
        return row["urlkey"] == key
    if match_type == "prefix":
        return row["urlkey"].startswith(key)
    host = key.split(")", 1)[0]
    row_host = row["urlkey"].split(")", 1)[0]
    if match_type == "host":
        return row_host == host
    if match_type == "domain":
        return row_host == host or row_host.startswith(host + ",")
    raise ValueError(f"unknown matchType {match_type}")


def _passes(row: dict[str, str], spec: str) -> bool:
    negate = spec.startswith("!")
    field, _, pattern = spec.lstrip("!").partition(":")
    if field not in row:
        raise ValueError(f"unknown filter field {field}")
    hit = re.fullmatch(pattern, row[field]) is not None
    return hit != negate


def _collapse(rows: list[dict[str, str]], spec: str) -> list[dict[str, str]]:
    field, _, width = spec.partition(":")
    if field not in ALL_FIELDS:
        raise ValueError(f"unknown collapse field {field}")
    n = int(width) if width else None
    out: list[dict[str, str]] = []
    previous: str | None = None
    for row in rows:
        value = row[field][:n] if n else row[field]
        if value == previous:
            continue
        previous = value
        out.append(row)
    return out
