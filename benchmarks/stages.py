"""Where ``extract_page``'s time goes: each stage's time over the corpus, in units of the bare parse.

Wraps the stage functions that ``extract_page`` calls (and, inside them, the class index and the
body's text-node index, built by whichever stage asks first) with timers, then extracts the corpus
pages of section 1 and times ``lxml.html`` parsing the same bytes, each page once, no profiler.
The stages nest: the two indexes' time is also in the stage that built them.

Run: .venv/bin/python benchmarks/stages.py [--pages 300] [--era liferay|htm]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load

import badinh_crawler.extract as extract
from badinh_crawler.extract import classes, fields, widgets
from badinh_crawler.extract.page import Page

spent: dict[str, float] = defaultdict(float)


def _timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - start

    return timed


def instrument() -> None:
    for name in ("decode_html_exact", "parse_html_checked", "_article", "_related"):
        setattr(extract, name, _timed(name, getattr(extract, name)))
    for name in ("visitor_stats", "mark_galleries", "related_boxes", "unlabelled_related"):
        setattr(widgets, name, _timed(name, getattr(widgets, name)))
    for name in ("choose_layout", "generic_body", "title"):
        setattr(fields, name, _timed(name, getattr(fields, name)))
    build = Page.build.__func__  # type: ignore[attr-defined]
    Page.build = classmethod(_timed("Page.build", build))  # type: ignore[method-assign, assignment]
    classes.ClassIndex.__init__ = _timed("  (class index, in the stage that built it)", classes.ClassIndex.__init__)  # type: ignore[method-assign]
    Page._body_index = _timed("  (body text-node index, in the stage that built it)", Page._body_index)  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--era", choices=("liferay", "htm"))
    args = parser.parse_args(argv)
    pages = [page for page in load() if args.era is None or page.url.endswith(".htm") == (args.era == "htm")][: args.pages]
    instrument()
    parse = total = 0.0
    for page in pages:
        start = time.perf_counter()
        html.document_fromstring(page.body)
        parse += time.perf_counter() - start
        start = time.perf_counter()
        result = extract.extract_page(page.body, page.url, content_type=page.content_type)
        mid = time.perf_counter()
        result.records()
        end = time.perf_counter()
        total += end - start
        spent["records()"] += end - mid
    print(
        f"{len(pages)} corpus pages{' of the ' + args.era + ' era' if args.era else ''}; the bare parse "
        f"{parse / len(pages) * 1e3:.2f} ms a page; units of it:"
    )
    print(f"extract_page{'':44} {total / parse:5.2f}x   (the sum over the pages; the benchmark gives the median of ratios)")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {label:54} {seconds / parse:5.2f}x")
    era = f" --era {args.era}" if args.era else ""
    print(f"command: .venv/bin/python benchmarks/stages.py --pages {args.pages}{era}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
