"""The page being extracted: its tree, URL, era and what is page furniture."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add
from typing import Any

from lxml import etree

from ..urls import absolute, canonicalize
from . import dom, markup
from .classes import ClassIndex, parse_selector
from .text import TextCache, clean

_FURNITURE_TOKENS = markup.BOILERPLATE_TOKENS | markup.HEADER_TOKENS
_NO_TOKENS: frozenset[str] = frozenset()


def _in_body(el: etree._Element) -> bool:
    """``el`` is below a body element (what ``//body//*`` selects)."""
    return any(a.tag == "body" for a in el.iterancestors())


@dataclass
class Page:
    """Everything the field functions share; built once per page by :func:`Page.build`."""

    root: etree._Element
    url: str
    base_url: str
    meta: dict[str, str]
    canonical: str | None
    layout: markup.SelectorSet | None = None
    title_el: etree._Element | None = None
    body_el: etree._Element | None = None
    #: elements already read as a metadata field, never body text
    consumed: set[etree._Element] = field(default_factory=set)
    #: cue-detected widgets (related boxes, visitor widget, galleries)
    widgets: set[etree._Element] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    _furniture: dict[etree._Element, bool] = field(default_factory=dict)
    #: is_furniture answers (element or an ancestor), valid while ``_furniture`` is
    _furniture_chain: dict[etree._Element, bool] = field(default_factory=dict)
    _title_chain: set[etree._Element] = field(default_factory=set)
    _body_start: int | None = None
    _queries: dict[int, list[Any]] = field(default_factory=dict)
    texts: TextCache = field(default_factory=TextCache)
    _body_text: tuple[list[Any], str, list[int], str | None] | None = None
    _classes: ClassIndex | None = None
    _selected: dict[tuple[str, etree._Element], list[etree._Element]] = field(default_factory=dict)
    _absolute: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def build(cls, root: etree._Element, url: str) -> Page:
        meta: dict[str, str] = {}
        base_href: str | None = None
        canonical_href: str | None = None
        # one pass for what ``//meta[@content]``, ``//base[@href]/@href`` (the first) and
        # ``//link[@rel='canonical'][@href]/@href`` (the first) select
        for el in root.iter("meta", "base", "link"):
            tag = el.tag
            if tag == "meta":
                content = el.get("content")
                if content is not None:
                    key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
                    if key and key not in meta:
                        meta[key] = clean(content)
            elif tag == "base":
                if base_href is None:
                    base_href = el.get("href")
            elif canonical_href is None and el.get("rel") == "canonical":
                canonical_href = el.get("href")
        base = url
        if base_href is not None:
            base = absolute(url, base_href) or url
        canonical = None
        if canonical_href is not None:
            resolved = absolute(base, canonical_href)
            if resolved and resolved.startswith(("http://", "https://")):
                canonical = resolved
        return cls(root=root, url=url, base_url=base, meta=meta, canonical=canonical)

    # --- cached queries ---------------------------------------------------------------------
    def nodes(self, xpath: etree.XPath | dom.Cue) -> list[Any]:
        """Text nodes matched by one of the module-level XPath evaluators or cues, evaluated once per page."""
        key = id(xpath)
        found = self._queries.get(key)
        if found is None:
            if isinstance(xpath, dom.Cue):
                found = dom.cue_nodes(xpath, *self._body_index())
            else:
                found = dom.text_nodes(xpath, self.root)
            self._queries[key] = found
        return found

    @property
    def classes(self) -> ClassIndex:
        """Which elements carry which class/id tokens."""
        if self._classes is None:
            self._classes = ClassIndex(self.root)
        return self._classes

    def carrying(self, words: frozenset[str]) -> list[etree._Element]:
        """Elements inside the body with a class/id token in ``words``, in document order."""
        return [el for el in self.classes.carrying(words) if _in_body(el)]

    def select(self, selector: str, root: etree._Element | None = None) -> list[etree._Element]:
        """Elements matched by a CSS selector under ``root`` (the page by default), evaluated once.

        Selectors of tags, classes, ``[attr=value]`` and ``:last-child`` joined by descendant
        combinators are answered from the class index; any other is compiled to XPath.
        """
        scope = self.root if root is None else root
        key = (selector, scope)
        found = self._selected.get(key)
        if found is None:
            compounds = parse_selector(selector)
            if compounds is not None:
                found = self.classes.select(compounds, scope)
            else:
                found = dom.elements(dom.css(selector), scope)
            self._selected[key] = found
        return found

    def select_first(self, selectors: tuple[str, ...]) -> etree._Element | None:
        """The first element matched by the first selector that matches anything."""
        for selector in selectors:
            found = self.select(selector)
            if found:
                return found[0]
        return None

    def first_text(
        self, selectors: tuple[str, ...], accept: Callable[[etree._Element], bool] | None = None
    ) -> tuple[str, etree._Element] | None:
        """The text of the first non-empty element matched by the selectors (and accepted), with the element."""
        for selector in selectors:
            for el in self.select(selector):
                if accept is not None and not accept(el):
                    continue
                text = self.text(el)
                if text:
                    return text, el
        return None

    def _body_index(self) -> tuple[list[Any], str, list[int], str | None]:
        """The body's text nodes, joined by "\\x00" (never in parsed text), with each one's offset,
        and the joined text lower-cased (None when lower-casing changes its length)."""
        if self._body_text is None:
            nodes = dom.text_nodes(dom.BODY_TEXT, self.root)
            # node i starts after the i nodes before it and their i separators
            starts = list(map(add, accumulate(map(len, nodes), initial=0), range(len(nodes))))
            joined = "\x00".join(nodes)
            lowered = joined.lower()
            self._body_text = (nodes, joined, starts, lowered if len(lowered) == len(joined) else None)
        return self._body_text

    def elements(self, xpath: etree.XPath) -> list[etree._Element]:
        """Elements matched by one of the module-level XPath evaluators, evaluated once per page."""
        key = id(xpath)
        found = self._queries.get(key)
        if found is None:
            found = self._queries[key] = dom.elements(xpath, self.root)
        return found

    # --- URLs -------------------------------------------------------------------------------
    def absolute(self, href: str | None) -> str | None:
        """``href`` resolved against the page's base URL (each href resolved once per page)."""
        if href is None:
            return None
        if href in self._absolute:
            return self._absolute[href]
        found = self._absolute[href] = absolute(self.base_url, href)
        return found

    def canonical_url(self) -> str:
        if self.canonical:
            return canonicalize(self.canonical)
        return canonicalize(self.url) if self.url.startswith(("http://", "https://")) else self.url

    # --- document order -----------------------------------------------------------------------
    def position(self, el: etree._Element) -> int:
        return self.classes.order.get(el, -1)

    # --- furniture ------------------------------------------------------------------------------
    def set_title(self, el: etree._Element | None) -> None:
        self.title_el = el
        self._title_chain = set(el.iterancestors()) | {el} if el is not None else set()
        self._furniture.clear()
        self._furniture_chain.clear()

    def _is_furniture_itself(self, el: etree._Element) -> bool:
        cached = self._furniture.get(el)
        if cached is not None:
            return cached
        result = False
        if el in self.widgets:
            result = True
        elif el not in self._title_chain:
            tag = el.tag
            if isinstance(tag, str) and tag in markup.BOILERPLATE_TAGS:
                result = True
            else:
                classes = self.classes
                result = el in classes.classed and classes.having(el, _FURNITURE_TOKENS)
        self._furniture[el] = result
        return result

    def is_furniture(self, el: etree._Element, stop: etree._Element | None = None) -> bool:
        """True when ``el`` or an ancestor (below ``stop``) is menu, header, footer, widget..."""
        node: etree._Element | None = el
        if stop is not None:
            while node is not None and node is not stop:
                if self._is_furniture_itself(node):
                    return True
                node = node.getparent()
            return False
        # each element's own answer is kept once asked, so the whole chain's answer can be too
        known = self._furniture_chain
        path: list[etree._Element] = []
        result = False
        while node is not None:
            cached = known.get(node)
            if cached is not None:
                result = cached
                break
            if self._is_furniture_itself(node):
                result = True
                break
            path.append(node)
            node = node.getparent()
        for node in path:
            known[node] = result
        return result

    def inside(self, el: etree._Element, container: etree._Element | None) -> bool:
        return container is not None and dom.within(el, container)

    def after_title(self, el: etree._Element) -> bool:
        if self.title_el is None:
            return True
        return self.position(el) > self.position(self.title_el)

    def article_root(self) -> etree._Element | None:
        """The smallest element holding both the headline and the body (None when either is unknown)."""
        if self.title_el is None or self.body_el is None:
            return None
        for node in self.body_el.iterancestors():
            if node in self._title_chain:
                return node
        return None

    def in_article(self, el: etree._Element) -> bool:
        """Not furniture, and inside the article (when its extent is known)."""
        if self.is_furniture(el):
            return False
        scope = self.article_root()
        return scope is None or self.inside(el, scope)

    def in_body_head(self, el: etree._Element) -> bool:
        """Inside the body container but before its first paragraph of text (a metadata line there)."""
        if self.body_el is None or el is self.body_el or not self.inside(el, self.body_el):
            return False
        if self._body_start is None:
            self._body_start = 1 << 30
            for p in self.body_el.iter("p"):
                if len(self.texts.text(p)) >= 40:
                    self._body_start = self.position(p)
                    break
        return self.position(el) < self._body_start and el.tag != "p"

    def outside_body_or_head(self, el: etree._Element) -> bool:
        """Article metadata stands outside the body container, or in its head."""
        if self.body_el is None or not self.inside(el, self.body_el) or el is self.body_el:
            return True
        return self.in_body_head(el)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def text(self, el: etree._Element) -> str:
        """The element's visible text on one line (computed once per element)."""
        return self.texts.text(el)

    def min_length(self, el: etree._Element) -> int:
        """A lower bound of ``len(self.text(el))``, cheap where the text is not known yet."""
        return self.texts.min_length(el)

    def lines(self, el: etree._Element) -> list[str]:
        """The element's visible text as non-empty lines (computed once per element; do not modify)."""
        return self.texts.lines(el)

    def tokens(self, el: etree._Element) -> AbstractSet[str]:
        """The element's class and id words (computed once per element)."""
        if el not in self.classes.classed:
            return _NO_TOKENS
        return self.texts.tokens(el)
