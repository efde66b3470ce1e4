"""The ``badinh`` spider's Wayback Machine source (``-a source=wayback`` / ``crawl --source wayback``).

It lists the captures of the start URLs' hosts with the CDX API (paged with resume keys; every page
of the list is kept in the state, so a killed run resumes without listing again), fetches the newest
capture of each page (or every capture) as archived bytes (``id_``), and extracts them with the same
extractor and pipelines as the live site. Links found in captured pages that the list did not hold
(articles, listing pages) are looked up one by one. Only the archive's host is fetched."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.http import Request, Response

from ..archive.wayback import Capture, CdxError, cdx_query_url, parse_cdx_json, pick_captures, raw_url, record_provenance
from ..extract.links import is_pagination
from ..state import FrontierEntry
from ..urls import canonicalize, host_key, is_asset, is_attachment, looks_like_article, trap_reason

if TYPE_CHECKING:
    from .badinh import BadinhSpider

__all__ = ["DEFAULT_WAYBACK_URL", "WaybackSource"]

DEFAULT_WAYBACK_URL = "https://web.archive.org"
logger = logging.getLogger(__name__)
_RAW = re.compile(r"/web/(\d{4,14})id_/(.+)$")


class WaybackSource:
    """Where the spider goes when it reads the Wayback Machine instead of the live site."""

    def __init__(self, spider: BadinhSpider, settings: Any) -> None:
        self.spider = spider
        self.base = str(settings.get("BADINH_WAYBACK_URL") or DEFAULT_WAYBACK_URL).rstrip("/")
        self.from_ = settings.get("BADINH_WAYBACK_FROM") or None
        self.to = settings.get("BADINH_WAYBACK_TO") or None
        self.all_captures = settings.getbool("BADINH_ALL_CAPTURES")
        self.page_size = settings.getint("BADINH_CDX_PAGE_SIZE", 1000)
        #: the portal hosts whose captures are read
        self.sites = frozenset(host_key(u) for u in spider.start_urls)
        #: canonical URLs already listed or looked up (not to be looked up again)
        self.known: set[str] = set()
        self._picked = False

    @property
    def archive_host(self) -> str:
        return host_key(self.base)

    # --- listing --------------------------------------------------------------------------------
    def start(self) -> Iterator[Request]:
        state = self.spider.rt.state
        for site in sorted(self.sites):
            url = cdx_query_url(self.base, f"{site}/*", from_=self.from_, to=self.to, limit=self.page_size)
            entry = FrontierEntry(f"GET {url}", "GET", url, "", "cdx")
            if state.enqueue(entry):
                yield self.request(entry)
        yield from self.pick()  # a resumed run whose listing was already complete

    def request(self, entry: FrontierEntry) -> Request:
        meta: dict[str, Any] = {"badinh_key": entry.key, "badinh_kind": entry.kind}
        if entry.kind == "capture":
            meta["badinh_digest"] = entry.body  # the CDX digest, kept in the frontier for a resumed run
        callback = self.parse_cdx if entry.kind in ("cdx", "lookup") else self.spider.parse_capture
        return Request(entry.url, callback=callback, errback=self.spider.failed, meta=meta, dont_filter=True)

    def parse_cdx(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        key = str(response.meta["badinh_key"])
        state = self.spider.rt.state
        stats = self.spider.crawler.stats
        assert stats is not None
        try:
            captures, resume_key = parse_cdx_json(response.body)
        except CdxError as exc:
            stats.inc_value("badinh/failed/cdx")
            logger.error("%s: %s", response.url, exc)
            state.mark(key, "failed", str(exc))
            return
        captures = [c for c in captures if self._wanted(c)]
        state.add_captures(
            (canonicalize(c.original), c.timestamp, c.original, c.statuscode, c.mimetype, c.digest) for c in captures
        )
        stats.inc_value("badinh/wayback/captures_listed", len(captures))
        if resume_key:
            url = _with_resume_key(response.url, resume_key)
            entry = FrontierEntry(f"GET {url}", "GET", url, "", str(response.meta.get("badinh_kind", "cdx")))
            if state.enqueue(entry):
                yield self.request(entry)
        state.mark(key, "done")
        if response.meta.get("badinh_kind") == "lookup":
            # one page looked up: its own captures, picked at once
            yield from self._fetch(pick_captures(captures, all_captures=self.all_captures))
        else:
            yield from self.pick()

    def pick(self) -> Iterator[Request]:
        """Once the whole listing is in (once per process): the captures to fetch, each page once."""
        state = self.spider.rt.state
        if self._picked or state.pending_of_kind("cdx"):
            return
        self._picked = True
        rows = state.captures()
        picked = pick_captures(
            (Capture(ts, original, status, mime, digest) for _, ts, original, status, mime, digest in rows),
            all_captures=self.all_captures,
        )
        yield from self._fetch(picked)

    def _fetch(self, picked: list[Capture]) -> Iterator[Request]:
        state = self.spider.rt.state
        for capture in picked:
            self.known.add(canonicalize(capture.original))
            url = raw_url(self.base, capture)
            entry = FrontierEntry(f"GET {url}", "GET", url, capture.digest, "capture")
            if state.enqueue(entry):
                yield self.request(entry)

    def lookups(self, links: list[str]) -> Iterator[Request]:
        """Links of a captured page that the listing did not hold: articles and listing pages."""
        state = self.spider.rt.state
        for link in links:
            canonical = canonicalize(link)
            if canonical in self.known or host_key(link) not in self.sites:
                continue
            if not (looks_like_article(link) or is_pagination(link)):
                continue
            self.known.add(canonical)
            pattern = link.split("://", 1)[-1]
            url = cdx_query_url(self.base, pattern, from_=self.from_, to=self.to, limit=self.page_size, match_type="exact")
            entry = FrontierEntry(f"GET {url}", "GET", url, "", "lookup")
            if state.enqueue(entry):
                self.spider.crawler.stats.inc_value("badinh/wayback/lookups")  # type: ignore[union-attr]
                yield self.request(entry)

    # --- one capture ----------------------------------------------------------------------------
    def capture_of(self, response: Response) -> Capture | None:
        """The capture a raw (``id_``) response is of; the digest is the payload's when not known."""
        match = _RAW.search(response.request.url if response.request is not None else response.url)
        if match is None:
            return None
        digest = ""
        entry_digest = response.meta.get("badinh_digest")
        if isinstance(entry_digest, str):
            digest = entry_digest
        if not digest:
            digest = base64.b32encode(hashlib.sha1(response.body).digest()).decode("ascii")
        return Capture(match.group(1), match.group(2), response.status, "text/html", digest)

    def provenance(self, capture: Capture, status: int) -> dict[str, Any]:
        return record_provenance(capture, self.base, http_status=status, run_id=self.spider.rt.run_id)

    def _wanted(self, capture: Capture) -> bool:
        url = capture.original
        if not url.lower().startswith(("http://", "https://")):
            url = "http://" + url
        return not (trap_reason(url) or is_attachment(url) or is_asset(url) or host_key(url) not in self.sites)


def _with_resume_key(url: str, key: str) -> str:
    from urllib.parse import parse_qsl, urlencode

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "resumeKey"]
    query.append(("resumeKey", key))
    return parts._replace(query=urlencode(query)).geturl()
