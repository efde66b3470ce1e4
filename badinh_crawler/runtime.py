"""What the spider, the pipelines and the extensions of one crawl share: its options (read once from
the settings), its state, its counters. One :class:`Runtime` per crawler, made on first use."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .crawl_args import SITE_STATS_MODES
from .lock import DirectoryLock
from .state import CrawlState, Reconciled

__all__ = ["OUTPUT_FILES", "Options", "Runtime"]

logger = logging.getLogger(__name__)

#: record type -> the JSON Lines file it goes to in the output directory
OUTPUT_FILES = {
    "article": "articles.jsonl",
    "qa": "qa.jsonl",
    "related": "related.jsonl",
    "site_stats": "site_stats.jsonl",
    "views": "views.jsonl",
}
REJECTS_FILE = "rejects.jsonl"


@dataclass(frozen=True)
class Options:
    """The BADINH_* settings, read once."""

    out_dir: Path | None
    state_path: Path | None
    resume: bool
    full: bool
    recheck_days: int
    since: dt.date | None
    site_stats: str
    max_error_rate: float
    drift_min_pages: int
    drift_min_coverage: dict[str, float]
    commit_interval: float = 0.0

    @classmethod
    def from_settings(cls, settings: Any) -> Options:
        out = settings.get("BADINH_OUT_DIR")
        state = settings.get("BADINH_STATE")
        since = settings.get("BADINH_SINCE")
        mode = settings.get("BADINH_SITE_STATS", "once")
        if mode not in SITE_STATS_MODES:
            raise ValueError(f"BADINH_SITE_STATS must be one of {', '.join(SITE_STATS_MODES)}, not {mode!r}")
        out_dir = Path(out) if out else None
        return cls(
            out_dir=out_dir,
            state_path=Path(state) if state else (out_dir / "state.sqlite" if out_dir else None),
            resume=settings.getbool("BADINH_RESUME"),
            full=settings.getbool("BADINH_FULL"),
            recheck_days=settings.getint("BADINH_RECHECK_DAYS", 30),
            since=dt.date.fromisoformat(since) if since else None,
            site_stats=mode,
            max_error_rate=settings.getfloat("BADINH_MAX_ERROR_RATE", 0.2),
            drift_min_pages=settings.getint("BADINH_DRIFT_MIN_PAGES", 3),
            drift_min_coverage={
                "title": settings.getfloat("BADINH_DRIFT_MIN_TITLE", 0.9),
                "published_at": settings.getfloat("BADINH_DRIFT_MIN_DATE", 0.8),
                "body": settings.getfloat("BADINH_DRIFT_MIN_BODY", 0.9),
            },
            commit_interval=settings.getfloat("BADINH_COMMIT_INTERVAL", 0.25),
        )


@dataclass
class Runtime:
    options: Options
    state: CrawlState
    run_id: str
    resumed: bool
    repaired: list[Reconciled]
    hosts: frozenset[str] = frozenset()
    #: article-shaped pages fetched, and how many of them gave a title / date / body
    coverage: Counter[str] = field(default_factory=Counter)
    drift_warnings: Counter[str] = field(default_factory=Counter)
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    #: page key -> records of it still in the pipelines; record id -> its page key
    _remaining: dict[str, int] = field(default_factory=dict)
    _owner: dict[int, str] = field(default_factory=dict)
    _aliases: dict[str, list[str]] = field(default_factory=dict)
    #: set when the spider closes (see :mod:`badinh_crawler.report`)
    exit_status: int = 0
    #: why the run had to stop (the output could not be written), or None
    fatal: str | None = None
    summary: dict[str, Any] | None = None

    @classmethod
    def of(cls, crawler: Any) -> Runtime:
        existing = getattr(crawler, "_badinh_runtime", None)
        if isinstance(existing, Runtime):
            return existing
        options = Options.from_settings(crawler.settings)
        if options.out_dir is not None:
            options.out_dir.mkdir(parents=True, exist_ok=True)
            if not crawler.settings.getbool("BADINH_LOCK_HELD"):
                # ``scrapy crawl -s BADINH_OUT_DIR=...``: held until the process ends
                lock = DirectoryLock(options.out_dir)
                lock.acquire()
                crawler._badinh_lock = lock
        state = CrawlState(
            options.state_path if options.state_path is not None else ":memory:", commit_interval=options.commit_interval
        )
        repaired: list[Reconciled] = []
        if options.out_dir is not None:
            repaired = state.reconcile(options.out_dir, [*OUTPUT_FILES.values(), REJECTS_FILE])
            for fix in repaired:
                logger.warning("%s: cut %d bytes of an unfinished write from an interrupted run", fix.name, fix.cut_bytes)
        run_id, resumed = state.start_run(resume=options.resume)
        runtime = cls(options=options, state=state, run_id=run_id, resumed=resumed, repaired=repaired)
        crawler._badinh_runtime = runtime
        return runtime

    def should_fetch_article(self, url: str, today: dt.date | None = None) -> bool:
        """Known articles are fetched again only with --full, or when recent enough to still change."""
        if self.options.full:
            return True
        known = self.state.article(url)
        if known is None:
            return True
        if self.options.recheck_days <= 0:
            return False
        if not known.published_at:
            return False
        today = today or dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
        try:
            published = dt.date.fromisoformat(known.published_at[:10])
        except ValueError:
            return False
        return (today - published).days <= self.options.recheck_days

    # --- a page is done when every record of it has settled in the pipelines -------------------
    def expect(self, page_key: str, records: list[dict[str, Any]], also: list[str] | None = None) -> None:
        """The page ``page_key`` yields ``records``; mark it (and ``also``) done once they settled."""
        if also:
            self._aliases[page_key] = also
        if not records:
            self._done(page_key)
            return
        self._remaining[page_key] = len(records)
        for record in records:
            self._owner[id(record)] = page_key

    def settle(self, record: Any) -> None:
        """``record`` was written, skipped as a duplicate, or rejected: it needs nothing more."""
        page_key = self._owner.pop(id(record), None)
        if page_key is None:
            return
        left = self._remaining.get(page_key, 1) - 1
        if left > 0:
            self._remaining[page_key] = left
            return
        self._remaining.pop(page_key, None)
        self._done(page_key)

    def unsettled(self) -> int:
        return len(self._owner)

    def _done(self, page_key: str) -> None:
        for key in [page_key, *self._aliases.pop(page_key, [])]:
            self.state.mark(key, "done")
