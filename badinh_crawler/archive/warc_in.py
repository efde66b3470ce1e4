"""HTML pages out of WARC and WACZ files, with where each came from.

>>> for page in iter_pages("crawl.warc.gz"):  # doctest: +SKIP
...     page.url, page.status, page.provenance["offset"]

Reads ``.warc``, ``.warc.gz`` (one gzip member per record, as every archiving tool writes them) and
``.wacz`` (a zip holding ``archive/*.warc[.gz]``), whatever wrote them: Browsertrix, Heritrix, wget,
this project. A page is a ``response`` record with HTTP status 200 and an HTML content type, or a
``revisit`` record whose original is such a response earlier in the same input. Damaged parts of a
file are reported as :class:`ArchiveProblem` and skipped; the records before and after them are read."""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from ..batch import WorkerDied, ordered_map
from ..extract import ParseError, extract_page
from ..urls import is_asset, is_attachment
from ._scan import Damage, ScannedRecord, scan
from .errors import ArchiveError, ArchiveProblem
from .payload import decode_payload
from .times import parse_warc_date, portal_time

__all__ = ["ArchiveError", "ArchiveProblem", "ArchivedPage", "ExtractedPage", "extract_warc", "iter_entries", "iter_pages"]

logger = logging.getLogger(__name__)

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class ArchivedPage:
    """One archived HTML page: its URL (WARC-Target-URI), the decoded payload, the HTTP Content-Type
    and status it was served with, and ``provenance``: ``{"source": "warc", "file", "offset",
    "record_id", "target_uri", "warc_date"}`` (plus ``member``, the WARC inside a WACZ, and
    ``revisit_of``: ``{"record_id", "offset"}`` for a page read through a revisit record)."""

    url: str
    body: bytes
    content_type: str | None
    status: int
    provenance: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExtractedPage:
    """The records of one archived page, each stamped with its ``provenance``."""

    page: ArchivedPage
    records: list[dict[str, Any]]
    warnings: list[str]


Opener = Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True)
class _Origin:
    offset: int
    index: int
    record_id: str


def iter_pages(
    path: str | os.PathLike[str], *, on_problem: Callable[[ArchiveProblem], None] | None = None
) -> Iterator[ArchivedPage]:
    """Every HTML page of the archive at ``path``. Problems go to ``on_problem`` (default: logged as
    warnings). Raises :class:`ArchiveError` when the file cannot be read as an archive at all."""
    for entry in iter_entries(path):
        if isinstance(entry, ArchiveProblem):
            if on_problem is not None:
                on_problem(entry)
            else:
                logger.warning("%s", entry)
        else:
            yield entry


def iter_entries(path: str | os.PathLike[str]) -> Iterator[ArchivedPage | ArchiveProblem]:
    """Pages and problems of the archive at ``path``, in file order."""
    name = os.fspath(path)
    for member, opener in _inputs(name):
        yield from _stream_entries(name, member, opener)


def extract_warc(
    path: str | os.PathLike[str], *, run_id: str | None = None, jobs: int = 1
) -> Iterator[ExtractedPage | ArchiveProblem]:
    """Each page of the archive through :func:`~badinh_crawler.extract.extract_page`, its records
    carrying ``provenance`` = ``{"source": "warc", "fetched_url": target URI, "fetched_at": WARC-Date
    (ISO 8601, +07:00), "http_status", "archive": page.provenance}`` (and ``run_id`` when given).
    A page the extractor cannot read is an :class:`ArchiveProblem` of kind ``unparsable`` or ``extraction``.

    ``jobs``: pages are extracted by that many worker processes (:mod:`badinh_crawler.batch`) while
    this one reads the archive; the entries come out the same, in file order. Raises
    :class:`ArchiveError` when a worker process dies (the entries before it were yielded). A script
    that asks for ``jobs`` keeps its top-level code under ``if __name__ == "__main__":``."""
    if jobs <= 1:
        for entry in iter_entries(path):
            if isinstance(entry, ArchiveProblem):
                yield entry
                continue
            yield from _extract_one(entry, run_id)
        return
    try:
        for entry, extracted in ordered_map(partial(_extract_remote, run_id=run_id), iter_entries(path), jobs):
            if isinstance(entry, ArchiveProblem):
                yield entry
            elif isinstance(extracted, ArchiveProblem):
                yield extracted
            elif extracted is not None:
                records, warnings = extracted
                yield ExtractedPage(entry, records, warnings)
    except WorkerDied as exc:
        first = exc.first
        where = f" at offset {first.provenance.get('offset')} ({first.url})" if isinstance(first, ArchivedPage) else ""
        rest = "the rest of the archive was not extracted"
        raise ArchiveError(f"{exc}, extracting the page{where} or one of the {exc.pending - 1} after it; {rest}") from exc


def _extract_remote(
    entry: ArchivedPage | ArchiveProblem, run_id: str | None
) -> ArchiveProblem | tuple[list[dict[str, Any]], list[str]] | None:
    """:func:`_extract_one` in a worker process: the page's records and warnings, without the page
    (the reading process has it), or its problem."""
    if isinstance(entry, ArchiveProblem):
        return None
    for done in _extract_one(entry, run_id):
        if isinstance(done, ArchiveProblem):
            return done
        return done.records, done.warnings
    return None


def page_provenance(page: ArchivedPage, *, run_id: str | None = None) -> dict[str, Any]:
    """The ``provenance`` object of the records extracted from ``page``."""
    provenance: dict[str, Any] = {
        "source": "warc",
        "fetched_url": page.url,
        "fetched_at": _fetched_at(page),
        "http_status": page.status,
    }
    if run_id is not None:
        provenance["run_id"] = run_id
    provenance["archive"] = page.provenance
    return provenance


def _extract_one(page: ArchivedPage, run_id: str | None) -> Iterator[ExtractedPage | ArchiveProblem]:
    provenance = page_provenance(page, run_id=run_id)
    where = _display(page.provenance)
    offset = page.provenance.get("offset")
    try:
        result = extract_page(page.body, page.url, content_type=page.content_type, observed_at=provenance["fetched_at"])
    except ParseError as exc:
        yield ArchiveProblem(where, offset, "unparsable", f"{page.url}: not a readable HTML page: {exc}")
        return
    except Exception as exc:  # an extractor bug must not stop the archive: name the page, go on
        yield ArchiveProblem(where, offset, "extraction", f"{page.url}: extraction failed: {type(exc).__name__}: {exc}")
        return
    records = []
    for record in result.records():
        item: dict[str, Any] = dict(record)
        item["provenance"] = provenance
        records.append(item)
    yield ExtractedPage(page, records, list(result.warnings))


def _fetched_at(page: ArchivedPage) -> str | None:
    date = page.provenance.get("warc_date")
    if not date:
        return None
    try:
        return portal_time(parse_warc_date(str(date)))
    except ValueError:
        return str(date)


def _display(provenance: dict[str, Any]) -> str:
    member = provenance.get("member")
    return f"{provenance.get('file')}#{member}" if member else str(provenance.get("file"))


# --- inputs ------------------------------------------------------------------------------------


def _inputs(name: str) -> Iterator[tuple[str | None, Opener]]:
    """(WACZ member or None, a way to open it) for each WARC stream of the input."""
    try:
        with open(name, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ArchiveError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    if magic != b"PK\x03\x04":
        yield None, lambda: open(name, "rb")
        return
    try:
        with zipfile.ZipFile(name) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith((".warc", ".warc.gz"))]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{name}: not a readable WACZ (zip) file: {exc}") from exc
    preferred = [n for n in names if n.startswith("archive/")] or names
    if not preferred:
        raise ArchiveError(f"{name}: a zip file without WARC files (a WACZ holds archive/*.warc.gz)")
    for member in sorted(preferred):
        yield member, _zip_opener(name, member)


def _zip_opener(name: str, member: str) -> Opener:
    @contextmanager
    def open_member() -> Iterator[IO[bytes]]:
        with zipfile.ZipFile(name) as zf, zf.open(member) as fh:
            yield fh

    return open_member


# --- records -----------------------------------------------------------------------------------


def _stream_entries(name: str, member: str | None, opener: Opener) -> Iterator[ArchivedPage | ArchiveProblem]:
    where = f"{name}#{member}" if member else name
    index: dict[str, _Origin] = {}
    seen_record = False
    with opener() as fh:
        for item in scan(fh, _wants_payload):
            if isinstance(item, Damage):
                if not seen_record and item.offset == 0 and item.resumed_at is None:
                    raise ArchiveError(f"{where}: not a WARC file, or unreadable from its start: {item.message}")
                yield _damage_problem(where, item)
                continue
            seen_record = True
            entry = _entry(name, member, opener, item, index)
            if entry is not None:
                yield entry


def _damage_problem(where: str, damage: Damage) -> ArchiveProblem:
    if damage.resumed_at is None:
        tail = "skipped to the end of the file"
    else:
        tail = f"{damage.resumed_at - damage.offset} bytes skipped, reading resumed at offset {damage.resumed_at}"
    return ArchiveProblem(where, damage.offset, "damaged", f"damaged record: {damage.message} ({tail})")


def _wants_payload(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    if _status(record.http_headers) != 200:
        return False
    content_type = record.http_headers.get_header("Content-Type")
    if content_type:
        return _is_html_type(content_type)
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    return not (is_asset(uri) or is_attachment(uri))  # no Content-Type: decided by sniffing the body


def _entry(
    name: str, member: str | None, opener: Opener, item: ScannedRecord, index: dict[str, _Origin]
) -> ArchivedPage | ArchiveProblem | None:
    record = item.record
    if record.rec_type == "response" and item.payload is not None:
        page = _response_page(name, member, item)
        if page is not None:
            _remember(index, item, page)
        return page
    if record.rec_type == "revisit":
        return _revisit_page(name, member, opener, item, index)
    return None


def _response_page(name: str, member: str | None, item: ScannedRecord) -> ArchivedPage | None:
    headers = item.record.http_headers
    assert item.payload is not None
    body = decode_payload(
        item.payload,
        transfer_encoding=headers.get_header("Transfer-Encoding"),
        content_encoding=headers.get_header("Content-Encoding"),
    )
    content_type = headers.get_header("Content-Type")
    if not content_type and not _sniff_html(body):
        return None
    return ArchivedPage(_target(item.record), body, content_type, 200, _provenance(name, member, item))


def _remember(index: dict[str, _Origin], item: ScannedRecord, page: ArchivedPage) -> None:
    headers = item.record.rec_headers
    origin = _Origin(item.offset, item.index, page.provenance["record_id"])
    index[f"id {origin.record_id}"] = origin
    digest = headers.get_header("WARC-Payload-Digest")
    if digest:
        index[f"digest {digest}"] = origin
    index[f"at {page.url} {headers.get_header('WARC-Date')}"] = origin


def _revisit_page(
    name: str, member: str | None, opener: Opener, item: ScannedRecord, index: dict[str, _Origin]
) -> ArchivedPage | ArchiveProblem | None:
    record = item.record
    headers = record.http_headers
    status = _status(headers) if headers is not None else None
    content_type = headers.get_header("Content-Type") if headers is not None else None
    if status not in (None, 200, 304) or (content_type and not _is_html_type(content_type)):
        return None
    target = _target(record)
    rec = record.rec_headers
    keys = [
        f"id {rec.get_header('WARC-Refers-To')}",
        f"digest {rec.get_header('WARC-Payload-Digest')}",
        f"at {rec.get_header('WARC-Refers-To-Target-URI') or target} {rec.get_header('WARC-Refers-To-Date')}",
    ]
    origin = next((index[k] for k in keys if k in index), None)
    if origin is None:
        if content_type is None and (is_asset(target) or is_attachment(target)):
            return None
        where = f"{name}#{member}" if member else name
        return ArchiveProblem(
            where, item.offset, "revisit", f"revisit of {target} skipped: its original record is not in this archive"
        )
    original_headers, payload = _load(opener, origin)
    body = decode_payload(
        payload,
        transfer_encoding=original_headers.get_header("Transfer-Encoding"),
        content_encoding=original_headers.get_header("Content-Encoding"),
    )
    provenance = _provenance(name, member, item)
    provenance["revisit_of"] = {"record_id": origin.record_id, "offset": origin.offset}
    return ArchivedPage(target, body, content_type or original_headers.get_header("Content-Type"), 200, provenance)


def _load(opener: Opener, origin: _Origin) -> tuple[Any, bytes]:
    """HTTP headers and raw payload of a record read before (and found whole then)."""
    with opener() as fh:
        fh.seek(origin.offset)
        for n, record in enumerate(ArchiveIterator(fh)):
            if n == origin.index:
                return record.http_headers, record.raw_stream.read()
    raise ArchiveError(f"record {origin.record_id} is no longer at offset {origin.offset}")


def _provenance(name: str, member: str | None, item: ScannedRecord) -> dict[str, Any]:
    rec = item.record.rec_headers
    provenance: dict[str, Any] = {
        "source": "warc",
        "file": name,
        "offset": item.offset,
        "record_id": rec.get_header("WARC-Record-ID"),
        "target_uri": _target(item.record),
        "warc_date": rec.get_header("WARC-Date"),
    }
    if member is not None:
        provenance["member"] = member
    return provenance


def _target(record: Any) -> str:
    return str(record.rec_headers.get_header("WARC-Target-URI") or "")


def _status(headers: Any) -> int | None:
    try:
        return int(headers.get_statuscode())
    except (TypeError, ValueError):
        return None


def _is_html_type(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES


def _sniff_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
