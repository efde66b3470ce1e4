"""Our crawl and the no-op spider at the same time, each on a core of its own, on one nginx mirror.

Run: .venv/bin/python benchmarks/crawl_paired.py [--sizes 10000,50000] [--seed 5] [--runs 2]

``crawl_bench.py`` runs the two sides one after the other, and on a shared machine the speed moves
between two runs of several minutes by as much as the gap it measures. Here both crawl the same
mirror at once (the mirror, nginx and both commands as in ``crawl_bench.py``), each pinned to one
core (``sched_setaffinity``), so a slow spell slows both; the next run swaps the cores. nginx runs
on either core, so both sides are slower than alone; their ratio is the figure. It is taken while
both are crawling: once one side is done, the other has nginx to itself.

Each side's requests are told apart in nginx's access log by their User-Agent. Needs two usable
cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from crawl_bench import (  # noqa: E402
    Site,
    _log_lines,
    _peak_rss_kib,
    free_port,
    mirror_for,
    prerender,
    served,
    serving,
    side_commands,
)

#: how each side's requests are told apart in the access log
OUR_AGENT = "badinh-crawler/"


def _pinned(core: int) -> Callable[[], None]:
    def pin() -> None:
        os.sched_setaffinity(0, {core})

    return pin


def paired_run(site: Site, work: Path, cores: tuple[int, int]) -> dict[str, dict[str, float]]:
    """One run of both sides at once: noop on ``cores[0]``, ours on ``cores[1]``."""
    access = work / "access.log"
    offset = access.stat().st_size if access.exists() else 0
    shutil.rmtree(work / "out", ignore_errors=True)
    noop, ours = side_commands(site, work / "out")
    commands = {"noop": noop, "ours": ours}
    started = time.perf_counter()
    children = {}
    for (name, cmd), core in zip(commands.items(), cores, strict=True):
        with (work / f"{name}.log").open("wb") as log:  # (the child keeps its own copy of the file)
            children[name] = subprocess.Popen(
                cmd, cwd=work / "cwd", stdout=log, stderr=subprocess.STDOUT, preexec_fn=_pinned(core)
            )
    found: dict[str, dict[str, float]] = {name: {"core": core} for name, core in zip(commands, cores, strict=True)}
    peaks = dict.fromkeys(children, 0)
    left = {child.pid: name for name, child in children.items()}
    while left:
        for pid, name in list(left.items()):
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                found[name].update(
                    cpu=usage.ru_utime + usage.ru_stime,
                    wall=time.perf_counter() - started,
                    exit=os.waitstatus_to_exitcode(status),
                )
                del left[pid]
            else:
                peaks[name] = max(peaks[name], _peak_rss_kib(pid))
        time.sleep(0.1)
    time.sleep(0.2)  # nginx writes its log line after the response
    lines, _ = _log_lines(access, offset)
    sides = {"noop": [line for line in lines if OUR_AGENT not in line], "ours": [line for line in lines if OUR_AGENT in line]}
    spans = {}
    for name, side in sides.items():
        if found[name]["exit"] not in (0, 3) or not side:
            tail = (work / f"{name}.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"{name}: exit {found[name]['exit']:.0f}, {len(side)} requests served; its log ends:\n{tail}")
        requests, _statuses, seconds = served(side)
        found[name].update(requests=requests, seconds=seconds, peak_mb=peaks[name] / 1024)
        stamps = [float(line.split()[0]) for line in side]
        spans[name] = (min(stamps), max(stamps))
    # while both were crawling: the side that finished first no longer competes for nginx after
    start, end = max(s[0] for s in spans.values()), min(s[1] for s in spans.values())
    if end <= start:
        raise SystemExit("the two sides did not crawl at the same time: no ratio to give")
    for name, side in sides.items():
        inside = [line for line in side if start <= float(line.split()[0]) <= end]
        found[name]["overlap_requests"] = served(inside)[0]
        found[name]["overlap_seconds"] = end - start
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000", help="mirror sizes in pages, comma-separated")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--runs", type=int, default=2, help="paired runs per size, the cores swapped each time")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2 or shutil.which("nginx") is None:
        print("needs two usable cores and nginx (apt-get install -y nginx)", file=sys.stderr)
        return 2
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        work = Path(tempfile.mkdtemp(prefix=f"badinh-crawl-paired-{size}-"))
        try:
            port = free_port()
            site = Site(root=work / "site", base=f"http://127.0.0.1:{port}")
            prerender(mirror_for(size, args.seed), site)
            (work / "cwd").mkdir()
            with serving(site, work, port):
                for n in range(args.runs):
                    pair = (cores[0], cores[1]) if n % 2 == 0 else (cores[1], cores[0])
                    found = paired_run(site, work, pair)
                    for name, f in found.items():
                        print(
                            f"[{size}] run {n + 1} {name} on core {f['core']:.0f}: {f['requests']:.0f} requests in "
                            f"{f['seconds']:.1f} s = {f['requests'] / f['seconds']:.0f} pages/s, CPU "
                            f"{f['cpu'] * 1000 / f['requests']:.2f} ms/page, "
                            f"peak RSS {f['peak_mb']:.0f} MB, exit {f['exit']:.0f}",
                            flush=True,
                        )
                    rows.append((size, n + 1, found))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(
        f"{'pages':>7} {'run':>4} {'both s':>7} {'noop p/s':>9} {'ours p/s':>9} {'ratio':>6} "
        f"{'whole runs':>10} {'noop cpu':>9} {'ours cpu':>9} {'cpu ratio':>9}"
    )
    for size, n, found in rows:
        noop, ours = found["noop"], found["ours"]
        both = noop["overlap_seconds"]
        noop_ps, ours_ps = noop["overlap_requests"] / both, ours["overlap_requests"] / both
        whole = (ours["requests"] / ours["seconds"]) / (noop["requests"] / noop["seconds"])
        noop_cpu, ours_cpu = noop["cpu"] * 1000 / noop["requests"], ours["cpu"] * 1000 / ours["requests"]
        print(
            f"{size:7d} {n:4d} {both:7.1f} {noop_ps:9.0f} {ours_ps:9.0f} {ours_ps / noop_ps:5.2f}x {whole:9.2f}x "
            f"{noop_cpu:9.2f} {ours_cpu:9.2f} {noop_cpu / ours_cpu:8.2f}x"
        )
    print(
        "(both sides at once, each pinned to one core, the cores swapped between runs; p/s and ratio: requests while both "
        "were crawling (both s); whole runs: the ratio from each side's first to last request; cpu: CPU ms per page)"
    )
    print(f"command: .venv/bin/python benchmarks/crawl_paired.py --sizes {args.sizes} --seed {args.seed} --runs {args.runs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
