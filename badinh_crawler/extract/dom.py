"""Parsing, compiled selectors and the page context shared by the field functions."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from lxml import etree

from . import markup
from .text import class_tokens, clean, element_text, normalize_document

_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True, huge_tree=False)
#: the same, for UTF-8 bytes (a declared charset in the page is not followed)
_UTF8_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True, huge_tree=False, encoding="utf-8")
#: never visible text
NON_CONTENT_TAGS = ("script", "style", "noscript", "template", "object", "embed", "svg", "canvas", "iframe")


class ParseError(ValueError):
    """The bytes are not a page that can be read as HTML."""


def parse_html(text: str) -> etree._Element:
    """Parse decoded page text into an lxml tree without comments, scripts or styles."""
    return parse_html_checked(text)[0]


#: characters that are never text: NUL (lxml would make it U+FFFD) and zero-width marks, which
#: would hide labels such as "Đang truy cập" from the cue search
_INVISIBLE_CHARS = "\x00\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
#: the same tag, or the same few tags, opened (or closed) 200 times or more in a row: nesting the
#: parser would cut at depth 256 (a run of one repeated unit of 1-8 tags)
_OPEN_RUN = re.compile(r"((?:<[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?>\s*){1,8}?)\1{40,}")
_CLOSE_RUN = re.compile(r"((?:</[A-Za-z][A-Za-z0-9]*\s*>\s*){1,8}?)\1{40,}")


def parse_html_checked(text: str, utf8: bytes | None = None) -> tuple[etree._Element, list[str]]:
    """:func:`parse_html`, plus what had to be done to the input to read it (for the run's log).

    ``utf8``: the page's bytes when ``text`` is exactly their UTF-8 decoding (no byte order mark).
    When the text needs no change before parsing, those bytes are parsed instead: the same tree,
    without lxml's conversion of a ``str`` (about 15% of the parse)."""
    problems: list[str] = []
    source = text
    # (a str search per character: a regex character class over the whole page is several times slower)
    if any(c in text for c in _INVISIBLE_CHARS):
        text = _INVISIBLE.sub("", text)
    if text.lstrip()[:5].lower() == "<?xml":
        text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses a str that declares an encoding
    text = normalize_document(text)
    if not text.strip():
        raise ParseError("empty document")
    if utf8 is not None and text is source:
        # (``normalize_document`` and ``sub`` return the very same str when nothing changes)
        root, deep = _parse(utf8, _UTF8_PARSER)
    else:
        root, deep = _parse(text, _PARSER)
    if deep:
        # 10,000 nested tags: keep the content, collapse each run of nested tags to one level
        flat = _CLOSE_RUN.sub(r"\1", _OPEN_RUN.sub(r"\1", text))
        root, deep = _parse(flat, _PARSER)
        problems.append("markup nested deeper than 256 levels: each run of repeated nested tags was read as one level")
        if deep:
            problems.append("markup still nested too deep after that: the end of the page may be missing")
    etree.strip_elements(root, *NON_CONTENT_TAGS, with_tail=False)
    return root, problems


def _parse(data: str | bytes, parser: etree.HTMLParser) -> tuple[etree._Element, bool]:
    """The tree, and whether the parser cut markup nested too deep."""
    try:
        root = etree.fromstring(data, parser)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(str(exc)) from exc
    if root is None:
        raise ParseError("no HTML element could be parsed")
    return root, any("Excessive depth" in entry.message for entry in parser.error_log)


@cache
def css(selector: str) -> etree.XPath:
    """A CSS selector compiled to an XPath evaluator (cached: each is compiled once)."""
    return etree.XPath(_translator().css_to_xpath(selector))


@cache
def _translator() -> Any:
    # (imported when first needed: most selectors are answered by the class index, and parsel's
    # import is a third of the extractor's)
    from parsel.csstranslator import HTMLTranslator

    return HTMLTranslator()


def select_first(root: etree._Element, selectors: Iterable[str]) -> etree._Element | None:
    """The first element matched by the first selector that matches anything."""
    for selector in selectors:
        found = elements(css(selector), root)
        if found:
            return found[0]
    return None


def select_all(root: etree._Element, selector: str) -> list[etree._Element]:
    return elements(css(selector), root)


def first_text(
    root: etree._Element, selectors: Iterable[str], accept: Callable[[etree._Element], bool] | None = None
) -> tuple[str, etree._Element] | None:
    """The text of the first non-empty element matched by the selectors (and accepted), with the element."""
    for selector in selectors:
        for el in select_all(root, selector):
            if accept is not None and not accept(el):
                continue
            text = element_text(el)
            if text:
                return text, el
    return None


class Cue:
    """Text nodes of the body holding one of some literal strings (a label cue), found with one regex.

    Equivalent to an XPath ``//body//text()[contains(., v1) or contains(., v2) ...]`` but run over
    the page's body text once, by :meth:`Page.nodes`.
    """

    __slots__ = ("forms", "lowered", "pattern")

    def __init__(self, variants: Iterable[str]) -> None:
        self.forms = frozenset(variants)
        ordered = sorted(self.forms, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(v) for v in ordered))
        # a text holding a form that contains another form holds that other form too: only the
        # forms containing no other one need looking for
        least = [v for v in self.forms if not any(w != v and w in v for w in self.forms)]
        #: those forms lower-cased, each once: searched in the lower-cased text (None: use the regex)
        self.lowered: tuple[str, ...] | None = tuple(sorted({v.lower() for v in least}))
        if any(len(v.lower()) != len(v) or "\u03a3" in v for v in self.forms):
            # (a capital sigma lower-cases by its context)
            self.lowered = None


def _label_cue(labels: tuple[str, ...]) -> Cue:
    # as written, capitalised, upper-cased and title-cased (the forms the portal prints)
    return Cue(form for label in labels for form in (label, label[:1].upper() + label[1:], label.upper(), label.title()))


VIEW_TEXT = _label_cue(markup.VIEW_LABELS)
ONLINE_TEXT = _label_cue(markup.ONLINE_LABELS)
RELATED_TEXT = _label_cue(markup.RELATED_LABELS)
GALLERY_TEXT = _label_cue(markup.GALLERY_LABELS)
#: text nodes that may hold a day/month/year date or a Vietnamese worded date
DATE_TEXT = Cue(("/19", "/20", "-20", ".20", "tháng", "Tháng"))
#: every text node of the body, in document order
BODY_TEXT = etree.XPath("//body//text()")
META = etree.XPath("//meta[@content]")
CANONICAL = etree.XPath("//link[@rel='canonical'][@href]/@href")
BASE = etree.XPath("//base[@href]/@href")
HEADINGS = etree.XPath("//body//*[self::h1 or self::h2 or self::h3][normalize-space()]")
CLASSED = etree.XPath("//body//*[@class or @id]")
PARAGRAPHS = etree.XPath("//body//p")
LONG_DIRECT_TEXT = etree.XPath(
    "//body//text()[string-length(normalize-space(.)) > 60]"
    "[parent::div or parent::td or parent::span or parent::font or parent::section or parent::article]"
)
HAS_BLOCK = etree.XPath(
    "boolean(.//*[self::p or self::div or self::table or self::ul or self::ol or self::h1 or self::h2 or self::h3"
    " or self::h4 or self::h5 or self::h6 or self::blockquote or self::figure or self::section or self::article])"
)


ALL_TEXT = etree.XPath(".//text()")


def elements(xpath: etree.XPath, root: etree._Element) -> list[etree._Element]:
    """The elements an XPath evaluator returns (typed)."""
    result = xpath(root)
    return [el for el in result if isinstance(el, etree._Element)] if isinstance(result, list) else []


def cue_nodes(cue: Cue, nodes: list[Any], joined: str, starts: list[int], lowered: str | None = None) -> list[Any]:
    """The nodes (of ``nodes``, joined by "\\x00" into ``joined`` at offsets ``starts``) a cue matches.

    ``lowered`` is ``joined.lower()`` when that has the same length (each character lower-cases to
    one): the cue's forms are then found with str searches of their lower-cased spellings, each hit
    kept when the text there is one of the forms as written.
    """
    if lowered is None or cue.lowered is None:
        return _cue_nodes_regex(cue, nodes, joined, starts)
    hit: set[int] = set()
    forms = cue.forms
    find = lowered.find
    for low in cue.lowered:
        size = len(low)
        pos = find(low)
        while pos >= 0:
            if joined[pos : pos + size] in forms:
                hit.add(bisect_right(starts, pos) - 1)
            pos = find(low, pos + 1)
    return [nodes[i] for i in sorted(hit)]


def _cue_nodes_regex(cue: Cue, nodes: list[Any], joined: str, starts: list[int]) -> list[Any]:
    found: list[Any] = []
    search = cue.pattern.search
    pos = 0
    while True:
        m = search(joined, pos)
        if m is None:
            return found
        i = bisect_right(starts, m.start()) - 1
        found.append(nodes[i])
        if i + 1 >= len(starts):
            return found
        pos = starts[i + 1]


def text_nodes(xpath: etree.XPath, root: etree._Element) -> list[Any]:
    """The text nodes (lxml "smart strings", with ``getparent``) an XPath evaluator returns."""
    result = xpath(root)
    if not isinstance(result, list):
        return []
    # (the evaluators passed here select text nodes or attributes: strings only)
    return result


_HAS_BLOCK_TAGS = (
    "p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "section", "article"
)  # fmt: skip


def has_block(el: etree._Element) -> bool:
    """True when ``el`` holds a block element (paragraph, list, table...): what :data:`HAS_BLOCK` says."""
    found = el.iter(*_HAS_BLOCK_TAGS)
    first = next(found, None)
    if first is el:
        first = next(found, None)
    return first is not None


def texts_with_holders(el: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Each text node below ``el`` (what ``.//text()`` selects, in document order) with the element
    whose content it is (what :func:`text_parent` returns for it), without an XPath evaluation.
    Where a removed script stood between two texts, lxml gives them as one text (as the page shows
    them), where the XPath would give two."""
    text = el.text
    if text:
        yield text, el
    for child in el:
        if isinstance(child.tag, str) and (len(child) or child.text):
            yield from texts_with_holders(child)
        tail = child.tail
        if tail:
            yield tail, el


def text_parent(node: object) -> etree._Element | None:
    """The element whose content a text node (from an XPath ``text()`` result) belongs to."""
    getparent = getattr(node, "getparent", None)
    if getparent is None:
        return None
    parent = getparent()
    if parent is not None and getattr(node, "is_tail", False):
        parent = parent.getparent()
    return parent if isinstance(parent, etree._Element) else None


def short_context(
    el: etree._Element,
    limit: int = 160,
    text_of: Callable[[etree._Element], str] = element_text,
    min_length_of: Callable[[etree._Element], int] | None = None,
) -> str:
    """The text of ``el``, or of its parent when ``el`` holds only a label, within ``limit`` chars.

    ``min_length_of``: a lower bound of ``len(text_of(el))``, to skip a parent certainly too long."""
    text = text_of(el)
    parent = el.getparent()
    if parent is not None and len(text) < 40 and (min_length_of is None or min_length_of(parent) <= limit):
        wider = text_of(parent)
        if len(wider) <= limit:
            return wider
    return text


def within(el: etree._Element, container: etree._Element | None) -> bool:
    """True when ``el`` is ``container`` or one of its descendants."""
    node: etree._Element | None = el
    while node is not None:
        if node is container:
            return True
        node = node.getparent()
    return False


__all__ = [
    "ParseError",
    "class_tokens",
    "clean",
    "css",
    "element_text",
    "first_text",
    "parse_html",
    "select_all",
    "select_first",
]
