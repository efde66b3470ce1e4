"""Crawl throughput and peak memory: our crawl vs a no-op Scrapy spider, on a mirror served by nginx.

Run: .venv/bin/python benchmarks/crawl_bench.py [--sizes 2000,10000,50000] [--seed 5] [--profile SIZE] [--jobs N]

For each size N: a mirror (``badinh_crawler.mirror.Mirror``) with as many articles as make about N
distinct pages is pre-rendered to a temporary folder (GET pages, as served on this port), then
served by nginx (Debian's package; a private config, a free port on 127.0.0.1, run as a child
process, never as a system service). Both sides run with delays off, concurrency 16 and
ROBOTSTXT_OBEY=True:

* ours: ``badinh-crawl crawl URL --out TMP --delay 0 --concurrency 16 --quiet -s ROBOTSTXT_OBEY=True``;
* floor: ``python -m scrapy runspider benchmarks/noop_spider.py`` with the same settings, run from a
  folder without a scrapy.cfg (Scrapy's defaults otherwise);
* with ``--jobs N``, a third side: ours with ``--jobs N`` (pages extracted by N worker processes).
  Its CPU is reported apart: the crawl's own process (``os.wait4``) and its descendants' (the fork
  server and the workers, their own user + system time from ``/proc/PID/stat``, last sampled
  every 0.1 s); its memory as the crawl's peak RSS and the peak of the whole tree's summed PSS
  (``/proc/PID/smaps_rollup``: pages the workers share with their fork server are split between
  them, where summed RSS would count them once per process).

Pages per second: requests nginx served during the run divided by the time from its first to its
last request (nginx's access log, ``$msec``). Peak RSS: the child's VmHWM (``/proc/PID/status``, read
every 0.1 s until it exits).
CPU ms per page: the child's user + system time (``os.wait4``) over those requests; unlike pages per
second it hardly moves when other jobs share the machine. Sizes up to ``--once-above`` pages are run
``--repeats`` times, the two sides alternately (noop, ours, noop, ours...); each side's best run
(most pages per second) is reported, and its largest peak RSS.

The ".htm" platform's "load more" POST API is served too: nginx reads the form body, passes it as a
header to a second location, which serves ``api/<Catname>/<PageIndex>``, a static file per page
index, rendered by the mirror. Not reproduced by a static mirror: the one-off 500 of the flaky
article (``MirrorServer`` only) and the per-path 404 page (nginx answers its own 404).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from badinh_crawler.extract.links import discover  # noqa: E402
from badinh_crawler.mirror import Mirror  # noqa: E402
from badinh_crawler.urls import host_key, looks_like_article, trap_reason  # noqa: E402

VENV_BIN = Path(sys.executable).parent
ROBOTS_DISALLOWED = ("/noi-bo/", "/c/", "/group/")
API_PATH = "/api/NewsZone/NewsZone"
#: every this many article pages, one is read for links too (articles link to what listings link to)
ARTICLE_SAMPLE = 50


@dataclass
class Site:
    root: Path
    base: str
    pages: int = 0
    api_pages: int = 0
    bytes: int = 0
    redirects: list[tuple[str, int, str]] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mirror_for(pages: int, seed: int) -> Mirror:
    """A mirror whose distinct pages come close to ``pages``."""
    articles = max(30, int(pages * 0.85))
    for _ in range(4):
        m = Mirror(seed=seed, articles=articles)
        if abs(m.distinct_pages - pages) <= pages * 0.01:
            break
        articles = max(30, round(articles * pages / m.distinct_pages))
    return m


def _file(root: Path, path: str, query: str) -> Path:
    return root / ("p" + path).rstrip("/") / f"@{query}"


def prerender(m: Mirror, site: Site) -> None:
    """Every GET page a crawl can reach (BFS with the crawler's link rule), plus the API replies."""
    hosts = frozenset([host_key(site.base + "/")])
    queue: list[str] = [site.base + "/", site.base + "/robots.txt"]
    seen = set(queue)
    articles = 0

    def push(links: list[str]) -> None:
        for link in links:
            if link in seen or host_key(link) not in hosts or trap_reason(link):
                continue
            if urlsplit(link).path.startswith(ROBOTS_DISALLOWED):
                continue
            seen.add(link)
            queue.append(link)

    while queue:
        url = queue.pop()
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        response = m.render("GET", target).with_base(site.base)
        if 300 <= response.status < 400:
            location = response.headers["Location"]
            site.redirects.append((parts.path, response.status, location))
            push([location])
            continue
        if response.status != 200:
            continue
        out = _file(site.root, parts.path, parts.query)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(response.body)
        site.pages += 1
        site.bytes += len(response.body)
        ctype = response.content_type
        if "html" not in ctype:
            site.types[parts.path] = ctype.split(";")[0]
            continue
        if looks_like_article(url):
            articles += 1
            if articles % ARTICLE_SAMPLE:
                continue
        nav = discover(response.body, url, content_type=ctype, hosts=hosts)
        push(nav.pages)
        if nav.api is not None:
            for reply in _api_replies(m, site, nav.api.form):
                push(discover(reply, site.base + API_PATH, content_type="text/html", hosts=hosts).articles)


def _api_replies(m: Mirror, site: Site, form: Callable[[int], dict[str, str]]) -> Iterator[bytes]:
    """The "load more" replies of a zone, page index 1 up to the first empty one, each saved."""
    index = 1
    while True:
        data = form(index)
        reply = m.render("POST", API_PATH, urlencode(data).encode()).with_base(site.base).body
        out = site.root / "api" / data["Catname"] / str(index)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(reply)
        site.api_pages += 1
        yield reply
        if not reply:
            return
        index += 1


def nginx_conf(site: Site, work: Path, port: int) -> Path:
    redirects = "\n".join(
        f"        location = {path} {{ return {status} {location}; }}" for path, status, location in site.redirects
    )
    types = "\n".join(
        f"        location = {path} {{ default_type {ctype}; try_files /p$uri/@$args =404; }}"
        for path, ctype in site.types.items()
    )
    user = "user root;" if os.geteuid() == 0 else ""
    conf = f"""{user}
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ }}
    default_type text/html;
    charset utf-8;
    log_format bench '$msec $status $request_method $request_uri "$http_user_agent"';
    access_log {work}/access.log bench;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    map $http_x_form $api_cat {{ default ""; "~(^|&)Catname=(?<c>[A-Za-z0-9_-]+)" $c; }}
    map $http_x_form $api_index {{ default ""; "~(^|&)PageIndex=(?<i>[0-9]+)" $i; }}
    server {{
        listen 127.0.0.1:{port};
        root {site.root};
        location / {{ try_files /p$uri/@$args =404; }}
        location = {API_PATH} {{
            client_body_buffer_size 64k;
            client_body_in_single_buffer on;
            proxy_method GET;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Form $request_body;
            proxy_pass http://127.0.0.1:{port}/_api;
        }}
        location = /_api {{ try_files /api/$api_cat/$api_index =404; }}
{redirects}
{types}
    }}
}}
"""
    path = work / "nginx.conf"
    path.write_text(conf, encoding="utf-8")
    (work / "tmp").mkdir(exist_ok=True)
    return path


@dataclass
class Run:
    name: str
    requests: int
    statuses: Counter[str]
    seconds: float
    wall: float
    cpu: float
    peak_rss_mb: float
    exit_status: int
    #: the child's worker processes: their CPU seconds (as last sampled) and the peak of the whole
    #: tree's summed proportional set size (MB); zero for a child that starts none
    workers_cpu: float = 0.0
    tree_peak_mb: float = 0.0

    @property
    def pages_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def cpu_ms(self) -> float:
        return self.cpu * 1000 / self.requests if self.requests else 0.0


def _log_lines(path: Path, offset: int) -> tuple[list[str], int]:
    with path.open("rb") as fh:
        fh.seek(offset)
        data = fh.read()
    return data.decode().splitlines(), offset + len(data)


def run_child(name: str, cmd: list[str], cwd: Path, access_log: Path, log: Path) -> Run:
    offset = access_log.stat().st_size if access_log.exists() else 0
    start = time.perf_counter()
    peak_kib = 0
    tree_kib = 0
    #: descendant pid -> its own CPU seconds when last seen
    descendants: dict[int, float] = {}
    with log.open("wb") as out:
        child = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak_kib = max(peak_kib, _peak_rss_kib(child.pid))
            tree = _descendants(child.pid)
            if tree:
                pss = _pss_kib(child.pid)
                for d in tree:
                    cpu_d = _own_cpu(d)
                    if cpu_d is not None:
                        descendants[d] = cpu_d
                    pss += _pss_kib(d)
                tree_kib = max(tree_kib, pss)
            time.sleep(0.1)
        child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    time.sleep(0.2)  # nginx writes its log line after the response
    lines, _ = _log_lines(access_log, offset)
    requests, statuses, seconds = served(lines)
    cpu = usage.ru_utime + usage.ru_stime
    workers = sum(descendants.values())
    return Run(
        name, requests, statuses, seconds, wall, cpu, peak_kib / 1024, os.waitstatus_to_exitcode(status), workers, tree_kib / 1024
    )


def served(lines: list[str]) -> tuple[int, Counter[str], float]:
    """Requests, their "METHOD STATUS" counts and the seconds from the first to the last, in
    access-log lines (``$msec $status $request_method $request_uri "$http_user_agent"``). The API's inner
    hop to ``/_api`` is nginx talking to itself, not a request of the crawl: left out."""
    fields = [line.split() for line in lines]
    fields = [f for f in fields if len(f) >= 4 and f[3] != "/_api"]
    stamps = [float(f[0]) for f in fields]
    statuses = Counter(f"{f[2]} {f[1]}" for f in fields)
    return len(fields), statuses, (max(stamps) - min(stamps)) if stamps else 0.0


def _descendants(pid: int) -> list[int]:
    """The process's descendants now (``/proc/PID/task/*/children``), depth first."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children", encoding="ascii") as fh:
                    kids = [int(k) for k in fh.read().split()]
            except OSError:
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


_TICK = os.sysconf("SC_CLK_TCK")


def _own_cpu(pid: int) -> float | None:
    """The process's own user + system CPU seconds (not its children's), None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK


def _proc_kib(path: str, key: str) -> int:
    """The ``key:`` line's value (KiB) of a /proc file, 0 once the process is gone."""
    try:
        with open(path, encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kib(pid: int) -> int:
    """The process's proportional set size (KiB): its RSS with each page shared by n processes
    counted 1/n (worker processes share what their fork server loaded), 0 once it is gone."""
    return _proc_kib(f"/proc/{pid}/smaps_rollup", "Pss:")


def _peak_rss_kib(pid: int) -> int:
    """The process's peak RSS so far (VmHWM, KiB), 0 once it is gone.

    Not ``ru_maxrss``: Linux carries the RSS a child had between fork and exec (a copy of this
    process, with its mirror of 50,000 articles) into the child's ``ru_maxrss``; VmHWM belongs to
    the program the child runs."""
    return _proc_kib(f"/proc/{pid}/status", "VmHWM:")


def bench_size(pages: int, seed: int, profile: bool, repeats: int, jobs: int = 0) -> tuple[Site, list[Run], int]:
    work = Path(tempfile.mkdtemp(prefix=f"badinh-crawl-bench-{pages}-"))
    try:
        port = free_port()
        site = Site(root=work / "site", base=f"http://127.0.0.1:{port}")
        m = mirror_for(pages, seed)
        started = time.perf_counter()
        prerender(m, site)
        print(
            f"[{pages}] mirror: {len(m.articles)} articles, {m.distinct_pages} distinct pages; rendered {site.pages} GET pages "
            f"({site.bytes / 1e6:.0f} MB) and {site.api_pages} API replies in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        with serving(site, work, port):
            access = work / "access.log"
            noop_cmd, ours_cmd = side_commands(site, work / "out")
            if profile:
                ours_cmd = [
                    sys.executable,
                    "-m",
                    "pyinstrument",
                    "-r",
                    "text",
                    "-o",
                    str(HERE / f".profile-crawl-{pages}.txt"),
                    "-m",
                    "badinh_crawler",
                    *ours_cmd[1:],
                ]
            env_cwd = work / "cwd"
            env_cwd.mkdir()
            sides = [("noop", noop_cmd), ("ours", ours_cmd)]
            if jobs:
                # the same crawl with its pages extracted by worker processes
                sides.append((f"ours-j{jobs}", [*ours_cmd, "--jobs", str(jobs)]))
            done: dict[str, list[Run]] = {name: [] for name, _ in sides}
            for repeat in range(repeats):
                for name, cmd in sides:
                    shutil.rmtree(work / "out", ignore_errors=True)
                    load = os.getloadavg()[0]
                    run = run_child(name, cmd, env_cwd, access, work / f"{name}.log")
                    done[name].append(run)
                    # the state on disk (SQLite and its write-ahead log) at the end of our run
                    state_mb = sum(p.stat().st_size for p in (work / "out").glob("state.sqlite*")) / 2**20
                    on_disk = f", state {state_mb:.1f} MB" if name.startswith("ours") else ""
                    if run.workers_cpu:
                        on_disk += (
                            f", workers' CPU {run.workers_cpu * 1000 / max(run.requests, 1):.2f} ms/page, "
                            f"peak PSS of the process tree {run.tree_peak_mb:.0f} MB"
                        )
                    print(
                        f"[{pages}] {name} #{repeat + 1}: {run.requests} requests in {run.seconds:.1f} s = "
                        f"{run.pages_per_s:.0f} pages/s (wall {run.wall:.1f} s, load before {load:.2f}), "
                        f"CPU {run.cpu_ms:.2f} ms/page, peak RSS {run.peak_rss_mb:.0f} MB{on_disk}, exit {run.exit_status}; "
                        f"{dict(sorted(run.statuses.items()))}",
                        flush=True,
                    )
                    if run.exit_status not in (0, 3):
                        print((work / f"{name}.log").read_text(errors="replace")[-3000:])
            runs = []
            for name, _ in sides:
                best = max(done[name], key=lambda r: r.pages_per_s)
                best.peak_rss_mb = max(r.peak_rss_mb for r in done[name])
                best.tree_peak_mb = max(r.tree_peak_mb for r in done[name])
                best.workers_cpu = min(r.workers_cpu / max(r.requests, 1) for r in done[name]) * best.requests
                # CPU per page: the least disturbed run's
                best.cpu = min(r.cpu_ms for r in done[name]) * best.requests / 1000
                runs.append(best)
        return site, runs, m.distinct_pages
    finally:
        shutil.rmtree(work, ignore_errors=True)


def side_commands(site: Site, out: Path) -> tuple[list[str], list[str]]:
    """The no-op spider's command and ours (one process), both with delays off, concurrency 16 and
    ROBOTSTXT_OBEY=True; ours writes to ``out``."""
    settings = ["-s", "ROBOTSTXT_OBEY=True"]
    noop = [
        sys.executable, "-m", "scrapy", "runspider", str(HERE / "noop_spider.py"), "-a", f"start_url={site.base}/",
        "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", "LOG_LEVEL=WARNING", "-s", "TELNETCONSOLE_ENABLED=False", *settings,
    ]  # fmt: skip
    ours = [
        str(VENV_BIN / "badinh-crawl"), "crawl", site.base + "/", "--out", str(out), "--delay", "0",
        "--concurrency", "16", "--quiet", *settings,
    ]  # fmt: skip
    return noop, ours


@contextmanager
def serving(site: Site, work: Path, port: int) -> Iterator[None]:
    """nginx serving the rendered mirror on 127.0.0.1:``port`` (its config, log and pid in ``work``)."""
    conf = nginx_conf(site, work, port)
    nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_port(port)
        yield
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=30)


def _wait_port(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{port}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,10000,50000", help="mirror sizes in pages, comma-separated")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, metavar="SIZE", help="run our crawl under pyinstrument at this size")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each side per size (alternately), the best counts")
    parser.add_argument("--once-above", type=int, default=20000, help="sizes above this are run once per side")
    parser.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="also run our crawl with --jobs N (N extraction workers)"
    )
    args = parser.parse_args()
    if shutil.which("nginx") is None:
        print("nginx is needed: apt-get install -y nginx", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",") if s]
    version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    import scrapy

    print(f"{version}; Scrapy {scrapy.__version__}; python {sys.version.split()[0]}")
    results = []
    for size in sizes:
        started = time.perf_counter()
        repeats = 1 if size > args.once_above or args.profile == size else args.repeats
        _site, runs, distinct = bench_size(size, args.seed, args.profile == size, repeats, args.jobs)
        results.append((size, distinct, runs, time.perf_counter() - started))
    print()
    print(
        f"{'pages':>7} {'noop p/s':>9} {'ours p/s':>9} {'ratio':>6} {'noop cpu':>9} {'ours cpu':>9} {'cpu ratio':>9} "
        f"{'noop MB':>8} {'ours MB':>8} {'noop req':>9} {'ours req':>9} {'time s':>7}"
    )
    base_rss = None
    for size, _distinct, runs, seconds in results:
        noop, ours = runs[:2]
        base_rss = base_rss or ours.peak_rss_mb
        print(
            f"{size:7d} {noop.pages_per_s:9.0f} {ours.pages_per_s:9.0f} {ours.pages_per_s / noop.pages_per_s:5.2f}x "
            f"{noop.cpu_ms:9.2f} {ours.cpu_ms:9.2f} {noop.cpu_ms / ours.cpu_ms:8.2f}x "
            f"{noop.peak_rss_mb:8.0f} {ours.peak_rss_mb:8.0f} {noop.requests:9d} {ours.requests:9d} {seconds:7.0f}"
        )
    if len(results) > 1:
        last = results[-1][2][1].peak_rss_mb
        print(f"our peak RSS at {results[-1][0]} pages / at {results[0][0]} pages: {last / base_rss:.2f}x")  # type: ignore[operator]
    print("(p/s: pages per second, best run; cpu: CPU ms per page, least of the runs; cpu ratio: noop/ours, as the p/s ratio)")
    if args.jobs:
        print()
        print(f"ours with --jobs {args.jobs} (pages extracted by {args.jobs} worker processes):")
        print(
            f"{'pages':>7} {'noop p/s':>9} {'jobs p/s':>9} {'ratio':>6} {'main cpu':>9} {'workers':>8} {'all cpu':>8} "
            f"{'main MB':>8} {'tree PSS':>8} {'requests':>9}"
        )
        tree_base = None
        for size, _distinct, runs, _seconds in results:
            noop, ours_j = runs[0], runs[2]
            tree_base = tree_base or ours_j.tree_peak_mb
            workers = ours_j.workers_cpu * 1000 / max(ours_j.requests, 1)
            print(
                f"{size:7d} {noop.pages_per_s:9.0f} {ours_j.pages_per_s:9.0f} {ours_j.pages_per_s / noop.pages_per_s:5.2f}x "
                f"{ours_j.cpu_ms:9.2f} {workers:8.2f} {ours_j.cpu_ms + workers:8.2f} "
                f"{ours_j.peak_rss_mb:8.0f} {ours_j.tree_peak_mb:8.0f} {ours_j.requests:9d}"
            )
        if len(results) > 1 and tree_base:
            last = results[-1][2][2].tree_peak_mb
            print(f"peak PSS of the process tree at {results[-1][0]} pages / at {results[0][0]} pages: {last / tree_base:.2f}x")
        print(
            "(main cpu: the crawl's own process; workers: theirs, sampled every 0.1 s; main MB: its peak RSS; "
            "tree PSS: peak of the processes' summed PSS, MB, shared pages split between the processes sharing them)"
        )
    jobs_arg = f" --jobs {args.jobs}" if args.jobs else ""
    print(
        f"command: .venv/bin/python benchmarks/crawl_bench.py --sizes {args.sizes} --seed {args.seed} "
        f"--repeats {args.repeats} --once-above {args.once_above}{jobs_arg}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
