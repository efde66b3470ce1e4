"""Per-page extraction time next to bare lxml parsing of the same bytes, in one process.

Run: .venv/bin/python benchmarks/extract_vs_lxml.py [--runs N]
Pages: every fixture page (both eras and the unknown themes). Nothing is fetched. The bare parse
and the extraction of a page are timed alternately, run by run, so that both see the same load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from lxml import html

from badinh_crawler.extract import extract_page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def median_ms(first, second, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median times of two functions, run alternately: on a shared machine both see the same load."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, found in zip((first, second), times, strict=True):
            start = time.perf_counter()
            fn()
            found.append(time.perf_counter() - start)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rows = []
    for folder in sorted(p for p in FIXTURES.iterdir() if (p / "page.html").exists()):
        body = (folder / "page.html").read_bytes()
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        url, ct = meta["url"], meta.get("content_type")
        extract_page(body, url, content_type=ct)  # warm-up
        parse, ours = median_ms(
            lambda body=body: html.document_fromstring(body),
            lambda body=body, url=url, ct=ct: extract_page(body, url, content_type=ct),
            args.runs,
        )
        rows.append((folder.name, len(body), parse, ours))
    print(f"{'page':34} {'KB':>5} {'lxml ms':>8} {'ours ms':>8} {'ratio':>6}")
    for name, size, parse, ours in rows:
        print(f"{name:34} {size / 1024:5.1f} {parse:8.3f} {ours:8.3f} {ours / parse:6.2f}")
    ratios = [o / p for _, _, p, o in rows]
    print(f"median ratio over {len(rows)} pages: {statistics.median(ratios):.2f}x  (python {sys.version.split()[0]})")
    print(f"command: .venv/bin/python benchmarks/extract_vs_lxml.py --runs {args.runs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
