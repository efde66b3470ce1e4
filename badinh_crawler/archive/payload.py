"""An HTTP payload as stored in an archive, decoded: chunking and Content-Encoding undone.

Archives store what came over the wire (Heritrix, wget: chunked and gzipped) or what a browser
handed over (Browsertrix: already decoded, sometimes with the original headers kept). A step that
does not apply (a body that is not chunked or not compressed after all) leaves the bytes as they are,
as warcio does."""

from __future__ import annotations

import re
import zlib

_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]+")


def decode_payload(raw: bytes, *, transfer_encoding: str | None, content_encoding: str | None) -> bytes:
    """``raw`` with the transfer coding (chunked) and then the content codings undone, last applied first."""
    data = raw
    if transfer_encoding and "chunked" in transfer_encoding.lower():
        data = dechunk(data)
    if content_encoding:
        for coding in reversed([c.strip().lower() for c in content_encoding.split(",") if c.strip()]):
            data = decompress(data, coding)
    return data


def dechunk(data: bytes) -> bytes:
    """The body of a chunked transfer coding; ``data`` unchanged when it is not chunked. A body cut
    short keeps the chunks that are whole, plus what there is of the last one."""
    out: list[bytes] = []
    pos = 0
    while pos < len(data):
        eol = data.find(b"\n", pos)
        if eol < 0:
            break
        size_text = data[pos:eol].split(b";", 1)[0].strip()
        if not _CHUNK_SIZE.fullmatch(size_text):
            return data if not out else b"".join(out)
        size = int(size_text, 16)
        if size == 0:
            return b"".join(out)
        start = eol + 1
        out.append(data[start : start + size])
        pos = start + size
        if data[pos : pos + 2] == b"\r\n":
            pos += 2
        elif data[pos : pos + 1] == b"\n":
            pos += 1
    return b"".join(out) if out else data


def decompress(data: bytes, coding: str) -> bytes:
    """``data`` decoded from one content coding; unchanged when the coding is unknown, ``identity``,
    or the bytes are not encoded that way (decoded already by the archiving tool)."""
    if coding in ("gzip", "x-gzip"):
        return _zlib(data, 16 + zlib.MAX_WBITS)
    if coding == "deflate":
        decoded = _zlib(data, zlib.MAX_WBITS)
        return decoded if decoded is not data else _zlib(data, -zlib.MAX_WBITS)
    if coding == "br":
        try:
            import brotli  # type: ignore[import-not-found]
        except ImportError:
            return data
        try:
            result: bytes = brotli.decompress(data)
        except Exception:
            return data
        return result
    return data


def _zlib(data: bytes, wbits: int) -> bytes:
    decompressor = zlib.decompressobj(wbits)
    try:
        out = decompressor.decompress(data)
        out += decompressor.flush()
    except zlib.error:
        return data
    return out
