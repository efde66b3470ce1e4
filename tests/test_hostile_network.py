"""A crawl against a hostile server on 127.0.0.1: every failure is survived, counted and logged; the
good pages are all extracted; nothing off-host, off-scheme or disallowed is fetched."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hostile_server import GOOD, RECOVERING, HostileServer

ROOT = Path(__file__).resolve().parent.parent


def crawl(url: str, out: Path, *extra: str, timeout: float = 180, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "badinh_crawler", "crawl", url, "--out", str(out), "--delay", "0", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, **kwargs)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("hostile")
    with HostileServer() as server:
        started = time.monotonic()
        result = crawl(
            server.url + "/",
            out,
            "--concurrency",
            "4",
            "-s",
            "DOWNLOAD_TIMEOUT=3",
            "-s",
            "RETRY_TIMES=2",
            "-s",
            "BADINH_MAX_ERROR_RATE=1",
        )
        elapsed = time.monotonic() - started
        hits = dict(server.hits)
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {"out": out, "result": result, "elapsed": elapsed, "hits": hits, "summary": summary, "url": server.url}


def test_the_run_ends_cleanly(hostile_run: dict[str, Any]) -> None:
    result = hostile_run["result"]
    assert result.returncode == 0, result.stderr[-4000:]
    assert hostile_run["summary"]["finish_reason"] == "finished"
    assert "Traceback" not in result.stderr


def test_every_good_article_is_extracted(hostile_run: dict[str, Any]) -> None:
    lines = (hostile_run["out"] / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    urls = sorted(json.loads(line)["url"] for line in lines)
    assert urls == sorted(hostile_run["url"] + p for p in [*GOOD, *RECOVERING])


def test_retry_after_is_honoured(hostile_run: dict[str, Any]) -> None:
    for path, failures in RECOVERING.items():
        assert hostile_run["hits"][path] == failures + 1, path
    assert hostile_run["summary"]["pages"]["by_status"].get("429") == 1


@pytest.mark.parametrize(
    ("path", "counter", "log"),
    [
        ("/khong-con/404", "http_404", "HTTP 404"),
        ("/khong-con/410", "http_410", "HTTP 410"),
        ("/ngat-ket-noi", "connection_lost", "/ngat-ket-noi"),
        ("/im-lang", "timeout", "/im-lang"),
        ("/nho-giot", "timeout", "/nho-giot"),
        ("/vong-lap/0", "redirect_loop", "/vong-lap/"),
        ("/bom-gzip", "too_large", "/bom-gzip"),
        ("/qua-lon", "too_large", "/qua-lon"),
    ],
)
def test_each_failure_is_counted_and_logged(hostile_run: dict[str, Any], path: str, counter: str, log: str) -> None:
    assert hostile_run["hits"].get(path, 0) >= 1 or path.startswith("/vong-lap"), path
    assert hostile_run["summary"]["pages"]["failed"].get(counter, 0) >= 1, hostile_run["summary"]["pages"]["failed"]
    assert log in hostile_run["result"].stderr


def test_nothing_fetched_that_must_not_be(hostile_run: dict[str, Any]) -> None:
    hits = hostile_run["hits"]
    summary = hostile_run["summary"]
    assert "/noi-bo/mat" not in hits, "robots.txt disallows it"
    assert summary["pages"]["robots_refused"] >= 1
    assert summary["pages"]["offsite_refused"] >= 1, "the redirect to elsewhere.invalid"
    assert summary["pages"]["skipped"].get("scheme", 0) >= 1, "the redirect to file:///etc/passwd"
    loops = [p for p in hits if p.startswith("/vong-lap/")]
    assert 1 <= len(loops) <= 11, "the redirect chain is cut at REDIRECT_MAX_TIMES"


def test_bounded_time(hostile_run: dict[str, Any]) -> None:
    # a guard against hangs, not a speed claim: silence and drips are cut by DOWNLOAD_TIMEOUT (3 s x 3 tries)
    assert hostile_run["elapsed"] < 120


def test_robots_txt_that_never_answers(tmp_path: Path) -> None:
    with HostileServer(robots_delay=30, hostile=False) as server:
        settings = ("-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=2", "-s", "BADINH_MAX_ERROR_RATE=1")
        result = crawl(server.url + "/", tmp_path, *settings)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "robots.txt" in result.stderr
    lines = (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(GOOD) + len(RECOVERING)


def test_full_disk_stops_cleanly_and_the_next_run_recovers(tmp_path: Path) -> None:
    limit = 2_000_000  # bytes: no file of the run can grow past this (each article record is about 1 MB)

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with HostileServer(big_articles=True, hostile=False) as server:
        out = tmp_path / "out"
        args = ("-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=2", "-s", "BADINH_MAX_ERROR_RATE=1")
        full = crawl(server.url + "/", out, *args, preexec_fn=small_files)
        assert full.returncode == 1, full.stderr[-3000:]
        assert "cannot write the output" in full.stderr
        summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
        assert summary["exit"]["reason"].startswith("cannot write the output")
        written = (out / "articles.jsonl").read_bytes()
        assert written.endswith(b"\n"), "a partial line was left"
        first = [json.loads(line)["url"] for line in written.decode("utf-8").splitlines()]
        assert 1 <= len(first) < len(GOOD) + len(RECOVERING)
        again = crawl(server.url + "/", out, *args, "--resume")
    assert again.returncode == 0, again.stderr[-3000:]
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    urls = sorted(json.loads(line)["url"] for line in lines)
    assert urls == sorted(server.url + p for p in [*GOOD, *RECOVERING])
