"""Shared pieces of the performance-report reader: names, similarity, outlines.

- :func:`name_key` / :func:`similarity`: how two printings of one name are compared
  (whitespace-insensitive; unit notes such as ``(단위:천명)`` ignored).
- :func:`outline`: ``- item`` / `` - sub-item`` / ``○ item`` / HTML ``<ul>`` lines → nested
  :class:`OutlineItem` s, each keeping its own line.
- :func:`formula_text`: a 측정산식 cell as text (LaTeX removed, ``\\frac{a}{b}`` → ``(a)/(b)``).
"""

from __future__ import annotations

import re
from ..model import OutlineItem
from ..model.names import lifted_similarity
from .context import ReadContext
from .text import Line, collapse, strip_html, strip_latex

# --- names -----------------------------------------------------------------------------

_UNIT_IN_NAME = re.compile(r"\(\s*단위\s*[:：][^)]*\)")
_NON_WORD = re.compile(r"[\s·ㆍ.,()\[\]<>\"'‘’“”]+")


def name_key(name: str | None) -> str:
    """The comparable form of a name: no whitespace, punctuation or unit notes."""
    if not name:
        return ""
    return _NON_WORD.sub("", _UNIT_IN_NAME.sub("", strip_html(name)))


def similarity(a: str | None, b: str | None) -> float:
    """1.0 for the same name up to whitespace; else a ratio in [0, 1]."""
    return lifted_similarity(name_key(a), name_key(b))


def best_match(name: str, candidates: list[str], threshold: float) -> tuple[int, float] | None:
    """Index and score of the candidate most similar to ``name`` (at least ``threshold``)."""
    best: tuple[int, float] | None = None
    for i, c in enumerate(candidates):
        s = similarity(name, c)
        if s >= threshold and (best is None or s > best[1]):
            best = (i, s)
    return best


# --- formulas --------------------------------------------------------------------------


def _braced(text: str, start: int) -> tuple[str, int] | None:
    """The content of the ``{...}`` group starting at ``start`` and the index after it."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i], i + 1
    return None


def _frac(text: str) -> str:
    out = []
    i = 0
    while True:
        j = text.find("\\frac", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        num = _braced(text, j + 5)
        den = _braced(text, num[1]) if num else None
        if not (num and den):
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:j])
        out.append(f"({_frac(num[0])})/({_frac(den[0])})")
        i = den[1]


def formula_text(parts: list[str]) -> str | None:
    text = " ".join(p for p in parts if p)
    if not text.strip():
        return None
    if "\\frac" in text:
        text = _frac(text)
    return collapse(strip_latex(text))


# --- outlines --------------------------------------------------------------------------

_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>[-□○●◦▪※°·]|\d+\))\s*(?P<text>.*)$")
_RANK = {"□": 0, "○": 1, "●": 1, "※": 2, "-": 2, "◦": 4, "▪": 4, "°": 4, "·": 4}
_UL_ITEM = re.compile(r"○")


def _rank(indent: str, marker: str) -> int:
    base = _RANK.get(marker, 3)
    if marker == "-" and indent:
        return 3
    return base


def html_items(text: str) -> list[str]:
    """``<ul ...> ○ a ○ b`` → ["a", "b"]."""
    plain = collapse(strip_html(text))
    return [collapse(p) for p in _UL_ITEM.split(plain) if collapse(p)]


class OutlineBuilder:
    """Nests items by marker: □ > ○ > - > `` -`` > °; unmarked lines continue the last item."""

    def __init__(self, ctx: ReadContext):
        self.ctx = ctx
        self.roots: list[OutlineItem] = []
        self._stack: list[tuple[int, OutlineItem]] = []

    def _put(self, rank: int, item: OutlineItem) -> None:
        while self._stack and self._stack[-1][0] >= rank:
            self._stack.pop()
        if self._stack:
            self._stack[-1][1].children.append(item)
        else:
            self.roots.append(item)
        self._stack.append((rank, item))

    def add(self, line: Line) -> None:
        raw = line.text.replace("\t", " ")
        src = self.ctx.src(line)
        if "<ul" in raw or "<li" in raw:
            for t in html_items(raw):
                self._put(_RANK["○"], OutlineItem(src, "○", t))
            return
        m = _ITEM.match(raw)
        if m and m.group("marker") == "-" and not raw.lstrip().startswith("- "):
            m = None  # "-3" is a number, not an item
        if m and m.group("text").strip():
            marker = m.group("marker")
            self._put(_rank(m.group("indent"), marker), OutlineItem(src, marker, collapse(m.group("text"))))
            return
        text = collapse(raw)
        if self._stack:  # a wrapped line: a child without marker of the last item
            self._stack[-1][1].children.append(OutlineItem(src, "", text))
        else:
            self.roots.append(OutlineItem(src, "", text))


def flat_text(item: OutlineItem) -> list[str]:
    out = [item.text]
    for c in item.children:
        out.extend(flat_text(c))
    return out
