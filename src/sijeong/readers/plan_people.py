"""The 추진부서 / 협조부서 block that closes a plan task.

Layouts seen: one tab line (``추진 부서\\t미래전략담당관 권재욱\\t미래전략팀장 이신경 (행 4002)\\t
담당자 부광영 (행 4003) 손연수 (행 4005)``) followed by a ``-------`` rule line; the same in
one cell; one cell per line (``추진부서`` / ``미래전략담당관 권재욱`` / ``전략사업팀장`` /
``(행 4010)`` / ``담당자 심미정 (행 4011)`` / ``이우철 (행 2043)``); two team leaders in one
cell; ``담당자 박정인 (파견)``; a ``협조부서\\t전 부서`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Person, Source
from .text import Line, collapse

START = re.compile(r"^\s*추진\s*부서(?=\s|$)")
COOP = re.compile(r"^\s*협조\s*부서(?=\s|$)")
RULE = re.compile(r"^[\s\-\t]*-{3,}[\s\-\t]*$")
#: an extension ``(행 4002)``, a broken ``행 5038)``, or ``(파견)``
_EXT = re.compile(r"\(?\s*행\s*(?P<ext>\d{3,5})\s*\)|\(\s*(?P<note>파견|겸임|직무대리)\s*\)")
_HEAD_TITLE = re.compile(r"(담당관|과장|실장|국장|소장|단장)$")
_LEADER_TITLE = re.compile(r"(팀장|센터장|담당)$")
_STAFF_TITLE = re.compile(r"^(담당자|주무관)$")
#: a heading after the block: ``【부서】``, ``Ⅱ. 부서``; a department's name alone (or ``2. 부서``,
#: ``□ 부서``) after a blank line
_HEADING = re.compile(r"^(【[^】]+】|(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|I{1,3}|IV|VI{0,3}|IX|X)\.\s+\S.*)$")
_DEPT_ALONE = re.compile(r"^(?:\d{1,2}\.\s*|[□■◆◇○▣▶►]\s*)?[가-힣]{2,12}(과|담당관|실|국|소|단|센터)$")
PERSONISH = re.compile(r"(팀장|센터장|담당자|담당관|과장|행\s*\d{3,5}\s*\)|\(파견\))")


@dataclass
class People:
    people: list[Person] = field(default_factory=list)
    lead_department: str | None = None
    cooperating: list[str] = field(default_factory=list)

    @property
    def head(self) -> Person | None:
        return next((p for p in self.people if p.role == "head"), None)

    @property
    def team_leaders(self) -> list[Person]:
        return [p for p in self.people if p.role == "team_leader"]

    @property
    def staff(self) -> list[Person]:
        return [p for p in self.people if p.role == "staff"]


def _role_of(word: str) -> str | None:
    if _STAFF_TITLE.match(word):
        return "staff"
    if _LEADER_TITLE.search(word) and len(word) > 2:
        return "team_leader"
    if _HEAD_TITLE.search(word) and len(word) > 2:
        return "head"
    return None


def lead_department_of(title: str) -> str:
    """``정책기획과장`` → ``정책기획과``; ``미래전략담당관`` stays."""
    if title.endswith("과장"):
        return title[:-1]
    return title


def parse_segments(segments: list[tuple[str, Source]]) -> list[Person]:
    """Persons from text segments (one cell or one line each), in order."""
    people: list[Person] = []
    current: Person | None = None
    closed = True
    last_role = "head"
    for text, src in segments:
        text = collapse(text)
        pos = 0
        pieces: list[tuple[str, re.Match | None]] = []
        for m in _EXT.finditer(text):
            pieces.append((text[pos : m.start()], m))
            pos = m.end()
        pieces.append((text[pos:], None))
        for chunk, ext in pieces:
            for word in chunk.split():
                role = _role_of(word)
                if role:
                    current = Person(role=role, name=None, title=word, source=src)
                    people.append(current)
                    closed = False
                    last_role = role
                    continue
                if current is None or closed:
                    role = "staff" if last_role in ("staff", "team_leader") and people else last_role
                    prev_title = people[-1].title if people and role == "staff" else None
                    if prev_title:
                        prev_title = re.sub(r"\s*\([^)]*\)$", "", prev_title)
                    current = Person(role=role, name=None, title=prev_title, source=src)
                    people.append(current)
                    closed = False
                current.name = word if current.name is None else f"{current.name} {word}"
            if ext is not None:
                if current is None or closed:
                    # an extension on its own line: the person named just before it
                    if not people:
                        continue
                    current = people[-1]
                if ext.group("ext"):
                    current.extension = ext.group("ext")
                else:
                    current.title = f"{current.title or ''} ({ext.group('note')})".strip()
                closed = True
        if current is not None and current.role == "head":
            closed = True
    return people


def read_block(lines: list[Line], doc: str) -> tuple[People, list[int]]:
    """Read a people block from its first line (the one starting with 추진부서).

    ``lines`` are the candidate lines from there on; returns the people and the line
    numbers the block consumed."""
    segments: list[tuple[str, Source]] = []
    used: list[int] = []
    coop: list[str] = []
    first = True
    seen_head_line = False
    for ln in lines:
        s = ln.stripped
        if first:
            first = False
            used.append(ln.no)
            rest = START.sub("", ln.text, count=1)
            for cell in rest.split("\t"):
                if cell.strip():
                    segments.append((cell, Source(doc, ln.no)))
                    seen_head_line = True
            continue
        if not s:
            used.append(ln.no)
            continue
        if RULE.match(ln.text):
            used.append(ln.no)
            continue
        if COOP.match(s):
            used.append(ln.no)
            rest = COOP.sub("", ln.text, count=1)
            for cell in rest.split("\t"):
                coop.extend(split_departments(cell))
            continue
        if "\t" in ln.text and not COOP.match(s):
            break
        if _HEADING.match(s) or (used and not lines[[x.no for x in lines].index(used[-1])].stripped
                                 and _DEPT_ALONE.match(s)):
            break  # the next department's heading (``【미래전략담당관】``, ``Ⅱ. …``, a name alone)
        if PERSONISH.search(s) or not seen_head_line:
            segments.append((s, Source(doc, ln.no)))
            used.append(ln.no)
            seen_head_line = True
            continue
        break
    # trailing blank lines are not the block's
    while used and not lines[[x.no for x in lines].index(used[-1])].stripped:
        used.pop()
    people = parse_segments(segments)
    out = People(people=people, cooperating=coop)
    head = out.head
    if head is not None and head.title:
        out.lead_department = lead_department_of(head.title)
    return out, used


def split_departments(cell: str) -> list[str]:
    """``기업지원과, 교육청소년과`` → two; commas inside parentheses do not split."""
    out: list[str] = []
    depth = 0
    buf = ""
    for ch in cell:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            if buf.strip():
                out.append(collapse(buf))
            buf = ""
            continue
        buf += ch
    if buf.strip():
        out.append(collapse(buf))
    return out
