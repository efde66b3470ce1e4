"""Loads the fixture folders and compares extracted records with their expectations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MATCHER_KEYS = {"must_have", "must_not_have", "startswith", "endswith", "count", "contains"}


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    url: str
    content_type: str | None
    observed_at: str | None
    expected: dict[str, Any]

    def page_bytes(self) -> bytes:
        return (self.folder / "page.html").read_bytes()


def load_cases() -> list[Case]:
    cases = []
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and (p / "expected.json").exists()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        cases.append(Case(folder.name, folder, meta["url"], meta.get("content_type"), meta.get("observed_at"), expected))
    return cases


def is_matcher(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= MATCHER_KEYS


def _item_matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict) and not is_matcher(expected):
        return isinstance(actual, dict) and all(k in actual and not check(v, actual[k]) for k, v in expected.items())
    return not check(expected, actual)


def check(expected: Any, actual: Any) -> list[str]:
    """Problems found comparing ``actual`` with ``expected`` (exact value or matcher); [] when it holds."""
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"expected {len(expected)} items, got {len(actual)}: {actual!r}"]
        return [f"item {i}: {p}" for i, (e, a) in enumerate(zip(expected, actual, strict=False)) for p in check(e, a)]
    if isinstance(expected, dict) and not is_matcher(expected) and isinstance(actual, dict):
        return [f"{k}: {p}" for k, v in expected.items() for p in check(v, actual.get(k, "<absent>"))]
    if not is_matcher(expected):
        return [] if expected == actual else [f"expected {expected!r}, got {actual!r}"]
    problems = []
    for snippet in expected.get("must_have", []):
        if not isinstance(actual, str) or snippet not in actual:
            problems.append(f"missing {snippet!r}")
    for snippet in expected.get("must_not_have", []):
        if isinstance(actual, str) and snippet in actual:
            problems.append(f"must not contain {snippet!r}")
    if "startswith" in expected and not (isinstance(actual, str) and actual.startswith(expected["startswith"])):
        problems.append(f"does not start with {expected['startswith']!r}: {str(actual)[:80]!r}")
    if "endswith" in expected and not (isinstance(actual, str) and actual.endswith(expected["endswith"])):
        problems.append(f"does not end with {expected['endswith']!r}: {str(actual)[-80:]!r}")
    if "count" in expected and not (isinstance(actual, list) and len(actual) == expected["count"]):
        problems.append(f"expected {expected['count']} items, got {len(actual) if isinstance(actual, list) else actual!r}")
    for item in expected.get("contains", []):
        if not isinstance(actual, list) or not any(_item_matches(item, a) for a in actual):
            problems.append(f"no element matches {item!r}")
    return problems


def manifest_of_fixtures(tmp_path: Path) -> Path:
    """A manifest of every fixture page, with three bad lines among them: a missing file, an empty
    file and a line without a tab (the batch must report each and go on)."""
    lines = []
    for folder in sorted(p for p in FIXTURES.iterdir() if (p / "meta.json").exists()):
        url = json.loads((folder / "meta.json").read_text(encoding="utf-8"))["url"]
        lines.append(f"{url}\t{folder / 'page.html'}")
    (tmp_path / "empty.html").write_bytes(b"")
    lines.insert(3, f"https://badinh.hanoi.gov.vn/missing\t{tmp_path / 'nope.html'}")
    lines.insert(5, "https://badinh.hanoi.gov.vn/empty\tempty.html")
    lines.insert(7, "this line has no tab")
    manifest = tmp_path / "pages.tsv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest
