"""The output pipeline in-process: dedup, incremental versions, views, and finishing a page after a crash."""

from __future__ import annotations

import copy
import json
import sqlite3
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.utils.test import get_crawler

from badinh_crawler.pipelines import (
    Duplicate,
    NormalisePipeline,
    OutputPipeline,
    Rejected,
    ValidatePipeline,
    WriteFailed,
    _normalise,
)
from badinh_crawler.runtime import Runtime
from badinh_crawler.spiders.badinh import BadinhSpider
from badinh_crawler.state import CrawlState, FrontierEntry

URL = "https://badinh.hanoi.gov.vn/tin-tuc/-/asset_publisher/X/content/bai-a"
PROV = {"source": "live", "fetched_url": URL, "fetched_at": "2026-11-27T09:00:00+07:00", "http_status": 200, "run_id": "r"}


def article(body: str = "Đoạn một.", views: int = 10) -> dict[str, Any]:
    return {
        "type": "article", "schema_version": 1, "url": URL, "page_url": URL, "title": "Bài A", "sapo": None,
        "published_at": "2021-12-04T09:12:00+07:00", "published_raw": "04/12/2021 09:12", "view_count": views,
        "view_count_raw": str(views), "author": None, "source": None, "byline_raw": None, "category": None,
        "body": [{"kind": "paragraph", "text": body}], "body_text": body, "images": [], "attachments": [],
        "is_interview": False, "layout": "liferay", "content_sha256": "0" * 64, "provenance": PROV,
    }  # fmt: skip


def related(position: int) -> dict[str, Any]:
    return {
        "type": "related", "schema_version": 1, "page_url": URL, "position": position,
        "url": f"{URL}-{position}", "title": f"Tin {position}", "date": "2021-12-01", "date_raw": "01/12/2021",
        "view_count": position, "teaser": "Ngày 1/12...", "provenance": PROV,
    }  # fmt: skip


def open_run(out: Path, **settings: Any) -> tuple[Runtime, list[Any]]:
    # every finished page commits (not only once the group is BADINH_COMMIT_INTERVAL old): as in a slow crawl
    defaults = {"BADINH_OUT_DIR": str(out), "BADINH_LOCK_HELD": True, "BADINH_COMMIT_INTERVAL": 0}
    crawler = get_crawler(BadinhSpider, {**defaults, **settings})
    runtime = Runtime.of(crawler)
    stages = [
        NormalisePipeline.from_crawler(crawler),
        ValidatePipeline.from_crawler(crawler),
        OutputPipeline.from_crawler(crawler),
    ]
    return runtime, stages


def feed(stages: list[Any], items: list[dict[str, Any]]) -> list[str]:
    outcome = []
    for item in items:
        try:
            for stage in stages:
                item = stage.process_item(item)
            outcome.append("written")
        except Duplicate:
            outcome.append("duplicate")
        except Rejected:
            outcome.append("rejected")
    return outcome


def kill(runtime: Runtime) -> None:
    """What SIGKILL leaves: the files as written, the state as last committed."""
    runtime.state.db.close()  # an open group is rolled back, as SQLite does for a dead process


def lines(out: Path, name: str) -> list[dict[str, Any]]:
    path = out / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_resumed_page_finishes_its_records(tmp_path: Path) -> None:
    """Regression: a run killed after a page's article and part of its related records were written
    must, on --resume, write the rest (the article must not pass for an unchanged earlier one)."""
    runtime, stages = open_run(tmp_path)
    assert feed(stages, [article(), related(1), related(2)]) == ["written"] * 3
    runtime.state.commit()  # another page was finished: the group with these three is committed
    kill(runtime)  # killed here: the page is not done. The resumed run fetches it again.
    runtime, stages = open_run(tmp_path, BADINH_RESUME=True)
    assert runtime.resumed
    assert feed(stages, [article(), related(1), related(2), related(3), related(4)]) == ["duplicate"] * 3 + ["written"] * 2
    assert len(lines(tmp_path, "articles.jsonl")) == 1
    assert [r["position"] for r in lines(tmp_path, "related.jsonl")] == [1, 2, 3, 4]


def test_killed_before_the_commit_the_records_are_written_again(tmp_path: Path) -> None:
    """Lines written after the last commit are cut when the directory is opened again, and written
    again by the resumed run: nothing lost, nothing twice."""
    runtime, stages = open_run(tmp_path)
    page = [article(), related(1), related(2), related(3)]
    runtime.expect("GET " + URL, page)
    assert feed(stages, page) == ["written"] * 4  # the page is done: committed
    assert runtime.state.is_finished("GET " + URL)
    other = {**related(1), "page_url": URL + "-b"}
    assert feed(stages, [other]) == ["written"]  # in the open group
    kill(runtime)
    assert len(lines(tmp_path, "related.jsonl")) == 4
    runtime, stages = open_run(tmp_path, BADINH_RESUME=True)
    assert [fix.name for fix in runtime.repaired] == ["related.jsonl"]
    assert len(lines(tmp_path, "related.jsonl")) == 3
    assert feed(stages, [{**related(1), "page_url": URL + "-b"}]) == ["written"]
    assert feed(stages, [article(), related(1), related(2), related(3)]) == ["duplicate"] * 4  # committed: kept
    assert [(r["page_url"], r["position"]) for r in lines(tmp_path, "related.jsonl")] == [
        (URL, 1), (URL, 2), (URL, 3), (URL + "-b", 1)
    ]  # fmt: skip


def test_failed_commit_cuts_the_files_and_stops_all_writes(tmp_path: Path) -> None:
    runtime, stages = open_run(tmp_path)
    assert feed(stages, [article(), related(1)]) == ["written"] * 2
    runtime.state.commit()
    assert feed(stages, [related(2)]) == ["written"]
    size = (tmp_path / "related.jsonl").stat().st_size

    class Broken:  # the connection fails its next commit, as on a full disk
        def __init__(self, db: Any) -> None:
            self.db = db
            self.in_transaction = db.in_transaction

        def execute(self, sql: str, *args: Any) -> Any:
            if sql == "COMMIT":
                raise sqlite3.OperationalError("database or disk is full")
            return self.db.execute(sql, *args)

    real = runtime.state.db
    runtime.state.db = Broken(real)  # type: ignore[assignment]
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        runtime.state.mark("GET " + URL, "done")
    runtime.state.db = real
    assert runtime.state.failed is not None and runtime.fatal is not None
    assert (tmp_path / "related.jsonl").stat().st_size < size  # cut back to the committed line
    assert [r["position"] for r in lines(tmp_path, "related.jsonl")] == [1]
    with pytest.raises(WriteFailed):
        stages[2].process_item(related(3))
    assert [r["position"] for r in lines(tmp_path, "related.jsonl")] == [1]
    assert not runtime.state.enqueue(FrontierEntry("GET http://h/x", "GET", "http://h/x", "", "page"))
    runtime.state.finish_run("finished")  # refused: the run stays resumable
    runtime.state.close()
    again = CrawlState(tmp_path / "state.sqlite")
    assert again.interrupted_run() == runtime.run_id
    assert not again.is_finished("GET " + URL)
    assert again.article(URL) is not None  # committed before the failure
    assert again.committed_size("related.jsonl") == (tmp_path / "related.jsonl").stat().st_size
    again.close()


def test_next_run_unchanged_gives_views_changed_gives_new_version(tmp_path: Path) -> None:
    runtime, stages = open_run(tmp_path)
    feed(stages, [article(), related(1)])
    runtime.state.finish_run("finished")
    runtime, stages = open_run(tmp_path)
    assert feed(stages, [article(views=15), related(1)]) == ["duplicate", "duplicate"]
    assert [v["view_count"] for v in lines(tmp_path, "views.jsonl")] == [15]
    runtime.state.commit()
    _, stages = open_run(tmp_path)
    assert feed(stages, [article(body="Đoạn một, đã sửa."), related(1)]) == ["written", "written"]
    assert [a["body_text"] for a in lines(tmp_path, "articles.jsonl")] == ["Đoạn một.", "Đoạn một, đã sửa."]
    assert len(lines(tmp_path, "related.jsonl")) == 2


def test_invalid_record_goes_to_rejects_with_reasons(tmp_path: Path) -> None:
    _, stages = open_run(tmp_path)
    bad = related(1)
    bad["position"] = 0
    assert feed(stages, [bad]) == ["rejected"]
    rejects = lines(tmp_path, "rejects.jsonl")
    assert rejects[0]["record"]["url"] == f"{URL}-1"
    assert rejects[0]["reasons"] == ["position: 0 is less than the minimum of 1"]
    # every reason, in jsonschema's words, whatever check found the record invalid first
    worse = related(2)
    worse.update(position=True, date="2021-12-1", url="ftp://x")
    del worse["teaser"]
    assert feed(stages, [worse]) == ["rejected"]
    assert lines(tmp_path, "rejects.jsonl")[1]["reasons"] == [
        "(record): 'teaser' is a required property",
        "position: True is not of type 'integer'",
        "url: 'ftp://x' does not match '^(https?|file)://'",
        r"date: '2021-12-1' does not match '^\\d{4}-\\d{2}-\\d{2}$'",
    ]


def test_text_is_normalised_to_nfc(tmp_path: Path) -> None:
    _, stages = open_run(tmp_path)
    item = article(body="Ba Đi\u0300nh\xa0mới")
    feed(stages, [item])
    assert lines(tmp_path, "articles.jsonl")[0]["body_text"] == "Ba Đình mới"


def _normalise_by_copy(value: Any) -> Any:
    """The plain definition: NFC and no-break spaces as spaces in every string, a copy of everything."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\xa0", " "))
    if isinstance(value, list):
        return [_normalise_by_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise_by_copy(v) for k, v in value.items()}
    return value


_texts = st.text(alphabet=st.sampled_from("aĐđi\u0300\u0301e\u0323\xa0 ạếỗ\u00a0x"), max_size=8)
_values = st.recursive(
    st.none() | st.integers() | st.booleans() | _texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.dictionaries(st.sampled_from(["title", "body", "images", "x"]), _values, max_size=4))
def test_normalise_copies_only_what_changes(item: dict[str, Any]) -> None:
    before = copy.deepcopy(item)
    expected = _normalise_by_copy(before)
    got = _normalise(item)
    assert got == expected
    assert item == before  # the input is never changed in place
    if got == before:
        assert got is item
