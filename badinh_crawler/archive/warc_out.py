"""WARC 1.1 output of a crawl: a ``request`` and a ``response`` record per fetch, gzip per record.

>>> with WarcWriter("out/warc") as warc:  # doctest: +SKIP
...     record_id = warc.write_exchange(url, "GET", req_headers, b"", 200, "OK", resp_headers, body,
...                                     fetched_at=now)

Fidelity: a crawler hands over the body decoded (Scrapy undoes gzip/deflate/br and chunking, and
drops the Content-Encoding header it undid). The records store that body as the payload and keep
the HTTP headers true to it: ``Transfer-Encoding`` becomes ``X-Original-Transfer-Encoding``,
``Content-Encoding`` (when the body was decoded) becomes ``X-Original-Content-Encoding``, and
``Content-Length`` is the stored length (the served value kept as ``X-Original-Content-Length`` when it
differs). WARC-Block-Digest and WARC-Payload-Digest are computed on the bytes stored.

Crash safety: each exchange (both records, each its own gzip member) reaches the file in one write,
so a killed process leaves whole members, at worst plus one partial exchange at the end;
``WarcWriter(..., append=True)`` (or :func:`repair`) cuts that tail before writing on."""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import re
import socket
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .. import __version__

__all__ = ["WarcWriter", "complete_length", "repair"]

#: headers as Scrapy has them (bytes name -> list of bytes values), a plain dict, or (name, value) pairs
Headers = Mapping[Any, Any] | Iterable[tuple[Any, Any]]

_CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
_SERIAL = re.compile(r"-(\d{5,})\.warc\.gz$")


class WarcWriter:
    """Rolling WARC 1.1 files ``<prefix>-<UTC timestamp>-<serial>.warc.gz`` in ``directory``, each
    opening with a ``warcinfo`` record; a new file starts before an exchange would take the current
    one past ``max_bytes``. Serial numbers continue those already in the directory."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        max_bytes: int = 1_000_000_000,
        software: str = f"badinh-crawler/{__version__}",
        operator: str | None = None,
        prefix: str = "badinh",
        info: Mapping[str, str] | None = None,
        append: bool = False,
        fsync: bool = False,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.software = software
        self.operator = operator
        self.prefix = prefix
        self.info = dict(info or {})
        self.fsync = fsync
        #: every file this writer wrote to, in order
        self.paths: list[Path] = []
        self._fh: io.BufferedWriter | None = None
        self._size = 0
        self._warcinfo_size = 0
        self._warcinfo_id = ""
        self._serial = self._last_serial()
        if append:
            self._reopen_last()

    # --- public --------------------------------------------------------------------------------

    @property
    def current(self) -> Path | None:
        """The file being written, or None before the first exchange and after :meth:`close`."""
        return self.paths[-1] if self._fh is not None else None

    def write_exchange(
        self,
        url: str,
        method: str,
        request_headers: Headers,
        request_body: bytes | None,
        status: int,
        reason: str,
        response_headers: Headers,
        body: bytes,
        *,
        fetched_at: dt.datetime | str,
        body_decoded: bool = True,
        original_content_encoding: str | None = None,
        protocol: str = "HTTP/1.1",
        ip_address: str | None = None,
    ) -> str:
        """Write one fetch as a ``response`` record and a ``request`` record (WARC-Concurrent-To the
        response); returns the response's WARC-Record-ID (``<urn:uuid:...>``).

        ``body`` is stored as given. ``body_decoded`` (the default, as Scrapy hands bodies over) says it
        carries none of the content codings named in ``response_headers``: their Content-Encoding is then
        kept only as ``X-Original-Content-Encoding``; pass False when the body is still encoded as the
        headers say (Scrapy leaves an encoding it cannot undo in the headers). ``original_content_encoding``
        records an encoding undone before the headers reached you (Scrapy deletes that header)."""
        resp_headers = _fidelity(_pairs(response_headers), body, body_decoded, original_content_encoding)
        exchange = _Exchange(
            url=url,
            date=_warc_date(fetched_at),
            protocol=protocol,
            ip_address=ip_address,
            response=StatusAndHeaders(f"{int(status)} {reason or ''}".rstrip(), resp_headers, protocol=protocol),
            body=body,
            request=StatusAndHeaders(
                f"{method.upper()} {_request_target(url)} {protocol}",
                _request_headers(url, request_headers, request_body or b""),
                is_http_request=True,
            ),
            request_body=request_body or b"",
        )
        data, record_id = exchange.build(self._warcinfo_id)
        if self._fh is None or (self._size + len(data) > self.max_bytes and self._size > self._warcinfo_size):
            self.close()
            self._open_new()
            data, record_id = exchange.build(self._warcinfo_id)  # again, naming the new file's warcinfo
        self._write_raw(data)
        return record_id

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # --- files ---------------------------------------------------------------------------------

    def _open_new(self) -> None:
        self._serial += 1
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        path = self.directory / f"{self.prefix}-{stamp}-{self._serial:05d}.warc.gz"
        self._fh = open(path, "xb")
        self.paths.append(path)
        self._size = 0
        self._write_warcinfo(path.name)

    def _write_warcinfo(self, filename: str) -> None:
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        fields: dict[str, str] = {"software": self.software, "format": "WARC File Format 1.1", "conformsTo": _CONFORMS_TO}
        if self.operator:
            fields["operator"] = self.operator
        fields["hostname"] = socket.gethostname()
        fields.update(self.info)
        record = writer.create_warcinfo_record(filename, fields)
        self._warcinfo_id = str(record.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(record)
        self._warcinfo_size = 0
        self._write_raw(out.getvalue())
        self._warcinfo_size = self._size

    def _write_raw(self, data: bytes) -> None:
        """One write per exchange: a crash leaves whole gzip members, plus at most one partial tail."""
        assert self._fh is not None
        self._fh.write(data)
        self._fh.flush()
        if self.fsync:
            os.fsync(self._fh.fileno())
        self._size += len(data)

    def _last_serial(self) -> int:
        serials = [int(m.group(1)) for p in self.directory.glob(f"{self.prefix}-*.warc.gz") if (m := _SERIAL.search(p.name))]
        return max(serials, default=0)

    def _reopen_last(self) -> None:
        """Continue the newest file of the directory, cut back to its last whole record."""
        files = sorted(
            (p for p in self.directory.glob(f"{self.prefix}-*.warc.gz") if _SERIAL.search(p.name)),
            key=lambda p: int(_SERIAL.search(p.name).group(1)),  # type: ignore[union-attr]
        )
        if not files:
            return
        last = files[-1]
        repair(last)
        size = last.stat().st_size
        if size >= self.max_bytes:
            return
        self._fh = open(last, "ab")
        self.paths.append(last)
        self._size = size
        if size == 0:
            self._write_warcinfo(last.name)
            return
        self._warcinfo_size = size  # never roll an appended file before writing to it
        with open(last, "rb") as fh:
            first = next(iter(ArchiveIterator(fh)), None)
            if first is not None and first.rec_type == "warcinfo":
                self._warcinfo_id = str(first.rec_headers.get_header("WARC-Record-ID"))


@dataclass
class _Exchange:
    url: str
    date: str
    protocol: str
    ip_address: str | None
    response: StatusAndHeaders
    body: bytes
    request: StatusAndHeaders
    request_body: bytes

    def build(self, warcinfo_id: str) -> tuple[bytes, str]:
        """Both records as two gzip members, and the response's WARC-Record-ID."""
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        common = {"WARC-Date": self.date}
        if warcinfo_id:
            common["WARC-Warcinfo-ID"] = warcinfo_id
        response_fields = dict(common)
        if self.ip_address:
            response_fields["WARC-IP-Address"] = self.ip_address
        response = writer.create_warc_record(
            self.url,
            "response",
            payload=io.BytesIO(self.body),
            length=len(self.body),
            http_headers=copy.deepcopy(self.response),
            warc_headers_dict=response_fields,
        )
        record_id = str(response.rec_headers.get_header("WARC-Record-ID"))
        request = writer.create_warc_record(
            self.url,
            "request",
            payload=io.BytesIO(self.request_body),
            length=len(self.request_body),
            http_headers=copy.deepcopy(self.request),
            warc_headers_dict={**common, "WARC-Concurrent-To": record_id},
        )
        writer.write_record(response)
        writer.write_record(request)
        return out.getvalue(), record_id


def complete_length(path: str | os.PathLike[str]) -> int:
    """How many leading bytes of the gzip file at ``path`` are whole gzip members."""
    good = 0
    pos = 0
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            data = chunk
            while data:
                try:
                    decompressor.decompress(data)
                except zlib.error:
                    return good
                if not decompressor.eof:
                    pos += len(data)
                    break
                rest = decompressor.unused_data
                pos += len(data) - len(rest)
                good = pos
                data = rest
                decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return good


def repair(path: str | os.PathLike[str]) -> int:
    """Cut a trailing partial gzip member (a write cut short by a crash) off the file at ``path``;
    returns how many bytes were cut."""
    size = os.path.getsize(path)
    good = complete_length(path)
    if good < size:
        os.truncate(path, good)
    return size - good


# --- headers -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    items: Iterable[tuple[Any, Any]] = headers.items() if isinstance(headers, Mapping) else headers
    out: list[tuple[str, str]] = []
    for name, value in items:
        values = value if isinstance(value, list | tuple) else [value]
        out.extend((_text(name), _text(v)) for v in values)
    return out


def _fidelity(
    headers: list[tuple[str, str]], body: bytes, body_decoded: bool, original_encoding: str | None
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    length = str(len(body))
    for name, value in headers:
        low = name.lower()
        if low == "transfer-encoding":
            out.append(("X-Original-Transfer-Encoding", value))
        elif low == "content-encoding" and body_decoded:
            out.append(("X-Original-Content-Encoding", value))
        elif low == "content-length":
            if value.strip() != length:
                out.append(("X-Original-Content-Length", value))
        else:
            out.append((name, value))
    if original_encoding and not any(n == "X-Original-Content-Encoding" for n, _ in out):
        out.append(("X-Original-Content-Encoding", original_encoding))
    out.append(("Content-Length", length))
    return out


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _request_headers(url: str, headers: Headers, body: bytes) -> list[tuple[str, str]]:
    pairs = [(n, v) for n, v in _pairs(headers) if n.lower() != "content-length"]
    if not any(n.lower() == "host" for n, _ in pairs):
        pairs.insert(0, ("Host", urlsplit(url).netloc))
    if body:
        pairs.append(("Content-Length", str(len(body))))
    return pairs


def _warc_date(moment: dt.datetime | str) -> str:
    value = dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    micros = f".{value.microsecond:06d}" if value.microsecond else ""
    return value.strftime("%Y-%m-%dT%H:%M:%S") + micros + "Z"
