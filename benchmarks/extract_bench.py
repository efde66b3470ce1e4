"""Extraction on the generated corpus: bare lxml parse vs our full extraction vs trafilatura, per page.

Run: .venv/bin/python benchmarks/extract_bench.py [--pages 1000] [--runs 3] [--trafilatura-runs 1] [--seed 7]

One process, one run. For each page of the corpus (see ``corpus.py``: both eras, 40-150 KB) the
three are timed alternately, run by run, so that all three see the same machine load:

(a) ``lxml.html.document_fromstring(bytes)``: the floor;
(b) ``extract_page(bytes, url, content_type=...)`` and its ``records()``: every record type;
(c) ``trafilatura.extract(bytes, url=url, with_metadata=True, output_format="json")``;
(d) ``template_reader.read(bytes, url)``: the cheapest Python reading of the same fields from the
    generated pages' two templates (see ``template_reader.py``), the extraction counterpart of the
    no-op spider; the fixture pages (other themes) have no (d).

Each page's time is the median of its runs; the report gives the median over pages of each, and
the median of the per-page ratios.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import trafilatura
from lxml import html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load
from template_reader import read as template_read

from badinh_crawler.extract import extract_page


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _ours(body: bytes, url: str, content_type: str | None) -> object:
    return extract_page(body, url, content_type=content_type).records()


def _agreement(result: Any, floor: dict[str, Any]) -> Counter[str]:
    """Which of the template reader's values equal our records' (so the floor reads as much as we do)."""
    found: Counter[str] = Counter(pages=1)
    article = result.article or {}
    for name in ("title", "sapo", "published_at", "view_count", "category"):
        found[name] += article.get(name) == floor[name]
    ours = [(r["title"], r["url"], r["date"], r["view_count"], r["teaser"]) for r in result.related]
    theirs = [(r["title"], r["url"], r["date"], r["view_count"], r["teaser"]) for r in floor["related"]]
    found["related rows"] += ours == theirs
    stats = result.site_stats
    found["visitor numbers"] += stats is not None and (stats["online_now"], stats["total_visits"]) == floor["stats"]
    return found


def machine_line() -> str:
    import os

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {platform.machine()}, {cpu}, Linux {platform.release()}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3, help="runs of (a) and (b) per page")
    parser.add_argument("--trafilatura-runs", type=int, default=1, help="runs of (c) per page")
    args = parser.parse_args()
    corpus = load(args.pages, args.seed)
    rows = []
    agree: Counter[str] = Counter()
    started = time.perf_counter()
    for page in corpus:
        body, url, ct = page.body, page.url, page.content_type
        extract_page(body, url, content_type=ct).records()  # warm-up (caches of the layout tables)
        parse_t: list[float] = []
        ours_t: list[float] = []
        traf_t: list[float] = []
        tmpl_t: list[float] = []
        result = extract_page(body, url, content_type=ct)
        # (the fixture pages are of other themes: the reader knows the generated pages' templates)
        floor = None if page.name.startswith("fixture-") else template_read(body, url)
        if floor is not None:
            agree.update(_agreement(result, floor))
        for run in range(max(args.runs, args.trafilatura_runs)):
            if run < args.runs:
                parse_t.append(_timed(partial(html.document_fromstring, body)))
                ours_t.append(_timed(partial(_ours, body, url, ct)))
                if floor is not None:
                    tmpl_t.append(_timed(partial(template_read, body, url)))
            if run < args.trafilatura_runs:
                traf_t.append(_timed(partial(trafilatura.extract, body, url=url, with_metadata=True, output_format="json")))
        tmpl = statistics.median(tmpl_t) if tmpl_t else None
        rows.append((page, statistics.median(parse_t), statistics.median(ours_t), statistics.median(traf_t), tmpl))
    elapsed = time.perf_counter() - started

    def med(values: list[float]) -> float:
        return statistics.median(values)

    sizes = [len(p.body) / 1024 for p, *_ in rows]
    print(f"machine: {machine_line()}")
    print(f"versions: lxml {version('lxml')}, trafilatura {version('trafilatura')}")
    print(f"corpus: {len(rows)} pages, KB min {min(sizes):.1f} / median {med(sizes):.1f} / max {max(sizes):.1f}")
    print(
        f"{'pages':22} {'n':>5} {'lxml ms':>8} {'ours ms':>8} {'traf ms':>8} {'tmpl ms':>8} {'ours/lxml':>10} "
        f"{'traf/ours':>10} {'tmpl/lxml':>10} {'ours/tmpl':>10}"
    )
    groups: dict[str, list[tuple[Any, float, float, float, float | None]]] = {"all": rows}
    for era in ("liferay", "htm", "other"):
        picked = [r for r in rows if r[0].era == era]
        if picked:
            groups[era] = picked
    for name, group in groups.items():
        p = med([r[1] for r in group]) * 1000
        o = med([r[2] for r in group]) * 1000
        t = med([r[3] for r in group]) * 1000
        ours_lxml = med([r[2] / r[1] for r in group])
        traf_ours = med([r[3] / r[2] for r in group])
        floors = [r for r in group if r[4] is not None]
        if floors:
            f = f"{med([r[4] for r in floors if r[4]]) * 1000:8.3f}"
            tmpl_lxml = f"{med([r[4] / r[1] for r in floors if r[4]]):9.2f}x"
            ours_tmpl = f"{med([r[2] / r[4] for r in floors if r[4]]):9.2f}x"
        else:
            f, tmpl_lxml, ours_tmpl = f"{'-':>8}", f"{'-':>10}", f"{'-':>10}"
        times = f"{p:8.3f} {o:8.3f} {t:8.3f} {f}"
        print(f"{name:22} {len(group):5d} {times} {ours_lxml:9.2f}x {traf_ours:9.1f}x {tmpl_lxml} {ours_tmpl}")
    print("(ms: median over pages of each page's median; ratios: median over pages of the per-page ratio)")
    pages_read = agree.pop("pages", 0)
    print(
        f"tmpl reads what ours reads, on the {pages_read} pages it reads: "
        + ", ".join(f"{field} {n}/{pages_read}" for field, n in sorted(agree.items()))
    )
    print(f"wall time {elapsed:.0f} s")
    print(
        f"command: .venv/bin/python benchmarks/extract_bench.py --pages {args.pages} --runs {args.runs} "
        f"--trafilatura-runs {args.trafilatura_runs} --seed {args.seed}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
