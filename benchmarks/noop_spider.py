"""A no-op Scrapy spider that follows the same links as the ``badinh`` spider and does nothing else:
the framework's floor for the crawl benchmark (see ``crawl_bench.py``).

Run (from a folder without a scrapy.cfg, so that only Scrapy's defaults apply):
    python -m scrapy runspider benchmarks/noop_spider.py -a start_url=http://127.0.0.1:PORT/

Its link rule is the crawler's own, ``badinh_crawler.extract.links.discover`` (one lxml parse and
the same canonical URLs, pagination, trap and host rules, and the ".htm" "load more" POSTs), so both
spiders fetch the same pages; it extracts no record, keeps no state and uses Scrapy's default
in-memory duplicate filter instead of the crawler's SQLite frontier. Like the crawler, it fetches
nothing off the start URL's host, redirects included (``allowed_domains``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy.http import Request, Response

from badinh_crawler.extract.links import ApiPager, discover, listing_key
from badinh_crawler.urls import canonicalize, host_key, trap_reason


class NoopSpider(scrapy.Spider):
    name = "noop"

    def __init__(self, start_url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [canonicalize(start_url)]
        self.hosts = frozenset(host_key(u) for u in self.start_urls)
        # Scrapy's offsite filter, for redirects too (the mirror's link to another site answers 302)
        self.allowed_domains = [urlsplit(u).hostname or "" for u in self.start_urls]
        self._listing_pages: dict[str, set[frozenset[str]]] = {}

    def _ctype(self, response: Response) -> str | None:
        value = response.headers.get(b"Content-Type")
        return value.decode("latin-1") if value else None

    def _links(self, links: list[str]) -> Iterator[Request]:
        for link in links:
            if host_key(link) in self.hosts and not trap_reason(link):
                yield Request(link, callback=self.parse)

    def _api(self, pager: ApiPager, index: int, zone: str) -> Iterator[Request]:
        if host_key(pager.url) in self.hosts:
            yield Request(
                pager.url,
                method="POST",
                body=urlencode(pager.form(index)),
                headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
                callback=self.parse_api,
                cb_kwargs={"pager": pager, "index": index, "zone": zone},
            )

    def _repeats(self, listing: str, items: frozenset[str]) -> bool:
        if not items:
            return False
        seen = self._listing_pages.setdefault(listing, set())
        if items in seen:
            return True
        seen.add(items)
        return False

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        ctype = (self._ctype(response) or "").lower()
        if ctype and "html" not in ctype:
            return
        url = canonicalize(response.url)
        nav = discover(response.body, url, content_type=self._ctype(response), hosts=self.hosts)
        skip = set(nav.pagination) if nav.pagination and self._repeats(listing_key(url), nav.items) else set()
        yield from self._links([link for link in nav.pages if link not in skip])
        if nav.api is not None:
            yield from self._api(nav.api, nav.api.shown_index + 1, url)

    def parse_api(self, response: Response, pager: ApiPager, index: int, zone: str) -> Iterator[Request]:
        nav = discover(response.body, response.url, content_type=self._ctype(response), hosts=self.hosts)
        yield from self._links(nav.articles)
        if nav.articles and not self._repeats(f"api:{zone}", nav.items):
            yield from self._api(pager, index + 1, zone)
