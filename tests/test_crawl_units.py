"""The crawl's building blocks, without a network: URL policy, link discovery, state, lock, CLI usage."""

from __future__ import annotations

import io
import json
import sqlite3
import time
from pathlib import Path

import pytest

from badinh_crawler.cli import main
from badinh_crawler.extract.links import discover, is_pagination, listing_key
from badinh_crawler.lock import DirectoryLock, Locked
from badinh_crawler.report import EXIT_LOCKED, EXIT_USAGE
from badinh_crawler.state import ArticleState, CrawlState, FrontierEntry, key_digest
from badinh_crawler.urls import canonicalize, host_key, is_asset, is_attachment, trap_reason

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BASE = "https://badinh.hanoi.gov.vn"


def _fixture(name: str) -> tuple[bytes, str]:
    meta = json.loads((FIXTURES / name / "meta.json").read_text(encoding="utf-8"))
    return (FIXTURES / name / "page.html").read_bytes(), meta["url"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"{BASE}/en/vi/en/tin-tuc", "nested language segments"),
        (f"{BASE}/tin-tuc/vi/en", "nested language segments"),
        (f"{BASE}/en", "English site"),
        (f"{BASE}/en.htm", "English site"),
        (f"{BASE}/dang-nhap?p_p_id=58&p_p_lifecycle=0", "login"),
        (f"{BASE}/web/guest/home?p_p_id=58&p_p_state=normal", "login"),
        (f"{BASE}/tin-tuc/-/asset_publisher/X/content/a?_101_INSTANCE_X_viewMode=print", "print view"),
        (f"{BASE}/tin-tuc?p_p_id=101&p_p_state=pop_up", "pop-up"),
        (f"{BASE}/tin-tuc?p_p_id=101&p_p_state=exclusive", "pop-up"),
        (f"{BASE}/tin-tuc?p_p_id=101&p_p_lifecycle=1&_101_javax.portlet.action=x", "portlet action"),
        (f"{BASE}/tim-kiem?_3_keywords=ba+dinh", "search"),
        (f"{BASE}/home?_3_keywords=x&p_p_id=3", "search"),
    ],
)
def test_trap_urls_are_refused_with_a_reason(url: str, reason: str) -> None:
    assert trap_reason(url) == reason


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/",
        f"{BASE}/vi",
        f"{BASE}/tin-tuc-su-kien?p_p_id=101_INSTANCE_X&p_p_lifecycle=0&_101_INSTANCE_X_cur=2",
        f"{BASE}/tin-tuc-su-kien/-/asset_publisher/X/content/quan-ba-dinh-2021",
        f"{BASE}/tin-tuc/ba-dinh-2809250629133018049.htm",
        f"{BASE}/gioi-thieu/lich-su.htm",
    ],
)
def test_news_urls_are_not_traps(url: str) -> None:
    assert trap_reason(url) is None


def test_canonical_pagination_keeps_only_portlet_id_and_page() -> None:
    query = "p_p_id=101_INSTANCE_X&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&p_p_col_id=column-2&_101_INSTANCE_X_cur=3"
    url = f"{BASE}/tin-tuc-su-kien;jsessionid=AB12?{query}"
    assert canonicalize(url) == f"{BASE}/tin-tuc-su-kien?_101_INSTANCE_X_cur=3&p_p_id=101_INSTANCE_X"


def test_files_and_hosts() -> None:
    assert is_attachment(f"{BASE}/documents/1062718/0/KH-98.pdf/0771fc6f-0f4b")
    assert is_attachment("https://datafiles.hanoi.gov.vn/a/b.docx")
    assert not is_attachment(f"{BASE}/tin-tuc.htm")
    assert is_asset(f"{BASE}/documents/1062718/0/anh.jpg/uuid?t=1")
    assert host_key("HTTP://127.0.0.1:8080/x") == "127.0.0.1:8080"
    assert host_key("https://badinh.hanoi.gov.vn:443/") == "badinh.hanoi.gov.vn"


def test_liferay_listing_links() -> None:
    body, url = _fixture("liferay-listing-page2")
    nav = discover(body, url)
    assert len(nav.articles) >= 5
    assert all("redirect" not in a and "jsessionid" not in a for a in nav.articles)
    assert nav.pagination, "the page numbers of the listing"
    assert all(is_pagination(p) for p in nav.pagination)
    assert {listing_key(p) for p in nav.pagination} == {listing_key(url)}
    assert nav.refused["login"] >= 1
    assert any(a.endswith(".pdf/0771fc6f-0f4b-4d7d-9bb7-3bbbe14e0e31") for a in nav.attachments)
    assert not set(nav.attachments) & set(nav.pages)


def test_htm_zone_page_gives_its_load_more_call() -> None:
    body, url = _fixture("htm-zone-listing")
    nav = discover(body, url)
    assert nav.api is not None
    assert nav.api.url == f"{BASE}/api/NewsZone/NewsZone"
    assert nav.api.form(1) == {"PageSize": "10", "Catname": "tin-tuc-su-kien", "LanguageId": "1", "Site": "28", "PageIndex": "1"}
    assert nav.api.shown_index == 0
    assert any(a.endswith("-28261126153012345.htm") for a in nav.articles)
    assert "https://ihanoi.hanoi.gov.vn" in nav.external
    assert not any("hanoi.gov.vn" in p and "badinh" not in p for p in nav.pages)


def test_article_page_has_no_load_more_and_refuses_print() -> None:
    body, url = _fixture("seed-interview-liferay")
    nav = discover(body, url)
    assert nav.api is None
    assert nav.refused["print view"] == 1
    assert canonicalize(url) not in nav.pages


def test_discover_on_empty_or_junk_bytes() -> None:
    assert discover(b"", f"{BASE}/").pages == []
    assert discover(b"\x00\x01\x02", f"{BASE}/").pages == []


def test_state_frontier_and_resume(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite")
    run, resumed = state.start_run(resume=True)  # nothing to resume: a new run
    assert not resumed
    a = FrontierEntry("GET http://h/a", "GET", "http://h/a", "", "page")
    b = FrontierEntry("GET http://h/b", "GET", "http://h/b", "", "article")
    assert state.enqueue(a) and state.enqueue(b)
    assert not state.enqueue(a)
    state.mark(a.key, "done")
    state.close()
    again = CrawlState(tmp_path / "s.sqlite")
    assert again.interrupted_run() == run
    run2, resumed = again.start_run(resume=True)
    assert (run2, resumed) == (run, True)
    assert [e.url for e in again.pending()] == ["http://h/b"]
    assert again.is_finished(a.key) and not again.is_finished(b.key)
    again.finish_run("finished")
    run3, resumed = again.start_run(resume=True)
    assert run3 != run and not resumed
    assert list(again.pending()) == []


def test_state_commits_when_a_page_is_finished_and_the_group_old_enough(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite", commit_interval=0.2)
    state.start_run(resume=False)
    reader = sqlite3.connect(tmp_path / "s.sqlite")  # sees only what is committed

    def committed() -> list[str]:
        return [key for (key,) in reader.execute("SELECT key FROM frontier ORDER BY key")]

    state.enqueue(FrontierEntry("GET http://h/a", "GET", "http://h/a", "", "page"))
    state.enqueue(FrontierEntry("GET http://h/b", "GET", "http://h/b", "", "page"))
    state.mark("GET http://h/a", "done")  # a finished page, but the group is younger than 0.2 s
    assert committed() == []
    time.sleep(0.25)
    state.enqueue(FrontierEntry("GET http://h/c", "GET", "http://h/c", "", "page"))
    assert committed() == []  # queuing a request never commits
    state.mark("GET http://h/b", "failed", "HTTP 404")
    assert committed() == ["GET http://h/a", "GET http://h/b", "GET http://h/c"]
    state.mark("GET http://h/c", "done")
    assert state.is_finished("GET http://h/c")  # the state reads its own open group
    state.close()  # commits the open group
    assert reader.execute("SELECT status FROM frontier WHERE key = 'GET http://h/c'").fetchone() == ("done",)
    reader.close()


def test_state_cuts_unfinished_writes(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite")
    state.start_run(resume=False)
    out = tmp_path / "articles.jsonl"
    out.write_bytes(b'{"a": 1}\n')
    state.commit_record("k1", "articles.jsonl", out.stat().st_size, ArticleState("http://h/a", "v1", None, 3))
    with out.open("ab") as fh:
        fh.write(b'{"a": 2}\n{"a": 3, "tru')  # a line never committed, and half a line
    fixes = state.reconcile(tmp_path, ["articles.jsonl", "qa.jsonl"])
    assert out.read_bytes() == b'{"a": 1}\n'
    assert [(f.name, f.cut_bytes) for f in fixes] == [("articles.jsonl", 22)]
    assert state.was_emitted("k1") and not state.was_emitted("k2")
    known = state.article("http://h/a")
    assert known is not None and known.version_sha256 == "v1" and known.view_count == 3


def test_lock_refuses_a_second_holder(tmp_path: Path) -> None:
    with DirectoryLock(tmp_path):
        with pytest.raises(Locked, match="in use by another run"):
            DirectoryLock(tmp_path).acquire()
    DirectoryLock(tmp_path).acquire()  # released: free again


def test_crawl_refused_when_the_directory_is_locked(tmp_path: Path) -> None:
    err = io.StringIO()
    with DirectoryLock(tmp_path):
        status = main(["crawl", "http://127.0.0.1:9/", "--out", str(tmp_path)], stdout=io.StringIO(), stderr=err)
    assert status == EXIT_LOCKED
    assert "locked" in err.getvalue() and str(tmp_path) in err.getvalue()


@pytest.mark.parametrize(
    "argv",
    [
        ["crawl", "--since", "27/11/2026"],
        ["crawl", "--max-pages", "0"],
        ["crawl", "--delay", "-1"],
        ["crawl", "ftp://badinh.hanoi.gov.vn/"],
        ["crawl", "-s", "NOEQUALS"],
        ["crawl", "--site-stats", "sometimes"],
    ],
)
def test_crawl_usage_errors(argv: list[str], tmp_path: Path) -> None:
    err = io.StringIO()
    assert main([*argv, "--out", str(tmp_path / "o")], stdout=io.StringIO(), stderr=err) == EXIT_USAGE
    assert not (tmp_path / "o" / "state.sqlite").exists()


def test_load_more_reply_is_never_an_article() -> None:
    """Regression: a short "load more" reply came out as an article titled after its first teaser
    when read back from a WARC (the crawl never extracts them, archive readers do)."""
    from urllib.parse import urlencode

    from badinh_crawler.extract import extract
    from badinh_crawler.mirror import Mirror

    site = Mirror(seed=11)
    base = "http://127.0.0.1:8000"
    replies = 0
    for zone in ("/tin-tuc.htm", "/thong-bao.htm"):
        page = site.render("GET", zone).with_base(base)
        pager = discover(page.body, base + zone).api
        assert pager is not None
        index = pager.shown_index + 1
        while True:
            reply = site.render("POST", "/api/NewsZone/NewsZone", urlencode(pager.form(index)).encode()).with_base(base)
            if not reply.body.strip():
                break
            replies += 1
            assert [r for r in extract(reply.body, f"{base}/api/NewsZone/NewsZone") if r["type"] == "article"] == []
            index += 1
    assert replies >= 2


def test_input_problems_are_reported_not_hidden() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import hostile_pages

    from badinh_crawler.extract import ParseError, extract_page

    url = f"{BASE}/tin-tuc-su-kien/-/asset_publisher/Ok4xgRzWdTXn/content/sau"
    deep = extract_page(hostile_pages.nesting_10000_around_body(), url)
    assert deep.article is not None and deep.article["body_text"]
    assert any("nested deeper than 256 levels" in p for p in deep.problems)
    with pytest.raises(ParseError, match="not HTML: the bytes are a PNG image"):
        extract_page(b"\x89PNG\r\n\x1a\n" + bytes(200), url, content_type="text/html")
    assert extract_page(b"<html><body><p>ok</p></body></html>", url).problems == []


def test_a_state_with_whole_written_keys_is_migrated_to_their_digests(tmp_path: Path) -> None:
    """A state written before the keys were kept as digests: its written records stay written."""
    path = tmp_path / "s.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE emitted (key TEXT PRIMARY KEY)")
    old_keys = [f"related|https://badinh.hanoi.gov.vn/a{n}|v1|d{n}" for n in range(50)]
    db.executemany("INSERT INTO emitted (key) VALUES (?)", [(k,) for k in old_keys])
    db.commit()
    db.close()
    state = CrawlState(path)
    assert all(state.was_emitted(k) for k in old_keys)
    assert not state.was_emitted("related|https://badinh.hanoi.gov.vn/a0|v2|d0")
    tables = {row[0] for row in state.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "emitted" not in tables and "emitted_keys" in tables
    digests = state.db.execute("SELECT digest FROM emitted_keys").fetchall()
    assert len(digests) == 50 and all(len(d[0]) == 16 for d in digests)
    # opened again: nothing left to migrate, nothing lost
    state.db.close()
    assert all(CrawlState(path).was_emitted(k) for k in old_keys)


def test_written_keys_are_kept_as_16_byte_digests(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite")
    state.start_run(resume=False)
    key = "qa|https://badinh.hanoi.gov.vn/" + "x" * 300 + "|" + "f" * 64 + "|1"
    state.commit_record(key, "qa.jsonl", 10)
    state.commit()
    (stored,) = state.db.execute("SELECT digest FROM emitted_keys").fetchone()
    assert stored == key_digest(key) and len(stored) == 16
    assert state.was_emitted(key) and not state.was_emitted(key + "x")
