"""Counts as the portal prints them: "1.022.477", "4", "1,234", "12 345"."""

from __future__ import annotations

import re

from . import markup

#: an integer, possibly grouped in thousands by dots, commas or spaces
COUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:([.,\u202f ])\d{3})(?:\2\d{3})*|\d+)(?![\d]|[.,]\d)")


def parse_count(text: str | None) -> int | None:
    """The first count in ``text``: thousands separators removed; None when there is none.

    A malformed grouping such as "1.2.3.4" is not a count.
    """
    if not text:
        return None
    match = COUNT.search(text)
    if match is None:
        return None
    return int(re.sub(r"\D", "", match.group(1)))


def _labelled_patterns(labels: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    alt = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    after = re.compile(r"(?:" + alt + r")\s*[:：]?\s*(\d[\d.,\u202f]*)", re.I)
    before = re.compile(r"(?<![\d/.:-])(\d[\d.,\u202f]*)\s*(?:" + alt + ")", re.I)
    return after, before


_VIEWS_AFTER, _VIEWS_BEFORE = _labelled_patterns(markup.VIEW_LABELS)


def view_count_in(text: str | None) -> tuple[int, str] | None:
    """A view counter in a short text: "Lượt xem: 1.234" or "4 Lượt xem" (count, matched text)."""
    if not text:
        return None
    for pattern in (_VIEWS_AFTER, _VIEWS_BEFORE):
        m = pattern.search(text)
        if m is not None:
            count = parse_count(m.group(1))
            if count is not None:
                return count, m.group(0).strip()
    return None


def view_text_in(text: str | None) -> str | None:
    """A labelled view counter as shown, even when its number is not a count ("Lượt xem: 1.2.3.4")."""
    if not text:
        return None
    for pattern in (_VIEWS_AFTER, _VIEWS_BEFORE):
        m = pattern.search(text)
        if m is not None:
            return m.group(0).strip()
    return None
