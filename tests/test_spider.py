"""The spider's callbacks in-process, on saved pages (no network)."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
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


def test_a_link_seen_again_is_not_looked_up_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # menus and related rows repeat on every page: the second pass of a link does nothing, the
    # first pass's answer stands (queued once), and the state is not asked again
    spider = make_spider(tmp_path)
    links = [f"https://badinh.hanoi.gov.vn/tin-tuc/-/view_content/{n}-bai-viet" for n in range(1, 4)]
    first = list(spider._follow_links(links, kind="article"))
    assert sorted(r.url for r in first) == sorted(links)
    lookups: list[str] = []
    real = spider.rt.state.is_finished
    monkeypatch.setattr(spider.rt.state, "is_finished", lambda key: lookups.append(key) or real(key))
    assert list(spider._follow_links([*links, links[0]], kind="article")) == []
    assert lookups == []
    # a new link is looked up and queued as before
    new = "https://badinh.hanoi.gov.vn/tin-tuc/-/view_content/4-bai-viet"
    assert [r.url for r in spider._follow_links([new, links[1]], kind="article")] == [new]
    assert lookups == [request_key("GET", new)]


def test_the_followed_links_memory_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spider_module, "FOLLOWED_KEPT", 3)
    spider = make_spider(tmp_path)
    links = [f"https://badinh.hanoi.gov.vn/tin-tuc/-/view_content/{n}-bai-viet" for n in range(1, 6)]
    assert len(list(spider._follow_links(links, kind="article"))) == 5
    assert list(spider._followed) == links[-3:]
    # the oldest, forgotten, is looked up again: already queued, so still no second request
    assert list(spider._follow_links(links[:1], kind="article")) == []


def _spider_with(tmp_path: Path, **settings: Any) -> BadinhSpider:
    crawler = get_crawler(BadinhSpider, {"BADINH_OUT_DIR": str(tmp_path), "BADINH_LOCK_HELD": True, **settings})
    spider = BadinhSpider.from_crawler(crawler, start_urls="https://badinh.hanoi.gov.vn/")
    crawler.spider = spider
    return spider


def test_extract_jobs_choose_the_callback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # 1 (the default): in the crawl's process
    spider = _spider_with(tmp_path / "one")
    assert spider.pool is None and spider.extraction_workers() is None
    assert (
        spider._request(spider_module.FrontierEntry("k", "GET", "https://badinh.hanoi.gov.vn/", "", "page")).callback
        == spider.parse
    )
    # 3: a pool of three workers (started on the first page only), pages go to parse_in_worker
    spider = _spider_with(tmp_path / "three", BADINH_EXTRACT_JOBS=3)
    assert spider.pool is not None and spider.pool.jobs == 3 and spider.pool._pool is None
    entry = spider_module.FrontierEntry("k", "GET", "https://badinh.hanoi.gov.vn/", "", "page")
    assert spider._request(entry).callback == spider.parse_in_worker
    # 0: one per usable core, none on a one-core machine
    monkeypatch.setattr(spider_module, "worker_count", lambda requested: 1)
    assert _spider_with(tmp_path / "zero", BADINH_EXTRACT_JOBS=0).pool is None
    monkeypatch.undo()
    # another reactor cannot await the workers: said, and in this process
    with caplog.at_level(logging.WARNING, logger=spider_module.logger.name):
        spider = _spider_with(
            tmp_path / "reactor", BADINH_EXTRACT_JOBS=3, TWISTED_REACTOR="twisted.internet.pollreactor.PollReactor"
        )
    assert spider.pool is None
    assert "needs the asyncio reactor" in caplog.text
    with pytest.raises(ValueError, match="BADINH_EXTRACT_JOBS"):
        _spider_with(tmp_path / "negative", BADINH_EXTRACT_JOBS=-2)


def test_workers_that_cannot_start_leave_the_pages_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from badinh_crawler import extract_pool

    monkeypatch.setattr(extract_pool, "_worker_start", functools.partial(os._exit))  # each worker dies as it starts
    spider = _spider_with(tmp_path, BADINH_EXTRACT_JOBS=2)
    pool = spider.pool
    assert pool is not None

    async def pages() -> list[list[Any]]:
        out = []
        for case in ("seed-interview-liferay", "htm-interview-strong"):
            out.append([item async for item in spider.parse_in_worker(response(case))])
        return out

    with caplog.at_level(logging.ERROR, logger=spider_module.logger.name):
        first, second = asyncio.run(pages())
    # both pages extracted here, as parse would: the same records
    for case, got in (("seed-interview-liferay", first), ("htm-interview-strong", second)):
        records = [o for o in got if isinstance(o, dict)]
        here = [o for o in _spider_with(tmp_path / case).parse(response(case)) if isinstance(o, dict)]
        assert [r["type"] for r in records] == [r["type"] for r in here] and records[0]["type"] == "article"
        assert [r.get("title") for r in records] == [r.get("title") for r in here]
    assert spider.pool is None and pool.unusable is not None
    assert caplog.text.count("extracted in the crawl's process from now on") == 1
    stats = spider.crawler.stats
    assert stats is not None
    assert stats.get_value("badinh/pages/parsed") == 2
    assert stats.get_value("badinh/pages/extracted_by_workers") is None
    assert "before answering" in str(stats.get_value("badinh/extract_jobs/unusable"))
    # run.json's account of the workers
    workers = spider.extraction_workers()
    assert workers is not None and workers["jobs"] == 2 and workers["restarts"] == 2
    assert "before answering" in str(workers["unusable"])
