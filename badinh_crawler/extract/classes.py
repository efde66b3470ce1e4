"""One pass over the page's elements: document order, and which elements carry which class words.

With it the era selectors (tag, ``.class``, ``[attr=value]``, ``:last-child`` and descendant
combinators) are answered from the index instead of an XPath scan of the whole tree each, and
class/id token questions (``class_tokens(el) & words``) without splitting every element's class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_COMPOUND = re.compile(
    r"(?P<tag>[a-zA-Z][a-zA-Z0-9]*|\*)?(?P<parts>(?:\.-?[_a-zA-Z][-\w]*|\[[a-zA-Z][-\w]*=[-\w]+\]|:last-child)*)"
)
_PART = re.compile(r"\.(-?[_a-zA-Z][-\w]*)|\[([a-zA-Z][-\w]*)=([-\w]+)\]|(:last-child)")


def xml_words(value: str) -> list[str]:
    """The words of a class attribute as XPath's ``normalize-space`` separates them."""
    if "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return [w for w in value.split(" ") if w]


@lru_cache(maxsize=4096)
def word_tokens(word: str) -> frozenset[str]:
    """The tokens :func:`~.text.class_tokens` finds in one class word (lower-cased, hyphen parts)."""
    found: set[str] = set()
    for part in word.lower().split():
        found.add(part)
        found.update(_TOKEN_SPLIT.split(part))
    found.discard("")
    return frozenset(found)


#: per token set (the frozensets of :mod:`.markup`), whether a class word (or a whole id) carries one of its tokens
_WORD_HITS: dict[frozenset[str], dict[str, bool]] = {}
#: each token set's answers are forgotten past this many words: a site's class words are a few
#: thousand, but ids such as ``_101_INSTANCE_u8jzPde0IgxL_1582173`` are new on every article page, so
#: unbounded the answers would grow with the crawl (memory per process must not)
_WORD_HITS_KEPT = 4096


@dataclass(frozen=True)
class _Compound:
    tag: str | None
    classes: tuple[str, ...]
    attributes: tuple[tuple[str, str], ...]
    last_child: bool

    def matches(self, el: etree._Element) -> bool:
        if self.tag is not None and el.tag != self.tag:
            return False
        if self.classes:
            value = el.get("class")
            if not value:
                return False
            words = xml_words(value)
            if any(c not in words for c in self.classes):
                return False
        if any(el.get(name) != value for name, value in self.attributes):
            return False
        return not self.last_child or next(el.itersiblings(), None) is None


@lru_cache(maxsize=512)
def parse_selector(selector: str) -> tuple[_Compound, ...] | None:
    """A selector of compounds joined by descendant combinators, or None when it is anything else."""
    compounds = []
    for text in selector.split():
        m = _COMPOUND.fullmatch(text)
        if m is None or not text:
            return None
        classes: list[str] = []
        attributes: list[tuple[str, str]] = []
        last_child = False
        for part in _PART.finditer(m.group("parts")):
            if part.group(1):
                classes.append(part.group(1))
            elif part.group(2):
                attributes.append((part.group(2).lower(), part.group(3)))
            else:
                last_child = True
        tag = m.group("tag")
        compounds.append(_Compound(None if tag in (None, "*") else tag.lower(), tuple(classes), tuple(attributes), last_child))
    return tuple(compounds) or None


class ClassIndex:
    """Document order, class words and ids of every element of a page (built in one pass)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.order: dict[etree._Element, int] = {}
        self.by_class: dict[str, list[etree._Element]] = {}
        #: each id attribute's value with its element
        self.ids: list[tuple[str, etree._Element]] = []
        #: the elements with a class or an id attribute (no other element has a class or id token)
        self.classed: set[etree._Element] = set()
        order, by_class, ids, classed = self.order, self.by_class, self.ids, self.classed
        for i, el in enumerate(root.iter()):
            order[el] = i
            value = el.get("class")
            if value:
                classed.add(el)
                # (in a printable value the only whitespace is " ": ``split`` splits as XPath does)
                for word in value.split() if value.isprintable() else xml_words(value):
                    found = by_class.get(word)
                    if found is None:
                        by_class[word] = [el]
                    elif found[-1] is not el:
                        found.append(el)
            value = el.get("id")
            if value:
                classed.add(el)
                ids.append((value, el))
        self._carrying: dict[frozenset[str], set[etree._Element]] = {}

    # --- class / id tokens -----------------------------------------------------------------------
    def carrying_set(self, words: frozenset[str]) -> set[etree._Element]:
        """The elements with a class or id token in ``words``."""
        found = self._carrying.get(words)
        if found is None:
            hits = _WORD_HITS.get(words)
            if hits is None or len(hits) > _WORD_HITS_KEPT:
                hits = _WORD_HITS[words] = {}
            found = set()
            for word, elements in self.by_class.items():
                hit = hits.get(word)
                if hit is None:
                    hit = hits[word] = bool(word_tokens(word) & words)
                if hit:
                    found.update(elements)
            for value, owner in self.ids:
                # (the tokens of a whole id are those of its words together)
                hit = hits.get(value)
                if hit is None:
                    hit = hits[value] = bool(word_tokens(value) & words)
                if hit:
                    found.add(owner)
            self._carrying[words] = found
        return found

    def carrying(self, words: frozenset[str]) -> list[etree._Element]:
        """The elements with a class or id token in ``words``, in document order."""
        order = self.order
        return sorted(self.carrying_set(words), key=lambda el: order.get(el, -1))

    def having(self, el: etree._Element, words: frozenset[str]) -> bool:
        """``class_tokens(el) & words`` is not empty."""
        return el in self.carrying_set(words)

    # --- selectors --------------------------------------------------------------------------------
    def select(self, compounds: tuple[_Compound, ...], scope: etree._Element) -> list[etree._Element]:
        """What the XPath of ``descendant-or-self::A/descendant::B/...`` from ``scope`` returns."""
        by_class = self.by_class
        if any(c not in by_class for compound in compounds for c in compound.classes):
            # a class no element of the page carries: nothing can match
            return []
        last = compounds[-1]
        if last.classes:
            candidates: list[etree._Element] = self.by_class.get(last.classes[0], [])
            if scope is not self.root:
                candidates = [el for el in candidates if _within(el, scope)]
        elif last.tag is not None:
            candidates = list(scope.iter(last.tag))
        else:
            candidates = [el for el in scope.iter() if isinstance(el.tag, str)]
        found = []
        for el in candidates:
            if last.matches(el) and _chain(el, compounds[:-1], scope):
                found.append(el)
        return found


def _within(el: etree._Element, scope: etree._Element) -> bool:
    node: etree._Element | None = el
    while node is not None:
        if node is scope:
            return True
        node = node.getparent()
    return False


def _chain(el: etree._Element, compounds: tuple[_Compound, ...], scope: etree._Element) -> bool:
    """Proper ancestors of ``el`` (up to ``scope``, included) match ``compounds`` from the last one up."""
    if not compounds:
        return True
    i = len(compounds) - 1
    if el is scope:
        return False
    for node in el.iterancestors():
        if compounds[i].matches(node):
            i -= 1
            if i < 0:
                return True
        if node is scope:
            return False
    return False
