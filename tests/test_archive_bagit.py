"""BagIt export of a run: what goes in, bag-info, bagit's own validation, tampering found."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import bagit
import pytest

from badinh_crawler.archive.bagit_export import export_bagit, validate_bag
from badinh_crawler.archive.warc_out import WarcWriter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RUN = {
    "run_id": "20211204T021240Z-abc123",
    "version": "0.1.0",
    "started_at": "2021-12-04T09:12:40+07:00",
    "finished_at": "2021-12-04T09:40:00+07:00",
    "start_urls": ["https://badinh.hanoi.gov.vn/"],
    "exit": {"status": 0, "reason": "finished"},
}


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    (out / "runs").mkdir(parents=True)
    (out / "articles.jsonl").write_text('{"type": "article", "title": "Tập trung"}\n', encoding="utf-8")
    (out / "qa.jsonl").write_text("", encoding="utf-8")
    (out / "run.json").write_text(json.dumps(RUN), encoding="utf-8")
    (out / "runs" / f"{RUN['run_id']}.json").write_text(json.dumps(RUN), encoding="utf-8")
    (out / "state.sqlite").write_bytes(b"SQLite format 3\x00")
    (out / ".lock").write_bytes(b"")
    meta = json.loads((FIXTURES / "seed-interview-liferay" / "meta.json").read_text(encoding="utf-8"))
    page = (FIXTURES / "seed-interview-liferay" / "page.html").read_bytes()
    when = dt.datetime(2021, 12, 4, 2, 12, 40, tzinfo=dt.UTC)
    with WarcWriter(out / "warc") as warc:
        warc.write_exchange(meta["url"], "GET", {}, None, 200, "OK", {"Content-Type": "text/html"}, page, fetched_at=when)
    return out


def test_bag_holds_the_run_outputs_and_validates(tmp_path: Path, run_dir: Path) -> None:
    bag_path = export_bagit(
        tmp_path / "bag", run_dir, info={"Source-Organization": "Example Lab", "Contact-Email": "lab@example.org"}
    )
    assert bag_path == tmp_path / "bag"
    assert validate_bag(bag_path) == []
    data = bag_path / "data"
    names = sorted(str(p.relative_to(data)) for p in data.rglob("*") if p.is_file())
    warc_names = [n for n in names if n.startswith("warc/")]
    assert len(warc_names) == 1 and warc_names[0].endswith(".warc.gz")
    assert f"runs/{RUN['run_id']}.json" in names
    assert {"articles.jsonl", "qa.jsonl", "run.json", "schemas/article.schema.json", "schemas/views.schema.json"} <= set(names)
    assert "state.sqlite" not in names and ".lock" not in names
    assert (data / "articles.jsonl").read_bytes() == (run_dir / "articles.jsonl").read_bytes()

    bag = bagit.Bag(str(bag_path))
    assert bag.algorithms == ["sha256"]
    assert (bag_path / "manifest-sha256.txt").exists() and (bag_path / "tagmanifest-sha256.txt").exists()
    info = bag.info
    assert info["Source-Organization"] == "Example Lab"
    assert info["Contact-Email"] == "lab@example.org"
    assert "Ba Đình" in info["External-Description"]
    assert info["Bagging-Date"] == dt.date.today().isoformat()
    assert info["Crawl-Run-Id"] == RUN["run_id"]
    assert info["Crawl-Start"] == RUN["started_at"] and info["Crawl-End"] == RUN["finished_at"]
    assert info["Crawler-Version"] == "0.1.0"
    assert info["Crawl-Exit-Status"] == "0 finished"
    assert info["Payload-Oxum"].endswith(f".{len(names)}")
    # the source is left as it was
    assert (run_dir / "state.sqlite").exists() and (run_dir / "articles.jsonl").exists()


def test_one_changed_payload_byte_invalidates_the_bag(tmp_path: Path, run_dir: Path) -> None:
    bag_path = export_bagit(tmp_path / "bag", run_dir, info={})
    target = bag_path / "data" / "articles.jsonl"
    content = bytearray(target.read_bytes())
    content[10] ^= 0x01
    target.write_bytes(bytes(content))
    problems = validate_bag(bag_path)
    assert len(problems) == 1 and "articles.jsonl" in problems[0] and "sha256" in problems[0]


def test_an_added_or_removed_file_invalidates_the_bag(tmp_path: Path, run_dir: Path) -> None:
    bag_path = export_bagit(tmp_path / "bag", run_dir, info={})
    (bag_path / "data" / "extra.jsonl").write_text("{}\n")
    assert any("extra.jsonl" in p for p in validate_bag(bag_path))
    (bag_path / "data" / "extra.jsonl").unlink()
    (bag_path / "data" / "run.json").unlink()
    assert any("run.json" in p for p in validate_bag(bag_path))


def test_info_overrides_and_removes_fields(tmp_path: Path, run_dir: Path) -> None:
    bag_path = export_bagit(
        tmp_path / "bag", run_dir, info={"External-Description": "Mô tả", "Crawl-Start": None, "Keywords": ["Ba Đình", "Hà Nội"]}
    )
    info = bagit.Bag(str(bag_path)).info
    assert info["External-Description"] == "Mô tả"
    assert "Crawl-Start" not in info
    assert info["Keywords"] == ["Ba Đình", "Hà Nội"]
    assert validate_bag(bag_path) == []


def test_refusals(tmp_path: Path, run_dir: Path) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "x").write_text("x")
    with pytest.raises(FileExistsError):
        export_bagit(taken, run_dir, info={})
    with pytest.raises(FileNotFoundError):
        export_bagit(tmp_path / "bag", tmp_path / "missing", info={})
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError):
        export_bagit(tmp_path / "bag", empty, info={})
    assert not (tmp_path / "bag").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left behind
    # an empty directory is a fine destination
    (tmp_path / "ready").mkdir()
    assert validate_bag(export_bagit(tmp_path / "ready", run_dir, info={})) == []


def test_validate_bag_on_what_is_not_a_bag(tmp_path: Path, run_dir: Path) -> None:
    problems = validate_bag(run_dir)
    assert len(problems) == 1 and problems[0].startswith("not a bag")
