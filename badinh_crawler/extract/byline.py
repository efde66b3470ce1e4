"""Author and source outlet: "Tiến Thành - Hanoimoi", "Tác giả: ...", "Nguồn: ...", "Theo ..."."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import markup
from .body import Block

_DASH_BYLINE = re.compile(r"^(?P<author>[^\W\d_][^\n\-–—:|]{1,60}?)\s+[-–—]\s+(?P<source>[^\W\d_][^\n:|]{1,60})$")
_LABEL = re.compile(
    r"(?P<label>"
    + "|".join(re.escape(x) for x in sorted(markup.AUTHOR_LABELS + markup.SOURCE_LABELS, key=len, reverse=True))
    + r")"
    r"\s*[:：]\s*(?P<value>[^|;]{1,80}?)\s*(?=$|\||;|(?:"
    + "|".join(re.escape(x) for x in (*markup.AUTHOR_LABELS, "nguồn"))
    + r")\s*:)",
    re.I,
)
_THEO = re.compile(r"^\(?theo\s+(?P<source>[^\W\d_][^\n:|]{1,60}?)\)?\.?$", re.I)
_NAME = re.compile(r"^(?:[A-ZÀ-ỸĐ][\wÀ-ỹ.]*\s?){1,6}$")


@dataclass
class Byline:
    author: str | None = None
    source: str | None = None
    raw: str | None = None


def _is_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 6 and all(w[:1].isupper() for w in words) and not text.endswith((".", "?", "!"))


def _is_outlet(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 7 and text[:1].isupper() and not text.endswith(("?", "!"))


def parse_byline(text: str) -> Byline | None:
    """Read one short line as a byline, or None when it is not one."""
    text = text.strip()
    if not text or len(text) > 120:
        return None
    found = Byline(raw=text)
    for m in _LABEL.finditer(text):
        label = m.group("label").lower()
        value = m.group("value").strip(" .-–—|")
        if not value:
            continue
        if label in markup.AUTHOR_LABELS and found.author is None:
            found.author = value
        elif label in markup.SOURCE_LABELS and found.source is None:
            found.source = value
    if found.author or found.source:
        return found
    m2 = _THEO.match(text)
    if m2 and _is_outlet(m2.group("source")):
        return Byline(source=m2.group("source").strip(), raw=text)
    m3 = _DASH_BYLINE.match(text)
    if m3:
        author, source = m3.group("author").strip(), m3.group("source").strip(" .")
        if _is_name(author) and _is_outlet(source):
            return Byline(author=author, source=source, raw=text)
    return None


def merge(first: Byline | None, second: Byline | None) -> Byline | None:
    """Two byline lines of one article ("Tác giả: ..." then "Nguồn: ...") as one byline."""
    if first is None or second is None:
        return first or second
    raw = " | ".join(x for x in (first.raw, second.raw) if x)
    return Byline(first.author or second.author, first.source or second.source, raw or None)


def take_byline(blocks: list[Block]) -> tuple[Byline | None, list[Block]]:
    """The byline among the last blocks of the body (removed from them), if any."""
    found: Byline | None = None
    kept = list(blocks)
    # look at the last three text blocks: bylines close the article, label lines may be stacked
    for _ in range(3):
        if not kept:
            break
        last = kept[-1]
        if last.kind not in ("paragraph", "heading") or last.images:
            break
        parsed = parse_byline(last.text)
        if parsed is None and found is None and _is_lone_name(last):
            parsed = Byline(author=last.text.strip(), raw=last.text)
        if parsed is None:
            break
        kept.pop()
        if found is None:
            found = parsed
        else:
            found.author = found.author or parsed.author
            found.source = found.source or parsed.source
            found.raw = f"{parsed.raw} | {found.raw}"
    return found, kept


def _is_lone_name(block: Block) -> bool:
    """A right-aligned or bold name alone on the last line ("Minh Anh")."""
    return (block.align == "right" or block.bold) and bool(_NAME.match(block.text)) and _is_name(block.text)
