"""A crawl's page extraction in worker processes (``badinh-crawl crawl --jobs N``).

Scrapy runs in one thread: with the extraction in that thread, a crawl of a fast local mirror is
bound by one core. With ``--jobs``, the crawl's process fetches, follows and writes, and worker
processes extract; a page is the same records either way (it goes through the same
:func:`~badinh_crawler.extract.extract_page`, in another interpreter).

>>> pool = ExtractionPool(2)  # doctest: +SKIP
>>> result = await pool.extract(body, url, content_type=None, observed_at=now, links_for=hosts)  # doctest: +SKIP

A worker that dies without answering (killed, out of memory, crashed in C) takes the pages it was
sent with it; each of them is sent once more, to fresh workers, and a page whose second try dies too
raises :class:`WorkerDied` (the crawl marks it failed and goes on); workers that die before any of
them answered, twice, raise :class:`PoolUnusable` (the crawl extracts in its own process from then
on). Awaiting needs Scrapy's asyncio reactor (its default). Each worker ends when the crawl's
process ends, even when that one was killed with SIGKILL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import select
import signal
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .batch import _context
from .extract import ExtractionResult, ParseError, extract_page

__all__ = ["ExtractionFailed", "ExtractionPool", "PoolUnusable", "WorkerDied"]

logger = logging.getLogger(__name__)

#: tries of a page whose worker died (the first and one more)
TRIES = 2


class WorkerDied(RuntimeError):
    """The worker extracting a page died without answering, at each try."""


class PoolUnusable(RuntimeError):
    """Worker processes cannot run here: the pool could not be made, or its workers died before
    any of them answered, twice (no process semaphores, a main script the workers cannot import...)."""


class ExtractionFailed(RuntimeError):
    """The extractor raised (a bug): ``kind`` its exception's type name, ``details`` the traceback
    as the worker printed it."""

    def __init__(self, kind: str, message: str, details: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.details = details


def _worker_start(crawl_pid: int) -> None:
    # Ctrl-C reaches the whole process group: the crawl's process stops cleanly and closes the
    # pool; a worker that stopped on its own would only turn that into a "worker died"
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(crawl_pid,), name="exit-with-crawl", daemon=True).start()


def _exit_with(crawl_pid: int) -> None:
    """End this worker when the crawl's process is gone (killed with SIGKILL, it closes nothing: the
    workers hold their own ends of the pool's pipes and would wait for work forever)."""
    try:
        fd = os.pidfd_open(crawl_pid)
    except (AttributeError, OSError):  # before Linux 5.3, or not Linux: look every second
        while True:
            time.sleep(1.0)
            try:
                os.kill(crawl_pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
    else:
        select.select([fd], [], [])  # readable once the process has ended
    os._exit(0)


def _extract(
    body: bytes, url: str, content_type: str | None, observed_at: str | None, links_for: frozenset[str] | None
) -> tuple[str, Any]:
    """In a worker: the result, or what went wrong as plain strings (any exception pickles so)."""
    try:
        return "ok", extract_page(body, url, content_type=content_type, observed_at=observed_at, links_for=links_for)
    except ParseError as exc:
        return "parse_error", str(exc)
    except Exception as exc:
        return "error", (type(exc).__name__, str(exc), traceback.format_exc())


class ExtractionPool:
    """``jobs`` worker processes, started on the first page and replaced when one dies."""

    def __init__(self, jobs: int) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        #: pools replaced after a worker died
        self.restarts = 0
        #: pages the workers answered
        self.answered = 0
        self.unusable: str | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self.unusable is not None:
            raise PoolUnusable(self.unusable)
        if self._pool is None:
            try:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.jobs, mp_context=_context(), initializer=_worker_start, initargs=(os.getpid(),)
                )
            except (OSError, ImportError, NotImplementedError) as exc:
                self.unusable = f"worker processes are not available here: {exc}"
                raise PoolUnusable(self.unusable) from exc
        return self._pool

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        # every page in flight on the broken pool sees it broken: the first one to notice replaces it
        if self._pool is broken:
            self._pool = None
            self.restarts += 1
            broken.shutdown(wait=False, cancel_futures=True)

    async def extract(
        self,
        body: bytes,
        url: str,
        *,
        content_type: str | None,
        observed_at: str | None,
        links_for: frozenset[str] | None,
    ) -> ExtractionResult:
        """What :func:`extract_page` gives for the page, extracted by a worker. Raises
        :class:`ParseError` as it does, :class:`ExtractionFailed` for any other exception of the
        extractor, :class:`WorkerDied` when the page's worker died at each try, :class:`PoolUnusable`
        when no worker can run here (the page is not extracted: extract it in this process)."""
        for _ in range(TRIES):
            pool = self._executor()
            try:
                future = pool.submit(_extract, body, url, content_type, observed_at, links_for)
                outcome, value = await asyncio.wrap_future(future)
            except BrokenProcessPool:
                self._replace(pool)
                if not self.answered and self.restarts >= TRIES:
                    self.unusable = "the extraction workers died before answering, twice (see the log above)"
                    raise PoolUnusable(self.unusable) from None
                logger.warning("%s: an extraction worker died; the pages it had are sent again", url)
                continue
            self.answered += 1
            if outcome == "ok":
                result: ExtractionResult = value
                return result
            if outcome == "parse_error":
                raise ParseError(value)
            kind, message, details = value
            raise ExtractionFailed(kind, message, details)
        raise WorkerDied(f"the extraction worker died at each of {TRIES} tries")

    def close(self) -> None:
        """Stop the workers (pages in flight are dropped: the crawl is over)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
