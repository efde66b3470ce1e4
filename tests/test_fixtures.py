"""Each fixture folder's expectations, one test per (fixture, record, field)."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from fixture_cases import Case, check, load_cases

from badinh_crawler.extract import ExtractionResult, extract_page
from badinh_crawler.schemas import errors

CASES = {case.name: case for case in load_cases()}


@cache
def result(name: str) -> ExtractionResult:
    case = CASES[name]
    return extract_page(case.page_bytes(), case.url, content_type=case.content_type, observed_at=case.observed_at)


def _field_params() -> list[Any]:
    params = []
    for case in CASES.values():
        exp = case.expected
        if exp.get("article") is None:
            params.append(pytest.param(case.name, "article", None, None, id=f"{case.name}-article-absent"))
        else:
            for field in exp["article"]:
                params.append(pytest.param(case.name, "article", None, field, id=f"{case.name}-article.{field}"))
        for kind in ("qa", "related"):
            params.append(pytest.param(case.name, kind, None, "count", id=f"{case.name}-{kind}-count"))
            for i, item in enumerate(exp.get(kind, [])):
                for field in item:
                    params.append(pytest.param(case.name, kind, i, field, id=f"{case.name}-{kind}[{i}].{field}"))
        if exp.get("site_stats") is None:
            params.append(pytest.param(case.name, "site_stats", None, None, id=f"{case.name}-site_stats-absent"))
        else:
            for field in exp["site_stats"]:
                params.append(pytest.param(case.name, "site_stats", None, field, id=f"{case.name}-site_stats.{field}"))
    return params


@pytest.mark.parametrize(("name", "kind", "index", "field"), _field_params())
def test_field(name: str, kind: str, index: int | None, field: str | None) -> None:
    case: Case = CASES[name]
    got = result(name)
    expected = case.expected
    if kind in ("article", "site_stats"):
        record = getattr(got, kind)
        if field is None:
            assert record is None, f"{kind} expected none, got {record!r}"[:500]
            return
        assert record is not None, f"no {kind} record"
        problems = check(expected[kind][field], record.get(field, "<absent>"))
    else:
        records = getattr(got, kind)
        if field == "count":
            assert len(records) == len(expected.get(kind, [])), [r.get("title") or r.get("question") for r in records]
            return
        assert index is not None and index < len(records), f"only {len(records)} {kind} records"
        problems = check(expected[kind][index][field], records[index].get(field, "<absent>"))
    assert not problems, problems


@pytest.mark.parametrize("name", sorted(CASES))
def test_records_validate_against_schemas(name: str) -> None:
    for record in result(name).records():
        assert errors(dict(record)) == [], record["type"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_body_text_is_the_blocks_joined(name: str) -> None:
    article = result(name).article
    if article is None:
        pytest.skip("no article on this page")
    assert article["body_text"] == "\n\n".join(b["text"] for b in article["body"])
    assert "\x00" not in article["body_text"] and "\xa0" not in article["body_text"]


def test_there_are_enough_fixtures() -> None:
    assert len(CASES) >= 25
