"""Downloader middleware: only the start URLs' hosts are ever fetched, redirects included."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from .urls import host_key

__all__ = ["HostGuard"]

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
