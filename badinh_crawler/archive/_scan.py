"""Records of one WARC stream, read with warcio, going on past damaged parts.

warcio stops at the first bad byte: a truncated gzip member, garbage between records, a record
shorter than its Content-Length. Here every record is checked once read to its end (digests, length,
the blank lines that must follow it); at a bad part the reader reports :class:`Damage` and starts
again at the next place a record begins (the next gzip member that opens with ``WARC/``, or the
next ``WARC/1.x`` line of an uncompressed file), so the records after it are still read."""

from __future__ import annotations

import contextlib
import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

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
    gz = is_gzip(fh)
    size = fh.seek(0, io.SEEK_END)
    pos = 0
    while pos < size:
        fh.seek(pos)
        it = ArchiveIterator(fh, check_digests=True)
        current: int | None = None
        try:
            for record in it:
                current = it.offset
                yield _read_whole(it, record, current, want_payload)
                current = None
            return
        except Exception as exc:  # warcio raises many kinds: zlib.error, ArchiveLoadFailed, EOFError, _Damaged...
            bad = current if current is not None else max(pos, int(it.offset))
            message = _describe(exc)
        resume = _next_start(fh, bad + 1, gz)
        yield Damage(bad, resume, message)
        if resume is None:
            return
        pos = resume


def _read_whole(it: Any, record: Any, offset: int, want_payload: Callable[[Any], bool]) -> ScannedRecord:
    errors_before = it.err_count
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
    return ScannedRecord(offset, record, payload)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, _Damaged):
        return str(exc)
    text = " ".join(str(exc).split())
    if "non-chunked gzip" in text:
        return "not a gzip member per record (a single gzip stream): recompress it with `warcio recompress`"
    if len(text) > 160:
        text = text[:160] + "..."
    if isinstance(exc, zlib.error):
        return f"corrupt gzip data: {text}"
    if isinstance(exc, EOFError):
        return f"unexpected end of data: {text}" if text else "unexpected end of data"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _next_start(fh: IO[bytes], start: int, gz: bool) -> int | None:
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
        if (at == 0 and base == 0) or (at > 0 and block[at - 1 : at] == b"\n"):
            return base + at
        if at == 0:
            fh.seek(base - 1)
            if fh.read(1) == b"\n":
                return base
    return None


def _opens_warc_member(fh: IO[bytes], offset: int) -> bool:
    fh.seek(offset)
    data = fh.read(4096)
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")
