"""The article body as typed blocks in page order, with its images, captions and attachments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from lxml import etree

from . import dom, markup
from .page import Page
from .text import BLOCK_TAGS, _resolve_marks, clean

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CONTAINERS = frozenset(
    {"div", "section", "article", "main", "center", "span", "font", "a", "form", "dl", "dd", "dt", "details", "summary"}
)
_ALIGN = re.compile(r"text-align\s*:\s*(right|center)", re.I)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.I)
_ITALIC_STYLE = re.compile(r"font-style\s*:\s*italic", re.I)
_ATTACHMENT = re.compile(r"\.(" + "|".join(markup.ATTACHMENT_EXTENSIONS) + r")(?:$|[/?#])", re.I)
_CAPTION_CUES = ("trong ảnh", "ảnh:", "ảnh minh họa", "ảnh minh hoạ", "(ảnh")
_LAZY_SRC = ("data-src", "data-original", "data-lazy-src", "src")
_NONE: frozenset[str] = frozenset()
_CAPTION = frozenset({"caption"})


@dataclass
class Block:
    kind: str
    text: str
    el: etree._Element | None
    bold: bool = False
    italic: bool = False
    align: str | None = None
    tokens: frozenset[str] = frozenset()
    #: images that stood in this block (an image-only paragraph has text "")
    images: list[int] = field(default_factory=list)


@dataclass
class Image:
    url: str
    caption: str | None
    alt: str | None


class BodyReader:
    """Walks the body container once, producing blocks and images."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.blocks: list[Block] = []
        self.images: list[Image] = []
        self._seen_images: set[str] = set()
        self._run: list[str] = []
        self._run_images: list[int] = []
        self._noise: set[etree._Element] = set()
        self._caption_depth = 0
        if page.layout is not None and page.body_el is not None:
            for selector in page.layout.body_noise:
                self._noise.update(page.select(selector, page.body_el))

    # --- walking -------------------------------------------------------------------------------
    def read(self, body: etree._Element) -> None:
        self._container(body)
        self._flush(body)

    def _skip(self, el: etree._Element) -> bool:
        if el in self._noise or el in self.page.consumed or el is self.page.title_el:
            return True
        if el in self.page.widgets:
            return True
        return self.page._is_furniture_itself(el)

    def _container(self, el: etree._Element) -> None:
        if el.text:
            self._run.append(el.text)
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and not self._skip(child):
                if tag == "p" and not len(child):
                    # (most of a body: a paragraph of text alone, what _element does for it)
                    self._flush(child)
                    self._add("paragraph", child)
                else:
                    self._element(child, tag)
            if child.tail:
                self._run.append(child.tail)

    def _element(self, el: etree._Element, tag: str) -> None:
        if tag == "br":
            if self._run and self._run[-1] == "\n":
                self._flush(el)
            else:
                self._run.append("\n")
        elif tag == "img":
            index = self._image(el, None)
            if index is not None:
                self._run_images.append(index)
        elif tag in _HEADINGS:
            self._flush(el)
            self._add("heading", el)
        elif tag == "p":
            self._flush(el)
            if dom.has_block(el):
                self._container(el)
                self._flush(el)
            else:
                self._add("paragraph", el)
        elif tag == "blockquote":
            self._flush(el)
            inner = [c for c in el if isinstance(c.tag, str) and c.tag in BLOCK_TAGS]
            if inner:
                for c in inner:
                    self._add("quote", c)
            else:
                self._add("quote", el)
        elif tag in ("ul", "ol"):
            self._flush(el)
            for li in el.iter("li"):
                self._add("list_item", li)
        elif tag == "li":
            self._flush(el)
            self._add("list_item", el)
        elif tag == "table":
            self._flush(el)
            self._table(el)
        elif tag == "figure":
            self._flush(el)
            self._figure(el)
        elif tag in _CONTAINERS or tag in BLOCK_TAGS:
            if dom.has_block(el) or tag in BLOCK_TAGS:
                caption = bool(self.page.tokens(el) & markup.CAPTION_TOKENS)
                self._flush(el)
                self._caption_depth += caption
                self._container(el)
                self._flush(el)
                self._caption_depth -= caption
            else:
                self._inline(el)
        else:
            self._inline(el)

    def _inline(self, el: etree._Element) -> None:
        for img in el.iter("img"):
            index = self._image(img, None)
            if index is not None:
                self._run_images.append(index)
        self._run.append("\x00")
        self._run.append(self.page.text(el))
        self._run.append("\x00")

    def _flush(self, el: etree._Element) -> None:
        if not self._run_images:
            if not self._run:
                return
            joined = "".join(self._run)
            if joined.isspace():
                # (the white space between two blocks: no text)
                self._run = []
                return
        else:
            joined = "".join(self._run)
        text = clean(_resolve_marks(joined))
        images, self._run_images, self._run = self._run_images, [], []
        if text or images:
            self.blocks.append(Block("paragraph", text, None, tokens=self._context_tokens(), images=images))

    def _context_tokens(self) -> frozenset[str]:
        return frozenset({"caption"}) if self._caption_depth else frozenset()

    def _add(self, kind: str, el: etree._Element) -> None:
        if len(el) == 0 and el.tag != "img":
            # (no child element: no image, and only the element's own tag and style emphasise)
            images: list[int] = []
            text = self.page.text(el)
            if not text:
                return
            style = el.get("style") or ""
            bold = el.tag in ("b", "strong") or (bool(style) and bool(_BOLD_STYLE.search(style)))
            italic = el.tag in ("i", "em") or (bool(style) and bool(_ITALIC_STYLE.search(style)))
        else:
            images = [i for i in (self._image(img, None) for img in el.iter("img")) if i is not None]
            text = self.page.text(el)
            if not text and not images:
                return
            bold, italic = _emphasis(self.page, el, text)
            style = el.get("style") or ""
        align_m = (_ALIGN.search(style) if style else None) or (
            _ALIGN.search(f"text-align:{el.get('align')}") if el.get("align") else None
        )
        own = self.page.tokens(el)
        tokens: frozenset[str] = frozenset(own) if own else _NONE
        if self._caption_depth:
            tokens = tokens | _CAPTION
        self.blocks.append(
            Block(
                kind,
                text,
                el,
                bold,
                italic,
                align_m.group(1).lower() if align_m else None,
                tokens,
                images,
            )
        )

    # --- images, figures, tables ---------------------------------------------------------------
    def _image(self, img: etree._Element, caption: str | None) -> int | None:
        src = None
        for attr in _LAZY_SRC:
            value = img.get(attr)
            if value and not value.startswith("data:"):
                src = value
                break
        url = self.page.absolute(src)
        if url is None or url in self._seen_images:
            return None
        for dim in ("width", "height"):
            value = img.get(dim, "")
            if value.isdigit() and int(value) <= 32:
                return None
        self._seen_images.add(url)
        alt = clean(img.get("alt")) or None
        self.images.append(Image(url, caption, alt))
        return len(self.images) - 1

    def _figure(self, el: etree._Element) -> None:
        caption_el = el.find(".//figcaption")
        caption = self.page.text(caption_el) if caption_el is not None else ""
        indexes = [i for i in (self._image(img, None) for img in el.iter("img")) if i is not None]
        for i in indexes:
            self.images[i].caption = caption or None
        if not indexes and caption:
            self.blocks.append(Block("paragraph", caption, el))

    def _table(self, el: etree._Element) -> None:
        imgs = list(el.iter("img"))
        text = self.page.text(el)
        if imgs and len(text) < 500:
            indexes = [i for i in (self._image(img, None) for img in imgs) if i is not None]
            if indexes and text:
                for i in indexes:
                    self.images[i].caption = text
            return
        cells = [c for c in el.iter("td", "th")]
        if any(dom.has_block(c) and len(self.page.text(c)) > 200 for c in cells):
            for row in el.iter("tr"):
                for cell in row:
                    if isinstance(cell.tag, str) and cell.tag in ("td", "th"):
                        self._container(cell)
                        self._flush(cell)
            return
        rows = []
        for row in el.iter("tr"):
            values = [self.page.text(c) for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
            if any(values):
                rows.append(" | ".join(values))
        if rows:
            self.blocks.append(Block("table", "\n".join(rows), el))


def _emphasis(page: Page, el: etree._Element, text: str) -> tuple[bool, bool]:
    if not text:
        return False, False
    style = el.get("style") or ""
    bold = el.tag in ("b", "strong") or bool(_BOLD_STYLE.search(style))
    italic = el.tag in ("i", "em") or bool(_ITALIC_STYLE.search(style))
    total = len(text.replace(" ", ""))
    if not bold:
        b = 0
        for child in el.iter("b", "strong"):
            if child is not el:
                b += len(page.text(child).replace(" ", ""))
        for child in el.iter("span"):
            if _BOLD_STYLE.search(child.get("style") or ""):
                b += len(page.text(child).replace(" ", ""))
        bold = b >= 0.9 * total
    if not italic:
        i = sum(len(page.text(c).replace(" ", "")) for c in el.iter("i", "em") if c is not el)
        italic = i >= 0.9 * total
    return bold, italic


# --- post-processing ------------------------------------------------------------------------------


def attach_captions(blocks: list[Block], images: list[Image]) -> list[Block]:
    """Move caption paragraphs (below an image: italic, centred, caption-classed or "Trong ảnh")
    into their image's caption; they never count as body text."""
    out: list[Block] = []
    pending: list[int] = []
    for block in blocks:
        if pending and block.kind == "paragraph" and block.text and _is_caption(block):
            for i in pending:
                if images[i].caption is None:
                    images[i].caption = block.text
            pending = []
            continue
        if block.images and not block.text:
            pending = [i for i in block.images if images[i].caption is None]
            continue
        if block.images and block.text and _is_caption(block):
            for i in block.images:
                images[i].caption = images[i].caption or block.text
            continue
        pending = [i for i in block.images if images[i].caption is None and block.text == ""]
        out.append(block)
    return out


def _is_caption(block: Block) -> bool:
    if len(block.text) > 400 or block.text[:1] in "-–—":
        return False
    low = block.text.lower()
    return bool(
        block.italic
        or block.tokens & markup.CAPTION_TOKENS
        or any(cue in low for cue in _CAPTION_CUES)
        or (block.align == "center" and len(block.text) < 300)
    )


def attachments(page: Page, container: etree._Element) -> list[dict[str, str | None]]:
    """Links to documents (PDF, DOC, XLS...) in the article."""
    found: list[dict[str, str | None]] = []
    seen: set[str] = set()
    for a in container.iter("a"):
        if page.is_furniture(a, stop=container):
            continue
        url = page.absolute(a.get("href"))
        if url is None or not _ATTACHMENT.search(urlsplit(url).path):
            continue
        if url in seen:
            continue
        seen.add(url)
        title = page.text(a) or clean(a.get("title")) or None
        if title is None:
            name = unquote(urlsplit(url).path.rstrip("/").split("/")[-1]).replace("+", " ")
            title = name or None
        found.append({"url": url, "title": title})
    return found


def mark_headings(blocks: list[Block]) -> None:
    """Short, fully bold paragraphs that are not questions become headings."""
    for block in blocks:
        if block.kind != "paragraph" or not block.bold:
            continue
        text = block.text
        if 3 <= len(text) <= 160 and text[:1] not in "-–—" and text[-1:] not in ".?!:;,…" and not text.startswith("("):
            block.kind = "heading"
