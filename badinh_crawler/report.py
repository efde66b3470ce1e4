"""The run's account of itself: live progress, then ``run.json`` and the exit status for cron.

Exit statuses (also in the README):

====  ==========================================================================================
0     success
1     run failed: nothing fetched, error rate over ``BADINH_MAX_ERROR_RATE``, or interrupted
2     usage error (bad arguments)
3     layout drift: on article pages, title / date / body coverage under its threshold
4     locked: another run holds the output directory
====  ==========================================================================================
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from scrapy import signals
from twisted.internet import task

from . import __version__
from .runtime import Runtime
from .state import now_iso

__all__ = ["EXIT_DRIFT", "EXIT_FAILED", "EXIT_LOCKED", "EXIT_OK", "EXIT_USAGE", "RunReport"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_DRIFT = 3
EXIT_LOCKED = 4

logger = logging.getLogger(__name__)

#: the settings recorded in run.json
_RECORDED_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "DOWNLOAD_DELAY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "BADINH_EXTRACT_JOBS",
    "DOWNLOAD_TIMEOUT",
    "RETRY_TIMES",
    "CLOSESPIDER_PAGECOUNT",
    "BADINH_FULL",
    "BADINH_RESUME",
    "BADINH_RECHECK_DAYS",
    "BADINH_SINCE",
    "BADINH_SITE_STATS",
    "BADINH_MAX_ERROR_RATE",
    "BADINH_COMMIT_INTERVAL",
)


class RunReport:
    """Extension: progress while running; at the end, run.json and ``Runtime.exit_status``."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.rt = Runtime.of(crawler)
        settings = crawler.settings
        self.mode = settings.get("BADINH_PROGRESS", "auto")
        self.interval = settings.getfloat("BADINH_PROGRESS_INTERVAL", 10.0)
        self.stream: TextIO = sys.stderr
        self._loop: task.LoopingCall | None = None
        self._t0 = time.monotonic()
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_error, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunReport:
        return cls(crawler)

    # --- progress -------------------------------------------------------------------------------
    def opened(self, spider: Any) -> None:
        self._t0 = time.monotonic()
        mode = self.mode
        if mode == "auto":
            mode = "tty" if self.stream.isatty() else "log"
        self.mode = mode
        if mode in ("tty", "log"):
            self._loop = task.LoopingCall(self.tick)
            self._loop.start(0.5 if mode == "tty" else self.interval, now=False)
        how = "resuming" if self.rt.resumed else "starting"
        logger.info("%s run %s (output: %s)", how, self.rt.run_id, self.rt.options.out_dir or "Scrapy feeds only")

    def _numbers(self) -> dict[str, float]:
        stats = self.crawler.stats.get_stats()
        pages = int(stats.get("response_received_count", 0))
        elapsed = time.monotonic() - self._t0
        return {
            "pages": pages,
            "articles": int(stats.get("badinh/records/article", 0)),
            "errors": sum(int(v) for k, v in stats.items() if k.startswith("badinh/failed/")),
            "rate": pages / elapsed if elapsed > 0 else 0.0,
            "elapsed": elapsed,
        }

    def progress_line(self) -> str:
        n = self._numbers()
        elapsed = time.strftime("%H:%M:%S", time.gmtime(n["elapsed"]))
        return (
            f"pages {int(n['pages'])} | articles {int(n['articles'])} | errors {int(n['errors'])} | "
            f"{n['rate']:.1f} pages/s | {elapsed}"
        )

    def tick(self) -> None:
        if self.mode == "tty":
            self.stream.write("\r\x1b[K" + self.progress_line())
            self.stream.flush()
        else:
            logger.info("progress: %s", self.progress_line())

    def item_error(self, item: Any, response: Any, spider: Any, failure: Any) -> None:
        self.crawler.stats.inc_value("badinh/item_errors")
        self.rt.settle(item)

    # --- the end --------------------------------------------------------------------------------
    def closed(self, spider: Any, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.mode == "tty":
            self.stream.write("\r\x1b[K" + self.progress_line() + "\n")
            self.stream.flush()
        summary = self.summary(reason)
        self.rt.exit_status = int(summary["exit"]["status"])
        finished = reason == "finished" or reason.startswith("closespider_")
        if finished:
            self.rt.state.finish_run("finished" if summary["exit"]["status"] == EXIT_OK else summary["exit"]["reason"])
        out = self.rt.options.out_dir
        if out is not None:
            _write_json(out / "run.json", summary)
            _write_json(out / "runs" / f"{self.rt.run_id}.json", summary)
        self.rt.summary = summary
        self.rt.state.close()
        logger.info("run %s: exit %d (%s)", self.rt.run_id, summary["exit"]["status"], summary["exit"]["reason"])

    def summary(self, reason: str) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats()
        statuses = {k.rsplit("/", 1)[1]: int(v) for k, v in stats.items() if k.startswith("downloader/response_status_count/")}
        failed = {k.split("/", 2)[2]: int(v) for k, v in stats.items() if k.startswith("badinh/failed/")}
        records = {k.rsplit("/", 1)[1]: int(v) for k, v in stats.items() if k.startswith("badinh/records/")}
        rejects = {k.rsplit("/", 1)[1]: int(v) for k, v in stats.items() if k.startswith("badinh/rejects/")}
        duplicates = {k.rsplit("/", 1)[1]: int(v) for k, v in stats.items() if k.startswith("badinh/duplicates/")}
        refused = {k.split("/", 2)[2]: int(v) for k, v in stats.items() if k.startswith("badinh/links_refused/")}
        responses = int(stats.get("response_received_count", 0))
        requests = int(stats.get("downloader/request_count", 0))
        cov = self.rt.coverage
        coverage = {name: (cov[name] / cov["pages"] if cov["pages"] else None) for name in ("title", "published_at", "body")}
        finished_pages = int(stats.get("badinh/pages/parsed", 0)) + int(stats.get("badinh/pages/not_html", 0))
        status, why = self._exit(reason, responses, sum(failed.values()), finished_pages, coverage, cov["pages"])
        settings = self.crawler.settings
        return {
            "run_id": self.rt.run_id,
            "version": __version__,
            "started_at": self.rt.started.astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat(timespec="seconds"),
            "finished_at": now_iso(),
            "resumed": self.rt.resumed,
            "start_urls": list(getattr(self.crawler.spider, "start_urls", [])),
            "output_dir": str(self.rt.options.out_dir) if self.rt.options.out_dir else None,
            "settings": {name: settings.get(name) for name in _RECORDED_SETTINGS},
            "finish_reason": reason,
            "requests": requests,
            "pages": {
                "responses": responses,
                "by_status": statuses,
                "failed": failed,
                "parsed": int(stats.get("badinh/pages/parsed", 0)),
                "extracted_by_workers": int(stats.get("badinh/pages/extracted_by_workers", 0)),
                "not_html": int(stats.get("badinh/pages/not_html", 0)),
                "known_articles_skipped": int(stats.get("badinh/articles/known_skipped", 0)),
                "offsite_refused": int(stats.get("badinh/offsite_refused", 0)),
                "scheme_refused": int(stats.get("badinh/scheme_refused", 0)),
                "skipped": {k.split("/", 2)[2]: int(v) for k, v in stats.items() if k.startswith("badinh/skipped/")},
                "robots_refused": int(stats.get("robotstxt/forbidden", 0)),
                "links_refused": refused,
            },
            "extraction_workers": _extraction_workers(self.crawler.spider),
            "records": records,
            "duplicates_not_written": duplicates,
            "articles_unchanged": int(stats.get("badinh/articles/unchanged", 0)),
            "articles_changed": int(stats.get("badinh/articles/changed", 0)),
            "rejects": rejects,
            "item_errors": int(stats.get("badinh/item_errors", 0)),
            "drift": {"article_pages": cov["pages"], "coverage": coverage, "warnings": dict(self.rt.drift_warnings)},
            "repaired_files": {fix.name: fix.cut_bytes for fix in self.rt.repaired},
            "exit": {"status": status, "reason": why},
        }

    def _exit(
        self, reason: str, responses: int, failed: int, finished: int, coverage: dict[str, float | None], pages: int
    ) -> tuple[int, str]:
        options = self.rt.options
        if self.rt.fatal is not None:
            return EXIT_FAILED, self.rt.fatal
        if reason not in ("finished",) and not reason.startswith("closespider_"):
            return EXIT_FAILED, f"interrupted ({reason}); continue with --resume"
        if responses == 0:
            return EXIT_FAILED, "nothing fetched"
        rate = failed / max(1, finished + failed)
        if failed and rate > options.max_error_rate:
            return EXIT_FAILED, f"error rate {rate:.0%} over {options.max_error_rate:.0%}"
        item_errors = int(self.crawler.stats.get_value("badinh/item_errors", 0))
        if item_errors:
            return EXIT_FAILED, f"{item_errors} records could not be processed (see the log)"
        if self.rt.unsettled():
            return EXIT_FAILED, f"{self.rt.unsettled()} records not written"
        if pages >= options.drift_min_pages:
            low = [
                f"{name} {value:.0%} < {options.drift_min_coverage[name]:.0%}"
                for name, value in coverage.items()
                if value is not None and value < options.drift_min_coverage[name]
            ]
            if low:
                return EXIT_DRIFT, "layout drift on article pages: " + ", ".join(low)
        return EXIT_OK, "success"


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, default=str)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _extraction_workers(spider: Any) -> dict[str, Any] | None:
    """The crawl's extraction workers (``--jobs``), None when pages are extracted in its process."""
    workers = getattr(spider, "extraction_workers", None)
    return workers() if callable(workers) else None
