"""Does our crawl's cost per page grow as the crawl goes on? CPU per page, window by window.

Run: .venv/bin/python benchmarks/crawl_windows.py [--pages 50000] [--window 5000] [--seed 5]

Our crawl of a mirror served by nginx (built and served as in ``crawl_bench.py``), run in this
process (``badinh_crawler.cli.main``) with timers around the parts that could grow with the crawl:
the extraction, the three item pipelines, following links and the state's SQLite calls (these run
inside the pipelines and the spider, so they are also in those figures). Every ``--window`` pages
(responses that reach the spider's ``parse``) it prints the process's CPU per page in that window,
the cycle collector's share, and each part's. The timers add their own cost, the same in every window.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from crawl_bench import Site, free_port, mirror_for, prerender, serving, side_commands  # noqa: E402

from badinh_crawler import pipelines, state  # noqa: E402
from badinh_crawler.cli import main as cli_main  # noqa: E402
from badinh_crawler.spiders import badinh  # noqa: E402

spent: dict[str, float] = {}
clock = time.process_time


def _timed(owner: Any, name: str, label: str) -> None:
    function = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + clock() - start

    setattr(owner, name, timed)


def _timed_generator(owner: Any, name: str, label: str) -> None:
    function = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
        items = function(*args, **kwargs)
        while True:
            start = clock()
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                spent[label] = spent.get(label, 0.0) + clock() - start
            yield item

    setattr(owner, name, timed)


def instrument(window: int) -> Callable[[], int]:
    """Wrap the parts with timers and the spider's ``parse`` with the window report; returns the
    count of pages seen."""
    _timed(badinh, "extract_page", "extract_page")
    _timed_generator(badinh.BadinhSpider, "_follow", "follow")
    for stage in (pipelines.NormalisePipeline, pipelines.ValidatePipeline, pipelines.OutputPipeline):
        _timed(stage, "process_item", stage.__name__.removesuffix("Pipeline").lower())
    for method in ("enqueue", "mark", "is_finished", "was_emitted", "commit_record", "commit", "article"):
        _timed(state.CrawlState, method, f"state.{method}")
    collected = [0.0, 0.0]  # seconds in the collector, start of the current collection

    def on_gc(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            collected[1] = clock()
        else:
            collected[0] += clock() - collected[1]

    gc.callbacks.append(on_gc)
    pages = [0]
    last = {"cpu": clock(), "gc": 0.0, **spent}
    parse = badinh.BadinhSpider.parse

    def report() -> None:
        now = clock()
        parts = " ".join(f"{k} {(v - last.get(k, 0.0)) * 1000 / window:.3f}" for k, v in sorted(spent.items()))
        print(
            f"[{pages[0]:6d}] CPU {(now - last['cpu']) * 1000 / window:.2f} ms/page, collector "
            f"{(collected[0] - last['gc']) * 1000 / window:.3f}; {parts}",
            flush=True,
        )
        last.update(spent, cpu=now, gc=collected[0])

    def counted(self: Any, response: Any, **kwargs: Any) -> Iterator[Any]:
        pages[0] += 1
        if pages[0] % window == 0:
            report()
        yield from parse(self, response, **kwargs)

    badinh.BadinhSpider.parse = counted  # type: ignore[method-assign]
    return lambda: pages[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50000, help="mirror size in pages")
    parser.add_argument("--window", type=int, default=5000, help="pages per report")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("nginx") is None:
        print("nginx is needed: apt-get install -y nginx", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix=f"badinh-crawl-windows-{args.pages}-"))
    try:
        port = free_port()
        site = Site(root=work / "site", base=f"http://127.0.0.1:{port}")
        prerender(mirror_for(args.pages, args.seed), site)
        gc.collect()
        with serving(site, work, port):
            seen = instrument(args.window)
            _noop, ours = side_commands(site, work / "out")
            code = cli_main(ours[1:])  # (the same command, run in this process)
            print(f"exit {code}, {seen()} pages")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"command: .venv/bin/python benchmarks/crawl_windows.py --pages {args.pages} --window {args.window} --seed {args.seed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
