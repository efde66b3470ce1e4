"""The crawl's extraction workers (``crawl --jobs``): same results as in this process, errors named,
dead workers replaced, and a pool that cannot run said so."""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from badinh_crawler import extract_pool
from badinh_crawler.extract import ParseError, extract_page
from badinh_crawler.extract_pool import ExtractionFailed, ExtractionPool, PoolUnusable, WorkerDied

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HOSTS = frozenset({"badinh.hanoi.gov.vn"})
CASES = ("seed-interview-liferay", "htm-interview-strong", "windows-1258-page", "liferay-listing-page2")


def _page(case: str) -> tuple[bytes, str]:
    import json

    meta = json.loads((FIXTURES / case / "meta.json").read_text(encoding="utf-8"))
    return (FIXTURES / case / "page.html").read_bytes(), meta["url"]


def _run(pool: ExtractionPool, body: bytes, url: str) -> object:
    async def go() -> object:
        return await pool.extract(body, url, content_type=None, observed_at="2026-11-27T10:00:00+07:00", links_for=HOSTS)

    return asyncio.run(go())


def test_workers_give_what_this_process_gives() -> None:
    pool = ExtractionPool(2)
    try:

        async def all_pages() -> list[object]:
            pages = [_page(case) for case in CASES]
            return await asyncio.gather(
                *(
                    pool.extract(body, url, content_type=None, observed_at="2026-11-27T10:00:00+07:00", links_for=HOSTS)
                    for body, url in pages
                )
            )

        results = asyncio.run(all_pages())
    finally:
        pool.close()
    for case, result in zip(CASES, results, strict=True):
        body, url = _page(case)
        here = extract_page(body, url, observed_at="2026-11-27T10:00:00+07:00", links_for=HOSTS)
        assert result == here, case
        assert here.records(), case
    assert pool.answered == len(CASES) and pool.restarts == 0


def test_parse_errors_and_extractor_bugs_come_back_named() -> None:
    pool = ExtractionPool(2)
    try:
        with pytest.raises(ParseError, match="not HTML"):
            _run(pool, b"%PDF-1.4\n" + b"\x00" * 200, "https://badinh.hanoi.gov.vn/a.pdf")
        # a str where bytes belong: the extractor raises inside the worker, the crawl gets its name
        with pytest.raises(ExtractionFailed) as info:
            _run(pool, b"<html><body><p>x</p></body></html>", None)  # type: ignore[arg-type]
        assert info.value.kind in ("TypeError", "AttributeError")
        assert "Traceback" in info.value.details
        # the pool still works
        body, url = _page("seed-interview-liferay")
        assert _run(pool, body, url) == extract_page(body, url, observed_at="2026-11-27T10:00:00+07:00", links_for=HOSTS)
    finally:
        pool.close()


def _kill_workers(pool: ExtractionPool, stop: threading.Event, once: bool) -> None:
    """SIGKILL the pool's worker processes as soon as they exist (once, or until ``stop``)."""
    while not stop.is_set():
        executor = pool._pool
        processes = dict(getattr(executor, "_processes", None) or {})
        if processes:
            for pid in processes:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if once:
                return
        time.sleep(0.005)


def _big_page() -> tuple[bytes, str]:
    # slow enough (tens of milliseconds) that a worker is killed while it has the page
    body, url = _page("seed-interview-liferay")
    extra = b"".join(b"<p>Doan van ban so %d cua bai viet dai.</p>" % i for i in range(20000))
    return body.replace(b"</body>", extra + b"</body>"), url


def _with_killer(pool: ExtractionPool, once: bool) -> object:
    """The big page through a pool that has answered a page already, its workers killed once the
    page is in a worker's hands (``once``), or as long as they keep coming."""
    body, url = _big_page()
    small, small_url = _page("htm-interview-strong")
    _run(pool, small, small_url)
    stop = threading.Event()
    killer = threading.Thread(target=_kill_workers, args=(pool, stop, once))

    async def go() -> object:
        task = asyncio.ensure_future(
            pool.extract(body, url, content_type=None, observed_at="2026-11-27T10:00:00+07:00", links_for=HOSTS)
        )
        await asyncio.sleep(0.05)  # sent: a worker is reading it
        killer.start()
        return await task

    try:
        return asyncio.run(go())
    finally:
        stop.set()
        if killer.is_alive():
            killer.join()


def test_a_killed_worker_is_replaced_and_its_page_sent_again() -> None:
    pool = ExtractionPool(2)
    try:
        result = _with_killer(pool, once=True)
    finally:
        pool.close()
    assert pool.restarts == 1
    body, url = _big_page()
    assert result == extract_page(body, url, observed_at="2026-11-27T10:00:00+07:00", links_for=HOSTS)


def test_a_page_whose_worker_dies_at_each_try_is_named() -> None:
    pool = ExtractionPool(2)
    try:
        with pytest.raises(WorkerDied, match="2 tries"):
            _with_killer(pool, once=False)
        # fresh workers take the next page
        small, small_url = _page("htm-interview-strong")
        assert _run(pool, small, small_url) == extract_page(
            small, small_url, observed_at="2026-11-27T10:00:00+07:00", links_for=HOSTS
        )
    finally:
        pool.close()
    assert pool.restarts >= 2


def test_workers_that_cannot_start_make_the_pool_unusable(monkeypatch: pytest.MonkeyPatch) -> None:
    # each worker exits as it starts: no page is ever answered
    monkeypatch.setattr(extract_pool, "_worker_start", functools.partial(os._exit))
    pool = ExtractionPool(2)
    body, url = _page("seed-interview-liferay")
    try:
        with pytest.raises(PoolUnusable, match="before answering"):
            _run(pool, body, url)
        # said once, then at once for every page after it
        with pytest.raises(PoolUnusable):
            _run(pool, body, url)
    finally:
        pool.close()
    assert pool.answered == 0


def test_jobs_must_be_positive() -> None:
    with pytest.raises(ValueError):
        ExtractionPool(0)
