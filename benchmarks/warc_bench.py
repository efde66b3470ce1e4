"""Archive re-extraction: records per second from a WARC of N pages (default 10,000), one core.

Builds the WARC once (the bundled mirror's article and listing pages, as a crawl's ``--warc-out``
would write them), then times ``badinh_crawler.archive.warc_in.extract_warc`` over it: reading,
decoding and extracting every HTML response. No network.

Run: .venv/bin/python benchmarks/warc_bench.py [--pages 10000] [--jobs 0]

After the one-core run, the same WARC is read again with ``extract_warc(path, jobs=N)`` for each
``--jobs`` value (default ``0``: a worker process per CPU core), wall time only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from badinh_crawler.archive.errors import ArchiveProblem  # noqa: E402
from badinh_crawler.archive.warc_in import extract_warc  # noqa: E402
from badinh_crawler.archive.warc_out import WarcWriter  # noqa: E402
from badinh_crawler.batch import worker_count  # noqa: E402
from badinh_crawler.mirror import Mirror  # noqa: E402

BASE = "https://badinh.hanoi.gov.vn"


def build(directory: Path, pages: int) -> tuple[list[Path], int]:
    site = Mirror(seed=5, articles=max(30, pages))
    targets = [a.path for a in site.articles][:pages]
    written = 0
    with WarcWriter(directory, max_bytes=10**10) as writer:
        for target in targets:
            answer = site.render("GET", target).with_base(BASE)
            if answer.status != 200:
                continue
            headers = [(k, v) for k, v in answer.headers.items()]
            writer.write_exchange(
                BASE + target, "GET", [("User-Agent", "badinh-crawler")], b"", 200, "OK", headers, answer.body,
                fetched_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC),
            )  # fmt: skip
            written += 1
        paths = list(writer.paths)
    return [Path(p) for p in paths], written


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--jobs", default="0", help="extract_warc jobs values to time after the one-core run, comma-separated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="badinh-warc-bench-") as tmp:
        started = time.perf_counter()
        paths, written = build(Path(tmp), args.pages)
        size = sum(p.stat().st_size for p in paths)
        print(f"WARC: {written} responses, {size / 2**20:.0f} MB gzip, built in {time.perf_counter() - started:.1f} s")
        pages = records = problems = 0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for path in paths:
            for entry in extract_warc(path):
                if isinstance(entry, ArchiveProblem):
                    problems += 1
                    continue
                pages += 1
                records += len(entry.records)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        parallel: dict[int, tuple[int, float]] = {}
        for jobs in (int(x) for x in args.jobs.split(",") if x.strip() and int(x) != 1):
            done, wall_jobs = 0, time.perf_counter()
            for path in paths:
                entries = extract_warc(path, jobs=worker_count(jobs))
                done += sum(1 for entry in entries if not isinstance(entry, ArchiveProblem))
            parallel[jobs] = (done, time.perf_counter() - wall_jobs)
    print(f"re-extraction: {pages} pages, {records} records, {problems} problems in {wall:.1f} s wall, {cpu:.1f} s CPU")
    print(f"  {pages / cpu:.0f} pages/s and {records / cpu:.0f} records/s per CPU second (target: 200 pages/s on one core)")
    for jobs, (done, seconds) in parallel.items():
        workers = worker_count(jobs)
        print(
            f"  with jobs={jobs} ({workers} worker processes, this one reading): {done} pages in {seconds:.1f} s wall, "
            f"{done / seconds:.0f} pages/s ({wall / seconds:.2f}x the one-process wall time)"
        )
    print(f"command: .venv/bin/python benchmarks/warc_bench.py --pages {args.pages} --jobs {args.jobs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
