"""Page widgets found by their Vietnamese labels: related-news boxes, visitor counter, galleries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from . import dom, markup
from .dates import find_date
from .numbers import parse_count, view_count_in
from .page import Page
from .text import clean

_DMY = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](?:19|20|21)\d{2}(?!\d)")


def _label_regex(labels: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(labels, key=len, reverse=True)
    return re.compile(r"(" + "|".join(re.escape(x) for x in ordered) + r")\s*[:：]?\s*(\d[\d.,\u202f ]*\d|\d)", re.I)


_ONLINE = _label_regex(markup.ONLINE_LABELS)
_TOTAL = _label_regex(markup.TOTAL_LABELS)


# --- visitor widget ----------------------------------------------------------------------------


@dataclass
class Stats:
    online_now: int
    total_visits: int
    online_raw: str
    total_raw: str


def visitor_stats(page: Page) -> Stats | None:
    """ "Đang trực tuyến: 324" / "Số lượt truy cập: 1022477" (labels vary by theme)."""
    for node in page.nodes(dom.ONLINE_TEXT):
        el = dom.text_parent(node)
        for _ in range(6):
            if el is None or page.min_length(el) > 600:
                break
            text = page.text(el)
            if len(text) > 600:
                break
            online = _ONLINE.search(text)
            if online is not None:
                rest = text[: online.start()] + " " + text[online.end() :]
                total = _TOTAL.search(rest)
                if total is not None:
                    n_online, n_total = parse_count(online.group(2)), parse_count(total.group(2))
                    if n_online is not None and n_total is not None:
                        page.widgets.add(el)
                        return Stats(n_online, n_total, clean(online.group(0)), clean(total.group(0)))
            el = el.getparent()
    return None


# --- galleries ---------------------------------------------------------------------------------


def mark_galleries(page: Page) -> None:
    """ "Thư viện hình ảnh" / "Thư viện Video" boxes are never article text."""
    for node in page.nodes(dom.GALLERY_TEXT):
        if len(clean(str(node))) > 40:
            continue
        holder = dom.text_parent(node)
        if holder is not None:
            parent = holder.getparent()
            page.widgets.add(parent if parent is not None and parent.tag not in ("body", "html") else holder)


# --- related news ----------------------------------------------------------------------------


def related_boxes(page: Page) -> list[etree._Element]:
    """Boxes titled "Tin khác", "Các tin khác", "Tin liên quan"... and the era's related selectors."""
    boxes: list[etree._Element] = []
    if page.layout is not None:
        for selector in page.layout.related_box:
            boxes.extend(page.select(selector))
    for node in page.nodes(dom.RELATED_TEXT):
        label = clean(str(node)).lower().strip(" :»›>")
        if len(label) > 40 or not any(label.startswith(x) or label.endswith(x) for x in markup.RELATED_LABELS):
            continue
        holder = dom.text_parent(node)
        box = _box_around(page, holder)
        if box is not None and not any(page.inside(box, b) for b in boxes):
            boxes = [b for b in boxes if not page.inside(b, box)] + [box]
    for box in boxes:
        page.widgets.add(box)
    return boxes


def _box_around(page: Page, holder: etree._Element | None) -> etree._Element | None:
    el = holder
    for _ in range(6):
        if el is None:
            return None
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return None
        links = sum(1 for a in parent.iter("a") if a.get("href") and not dom.within(a, el))
        if links >= 1 and (links >= 2 or _DMY.search(page.text(parent))):
            return parent
        el = parent
    return None


def unlabelled_related(page: Page) -> list[etree._Element]:
    """A box after the body holding two or more "DD/MM/YYYY - N Lượt xem" snippets."""
    if page.body_el is None:
        return []
    body_pos = page.position(page.body_el)
    holders = []
    for node in page.nodes(dom.VIEW_TEXT):
        holder = dom.text_parent(node)
        if holder is None or page.inside(holder, page.body_el) or page.position(holder) < body_pos:
            continue
        if _DMY.search(dom.short_context(holder, 160, page.text, page.min_length)):
            holders.append(holder)
    if len(holders) < 2:
        return []
    # the smallest common ancestor of the snippets
    chain = list(holders[0].iterancestors())
    for ancestor in chain:
        if all(dom.within(h, ancestor) for h in holders):
            if ancestor.tag in ("body", "html"):
                return []
            page.widgets.add(ancestor)
            return [ancestor]
    return []


@dataclass
class Snippet:
    url: str | None
    title: str | None
    date: str | None
    date_raw: str | None
    view_count: int | None
    teaser: str | None


def _date_lines(el: etree._Element) -> int:
    return sum(1 for node in dom.text_nodes(dom.ALL_TEXT, el) if len(str(node).strip()) < 60 and _DMY.search(str(node)))


def _items(page: Page, box: etree._Element) -> list[etree._Element]:
    holders: dict[etree._Element, None] = {}  # ordered, with O(1) membership
    #: date lines inside each element of the box (what _date_lines would count)
    counts: dict[etree._Element, int] = {}
    for node in dom.text_nodes(dom.ALL_TEXT, box):
        # a snippet's date line is short; a date inside its teaser is not its date
        if not node.isspace() and len(node.strip()) < 60 and _DMY.search(node):
            holder = dom.text_parent(node)
            if holder is not None:
                holders.setdefault(holder)
            el = holder
            while el is not None:
                counts[el] = counts.get(el, 0) + 1
                if el is box:
                    break
                el = el.getparent()
    if holders:
        items: dict[etree._Element, None] = {}
        for holder in holders:
            item = holder
            parent = item.getparent()
            # above the box (the box is itself a snippet's holder) the counts do not reach
            inside = holder is not box
            while parent is not None and parent is not box:
                if (counts.get(parent, 0) if inside else _date_lines(parent)) > 1:
                    break
                item, parent = parent, parent.getparent()
            items.setdefault(item)
        return list(items)
    lis = [li for li in box.iter("li") if li.find(".//a") is not None]
    if lis:
        return lis
    return [a for a in box.iter("a") if len(page.text(a)) >= 15]


def snippets(page: Page, box: etree._Element) -> list[Snippet]:
    found = []
    for item in _items(page, box):
        lines = page.lines(item)
        date_text = _date_text(page, item)
        match = find_date(date_text, with_time=False) if date_text else None
        views = view_count_in(date_text) or view_count_in(" ".join(lines))
        view_count = views[0] if views else None
        url = None
        link_lines: list[str] = []
        titles_attr: list[str] = []
        for a in item.iter("a"):
            href = page.absolute(a.get("href"))
            if href and url is None:
                url = href
            link_lines.extend(page.lines(a))
            if a.get("title"):
                titles_attr.append(clean(a.get("title")))
        teaser = _teaser(lines, link_lines, date_text)
        title = _title(page, item, link_lines, titles_attr, teaser, date_text)
        if title is None and url is None and teaser is None:
            continue
        found.append(Snippet(url, title, match.value if match else None, match.raw if match else None, view_count, teaser))
    return found


def _date_text(page: Page, item: etree._Element) -> str | None:
    """The snippet's date line ("04/12/2021 - 4 Lượt xem"): a short text holding a date."""
    for node, holder in dom.texts_with_holders(item):
        if node.isspace():
            continue
        text = clean(node)
        if len(text) < 60 and _DMY.search(text):
            if not len(holder) or page.min_length(holder) >= 60:
                # (a holder without child elements holds this text alone: its text is this one)
                return text
            wider = page.text(holder)
            return wider if len(wider) < 60 else text
    return None


def _is_label(line: str) -> bool:
    lowered = line.lower()
    return lowered.strip(" :»›") in markup.NON_TITLE_LINKS or lowered in markup.RELATED_LABELS


_PUNCT = " ()[]|-–—:,."


def _teaser(lines: list[str], link_lines: list[str], date_text: str | None) -> str | None:
    rest = []
    for line in lines:
        if _is_label(line):
            continue
        if line in link_lines and not line.endswith(("...", "…")):
            continue
        whole = line
        for remove in [date_text or "", *link_lines]:
            # a title or date line glued to the teaser's line, before or after it
            if remove and remove != line:
                if line.startswith(remove):
                    line = line[len(remove) :]
                elif line.endswith(remove):
                    line = line[: -len(remove)]
        if line is not whole:
            line = clean(line)  # (the lines are clean already)
        if line == (date_text or "") or not line.strip(_PUNCT):
            continue
        rest.append(line)
    dotted = [x for x in rest if x.endswith(("...", "…"))]
    if dotted:
        return max(dotted, key=len)
    plain = [x for x in rest if len(x) >= 40]
    return max(plain, key=len) if plain else None


def _title(
    page: Page, item: etree._Element, link_lines: list[str], titles_attr: list[str], teaser: str | None, date_line: str | None
) -> str | None:
    for line in link_lines:
        if line != teaser and line != date_line and not _is_label(line) and len(line) >= 5 and not _DMY.fullmatch(line):
            return line
    for value in titles_attr:
        if value and value != teaser:
            return value
    for img in item.iter("img"):
        alt = clean(img.get("alt"))
        if alt and len(alt) >= 5:
            return alt
    for h in item.iter("h2", "h3", "h4", "h5", "h6", "strong", "b"):
        text = page.text(h)
        if text and text != teaser and len(text) >= 5:
            return text
    return None
