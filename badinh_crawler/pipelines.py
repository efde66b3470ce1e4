"""Item pipelines: normalise, validate, deduplicate and split records into per-type JSON Lines files.

Enabled by default (see ``settings.py``). Without ``BADINH_OUT_DIR`` (plain ``scrapy crawl badinh
-O all.jsonl``) records are validated and deduplicated, then left to Scrapy's feed exports; with it,
each type goes to its own file in that directory, crash-safely (see :mod:`badinh_crawler.state`)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import sqlite3
import unicodedata
from collections import OrderedDict
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem

from .records import SCHEMA_VERSION, dumps, record_line
from .runtime import OUTPUT_FILES, REJECTS_FILE, Runtime
from .schemas import errors
from .state import ArticleState, now_iso

__all__ = ["Duplicate", "NormalisePipeline", "OutputPipeline", "Rejected", "ValidatePipeline"]

logger = logging.getLogger(__name__)


class Duplicate(DropItem):
    """Already written (by this run before a crash, or by an earlier run)."""


class Rejected(DropItem):
    """Failed schema validation: written to rejects.jsonl with the reasons."""


class WriteFailed(DropItem):
    """The output could not be written (disk full, file size limit...): the run stops, the page
    stays to be fetched again, and the file is left as it was before the failed write."""


class _Stage:
    def __init__(self, runtime: Runtime, stats: Any) -> None:
        self.rt = runtime
        self.stats = stats
        self.crawler: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        stage = cls(Runtime.of(crawler), crawler.stats)
        stage.crawler = crawler
        return stage


class NormalisePipeline(_Stage):
    """Unicode NFC and no-break spaces as spaces, in every string of the record."""

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        normalised: dict[str, Any] = _normalise(item)
        if normalised is not item:
            # keep the object the spider tracks; update it in place
            item.clear()
            item.update(normalised)
        return item


def _normalise(value: Any) -> Any:
    """``value`` itself when nothing in it changes (the common case: no copy), else a normalised copy."""
    if isinstance(value, str):
        if value.isascii() or ("\xa0" not in value and unicodedata.is_normalized("NFC", value)):
            return value
        return unicodedata.normalize("NFC", value.replace("\xa0", " "))
    if isinstance(value, list):
        copied: list[Any] | None = None
        for i, v in enumerate(value):
            fixed = _normalise(v)
            if fixed is not v:
                if copied is None:
                    copied = list(value)
                copied[i] = fixed
        return value if copied is None else copied
    if isinstance(value, dict):
        changed: dict[Any, Any] | None = None
        for k, v in value.items():
            fixed = _normalise(v)
            if fixed is not v:
                if changed is None:
                    changed = dict(value)
                changed[k] = fixed
        return value if changed is None else changed
    return value


class ValidatePipeline(_Stage):
    """Records that break their JSON Schema go to rejects.jsonl (with why), never silently away."""

    def __init__(self, runtime: Runtime, stats: Any) -> None:
        super().__init__(runtime, stats)
        self.files = _Files.of(runtime)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        problems = errors(item)
        if not problems:
            return item
        record_type = str(item.get("type"))
        self.stats.inc_value(f"badinh/rejects/{record_type}")
        logger.error("rejected %s record from %s: %s", record_type, _where(item), "; ".join(problems))
        if self.files is not None:
            line = {
                "type": "reject",
                "schema_version": SCHEMA_VERSION,
                "reasons": problems,
                "record": item,
                "rejected_at": now_iso(),
            }
            self.files.write(REJECTS_FILE, dumps(line), key=f"reject|{_digest(item)}")
        self.rt.settle(item)
        raise Rejected("; ".join(problems))


class OutputPipeline(_Stage):
    """Deduplicate, keep the incremental state, and append each record to its type's file.

    * article: written when new or changed (title, lead, body, date, byline, images...); an
      unchanged article fetched again gives a ``views`` record (its fresh view count) instead, and
      its qa and related records are not written again;
    * qa, related: written with their article's version;
    * site_stats: once per run (``BADINH_SITE_STATS=once``) or once per page per run (``every-page``).
    """

    def __init__(self, runtime: Runtime, stats: Any) -> None:
        super().__init__(runtime, stats)
        self.files = _Files.of(runtime)
        #: article url -> the version written or confirmed in this run ("" = skipped), for the
        #: article's qa and related records, which follow it through the pipelines
        self.versions = _Recent(VERSIONS_KEPT)
        self._failure: BaseException | None = None
        # a failed commit, wherever it happens (a page marked done by the spider too), stops the run
        runtime.state.on_rollback(self._fail)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        try:
            try:
                routed = self._route(item)
            except DropItem:
                self.rt.settle(item)
                raise
            # may commit the state's group (the item's page done): a failure there is a write failure too
            self.rt.settle(item)
        except (OSError, sqlite3.Error) as exc:
            # not settled (or its page's commit rolled back): not marked done, a --resume fetches it again
            self._fail(exc)
            raise WriteFailed(f"not written: {exc}") from exc
        return routed

    def _fail(self, exc: BaseException) -> None:
        if exc is self._failure:
            return  # already seen by the state's rollback callback
        self._failure = exc
        self.stats.inc_value("badinh/output_errors")
        if self.rt.fatal is None:
            self.rt.fatal = f"cannot write the output: {exc}"
            logger.error("%s; stopping the run (a --resume after freeing space continues it)", self.rt.fatal)
            try:
                engine = getattr(self.crawler, "engine", None)
            except RuntimeError:  # not crawling (yet): nothing to stop
                engine = None
            if engine is not None:
                self._closing = asyncio.ensure_future(engine.close_spider_async(reason="output_error"))

    def close_spider(self) -> None:
        if self.files is not None:
            self.files.close()

    def _route(self, item: dict[str, Any]) -> dict[str, Any]:
        record_type = str(item["type"])
        if record_type == "article":
            return self._article(item)
        if record_type in ("qa", "related"):
            url = str(item["article_url"] if record_type == "qa" else item["page_url"])
            version = self.versions.get(url)
            if version == "":
                raise self._duplicate(record_type, "its article is unchanged or out of range")
            return self._emit(item, f"{record_type}|{url}|{version or '-'}|{_digest(item)}")
        if record_type == "site_stats":
            if self.rt.options.site_stats == "once":
                key = f"site_stats|{self.rt.run_id}"
            else:
                key = f"site_stats|{self.rt.run_id}|{item['page_url']}"
            return self._emit(item, key)
        return self._emit(item, f"{record_type}|{_digest(item)}")

    def _article(self, item: dict[str, Any]) -> dict[str, Any]:
        url = str(item["url"])
        since = self.rt.options.since
        published = item.get("published_at")
        if since is not None and published and str(published)[:10] < since.isoformat():
            self.versions[url] = ""
            self.stats.inc_value("badinh/articles/before_since")
            raise self._duplicate("article", "published before --since")
        version = _version(item)
        known = self.rt.state.article(url)
        if known is not None and known.version_sha256 == version and known.stored_by_run == self.rt.run_id:
            # written by this very run before it was interrupted: finish the page's other records
            self.versions[url] = version
            raise self._duplicate("article", "already written")
        if known is not None and known.version_sha256 == version:
            self.versions[url] = ""
            self.stats.inc_value("badinh/articles/unchanged")
            self._views(item)
            raise self._duplicate("article", "unchanged since it was stored")
        if known is not None:
            self.stats.inc_value("badinh/articles/changed")
        self.versions[url] = version
        state = ArticleState(url, version, published, item.get("view_count"))
        return self._emit(item, f"article|{url}|{version}", article=state)

    def _views(self, item: dict[str, Any]) -> None:
        """A fresh view count of an article stored before (researchers follow them over time)."""
        provenance = item.get("provenance") or {}
        views = {
            "type": "views",
            "schema_version": SCHEMA_VERSION,
            "url": item["url"],
            "view_count": item.get("view_count"),
            "view_count_raw": item.get("view_count_raw"),
            "observed_at": provenance.get("fetched_at") or now_iso(),
            "provenance": provenance,
        }
        key = f"views|{item['url']}|{self.rt.run_id}"
        if self.files is not None and not self.rt.state.was_emitted(key):
            self.files.write(OUTPUT_FILES["views"], record_line(views), key=key)
            self.stats.inc_value("badinh/records/views")
        self.rt.state.article_checked(str(item["url"]), item.get("view_count"))

    def _emit(self, item: dict[str, Any], key: str, article: ArticleState | None = None) -> dict[str, Any]:
        record_type = str(item["type"])
        if self.rt.state.was_emitted(key):
            raise self._duplicate(record_type, "already written")
        if self.files is not None:
            self.files.write(OUTPUT_FILES[record_type], record_line(item), key=key, article=article)
        else:
            self.rt.state.commit_record(key, "-", 0, article)
        self.stats.inc_value(f"badinh/records/{record_type}")
        return item

    def _duplicate(self, record_type: str, why: str) -> Duplicate:
        self.stats.inc_value(f"badinh/duplicates/{record_type}")
        return Duplicate(f"{record_type} not written: {why}")


#: articles whose version is kept for their qa and related records: a page's records come through
#: the pipelines right after its article (items of one callback, at most CONCURRENT_ITEMS of a few
#: responses interleaved), so the last few thousand are plenty, and the memory of a run stays flat
VERSIONS_KEPT = 4096


class _Recent:
    """A mapping that keeps only the ``limit`` keys set last."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._data: OrderedDict[str, str] = OrderedDict()

    def get(self, key: str) -> str | None:
        return self._data.get(key)

    def __setitem__(self, key: str, value: str) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        if len(self._data) > self.limit:
            self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class _Files:
    """Append-only JSON Lines files; a line is one ``write`` and is committed in the state after it."""

    def __init__(self, runtime: Runtime, directory: Path) -> None:
        self.rt = runtime
        self.directory = directory
        self._fds: dict[str, int] = {}
        self._sizes: dict[str, int] = {}
        runtime.state.on_rollback(self._cut_back)

    @classmethod
    def of(cls, runtime: Runtime) -> _Files | None:
        if runtime.options.out_dir is None:
            return None
        existing = getattr(runtime, "_files", None)
        if isinstance(existing, _Files):
            return existing
        files = cls(runtime, runtime.options.out_dir)
        runtime._files = files  # type: ignore[attr-defined]
        return files

    def write(self, name: str, line: str | bytes, *, key: str, article: ArticleState | None = None) -> None:
        self.rt.state.check_writable()
        fd = self._fds.get(name)
        if fd is None:
            path = self.directory / name
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            self._fds[name] = fd
            self._sizes[name] = os.fstat(fd).st_size
        data = (line if isinstance(line, bytes) else line.encode("utf-8")) + b"\n"
        view = memoryview(data)
        try:
            while view:
                written = os.write(fd, view)
                view = view[written:]
        except OSError:
            # leave no partial line behind: back to the last complete, committed line
            os.ftruncate(fd, self._sizes[name])
            raise
        self._sizes[name] += len(data)
        self.rt.state.commit_record(key, name, self._sizes[name], article)

    def _cut_back(self, exc: BaseException) -> None:
        """The state's group was rolled back: cut each file back to its committed size at once."""
        for name, fd in self._fds.items():
            try:
                committed = self.rt.state.committed_size(name)
                if committed < self._sizes[name]:
                    os.ftruncate(fd, committed)
                    self._sizes[name] = committed
            except (OSError, sqlite3.Error):
                logger.exception("%s: not cut back to its committed size (the next run does it)", name)

    def close(self) -> None:
        for fd in self._fds.values():
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        self._fds.clear()


_VERSION_IGNORED = frozenset({"view_count", "view_count_raw", "provenance", "page_url"})
_DIGEST_IGNORED = frozenset({"provenance"})


#: json.dumps(..., ensure_ascii=False, sort_keys=True[, default=str]), made once (the keys of the
#: state depend on these exact bytes)
_sorted_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_sorted_json_str = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode


def _version(article: dict[str, Any]) -> str:
    """What makes a new version of an article: everything but its view count and where it was read."""
    core = {k: v for k, v in article.items() if k not in _VERSION_IGNORED}
    return hashlib.sha256(_sorted_json(core).encode("utf-8")).hexdigest()


def _digest(record: dict[str, Any]) -> str:
    core = {k: v for k, v in record.items() if k not in _DIGEST_IGNORED}
    return hashlib.sha256(_sorted_json_str(core).encode("utf-8")).hexdigest()[:32]


def _where(item: dict[str, Any]) -> str:
    return str(item.get("url") or item.get("page_url") or item.get("article_url") or "?")
