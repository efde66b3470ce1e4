"""Interview question/answer pairs from the body blocks.

Questions are found by class ("question"), by emphasis (a bold "- " paragraph) or by text alone
(a "- " paragraph ending in "?"); an answer runs over its continuation paragraphs until the next
question, heading or closing remark. A question with no answer (the closing "- Trân trọng cảm ơn
đồng chí!") is not a pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import markup
from .body import Block

_DASH = re.compile(r"^\s*[-–—]\s*")
_PV = re.compile(r"^\s*(?:PV|Phóng viên|Hỏi)\s*[:：]\s*", re.I)
_TRAILING = "\"'”’»)] "


@dataclass
class Pair:
    section: str | None
    question: str
    answer: list[str]


def _is_dash(text: str) -> bool:
    return bool(text) and text[0] in "-–—" and len(text) > 2


def strip_marker(text: str) -> str:
    """The text without its leading "- " / "– " / "PV:" marker."""
    return _PV.sub("", _DASH.sub("", text, count=1), count=1).strip()


def _asks(text: str) -> bool:
    return text.rstrip(_TRAILING).endswith("?")


def _closing(text: str) -> bool:
    low = text.lower()
    return len(text) <= 120 and any(word in low for word in markup.CLOSING_WORDS) and not _asks(text)


def _turns(blocks: list[Block]) -> tuple[str, list[bool]]:
    """Which paragraphs are the interviewer's turns (questions and closing remarks)."""
    paragraphs = [b for b in blocks if b.kind == "paragraph"]
    by_class = [bool(b.tokens & markup.QUESTION_TOKENS) for b in paragraphs]
    if sum(by_class) >= 2:
        mode = "class"
    elif sum(1 for b in paragraphs if b.bold and _is_dash(b.text)) >= 2:
        mode = "bold"
    elif sum(1 for b in paragraphs if _PV.match(b.text)) >= 2:
        mode = "pv"
    else:
        mode = "text"
    turns = []
    for b in blocks:
        if b.kind != "paragraph":
            turns.append(False)
        elif mode == "class":
            turns.append(bool(b.tokens & markup.QUESTION_TOKENS))
        elif mode == "bold":
            turns.append(b.bold and (_is_dash(b.text) or _asks(b.text)))
        elif mode == "pv":
            turns.append(bool(_PV.match(b.text)))
        else:
            turns.append(_is_dash(b.text) and (_asks(b.text) or _closing(b.text)))
    return mode, turns


def find_pairs(blocks: list[Block]) -> list[Pair]:
    """Pairs in page order; sets ``kind`` to question/answer on the blocks of each pair."""
    mode, turns = _turns(blocks)
    pairs: list[Pair] = []
    section: str | None = None
    i = 0
    n = len(blocks)
    while i < n:
        block = blocks[i]
        if block.kind == "heading":
            section = block.text
            i += 1
            continue
        if not turns[i]:
            i += 1
            continue
        j = i + 1
        answer: list[Block] = []
        while j < n and not turns[j] and blocks[j].kind in ("paragraph", "list_item", "quote"):
            if answer and _is_dash(blocks[j].text) and _closing(blocks[j].text):
                break
            answer.append(blocks[j])
            j += 1
        if answer and (mode != "text" or _is_dash(answer[0].text)):
            block.kind = "question"
            for a in answer:
                a.kind = "answer"
            pairs.append(Pair(section, strip_marker(block.text), [strip_marker(a.text) for a in answer]))
        i = j if answer else i + 1
    return pairs


def unmark(blocks: list[Block]) -> None:
    """Undo question/answer kinds (a page with fewer than two pairs is not an interview)."""
    for b in blocks:
        if b.kind in ("question", "answer"):
            b.kind = "paragraph"
