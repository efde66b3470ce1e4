"""The command line, run in-process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_cases import FIXTURES, manifest_of_fixtures

from badinh_crawler.cli import main
from badinh_crawler.schemas import errors

SEED = FIXTURES / "seed-interview-liferay"
SEED_URL = json.loads((SEED / "meta.json").read_text(encoding="utf-8"))["url"]


def run(argv: list[str]) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    return code, records, err.getvalue()


def test_extract_seed_page() -> None:
    code, records, _ = run(["extract", "--url", SEED_URL, str(SEED / "page.html")])
    assert code == 0
    by_type: dict[str, list[dict]] = {}
    for r in records:
        by_type.setdefault(r["type"], []).append(r)
    (article,) = by_type["article"]
    assert article["title"] == "Tập trung thực hiện có hiệu quả Nghị quyết Đại hội Đảng bộ quận"
    assert article["sapo"].startswith("Là một trong ba đơn vị cấp trên cơ sở")
    assert (article["author"], article["source"]) == ("Tiến Thành", "Hanoimoi")
    assert article["url"] == SEED_URL.split(";")[0]
    qa = by_type["qa"]
    assert [q["index"] for q in qa] == [1, 2, 3, 4, 5]
    assert "Thông qua đó nhằm tuyên truyền sâu rộng" in qa[0]["answer"]
    assert qa[0]["answer"].count("\n\n") == 1
    assert "Có thể khẳng định, mục tiêu này phù hợp" in qa[4]["answer"]
    related = by_type["related"]
    assert [(r["date"], r["view_count"]) for r in related] == [
        ("2021-12-04", 4),
        ("2021-12-04", 11),
        ("2021-12-03", 59),
        ("2021-12-03", 12),
        ("2021-12-02", 59),
        ("2021-12-01", 115),
        ("2021-11-27", 51),
        ("2021-11-26", 56),
    ]
    assert all(r["teaser"].endswith(("...", ".")) for r in related)
    (stats,) = by_type["site_stats"]
    assert (stats["online_now"], stats["total_visits"]) == (324, 1022477)
    assert all(errors(r) == [] for r in records)


def test_output_is_utf8_without_escapes(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["extract", "--url", SEED_URL, str(SEED / "page.html")], stdout=out, stderr=io.StringIO()) == 0
    text = out.getvalue()
    assert "\\u" not in text and "Tiến Thành" in text


def test_default_url_is_the_file_url() -> None:
    code, records, _ = run(["extract", str(SEED / "page.html")])
    assert code == 0
    assert records[0]["page_url"] == (SEED / "page.html").resolve().as_uri()


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO((SEED / "page.html").read_bytes()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", fake)
    code, records, _ = run(["extract", "--url", SEED_URL, "-"])
    assert code == 0 and records[0]["type"] == "article"


def test_manifest_batch_reports_bad_files_and_goes_on(tmp_path: Path) -> None:
    fixtures = [p for p in FIXTURES.iterdir() if (p / "meta.json").exists()]
    manifest = manifest_of_fixtures(tmp_path)
    code, records, err = run(["extract", "--manifest", str(manifest)])
    assert code == 1
    assert f"error: {tmp_path / 'nope.html'}: cannot read" in err
    assert f"error: {tmp_path / 'empty.html'}: not a readable HTML page" in err
    assert "not a 'URL<TAB>PATH' line" in err
    assert "3 of" in err
    pages = {r["page_url"] for r in records if r["type"] == "site_stats"}
    articles = [r for r in records if r["type"] == "article"]
    assert len(pages) >= len(fixtures) - 2  # every good page still produced its records
    assert len(articles) >= 15


def test_usage_errors() -> None:
    assert run(["extract"])[0] == 2
    assert run(["extract", "--url", "https://x/", "a.html", "b.html"])[0] == 2
    assert run(["frobnicate"])[0] == 2


def test_module_entry_point_exists() -> None:
    import importlib.util

    assert importlib.util.find_spec("badinh_crawler.__main__") is not None


def test_standard_output_gets_the_same_bytes_as_a_text_stream(tmp_path: Path) -> None:
    """On a real standard output the records go to its binary buffer: the same lines, UTF-8, in order,
    after any text written before them."""
    import subprocess
    import sys

    manifest = manifest_of_fixtures(tmp_path)
    text = io.StringIO()
    main(["extract", "--manifest", str(manifest), "--quiet"], stdout=text, stderr=io.StringIO())
    done = subprocess.run(
        [sys.executable, "-m", "badinh_crawler", "extract", "--manifest", str(manifest), "--quiet"],
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 1  # (the manifest's bad lines)
    assert done.stdout.count(b"\n") > 100
    assert done.stdout == text.getvalue().encode("utf-8")


_LOADED = """
import sys
from badinh_crawler.cli import main
code = main(sys.argv[1:])
sys.stderr.write("LOADED " + " ".join(sorted({m.split(".")[0] for m in sys.modules} & {"scrapy", "twisted"})) + "\\n")
sys.exit(code)
"""


def _frameworks_loaded(argv: list[str]) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", _LOADED, *argv], capture_output=True, text=True, timeout=120)
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("LOADED")]
    return done.returncode, line.removeprefix("LOADED").strip()


@pytest.mark.parametrize(
    "argv",
    [["extract", "--url", SEED_URL, str(SEED / "page.html")], ["--version"], ["crawl", "--help"], ["export", "--help"]],
    ids=["extract", "version", "crawl-help", "export-help"],
)
def test_commands_that_do_not_crawl_start_without_scrapy(argv: list[str]) -> None:
    """Scrapy and Twisted are imported by the commands that crawl only: the others start without
    paying for them."""
    assert _frameworks_loaded(argv) == (0, "")


def test_crawl_imports_scrapy(tmp_path: Path) -> None:
    # (the check above sees an import when there is one: a crawl refused for its options has made it)
    code, loaded = _frameworks_loaded(["crawl", "--max-pages", "0", "--out", str(tmp_path / "out")])
    assert (code, loaded) == (2, "scrapy twisted")
