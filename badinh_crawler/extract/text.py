"""Text normalisation: NFC, spaces, and the visible text of an element with separators."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

#: elements whose boundaries separate words (a line break in the visible page)
BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section
    summary table tbody td tfoot th thead tr ul""".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})

#: zero-width characters, soft hyphens and control characters other than tab, newline, return
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARK = "\x00"  # an inline element boundary, resolved by _resolve_marks


#: the acute tone mark, decomposed: found in any decomposed Vietnamese text (NFD pages, windows-1258)
_ACUTE = "\u0301"


def normalize_document(text: str) -> str:
    """NFC, no-break spaces to spaces: applied once to the whole decoded page."""
    # (either way the result is the same: the test only picks the faster way)
    if _ACUTE not in text:
        # (``normalize`` returns the text itself when its quick check says it is NFC already)
        text = unicodedata.normalize("NFC", text)
    else:
        # normalisation never reaches back across a "<" (an ASCII starter, composing with nothing
        # before it), so each piece from one "<" to the next is normalised alone, and the
        # markup-only (ASCII) pieces are left as they are
        first, *parts = text.split("<")
        nfc = unicodedata.normalize
        pieces = [first if first.isascii() else nfc("NFC", first)]
        for part in parts:
            pieces.append("<" + part if part.isascii() else nfc("NFC", "<" + part))
        text = "".join(pieces)
    return text.replace("\xa0", " ").replace("\u202f", " ")


def clean(text: str | None) -> str:
    """One line of visible text: NFC, invisible characters removed, whitespace collapsed."""
    if not text:
        return ""
    if not text.isascii():
        if not text.isprintable():
            # (first: a soft hyphen or a zero-width character between a letter and its combining
            # mark would keep the two apart under NFC; a no-break space is whitespace, which
            # collapsing turns into a space)
            text = _INVISIBLE.sub("", text)
        # (``normalize`` returns the text itself when its quick check says it is NFC already)
        text = unicodedata.normalize("NFC", text)
    return collapse_spaces(text)


def collapse_spaces(text: str) -> str:
    """Whitespace runs as one space, no leading or trailing whitespace (``re.sub(r"\\s+", " ", t).strip()``)."""
    if not text.isprintable():
        # str methods, not a regex: this runs on every text of the page
        text = text.replace("\n", " ").replace("\t", " ").replace("\r", " ")
        if not text.isprintable():
            # other whitespace or control characters (the only printable whitespace is " ")
            return " ".join(text.split())
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


#: a boundary mark followed by a character that may be upper-case (A-Z or not ASCII)
_MARK_BEFORE_UPPER = re.compile("\x00[^\x00-\x40\x5b-\x7f]")


def _resolve_marks(text: str) -> str:
    """Drop inline-boundary marks; "ảnh</span><span>Lễ": a lower-case letter glued to an upper-case
    one across an element boundary is two words the page showed apart, so a space goes between.

    The mark runs are taken left to right, each with the character before it (unless the previous
    run took that one as its following character) and the character after it.
    """
    if _MARK not in text:
        return text
    if _MARK_BEFORE_UPPER.search(text) is None:
        return text.replace(_MARK, "")
    parts = text.split(_MARK)
    out = [parts[0]]
    segment = parts[0]
    consumed = 0
    i, last = 1, len(parts) - 1
    while i <= last:
        while i < last and not parts[i]:
            i += 1
        following = parts[i]
        before = segment[-1] if len(segment) > consumed else ""
        after = following[:1]
        if before.islower() and after.isupper():
            out.append(" ")
        out.append(following)
        consumed = 1 if after else 0
        segment = following
        i += 1
    return "".join(out)


def _collect(el: etree._Element, out: list[str]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            if tag == "br":
                out.append("\n")
            elif tag in _SKIP_TAGS:
                pass
            elif tag in BLOCK_TAGS:
                out.append("\n")
                _collect(child, out)
                out.append("\n")
            elif tag == "img":
                pass
            else:
                out.append(_MARK)
                _collect(child, out)
                out.append(_MARK)
        if child.tail:
            out.append(child.tail)


def raw_text(el: etree._Element) -> str:
    """The element's visible text with "\\n" at line breaks and block boundaries (not collapsed)."""
    out: list[str] = []
    _collect(el, out)
    return _resolve_marks("".join(out))


def element_text(el: etree._Element) -> str:
    """The element's visible text on one line: separators kept as single spaces."""
    return clean(raw_text(el))


def element_lines(el: etree._Element) -> list[str]:
    """The element's visible text as non-empty lines (one per block or line break)."""
    return [line for line in (clean(part) for part in raw_text(el).split("\n")) if line]


class TextCache:
    """Each element's text, lines and class tokens, computed at most once per page.

    The tree is never modified after parsing, so an element's text cannot change. Raw texts are
    kept with their inline-boundary marks unresolved, so a parent's text is built from its
    children's exactly as :func:`raw_text` would build it.
    """

    __slots__ = ("_lines", "_raw", "_text", "_tokens")

    def __init__(self) -> None:
        self._raw: dict[etree._Element, str] = {}
        self._text: dict[etree._Element, str] = {}
        self._lines: dict[etree._Element, list[str]] = {}
        self._tokens: dict[etree._Element, set[str]] = {}

    def _marked(self, el: etree._Element) -> str:
        found = self._raw.get(el)
        if found is not None:
            return found
        text = el.text
        out: list[str] = [text] if text else []
        append = out.append
        raw = self._raw
        for child in el:
            tag = child.tag
            if isinstance(tag, str):
                if tag == "br":
                    append("\n")
                elif tag in _SKIP_TAGS or tag == "img":
                    pass
                else:
                    inner = raw.get(child)
                    if inner is None:
                        # (a leaf's marked text is its text)
                        inner = self._marked(child) if len(child) else (child.text or "")
                    if tag in BLOCK_TAGS:
                        out += ("\n", inner, "\n")
                    else:
                        out += (_MARK, inner, _MARK)
            text = child.tail
            if text:
                append(text)
        found = raw[el] = "".join(out)
        return found

    def text(self, el: etree._Element) -> str:
        """:func:`element_text`, memoised."""
        found = self._text.get(el)
        if found is None:
            # (a leaf's marked text is its text, which holds no mark)
            found = self._text[el] = clean(_resolve_marks(self._marked(el))) if len(el) else clean(el.text)
        return found

    def min_length(self, el: etree._Element) -> int:
        """A lower bound of ``len(self.text(el))``, without building the text when it is not known.

        The text keeps every character of the element's text nodes except whitespace, invisible
        characters and what NFC composes; when the nodes hold no invisible character, no
        whitespace but " ", "\\n", "\\t", "\\r" and the no-break space (what "&nbsp;" gives: the
        parser turns the entity into one), and are NFC already (and no element whose text is never
        visible stands inside), the count of their other characters is a bound (else 0).
        Serialising the text nodes is C work: a big element costs a fraction of its text."""
        found = self._text.get(el)
        if found is not None:
            return len(found)
        if next(el.iter(*_SKIP_TAGS), None) is not None:
            return 0
        raw = etree.tostring(el, method="text", encoding=str, with_tail=False)
        flat = raw.replace("\n", " ").replace("\t", " ").replace("\r", " ").replace("\xa0", " ")
        if not flat.isprintable() or not unicodedata.is_normalized("NFC", flat):
            return 0
        return len(flat) - flat.count(" ")

    def lines(self, el: etree._Element) -> list[str]:
        """:func:`element_lines`, memoised (do not modify the list)."""
        found = self._lines.get(el)
        if found is None:
            raw = _resolve_marks(self._marked(el)) if len(el) else (el.text or "")
            # (a part of white space alone cleans to "": most parts between block elements)
            found = self._lines[el] = [
                line for line in (clean(part) for part in raw.split("\n") if part and not part.isspace()) if line
            ]
        return found

    def tokens(self, el: etree._Element) -> set[str]:
        """:func:`class_tokens`, memoised (do not modify the set)."""
        found = self._tokens.get(el)
        if found is None:
            found = self._tokens[el] = class_tokens(el)
        return found


_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")


def class_tokens(el: etree._Element) -> set[str]:
    """The lower-cased class and id words of an element, including hyphenated wholes."""
    found: set[str] = set()
    for attr in ("class", "id"):
        value = el.get(attr)
        if value:
            for word in value.lower().split():
                found.add(word)
                found.update(_TOKEN_SPLIT.split(word))
    found.discard("")
    return found
