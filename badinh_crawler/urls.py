"""Canonical URLs of the portal: one page, one URL, whatever the links that reach it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_JSESSIONID = re.compile(r";jsessionid=[^/?#]*", re.I)
#: query parameters that never change what a page shows
_DROP_PARAMS = re.compile(r"^(?:redirect|inheritRedirect|_.+_redirect|p_p_auth|p_auth|doAsUserId|utm_.*|fbclid)$", re.I)
#: Liferay pagination parameters (kept, with the portlet id they belong to)
_PAGINATION = re.compile(r"(?:^|_)(?:cur|delta)$")
_DEFAULT_PORTS = {"http": 80, "https": 443}

ARTICLE_PATH = re.compile(r"/-/(?:asset_publisher/[^/]+/content/|view_content/)|-\d{5,}\.htm$|/content/[^/]+$", re.I)
LISTING_QUERY = re.compile(r"(?:^|&)(?:p_p_id=|_[^=]*_cur=|_[^=]*_delta=)", re.I)


def canonicalize(url: str, *, keep_pagination: bool = True) -> str:
    """Drop ``;jsessionid``, redirect parameters, tracking parameters and the fragment; lower-case
    the scheme and host; drop default ports; sort the query. Liferay ``p_p_*`` parameters are kept
    only on paginated listing URLs (``..._cur=N``), where they select the page."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port and _DEFAULT_PORTS.get(scheme) != parts.port else None
    netloc = f"{host}:{port}" if port else host
    path = _JSESSIONID.sub("", parts.path) or "/"
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _DROP_PARAMS.match(k)]
    paginated = keep_pagination and any(_PAGINATION.search(k) for k, _ in pairs)
    if not paginated:
        pairs = [(k, v) for k, v in pairs if not k.startswith("p_p_") and not _PAGINATION.search(k)]
    query = urlencode(sorted(pairs))
    return urlunsplit((scheme, netloc, path, query, ""))


def absolute(base: str, href: str | None) -> str | None:
    """``href`` resolved against ``base``; None for empty, ``javascript:``, ``mailto:`` and ``#`` links."""
    if not href:
        return None
    href = href.strip()
    low = href[:11].lower()
    if not href or href.startswith("#") or low.startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        joined = urljoin(base, href)
    except ValueError:
        return None
    return joined.split("#", 1)[0]


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
    return bool(LISTING_QUERY.search(parts.query))
