"""Bytes to text: BOM, then the HTTP header's charset, then the page's meta charset, then detection."""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

#: tried in order when nothing is declared (or the declaration is wrong): pages of this portal
#: that are not UTF-8 are Vietnamese Windows pages
FALLBACK_ENCODINGS = ("utf-8", "cp1258")


def _decode(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def decode_html(body: bytes | str, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)``. Never fails: undecodable bytes become U+FFFD as a last resort."""
    text, encoding, _ = decode_html_exact(body, content_type)
    return text, encoding


def decode_html_exact(body: bytes | str, content_type: str | None = None) -> tuple[str, str, bool]:
    """:func:`decode_html`, and whether the text is exactly ``body.decode("utf-8")`` of bytes
    without a byte order mark (the parser may then read the bytes themselves)."""
    if isinstance(body, str):
        return body, "str", False
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        text = _decode(body[len(bom) :], bom_encoding)
        if text is not None:
            return text, codecs.lookup(bom_encoding).name, False
    declared: list[str] = []
    if content_type:
        enc = http_content_type_encoding(content_type)
        if enc:
            declared.append(enc)
    meta = html_body_declared_encoding(body[:8192])
    if meta:
        declared.append(meta)
    utf8 = _decode(body, "utf-8")
    for name in declared:
        enc = resolve_encoding(name) or name
        if utf8 is not None and not body.isascii() and codecs.lookup(enc).name != "utf-8":
            # non-ASCII bytes that form valid UTF-8 are UTF-8 whatever the page claims: text in a
            # single-byte charset practically never does
            return utf8, "utf-8", True
        # (a UTF-8 declaration: the bytes are decoded already)
        if utf8 is not None and _is_utf8(enc):
            return utf8, enc, True
        text = _decode(body, enc)
        if text is not None:
            return text, enc, False
    if utf8 is not None:
        return utf8, "utf-8", True
    for enc in FALLBACK_ENCODINGS[1:]:
        text = _decode(body, enc)
        if text is not None:
            return text, enc, False
    return body.decode("utf-8", errors="replace"), "utf-8", False


#: leading bytes of files that are never a page, whatever their Content-Type says
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"),
)


def binary_kind(body: bytes) -> str | None:
    """What ``body`` is when it is binary data rather than text (served as text/html or not)."""
    head = body[:4096].lstrip()
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if read_bom(head)[0] is None and head.count(b"\x00") > 16:
        return "binary data (NUL bytes)"
    return None
