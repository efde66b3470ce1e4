"""The JSON Lines encoder of records: byte for byte what ``json`` writes, on every fixture and any value."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fixture_cases import load_cases
from hypothesis import given
from hypothesis import strategies as st

from badinh_crawler.extract import extract_page
from badinh_crawler.records import dumps, record_line

_REFERENCE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _reference(value: Any) -> bytes:
    return _REFERENCE.encode(value).encode("utf-8")


def test_every_fixture_record_is_written_as_json_writes_it() -> None:
    written = 0
    for case in load_cases():
        result = extract_page(case.page_bytes(), case.url, content_type=case.content_type, observed_at=case.observed_at)
        for record in result.records():
            assert record_line(record) == _reference(record), (case.name, record["type"])
            assert record_line(record) == dumps(record).encode("utf-8")
            written += 1
    assert written > 100


@pytest.mark.parametrize(
    "text",
    [
        "".join(chr(i) for i in range(0x80)),  # every control character, quote and backslash
        "\u2028\u2029\ufeff\u200b\u00ad",  # separators JavaScript minds, invisible characters
        "Phường Ba Đình 😀 “Lượt xem” – 1.234",
        "",
    ],
)
def test_escapes_are_the_same(text: str) -> None:
    record = {"type": "article", "title": text, "body": [{"kind": "paragraph", "text": text}]}
    assert record_line(record) == _reference(record)
    assert b"\n" not in record_line(record)


def test_integers_past_64_bits_are_still_written() -> None:
    record = {"type": "related", "view_count": 2**64, "position": -(2**70)}
    assert record_line(record) == b'{"type":"related","view_count":18446744073709551616,"position":-1180591620717411303424}'


@pytest.mark.parametrize("value", [1e-07, 1.5, float("nan"), float("inf"), {"elapsed": [2.5e-05]}])
def test_a_float_in_the_provenance_is_written_as_json_writes_it(value: Any) -> None:
    record = {"type": "article", "title": "x", "provenance": {"source": "live", "extra": value}}
    assert record_line(record) == _reference(record)


def test_only_the_provenance_may_hold_a_float() -> None:
    """What lets ``record_line`` look for floats in the provenance alone: no schema has a number field,
    and the provenance is the only object open to other properties."""
    from badinh_crawler.schemas import schema

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            assert node.get("type") != "number" and "number" not in (node.get("type") or []), path
            if node.get("additionalProperties") is not False and node.get("type") == "object":
                assert path.endswith("provenance"), path
            for key, child in node.items():
                walk(child, f"{path}/{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{path}/{i}")

    for record_type in ("article", "qa", "related", "site_stats", "views"):
        walk(schema(record_type), record_type)


def test_a_lone_surrogate_is_an_encoding_error_not_a_broken_line() -> None:
    with pytest.raises(UnicodeEncodeError):
        record_line({"title": "a\ud800b"})


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.characters(exclude_categories=("Cs",))),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=12), _JSON_VALUES, max_size=6))
def test_any_record_shaped_value(record: dict[str, Any]) -> None:
    assert record_line(record) == _reference(record)


def test_a_page_whose_record_cannot_be_utf8_is_that_pages_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from badinh_crawler import pagejob
    from badinh_crawler.extract import ExtractionResult

    def surrogate_page(body: bytes, url: str, **options: Any) -> ExtractionResult:
        site_stats = {"type": "site_stats", "page_url": url, "online_now_raw": "Đang truy cập: \ud800"}
        return ExtractionResult(url=url, site_stats=site_stats)  # type: ignore[arg-type]

    monkeypatch.setattr(pagejob, "extract_page", surrogate_page)
    page = tmp_path / "page.html"
    page.write_bytes(b"<html></html>")
    output = pagejob.extract_job(pagejob.PageJob("https://badinh.hanoi.gov.vn/a.htm", str(page), 1))
    assert not output.ok
    assert output.out == b""
    assert output.err.startswith(f"error: {page}: a record cannot be written as UTF-8: ")
