"""The per-page indexes answer exactly what the slower reference computations answer."""

from __future__ import annotations

import re
import unicodedata

import pytest
from fixture_cases import FIXTURES
from lxml import etree

from badinh_crawler.extract import dom, markup
from badinh_crawler.extract.classes import parse_selector
from badinh_crawler.extract.encoding import decode_html
from badinh_crawler.extract.page import Page
from badinh_crawler.extract.text import TextCache, _resolve_marks, class_tokens, clean, element_lines, element_text
from badinh_crawler.urls import absolute

PAGES = sorted(p.name for p in FIXTURES.iterdir() if (p / "page.html").exists())
SELECTORS = sorted(
    {s for era in markup.SELECTOR_SETS for f in era.__dataclass_fields__ if f != "name" for s in getattr(era, f)}
    | {"div", "p", "li:last-child", "ul li:last-child a", "div div p", "* p", "div.news-detail h1"}
)
TOKEN_SETS = [
    markup.BOILERPLATE_TOKENS | markup.HEADER_TOKENS,
    markup.TITLE_TOKENS,
    markup.SAPO_TOKENS,
    markup.BREADCRUMB_TOKENS,
    markup.CATEGORY_TOKENS,
]
SYNTHETIC = (
    '<html><body><div class="A-B  x\tNav-Bar" id="Menu_top news"><p class="İtitle \u2003sapo">x</p>'
    '<span id="bc-path">y</span><i class="">z</i></div></body></html>'
)


def _page(name: str) -> Page:
    body = SYNTHETIC.encode() if name == "synthetic" else (FIXTURES / name / "page.html").read_bytes()
    return Page.build(dom.parse_html(decode_html(body)[0]), "https://example.org/")


@pytest.mark.parametrize("name", PAGES)
def test_selectors_match_their_xpath(name: str) -> None:
    page = _page(name)
    scopes = [page.root, *list(page.root.iter("div", "section"))[:25]]
    for selector in SELECTORS:
        compounds = parse_selector(selector)
        assert compounds is not None, selector
        for scope in scopes:
            assert page.classes.select(compounds, scope) == dom.elements(dom.css(selector), scope), selector


@pytest.mark.parametrize("name", [*PAGES, "synthetic"])
def test_class_token_index_matches_class_tokens(name: str) -> None:
    page = _page(name)
    for words in TOKEN_SETS:
        assert page.carrying(words) == [el for el in page.elements(dom.CLASSED) if class_tokens(el) & words]
        for el in page.root.iter():
            assert page.classes.having(el, words) == bool(class_tokens(el) & words)


_MARK_RE = re.compile(r"([^\x00]?)\x00+([^\x00]?)", re.S)


def _reference_resolve(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        before, after = m.group(1), m.group(2)
        return before + " " + after if before.islower() and after.isupper() else before + after

    return _MARK_RE.sub(one, text)


def _reference_clean(text: str) -> str:
    if not text.isascii():
        text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
        text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(
    "text",
    ["a\x00B", "a\x00b\x00C", "\x00\x00Lễ", "ảnh\x00\x00Lễ\x00", "x\x00", "Ab\x00\x00c\x00D e", "ǅ\x00A", "1\x00A"],
)
def test_boundary_marks_resolve_like_the_regex(text: str) -> None:
    assert _resolve_marks(text) == _reference_resolve(text)


@pytest.mark.parametrize(
    "text",
    [" a \n\t b ", "a\u2003\u2003b", "x\u200b y", "Đ\xa0\xa0 Lễ\r\n", "\x0c\x1ca  b\x85", "e\u0301  \ufeff", "Tie\u00ad\u0301ng"],
)
def test_clean_matches_the_regex_definition(text: str) -> None:
    assert clean(text) == _reference_clean(text)


CUES = [dom.VIEW_TEXT, dom.ONLINE_TEXT, dom.RELATED_TEXT, dom.GALLERY_TEXT, dom.DATE_TEXT]
CUE_PAGE = (
    "<html><body><p>Các Tin khác</p><p>SỐ LƯỢT XEM: 4</p><p>lượt Xem</p><b>İstanbul Tháng 5</b>"
    "<i>Đang Online</i><span>12/2021</span><span>tin KHÁC</span>x</body></html>"
)


@pytest.mark.parametrize("name", [*PAGES, "cues", "cues-dotted-i"])
def test_cue_nodes_are_the_regex_matches(name: str) -> None:
    # (a dotted capital I lower-cases to two characters: that page's cues use the regex)
    synthetic = {"cues": CUE_PAGE.replace("İ", "I"), "cues-dotted-i": CUE_PAGE}
    body = synthetic[name].encode() if name in synthetic else (FIXTURES / name / "page.html").read_bytes()
    page = Page.build(dom.parse_html(decode_html(body)[0]), "https://example.org/")
    nodes, joined, starts, lowered = page._body_index()
    assert starts == [sum(len(n) + 1 for n in nodes[:i]) for i in range(len(nodes))]
    for cue in CUES:
        expected = [n for n in nodes if cue.pattern.search(n)]
        assert dom.cue_nodes(cue, nodes, joined, starts, lowered) == expected
        assert dom.cue_nodes(cue, nodes, joined, starts) == expected


@pytest.mark.parametrize("name", [*PAGES, "synthetic"])
def test_has_block_is_its_xpath(name: str) -> None:
    page = _page(name)
    for el in page.root.iter():
        assert dom.has_block(el) == bool(dom.HAS_BLOCK(el))


@pytest.mark.parametrize("name", [*PAGES, "synthetic"])
def test_text_cache_is_element_text(name: str) -> None:
    page = _page(name)
    cache = TextCache()
    # children first for half the elements, parents first for the others: the cache is order-free
    elements = list(page.root.iter())
    for el in elements[::2] + elements[::-2]:
        assert cache.text(el) == element_text(el)
        assert cache.lines(el) == element_lines(el)


def test_min_length_counts_through_no_break_spaces() -> None:
    # "&nbsp;" reaches the tree as U+00A0: the bound still counts the other characters, so a body
    # container with "&nbsp;" in it is chosen without building its whole text
    div = dom.parse_html("<div><p>Một&nbsp;hai</p><p>ba  bốn</p></div>").find(".//div")
    assert div is not None and "\u00a0" in etree.tostring(div, method="text", encoding=str)
    assert TextCache().text(div) == "Một hai ba bốn"
    assert TextCache().min_length(div) == len("Mộthaibabốn")
    # any other character that is not printable still gives no bound
    zero_width = dom.parse_html("<div><p>Một&nbsp;hai&#8203;</p></div>").find(".//div")
    assert zero_width is not None and TextCache().min_length(zero_width) == 0


HEAD_PAGE = (
    '<html><head><base><base href="/a/"><meta name="Description" content=" x  y "><meta name="description" content="z">'
    '<meta property="og:title"><link rel="Canonical" href="/no"><link rel="canonical"><link rel="canonical" href="b/c">'
    '</head><body><meta itemprop="datePublished" content="2021-12-04"></body></html>'
)


@pytest.mark.parametrize("name", [*PAGES, "head"])
def test_page_head_is_its_xpath(name: str) -> None:
    body = HEAD_PAGE.encode() if name == "head" else (FIXTURES / name / "page.html").read_bytes()
    root = dom.parse_html(decode_html(body)[0])
    page = Page.build(root, "https://example.org/x/y")
    meta: dict[str, str] = {}
    for el in dom.elements(etree.XPath("//meta[@content]"), root):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key and key not in meta:
            meta[key] = clean(el.get("content"))
    assert page.meta == meta
    bases = dom.text_nodes(etree.XPath("//base[@href]/@href"), root)
    base = (absolute(page.url, bases[0]) or page.url) if bases else page.url
    assert page.base_url == base
    links = dom.text_nodes(etree.XPath("//link[@rel='canonical'][@href]/@href"), root)
    resolved = absolute(base, links[0]) if links else None
    assert page.canonical == (resolved if resolved and resolved.startswith(("http://", "https://")) else None)


def test_answers_kept_across_pages_stay_bounded_when_every_page_brings_new_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids such as ``_101_INSTANCE_x_1582173`` are new on every article page: the per-process answers
    kept for class words and ids must not grow with the number of pages a crawl reads."""
    from badinh_crawler.extract import classes

    monkeypatch.setattr(classes, "_WORD_HITS", {})
    monkeypatch.setattr(classes, "_WORD_HITS_KEPT", 40)
    ids_a_page = 6
    for n in range(60):
        ids = "".join(f'<div id="asset_{n}_{i}" class="news-item">x</div>' for i in range(ids_a_page))
        page = Page.build(dom.parse_html(f'<html><body><div class="sapo" id="x">{ids}</div></body></html>'), "https://e.org/")
        assert page.classes.carrying(markup.SAPO_TOKENS)  # the answers are still right
        assert not page.classes.carrying(markup.CAPTION_TOKENS)
    # (a token set's answers are dropped when they outgrow the limit, before a page adds its own)
    assert classes._WORD_HITS
    for answers in classes._WORD_HITS.values():
        assert len(answers) <= 40 + ids_a_page + 3
