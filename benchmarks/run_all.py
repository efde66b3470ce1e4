"""Run the benchmarks (the issue's five, the template reader on lexbor, the crawl with both sides at
once, start-up) and rewrite their sections of ``benchmarks/RESULTS.md``.

Run: make bench
 or: .venv/bin/python benchmarks/run_all.py [--only extract,lexbor,dates,crawl,paired,warc,manifest,startup]
           [--crawl-sizes ...] [--paired-sizes ...]

Each benchmark's output goes between its ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``
markers, with the machine, the versions and the exact command; everything outside the markers
(the analysis, the profiles, the history of earlier rounds) is left as it is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PY = ".venv/bin/python"


def machine() -> str:
    import psutil

    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    memory = psutil.virtual_memory().total / 2**30
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.machine()}, Linux {platform.release()}, "
        f"Python {platform.python_version()}; load average {load:.2f} at the start"
    )


def versions() -> str:
    from importlib.metadata import version

    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().removeprefix("nginx version: ")
    return (
        f"lxml {version('lxml')}, trafilatura {version('trafilatura')}, dateparser {version('dateparser')}, "
        f"Scrapy {version('Scrapy')}, selectolax {version('selectolax')}, orjson {version('orjson')}, {nginx}"
    )


def run(name: str, argv: list[str]) -> str:
    command = " ".join([PY, *argv])
    print(f"== {name}: {command}", flush=True)
    where = f"Machine: {machine()}. Versions: {versions()}."
    started = time.perf_counter()
    out = subprocess.run([sys.executable, *argv], cwd=HERE.parent, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"{name} failed (exit {out.returncode})")
    print(out.stdout, flush=True)
    took = time.perf_counter() - started
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    runner = " ".join([PY, "benchmarks/run_all.py", *sys.argv[1:]])  # `make bench` runs it without arguments
    return f"Finished {stamp}, by `{runner}` ({took / 60:.1f} min). {where}\n\n```\n{out.stdout.rstrip()}\n```\n"


def replace_section(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- bench:{name} -->\n).*?(<!-- /bench:{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"RESULTS.md has no <!-- bench:{name} --> section")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="extract,lexbor,dates,crawl,paired,warc,manifest,startup")
    parser.add_argument("--pages", type=int, default=1000, help="corpus pages of the extraction benchmark")
    parser.add_argument("--crawl-sizes", default="2000,10000,50000")
    parser.add_argument("--paired-sizes", default="50000", help="sizes of the crawl with both sides at once")
    args = parser.parse_args()
    wanted = args.only.split(",")
    sections: dict[str, str] = {}
    if "extract" in wanted:
        sections["extract"] = run("extraction", ["benchmarks/extract_bench.py", "--pages", str(args.pages)])
    if "lexbor" in wanted:
        sections["lexbor"] = run("template reader on lexbor", ["benchmarks/template_reader_lexbor.py", "--pages", "300"])
    if "dates" in wanted:
        sections["dates"] = run("dates", ["benchmarks/dates_bench.py"])
    if "crawl" in wanted:
        sections["crawl"] = run("crawl", ["benchmarks/crawl_bench.py", "--sizes", args.crawl_sizes, "--jobs", "2"])
    if "paired" in wanted:
        argv = ["benchmarks/crawl_paired.py", "--sizes", args.paired_sizes, "--runs", "2"]
        sections["paired"] = run("crawl, both sides at once", argv)
    if "warc" in wanted:
        sections["warc"] = run("archive re-extraction", ["benchmarks/warc_bench.py", "--pages", "10000"])
    if "manifest" in wanted:
        sections["manifest"] = run("extract --manifest", ["benchmarks/manifest_bench.py", "--pages", "300"])
    if "startup" in wanted:
        sections["startup"] = run("start-up", ["benchmarks/startup_bench.py", "--runs", "15"])
    text = RESULTS.read_text(encoding="utf-8")
    for name, body in sections.items():
        text = replace_section(text, name, body)
    RESULTS.write_text(text, encoding="utf-8")
    print(f"rewrote {', '.join(sections)} in {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
