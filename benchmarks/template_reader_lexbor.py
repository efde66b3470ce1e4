"""The template reader (``template_reader.py``) on another HTML parser: lexbor, through selectolax.

Would a faster parser bring extraction under 2x the lxml parse? This reads the same fields of the
same two templates as ``template_reader.py`` (CSS selectors, each compiled by lexbor; the same
``clean`` and ``find_date``), from selectolax's lexbor tree instead of lxml's, and checks that it
reads the same values as the lxml template reader, the body's blocks and images included, on the
generated pages (on two fixture pages of broken markup the two parsers build different trees: an
HTML5 tree builder and libxml2's disagree where the markup is wrong).

Run: .venv/bin/python benchmarks/template_reader_lexbor.py [--pages 300]
(prints, per part, the median over pages in units of the ``lxml.html`` parse, each page's fastest of 3)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from lxml import html
from selectolax.lexbor import LexborHTMLParser, LexborNode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load
from template_reader import _count, add_timings, template_of
from template_reader import read as lxml_read

from badinh_crawler.extract.dates import find_date
from badinh_crawler.extract.text import clean

#: per template: the CSS selectors of the fields ``template_reader.TEMPLATES`` reads with XPath
TEMPLATES: dict[str, dict[str, str]] = {
    "liferay": {
        "title": "div.asset-full-content h1",
        "date": "span.news-date, span.metadata-publish-date",
        "views": "span.news-view, span.metadata-view-count",
        "category": "ul.breadcrumb > li:last-child > a",
        "sapo": "div.journal-content-article > div.sapo",
        "body": "div.asset-full-content div.journal-content-article",
        "rows": "div.tin-khac-list > div.item",
        "row_link": "h3 a",
        "row_date": "span.ngay-dang",
        "row_teaser": "p.mo-ta",
        "stats": "div.thongke-truycap span.so-lieu",
    },
    "htm": {
        "title": "h1.detail-title",
        "date": "span.detail-time, div.news-info > span.time",
        "views": "span.detail-view, div.news-info > span.view",
        "category": "ul.breadcrumb > li:last-child > a",
        "sapo": "h2.detail-sapo",
        "body": "div.detail-content",
        "rows": "div.list-news-related > div.news-item",
        "row_link": "h3 a",
        "row_date": "span.news-time",
        "row_views": "span.news-view",
        "row_teaser": "p.news-sapo",
        "stats": "ul.statistic-list span.value",
    },
}


def _first(node: Any, selector: str) -> str:
    found = node.css_first(selector)
    return found.text(deep=True) if found is not None else ""


def read(body: bytes, url: str, timings: dict[str, float] | None = None) -> dict[str, Any] | None:
    """The same dictionary as ``template_reader.read`` (None for a page of neither template)."""
    era = template_of(body)
    if era is None:
        return None
    t = TEMPLATES[era]
    clock = time.perf_counter
    start = clock()
    tree = LexborHTMLParser(body)
    parsed = clock()
    match = find_date(clean(_first(tree, t["date"])))
    out: dict[str, Any] = {
        "title": clean(_first(tree, t["title"])) or None,
        "sapo": clean(_first(tree, t["sapo"])) or None,
        "published_at": match.value if match else None,
        "view_count": _count(clean(_first(tree, t["views"]))),
        "category": clean(_first(tree, t["category"])) or None,
    }
    article = clock()
    blocks: list[str] = []
    images: list[tuple[str | None, str | None]] = []
    container = tree.css_first(t["body"])
    if container is not None:
        for el in container.iter():
            text = clean(el.text(deep=True))
            if text:
                blocks.append(text)
        for img in container.css("img"):
            attrs = img.attributes
            images.append((urljoin(url, attrs.get("src") or ""), clean(attrs.get("alt")) or None))
    out["body"] = blocks
    out["images"] = images
    body_done = clock()
    related = []
    seen: set[tuple[str | None, str]] = set()
    for row in tree.css(t["rows"]):
        date_line = clean(_first(row, t["row_date"]))
        found = find_date(date_line, with_time=False)
        views_line = clean(_first(row, t["row_views"])) if "row_views" in t else date_line.partition(" - ")[2]
        link: LexborNode | None = row.css_first(t["row_link"])
        title = (clean(link.text(deep=True)) or None) if link is not None else None
        href = urljoin(url, (link.attributes.get("href") or "") if link is not None else "")
        if (title, href) in seen:
            continue
        seen.add((title, href))
        related.append(
            {
                "title": title,
                "url": href,
                "date": found.value if found else None,
                "view_count": _count(views_line),
                "teaser": clean(_first(row, t["row_teaser"])) or None,
            }
        )
    out["related"] = related
    related_done = clock()
    numbers = [_count(node.text()) for node in tree.css(t["stats"])]
    out["stats"] = tuple(numbers) if len(numbers) == 2 else None
    if timings is not None:
        add_timings(timings, (start, parsed, article, body_done, related_done, clock()))
    return out


def _best(fn: Any, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    shares: dict[str, list[float]] = {}
    same = pages = 0
    for page in load(args.pages, args.seed):
        # (the generated pages only, as in extract_bench.py: the fixture pages are of other themes)
        if page.name.startswith("fixture-") or template_of(page.body) is None:
            continue
        pages += 1
        body, url = page.body, page.url
        lxml_parse = _best(lambda body=body: html.document_fromstring(body))
        shares.setdefault("lexbor parse alone", []).append(_best(lambda body=body: LexborHTMLParser(body)) / lxml_parse)
        on_lxml = _best(lambda body=body, url=url: lxml_read(body, url))
        shares.setdefault("template reader on lxml", []).append(on_lxml / lxml_parse)
        best: dict[str, float] = {}
        for _ in range(3):
            timings: dict[str, float] = {}
            read(body, url, timings)
            best = timings if not best else {k: min(v, timings[k]) for k, v in best.items()}
        for name, seconds in best.items():
            shares.setdefault(f"  {name}", []).append(seconds / lxml_parse)
        shares.setdefault("template reader on lexbor", []).append(sum(best.values()) / lxml_parse)
        same += read(body, url) == lxml_read(body, url)
    print("units of the lxml.html parse, median over pages (each page's fastest of 3):")
    for name, values in shares.items():
        print(f"  {name:28} {statistics.median(values):5.2f}x")
    print(f"the lexbor reader reads what the lxml reader reads (every field, body and images too): {same}/{pages} pages")
    print(f"command: .venv/bin/python benchmarks/template_reader_lexbor.py --pages {args.pages} --seed {args.seed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
