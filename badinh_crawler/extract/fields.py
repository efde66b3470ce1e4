"""One function per article field. Each tries its era's selectors, then content cues."""

from __future__ import annotations

import re

from lxml import etree

from . import dom, markup
from .dates import DateMatch, date_from_htm_url, find_date, iso_to_vn, parse_date_text
from .numbers import parse_count, view_count_in, view_text_in
from .page import Page
from .text import clean

_SITE_SUFFIX = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]{2,80}$")
_MIN_BODY_CHARS = 200


# --- layout and body container -----------------------------------------------------------------


def choose_layout(page: Page) -> None:
    """Pick the era's selector set whose body selector matches, else the generic path."""
    missed: list[str] = []
    for selectors in markup.SELECTOR_SETS:
        if page.select_first(selectors.detect) is None:
            continue
        body = _largest(page, selectors.body)
        if body is not None:
            page.layout = selectors
            page.body_el = body
            return
        missed.append(selectors.name)
    # an era was recognised but no era's body selector fits: the markup has moved
    for name in missed:
        page.warn(f"{name}.body matched nothing")
    page.layout = None


def _largest(page: Page, selectors: tuple[str, ...]) -> etree._Element | None:
    """The matched element with the most text (portal themes reuse article classes for widgets)."""
    best: etree._Element | None = None
    best_len = 0
    for selector in selectors:
        found = [el for el in page.select(selector) if not page.is_furniture(el)]
        if best is None and len(found) == 1 and page.min_length(found[0]) >= _MIN_BODY_CHARS:
            # the only candidate, long enough: what the loop below would pick, without its text
            return found[0]
        for el in found:
            n = len(page.text(el))
            if n > best_len:
                best, best_len = el, n
        if best is not None and best_len >= _MIN_BODY_CHARS:
            return best
    return best if best_len >= 40 else None


def generic_body(page: Page) -> etree._Element | None:
    """The element holding the most paragraph text outside page furniture (content cue path)."""
    scores: dict[etree._Element, float] = {}
    for p in page.elements(dom.PARAGRAPHS):
        n = len(page.text(p))
        if n < 25:
            continue
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + n
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + n / 2
    for node in page.nodes(dom.LONG_DIRECT_TEXT):
        holder = dom.text_parent(node)
        if holder is not None and holder.tag != "p":
            n = len(str(node).strip())
            scores[holder] = scores.get(holder, 0.0) + n
    for el, score in sorted(scores.items(), key=lambda kv: -kv[1]):
        if score < 80:
            break
        if page.is_furniture(el) or el.tag in ("html", "body"):
            continue
        if _link_density(page, el) > 0.5:
            continue
        return el
    return None


def _repeated(el: etree._Element) -> bool:
    """``el`` (or a near ancestor) is one of several alike siblings: an item of a list of teasers."""
    node: etree._Element | None = el
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            return False
        parent = node.getparent()
        if parent is None:
            return False
        alike = sum(1 for sib in parent if sib.tag == node.tag and sib.get("class") == node.get("class"))
        if alike >= 4 and node.get("class"):
            return True
        node = parent
    return False


def _link_density(page: Page, el: etree._Element) -> float:
    total = len(page.text(el)) or 1
    linked = sum(len(page.text(a)) for a in el.iter("a"))
    return linked / total


def is_listing(page: Page, body: etree._Element) -> bool:
    """A container of many teasers (home, category page) rather than one article's text."""
    if _repeated(body):
        return True
    heads = 0
    for h in body.iter("h2", "h3", "h4", "h5"):
        parent = h.getparent()
        if h.find(".//a") is not None or (parent is not None and parent.tag == "a"):
            heads += 1
    if heads >= 3:
        return True
    views = 0
    for node in page.nodes(dom.VIEW_TEXT):
        holder = dom.text_parent(node)
        if holder is not None and page.inside(holder, body):
            views += 1
    return views >= 3 or _link_density(page, body) > 0.45


# --- title ---------------------------------------------------------------------------------------


def _doc_titles(page: Page) -> list[str]:
    titles = []
    og = page.meta.get("og:title")
    if og:
        titles.append(og)
    for t in page.root.iter("title"):
        text = clean("".join(str(x) for x in t.itertext()))
        if text:
            titles.append(text)
        break
    return titles


def title(page: Page) -> tuple[str | None, etree._Element | None]:
    """The headline: the era's selector, else the heading that best matches the document title."""
    if page.layout is not None:
        found = page.first_text(page.layout.title)
        if found is not None and len(found[0]) >= 8:
            return found
        page.warn(f"{page.layout.name}.title matched nothing")
    doc_titles = _doc_titles(page)
    best: tuple[float, str, etree._Element] | None = None
    candidates: list[etree._Element] = list(page.elements(dom.HEADINGS))
    for el in page.carrying(markup.TITLE_TOKENS):
        if el not in candidates:
            candidates.append(el)
    body_pos = page.position(page.body_el) if page.body_el is not None else None
    for el in candidates:
        text = page.text(el)
        if not 8 <= len(text) <= 400:
            continue
        score = {"h1": 4.0, "h2": 2.0, "h3": 1.0}.get(str(el.tag), 1.5)
        if page.classes.having(el, markup.TITLE_TOKENS):
            score += 1.5
        for doc_title in doc_titles:
            if text == doc_title:
                score += 10
            elif len(text) >= 15 and text in doc_title:
                score += 8
        if page.is_furniture(el):
            score -= 8
        link = el.find(".//a")
        if el.tag == "a" or (link is not None and len(page.text(link)) >= len(text) - 2):
            score -= 3
        if page.body_el is not None:
            if page.inside(el, page.body_el):
                score -= 2
            elif body_pos is not None and page.position(el) < body_pos:
                score += 2
        if best is None or score > best[0]:
            best = (score, text, el)
    if best is not None and best[0] > 0:
        return best[1], best[2]
    for doc_title in doc_titles:
        stripped = _SITE_SUFFIX.sub("", doc_title)
        if len(stripped) >= 8:
            return stripped, None
    return None, None


# --- lead ------------------------------------------------------------------------------------


def sapo(page: Page) -> tuple[str | None, etree._Element | None]:
    """The lead paragraph: the era's selector, else a sapo-classed or lone block between title and body."""
    if page.layout is not None and page.layout.sapo:
        found = page.first_text(page.layout.sapo, page.in_article)
        if found is not None:
            return found
    for el in page.carrying(markup.SAPO_TOKENS):
        if page.in_article(el) and page.after_title(el):
            if not page.outside_body_or_head(el):
                continue
            text = page.text(el)
            if len(text) >= 40:
                return text, el
    return _lone_block_after_title(page)


_LEAD_TAGS = ("p", "div", "h2", "h3", "h4", "span", "strong", "b", "em", "td")


def _lone_block_after_title(page: Page) -> tuple[str | None, etree._Element | None]:
    """A text block standing between the headline and the body container (the lead of unknown themes)."""
    if page.title_el is None or page.body_el is None:
        return None, None
    start, end = page.position(page.title_el), page.position(page.body_el)
    if end <= start:
        return None, None
    for el in page.root.iter(*_LEAD_TAGS):
        pos = page.position(el)
        if pos <= start or page.inside(el, page.title_el):
            continue
        if pos >= end:
            break
        if page.inside(page.body_el, el) or page.is_furniture(el):
            continue
        text = page.text(el)
        if len(text) < 60 or find_date(text[:40]) is not None or "lượt xem" in text.lower():
            continue
        return text, el
    return None, None


# --- publication date ------------------------------------------------------------------------


def _labelled(text: str, labels: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(label in low for label in labels)


def published(page: Page) -> tuple[DateMatch | None, str | None]:
    """The publication date and the text it was read from; never the header clock or body text."""
    if page.layout is not None and page.layout.date:
        found = page.first_text(page.layout.date, page.in_article)
        if found is not None:
            match = parse_date_text(found[0])
            if match is not None:
                page.consumed.add(found[1])
                return match, found[0]
    for key in ("article:published_time", "datepublished", "dc.date.issued", "pubdate", "date"):
        value = page.meta.get(key)
        if value:
            iso = iso_to_vn(value)
            match = DateMatch(iso, value, True) if iso else find_date(value)
            if match is not None:
                return match, value
    best: tuple[int, DateMatch, str, etree._Element] | None = None
    for node in page.nodes(dom.DATE_TEXT):
        holder = dom.text_parent(node)
        if holder is None or not page.in_article(holder):
            continue
        if not page.outside_body_or_head(holder):
            continue
        text = clean(str(node))
        if len(text) > 120:
            continue
        line = dom.short_context(holder, 120, page.text, page.min_length)
        match = find_date(line if len(line) <= 120 else text)
        if match is None:
            continue
        labelled = _labelled(line, markup.DATE_LABELS)
        if not labelled and not page.after_title(holder):
            continue
        rank = 0 if labelled else 1
        pos = page.position(holder)
        if best is None or (rank, pos) < (best[0], page.position(best[3])):
            best = (rank, match, line, holder)
    if best is not None:
        page.consumed.add(best[3])
        return best[1], best[2]
    from_url = date_from_htm_url(page.url)
    if from_url is not None:
        return from_url, None
    return None, None


# --- view count ------------------------------------------------------------------------------


def view_count(page: Page) -> tuple[int | None, str | None]:
    """The article's own view counter (never a related snippet's). A counter whose number is not a
    count ("1.2.3.4") gives (None, the text as shown)."""
    shown: str | None = None
    if page.layout is not None and page.layout.view_count:
        found = page.first_text(page.layout.view_count, page.in_article)
        if found is not None:
            count = parse_count(found[0])
            if count is not None:
                page.consumed.add(found[1])
                return count, found[0]
            shown = view_text_in(found[0])
    for node in page.nodes(dom.VIEW_TEXT):
        holder = dom.text_parent(node)
        if holder is None or not page.in_article(holder) or not page.after_title(holder):
            continue
        if not page.outside_body_or_head(holder):
            continue
        context = dom.short_context(holder, 160, page.text, page.min_length)
        found_count = view_count_in(context)
        if found_count is not None:
            page.consumed.add(holder)
            return found_count
        if shown is None:
            shown = view_text_in(context)
    return None, shown


# --- category --------------------------------------------------------------------------------


def category(page: Page, headline: str | None) -> str | None:
    """The section the article is filed under: the breadcrumb's last item, else article:section."""
    crumbs = page.carrying(markup.BREADCRUMB_TOKENS) or page.carrying(markup.CATEGORY_TOKENS)
    for crumb in crumbs[:1]:
        items = [page.text(li) for li in crumb.iter("li")] or [page.text(a) for a in crumb.iter("a")]
        if not items:
            items = re.split(r"\s*[»›>/|]\s*", page.text(crumb))
        items = [clean(i.strip("»›>/| ")) for i in items]
        items = [i for i in items if i and i.lower() not in markup.NON_CATEGORY and i != headline and len(i) < 80]
        if items:
            return items[-1]
    section = page.meta.get("article:section")
    if section:
        return section
    if page.layout is not None and page.layout.category:
        found = page.first_text(page.layout.category)
        if found is not None and found[0].lower() not in markup.NON_CATEGORY:
            return found[0]
    return None
