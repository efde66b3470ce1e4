"""The extraction counterpart of the no-op spider: the cheapest Python reading of the corpus pages.

It knows the two templates of the generated corpus and reads their fields with one compiled
XPath each (compiled once, at import): title, lead, date, view count, category, the body
container's child blocks as cleaned text with their images, each related row (title, link, date,
view count, teaser) and the visitor widget's two numbers. No content cues, no page-furniture
checks, no byline, captions, Q&A pairs, headings, canonical URLs or records: about what reading
these fields from these pages costs a Python extractor on lxml, before any of the work that makes
an extractor read markup it does not know.

It is a measuring stick for ``extract_bench.py`` (column "tmpl"), never an extractor: it reads
nothing of a page of any other markup. ``extract_bench.py`` checks that it reads the values our
extractor reads (title, lead, date, view count, category, related rows, visitor numbers), so the
floor is not cheap by reading less.

Run alone: .venv/bin/python benchmarks/template_reader.py [--pages 200]  (prints the split per part)
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from badinh_crawler.extract.dates import find_date
from badinh_crawler.extract.text import clean

_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True, encoding="utf-8")


def _first(path: str) -> etree.XPath:
    """The string value of the first node ``path`` selects ("" when none)."""
    return etree.XPath(f"string(({path})[1])")


def _cls(name: str) -> str:
    """An XPath predicate: the class attribute holds ``name`` (the templates' class words are unique)."""
    return f"[contains(@class, '{name}')]"


#: per template: the field paths, and the related rows' paths relative to a row
TEMPLATES: dict[str, dict[str, Any]] = {
    "liferay": {
        "title": _first(f"//div{_cls('asset-full-content')}//h1"),
        "date": _first(f"//span{_cls('news-date')}|//span{_cls('metadata-publish-date')}"),
        "views": _first(f"//span{_cls('news-view')}|//span{_cls('metadata-view-count')}"),
        "category": _first(f"//ul{_cls('breadcrumb')}/li[last()]/a"),
        "sapo": _first(f"//div{_cls('journal-content-article')}/div{_cls('sapo')}"),
        "body": etree.XPath(f"(//div{_cls('asset-full-content')}//div{_cls('journal-content-article')})[1]"),
        "rows": etree.XPath(f"//div{_cls('tin-khac-list')}/div{_cls('item')}"),
        "row_title": _first(".//h3/a"),
        "row_href": _first(".//h3/a/@href"),
        "row_date": _first(f".//span{_cls('ngay-dang')}"),
        "row_teaser": _first(f".//p{_cls('mo-ta')}"),
        "stats": etree.XPath(f"//div{_cls('thongke-truycap')}//span{_cls('so-lieu')}/text()", smart_strings=False),
    },
    "htm": {
        "title": _first(f"//h1{_cls('detail-title')}"),
        "date": _first(f"//span{_cls('detail-time')}|//div{_cls('news-info')}/span[@class='time']"),
        "views": _first(f"//span{_cls('detail-view')}|//div{_cls('news-info')}/span[@class='view']"),
        "category": _first(f"//ul{_cls('breadcrumb')}/li[last()]/a"),
        "sapo": _first(f"//h2{_cls('detail-sapo')}"),
        "body": etree.XPath(f"(//div{_cls('detail-content')})[1]"),
        "rows": etree.XPath(f"//div{_cls('list-news-related')}/div{_cls('news-item')}"),
        "row_title": _first(".//h3/a"),
        "row_href": _first(".//h3/a/@href"),
        "row_date": _first(f".//span{_cls('news-time')}"),
        "row_views": _first(f".//span{_cls('news-view')}"),
        "row_teaser": _first(f".//p{_cls('news-sapo')}"),
        "stats": etree.XPath(f"//ul{_cls('statistic-list')}//span{_cls('value')}/text()", smart_strings=False),
    },
}

_NUMBER = re.compile(r"\d[\d.]*")


def _count(text: str) -> int | None:
    found = _NUMBER.search(text)
    return int(found.group(0).replace(".", "")) if found else None


def template_of(body: bytes) -> str | None:
    if b"asset-full-content" in body:
        return "liferay"
    if b"detail-content" in body:
        return "htm"
    return None


def read(body: bytes, url: str, timings: dict[str, float] | None = None) -> dict[str, Any] | None:
    """The template's fields of one page (None for a page of neither template).

    ``timings``: when given, the seconds of each part are added to it (parse, article, body,
    related, stats)."""
    era = template_of(body)
    if era is None:
        return None
    t = TEMPLATES[era]
    clock = time.perf_counter
    start = clock()
    root = etree.fromstring(body, _PARSER)
    parsed = clock()
    date_raw = clean(t["date"](root))
    match = find_date(date_raw)
    out: dict[str, Any] = {
        "title": clean(t["title"](root)) or None,
        "sapo": clean(t["sapo"](root)) or None,
        "published_at": match.value if match else None,
        "view_count": _count(clean(t["views"](root))),
        "category": clean(t["category"](root)) or None,
    }
    article = clock()
    blocks: list[str] = []
    images: list[tuple[str | None, str | None]] = []
    for container in t["body"](root):
        for el in container:
            text = clean(etree.tostring(el, method="text", encoding=str, with_tail=False))
            if text:
                blocks.append(text)
        for img in container.iter("img"):
            images.append((urljoin(url, img.get("src") or ""), clean(img.get("alt")) or None))
    out["body"] = blocks
    out["images"] = images
    body_done = clock()
    related = []
    seen: set[tuple[str | None, str]] = set()
    for row in t["rows"](root):
        date_line = clean(t["row_date"](row))
        found = find_date(date_line, with_time=False)
        views_line = clean(t["row_views"](row)) if "row_views" in t else date_line.partition(" - ")[2]
        title = clean(t["row_title"](row)) or None
        link = urljoin(url, t["row_href"](row))
        if (title, link) in seen:
            continue
        seen.add((title, link))
        related.append(
            {
                "title": title,
                "url": link,
                "date": found.value if found else None,
                "view_count": _count(views_line),
                "teaser": clean(t["row_teaser"](row)) or None,
            }
        )
    out["related"] = related
    related_done = clock()
    numbers = [_count(x) for x in t["stats"](root)]
    out["stats"] = tuple(numbers) if len(numbers) == 2 else None
    if timings is not None:
        add_timings(timings, (start, parsed, article, body_done, related_done, clock()))
    return out


#: the parts of a reading, timed in this order
PARTS = ("parse", "article fields", "body", "related", "stats")


def add_timings(timings: dict[str, float], clocks: tuple[float, ...]) -> None:
    """Adds each part's seconds to ``timings``: ``clocks`` are the times before the first part and
    after each part."""
    for name, begun, ended in zip(PARTS, clocks, clocks[1:], strict=False):
        timings[name] = timings.get(name, 0.0) + ended - begun


def main() -> int:
    import argparse
    import statistics
    import sys
    from pathlib import Path

    from lxml import html

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from corpus import load

    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    shares: dict[str, list[float]] = {}
    for page in load(args.pages, args.seed):
        if template_of(page.body) is None:
            continue
        best_parse = min(_timed(partial(html.document_fromstring, page.body)) for _ in range(3))
        best: dict[str, float] = {}
        for _ in range(3):
            timings: dict[str, float] = {}
            read(page.body, page.url, timings)
            best = timings if not best else {k: min(v, timings[k]) for k, v in best.items()}
        for name, seconds in best.items():
            shares.setdefault(name, []).append(seconds / best_parse)
        shares.setdefault("total", []).append(sum(best.values()) / best_parse)
    print("the template reader, per part, in units of the lxml.html parse (median over pages):")
    for name, values in shares.items():
        print(f"  {name:16} {statistics.median(values):5.2f}x")
    print(f"command: .venv/bin/python benchmarks/template_reader.py --pages {args.pages} --seed {args.seed}")
    return 0


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    raise SystemExit(main())
