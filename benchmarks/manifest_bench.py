"""Marginal cost per page of ``badinh-crawl extract --manifest``, against the bare lxml parse.

Run: .venv/bin/python benchmarks/manifest_bench.py [--pages 300] [--repeats 3] [--seed 7] [--jobs 1,0]

N pages of the extraction corpus (``corpus.py``; every (1000/N)-th page, so both eras) are written
to a temporary folder with a manifest of all N and one of their first 10. The command
``badinh-crawl extract --manifest FILE --quiet`` (stdout to /dev/null) is run on each manifest,
alternately, ``--repeats`` times; each run's whole-process time (wall, and the child's user +
system CPU from ``os.wait4``) is taken, and each side's fastest run counts:

    marginal cost per page = (time of N pages - time of 10 pages) / (N - 10)

That is the cost a page adds to a batch: reading its file, extracting every record, JSON-encoding
and writing them; the interpreter start, imports and the first page's warm-up cancel out. It is set
against the bare ``lxml.html.document_fromstring`` parse of the same N pages (mean per page of each
page's fastest of 3, timed in this process: the marginal cost is a mean too), against the
marginal cost of a process that only reads and parses the same files (``--parse-only``, run
alternately with the command, so that a change of the machine's speed during the run moves both
sides: the ratio to report), and against
``extract_page(...).records()`` in this process, both as one pass over the pages in order (what
the command does: each page once) and as each page's fastest of 3 (the extraction benchmark's
measure, caches warm), so the command's own overhead shows.

The same is then measured with ``--jobs`` (default: ``0``, one worker process per CPU core), wall
time only (the workers' CPU is not the command's child's): what a batch costs a user who has the
cores, next to the one-process figure that the per-page target is about.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import html

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import CorpusPage, load  # noqa: E402

from badinh_crawler.batch import worker_count  # noqa: E402
from badinh_crawler.extract import extract_page  # noqa: E402

CLI = Path(sys.executable).parent / "badinh-crawl"


def run_cli(manifest: Path, jobs: int = 1, parse_only: bool = False) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole ``extract --manifest`` process (or, with
    ``parse_only``, of one process that only parses the same files with ``lxml.html``)."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        if parse_only:
            command = [sys.executable, str(Path(__file__).resolve()), "--parse-only", str(manifest)]
        else:
            command = [str(CLI), "extract", "--manifest", str(manifest), "--quiet", "--jobs", str(jobs)]
        proc = subprocess.Popen(command, stdout=sink)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"extract --manifest {manifest} exited {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def per_page(pages: list[CorpusPage], fn: object, runs: int = 3) -> list[float]:
    """Each page's fastest of ``runs`` timings of ``fn(page)``."""
    times = []
    for page in pages:
        best = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            fn(page)  # type: ignore[operator]
            best = min(best, time.perf_counter() - start)
        times.append(best)
    return times


def parse_only(manifest: Path) -> int:
    """The floor's process: read each page of the manifest and parse it with ``lxml.html``, nothing else."""
    for line in manifest.read_text(encoding="utf-8").splitlines():
        _url, _, path = line.partition("\t")
        html.document_fromstring((manifest.parent / path).read_bytes())
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--parse-only"]:
        return parse_only(Path(sys.argv[2]))
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", default="0", help="--jobs values to measure after the one-process run, comma-separated")
    args = parser.parse_args()
    parallel = [int(x) for x in args.jobs.split(",") if x.strip() and int(x) != 1]
    if args.pages <= 10:
        raise SystemExit("--pages must be more than 10")
    corpus = load(1000, args.seed)
    step = max(1, len(corpus) // args.pages)
    pages = corpus[::step][: args.pages]
    n = len(pages)
    with tempfile.TemporaryDirectory(prefix="badinh-manifest-bench-") as tmp:
        folder = Path(tmp)
        lines = []
        for i, page in enumerate(pages):
            name = f"page-{i:04d}.html"
            (folder / name).write_bytes(page.body)
            lines.append(f"{page.url}\t{name}\n")
        small, large = folder / "ten.tsv", folder / "all.tsv"
        small.write_text("".join(lines[:10]), encoding="utf-8")
        large.write_text("".join(lines), encoding="utf-8")
        timings: dict[Path, list[tuple[float, float]]] = {small: [], large: []}
        floor: dict[Path, list[tuple[float, float]]] = {small: [], large: []}
        for _ in range(args.repeats):
            # the floor's processes alternate with the command's: both see the same machine
            for manifest in (small, large):
                timings[manifest].append(run_cli(manifest))
                floor[manifest].append(run_cli(manifest, parse_only=True))
        walls: dict[int, tuple[float, float]] = {}
        for jobs in parallel:
            runs = [(run_cli(small, jobs)[0], run_cli(large, jobs)[0]) for _ in range(args.repeats)]
            walls[jobs] = (min(r[0] for r in runs), min(r[1] for r in runs))
    wall_small, wall_large = min(w for w, _ in timings[small]), min(w for w, _ in timings[large])
    cpu_small, cpu_large = min(c for _, c in timings[small]), min(c for _, c in timings[large])
    marginal_wall = (wall_large - wall_small) / (n - 10)
    marginal_cpu = (cpu_large - cpu_small) / (n - 10)
    floor_small, floor_large = min(c for _, c in floor[small]), min(c for _, c in floor[large])
    marginal_floor = (floor_large - floor_small) / (n - 10)
    # one pass in page order first, as the command reads them (each page once, caches cold)
    started = time.perf_counter()
    for page in pages:
        extract_page(page.body, page.url, content_type=page.content_type).records()
    one_pass = (time.perf_counter() - started) / n
    parse_times = per_page(pages, lambda p: html.document_fromstring(p.body))
    ours_times = per_page(pages, lambda p: extract_page(p.body, p.url, content_type=p.content_type).records())
    # the marginal cost is a mean over the pages: it is set against means
    parse, ours = statistics.mean(parse_times), statistics.mean(ours_times)
    sizes = sorted(len(p.body) / 1024 for p in pages)
    print(f"pages: {n} corpus pages (one in {step}), KB median {statistics.median(sizes):.1f}")
    print(f"extract --manifest, whole process, fastest of {args.repeats}:")
    print(f"  10 pages: {wall_small:.2f} s wall, {cpu_small:.2f} s CPU")
    print(f"  {n} pages: {wall_large:.2f} s wall, {cpu_large:.2f} s CPU")
    print(f"  marginal cost per page: {marginal_wall * 1000:.2f} ms wall, {marginal_cpu * 1000:.2f} ms CPU")
    print(
        f"in this process, fastest of 3 runs a page, mean: lxml parse {parse * 1000:.3f} ms, extract_page "
        f"{ours * 1000:.3f} ms (medians {statistics.median(parse_times) * 1000:.3f} and "
        f"{statistics.median(ours_times) * 1000:.3f} ms)"
    )
    print(
        f"a process that only reads and parses the same files (lxml.html), alternating with the command: "
        f"{floor_small:.2f} s and {floor_large:.2f} s CPU, marginal {marginal_floor * 1000:.2f} ms a page"
    )
    print(
        f"marginal / the parse-only process's marginal: {marginal_cpu / marginal_floor:.2f}x CPU (extraction target: 2x; "
        f"against this process's parse timings: {marginal_wall / parse:.2f}x wall, {marginal_cpu / parse:.2f}x CPU)"
    )
    print(
        f"in this process, one pass in page order (each page once): extract_page {one_pass * 1000:.3f} ms a page; "
        f"marginal / that: {marginal_wall / one_pass:.2f}x (the command's own share: reading, JSON, writing)"
    )
    for jobs, (small_wall, large_wall) in walls.items():
        workers = worker_count(jobs)
        marginal = (large_wall - small_wall) / (n - 10)
        print(
            f"with --jobs {jobs} ({workers} worker processes): 10 pages {small_wall:.2f} s, {n} pages {large_wall:.2f} s wall; "
            f"marginal {marginal * 1000:.2f} ms a page = {marginal / marginal_floor:.2f}x the parse-only marginal, "
            f"{marginal_wall / marginal:.2f}x faster than one process"
        )
    print(
        f"command: .venv/bin/python benchmarks/manifest_bench.py --pages {args.pages} --repeats {args.repeats} "
        f"--seed {args.seed} --jobs {args.jobs}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
