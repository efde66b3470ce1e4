"""Canonical URLs of the portal: one page, one URL, whatever the links that reach it."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

#: where a crawl starts when no start URL is given: the portal's home page
DEFAULT_START_URL = "https://badinh.hanoi.gov.vn/"

_JSESSIONID = re.compile(r";jsessionid=[^/?#]*", re.I)
#: query parameters that never change what a page shows
_DROP_PARAMS = re.compile(r"^(?:redirect|inheritRedirect|_.+_redirect|p_p_auth|p_auth|doAsUserId|utm_.*|fbclid)$", re.I)
#: Liferay pagination parameters (kept, with the portlet id they belong to)
_PAGINATION = re.compile(r"(?:^|_)cur$")
#: Liferay's items-per-page choice: the same listing cut differently
_DELTA = re.compile(r"(?:^|_)delta$")
#: Liferay's prefix for the default language: "/vi/x" is the page "/x"
_DEFAULT_LANGUAGE = re.compile(r"^/vi(?=/|$)", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_NEWSZONE_API = "/api/newszone/newszone"

ARTICLE_PATH = re.compile(r"/-/(?:asset_publisher/[^/]+/content/|view_content/)|-\d{5,}\.htm$|/content/[^/]+$", re.I)
LISTING_QUERY = re.compile(r"(?:^|&)(?:p_p_id=|_[^=]*_cur=|_[^=]*_delta=)", re.I)


def canonicalize(url: str, *, keep_pagination: bool = True) -> str:
    """Drop ``;jsessionid``, redirect parameters, tracking parameters, Liferay's ``/vi`` prefix and
    items-per-page choice, and the fragment; lower-case the scheme and host; drop default ports;
    sort the query; page 1 of a listing is the listing's own URL. Of Liferay's ``p_p_*`` parameters only
    ``p_p_id`` is kept, and only on paginated listing URLs (``..._cur=N``), where it routes the page number."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port and _DEFAULT_PORTS.get(scheme) != parts.port else None
    netloc = f"{host}:{port}" if port else host
    path = _DEFAULT_LANGUAGE.sub("", _JSESSIONID.sub("", parts.path)) or "/"
    pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _DROP_PARAMS.match(k) and not _DELTA.search(k)
    ]
    pages = [v for k, v in pairs if _PAGINATION.search(k)]
    paginated = keep_pagination and bool(pages) and pages != ["1"]  # page 1 is the listing itself
    if paginated:  # the portlet id routes the page number; lifecycle/state/mode/column are noise
        pairs = [(k, v) for k, v in pairs if not k.startswith("p_p_") or k == "p_p_id"]
    else:
        pairs = [(k, v) for k, v in pairs if not k.startswith("p_p_") and not _PAGINATION.search(k)]
    query = urlencode(sorted(pairs))
    return urlunsplit((scheme, netloc, path, query, ""))


def absolute(base: str, href: str | None) -> str | None:
    """``href`` resolved against ``base``; None for empty, ``javascript:``, ``mailto:`` and ``#`` links,
    and for anything that does not resolve to an http(s) or file URL."""
    if not href:
        return None
    href = href.strip()
    low = href[:11].lower()
    if not href or href.startswith("#") or low.startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    if _PLAIN_HREF.fullmatch(href) is not None and "//" not in (path := _path_of(href)) and "/." not in path:
        # what urljoin returns for these, without its parsing (most links of a page are like this)
        if href[0] != "/":
            return href.split("#", 1)[0]
        origin = _origin(base)
        if origin is not None:
            return origin + href.split("#", 1)[0]
    try:
        joined = urljoin(base, href)
        scheme = urlsplit(joined).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https", "file"):
        return None  # "httos://", "ftp://", "htp:/"...: not a link a record can carry
    return joined.split("#", 1)[0]


#: an absolute http(s) URL with a plain host, or a path from the root; a query, if any, not empty
_PLAIN_HREF = re.compile(r"(?:https?://[A-Za-z0-9.-]+(?::\d+)?(?=[/?#]|$)|/(?!/))[^\s?#\\]*(?:\?[^\s#]+)?(?:#.*)?")


def _path_of(href: str) -> str:
    """The path of a :data:`_PLAIN_HREF` (after its host, up to the query or fragment)."""
    start = href.find("/", href.find("://") + 3) if href[0] != "/" else 0
    if start < 0:
        return ""
    end = len(href)
    for mark in ("?", "#"):
        i = href.find(mark, start)
        if 0 <= i < end:
            end = i
    return href[start:end]


@lru_cache(maxsize=256)
def _origin(base: str) -> str | None:
    """``scheme://netloc`` of an http(s) base URL with a host (None for any other base)."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def looks_like_article(url: str) -> bool:
    """True for URL shapes that only articles have on the known platforms."""
    return bool(ARTICLE_PATH.search(urlsplit(url).path))


def looks_like_listing(url: str) -> bool:
    """True for the home page and paginated listings."""
    parts = urlsplit(url)
    path = _JSESSIONID.sub("", parts.path).rstrip("/")
    if path in ("", "/trang-chu", "/home", "/web/guest", "/vi", "/en"):
        return True
    if path.endswith(".htm") and not ARTICLE_PATH.search(path):
        return True  # a ".htm" platform zone page: articles end in -<id>.htm
    if path.lower().endswith(_NEWSZONE_API):
        return True  # the ".htm" platform's "load more" reply: a fragment of a zone's item list
    return bool(LISTING_QUERY.search(parts.query))


_LANGUAGE_SEGMENTS = frozenset({"en", "vi", "en_us", "vi_vn", "en-us", "vi-vn", "en.htm", "vi.htm"})
_LOGIN = re.compile(r"/(?:dang-nhap|login|c/portal/login|signin)(?:[/.?]|$)", re.I)
_SEARCH_PATH = re.compile(r"/(?:tim-kiem|search)(?:[/.?]|$)", re.I)
_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z)(?:/|$)", re.I)
_ASSET = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|tiff?|css|js|json|xml|mp4|mp3|avi|wmv|flv|swf|woff2?|ttf|eot)(?:/|$)", re.I
)


def trap_reason(url: str) -> str | None:
    """Why ``url`` must not be fetched (a crawler trap or a page that is not news), or None.

    Refused: nested language segments (``/en/vi/...``) and the English site, login, print, pop-up,
    action/resource and search URLs (see docs in the README's "What is fetched")."""
    parts = urlsplit(url)
    path = _JSESSIONID.sub("", parts.path)
    segments = [s.lower() for s in path.split("/") if s]
    languages = sum(1 for s in segments if s in _LANGUAGE_SEGMENTS)
    if languages >= 2:
        return "nested language segments"
    if segments and segments[0] in ("en", "en.htm", "en_us", "en-us"):
        return "English site"
    if _LOGIN.search(path):
        return "login"
    if _SEARCH_PATH.search(path):
        return "search"
    params = {k.lower(): v.lower() for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    for key, value in params.items():
        if key.endswith("viewmode") and value == "print":
            return "print view"
        if key == "p_p_state" and value in ("pop_up", "exclusive", "maximized"):
            return "pop-up"
        if key == "p_p_lifecycle" and value not in ("", "0"):
            return "portlet action"
        if key.endswith("keywords") or key in ("q", "keyword", "tukhoa"):
            return "search"
        if key == "p_p_id" and (value == "58" or value.startswith("58_")):
            return "login"
        if key.endswith("struts_action") and "login" in value:
            return "login"
    if path.lower().endswith("/print") or "print=true" in parts.query.lower():
        return "print view"
    return None


def is_attachment(url: str) -> bool:
    """A linked document (PDF, DOC, XLS...): recorded on its article, never parsed as a page."""
    return bool(_ATTACHMENT.search(urlsplit(url).path))


def is_asset(url: str) -> bool:
    """An image, stylesheet, script or media file: never a page."""
    return bool(_ASSET.search(urlsplit(url).path))


def host_key(url: str) -> str:
    """``host[:port]`` of ``url``, lower-cased, default ports dropped: the unit of "same site"."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return host
    scheme = parts.scheme.lower()
    return f"{host}:{port}" if port and _DEFAULT_PORTS.get(scheme) != port else host
