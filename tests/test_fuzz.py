"""Property tests: whatever the bytes, the extractor never raises (but ParseError on no-HTML input) and every
record it returns validates against the schemas.

Inputs: arbitrary bytes, a soup of HTML and portal tokens, and mutations of the fixture pages (byte flips,
truncation, tag deletion and duplication, insertion of "Lượt xem", "- ", dates, NFD text...). The examples
are derandomized so that CI is repeatable; ``make fuzz`` (atheris) explores further.
"""

from __future__ import annotations

import signal
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from fixture_cases import load_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badinh_crawler.extract import ParseError, extract_page
from badinh_crawler.schemas import errors

#: a guard against hangs (one extraction that never returns), not a speed assertion
HANG_GUARD_SECONDS = 60
URL = "https://badinh.hanoi.gov.vn/tin-tuc-su-kien/-/asset_publisher/Ok4xgRzWdTXn/content/trang-thu"
FIXTURES = {case.name: case for case in load_cases()}


def fuzz_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@contextmanager
def hang_guard() -> Iterator[None]:
    """Interrupt one extraction that never returns (SIGALRM; this runs in the main thread)."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"no result after {HANG_GUARD_SECONDS} s: hang guard")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(HANG_GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def check_page(body: bytes, url: str = URL, content_type: str | None = None) -> None:
    """Extract ``body``: ParseError is allowed, any other exception fails; every record must validate."""
    try:
        with hang_guard():
            result = extract_page(body, url, content_type=content_type)
    except ParseError:
        return
    for record in result.records():
        problems = errors(dict(record))
        assert problems == [], (record["type"], problems)
        # every string NFC, with no no-break space (the crawl's pipeline would mend one, but
        # `extract` prints the records as the extractor gives them)
        for text in _strings(record):
            assert unicodedata.is_normalized("NFC", text) and "\xa0" not in text, (record["type"], text)
    if result.article is not None:
        article = result.article
        assert article["body_text"] == "\n\n".join(b["text"] for b in article["body"])
        assert article["title"].strip() == article["title"]
    for q in result.qa:
        assert q["question"] and q["answer"]
    assert [r["position"] for r in result.related] == list(range(1, len(result.related) + 1))


# --- arbitrary bytes ------------------------------------------------------------------------------------


@fuzz_settings(300)
@given(
    st.binary(max_size=2048), st.sampled_from([None, "text/html", "text/html; charset=windows-1258", "text/html; charset=utf-16"])
)
def test_arbitrary_bytes(body: bytes, content_type: str | None) -> None:
    check_page(body, content_type=content_type)


TOKENS = [
    "<html>",
    "<head>",
    "<body>",
    "</body>",
    "<title>",
    "</title>",
    "<h1>",
    "</h1>",
    '<h1 class="header-title">',
    "<p>",
    "</p>",
    "<p><strong>",
    "</strong></p>",
    "<div>",
    "</div>",
    '<div class="journal-content-article">',
    '<div class="asset-full-content">',
    '<div class="detail-content afcbc-body">',
    '<div class="news-detail">',
    '<span class="detail-time">',
    '<span class="metadata-view-count">',
    "</span>",
    '<a href="/tin-tuc-su-kien/-/asset_publisher/Ok4xgRzWdTXn/content/tin-khac">',
    '<a href="javascript:void(0)">',
    '<a href="http://[::1">',
    "</a>",
    '<img src="/anh.jpg" alt="Ảnh">',
    '<img src="data:image/png;base64,AAAA">',
    "<table><tr><td>",
    "</td></tr></table>",
    "<ul><li>",
    "</li></ul>",
    "<br>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    '<meta charset="windows-1258">',
    '<meta property="article:published_time" content="2021-06-04T10:25:00+07:00">',
    '<link rel="canonical" href="https://badinh.hanoi.gov.vn/x">',
    "Lượt xem: ",
    "Lượt xem: 1.2.3.4",
    " Lượt xem",
    "Đang trực tuyến: ",
    "Số lượt truy cập: ",
    "Tin khác",
    "Tin liên quan",
    "Ngày đăng ",
    "04/06/2021",
    "31/12/2099 23:59",
    "30/02/2021",
    "ngày 4 tháng 6 năm 2021",
    "10:25 AM",
    " | ",
    "- ",
    "- Xin đồng chí cho biết?",
    "- Trân trọng cảm ơn đồng chí!",
    "PV: ",
    "Tác giả: ",
    "Nguồn: ",
    "Theo Hanoimoi",
    "Tiến Thành - Hanoimoi",
    "Trang chủ",
    "1.022.477",
    "&nbsp;",
    "&#7899;",
    "&bogus;",
    "\u200b",
    "\x00",
    "\ufeff",
    unicodedata.normalize("NFD", "Phường Điện Biên ra mắt mô hình"),
    "Quận Ba Đình tổ chức hội nghị tổng kết công tác năm 2021 và triển khai nhiệm vụ năm 2022.",
]


@fuzz_settings(300)
@given(
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=20)), max_size=80),
    st.sampled_from(["utf-8", "cp1258", "utf-16"]),
)
def test_token_soup(parts: list[str], encoding: str) -> None:
    body = "".join(parts).encode(encoding, errors="replace")
    check_page(body)
    check_page(body, url="https://badinh.hanoi.gov.vn/tin-tuc-su-kien/trang-thu-2809250629133018049.htm")


# --- mutations of the fixture pages ----------------------------------------------------------------------

SNIPPETS = [
    b"Lu\xe1\xbb\xa3t xem: 1.234",
    "Lượt xem: 1.2.3.4".encode(),
    "<p>- Xin đồng chí cho biết kết quả?</p><p>- Đã hoàn thành.</p>".encode(),
    b"- ",
    b"04/06/2021 | 10:25 AM",
    b"31/12/2099",
    "Ngày đăng 30/02/2021".encode(),
    unicodedata.normalize("NFD", "<p>Phường Điện Biên, Lượt xem: 12</p>").encode(),
    "Tiến Thành - Hanoimoi".encode(),
    "<h2>Tin khác</h2>".encode(),
    b"<div><div><div><div>",
    b"</div></div>",
    b"<!--",
    b"<script>",
    b"\x00",
    b"\xe2\x80\x8b",
    b"&#0;&#xD800;&#x110000;",
    # a soft hyphen and a zero-width space between letters and their combining marks, a no-break space
    "<p>Tiê&#173;&#769;ng Viê&#8203;&#803;t&nbsp;ở Ba Đình</p>".encode(),
]

_position = st.floats(min_value=0, max_value=1, allow_nan=False)
MUTATION = st.one_of(
    st.tuples(st.just("flip"), _position, st.integers(0, 255)),
    st.tuples(st.just("truncate"), _position, st.just(0)),
    st.tuples(st.just("delete-tag"), _position, st.just(0)),
    st.tuples(st.just("duplicate-tag"), _position, st.just(0)),
    st.tuples(st.just("insert"), _position, st.integers(0, len(SNIPPETS) - 1)),
    st.tuples(st.just("nfd"), _position, st.just(0)),
)


def mutate(page: bytes, mutations: list[tuple[str, float, int]]) -> bytes:
    """Apply mutations in order; each position is a fraction of the page's current length."""
    data = bytearray(page)
    for kind, where, value in mutations:
        at = min(int(where * len(data)), max(len(data) - 1, 0))
        if kind == "flip" and data:
            data[at] = value
        elif kind == "truncate":
            del data[at:]
        elif kind in ("delete-tag", "duplicate-tag"):
            start = data.find(b"<", at)
            end = data.find(b">", start) if start >= 0 else -1
            if end > start >= 0:
                tag = bytes(data[start : end + 1])
                data[start : end + 1] = b"" if kind == "delete-tag" else tag * 2
        elif kind == "insert":
            data[at:at] = SNIPPETS[value]
        elif kind == "nfd":
            # decompose a stretch of text (NFD in the middle of an NFC page)
            chunk = bytes(data[at : at + 400]).decode("utf-8", errors="ignore")
            data[at : at + len(chunk.encode("utf-8"))] = unicodedata.normalize("NFD", chunk).encode("utf-8")
    return bytes(data)


@fuzz_settings(150)
@given(st.sampled_from(sorted(FIXTURES)), st.lists(MUTATION, min_size=1, max_size=4))
def test_fixture_mutations(name: str, mutations: list[tuple[str, float, int]]) -> None:
    case = FIXTURES[name]
    check_page(mutate(case.page_bytes(), mutations), url=case.url, content_type=case.content_type)


def test_mutations_do_mutate() -> None:
    page = b"<html><body><p>Ba Dinh</p></body></html>"
    assert mutate(page, [("truncate", 0.5, 0)]) == page[: len(page) // 2]
    assert mutate(page, [("delete-tag", 0.0, 0)]) == page[len(b"<html>") :]
    assert mutate(page, [("duplicate-tag", 0.0, 0)]) == b"<html>" + page
    assert mutate(page, [("insert", 0.0, 3)]) == b"- " + page
    nfd = mutate("<p>Điện Biên</p>".encode(), [("nfd", 0.0, 0)]).decode()
    assert nfd == unicodedata.normalize("NFD", "<p>Điện Biên</p>")


_TEXT_PIECES = st.sampled_from(
    [
        "Lượt xem", "a", "B", " ", "  ", "\n", "\t", "\r", "\xa0", "&nbsp;", "\u200b", "&#8203;", "\u00ad",
        "e\u0301", "&#769;", "A", "\u0301", "\u3000", "\u2028", "\x0b", "&#x85;", "12/05/2021", "Đình", "ệ",
    ]
)  # fmt: skip
_TAGS = st.sampled_from(["p", "span", "b", "div", "br", "td", "title", "a", "img", "li", "em", "style", "h2"])


@st.composite
def _fragment(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(_TAGS)
            parts.append(f"<{tag}>{draw(_fragment(depth + 1))}</{tag}>")
        else:
            parts.append(draw(_TEXT_PIECES))
    return "".join(parts)


@given(_fragment())
@fuzz_settings(400)
def test_min_length_never_exceeds_the_text(fragment: str) -> None:
    # the bound lets long texts be skipped without being built: it must never be above the text
    from badinh_crawler.extract.dom import parse_html
    from badinh_crawler.extract.text import TextCache

    root = parse_html(f"<html><body><div id='x'>{fragment}</div></body></html>")
    for el in root.iter():
        if isinstance(el.tag, str):
            assert TextCache().min_length(el) <= len(TextCache().text(el)), (el.tag, fragment)
