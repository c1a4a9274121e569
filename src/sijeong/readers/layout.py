"""What a document is and where it is, whatever its layout: the family by the vocabulary of
its tables and headings, the document's own year from its cover, and the page furniture
(page numbers, running headers, tables of contents with dot leaders) to skip.

Cities print the same tables under different headings (``사업별조서``, ``사업별 결산``,
``제2장 세출결산 사업별 내역``), so a family is scored by what its tables hold — a revenue
table by code prints 예산액/징수결정액/수납액/미수납액, an expenditure table by program
예산현액/지출액/이월액/집행잔액, an indicator table 목표/실적/달성률 — and by the words of
its headings, not by one exact heading.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .text import Line, lines_of

SETTLEMENT = "settlement_report"
PLAN = "work_plan"

_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


# --- the vocabulary of the families' tables ------------------------------------------------


@dataclass(frozen=True)
class TableKind:
    """A kind of table a family prints: groups of synonyms (spaces removed) of which one
    tab-separated header line must show at least ``need``."""

    family: str
    label: str  # Korean first, for messages
    groups: tuple[tuple[str, ...], ...]
    need: int
    weight: float

    def matches(self, squashed_cells: list[str]) -> bool:
        return self.matches_joined("\x00".join(squashed_cells))

    def matches_joined(self, joined: str) -> bool:
        """:meth:`matches` of the cells joined by NUL: a synonym (which holds no NUL) is in
        one of the cells exactly when it is in the joined string."""
        found = 0
        for g in self.groups:
            for t in g:
                if t in joined:
                    found += 1
                    break
        return found >= self.need


TABLE_KINDS: tuple[TableKind, ...] = (
    TableKind(SETTLEMENT, "세입 표(예산액·징수결정액·수납액·미수납액)",
              (("예산액",), ("징수결정액", "징수액", "징수정액"), ("수납액",), ("미수납액",), ("불납결손액",)),
              3, 0.35),
    TableKind(SETTLEMENT, "세출 표(예산현액·지출액·이월액·집행잔액)",
              (("예산현액",), ("지출액",), ("이월액", "명시이월", "사고이월"), ("집행잔액", "불용액")),
              3, 0.35),
    TableKind(SETTLEMENT, "성과지표 표(목표·실적·달성률)",
              (("목표",), ("실적",), ("달성률", "달성율", "달성도")), 3, 0.15),
)

#: heading words of the settlement family (spaces removed), each found adds to its score
SETTLEMENT_HEADINGS = ("세입결산", "세출결산", "사업별조서", "사업별결산", "성과보고서", "결산서",
                       "성과지표달성현황", "결산현황", "회계연도결산")
#: the page header of the Gimpo layout, ``【일반회계】 【부서】``
_ACCOUNT_PAGE = re.compile(r"【\s*(일반회계|특별회계|기금)\s*】")

_PLAN_TITLE = re.compile(r"주요\s*(시정\s*)?(업무\s*)?계획|주\s*요\s*업\s*무|업무\s*(추진\s*)?계획|업무\s*보고")
_PLAN_PEOPLE = re.compile(r"추진\s*부서")
_PLAN_SECTIONS = re.compile(r"^\s*[□■○]\s*(추진\s*배경|추진\s*계획|추진\s*일정|추진\s*방향|사업\s*개요|추진\s*근거|기대\s*효과)")

#: the records that make a document of a family read (by ``Record.kind``), and their names
FAMILY_RECORDS: dict[str, tuple[frozenset[str], str, str]] = {
    SETTLEMENT: (frozenset({"revenue", "program", "indicator", "policy_goal", "settlement_line"}),
                 "결산·성과보고서", "세입·세출 사업·성과지표·정책목표 / revenue, program, indicator or goal"),
    PLAN: (frozenset({"plan_task"}),
           "주요업무계획", "과제 / task"),
}


def family_records(doc) -> int | None:
    """How many records of the document's own family it holds (None: a family without a
    list, e.g. ``unknown``)."""
    kinds = FAMILY_RECORDS.get(doc.family)
    if kinds is None:
        return None
    return sum(1 for r in doc.records if r.kind in kinds[0])


def evidence(text: str, family: str) -> str:
    """What was found for ``family`` in ``text``, for messages: ``세입 표 2줄, 제목 세입결산``."""
    p = profile(text)
    parts: list[str] = []
    if family == SETTLEMENT:
        parts += [f"{k.label.split('(')[0]} {p.tables[k.label]}줄" for k in TABLE_KINDS if p.tables[k.label]]
        if p.headings:
            parts.append("제목 " + "·".join(sorted(p.headings)[:3]))
        if p.account_pages:
            parts.append(f"【회계】 쪽 머리 {p.account_pages}개")
    elif family == PLAN:
        parts += [w for w, ok in (("계획 제목", p.plan_title), ("추진부서", p.plan_people),
                                  ("❖ 목표", p.plan_objectives), ("□ 추진 항목", p.plan_sections)) if ok]
    return ", ".join(parts)


LOOKED_FOR = (
    "결산·성과보고서: " + ", ".join(k.label for k in TABLE_KINDS)
    + " 또는 제목(세입결산·세출결산·사업별조서·성과보고서); "
    "주요업무계획: 제목(주요업무계획·업무계획), 과제의 ❖ 목표, □ 추진배경·추진계획, 추진부서"
)


@dataclass
class Profile:
    """The evidence for each family found in one text."""

    tables: Counter = field(default_factory=Counter)  # TableKind.label -> header lines
    headings: set[str] = field(default_factory=set)  # settlement heading words found
    account_pages: int = 0
    plan_title: bool = False
    plan_people: bool = False
    plan_objectives: bool = False
    plan_objective_lines: int = 0
    plan_sections: int = 0

    def settlement_marks(self) -> int:
        """Revenue and expenditure table headers, and 【회계】 page headers."""
        return sum(self.tables[k.label] for k in TABLE_KINDS[:2]) + self.account_pages

    def plan_marks(self) -> int:
        """□ 추진배경/추진계획/사업개요 … sections and ❖ objectives."""
        return self.plan_sections + self.plan_objective_lines

    def settlement_score(self) -> float:
        """Table kinds found, heading words (up to 0.3) and 【회계】 pages; less for a document
        with more plan marks than settlement tables (a 예산과 plan quoting one)."""
        score = sum(k.weight for k in TABLE_KINDS if self.tables[k.label])
        score += min(0.3, 0.1 * len(self.headings))
        if self.account_pages:
            score += 0.4
        if self.plan_marks() > self.settlement_marks():  # a plan quoting a settlement table or two
            score -= 0.5
        return round(max(score, 0.0), 4)

    def settlement_tables(self) -> bool:
        """A revenue or expenditure table: a plan prints neither."""
        return any(self.tables[k.label] for k in TABLE_KINDS[:2])

    def plan_score(self) -> float:
        """Title, 추진부서, ❖ and □ sections; less when the document prints a settlement's
        revenue or expenditure tables (or its headings) at least as often as plan marks."""
        score = 0.0
        if self.plan_title:
            score += 0.4
        if self.plan_people:
            score += 0.3
        if self.plan_objectives:
            score += 0.2
        if self.plan_sections:
            score += 0.1
        settled = self.settlement_tables() or self.account_pages or {"사업별조서", "세출결산", "세입결산"} & self.headings
        if settled and self.settlement_marks() >= self.plan_marks():
            score -= 0.5
        return round(max(score, 0.0), 4)


@lru_cache(maxsize=8)
def profile(text: str) -> Profile:
    p = Profile()
    for line in text.split("\n"):
        if not p.plan_title and _PLAN_TITLE.search(line):
            p.plan_title = True
        if "\t" in line:
            cells = [_squash(c) for c in line.split("\t") if c.strip()]
            if len(cells) >= 3:
                joined = "\x00".join(cells)
                for k in TABLE_KINDS:
                    if k.matches_joined(joined):
                        p.tables[k.label] += 1
            continue
        s = line.strip()
        if not s:
            continue
        if _ACCOUNT_PAGE.search(s):
            p.account_pages += 1
        if len(s) <= 60:
            sq = _squash(s)
            for w in SETTLEMENT_HEADINGS:
                if w in sq:
                    p.headings.add(w)
        if _PLAN_PEOPLE.search(s):
            p.plan_people = True
        if "❖" in s:
            p.plan_objectives = True
            p.plan_objective_lines += 1
        if _PLAN_SECTIONS.match(s):
            p.plan_sections += 1
    return p


# --- the document's own year -----------------------------------------------------------------

_Y = r"(?P<y>20\d\d)"
#: year forms on a cover or title line, strongest first
COVER_YEARS: tuple[re.Pattern, ...] = (
    re.compile(_Y + r"\s*회계\s*연도"),
    re.compile(r"\bF\.?\s*Y\.?\s*'?(?P<y>20\d\d|\d\d)\b", re.I),
    re.compile(r"^[\s\-–—]*" + _Y + r"\s*년\s*도?[\s\-–—]*$"),
    re.compile(_Y + r"\s*년\s*도?\s*\S{0,10}?\s*(결산|성과\s*보고|주요\s*업무|업무\s*계획|시정\s*계획|업무\s*보고|예산)"),
    re.compile(r"['‘’](?P<y>\d\d)\s*년?\s*도?\s*(결산|회계\s*연도|주요\s*업무|업무\s*계획|성과\s*보고)"),
)
#: how many non-blank, non-table lines count as the cover
COVER_LINES = 12


def _year(m: re.Match) -> int:
    y = m.group("y")
    return int(y) if len(y) == 4 else 2000 + int(y)


def cover_year(text: str, skip: set[int] | None = None) -> int | None:
    """The year printed on the document's cover: the strongest year form on its first
    non-blank, non-table lines (page furniture in ``skip`` left out); for one form printed
    with several years, the most frequent, then the first. None when the cover names none."""
    cover: list[str] = []
    for ln in lines_of(text):
        if skip and ln.no in skip:
            continue
        s = ln.stripped
        if not s or "\t" in ln.text:
            continue
        cover.append(s[:SHORT])
        if len(cover) >= COVER_LINES:
            break
    for pat in COVER_YEARS:
        found = [_year(m) for s in cover for m in pat.finditer(s)]
        if found:
            counts = Counter(found)
            top = max(counts.values())
            return next(y for y in found if counts[y] == top)
    return None


# --- page furniture and tables of contents ------------------------------------------------------

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*(?:\d{1,4}|[ivx]{1,5})\s*[-–—]|\d{1,4}\s*/\s*\d{1,4}|(?:p\.?|page)\s*\d{1,4}|\d{1,4}\s*쪽)\s*$",
    re.I,
)
_LEADER = r"(?:(?:[.·ㆍ・‧∙]\s*){3,}|(?:[…‥]\s*){2,})"
_PAGE_REF = r"(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?"
TOC_ENTRY = re.compile(rf"^\s*(?P<title>\S.*?)\s*{_LEADER}\s*(?P<page>{_PAGE_REF})\s*$")
TOC_TITLE = re.compile(r"^\s*(목\s*차|차\s*례|contents|table\s+of\s+contents)\s*$", re.I)
#: inside a 목차 block, an entry without leaders: ``1. 자치행정과   3`` or ``…\t3``
_TOC_PLAIN = re.compile(rf"^\s*\S.*?(?:\s{{2,}}|\t)\s*{_PAGE_REF}\s*$")
#: longer lines are never furniture or a cover title (and the patterns stay linear in the text)
SHORT = 200
#: first characters of structure (page headers, unit notes, outline marks), never running heads
_NOT_RUNNING = "【([<□■○●❖※▶·•-*"
#: an outline heading (``가. 주민복지과``, ``1. 세입결산``, ``Ⅱ. …``, ``제2장 …``) or a labelled line
#: (``부서명 : 주민복지과``) is structure, never a running header, even when each chapter prints it
#: right after a page break
_OUTLINE = re.compile(r"^(?:[가-하]|\d{1,2}|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])[.)]\s|^제\s*\d+\s*[장절편]|^[^:：]{1,12}\s*[:：]\s*\S")
#: a running header: repeated at least this often (and next to half the page numbers)
RUNNING_MIN = 3
_NEAR = 1  # only blank lines between a running header and its page number


def furniture(lines: list[Line]) -> dict[int, str]:
    """Line number -> ``page`` (a page number alone on its line: ``- 3 -``, ``- ii -``, ``3 / 40``),
    ``toc`` (a table-of-contents title or entry: dot leaders then a page number, or a
    ``…  3`` line inside a 목차 block while its page references do not go back) or
    ``running`` (a running header or footer: the same short unmarked line printed right
    next to at least half the page numbers, and at least :data:`RUNNING_MIN` times). The readers skip these lines; a TOC line is never a task or a section."""
    out: dict[int, str] = {}
    in_toc, last_page = False, 0
    for ln in lines:
        flat = ln.text.replace("\t", " ")
        s = flat.strip()
        if not s:
            continue
        if len(s) > SHORT:
            in_toc = False
            continue
        if PAGE_NUMBER.match(s) and "\t" not in ln.text.strip():
            out[ln.no] = "page"
            in_toc = False  # the TOC's page ends
            continue
        if TOC_TITLE.match(s):
            out[ln.no] = "toc"
            in_toc, last_page = True, 0
            continue
        if TOC_ENTRY.match(s):
            out[ln.no] = "toc"
            continue
        if in_toc and _TOC_PLAIN.match(ln.text):
            page = int(re.findall(r"\d+", s)[-1])
            if page >= last_page:  # a TOC's page references never go back
                last_page = page
                out[ln.no] = "toc"
                continue
        in_toc = False
    pages = sorted(n for n, k in out.items() if k == "page")
    if len(pages) >= RUNNING_MIN:
        filled = [0]  # filled[n]: non-blank lines among lines 1..n
        for ln in lines:
            filled.append(filled[-1] + (1 if ln.stripped else 0))
        near: dict[str, list[int]] = {}
        for ln in lines:
            s = ln.stripped
            if not s or "\t" in ln.text or ln.no in out or len(s) > 60 or s[0] in _NOT_RUNNING or _OUTLINE.match(s):
                continue
            if _near_page(ln.no, pages, filled):
                near.setdefault(_squash(s), []).append(ln.no)
        for nos in near.values():  # on (nearly) every page, not a section heading printed often
            if len(nos) >= max(RUNNING_MIN, len(pages) / 2):
                for n in nos:
                    out[n] = "running"
    return out


def _near_page(no: int, pages: list[int], filled: list[int]) -> bool:
    """Whether a page number is next to line ``no`` (fewer than :data:`_NEAR` non-blank
    lines between them)."""
    k = bisect.bisect_left(pages, no)
    for p in pages[max(0, k - 1): k + 1]:
        lo, hi = sorted((p, no))
        if filled[hi - 1] - filled[lo] < _NEAR:
            return True
    return False
