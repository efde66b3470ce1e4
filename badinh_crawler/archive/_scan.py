"""Records of one WARC stream, read with warcio, going on past damaged parts.

warcio stops at the first bad byte (or, in a gzip file, quietly takes a corrupt member for the end
of the file). Here a gzip file is read member by member, each one inflated and its CRC checked
before warcio parses it, and every record is checked once read to its end (digests, length, the
blank lines that must follow it in an uncompressed file). At a bad part the reader reports
:class:`Damage` and starts again where the next record begins (the next gzip member that opens with
``WARC/``, or the next ``WARC/1.x`` header block of an uncompressed file), so the records after it
are still read. A gzip file that is one stream for all its records is read too."""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, cast

from warcio.archiveiterator import ArchiveIterator

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"WARC/\d\.\d+\r?\n")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Damage:
    """Bytes ``offset`` to ``resumed_at`` (None: the end of the stream) could not be read."""

    offset: int
    resumed_at: int | None
    message: str


@dataclass
class ScannedRecord:
    """A record read to its end and found whole. ``payload`` holds the raw HTTP payload (as stored,
    still content- and transfer-encoded) when the caller asked for it."""

    offset: int
    record: Any  # warcio.recordloader.ArcWarcRecord
    payload: bytes | None
    #: its place in the gzip member at ``offset`` (0 but in files that put several records in one member)
    index: int = 0


class _Damaged(Exception):
    pass


def is_gzip(fh: IO[bytes]) -> bool:
    fh.seek(0)
    head = fh.read(2)
    fh.seek(0)
    return head == _GZIP_MAGIC[:2]


def scan(fh: IO[bytes], want_payload: Callable[[Any], bool]) -> Iterator[ScannedRecord | Damage]:
    """Every whole record of ``fh`` (a seekable binary stream), and every damaged part between them.

    ``want_payload(record)`` says, from its headers, whether to keep a record's raw payload."""
    if is_gzip(fh):
        yield from _scan_gzip(fh, want_payload)
    else:
        yield from _scan_plain(fh, want_payload)


def _scan_plain(fh: IO[bytes], want_payload: Callable[[Any], bool]) -> Iterator[ScannedRecord | Damage]:
    size = fh.seek(0, io.SEEK_END)
    pos = 0
    while pos < size:
        fh.seek(pos)
        it = ArchiveIterator(fh, check_digests=True)
        current: int | None = None
        try:
            for record in it:
                current = it.offset
                yield _read_whole(it, record, current, 0, want_payload)
                current = None
            end = max(pos, int(it.offset))
            if _only_blank(fh, end, size):
                return
            # warcio stops quietly at a record cut short at the end: that is not the end of the data
            bad, message = end, "incomplete or unreadable data where a record should begin (a record cut short?)"
        except Exception as exc:  # warcio raises many kinds: ArchiveLoadFailed, EOFError, ValueError, _Damaged...
            bad = current if current is not None else max(pos, int(it.offset))
            message = _describe(exc)
        resume = _next_start(fh, bad + 1, gz=False)
        yield Damage(bad, resume, message)
        if resume is None:
            return
        pos = resume


def _scan_gzip(fh: IO[bytes], want_payload: Callable[[Any], bool]) -> Iterator[ScannedRecord | Damage]:
    """Member by member: each gzip member is decompressed (and its CRC checked) before warcio parses
    the records it holds, so a bad member costs only itself."""
    size = fh.seek(0, io.SEEK_END)
    pos = 0
    while pos < size:
        fh.seek(pos)
        if fh.read(3) != _GZIP_MAGIC:
            if _only_blank(fh, pos, size):
                return
            resume = _next_start(fh, pos + 1, gz=True)
            yield Damage(pos, resume, "data that is not a gzip member where a record should begin")
            if resume is None:
                return
            pos = resume
        try:
            end, data = _inflate_member(fh, pos)
        except _Damaged as exc:
            resume = _next_start(fh, pos + 1, gz=True)
            yield Damage(pos, resume, str(exc))
            if resume is None:
                return
            pos = resume
            continue
        with data:
            yield from _member_records(data, pos, end, want_payload)
        pos = end


def _inflate_member(fh: IO[bytes], pos: int) -> tuple[int, IO[bytes]]:
    """The end offset and the decompressed bytes (spooled to disk past 16 MiB) of the member at ``pos``."""
    fh.seek(pos)
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = tempfile.SpooledTemporaryFile(max_size=16 << 20)
    consumed = 0
    try:
        while True:
            chunk = fh.read(1 << 16)
            if not chunk:
                raise _Damaged("gzip member cut short: the data ends inside it")
            out.write(decompressor.decompress(chunk))
            if decompressor.eof:
                consumed += len(chunk) - len(decompressor.unused_data)
                out.seek(0)
                return pos + consumed, cast(IO[bytes], out)
            consumed += len(chunk)
    except zlib.error as exc:
        out.close()
        raise _Damaged(f"corrupt gzip data: {exc}") from exc
    except BaseException:
        out.close()
        raise


def _member_records(
    data: IO[bytes], offset: int, end: int, want_payload: Callable[[Any], bool]
) -> Iterator[ScannedRecord | Damage]:
    it = ArchiveIterator(data, check_digests=True)
    try:
        for n, record in enumerate(it):
            yield _read_whole(it, record, offset, n, want_payload)
    except Exception as exc:
        yield Damage(offset, end, _describe(exc))


def _only_blank(fh: IO[bytes], start: int, size: int) -> bool:
    if size - start > 64:
        return False
    fh.seek(start)
    return not fh.read().strip()


def _read_whole(it: Any, record: Any, offset: int, index: int, want_payload: Callable[[Any], bool]) -> ScannedRecord:
    errors_before = it.err_count
    if record.length is None:
        raise _Damaged("record without a readable Content-Length: its header is damaged")
    payload = record.raw_stream.read() if want_payload(record) else None
    # reading to the end checks the digests and consumes the blank lines after the record; warcio
    # writes its "not followed by newline" warning to stderr: it is reported as damage instead
    with contextlib.redirect_stderr(io.StringIO()):
        it.get_record_length()
    missing = int(getattr(record.raw_stream, "limit", 0) or 0)
    if missing > 0:
        raise _Damaged(f"record truncated: {missing} bytes of its Content-Length missing")
    if record.digest_checker is not None and record.digest_checker.passed is False:
        raise _Damaged("digest mismatch: " + "; ".join(str(p) for p in record.digest_checker.problems))
    if it.err_count > errors_before:
        raise _Damaged("record does not end where its Content-Length says")
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not uri.isascii() or any(c <= " " or c == "\x7f" for c in uri):
        raise _Damaged("WARC-Target-URI holds bytes no URI has: the record's header is damaged")
    return ScannedRecord(offset, record, payload, index)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, _Damaged):
        return str(exc)
    text = " ".join(str(exc).split())
    if len(text) > 160:
        text = text[:160] + "..."
    if isinstance(exc, zlib.error):
        return f"corrupt gzip data: {text}"
    if isinstance(exc, EOFError):
        return f"unexpected end of data: {text}" if text else "unexpected end of data"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _next_start(fh: IO[bytes], start: int, *, gz: bool) -> int | None:
    """The first offset at or after ``start`` where a record begins."""
    pos = start
    while True:
        fh.seek(pos)
        block = fh.read(_CHUNK + 16)
        if not block:
            return None
        found = _find_in_block(fh, block, pos, gz)
        if found is not None:
            return found
        if len(block) <= _CHUNK:
            return None
        pos += _CHUNK


def _find_in_block(fh: IO[bytes], block: bytes, base: int, gz: bool) -> int | None:
    if gz:
        at = block.find(_GZIP_MAGIC)
        while 0 <= at < _CHUNK:
            if _opens_warc_member(fh, base + at):
                return base + at
            at = block.find(_GZIP_MAGIC, at + 1)
        return None
    for match in _WARC_LINE.finditer(block):
        at = match.start()
        if at >= _CHUNK:
            return None
        # the record before may have lost its end (and the blank lines after it): no newline required
        # before the version line, but a WARC header block after it
        if _is_warc_header(block[at : at + 8192]):
            return base + at
    return None


def _is_warc_header(data: bytes) -> bool:
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    lines = data[:end].split(b"\r\n")[1:]
    names = {line.split(b":", 1)[0].strip().lower() for line in lines if b":" in line}
    return len(names) == len(lines) and b"warc-type" in names and b"content-length" in names


def _opens_warc_member(fh: IO[bytes], offset: int) -> bool:
    fh.seek(offset)
    data = fh.read(4096)
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")
