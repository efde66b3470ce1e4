"""Downloader middlewares: only the start URLs' hosts over http(s), redirects included; one fetch per
page after redirects; ``Retry-After`` honoured."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request

from .urls import canonicalize, host_key

__all__ = ["HostGuard", "RedirectGate", "RetryAfter", "WarcRecorder", "retry_after_seconds"]

logger = logging.getLogger(__name__)


class HostGuard:
    """Refuses any request whose ``host[:port]`` is not one of the spider's ``allowed_hosts``.

    Redirected requests pass through the downloader middlewares again, so a redirect to another
    host is refused here too (Scrapy's own offsite check ignores ports)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> HostGuard:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        allowed = getattr(spider, "allowed_hosts", None)
        if not allowed:
            return None  # not the badinh spider (``scrapy shell``, ``scrapy fetch``)
        if not request.url.lower().startswith(("http://", "https://")):
            self.stats.inc_value("badinh/scheme_refused")
            raise IgnoreRequest(f"not an http(s) URL: {request.url[:80]}")
        host = host_key(request.url)
        if host in allowed:
            return None
        self.stats.inc_value("badinh/offsite_refused")
        logger.info("not fetched (another host): %s", request.url)
        raise IgnoreRequest(f"off-site host {host}")


class RedirectGate:
    """A redirect whose target is already queued or fetched in this run is not followed again
    (the page is fetched once, under its own URL)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectGate:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("redirect_urls") or request.method != "GET":
            return None
        from .runtime import Runtime
        from .spiders.badinh import request_key
        from .state import FrontierEntry

        url = canonicalize(request.url)
        key = request_key("GET", url)
        if key == request.meta.get("badinh_key"):
            return None
        if Runtime.of(self.crawler).state.enqueue(FrontierEntry(key, "GET", url, "", "page")):
            return None
        self.crawler.stats.inc_value("badinh/redirects/already_known")
        raise IgnoreRequest(f"redirect target already fetched or queued: {url}")


class RetryAfter:
    """Retries that do not hammer a struggling server.

    429 and 503 answers with ``Retry-After``: the host is slowed down to what it asks (up to
    ``BADINH_RETRY_AFTER_MAX`` seconds), the request waits, then is retried; a longer wait is not
    honoured, the request fails and is counted. Other retryable answers (``RETRY_HTTP_CODES``) are
    retried after an exponential backoff: ``BADINH_RETRY_BACKOFF`` seconds, doubled at each retry."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.cap = crawler.settings.getfloat("BADINH_RETRY_AFTER_MAX", 120.0)
        self.backoff = crawler.settings.getfloat("BADINH_RETRY_BACKOFF", 1.0)
        self.codes = {int(c) for c in crawler.settings.getlist("RETRY_HTTP_CODES")}

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfter:
        return cls(crawler)

    async def process_response(self, request: Request, response: Any) -> Any:
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After")) if response.status in (429, 503) else None
        if wait is None:
            return await self._backoff(request, response)
        stats = self.crawler.stats
        if wait > self.cap:
            stats.inc_value("badinh/retry_after/too_long")
            logger.warning(
                "%s: HTTP %d asks to wait %.0f s (over %.0f s): not retried", request.url, response.status, wait, self.cap
            )
            request.meta["dont_retry"] = True
            return response
        from scrapy.downloadermiddlewares.retry import get_retry_request

        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"HTTP {response.status} Retry-After")
        if retry is None:
            request.meta["dont_retry"] = True  # given up (and logged) above: not again below
            return response
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None and slot.delay < wait:
            slot.delay = wait  # the host asked for it: slower for the rest of the run
        stats.inc_value("badinh/retry_after/honoured")
        logger.info("%s: HTTP %d, Retry-After %.0f s: waiting, then retrying", request.url, response.status, wait)
        await asyncio.sleep(wait)
        return retry

    async def _backoff(self, request: Request, response: Any) -> Any:
        if self.backoff <= 0:
            return response  # RetryMiddleware retries at once
        from scrapy.downloadermiddlewares.retry import get_retry_request

        tries = int(request.meta.get("retry_times", 0))
        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"HTTP {response.status}")
        if retry is None:
            request.meta["dont_retry"] = True  # given up (and logged) above: not again below
            return response
        wait = min(self.backoff * 2**tries, self.cap)
        self.crawler.stats.inc_value("badinh/retry/backoff")
        logger.info("%s: HTTP %d: retrying in %.1f s", request.url, response.status, wait)
        await asyncio.sleep(wait)
        return retry


def retry_after_seconds(value: bytes | None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class WarcRecorder:
    """``BADINH_WARC_OUT``: every request and response, as fetched, into rolling WARC 1.1 files.

    It sits before the redirect and decompression middlewares on the way back, so redirects, errors
    and compressed bodies are recorded as they came (see the README on fidelity). The response's
    WARC-Record-ID goes into ``request.meta["badinh_warc_id"]`` for the records' provenance."""

    def __init__(self, crawler: Any, directory: str) -> None:
        from .archive.warc_out import WarcWriter

        self.crawler = crawler
        max_bytes = crawler.settings.getint("BADINH_WARC_MAX_BYTES", 1_000_000_000)
        self.writer = WarcWriter(directory, max_bytes=max_bytes, append=True)
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcRecorder:
        directory = crawler.settings.get("BADINH_WARC_OUT")
        if not directory:
            raise NotConfigured("BADINH_WARC_OUT is not set")
        return cls(crawler, str(directory))

    def process_response(self, request: Request, response: Any) -> Any:
        encoded = bool(response.headers.get(b"Content-Encoding"))
        record_id = self.writer.write_exchange(
            response.url,
            request.method,
            request.headers,
            request.body or b"",
            response.status,
            "",
            response.headers,
            response.body,
            fetched_at=dt.datetime.now(dt.UTC),
            body_decoded=not encoded,
        )
        request.meta["badinh_warc_id"] = record_id
        self.crawler.stats.inc_value("badinh/warc/records")
        return response

    def close(self, spider: Any = None) -> None:
        self.writer.close()
