"""Downloader middleware: only the start URLs' hosts are ever fetched, redirects included."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from .urls import canonicalize, host_key

__all__ = ["HostGuard", "RedirectGate"]

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
            return None
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
