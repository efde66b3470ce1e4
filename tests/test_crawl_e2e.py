"""End-to-end crawls of the bundled mirror, served by a real HTTP server on 127.0.0.1.

Each crawl runs ``badinh-crawl crawl`` in a child process (Scrapy's reactor runs once per process),
which also lets a test kill it with SIGKILL."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from badinh_crawler.mirror import Mirror, MirrorServer
from badinh_crawler.report import EXIT_LOCKED, EXIT_OK
from badinh_crawler.schemas import errors
from badinh_crawler.urls import canonicalize, trap_reason

ROOT = Path(__file__).resolve().parent.parent
SEED = 7  # not the demo's mirror
FILES = ("articles.jsonl", "qa.jsonl", "related.jsonl", "site_stats.jsonl")


def crawl_cmd(url: str, out: Path, *extra: str) -> list[str]:
    quiet = [] if "BADINH_PROGRESS=log" in extra else ["--quiet"]
    return [sys.executable, "-m", "badinh_crawler", "crawl", url, "--out", str(out), "--delay", "0", *quiet, *extra]


def run_crawl(url: str, out: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(crawl_cmd(url, out, *extra), capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def records(out: Path, name: str) -> list[dict[str, Any]]:
    path = out / name
    if not path.exists():
        return []
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), f"{name} ends in a partial line"
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def identity(record: dict[str, Any]) -> tuple[Any, ...]:
    """What a record is, without when it was fetched."""
    core = {k: v for k, v in record.items() if k not in ("provenance", "observed_at")}
    return tuple(sorted((k, json.dumps(v, sort_keys=True, ensure_ascii=False)) for k, v in core.items()))


@pytest.fixture(scope="module")
def mirror() -> Iterator[tuple[Mirror, MirrorServer]]:
    site = Mirror(seed=SEED)
    with MirrorServer(site) as server:
        yield site, server


@pytest.fixture(scope="module")
def first_crawl(mirror: tuple[Mirror, MirrorServer], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    _, server = mirror
    out = tmp_path_factory.mktemp("crawl")
    before = len(server.requests)
    result = run_crawl(server.url + "/", out)
    return {"out": out, "result": result, "requests": list(server.requests[before:])}


def test_first_crawl_succeeds_and_writes_the_four_files(first_crawl: dict[str, Any]) -> None:
    result = first_crawl["result"]
    assert result.returncode == EXIT_OK, result.stderr[-3000:] + result.stdout
    out: Path = first_crawl["out"]
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert summary["exit"] == {"status": 0, "reason": "success"}
    # how often the state commits is part of what a run was (its crash-safety window)
    assert summary["settings"]["BADINH_COMMIT_INTERVAL"] == 0.25
    for name in FILES:
        for record in records(out, name):
            assert errors(record) == [], (name, record.get("url"))
            assert record["provenance"]["source"] == "live"


def test_every_article_exactly_once(mirror: tuple[Mirror, MirrorServer], first_crawl: dict[str, Any]) -> None:
    site, server = mirror
    got = Counter(r["url"] for r in records(first_crawl["out"], "articles.jsonl"))
    expected = {canonicalize(server.url + a.path) for a in site.articles}
    assert set(got) == expected
    assert max(got.values()) == 1
    titles = {r["url"]: r["title"] for r in records(first_crawl["out"], "articles.jsonl")}
    for article in site.articles:
        assert titles[canonicalize(server.url + article.path)] == article.title


def test_interviews_give_their_pairs(mirror: tuple[Mirror, MirrorServer], first_crawl: dict[str, Any]) -> None:
    site, server = mirror
    pairs = Counter(r["article_url"] for r in records(first_crawl["out"], "qa.jsonl"))
    for article in site.articles:
        assert pairs.get(canonicalize(server.url + article.path), 0) == article.qa_pairs, article.path


def test_one_site_stats_per_run(first_crawl: dict[str, Any]) -> None:
    assert len(records(first_crawl["out"], "site_stats.jsonl")) == 1


def test_request_budget_and_no_traps(mirror: tuple[Mirror, MirrorServer], first_crawl: dict[str, Any]) -> None:
    site, _ = mirror
    requests = first_crawl["requests"]
    assert len(requests) <= 1.2 * site.distinct_pages, (len(requests), site.distinct_pages)
    targets = [target for method, target, _ in requests if method == "GET"]
    assert not [t for t in targets if trap_reason("http://127.0.0.1" + t)], "a trap URL was fetched"
    repeated = Counter(targets) - Counter(set(targets))
    assert sum(repeated.values()) <= 1, f"pages fetched twice (only the 500 retry may repeat): {repeated}"


def test_errors_retries_redirects_robots(mirror: tuple[Mirror, MirrorServer], first_crawl: dict[str, Any]) -> None:
    requests = first_crawl["requests"]
    statuses = Counter(status for _, _, status in requests)
    assert statuses[404] >= 1 and statuses[500] >= 1 and statuses[301] + statuses[302] >= 1
    retried = [t for _, t, s in requests if s == 500]
    for target in retried:
        assert (("GET", target, 200) in requests) or any(t == target and s == 200 for _, t, s in requests), target
    robots = (first_crawl["out"] / "run.json").read_text(encoding="utf-8")
    summary = json.loads(robots)
    assert summary["pages"]["failed"].get("http_404", 0) >= 1
    assert summary["pages"]["robots_refused"] >= 1
    assert any(t == "/robots.txt" for _, t, _ in requests)
    disallowed = [t for _, t, _ in requests if t.startswith("/noi-bo")]
    assert disallowed == []
    assert summary["pages"]["offsite_refused"] >= 1, "the redirect to another host was not followed"
    assert not any(t.lower().split("?")[0].endswith(".pdf") or ".pdf/" in t for _, t, _ in requests), "documents are not fetched"


def test_attachments_recorded_on_their_article(first_crawl: dict[str, Any]) -> None:
    with_docs = [r for r in records(first_crawl["out"], "articles.jsonl") if r["attachments"]]
    assert with_docs
    assert all(".pdf" in a["url"] for r in with_docs for a in r["attachments"])


def test_rerun_adds_no_article_and_an_edit_is_reemitted_alone(
    mirror: tuple[Mirror, MirrorServer], first_crawl: dict[str, Any], tmp_path: Path
) -> None:
    site, server = mirror
    out: Path = first_crawl["out"]
    before = {name: records(out, name) for name in FILES}
    again = run_crawl(server.url + "/", out)
    assert again.returncode == EXIT_OK, again.stderr[-3000:]
    assert records(out, "articles.jsonl") == before["articles.jsonl"]
    assert records(out, "qa.jsonl") == before["qa.jsonl"]
    assert records(out, "related.jsonl") == before["related.jsonl"]

    edited = site.articles[3]
    site.edit_article(edited.path)
    third = run_crawl(server.url + "/", out, "--full")
    assert third.returncode == EXIT_OK, third.stderr[-3000:]
    new = records(out, "articles.jsonl")[len(before["articles.jsonl"]) :]
    assert [r["url"] for r in new] == [canonicalize(server.url + edited.path)]
    views = records(out, "views.jsonl")
    assert len(views) == len(site.articles) - 1  # every other article: a fresh view count, no body


def test_jobs_crawl_gives_the_same_records(tmp_path: Path) -> None:
    # pages extracted by two worker processes: the same records as in the crawl's own process (a
    # mirror of its own: other tests here edit theirs)
    with MirrorServer(Mirror(seed=SEED)) as server:
        here = run_crawl(server.url + "/", tmp_path / "here")
        jobs = run_crawl(server.url + "/", tmp_path / "jobs", "--jobs", "2")
    assert here.returncode == EXIT_OK, here.stderr[-3000:]
    assert jobs.returncode == EXIT_OK, jobs.stderr[-3000:]
    summary = json.loads((tmp_path / "jobs" / "run.json").read_text(encoding="utf-8"))
    reference = json.loads((tmp_path / "here" / "run.json").read_text(encoding="utf-8"))
    assert summary["settings"]["BADINH_EXTRACT_JOBS"] == 2
    assert reference["pages"]["extracted_by_workers"] == 0
    assert reference["extraction_workers"] is None
    assert summary["extraction_workers"] == {"jobs": 2, "restarts": 0, "unusable": None}
    assert summary["pages"]["extracted_by_workers"] == summary["pages"]["parsed"] == reference["pages"]["parsed"] > 20
    assert summary["pages"]["failed"] == reference["pages"]["failed"]
    for name in FILES:
        got = Counter(identity(r) for r in records(tmp_path / "jobs", name))
        want = Counter(identity(r) for r in records(tmp_path / "here", name))
        assert got and got == want, name


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = {int(k) for k in (task / "children").read_text().split()}
            except OSError:
                continue
            found |= kids
            todo.extend(kids)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_a_killed_jobs_crawl_leaves_no_worker_behind(mirror: tuple[Mirror, MirrorServer], tmp_path: Path) -> None:
    _, server = mirror
    out = tmp_path / "killed"
    proc = subprocess.Popen(crawl_cmd(server.url + "/", out, "--jobs", "2", "--delay", "0.05"), cwd=ROOT)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while proc.poll() is None and time.monotonic() < deadline:
        workers = _descendants(proc.pid)
        if len(workers) >= 3 and _lines(out / "articles.jsonl") >= 2:  # fork server and its workers at work
            break
        time.sleep(0.02)
    assert proc.poll() is None and len(workers) >= 3, "the crawl ended before its workers were seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)]


def test_jobs_must_not_be_negative(tmp_path: Path) -> None:
    result = run_crawl("http://127.0.0.1:9/", tmp_path / "out", "--jobs", "-1")
    assert result.returncode != EXIT_OK
    assert "--jobs must be 0" in result.stderr


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_sigkill_then_resume_gives_the_same_records(mirror: tuple[Mirror, MirrorServer], tmp_path: Path) -> None:
    _, server = mirror
    reference = tmp_path / "reference"
    assert run_crawl(server.url + "/", reference).returncode == EXIT_OK
    total = _lines(reference / "articles.jsonl")
    out = tmp_path / "killed"
    kills = 0
    rng = random.Random(20261127)
    # SIGKILL at 10 random moments: most once some articles are written (a random count), some at a
    # random time after the start (during start-up, robots.txt or the first pages)
    for n in range(10):
        proc = subprocess.Popen(crawl_cmd(server.url + "/", out, "--resume", "--delay", "0.02"), cwd=ROOT)
        deadline = time.monotonic() + 60
        if n % 3 == 2:
            time.sleep(rng.uniform(0.3, 2.0))
        else:
            threshold = min(total - 1, _lines(out / "articles.jsonl") + rng.randint(1, 4))
            while proc.poll() is None and _lines(out / "articles.jsonl") < threshold and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.05))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
    assert kills >= 8
    assert _lines(out / "articles.jsonl") < total, "the killed runs did not stop mid-crawl"
    final = run_crawl(server.url + "/", out, "--resume")
    assert final.returncode == EXIT_OK, final.stderr[-3000:]
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert summary["resumed"] is True
    for name in FILES:
        got = Counter(identity(r) for r in records(out, name))
        want = Counter(identity(r) for r in records(reference, name))
        if name == "site_stats.jsonl":
            assert sum(got.values()) == 1
            continue
        assert got == want, name


def test_a_second_interrupt_says_the_run_stopped_and_resume_continues_it(
    mirror: tuple[Mirror, MirrorServer], tmp_path: Path
) -> None:
    # a second Ctrl-C makes Scrapy stop at once: no run.json, and the message says so (it used to
    # say the crawl did not start)
    _, server = mirror
    out = tmp_path / "twice"
    proc = subprocess.Popen(crawl_cmd(server.url + "/", out, "--delay", "0.05"), cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while proc.poll() is None and _lines(out / "articles.jsonl") < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the crawl ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "stopped at once, before the run could end" in stderr
    # the command to resume with names the start URL: without it, the default one would be crawled
    assert f"continue it with: badinh-crawl crawl {server.url}/ --resume --out {out}\n" in stderr
    assert "did not start" not in stderr
    assert not (out / "run.json").exists()
    final = run_crawl(server.url + "/", out, "--resume")
    assert final.returncode == EXIT_OK, final.stderr[-3000:]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["resumed"] is True


def test_second_concurrent_run_is_refused(mirror: tuple[Mirror, MirrorServer], tmp_path: Path) -> None:
    _, server = mirror
    out = tmp_path / "busy"
    first = subprocess.Popen(crawl_cmd(server.url + "/", out, "--delay", "0.2"), cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not (out / ".lock").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        second = run_crawl(server.url + "/", out)
        assert second.returncode == EXIT_LOCKED
        assert "locked" in second.stderr
    finally:
        first.kill()
        first.wait(timeout=30)


def test_scrapy_crawl_with_one_feed(mirror: tuple[Mirror, MirrorServer], tmp_path: Path) -> None:
    _, server = mirror
    feed = tmp_path / "all.jsonl"
    scrapy = [str(Path(sys.executable).parent / "scrapy"), "crawl", "badinh", "-a", f"start_urls={server.url}/", "-O", str(feed)]
    result = subprocess.run(
        [*scrapy, "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING"], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = feed.read_text(encoding="utf-8").splitlines()
    types = Counter(json.loads(line)["type"] for line in lines)
    assert set(types) == {"article", "qa", "related", "site_stats"}
    assert "\\u" not in feed.read_text(encoding="utf-8")


def test_max_pages_and_since(mirror: tuple[Mirror, MirrorServer], tmp_path: Path) -> None:
    site, server = mirror
    limited = run_crawl(server.url + "/", tmp_path / "limited", "--max-pages", "5")
    assert limited.returncode == EXIT_OK, limited.stderr[-3000:]
    summary = json.loads((tmp_path / "limited" / "run.json").read_text(encoding="utf-8"))
    assert summary["finish_reason"] == "closespider_pagecount"
    assert summary["pages"]["responses"] <= 5 + 16  # requests already in flight when the limit is hit
    progress = ("-s", "BADINH_PROGRESS=log", "-s", "BADINH_PROGRESS_INTERVAL=0.1")
    recent = run_crawl(server.url + "/", tmp_path / "recent", "--since", "2025-01-01", *progress)
    assert recent.returncode == EXIT_OK, recent.stderr[-3000:]
    assert re.search(r"progress: pages \d+ \| articles \d+ \| errors \d+ \| [\d.]+ pages/s \| \d\d:\d\d:\d\d", recent.stderr)
    written = {r["url"] for r in records(tmp_path / "recent", "articles.jsonl")}
    expected = {canonicalize(server.url + a.path) for a in site.articles if a.published >= "2025-01-01"}
    assert written == expected and 0 < len(expected) < len(site.articles)


def test_demo_command(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "badinh_crawler", "demo", "--out", str(out)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert "http://127.0.0.1:" in result.stdout
    assert len(records(out, "articles.jsonl")) == len(Mirror().articles)
    for name in FILES:
        assert records(out, name), name


def test_nothing_fetched_is_a_failed_run(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a free port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_crawl(f"http://127.0.0.1:{port}/", tmp_path / "o", "-s", "RETRY_TIMES=0")
    assert result.returncode == 1
    summary = json.loads((tmp_path / "o" / "run.json").read_text(encoding="utf-8"))
    assert summary["exit"]["reason"] == "nothing fetched"


def test_article_pages_without_content_are_layout_drift(tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    links = "".join(f'<p><a href="/tin/-/asset_publisher/X/content/bai-{n}">Bài {n}</a></p>' for n in range(4))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                body = b"User-agent: *\nDisallow:\n"
            elif self.path == "/":
                body = f"<html><body><h1>Trang chủ</h1>{links}</body></html>".encode()
            else:  # an article URL whose page lost its markup: a shell with a menu and nothing else
                shell = "<html><head><title>Cổng</title></head><body><ul><li><a href='/'>Trang chủ</a></li></ul></body></html>"
                body = shell.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run_crawl(f"http://127.0.0.1:{server.server_address[1]}/", tmp_path / "o")
    finally:
        server.shutdown()
    assert result.returncode == 3, result.stderr[-2000:]
    summary = json.loads((tmp_path / "o" / "run.json").read_text(encoding="utf-8"))
    assert summary["drift"]["article_pages"] == 4
    assert summary["drift"]["coverage"]["title"] == 0.0
    assert "layout drift" in summary["exit"]["reason"]
