"""The outline of a plan's text: □ sections, ○ groups, ``-`` items, indented sub-items
(`` - ``, ``·``, ``※``, ``*``), kept nested as :class:`OutlineItem` trees; and the dated
schedule lines inside 추진계획/추진일정/추진현황 sections as :class:`Milestone`.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Milestone, OutlineItem, Source
from .text import collapse

_MARKERS = "□|■|○|●|❖|※|▶|▸|►|⇒|→|➡|·|•|[①-⑳]|\\*+|-"
MARKER = re.compile(rf"^(?P<indent>[ \u3000\u00a0]*)(?P<marker>{_MARKERS})\s*(?P<rest>.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LEVEL = {"□": 0, "■": 0, "○": 1, "●": 1}
FOOTNOTE = re.compile(r"^(?P<no>\d{1,2})\)\s+(?P<text>\S.*)$")
SUPERSCRIPT = re.compile(r"([¹²³⁴⁵⁶⁷⁸⁹⁰]+)⁾")
_SUP = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")


def clean(text: str) -> str:
    return collapse(_BOLD.sub(r"\1", text))


def classify(raw: str) -> tuple[int, str, str] | None:
    """(level, marker, text) of a marked line, or None for an unmarked one.

    ``- ❖ x`` is an objective (marker ❖); ``- ※ x`` keeps marker ``-``."""
    line = _BOLD.sub(r"\1", raw.rstrip())
    m = MARKER.match(line)
    if not m:
        return None
    marker, rest, indent = m.group("marker"), m.group("rest"), m.group("indent")
    if marker.startswith("*") and len(marker) == 1 and not rest:
        return None
    if marker == "-" and rest.startswith("❖"):
        return 0, "❖", collapse(rest[1:])
    if marker == "❖":
        return 0, "❖", collapse(rest)
    if indent:
        return 3, marker, collapse(rest)
    if marker in _LEVEL:
        return _LEVEL[marker], marker, collapse(rest)
    if re.fullmatch("[①-⑳]", marker):
        return 1, marker, collapse(rest)
    if marker == "-":
        return 2, marker, collapse(rest)
    return 3, marker, collapse(rest)


def citations(text: str) -> list[int]:
    """Footnote numbers cited with superscripts: ``(UAM)¹⁾`` → [1]."""
    return [int(m.group(1).translate(_SUP)) for m in SUPERSCRIPT.finditer(text)]


class OutlineBuilder:
    """Builds the nested items of one part (a task, an achievement, a vision list)."""

    def __init__(self) -> None:
        self.items: list[OutlineItem] = []
        self._stack: list[tuple[int, OutlineItem]] = []
        self.last: OutlineItem | None = None

    def add(self, level: int, marker: str, text: str, source: Source) -> OutlineItem:
        item = OutlineItem(source=source, marker=marker, text=text)
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        if self._stack:
            self._stack[-1][1].children.append(item)
        else:
            self.items.append(item)
        self._stack.append((level, item))
        self.last = item
        return item

    def leaf(self, marker: str, text: str, source: Source) -> OutlineItem:
        """A top-level item that holds no children (an objective ❖)."""
        item = OutlineItem(source=source, marker=marker, text=text)
        self.items.append(item)
        self._stack.clear()
        self.last = item
        return item

    def continuation(self, text: str, source: Source) -> OutlineItem:
        """An unmarked line right under an item: a wrapped line (joined), or a
        parenthesised note (kept as a child, on its own line)."""
        text = clean(text)
        if self.last is None:
            return self.add(1, "", text, source)
        if text.startswith("(") or re.search(r"\d", text):
            child = OutlineItem(source=source, marker="", text=text)
            self.last.children.append(child)
            return child
        self.last.text = f"{self.last.text} {text}".strip()
        return self.last


def walk(items: list[OutlineItem], ancestors: tuple[OutlineItem, ...] = ()) -> Iterator[tuple[OutlineItem, tuple[OutlineItem, ...]]]:
    for it in items:
        yield it, ancestors
        yield from walk(it.children, ancestors + (it,))


# --- milestones ----------------------------------------------------------------------

SCHEDULE_SECTION = re.compile(r"추진\s*계획|추진\s*일정|추진\s*현황")
_D = r"(?P<{p}y>20\d\d)\.\s*(?:(?P<{p}m>\d{{1,2}})(?:\.|월|(?=\s*[:~]))\s*(?:(?P<{p}d>\d{{1,2}})\.(?!\d))?)?"
_START = _D.format(p="s")
_END = r"(?:(?P<ey>20\d\d)\.\s*)?(?:(?P<em>\d{1,2})(?:\.|월)\s*(?:(?P<ed>\d{1,2})\.(?!\d))?)?"
DATED = re.compile(rf"^{_START}\s*(?P<range>~\s*{_END})?\s*(?::\s*)?(?P<text>.*)$")


def _iso(y: str | None, m: str | None, d: str | None) -> str | None:
    if not y:
        return None
    out = y
    if m:
        out += f"-{int(m):02d}"
        if d:
            out += f"-{int(d):02d}"
    return out


def milestone_of(item: OutlineItem) -> Milestone | None:
    m = DATED.match(item.text)
    if not m:
        return None
    start = _iso(m.group("sy"), m.group("sm"), m.group("sd"))
    end = None
    if m.group("range"):
        ey = m.group("ey") or m.group("sy")
        if m.group("em"):
            end = _iso(ey, m.group("em"), m.group("ed"))
        elif m.group("ey"):
            end = ey
    text = m.group("text").strip(" :")
    return Milestone(source=item.source, text=text or item.text, start=start, end=end)


def milestones(items: list[OutlineItem]) -> list[Milestone]:
    """Dated items under a 추진계획 / 추진일정 / 추진현황 heading (at any depth)."""
    out: list[Milestone] = []
    for it, ancestors in walk(items):
        if not any(SCHEDULE_SECTION.search(a.text) for a in ancestors):
            continue
        ms = milestone_of(it)
        if ms is not None:
            for child in it.children:  # a wrapped line kept as a child
                if child.marker == "" and not DATED.match(child.text):
                    ms.text = f"{ms.text} {child.text}"
            out.append(ms)
    return out
