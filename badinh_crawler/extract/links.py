"""Where a page leads: the links a crawler should follow, pagination, documents and the ".htm"
platform's "load more" API. Pure functions of (bytes, url), like the rest of the extraction layer."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from ..urls import (
    absolute,
    canonicalize,
    is_asset,
    is_attachment,
    looks_like_article,
    trap_reason,
)
from . import markup
from .dom import elements, parse_html
from .encoding import decode_html

__all__ = ["ApiPager", "Navigation", "discover", "navigation"]

_HREFS = etree.XPath("//a[@href]|//area[@href]")
_INPUTS = etree.XPath("//input[@name]")
_PAGE_PARAM = re.compile(r"(?:^|_)cur$|^(?:page|trang|p|pageindex)$", re.I)
_PAGE_PATH = re.compile(r"/(?:trang|page)-?\d+(?:\.htm)?$|[?&/]p=\d+", re.I)


@dataclass(frozen=True)
class ApiPager:
    """The ".htm" platform's "load more" call: POST ``url`` with ``fields`` and ``PageIndex``."""

    url: str
    fields: tuple[tuple[str, str], ...]
    #: the PageIndex the page itself shows; the next call asks for this + 1
    shown_index: int

    def form(self, index: int) -> dict[str, str]:
        data = dict(self.fields)
        data[markup.NEWSZONE_INDEX_FIELD] = str(index)
        return data


@dataclass
class Navigation:
    """Links of one page, canonical and absolute, in document order, each once."""

    #: same-site pages worth fetching (articles, listings, pagination, other pages); no traps, no files
    pages: list[str] = field(default_factory=list)
    #: the subset of ``pages`` whose URL has an article's shape
    articles: list[str] = field(default_factory=list)
    #: the subset of ``pages`` that turn the page of a listing (Liferay ``_cur``, "trang-2", ``?page=``)
    pagination: list[str] = field(default_factory=list)
    #: linked documents (PDF, DOC, XLS...): recorded on their article, never fetched as pages
    attachments: list[str] = field(default_factory=list)
    #: links to other hosts (never fetched)
    external: list[str] = field(default_factory=list)
    #: refused links by reason ("nested language segments", "login", ...)
    refused: Counter[str] = field(default_factory=Counter)
    api: ApiPager | None = None

    @property
    def items(self) -> frozenset[str]:
        """The article links of the page: two pages of one listing with the same set are one page."""
        return frozenset(self.articles)


def discover(body: bytes | str, url: str, *, content_type: str | None = None, hosts: frozenset[str] | None = None) -> Navigation:
    """The links of one page (bytes as fetched). An empty or unreadable page has none."""
    text, _ = decode_html(body, content_type)
    if not text.strip():
        return Navigation()
    try:
        root = parse_html(text)
    except ValueError:
        return Navigation()
    return navigation(root, url, hosts=hosts)


def navigation(root: etree._Element, url: str, *, hosts: frozenset[str] | None = None) -> Navigation:
    """The links under ``root``; ``hosts`` (``host[:port]``) are "this site" (default: ``url``'s host)."""
    from ..urls import host_key

    base = _base_url(root, url)
    site = hosts if hosts is not None else frozenset({host_key(url)})
    nav = Navigation()
    seen: set[str] = set()
    here = canonicalize(url)
    for a in elements(_HREFS, root):
        href = absolute(base, a.get("href"))
        if href is None:
            continue
        kind, value = _classify(href, site)
        if kind is _PAGE:
            if value in seen or value == here:
                continue
            seen.add(value)
            nav.pages.append(value)
            if looks_like_article(value):
                nav.articles.append(value)
            elif is_pagination(value):
                nav.pagination.append(value)
        elif kind is _REFUSED:
            nav.refused[value] += 1
        elif kind is not _SKIP and value not in seen:
            seen.add(value)
            (nav.external if kind is _EXTERNAL else nav.attachments).append(value)
    nav.api = _api_pager(root, base)
    return nav


_PAGE, _REFUSED, _EXTERNAL, _ATTACHMENT, _SKIP = "page", "refused", "external", "attachment", "skip"


@lru_cache(maxsize=4096)
def _classify(href: str, site: frozenset[str]) -> tuple[str, str]:
    """What an absolute link is for a crawl of ``site``: (kind, the canonical URL, the link itself
    or the trap reason). Pages of one site share their menus and footers: each link is read once
    (the cache is bounded, and the answer depends on nothing else)."""
    from ..urls import host_key

    if not href.lower().startswith(("http://", "https://")):
        return _SKIP, ""
    if host_key(href) not in site:
        return _EXTERNAL, href
    if is_attachment(href):
        return _ATTACHMENT, href
    if is_asset(href):
        return _SKIP, ""
    reason = trap_reason(href)
    if reason is not None:
        return _REFUSED, reason
    return _PAGE, canonicalize(href)


def is_pagination(url: str) -> bool:
    """A link that turns the page of a listing."""
    parts = urlsplit(url)
    if any(_PAGE_PARAM.search(k) for k, _ in parse_qsl(parts.query)):
        return True
    return bool(_PAGE_PATH.search(parts.path))


def listing_key(url: str) -> str:
    """One key for every page of one listing: the canonical URL without its page number."""
    parts = urlsplit(canonicalize(url))
    query = "&".join(f"{k}={v}" for k, v in parse_qsl(parts.query) if not _PAGE_PARAM.search(k))
    path = _PAGE_PATH.sub("", parts.path)
    return f"{parts.scheme}://{parts.netloc}{path}?{query}"


def _base_url(root: etree._Element, url: str) -> str:
    for base in root.iter("base"):
        href = absolute(url, base.get("href"))
        if href:
            return href
        break
    return url


def _api_pager(root: etree._Element, base: str) -> ApiPager | None:
    """The hidden inputs of a ".htm" zone page that parameterise its "load more" POST."""
    values: dict[str, str] = {}
    for el in elements(_INPUTS, root):
        name = el.get("name") or ""
        if name in markup.NEWSZONE_FIELDS or name == markup.NEWSZONE_INDEX_FIELD:
            values.setdefault(name, el.get("value") or "")
    if not all(name in values for name in markup.NEWSZONE_REQUIRED_FIELDS):
        return None
    try:
        shown = int(values.pop(markup.NEWSZONE_INDEX_FIELD, "0") or 0)
    except ValueError:
        shown = 0
    api = absolute(base, markup.NEWSZONE_API_PATH)
    if api is None:
        return None
    fields = tuple((name, values[name]) for name in markup.NEWSZONE_FIELDS if name in values)
    return ApiPager(url=api, fields=fields, shown_index=shown)
