"""The hostile-input corpus (``fixtures/hostile/``): one test per case, each extraction in a child process.

Every case runs in its own process under a hang guard (killed after :data:`HANG_GUARD_SECONDS`: a guard
against hangs, not a speed assertion) and a memory bound (``RLIMIT_AS``, see ``hostile_pages.MEMORY_HEADROOM``).
A case passes when nothing but the expected ``ParseError`` is raised, every record validates against the
schemas, and the case's expectations (``meta.json``) hold. A case with a ``known_bug`` is a strict xfail:
when the bug is fixed the test fails until the ``known_bug`` entry is removed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fixture_cases import check, is_matcher
from hostile_pages import EXPECTATIONS, GENERATORS, HOSTILE, RECORD_KINDS, HostileCase, load_hostile_cases

from badinh_crawler.extract import MAX_PAGE_BYTES, ParseError, extract_page
from badinh_crawler.schemas import errors

HANG_GUARD_SECONDS = 60
#: cases run in parallel child processes (a hung case must not hold up the others)
WORKERS = 4
WORKER = Path(__file__).resolve().parent / "hostile_pages.py"

CASES = {case.name: case for case in load_hostile_cases()}


def _param(case: HostileCase) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.known_bug)] if case.known_bug else []
    return pytest.param(case.name, id=case.name, marks=marks)


def _run_in_child(name: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        try:
            proc = subprocess.run(
                [sys.executable, str(WORKER), name, str(out)],
                capture_output=True,
                text=True,
                timeout=HANG_GUARD_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return {"outcome": "hang", "error": f"no result after {HANG_GUARD_SECONDS} s: killed by the hang guard"}
        if proc.returncode != 0 or not out.exists():
            return {"outcome": "crash", "error": f"child exited with {proc.returncode}: {proc.stderr[-3000:]}"}
        loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return loaded


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest) -> Any:
    """Every selected case, started at once on a few worker processes; each test waits for its own."""
    selected = [item.callspec.params["name"] for item in request.session.items if item.name.startswith("test_hostile_case[")]
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    # big pages first and known hangs before them, so that they overlap with the many quick cases
    order = sorted(dict.fromkeys(selected), key=lambda n: (CASES[n].generator is None, not CASES[n].known_bug, n))
    futures: dict[str, Future[dict[str, Any]]] = {name: pool.submit(_run_in_child, name) for name in order}
    yield futures
    pool.shutdown(wait=False, cancel_futures=True)


def problems_of(case: HostileCase, run: dict[str, Any]) -> list[str]:
    """What is wrong with one case's run ([] when the case holds)."""
    outcome = run["outcome"]
    if outcome in ("hang", "crash", "exception"):
        return [f"{outcome}: {run.get('error')}" + (f"\n{run['traceback']}" if run.get("traceback") else "")]
    problems: list[str] = []
    if outcome != case.expect:
        detail = f": {run.get('error')}" if outcome == "parse-error" else ""
        problems.append(f"expected {case.expect}, got {outcome}{detail}")
        return problems
    if outcome == "parse-error":
        wanted = case.meta.get("parse_error")
        if wanted and wanted not in run["error"]:
            problems.append(f"ParseError message {run['error']!r} does not say {wanted!r}")
        return problems
    problems += [f"schema: {e}" for e in run["schema_errors"]]
    problems += run["text_problems"]
    for kind in RECORD_KINDS:
        if kind not in case.meta:
            continue
        expected, got = case.meta[kind], run[kind]
        if kind in ("article", "site_stats"):
            if expected is None:
                if got is not None:
                    problems.append(f"{kind}: expected none, got {json.dumps(got, ensure_ascii=False)[:300]}")
                continue
            if got is None:
                problems.append(f"{kind}: no record")
                continue
            for field, value in expected.items():
                problems += [f"{kind}.{field}: {p}" for p in check(value, got.get(field, "<absent>"))]
        elif is_matcher(expected):
            problems += [f"{kind}: {p}" for p in check(expected, got)]
        elif len(got) != len(expected):
            problems.append(f"{kind}: expected {len(expected)} records, got {len(got)}")
        else:
            for i, (want, have) in enumerate(zip(expected, got, strict=True)):
                problems += [f"{kind}[{i}].{field}: {p}" for field, value in want.items() for p in check(value, have.get(field))]
    return [p[:1500] for p in problems]


@pytest.mark.parametrize("name", [_param(case) for case in CASES.values()])
def test_hostile_case(name: str, runs: dict[str, Future[dict[str, Any]]]) -> None:
    case = CASES[name]
    run = runs[name].result()
    problems = problems_of(case, run)
    assert not problems, "\n".join(problems)


# --- the corpus itself ------------------------------------------------------------------------------


def test_corpus_is_complete_and_small() -> None:
    assert len(CASES) >= 40
    for case in CASES.values():
        assert case.expect in EXPECTATIONS, case.name
        assert case.meta.get("description"), case.name
        assert case.url.startswith("https://"), case.name
        page = case.folder / "page.html"
        assert (case.generator is None) == page.exists(), f"{case.name}: page.html or a generator, not both"
        if case.generator is not None:
            assert case.generator in GENERATORS, case.name
        else:
            assert page.stat().st_size <= 200_000, f"{case.name}: page.html over 200 KB, use a generator"
    urls = [case.url for case in CASES.values()]
    assert len(set(urls)) == len(urls), "each case has its own URL"


def test_readme_lists_every_case() -> None:
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    missing = [name for name in CASES if f"`{name}`" not in readme]
    assert not missing, missing


# --- the size cap ---------------------------------------------------------------------------------


def test_size_cap_boundary() -> None:
    at_cap = b" " * MAX_PAGE_BYTES
    with pytest.raises(ParseError, match="empty document"):  # read (and empty), not refused for its size
        extract_page(at_cap, "https://badinh.hanoi.gov.vn/")
    with pytest.raises(ParseError, match=r"^page too large: \d+ bytes"):
        extract_page(at_cap + b" ", "https://badinh.hanoi.gov.vn/")
    with pytest.raises(ParseError, match="page too large"):
        extract_page("<p>x</p>" + " " * MAX_PAGE_BYTES, "https://badinh.hanoi.gov.vn/")


# --- the command line over the whole small corpus, in one process -------------------------------------


def test_cli_manifest_over_small_cases(tmp_path: Path) -> None:
    small = [case for case in CASES.values() if case.generator is None]
    manifest = tmp_path / "hostile.tsv"
    manifest.write_text("".join(f"{case.url}\t{case.folder / 'page.html'}\n" for case in small), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "badinh_crawler", "extract", "--quiet", "--manifest", str(manifest)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=HANG_GUARD_SECONDS * 2,
    )
    error_lines = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    buggy = {case.url for case in small if case.known_bug}
    invalid = [(r["type"], errors(r)) for r in records if errors(r) and (r.get("page_url") or r.get("article_url")) not in buggy]
    assert invalid == []
    refused = {case.name for case in small if case.expect == "parse-error"}
    assert refused and proc.returncode == 1, proc.stderr[-2000:]
    assert f"badinh-crawl extract: {len(error_lines)} of {len(small)} pages failed" in proc.stderr
    articles = {r["page_url"] for r in records if r["type"] == "article"}
    for case in small:
        if case.known_bug:
            continue  # its own test is an xfail; the batch only has to go on past it
        prefix = f"error: {case.folder / 'page.html'}: "
        lines = [line for line in error_lines if line.startswith(prefix)]
        if case.name in refused:
            assert len(lines) == 1 and "not a readable HTML page" in lines[0], (case.name, lines)
        else:
            assert lines == [], (case.name, lines)
        assert (case.url in articles) == (case.expect == "records"), case.name
