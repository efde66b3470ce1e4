"""The records this project emits (schema_version 1) and their JSON Lines form."""

from __future__ import annotations

import json
from typing import Any, Literal, TypedDict

SCHEMA_VERSION = 1
RECORD_TYPES = ("article", "qa", "related", "site_stats", "views")
RecordType = Literal["article", "qa", "related", "site_stats", "views"]


class BodyBlock(TypedDict):
    kind: Literal["heading", "paragraph", "question", "answer", "quote", "list_item", "table"]
    text: str


class ImageRef(TypedDict):
    url: str
    caption: str | None
    alt: str | None


class Attachment(TypedDict):
    url: str
    title: str | None


class Article(TypedDict):
    type: Literal["article"]
    schema_version: int
    url: str
    page_url: str
    title: str
    sapo: str | None
    published_at: str | None
    published_raw: str | None
    view_count: int | None
    view_count_raw: str | None
    author: str | None
    source: str | None
    byline_raw: str | None
    category: str | None
    body: list[BodyBlock]
    body_text: str
    images: list[ImageRef]
    attachments: list[Attachment]
    is_interview: bool
    layout: str
    content_sha256: str


class QA(TypedDict):
    type: Literal["qa"]
    schema_version: int
    article_url: str
    index: int
    section: str | None
    question: str
    answer: str


class Related(TypedDict):
    type: Literal["related"]
    schema_version: int
    page_url: str
    position: int
    url: str | None
    title: str | None
    date: str | None
    date_raw: str | None
    view_count: int | None
    teaser: str | None


class SiteStats(TypedDict):
    type: Literal["site_stats"]
    schema_version: int
    page_url: str
    online_now: int
    online_now_raw: str
    total_visits: int
    total_visits_raw: str
    observed_at: str | None


Record = Article | QA | Related | SiteStats


_line_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(record: Any) -> str:
    """One JSON Lines line: UTF-8 text, no ``\\u`` escapes, no newline inside."""
    return _line_encoder.encode(record)
