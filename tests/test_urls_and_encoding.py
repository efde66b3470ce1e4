"""URL canonicalisation and byte decoding."""

from __future__ import annotations

import pytest

from badinh_crawler.extract import extract_page
from badinh_crawler.extract.dom import ParseError
from badinh_crawler.extract.encoding import decode_html
from badinh_crawler.urls import canonicalize, looks_like_article, looks_like_listing


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://badinh.hanoi.gov.vn/tin-tuc/-/asset_publisher/Ok4/content/bai-viet;jsessionid=8A1F?redirect=%2Ftin&inheritRedirect=true#top",
            "https://badinh.hanoi.gov.vn/tin-tuc/-/asset_publisher/Ok4/content/bai-viet",
        ),
        ("HTTP://BaDinh.Hanoi.gov.vn:80/a?p_p_id=56&p_p_lifecycle=0", "http://badinh.hanoi.gov.vn/a"),
        (
            "https://badinh.hanoi.gov.vn/tin?p_p_id=101&p_p_lifecycle=0&_101_cur=2",
            "https://badinh.hanoi.gov.vn/tin?_101_cur=2&p_p_id=101",
        ),
        # items-per-page variants and page 1 are the listing itself
        (
            "https://badinh.hanoi.gov.vn/tin?p_p_id=101&_101_cur=2&_101_delta=20",
            "https://badinh.hanoi.gov.vn/tin?_101_cur=2&p_p_id=101",
        ),
        ("https://badinh.hanoi.gov.vn/tin?p_p_id=101&p_p_lifecycle=0&_101_cur=1&_101_delta=5", "https://badinh.hanoi.gov.vn/tin"),
        # Liferay's default-language prefix
        (
            "https://badinh.hanoi.gov.vn/vi/tin-tuc/-/asset_publisher/Ok4/content/a",
            "https://badinh.hanoi.gov.vn/tin-tuc/-/asset_publisher/Ok4/content/a",
        ),
        ("https://badinh.hanoi.gov.vn/vi", "https://badinh.hanoi.gov.vn/"),
        ("https://badinh.hanoi.gov.vn/video/x", "https://badinh.hanoi.gov.vn/video/x"),
        ("https://badinh.hanoi.gov.vn/a-1.htm?utm_source=x&fbclid=y", "https://badinh.hanoi.gov.vn/a-1.htm"),
    ],
)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected
    assert canonicalize(expected) == expected


def test_url_shapes() -> None:
    assert looks_like_article("https://h/tin/-/asset_publisher/x/content/slug")
    assert looks_like_article("https://h/tin/-/view_content/123-slug.html")
    assert looks_like_article("https://h/zone/slug-2809250629133018049.htm")
    assert not looks_like_article("https://h/tin-tuc-su-kien.htm")
    assert looks_like_listing("https://h/")
    assert looks_like_listing("https://h/tin-tuc-su-kien.htm")
    assert looks_like_listing("https://h/tin?p_p_id=101&_101_cur=3")
    assert looks_like_listing("https://h/api/NewsZone/NewsZone")  # the zone's "load more" fragment


def test_decoding_order_bom_header_meta_detection() -> None:
    text = "Lượt xem Đảng bộ"
    assert decode_html(b"\xef\xbb\xbf" + text.encode("utf-8"), "text/html; charset=windows-1258")[1] == "utf-8"
    assert decode_html("ơ ă".encode("cp1258"), "text/html; charset=windows-1258") == ("ơ ă", "cp1258")
    assert decode_html(b'<meta charset="windows-1258">' + "ơ".encode("cp1258"))[1] == "cp1258"
    # nothing declared and not UTF-8: a Vietnamese Windows page
    assert decode_html("ơ ư đ".encode("cp1258"))[0] == "ơ ư đ"
    # declared single-byte but the bytes are valid UTF-8: UTF-8 wins
    assert decode_html(b'<meta charset="iso-8859-1">' + text.encode("utf-8"))[0].endswith(text)


def test_empty_page_is_a_clear_error() -> None:
    with pytest.raises(ParseError):
        extract_page(b"", "https://badinh.hanoi.gov.vn/")
    with pytest.raises(ParseError):
        extract_page(b"   \n ", "https://badinh.hanoi.gov.vn/")


def test_fragment_without_widgets_yields_nothing_but_does_not_fail() -> None:
    assert extract_page(b"<p>hello</p>", "https://badinh.hanoi.gov.vn/x").records() == []


def test_layout_drift_is_reported_and_the_generic_path_still_fills_the_field() -> None:
    from fixture_cases import FIXTURES

    folder = FIXTURES / "liferay-news-one-image"
    page = (folder / "page.html").read_bytes()
    url = "https://badinh.hanoi.gov.vn/tin-trong-quan/-/asset_publisher/x/content/bai"
    clean_run = extract_page(page, url)
    assert clean_run.warnings == []
    # a redesign: the headline is no longer an h1.header-title
    drifted = extract_page(page.replace(b'<h1 class="header-title">', b'<div class="tieude">'), url)
    assert "liferay.title matched nothing" in drifted.warnings
    assert drifted.article is not None and clean_run.article is not None
    assert drifted.article["title"] == clean_run.article["title"]


def _urljoin_reference(base: str, href: str) -> str | None:
    """What ``absolute`` returns, computed with urljoin on every href (its definition)."""
    from urllib.parse import urljoin, urlsplit

    href = href.strip()
    if not href or href.startswith("#") or href[:11].lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        joined = urljoin(base, href)
        scheme = urlsplit(joined).scheme.lower()
    except ValueError:
        return None
    return joined.split("#", 1)[0] if scheme in ("http", "https", "file") else None


_TRICKY_HREFS = [
    "/a//b", "/a/./b", "/a/../b", "/a/..", "/.well-known/x", "/a?", "/a?#x", "/a#", "/a?b#c", "/a;p?q", "/a b",
    "/a\\b", "/", "/?", "//other.vn/a", "a/b", "../a", "?q=1", "https://X.vn/a", "HTTPS://x/a", "https://x",
    "https://x?q=1", "https://x#f", "https://x:80/a/../b", "https://x/a//b", "https://[::1]/a", "https://[::1/a",
    "http://x/a%20b", "https://x.vn:99999/a", "https://user@x/a", "https://x/?a", "https://x.vn/ab?c=d&e=f#g",
    "https://x.vn/a\tb", "/tin-tuc/bai-viet-12345.htm", "https://badinh.hanoi.gov.vn/tin-tuc?_101_cur=2",
]  # fmt: skip
_BASES = [
    "https://badinh.hanoi.gov.vn/tin-tuc/a?b=1",
    "http://127.0.0.1:8080/x/y",
    "file:///tmp/a.html",
    "HTTPS://Badinh.hanoi.gov.vn/x",
    "https://user:pw@h.vn/x",
    "about:blank",
]


@pytest.mark.parametrize("base", _BASES)
def test_absolute_equals_urljoin_on_tricky_hrefs(base: str) -> None:
    # absolute() answers plain hrefs without urljoin: it must agree with urljoin on every shape
    from badinh_crawler.urls import absolute

    for href in _TRICKY_HREFS:
        assert absolute(base, href) == _urljoin_reference(base, href), (base, href)
