"""The ``badinh`` spider: walks the portal's home, listings (with their pagination) and articles.

It decides where to go and hands each page's bytes to the extraction layer; it never parses HTML
itself. What it yields are the extractor's records, each with a ``provenance`` object."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ..batch import worker_count
from ..extract import ExtractionResult, ParseError, extract_page
from ..extract.links import ApiPager, Navigation, discover, listing_key
from ..extract_pool import ExtractionFailed, ExtractionPool, PoolUnusable, WorkerDied
from ..runtime import Runtime
from ..state import FrontierEntry, now_iso
from ..urls import DEFAULT_START_URL, canonicalize, host_key, looks_like_article, trap_reason
from .wayback import WaybackSource

__all__ = ["BadinhSpider"]

#: the reactor under which the spider can await worker processes (Scrapy's default)
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
#: Scrapy priority of article requests over listing pages, pagination and the "load more" API
ARTICLE_PRIORITY = 1
logger = logging.getLogger(__name__)


def request_key(method: str, url: str, body: str = "") -> str:
    """One key per distinct request of a run: method, canonical URL and form body."""
    return f"{method} {url}" + (f" {body}" if body else "")


#: links remembered by :meth:`BadinhSpider._follow_links` (under 1 MB): a page's menus, footer and
#: related rows, and those of the pages around it
FOLLOWED_KEPT = 4096


class BadinhSpider(scrapy.Spider):
    name = "badinh"

    def __init__(
        self, start_urls: str | Iterable[str] | None = None, url: str | None = None, source: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(start_urls, str):
            urls = [u for u in start_urls.replace(",", " ").split() if u]
        else:
            urls = list(start_urls or [])
        if url:
            urls.append(url)
        self.start_urls = [canonicalize(u) for u in (urls or [DEFAULT_START_URL])]
        self.allowed_hosts = frozenset(host_key(u) for u in self.start_urls)
        self.source = source
        self.wayback: WaybackSource | None = None
        #: listing key -> hashes of the item sets seen on its pages (Liferay serves the last page
        #: past the end); hashes rather than the sets: a few bytes per listing page of the run
        self._listing_pages: dict[str, set[int]] = {}
        #: links already through ``_follow_links`` in this process, the most recent ones: a link's
        #: first pass queues it, marks it skipped or finds it finished, so a later pass does nothing
        #: (menus and related rows repeat on every page; bounded, the oldest forgotten first)
        self._followed: dict[str, None] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> BadinhSpider:
        spider: BadinhSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.rt = Runtime.of(crawler)
        source = spider.source or crawler.settings.get("BADINH_SOURCE", "live")
        if source not in ("live", "wayback"):
            raise ValueError(f"source must be live or wayback, not {source!r}")
        spider.source = source
        if source == "wayback":
            spider.wayback = WaybackSource(spider, crawler.settings)
            spider.allowed_hosts = frozenset({spider.wayback.archive_host})  # only the archive is fetched
        spider.rt.hosts = spider.allowed_hosts
        spider.pool = spider._made_pool = _extraction_pool(crawler.settings)
        if spider.pool is not None:
            crawler.signals.connect(spider.pool.close, signal=signals.spider_closed)
        return spider

    def extraction_workers(self) -> dict[str, Any] | None:
        """For ``run.json``: the worker processes asked for, the times their pool was replaced after
        a worker died, and why they could not run (None); None when pages are extracted in process."""
        pool = self._made_pool
        if pool is None:
            return None
        return {"jobs": pool.jobs, "restarts": pool.restarts, "unusable": pool.unusable}

    rt: Runtime
    #: the worker processes that extract pages (``BADINH_EXTRACT_JOBS``), None: in this process
    pool: ExtractionPool | None = None
    #: the pool made at the start (kept when pages fall back to this process)
    _made_pool: ExtractionPool | None = None

    # --- start ----------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for request in self._start_requests():
            yield request

    def _start_requests(self) -> Iterator[Request]:
        if self.rt.resumed:
            pending = list(self.rt.state.pending())
            logger.info("resuming run %s: %d requests left", self.rt.run_id, len(pending))
            for entry in pending:
                yield self._request(entry)
        if self.wayback is not None:
            yield from self.wayback.start()
            return
        for url in self.start_urls:
            entry = FrontierEntry(request_key("GET", url), "GET", url, "", "page")
            if self.rt.state.enqueue(entry):
                yield self._request(entry)

    def _request(self, entry: FrontierEntry) -> Request:
        if self.wayback is not None and entry.kind in ("cdx", "lookup", "capture"):
            return self.wayback.request(entry)
        meta = {"badinh_key": entry.key, "badinh_kind": entry.kind}
        # articles first: Scrapy's queue is last-in first-out, and a listing page's "next page"
        # link comes after its articles, so without this the crawl runs down the pagination and
        # the queue holds an article request per article of the site (memory grows with the site)
        priority = ARTICLE_PRIORITY if entry.kind == "article" else 0
        if entry.method == "POST":
            return Request(
                entry.url,
                method="POST",
                body=entry.body,
                headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
                callback=self.parse_api,
                errback=self.failed,
                meta=meta,
                dont_filter=True,
                priority=priority,
            )
        callback = self.parse if self.pool is None else self.parse_in_worker
        return Request(entry.url, callback=callback, errback=self.failed, meta=meta, dont_filter=True, priority=priority)

    # --- pages ----------------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        page = self._page(response)
        if page is None:
            return
        key, final_key, final_url, observed = page
        result = self._extract(response, final_url, [key, final_key], observed, self.allowed_hosts)
        if result is not None:
            yield from self._page_output(response, key, final_key, final_url, observed, result)

    async def parse_in_worker(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        """:meth:`parse`, with the page extracted by a worker process (``--jobs``)."""
        page = self._page(response)
        if page is None:
            return
        key, final_key, final_url, observed = page
        result = await self._extract_in_worker(response, final_url, [key, final_key], observed, self.allowed_hosts)
        if result is not None:
            for out in self._page_output(response, key, final_key, final_url, observed, result):
                yield out

    def _page(self, response: Response) -> tuple[str, str, str, str] | None:
        """The page's frontier key, its final URL's key and that URL, and when it was observed; None
        for a redirect to a page already fetched or a response that is not HTML (settled here)."""
        key = str(response.meta.get("badinh_key") or request_key("GET", canonicalize(response.url)))
        stats = self.crawler.stats
        assert stats is not None
        final_url = canonicalize(response.url)
        final_key = request_key("GET", final_url)
        if final_key != key:  # a redirect: the target is a page of its own
            if self.rt.state.is_finished(final_key):
                self.rt.state.mark(key, "done", f"redirect to {final_url}, already fetched")
                return None
            self.rt.state.mark(final_key, "pending")
        if not _is_html(response):
            stats.inc_value("badinh/pages/not_html")
            self._settle_page([key, final_key], "skipped", f"not HTML: {_content_type(response)}")
            return None
        return key, final_key, final_url, now_iso()

    def _page_output(
        self, response: Response, key: str, final_key: str, final_url: str, observed: str, result: ExtractionResult
    ) -> Iterator[Any]:
        """The page's records, stamped with its provenance, then the requests it leads to."""
        provenance = {
            "source": "live",
            "fetched_url": response.url,
            "fetched_at": observed,
            "http_status": response.status,
            "run_id": self.rt.run_id,
        }
        warc_id = response.meta.get("badinh_warc_id")
        if warc_id:
            provenance["warc_record_id"] = warc_id
        records = _stamped(result, provenance)
        nav = result.navigation or Navigation()
        requests = list(self._follow(final_url, nav))
        # records go through the pipelines; the page is marked done when the last one has settled
        self.rt.expect(key if final_key == key else final_key, records, also=[key] if final_key != key else [])
        yield from records
        yield from requests

    def parse_capture(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A capture's archived bytes: extracted as the page it was, with the capture's provenance."""
        assert self.wayback is not None
        key = str(response.meta["badinh_key"])
        stats = self.crawler.stats
        assert stats is not None
        capture = self.wayback.capture_of(response)
        if capture is None or not _is_html(response):
            stats.inc_value("badinh/pages/not_html")
            self.rt.state.mark(key, "skipped", "not an HTML capture")
            return
        original = capture.original if "://" in capture.original else "http://" + capture.original
        provenance = self.wayback.provenance(capture, response.status)
        warc_id = response.meta.get("badinh_warc_id")
        if warc_id:
            provenance["warc_record_id"] = warc_id
        result = self._extract(response, original, [key], provenance["fetched_at"], self.wayback.sites)
        if result is None:
            return
        records = _stamped(result, provenance)
        requests = list(self.wayback.lookups((result.navigation or Navigation()).pages))
        self.rt.expect(key, records)
        yield from records
        yield from requests

    def parse_api(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A reply of the ".htm" platform's "load more" POST: more article links, empty at the end."""
        key = str(response.meta["badinh_key"])
        nav = discover(response.body, response.url, content_type=_content_type(response), hosts=self.allowed_hosts)
        pager: ApiPager | None = response.meta.get("badinh_pager")
        index = int(response.meta.get("badinh_index", 0))
        requests = list(self._follow_links(nav.articles, kind="article"))
        zone = str(response.meta.get("badinh_zone", response.url))
        if nav.articles and pager is not None and not self._repeats(f"api:{zone}", nav.items):
            requests.extend(self._api_request(pager, index + 1, zone))
        else:
            self.crawler.stats.inc_value("badinh/listings/api_end")  # type: ignore[union-attr]
        self.rt.state.mark(key, "done")
        yield from requests

    def failed(self, failure: Failure) -> None:
        """A request that gave no page: counted by kind in the stats and run.json, logged, remembered."""
        request: Request = failure.request  # type: ignore[attr-defined]
        key = str(request.meta.get("badinh_key") or request_key(request.method, request.url))
        stats = self.crawler.stats
        assert stats is not None
        status, kind, message = classify_failure(failure.value or Exception("unknown failure"))
        stats.inc_value(f"badinh/{status}/{kind}")
        if status == "failed":
            logger.warning("%s: %s", request.url, message)
        else:
            logger.info("%s: not fetched: %s", request.url, message)
        self.rt.state.mark(key, status, message)

    # --- where to go ----------------------------------------------------------------------------
    def _follow(self, url: str, nav: Navigation) -> Iterator[Request]:
        stats = self.crawler.stats
        assert stats is not None
        for reason, n in nav.refused.items():
            stats.inc_value(f"badinh/links_refused/{reason}", n)
        follow_pages = True
        if nav.pagination:
            if self._repeats(listing_key(url), nav.items):
                # Liferay answers a page number past the end with the last page again
                stats.inc_value("badinh/listings/repeated_page")
                follow_pages = False
        pagination = set(nav.pagination)
        for link in nav.pages:
            if link in pagination and not follow_pages:
                continue
            kind = "article" if looks_like_article(link) else "page"
            yield from self._follow_links([link], kind=kind)
        if nav.api is not None:
            yield from self._api_request(nav.api, nav.api.shown_index + 1, url)

    def _follow_links(self, links: Iterable[str], *, kind: str) -> Iterator[Request]:
        stats = self.crawler.stats
        assert stats is not None
        followed = self._followed
        for link in links:
            if link in followed:
                continue
            followed[link] = None
            if len(followed) > FOLLOWED_KEPT:
                del followed[next(iter(followed))]
            if host_key(link) not in self.allowed_hosts or trap_reason(link):
                continue
            key = request_key("GET", link)
            if self.rt.state.is_finished(key):
                continue
            if kind == "article" and not self.rt.should_fetch_article(link):
                stats.inc_value("badinh/articles/known_skipped")
                self.rt.state.mark(key, "skipped", "stored before, not due for a recheck")
                continue
            entry = FrontierEntry(key, "GET", link, "", kind)
            if self.rt.state.enqueue(entry):
                yield self._request(entry)

    def _api_request(self, pager: ApiPager, index: int, zone: str) -> Iterator[Request]:
        if host_key(pager.url) not in self.allowed_hosts:
            return
        body = urlencode(pager.form(index))
        entry = FrontierEntry(request_key("POST", pager.url, body), "POST", pager.url, body, "api")
        if self.rt.state.enqueue(entry):
            request = self._request(entry)
            request.meta.update({"badinh_pager": pager, "badinh_index": index, "badinh_zone": zone})
            yield request

    def _repeats(self, listing: str, items: frozenset[str]) -> bool:
        """True when a page of ``listing`` with these items was seen before (the end of the listing)."""
        if not items:
            return False
        seen = self._listing_pages.setdefault(listing, set())
        digest = hash(items)
        if digest in seen:
            return True
        seen.add(digest)
        return False

    def _extract(
        self, response: Response, url: str, keys: list[str], observed: str, sites: frozenset[str]
    ) -> ExtractionResult | None:
        """The page's extraction, counted and logged; None (the page marked failed) when it gave none."""
        try:
            result = extract_page(response.body, url, content_type=_content_type(response), observed_at=observed, links_for=sites)
        except ParseError as exc:
            self._unparsable(url, keys, exc)
            return None
        except Exception as exc:  # an extractor bug must not stop the crawl: name the page, go on
            logger.exception("%s: extraction failed: %s: %s", url, type(exc).__name__, exc)
            self._extraction_failed(keys, "extraction_error", f"extraction failed: {type(exc).__name__}: {exc}")
            return None
        return self._extracted(url, result)

    async def _extract_in_worker(
        self, response: Response, url: str, keys: list[str], observed: str, sites: frozenset[str]
    ) -> ExtractionResult | None:
        """:meth:`_extract` in a worker process (in this one when workers cannot run here)."""
        pool = self.pool
        if pool is None:
            return self._extract(response, url, keys, observed, sites)
        try:
            result = await pool.extract(
                response.body, url, content_type=_content_type(response), observed_at=observed, links_for=sites
            )
        except PoolUnusable as exc:
            if self.pool is not None:
                logger.error("%s: pages are extracted in the crawl's process from now on", exc)
                self.crawler.stats.set_value("badinh/extract_jobs/unusable", str(exc))  # type: ignore[union-attr]
                self.pool = None
                pool.close()
            return self._extract(response, url, keys, observed, sites)
        except ParseError as exc:
            self._unparsable(url, keys, exc)
            return None
        except ExtractionFailed as exc:
            logger.error("%s: extraction failed: %s: %s\n%s", url, exc.kind, exc, exc.details.rstrip())
            self._extraction_failed(keys, "extraction_error", f"extraction failed: {exc.kind}: {exc}")
            return None
        except WorkerDied as exc:
            logger.error("%s: not extracted: %s", url, exc)
            self._extraction_failed(keys, "worker_died", f"not extracted: {exc}")
            return None
        self.crawler.stats.inc_value("badinh/pages/extracted_by_workers")  # type: ignore[union-attr]
        return self._extracted(url, result)

    def _unparsable(self, url: str, keys: list[str], exc: ParseError) -> None:
        self.crawler.stats.inc_value("badinh/failed/unparsable")  # type: ignore[union-attr]
        logger.error("%s: not a readable HTML page: %s", url, exc)
        self._settle_page(keys, "failed", f"unparsable: {exc}")

    def _extraction_failed(self, keys: list[str], kind: str, detail: str) -> None:
        self.crawler.stats.inc_value(f"badinh/failed/{kind}")  # type: ignore[union-attr]
        self._settle_page(keys, "failed", detail)

    def _extracted(self, url: str, result: ExtractionResult) -> ExtractionResult:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("badinh/pages/parsed")
        for problem in result.problems:
            stats.inc_value("badinh/pages/repaired_input")
            logger.warning("%s: %s", url, problem)
        self._count_coverage(canonicalize(url), result)
        return result

    # --- bookkeeping ----------------------------------------------------------------------------
    def _settle_page(self, keys: list[str], status: str, detail: str) -> None:
        for key in dict.fromkeys(keys):
            self.rt.state.mark(key, status, detail)

    def _count_coverage(self, url: str, result: Any) -> None:
        if not looks_like_article(url):
            return
        cov = self.rt.coverage
        cov["pages"] += 1
        article = result.article
        if article is not None:
            cov["title"] += 1
            cov["body"] += 1 if article["body_text"] else 0
            cov["published_at"] += 1 if article["published_at"] else 0
        for warning in result.warnings:
            self.rt.drift_warnings[warning] += 1
            if self.rt.drift_warnings[warning] == 1:
                logger.warning("layout drift on %s: %s", url, warning)


def _extraction_pool(settings: Any) -> ExtractionPool | None:
    """The pool ``BADINH_EXTRACT_JOBS`` asks for: N workers, one per usable core for 0, none (pages
    extracted in this process) for 1, the default, or for 0 on one core; none either, with a
    warning, where worker processes cannot be awaited."""
    requested = settings.getint("BADINH_EXTRACT_JOBS", 1)
    if requested < 0:
        raise ValueError(f"BADINH_EXTRACT_JOBS must be 0 (one per core) or more, not {requested}")
    jobs = worker_count(requested)
    if jobs <= 1:
        return None
    if settings.get("TWISTED_REACTOR") != ASYNCIO_REACTOR:
        logger.warning("BADINH_EXTRACT_JOBS needs the asyncio reactor (TWISTED_REACTOR): pages are extracted in this process")
        return None
    return ExtractionPool(jobs)


def _stamped(result: ExtractionResult, provenance: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's records, each with the page's provenance."""
    return [{**record, "provenance": provenance} for record in result.records()]


def classify_failure(exc: BaseException) -> tuple[str, str, str]:
    """(``failed`` or ``skipped``, a counter name, a log message) for a request that gave no page."""
    if isinstance(exc, HttpError):
        code = exc.response.status
        if 300 <= code < 400:
            location = (exc.response.headers.get(b"Location") or b"").decode("latin-1")
            if location and not location.lower().startswith(("http://", "https://", "/")):
                return "skipped", "scheme", f"HTTP {code}: redirect to a non-http(s) URL refused: {location[:80]}"
            return "failed", "bad_redirect", f"HTTP {code}: a redirect that cannot be followed"
        return "failed", f"http_{code}", f"HTTP {code}"
    name = exc.__class__.__name__
    message = str(exc) or name
    low = message.lower()
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in low:
            return "skipped", "robots", message
        if "max redirections" in low:
            return "failed", "redirect_loop", f"{message} (REDIRECT_MAX_TIMES)"
        if "maxsize" in low or "max size" in low:
            return "failed", "too_large", message
        if "off-site" in low:
            return "skipped", "offsite", message
        if "http(s)" in low:
            return "skipped", "scheme", message
        if "already" in low:
            return "skipped", "duplicate", message
        return "skipped", "ignored", message
    if "timeout" in name.lower() or "took longer than" in low:
        return "failed", "timeout", message
    if "cancel" in name.lower() or "maxsize" in low:
        return "failed", "too_large", f"{message} (over DOWNLOAD_MAXSIZE)"
    if "dataloss" in name.lower() or name in ("ResponseFailed", "ConnectionLost", "ResponseNeverReceived", "ConnectionDone"):
        return "failed", "connection_lost", f"connection lost: {message}"
    if "refused" in name.lower() or "connect" in name.lower() or "dns" in name.lower():
        return "failed", "connection_refused", message
    return "failed", name, message


def _content_type(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def _is_html(response: Response) -> bool:
    ctype = (_content_type(response) or "").lower()
    if ctype and not any(t in ctype for t in ("html", "xml", "text/plain")):
        return False
    return isinstance(response, TextResponse) or response.body.lstrip()[:1] == b"<"
