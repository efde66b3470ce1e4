"""Start-up: the whole-process time of ``badinh-crawl extract`` on one saved page.

A researcher's script that calls the command once per file pays the interpreter's start and the
imports on every page: this is what it pays. Side by side, alternately, on the same page:
(a) the floor: ``python -c`` importing ``lxml.html`` and parsing the page; (b) ours:
``badinh-crawl extract --url URL PAGE``; (c) ``badinh-crawl --version`` (start-up alone);
(d) ``trafilatura --json --with-metadata < PAGE``, what a user would pick instead; and, with
``--compare-to DIR``, (e) ``extract`` from another checkout of the project (the same interpreter
and packages), to set a change against the code before it.

Run: .venv/bin/python benchmarks/startup_bench.py [--runs 15] [--compare-to DIR]
(prints each side's median and fastest wall time over the runs, and the medians' ratio to the floor)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "fixtures" / "seed-interview-liferay" / "page.html"
URL = json.loads((PAGE.parent / "meta.json").read_text(encoding="utf-8"))["url"]
BIN = Path(sys.executable).parent

FLOOR = "import sys, lxml.html; lxml.html.document_fromstring(open(sys.argv[1], 'rb').read())"
#: ``badinh-crawl`` from the checkout given as the first argument
FROM_CHECKOUT = "import sys; sys.path.insert(0, sys.argv.pop(1)); from badinh_crawler.cli import main; sys.exit(main())"


def sides(compare_to: Path | None) -> dict[str, tuple[list[str], Path | None]]:
    """name -> (command, file on standard input)."""
    ours = [str(BIN / "badinh-crawl")]
    found: dict[str, tuple[list[str], Path | None]] = {
        "floor (python + lxml parse)": ([sys.executable, "-c", FLOOR, str(PAGE)], None),
        "badinh-crawl extract": ([*ours, "extract", "--url", URL, str(PAGE)], None),
        "badinh-crawl --version": ([*ours, "--version"], None),
    }
    if (BIN / "trafilatura").exists():
        found["trafilatura --json --with-metadata"] = ([str(BIN / "trafilatura"), "--json", "--with-metadata"], PAGE)
    if compare_to is not None:
        found[f"extract from {compare_to}"] = (
            [sys.executable, "-c", FROM_CHECKOUT, str(compare_to.resolve()), "extract", "--url", URL, str(PAGE)],
            None,
        )
    return found


def timed(command: list[str], stdin: Path | None) -> float:
    start = time.perf_counter()
    with open(stdin if stdin is not None else "/dev/null", "rb") as source:
        subprocess.run(command, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--compare-to", type=Path, metavar="DIR", help="another checkout of the project")
    args = parser.parse_args(argv)
    commands = sides(args.compare_to)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command, stdin in commands.values():
        timed(command, stdin)  # warm the file cache and the bytecode caches
    for _ in range(args.runs):
        for name, (command, stdin) in commands.items():
            times[name].append(timed(command, stdin))
    floor = statistics.median(times["floor (python + lxml parse)"])
    print(f"page: {PAGE.relative_to(ROOT)} ({PAGE.stat().st_size / 1024:.0f} KB); {args.runs} runs a side, alternately")
    print(f"{'side':44} {'median s':>9} {'fastest s':>10} {'/ floor':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:44} {median:9.3f} {min(values):10.3f} {median / floor:7.1f}x")
    compare = f" --compare-to {args.compare_to}" if args.compare_to is not None else ""
    print(f"command: .venv/bin/python benchmarks/startup_bench.py --runs {args.runs}{compare}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
