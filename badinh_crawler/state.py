"""What a crawl remembers on disk: the frontier of the current run, what was written, and the
articles already stored. One SQLite file (``state.sqlite`` in the output directory by default).

Crash safety rests on two rules:

* a record's line is appended to its JSONL file first, then its key and the file's new committed
  size are recorded here; on the next open, bytes past the committed size (lines written but not
  committed, or half a line) are cut off, and those records are produced again because their page
  was not marked done;
* a page is marked done only after all its records went through, so a killed run resumed with
  ``--resume`` fetches exactly the pages it had not finished.

Writes are committed in groups: the statements of a run join one open transaction, committed when a
page is finished (done, failed or skipped) once the group has been open ``commit_interval`` seconds
(0: at every finished page). A page's records, their files' sizes and the page's mark land in the
same commit or in consecutive ones, with whatever else happened meanwhile (links queued, records of
pages still in the pipelines). A kill loses only what came after the last commit; the
state and the committed sizes then describe the same earlier moment, and every page not finished
at that moment is fetched again by ``--resume``. When a commit fails (disk full), the group is
rolled back, the files are cut back to their committed sizes at once (:meth:`CrawlState.on_rollback`)
and the state takes no more writes in this process, exactly as if it had been killed there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ArticleState", "CrawlState", "FrontierEntry", "Reconciled"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    resumes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS frontier (
    key TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    detail TEXT
);
CREATE INDEX IF NOT EXISTS frontier_pending ON frontier (run_id, status);
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    version_sha256 TEXT NOT NULL,
    published_at TEXT,
    view_count INTEGER,
    stored_by_run TEXT NOT NULL DEFAULT '',
    first_stored TEXT NOT NULL,
    last_stored TEXT NOT NULL,
    last_checked TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS emitted_keys (digest BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS captures (
    canonical TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    original TEXT NOT NULL,
    statuscode INTEGER,
    mimetype TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (original, timestamp)
);
CREATE TABLE IF NOT EXISTS outputs (name TEXT PRIMARY KEY, committed INTEGER NOT NULL);
"""


def key_digest(key: str) -> bytes:
    """What the state keeps of a written record's key: 16 bytes of BLAKE2b (a chance of a collision
    below 10^-20 for a billion records). A key such as ``related|<url>|<version>|<digest>`` is 150-300
    bytes; with its digest the written-keys B-tree is a tenth of the size: fewer pages to read and
    write at each lookup and insert."""
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a state written by an earlier version up to this schema (in one transaction)."""
    old = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'emitted'").fetchone()
    if old is None:
        return
    # the written keys were kept whole: keep their digests instead
    db.create_function("badinh_key_digest", 1, key_digest, deterministic=True)
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("INSERT OR IGNORE INTO emitted_keys (digest) SELECT badinh_key_digest(key) FROM emitted")
        db.execute("DROP TABLE emitted")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def now_iso() -> str:
    """The current time, ISO 8601 with the portal's +07:00 offset."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).isoformat(timespec="seconds")


@dataclass(frozen=True)
class FrontierEntry:
    key: str
    method: str
    url: str
    body: str
    kind: str


@dataclass(frozen=True)
class ArticleState:
    url: str
    version_sha256: str
    published_at: str | None
    view_count: int | None
    #: the run that wrote this version
    stored_by_run: str = ""


@dataclass(frozen=True)
class Reconciled:
    """What opening the output directory repaired."""

    name: str
    cut_bytes: int


class CrawlState:
    """The SQLite state of one output directory (or ``":memory:"`` for a stateless crawl).

    ``commit_interval``: a finished page commits the open group of writes once it is that many
    seconds old (0: every finished page commits)."""

    def __init__(self, path: Path | str, *, commit_interval: float = 0.0) -> None:
        self.path = str(path)
        self.commit_interval = commit_interval
        self._group_opened = 0.0
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if self.path != ":memory:":
            # WAL + NORMAL: a commit survives a killed process (it is in the OS cache); fsync at close
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        _migrate(self.db)
        self.run_id = ""
        #: the error that made a commit fail; from then on writes are dropped (see the module docstring)
        self.failed: BaseException | None = None
        self._rollback_callbacks: list[Callable[[BaseException], None]] = []

    # --- runs ---------------------------------------------------------------------------------
    def interrupted_run(self) -> str | None:
        """The newest run that never finished (killed or crashed), if any."""
        row = self.db.execute("SELECT run_id FROM runs WHERE status = 'running' ORDER BY started_at DESC LIMIT 1").fetchone()
        return str(row[0]) if row else None

    def start_run(self, *, resume: bool) -> tuple[str, bool]:
        """Begin a run, or continue the interrupted one when ``resume``. Returns (run_id, resumed)."""
        old = self.interrupted_run()
        with self._tx(commit=True):
            if resume and old is not None:
                self.run_id = old
                self.db.execute("UPDATE runs SET resumes = resumes + 1 WHERE run_id = ?", (old,))
                return old, True
            if old is not None:
                self.db.execute("UPDATE runs SET status = 'interrupted', finished_at = ? WHERE run_id = ?", (now_iso(), old))
            self.run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
            self.db.execute("DELETE FROM frontier")
            self.db.execute("DELETE FROM captures")
            self.db.execute("INSERT INTO runs (run_id, started_at) VALUES (?, ?)", (self.run_id, now_iso()))
            return self.run_id, False

    def finish_run(self, status: str) -> None:
        if self.failed is not None:
            return  # stays "running": a --resume continues from the last commit
        with self._tx(commit=True):
            self.db.execute("UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?", (status, now_iso(), self.run_id))

    # --- frontier -------------------------------------------------------------------------------
    def enqueue(self, entry: FrontierEntry) -> bool:
        """Remember a request of this run; False when it was already known (fetched or queued)."""
        if self.failed is not None:
            return False
        with self._tx():
            cur = self.db.execute(
                "INSERT OR IGNORE INTO frontier (key, run_id, method, url, body, kind) VALUES (?, ?, ?, ?, ?, ?)",
                (entry.key, self.run_id, entry.method, entry.url, entry.body, entry.kind),
            )
        return cur.rowcount == 1

    def mark(self, key: str, status: str, detail: str | None = None) -> None:
        """``status`` is done, failed or skipped; inserts the key when it was not queued (a redirect target).

        A finished page (any status but pending) commits the group, when due: its records are in it."""
        if self.failed is not None:
            return
        with self._tx(page_finished=status != "pending"):
            self.db.execute(
                "INSERT INTO frontier (key, run_id, method, url, kind, status, detail) VALUES (?, ?, 'GET', ?, 'page', ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET status = excluded.status, detail = excluded.detail",
                (key, self.run_id, key.partition(" ")[2], status, detail),
            )

    def is_finished(self, key: str) -> bool:
        row = self.db.execute("SELECT status FROM frontier WHERE key = ?", (key,)).fetchone()
        return row is not None and row[0] != "pending"

    def pending(self) -> Iterator[FrontierEntry]:
        """Requests of this run that were queued but never finished (to continue after a kill)."""
        rows = self.db.execute(
            "SELECT key, method, url, body, kind FROM frontier WHERE run_id = ? AND status = 'pending' ORDER BY rowid",
            (self.run_id,),
        ).fetchall()
        for key, method, url, body, kind in rows:
            yield FrontierEntry(key, method, url, body, kind)

    def pending_of_kind(self, kind: str) -> int:
        row = self.db.execute("SELECT COUNT(*) FROM frontier WHERE status = 'pending' AND kind = ?", (kind,)).fetchone()
        return int(row[0])

    # --- Wayback captures listed in this run ------------------------------------------------------
    def add_captures(self, rows: Iterable[tuple[str, str, str, int | None, str, str]]) -> None:
        if self.failed is not None:
            return
        with self._tx(commit=True):
            self.db.executemany("INSERT OR IGNORE INTO captures VALUES (?, ?, ?, ?, ?, ?)", list(rows))

    def captures(self) -> list[tuple[str, str, str, int | None, str, str]]:
        """(canonical, timestamp, original, statuscode, mimetype, digest) of every listed capture."""
        return [tuple(row) for row in self.db.execute("SELECT * FROM captures ORDER BY canonical, timestamp")]  # type: ignore[misc]

    def frontier_counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT status, COUNT(*) FROM frontier WHERE run_id = ? GROUP BY status", (self.run_id,))
        return {str(status): int(n) for status, n in rows}

    # --- articles already stored -------------------------------------------------------------
    def article(self, url: str) -> ArticleState | None:
        query = "SELECT url, version_sha256, published_at, view_count, stored_by_run FROM articles WHERE url = ?"
        row = self.db.execute(query, (url,)).fetchone()
        return ArticleState(*row) if row else None

    def article_checked(self, url: str, view_count: int | None) -> None:
        if self.failed is not None:
            return
        with self._tx():
            self.db.execute("UPDATE articles SET last_checked = ?, view_count = ? WHERE url = ?", (now_iso(), view_count, url))

    def stored_articles(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    # --- written records ------------------------------------------------------------------------
    def was_emitted(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM emitted_keys WHERE digest = ?", (key_digest(key),)).fetchone() is not None

    def committed_size(self, name: str) -> int:
        row = self.db.execute("SELECT committed FROM outputs WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else 0

    def commit_record(self, key: str, name: str, size: int, article: ArticleState | None = None) -> None:
        """After a line was appended to ``name`` (now ``size`` bytes long): remember it, atomically, in
        the open group (committed with the next finished page). Raises once the state has failed."""
        self.check_writable()
        with self._tx():
            self.db.execute("INSERT OR IGNORE INTO emitted_keys (digest) VALUES (?)", (key_digest(key),))
            self.db.execute(
                "INSERT INTO outputs (name, committed) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET committed = excluded.committed",
                (name, size),
            )
            if article is not None:
                stamp = now_iso()
                self.db.execute(
                    "INSERT INTO articles (url, version_sha256, published_at, view_count, stored_by_run, first_stored, "
                    "last_stored, last_checked) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(url) DO UPDATE SET version_sha256 = excluded.version_sha256, "
                    "stored_by_run = excluded.stored_by_run, "
                    "published_at = excluded.published_at, view_count = excluded.view_count, "
                    "last_stored = excluded.last_stored, last_checked = excluded.last_checked",
                    (
                        article.url,
                        article.version_sha256,
                        article.published_at,
                        article.view_count,
                        self.run_id,
                        stamp,
                        stamp,
                        stamp,
                    ),
                )

    def reconcile(self, directory: Path, names: list[str]) -> list[Reconciled]:
        """Cut every output file back to its committed size (an unfinished write of a killed run)."""
        repaired: list[Reconciled] = []
        for name in names:
            path = directory / name
            committed = self.committed_size(name)
            if not path.exists():
                continue
            size = path.stat().st_size
            if size > committed:
                with path.open("r+b") as fh:
                    fh.truncate(committed)
                    fh.flush()
                    os.fsync(fh.fileno())
                repaired.append(Reconciled(name, size - committed))
            elif size < committed:
                # the file was shortened by hand: trust it, and write after what is there
                with self._tx(commit=True):
                    self.db.execute("UPDATE outputs SET committed = ? WHERE name = ?", (size, name))
                repaired.append(Reconciled(name, size - committed))
        return repaired

    def close(self) -> None:
        """Commit the open group (unless a commit failed), checkpoint and close."""
        try:
            if self.failed is None:
                self.commit()
                if self.path != ":memory:":
                    self.db.execute("PRAGMA wal_checkpoint(FULL)")
        finally:
            self.db.close()

    # --- groups of writes ------------------------------------------------------------------------
    def commit(self) -> None:
        """Commit the open group now (there is none after a failure)."""
        if self.failed is None and self.db.in_transaction:
            try:
                self.db.execute("COMMIT")
            except BaseException as exc:
                self._roll_back(exc)
                raise

    def check_writable(self) -> None:
        """Raise when a commit failed: nothing more may be written in this process."""
        if self.failed is not None:
            raise sqlite3.OperationalError(f"the state takes no more writes after a failed commit: {self.failed}")

    def on_rollback(self, callback: Callable[[BaseException], None]) -> None:
        """Call ``callback(error)`` when a group is rolled back (a failed write or commit)."""
        self._rollback_callbacks.append(callback)

    def _roll_back(self, exc: BaseException) -> None:
        if self.failed is None:
            self.failed = exc
        try:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # SQLite may have rolled back by itself (disk full); closing discards the rest
        for callback in self._rollback_callbacks:
            callback(exc)

    def _tx(self, *, commit: bool = False, page_finished: bool = False) -> _Unit:
        """Statements that belong together: they join the open group (opened if none), committed at
        the end when ``commit``, or when ``page_finished`` and the group is ``commit_interval`` old;
        an error in them rolls the whole group back and stops all writes."""
        return _Unit(self, commit, page_finished)


class _Unit:
    __slots__ = ("commit", "page_finished", "state")

    def __init__(self, state: CrawlState, commit: bool, page_finished: bool) -> None:
        self.state = state
        self.commit = commit
        self.page_finished = page_finished

    def __enter__(self) -> None:
        state = self.state
        if not state.db.in_transaction:
            try:
                state.db.execute("BEGIN IMMEDIATE")
            except BaseException as exc:
                state._roll_back(exc)
                raise
            state._group_opened = time.monotonic()

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        state = self.state
        if exc is not None:
            state._roll_back(exc)
        elif self.commit or (self.page_finished and time.monotonic() - state._group_opened >= state.commit_interval):
            state.commit()
