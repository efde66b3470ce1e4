"""Extraction in worker processes (``extract --jobs``): the same output in the same order; a dead
worker stops the batch cleanly."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import batch_work
import pytest
from fixture_cases import FIXTURES, manifest_of_fixtures
from test_archive_warc import five_pages

from badinh_crawler.archive.errors import ArchiveError, ArchiveProblem
from badinh_crawler.archive.warc_in import ExtractedPage, extract_warc
from badinh_crawler.batch import AHEAD, CHUNK, WorkerDied, ordered_map, worker_count
from badinh_crawler.cli import main


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# --- the pool -------------------------------------------------------------------------------------


def test_results_come_in_input_order_from_several_processes() -> None:
    items = list(range(103))  # not a multiple of the chunk size
    got = list(ordered_map(batch_work.square, items, jobs=2))
    assert [item for item, _ in got] == items
    assert [result[0] for _, result in got] == [n * n for n in items]
    pids = {result[1] for _, result in got}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_one_job_works_in_this_process_without_a_pool() -> None:
    got = list(ordered_map(batch_work.square, range(5), jobs=1))
    assert {pid for _, (_, pid) in got} == {os.getpid()}


def test_the_input_is_read_a_bounded_way_ahead() -> None:
    taken: list[int] = []

    def source() -> Iterator[int]:
        for n in range(10_000):
            taken.append(n)
            yield n

    results = ordered_map(batch_work.square, source(), jobs=2)
    first = next(results)
    assert first[0] == 0
    # the chunks in flight, and the one that refilled the window: never the whole input
    assert len(taken) <= (2 * AHEAD + 1) * CHUNK + 1
    results.close()  # the consumer goes away: the pool is shut down, nothing more is read
    assert len(taken) <= (2 * AHEAD + 1) * CHUNK + 1


def test_an_exception_of_the_work_comes_out_at_its_turn() -> None:
    results = ordered_map(batch_work.fail_on_seven, range(20), jobs=2)
    assert [next(results)[0] for _ in range(7)] == list(range(7))
    with pytest.raises(ValueError, match="seven"):
        next(results)


def test_a_dead_worker_stops_the_batch_naming_the_first_item_not_done() -> None:
    done = []
    with pytest.raises(WorkerDied) as raised:
        for item, _ in ordered_map(batch_work.die_on_seven, range(40), jobs=2):
            done.append(item)
    # every result before the lost chunk came out whole, in order; nothing after it
    assert done == list(range(len(done))) and len(done) <= 7
    assert raised.value.first == len(done)
    assert raised.value.pending >= 7 - len(done) + 1


def test_without_worker_processes_the_work_is_done_here(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unavailable(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr("badinh_crawler.batch.ProcessPoolExecutor", unavailable)
    got = list(ordered_map(batch_work.square, range(10), jobs=4))
    assert [(item, result[0]) for item, result in got] == [(n, n * n) for n in range(10)]
    assert {result[1] for _, result in got} == {os.getpid()}
    assert "worker processes are not available here" in caplog.text


def test_worker_count() -> None:
    assert worker_count(3) == 3
    assert worker_count(0) >= 1


# --- the command ------------------------------------------------------------------------------------


def test_manifest_output_is_the_same_with_any_jobs(tmp_path: Path) -> None:
    manifest = manifest_of_fixtures(tmp_path)
    serial = run(["extract", "--manifest", str(manifest)])
    assert serial[0] == 1 and serial[1].count("\n") > 100 and "3 of" in serial[2]
    assert run(["extract", "--jobs", "2", "--manifest", str(manifest)]) == serial
    assert run(["extract", "--jobs", "3", "--quiet", "--manifest", str(manifest)]) == run(
        ["extract", "--quiet", "--manifest", str(manifest)]
    )


def test_paths_and_standard_input_with_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    seed = FIXTURES / "seed-interview-liferay" / "page.html"
    other = FIXTURES / "liferay-home" / "page.html"
    answers = []
    for jobs in ("1", "2"):
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(seed.read_bytes()), encoding="utf-8"))
        answers.append(run(["extract", "--jobs", jobs, str(other), "-", str(seed)]))
    code, out, err = answers[1]
    assert code == 0, err
    assert answers[0] == answers[1]
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["page_url"] for r in records if r["type"] == "article"] == ["file:///dev/stdin", seed.resolve().as_uri()]
    assert sum(r["type"] == "site_stats" for r in records) == 3


def test_a_dead_worker_fails_the_command_with_what_was_not_extracted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = FIXTURES / "seed-interview-liferay" / "page.html"
    names = [f"p{n}.html" for n in range(30)]
    names[12] = "die.html"
    for name in names:
        shutil.copy(seed, tmp_path / name)
    manifest = tmp_path / "pages.tsv"
    manifest.write_text("".join(f"https://badinh.hanoi.gov.vn/{n}\t{name}\n" for n, name in enumerate(names)), encoding="utf-8")
    monkeypatch.setattr("badinh_crawler.cli.extract_job", batch_work.dying_job)
    code, out, err = run(["extract", "--jobs", "2", "--manifest", str(manifest)])
    assert code == 1
    lines = out.splitlines()
    assert all(json.loads(line) for line in lines)  # whole lines only
    done = {r.get("page_url") or r["article_url"] for r in map(json.loads, lines) if r["type"] != "qa"}
    assert done == {f"https://badinh.hanoi.gov.vn/{n}" for n in range(len(done))} and len(done) <= 12
    assert "an extraction worker process died" in err and "--jobs 1 names the page" in err
    assert f"error: {tmp_path / names[len(done)]}: " in err
    assert f"badinh-crawl extract: {30 - len(done)} of 30 pages failed" in err


def test_usage_error_for_a_negative_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["extract", "--jobs", "-1", "x.html"])
    assert code == 2 and out == ""
    assert "--jobs: not a number of processes: '-1'" in capsys.readouterr().err


# --- archives -----------------------------------------------------------------------------------------


def test_archive_entries_are_the_same_with_jobs(tmp_path: Path) -> None:
    warc, _urls = five_pages(tmp_path)
    data = warc.buffer.getvalue()
    path = tmp_path / "damaged.warc.gz"
    # garbage inside member 2: a problem between pages, which must keep its place
    path.write_bytes(data[: warc.offsets[2] + 40] + b"\x00garbage" * 20 + data[warc.offsets[2] + 200 :])

    def shape(entries: list[ExtractedPage | ArchiveProblem]) -> list[object]:
        return [
            (e.kind, e.offset, e.message) if isinstance(e, ArchiveProblem) else (e.page.url, e.records, e.warnings)
            for e in entries
        ]

    serial = list(extract_warc(path, run_id="r1"))
    assert any(isinstance(e, ArchiveProblem) for e in serial) and sum(isinstance(e, ExtractedPage) for e in serial) == 4
    assert shape(list(extract_warc(path, run_id="r1", jobs=2))) == shape(serial)
    code, out, err = run(["extract", "--jobs", "2", "--warc", str(path)])
    assert (code, out, err) == run(["extract", "--warc", str(path)])
    assert code == 1 and [json.loads(line)["type"] for line in out.splitlines()].count("article") >= 3


def test_a_dead_worker_ends_an_archive_with_an_archive_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warc, _urls = five_pages(tmp_path)
    path = tmp_path / "five.warc.gz"
    path.write_bytes(warc.buffer.getvalue())
    monkeypatch.setattr("badinh_crawler.archive.warc_in._extract_remote", batch_work.dying_entry)
    with pytest.raises(ArchiveError, match=r"worker process died.*the rest of the archive was not extracted"):
        list(extract_warc(path, jobs=2))


def test_sigterm_stops_the_command_cleanly_saying_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = FIXTURES / "seed-interview-liferay" / "page.html"
    names = ["a.html", "b.html", "stop.html", "d.html"]
    for name in names:
        shutil.copy(seed, tmp_path / name)
    manifest = tmp_path / "pages.tsv"
    manifest.write_text("".join(f"https://badinh.hanoi.gov.vn/{name}\t{name}\n" for name in names), encoding="utf-8")
    monkeypatch.setattr("badinh_crawler.cli.extract_job", batch_work.terminating_job)
    before = signal.getsignal(signal.SIGTERM)
    code, out, err = run(["extract", "--manifest", str(manifest)])
    assert code == 130
    assert {json.loads(line).get("page_url") for line in out.splitlines()} - {None} == {
        "https://badinh.hanoi.gov.vn/a.html",
        "https://badinh.hanoi.gov.vn/b.html",
    }
    assert "interrupted while extracting 2 of 4 pages; the records printed are whole" in err
    assert signal.getsignal(signal.SIGTERM) is before  # the handler is the command's only while it runs


def test_unreadable_standard_input_is_that_page_s_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: object) -> int:
            raise OSError(5, "Input/output error")

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BufferedReader(Broken()), encoding="utf-8"))
    seed = FIXTURES / "seed-interview-liferay" / "page.html"
    code, out, err = run(["extract", str(seed), "-"])
    assert code == 1
    assert "error: -: cannot read: Input/output error" in err
    assert "badinh-crawl extract: 1 of 2 pages failed" in err
    assert '"type":"article"' in out  # the other page is extracted
