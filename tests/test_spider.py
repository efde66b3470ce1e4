"""The spider's callbacks in-process, on saved pages (no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from badinh_crawler.spiders import badinh as spider_module
from badinh_crawler.spiders.badinh import BadinhSpider, request_key

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def make_spider(tmp_path: Path) -> BadinhSpider:
    crawler = get_crawler(BadinhSpider, {"BADINH_OUT_DIR": str(tmp_path), "BADINH_LOCK_HELD": True})
    spider = BadinhSpider.from_crawler(crawler, start_urls="https://badinh.hanoi.gov.vn/")
    crawler.spider = spider
    return spider


def response(case: str) -> HtmlResponse:
    meta = json.loads((FIXTURES / case / "meta.json").read_text(encoding="utf-8"))
    body = (FIXTURES / case / "page.html").read_bytes()
    key = request_key("GET", meta["url"])
    request = Request(meta["url"], meta={"badinh_key": key, "badinh_kind": "article"})
    return HtmlResponse(meta["url"], body=body, headers={"Content-Type": "text/html; charset=utf-8"}, request=request)


def test_article_page_yields_records_with_provenance_and_requests(tmp_path: Path) -> None:
    spider = make_spider(tmp_path)
    out = list(spider.parse(response("seed-interview-liferay")))
    records = [o for o in out if isinstance(o, dict)]
    requests = [o for o in out if isinstance(o, Request)]
    assert [r["type"] for r in records][:2] == ["article", "qa"]
    assert all(r["provenance"]["source"] == "live" and r["provenance"]["http_status"] == 200 for r in records)
    assert requests and all(r.url.startswith("https://badinh.hanoi.gov.vn/") for r in requests)
    assert not any("viewMode=print" in r.url or "/en" in r.url for r in requests)


def test_extractor_crash_is_counted_and_the_crawl_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(spider_module, "extract_page", broken)
    spider = make_spider(tmp_path)
    page = response("seed-interview-liferay")
    assert list(spider.parse(page)) == []
    assert spider.crawler.stats.get_value("badinh/failed/extraction_error") == 1  # type: ignore[union-attr]
    assert spider.rt.state.is_finished(page.meta["badinh_key"])
