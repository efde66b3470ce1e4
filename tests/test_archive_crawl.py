"""Archives end to end: a Wayback crawl equals a live crawl of the same pages; --warc-out then
extract --warc gives the crawl's records back; export --bagit makes a bag that validates."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from wayback_server import FakeCapture, WaybackServer

from badinh_crawler.archive.bagit_export import validate_bag
from badinh_crawler.cli import main
from badinh_crawler.mirror import Mirror, MirrorServer
from badinh_crawler.schemas import errors

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ("articles.jsonl", "qa.jsonl", "related.jsonl")


def crawl(url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "badinh_crawler", "crawl", url, "--out", str(out), "--delay", "0", "--quiet", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=ROOT)


def lines(out: Path, name: str) -> list[dict[str, Any]]:
    path = out / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def content(record: dict[str, Any]) -> str:
    core = {k: v for k, v in record.items() if k not in ("provenance", "observed_at")}
    return json.dumps(core, sort_keys=True, ensure_ascii=False)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    site = Mirror(seed=11)
    out = tmp_path_factory.mktemp("live")
    with MirrorServer(site) as server:
        result = crawl(server.url + "/", out, "--warc-out", str(out / "warc"))
        requests = list(server.requests)
        base = server.url
    assert result.returncode == 0, result.stderr[-3000:]
    return {"site": site, "out": out, "requests": requests, "base": base}


def test_wayback_crawl_equals_the_live_crawl(live: dict[str, Any], tmp_path: Path) -> None:
    site: Mirror = live["site"]
    base: str = live["base"]
    captures = []
    for method, target, status in live["requests"]:
        if method != "GET" or status != 200 or target == "/robots.txt":
            continue
        answer = site.render("GET", target).with_base(base)
        ctype = answer.headers.get("Content-Type", "text/html")
        if "html" not in ctype:
            continue
        captures.append(FakeCapture("20220301093000", base + target, 200, "text/html", answer.body, ctype))
    # an older capture of one page too: the newest must win, once
    first = captures[1]
    captures.append(
        FakeCapture(
            "20200101000000",
            first.original,
            200,
            "text/html",
            first.body.replace(b"<body", b"<body data-old"),
            first.content_type,
        )
    )
    out = tmp_path / "wb"
    with WaybackServer(captures) as archive:
        result = crawl(base + "/", out, "--source", "wayback", "--wayback-url", archive.url)
        hits = dict(archive.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    for name in CONTENT:
        got = Counter(content(r) for r in lines(out, name))
        want = Counter(content(r) for r in lines(live["out"], name))
        assert got == want, name
    articles = lines(out, "articles.jsonl")
    assert len({a["url"] for a in articles}) == len(articles) == len(site.articles)
    for record in articles:
        archive_info = record["provenance"]["archive"]
        assert record["provenance"]["source"] == "wayback"
        assert archive_info["capture_timestamp"] == "20220301093000"
        assert archive_info["original_url"].startswith(base)
        assert record["provenance"]["fetched_url"].startswith(archive.url + "/web/20220301093000id_/")
        assert errors(record) == []
    assert not [p for p in hits if not p.startswith(("/web/", "/cdx/", "/robots.txt"))]


def test_warc_out_is_valid_and_gives_the_records_back(live: dict[str, Any]) -> None:
    warcs = sorted((live["out"] / "warc").glob("*.warc.gz"))
    assert warcs
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, warcs)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(["extract", *[arg for w in warcs for arg in ("--warc", str(w))]], stdout=stdout, stderr=stderr)
    assert status == 0, stderr.getvalue()
    from_warc = [json.loads(line) for line in stdout.getvalue().splitlines()]
    crawled = [r for name in CONTENT for r in lines(live["out"], name)]
    assert Counter(content(r) for r in from_warc if r["type"] != "site_stats") == Counter(content(r) for r in crawled)
    ids = {r["provenance"]["archive"]["record_id"] for r in from_warc if r["type"] == "article"}
    assert ids == {r["provenance"]["warc_record_id"] for r in lines(live["out"], "articles.jsonl")}


def test_bagit_export_validates_and_detects_tampering(live: dict[str, Any], tmp_path: Path) -> None:
    bag = tmp_path / "bag"
    stdout, stderr = io.StringIO(), io.StringIO()
    assert main(["export", "--bagit", str(bag), str(live["out"])], stdout=stdout, stderr=stderr) == 0, stderr.getvalue()
    assert "valid" in stdout.getvalue()
    assert (bag / "data" / "articles.jsonl").exists() and list((bag / "data" / "warc").glob("*.warc.gz"))
    assert (bag / "data" / "schemas" / "article.schema.json").exists()
    assert not (bag / "data" / "state.sqlite").exists()
    assert validate_bag(bag) == []
    target = bag / "data" / "articles.jsonl"
    data = bytearray(target.read_bytes())
    data[10] ^= 1
    target.write_bytes(bytes(data))
    assert validate_bag(bag)


def test_corrupt_warc_gives_a_clear_error_and_the_rest(live: dict[str, Any], tmp_path: Path) -> None:
    warc = sorted((live["out"] / "warc").glob("*.warc.gz"))[0]
    data = warc.read_bytes()
    # cut 300 bytes out of the middle of the file: one gzip member is truncated
    middle = len(data) // 2
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(data[:middle] + data[middle + 300 :])
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(["extract", "--warc", str(damaged)], stdout=stdout, stderr=stderr)
    assert status == 1
    assert f"error: {damaged}: offset " in stderr.getvalue()
    intact = main(["extract", "--warc", str(warc)], stdout=(whole := io.StringIO()), stderr=io.StringIO())
    assert intact == 0
    got = stdout.getvalue().splitlines()
    want = whole.getvalue().splitlines()
    assert 0 < len(want) - len(got) <= 30, "only the records of the damaged member are missing"
