"""Extraction: pure functions of a page's bytes and URL, returning typed records.

>>> from badinh_crawler.extract import extract
>>> records = extract(page_bytes, "https://badinh.hanoi.gov.vn/...")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from lxml import etree

from ..records import QA, SCHEMA_VERSION, Article, BodyBlock, Record, Related, SiteStats
from ..urls import looks_like_article, looks_like_listing
from . import dom, fields, links, markup, qa, widgets
from .body import BodyReader, attach_captions, attachments, mark_headings
from .byline import Byline, merge, parse_byline, take_byline
from .dom import ParseError, parse_html_checked
from .encoding import binary_kind, decode_html_exact
from .page import Page

__all__ = ["MAX_PAGE_BYTES", "ExtractionResult", "ParseError", "extract", "extract_page"]

#: The largest page :func:`extract_page` reads, in bytes (characters for ``str`` input). Portal pages
#: weigh 20-70 KB, a few MB with images pasted inline as base64; anything larger is refused with
#: ``ParseError("page too large: ...")`` before it is decoded. A crawl should not download more.
MAX_PAGE_BYTES = 10 * 1024 * 1024


@dataclass
class ExtractionResult:
    """What one page yields, plus what the run summary should know about it."""

    url: str
    article: Article | None = None
    qa: list[QA] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    site_stats: SiteStats | None = None
    #: layout drift: selectors of a recognised era that matched nothing
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    #: what was wrong with the input and how it was read anyway (deep nesting...)
    problems: list[str] = field(default_factory=list)
    #: where the page leads, when asked for (``extract_page(..., links_for=hosts)``)
    navigation: links.Navigation | None = None

    def records(self) -> list[Record]:
        out: list[Record] = []
        if self.article is not None:
            out.append(self.article)
        out.extend(self.qa)
        out.extend(self.related)
        if self.site_stats is not None:
            out.append(self.site_stats)
        return out


def extract(body: bytes | str, url: str, *, content_type: str | None = None, observed_at: str | None = None) -> list[Record]:
    """Every record of one page, in the order article, qa..., related..., site_stats."""
    return extract_page(body, url, content_type=content_type, observed_at=observed_at).records()


def extract_page(
    body: bytes | str,
    url: str,
    *,
    content_type: str | None = None,
    observed_at: str | None = None,
    links_for: frozenset[str] | None = None,
) -> ExtractionResult:
    """Extract one page. Raises :class:`ParseError` only when the bytes hold no HTML at all, or when
    they exceed :data:`MAX_PAGE_BYTES`.

    With ``links_for`` (the ``host[:port]`` set of "this site"), ``result.navigation`` also says where
    the page leads (:func:`badinh_crawler.extract.links.navigation`), from the same parse."""
    if len(body) > MAX_PAGE_BYTES:
        raise ParseError(f"page too large: {len(body)} bytes, more than MAX_PAGE_BYTES ({MAX_PAGE_BYTES})")
    if isinstance(body, bytes):
        kind = binary_kind(body)
        if kind is not None:
            raise ParseError(f"not HTML: the bytes are {kind}")
    text, encoding, exact = decode_html_exact(body, content_type)
    root, problems = parse_html_checked(text, body if exact and isinstance(body, bytes) else None)
    navigation = links.navigation(root, url, hosts=links_for) if links_for is not None else None
    page = Page.build(root, url)
    result = ExtractionResult(url=url, encoding=encoding, navigation=navigation, problems=problems)

    stats = widgets.visitor_stats(page)
    if stats is not None:
        result.site_stats = {
            "type": "site_stats",
            "schema_version": SCHEMA_VERSION,
            "page_url": page.canonical_url(),
            "online_now": stats.online_now,
            "online_now_raw": stats.online_raw,
            "total_visits": stats.total_visits,
            "total_visits_raw": stats.total_raw,
            "observed_at": observed_at,
        }
    widgets.mark_galleries(page)
    boxes = widgets.related_boxes(page)

    fields.choose_layout(page)
    if page.body_el is None:
        page.body_el = fields.generic_body(page)
    headline, title_el = fields.title(page)
    page.set_title(title_el)
    if page.body_el is not None and title_el is not None and page.inside(page.body_el, title_el):
        page.body_el = None
    if not _is_article(page, headline):
        # home and listing pages have no article title or body to miss
        result.warnings = [w for w in page.warnings if not w.endswith(("title matched nothing", "body matched nothing"))]
        return result
    assert page.body_el is not None and headline is not None
    if not boxes:
        boxes = widgets.unlabelled_related(page)

    result.article, result.qa = _article(page, headline)
    result.related = _related(page, boxes)
    result.warnings = page.warnings
    return result


def _is_article(page: Page, headline: str | None) -> bool:
    if page.body_el is None or not headline:
        return False
    if looks_like_article(page.url):
        return True
    if looks_like_listing(page.url) or fields.is_listing(page, page.body_el) or _lists_articles(page):
        return False
    return page.layout is not None or len(page.text(page.body_el)) >= 200 or page.meta.get("og:type") == "article"


_TEASER_LINKS = etree.XPath(markup.TEASER_HEADING_LINKS)


def _lists_articles(page: Page) -> bool:
    """Three or more headings linking to article URLs outside the page furniture: a listing, whatever
    container the body search settled on (a category page of one teaser per item)."""
    found = 0
    for a in dom.elements(_TEASER_LINKS, page.root):
        url = page.absolute(a.get("href"))
        if url is None or not looks_like_article(url) or page.is_furniture(a):
            continue
        found += 1
        if found >= 3:
            return True
    return False


def _article(page: Page, headline: str) -> tuple[Article, list[QA]]:
    assert page.body_el is not None
    if page.title_el is not None:
        page.consumed.add(page.title_el)
    lead, lead_el = fields.sapo(page)
    if lead_el is not None:
        page.consumed.add(lead_el)
    date, date_raw = fields.published(page)
    views, views_raw = fields.view_count(page)
    canonical = page.canonical_url()
    scope = page.article_root()

    reader = BodyReader(page)
    reader.read(page.body_el)
    blocks = attach_captions(reader.blocks, reader.images)
    blocks = [b for b in blocks if b.text]
    if (
        lead is None
        and blocks
        and blocks[0].kind == "paragraph"
        and blocks[0].bold
        and len(blocks[0].text) >= 80
        and blocks[0].text[:1] not in "-–—"
    ):
        lead = blocks.pop(0).text
    elif lead is not None and blocks and blocks[0].text == lead:
        blocks.pop(0)
    byline, blocks = take_byline(blocks)
    if byline is None:
        byline = _byline_after_body(page) or _labelled_byline(page)
    mark_headings(blocks)
    pairs = qa.find_pairs(blocks)
    if len(pairs) < 2:
        qa.unmark(blocks)
        pairs = []

    body: list[BodyBlock] = [{"kind": b.kind, "text": b.text} for b in blocks]  # type: ignore[typeddict-item]
    body_text = "\n\n".join(b["text"] for b in body)
    article: Article = {
        "type": "article",
        "schema_version": SCHEMA_VERSION,
        "url": canonical,
        "page_url": page.url,
        "title": headline,
        "sapo": lead,
        "published_at": date.value if date else None,
        "published_raw": date_raw if date_raw is not None else (date.raw if date else None),
        "view_count": views,
        "view_count_raw": views_raw,
        "author": byline.author if byline else None,
        "source": byline.source if byline else None,
        "byline_raw": byline.raw if byline else None,
        "category": fields.category(page, headline),
        "body": body,
        "body_text": body_text,
        "images": [{"url": i.url, "caption": i.caption, "alt": i.alt} for i in reader.images],
        "attachments": attachments(page, scope if scope is not None else page.body_el),  # type: ignore[typeddict-item]
        "is_interview": len(pairs) >= 2,
        "layout": page.layout.name if page.layout is not None else "generic",
        "content_sha256": hashlib.sha256(body_text.encode("utf-8")).hexdigest(),
    }
    records: list[QA] = [
        {
            "type": "qa",
            "schema_version": SCHEMA_VERSION,
            "article_url": canonical,
            "index": n,
            "section": pair.section,
            "question": pair.question,
            "answer": "\n\n".join(pair.answer),
        }
        for n, pair in enumerate(pairs, start=1)
    ]
    return article, records


def _byline_after_body(page: Page) -> Byline | None:
    """A byline standing just after the body container ("Minh Khôi - Báo Tin tức")."""
    assert page.body_el is not None
    found: Byline | None = None
    for n, sibling in enumerate(page.body_el.itersiblings()):
        if n >= 3:
            break
        if not isinstance(sibling.tag, str):
            continue
        text = page.text(sibling)
        if text and len(text) <= 120:
            found = merge(found, parse_byline(text))
    return found


def _labelled_byline(page: Page) -> Byline | None:
    """The "Tác giả:" / "Nguồn:" lines after the title, outside the body container."""
    found: Byline | None = None
    for el in page.root.iter("p", "div", "span", "strong", "b", "em", "i", "td", "li"):
        # the cheap tests first: the text of every element before the headline is never needed
        if not page.after_title(el) or page.is_furniture(el):
            continue
        text = page.text(el).lstrip("|-–—•· ")
        if not text or len(text) > 120:
            continue
        low = text.lower()
        if low.startswith(("tác giả", "nguồn", "theo", "người viết", "phóng viên")):
            found = merge(found, parse_byline(text))
            if found is not None and found.author and found.source:
                break
    return found


def _related(page: Page, boxes: list) -> list[Related]:  # type: ignore[type-arg]
    out: list[Related] = []
    seen: set[tuple[str | None, str | None]] = set()
    page_url = page.canonical_url()
    for box in sorted(boxes, key=page.position):
        for s in widgets.snippets(page, box):
            key = (s.url, s.title)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                {
                    "type": "related",
                    "schema_version": SCHEMA_VERSION,
                    "page_url": page_url,
                    "position": len(out) + 1,
                    "url": s.url,
                    "title": s.title,
                    "date": s.date,
                    "date_raw": s.date_raw,
                    "view_count": s.view_count,
                    "teaser": s.teaser,
                }
            )
    return out
