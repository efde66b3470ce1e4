"""The compiled (fast) schema check against jsonschema: they must agree on every record, valid or broken.

``errors`` trusts the compiled check when it passes and asks jsonschema otherwise, so it gives
jsonschema's answer exactly as long as the compiled check never accepts a record jsonschema refuses.
These tests hold it to that over the fixture pages' records and a few thousand broken variants of
them (wrong types, missing and extra fields, bad dates, bad URLs, tuples for arrays...), and check
that the schemas use no keyword beyond those the variants exercise.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from fixture_cases import FIXTURES, load_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badinh_crawler.extract import ParseError, extract_page
from badinh_crawler.records import RECORD_TYPES
from badinh_crawler.schemas import _compiled, errors, full_errors, schema

PROVENANCE = {
    "source": "live",
    "fetched_url": "https://badinh.hanoi.gov.vn/x",
    "fetched_at": "2024-05-01T10:00:00+07:00",
    "http_status": 200,
    "run_id": "20240501T030000Z-abcdef",
}

#: every keyword the schemas may use: the broken records below exercise each of them
KNOWN_KEYWORDS = {
    "$schema",
    "$id",
    "title",
    "description",
    "type",
    "const",
    "enum",
    "pattern",
    "minLength",
    "minimum",
    "required",
    "additionalProperties",
    "properties",
    "items",
}


@cache
def fixture_records() -> list[dict[str, Any]]:
    """The records of every fixture page (the hostile ones with bytes on disk too), as a crawl stamps them."""
    records: list[dict[str, Any]] = []
    pages = [(case.page_bytes(), case.url, case.content_type, case.observed_at) for case in load_cases()]
    for folder in sorted((FIXTURES / "hostile").iterdir()):
        if (folder / "page.html").exists():
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            pages.append(((folder / "page.html").read_bytes(), meta["url"], meta.get("content_type"), None))
    for body, url, content_type, observed in pages:
        try:
            result = extract_page(body, url, content_type=content_type, observed_at=observed)
        except ParseError:
            continue
        for record in result.records():
            records.append(dict(record))
            records.append({**record, "provenance": dict(PROVENANCE)})
    views = {
        "type": "views",
        "schema_version": 1,
        "url": "https://badinh.hanoi.gov.vn/a",
        "view_count": 12,
        "view_count_raw": "12",
        "observed_at": "2024-05-01T10:00:00+07:00",
        "provenance": dict(PROVENANCE),
    }
    records += [views, {**views, "view_count": None, "view_count_raw": None}]
    return records


def test_there_are_records_of_every_type() -> None:
    assert {r["type"] for r in fixture_records()} == set(RECORD_TYPES)
    assert len(fixture_records()) > 200


def test_the_compiled_check_accepts_every_valid_fixture_record() -> None:
    """Else the fast path would be no faster (each record would go to jsonschema too)."""
    for record in fixture_records():
        assert full_errors(record) == [], record
        _compiled(record["type"])(record)  # raises if refused
        assert errors(record) == []


def test_the_schemas_use_only_keywords_the_comparison_covers() -> None:
    def walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield path, key
                if key == "properties":
                    for name, sub in value.items():
                        yield from walk(sub, f"{path}/properties/{name}")
                elif key == "items":
                    yield from walk(value, f"{path}/items")
                elif key == "additionalProperties":
                    assert isinstance(value, bool), f"{path}: additionalProperties as a schema is not compared"

    for record_type in RECORD_TYPES:
        used = {key for _, key in walk(schema(record_type), record_type)}
        # "format" in particular: jsonschema checks none without a format checker, the compiled check none either
        assert used <= KNOWN_KEYWORDS, f"{record_type}: {sorted(used - KNOWN_KEYWORDS)}: extend the broken records below"


#: values that break (or, for some fields, happen to fit) a field
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    3.0,
    2.5,
    float("nan"),
    "",
    " ",
    "x",
    "1",
    "null",
    [],
    ["x"],
    (),
    ("x",),
    {},
    {"kind": "paragraph"},
]
DATES = [
    "2021-12-05",
    "2021-12-05T09:30:00+07:00",
    "2021-12-05T09:30:00Z",
    "2021-12-05T09:30:00+0700",
    "2021-12-05 09:30:00",
    "2021-12-5",
    "21-12-05",
    "05/12/2021",
    "2021-12-05\n",
    "2021-12-05T09:30:00+07:00\n",
    "x2021-12-05",
    "2021-12-05x",
    "٢٠٢١-١٢-٠٥",  # Arabic-Indic digits: \d matches them in both
    "2021-13-45",
    "",
]
URLS = [
    "https://badinh.hanoi.gov.vn/a",
    "http://x",
    "file:///tmp/a.html",
    "HTTPS://badinh.hanoi.gov.vn/",
    "ftp://badinh.hanoi.gov.vn/a",
    "htp://x",
    "https:/x",
    "//badinh.hanoi.gov.vn/a",
    " https://x",
    "javascript:alert(1)",
    "",
    "https://",
]
SHAS = ["0" * 64, "a" * 64, "A" * 64, "0" * 63, "0" * 64 + "\n", "g" * 64]


def _field_values(name: str) -> list[Any]:
    values = list(ODD_VALUES)
    if "url" in name:
        values += URLS
    if "date" in name or name.endswith("_at"):
        values += DATES
    if name == "content_sha256":
        values += SHAS
    if name in ("source", "kind", "layout", "type"):
        values += ["live", "wayback", "warc", "file", "paragraph", "heading", "table", "liferay", "htm", "article", "Live"]
    return values


def broken_variants(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each field of ``record`` (nested ones too) missing, or set to each odd value; an extra field."""

    def paths(node: Any, prefix: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield (*prefix, key)
                yield from paths(value, (*prefix, key))
        elif isinstance(node, list):
            for index, value in enumerate(node[:2]):
                yield (*prefix, index)
                yield from paths(value, (*prefix, index))

    for path in paths(record, ()):
        container_path, last = path[:-1], path[-1]
        name = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
        if isinstance(last, str):
            variant = copy.deepcopy(record)
            _at(variant, container_path).pop(last)
            yield variant
            extra = copy.deepcopy(record)
            _at(extra, container_path)["unexpected"] = "x"
            yield extra
        for value in _field_values(name):
            variant = copy.deepcopy(record)
            _at(variant, container_path)[last] = value
            yield variant
    yield {**record, "type": "unknown"}
    yield {k: v for k, v in record.items() if k != "type"}


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


def _one_of_each_type() -> list[dict[str, Any]]:
    """A few records of each type, the richest first (most nested fields to break)."""
    chosen: list[dict[str, Any]] = []
    for record_type in RECORD_TYPES:
        of_type = [r for r in fixture_records() if r["type"] == record_type]
        of_type.sort(key=lambda r: -len(json.dumps(r, default=str)))
        chosen += of_type[:2] + [r for r in of_type if "provenance" in r][:1]
    return chosen


@pytest.mark.parametrize("index", range(len(RECORD_TYPES) * 3))
def test_broken_records_get_the_same_verdict_and_reasons(index: int) -> None:
    records = _one_of_each_type()
    if index >= len(records):
        pytest.skip("fewer records of this type")
    refused = 0
    for variant in broken_variants(records[index]):
        expected = full_errors(variant)
        assert errors(variant) == expected, variant
        refused += bool(expected)
    assert refused > 20


def test_hand_picked_edge_cases() -> None:
    qa = {
        "type": "qa",
        "schema_version": 1,
        "article_url": "https://badinh.hanoi.gov.vn/a",
        "index": 1,
        "section": None,
        "question": "Hỏi?",
        "answer": "Đáp.",
    }
    cases = [
        (qa, True),
        ({**qa, "schema_version": True}, False),  # True == 1 in Python, not in JSON Schema
        ({**qa, "schema_version": 1.0}, True),  # 1.0 is the integer 1 for JSON Schema
        ({**qa, "index": True}, False),
        ({**qa, "index": 2.0}, True),
        ({**qa, "index": 0}, False),
        ({**qa, "article_url": "https://a/\n"}, True),
        ({**qa, "question": ""}, False),
        ({**qa, "provenance": {**PROVENANCE, "extra": 1}}, True),  # provenance takes more fields
        ({**qa, "provenance": {**PROVENANCE, "http_status": "200"}}, False),
        ({**qa, "provenance": {k: v for k, v in PROVENANCE.items() if k != "fetched_at"}}, False),
    ]
    for record, valid in cases:
        assert (full_errors(record) == []) is valid, record
        assert errors(record) == full_errors(record), record
    article = next(r for r in fixture_records() if r["type"] == "article" and r["body"])
    # a tuple is no JSON array for jsonschema; fastjsonschema's code takes one unless patched
    with_tuple = {**article, "body": tuple(article["body"])}
    assert errors(with_tuple) == full_errors(with_tuple) != []
    # jsonschema's "$" also matches before a final newline; the compiled "\Z" does not: stricter, so
    # such a value goes to jsonschema, which accepts it, and the verdict is the same
    assert errors({**article, "published_at": "2021-12-05\n"}) == []


scalars = st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=8)
json_values = st.recursive(
    scalars | st.sampled_from(URLS + DATES),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.data())
def test_random_values_anywhere(which: int, data: st.DataObject) -> None:
    records = _one_of_each_type()
    record = copy.deepcopy(records[which % len(records)])
    node: Any = record
    # walk down a random path of dicts and lists, then replace what is there
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, (dict, list)) and child and data.draw(st.booleans()):
            node = child
            continue
        node[key] = data.draw(json_values | st.tuples(json_values))
        break
    assert errors(record) == full_errors(record)
