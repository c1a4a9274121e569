"""The line-by-line walk of a work plan: structure marks switch the mode (overview,
achievements, vision, tasks) and the department; each mode hands its lines to the
outline, table, task and people readers.
"""

from __future__ import annotations

import re

from ..model import BudgetItem, Figure, StrategicGoal
from .context import ReadContext
from .plan_outline import FOOTNOTE, OutlineBuilder, classify, clean
from .plan_overview import overview_table, vision_table
from .plan_parts import (
    PlanState, TaskBuilder, achievement, add_footnote, extend_footnote, goals, narratives_per_item,
)
from .plan_people import RULE, START, read_block
from .plan_tables import leave_generic, read_table
from .text import Line, collapse, parse_unit_note

YEAR_MARK = re.compile(r"^-\s*(20\d\d)\s*년도\s*-$")
PLAN_TITLE = re.compile(r"^주요\s*(시정\s*)?(업무\s*)?계획$")
ROMAN = re.compile(r"^(?P<no>I{1,3}|IV|VI{0,3}|IX|X|[Ⅰ-Ⅻ])\.\s+(?P<title>[^\t]+?)\s*(?P<page>\t.*)?$")
ACHIEVEMENTS = re.compile(r"주요\s*성과$")
VISION = re.compile(r"비전 및 (추진목표|핵심과제)$")
TASKS = re.compile(r"주요\s*업무\s*(계획|추진계획)$")
TOC_TITLE = re.compile(r"^주\s*요\s*업\s*무$")
TASK_TITLE = re.compile(r"^(?P<no>\d{1,2})\.\s+(?P<title>\S.*)$")
#: a task heading in the other usual shapes: ``01 제목``, ``1 제목``, ``[1] 제목``, ``【과제 1】 제목``,
#: ``Ⅱ-1. 제목`` / ``2-1. 제목`` (the task under its part's number), ``(1) 제목``, ``과제 1. 제목``
#: (taken only as the next task's number, see :meth:`PlanWalker.step_tasks`)
TASK_OTHER = re.compile(
    r"^(?:\[\s*(?P<b>\d{1,2})\s*\]\s*|【\s*(?:과제\s*)?(?P<k>\d{1,2})\s*】\s*"
    r"|(?:[Ⅰ-Ⅻ]|I{1,3}|IV|VI{0,3}|IX|X|\d{1,2})\s*-\s*(?P<s>\d{1,2})\s*[.)]?\s+(?=[^\d\s.~∼-])"
    r"|\(\s*(?P<p>\d{1,2})\s*\)\s*(?=[^\d\s.~∼-])|(?:추진\s*)?과제\s*(?P<g>\d{1,2})\s*[.:)]?\s+"
    r"|(?P<n>\d{1,2})\s+(?=[^\d\s.~∼-]))"
    r"(?P<title>\S.*)$"
)
#: a department heading: ``【주민복지과】``
BRACKET_DEPT = re.compile(r"^【\s*(?P<dept>[^】]+?)\s*】$")


SECTION_MARKS = ("□", "■", "◆", "◇", "○", "▣", "▶", "►")
_MARKED_TASKS = re.compile(r"^(?:20\d\d\s*년도?\s*)?(?:주요\s*업무\s*(?:계획|추진\s*계획)|핵심\s*과제|주요\s*과제|추진\s*과제)$")
_MARKED_OVERVIEW = re.compile(r"^(?:일반|부서|예산|조직|인력)\s*현황$")


def section_marked(s: str) -> str | None:
    """The text after a section marker (``□ 일반현황``, ``◆ 핵심과제``), whether or not the
    outline knows the marker (◆ ◇ ▣ are section marks of other cities, not outline items)."""
    c = classify(s)
    if c is not None:
        return c[2] if c[1] in SECTION_MARKS else None
    t = s.strip()
    if t[:1] in SECTION_MARKS and t[1:2].isspace():
        return collapse(t[1:])
    return None


def marked_part_of(text: str) -> str | None:
    t = collapse(text)
    if _MARKED_TASKS.match(t):
        return "tasks"
    if _MARKED_OVERVIEW.match(t):
        return "overview"
    return None


def task_heading(text: str) -> tuple[int, str, str] | None:
    """``1. 제목`` (or another shape, :data:`TASK_OTHER`) → (number, number as printed, title)."""
    m = TASK_TITLE.match(text)
    if m:
        return int(m.group("no")), m.group("no"), m.group("title")
    m = TASK_OTHER.match(text)
    if m:
        raw = m.group("b") or m.group("k") or m.group("s") or m.group("p") or m.group("g") or m.group("n")
        return int(raw), raw, m.group("title")
    return None


def heading_shape(text: str) -> str | None:
    """Which shape of task heading a line has (``1.``: "dot", ``[1]``: "b", ``Ⅱ-1.``: "s" …):
    a document numbers all its tasks one way, so ``(2) 추진내용`` inside a ``1. 제목`` task is no
    task 2."""
    if TASK_TITLE.match(text):
        return "dot"
    m = TASK_OTHER.match(text)
    if m:
        return next(k for k in ("b", "k", "s", "p", "g", "n") if m.group(k))
    return None
ACH_TITLE = re.compile(r"^(?P<no>\d{1,2})\s+(?P<title>[^\d\s].*)$")
DEPT_NAME = re.compile(r"^[가-힣]{2,12}(과|담당관|관|실|국|소|단|센터)$")
BUREAU = re.compile(r"^[가-힣]{2,12}(실|국|본부)$")
VISION_SUB = re.compile(r"^(?P<name>정책비전|정책목표|핵심과제)\s*(\[.*\]|역점.*)?$")


class PlanWalker:
    def __init__(self, ctx: ReadContext):
        self.ctx = ctx
        self.state = PlanState(ctx)
        self.mode: str | None = None
        self.expect_dept = False
        self.toc = 0  # 1: after 주요업무, 2: inside its list of tasks
        self.vision_goal = None
        self.task: TaskBuilder | None = None
        self.outline = OutlineBuilder()
        self.ach: tuple[str, Figure | None, Line] | None = None
        self.vision_sub: str | None = None
        self.vision_text: list[Line] = []
        self.vision: str | None = None
        self.caption = ""
        self.multiplier = 1
        self.money_note = False  # the unit note in force names 원 (money at a multiplier of 1)
        self.prev_blank = True
        self.footnote = None
        self.asset_context = False
        self.task_shape: str | None = None  # the shape of the document's task headings, once met

    # --- helpers -----------------------------------------------------------------
    def heading(self, ln: Line, level: int, text: str | None = None) -> None:
        self.ctx.heading(ln, level, text)

    def flush(self) -> None:
        """Close the part being read (a task, an achievement, a vision list)."""
        st = self.state
        if self.task is not None:
            self.task.finish()
            self.task = None
        if self.mode == "achievements" and self.outline.items:
            if self.ach is not None:
                title, no, ln = self.ach
                achievement(st, title, no, self.ctx.src(ln), self.outline.items)
            else:
                narratives_per_item(st, self.outline.items, "주요성과")
        elif self.mode == "vision" and self.outline.items and self.vision_sub:
            goals(st, self.vision, None, self.outline.items, self.vision_sub)
        self.ach = None
        self.outline = OutlineBuilder()

    def set_mode(self, mode: str | None) -> None:
        self.flush()
        self.mode = mode
        self.vision_sub = None
        self.caption = ""

    def start_department(self, ln: Line, name: str) -> None:
        self.flush()
        self.state.department = name
        self.state.dept(name, self.ctx.src(ln))
        self.heading(ln, 1, name)
        self.expect_dept = False
        self.caption = ""
        self.vision = None
        self.vision_goal = None

    # --- the walk ----------------------------------------------------------------
    def run(self) -> None:
        lines = self.ctx.lines
        i = 0
        while i < len(lines):
            ln = lines[i]
            if ln.no in self.ctx.consumed:
                i += 1
                continue
            if not ln.stripped:
                self.prev_blank = True
                if self.toc == 2:
                    self.toc = 0
                i += 1
                continue
            if "\t" in ln.text:
                if START.match(ln.text):  # the 추진부서 block on a tab line
                    self.people(i)
                    i += 1
                    continue
                j = i
                block: list[Line] = []
                while j < len(lines) and lines[j].stripped and ("\t" in lines[j].text or RULE.match(lines[j].text)):
                    if START.match(lines[j].text):
                        break
                    block.append(lines[j])
                    j += 1
                if self.structure_table(block):
                    i = j
                    continue
                self.table(block)
                i = j
                self.prev_blank = False
                continue
            self.step(ln)
            self.prev_blank = False
            i += 1
        self.flush()

    def structure_table(self, block: list[Line]) -> bool:
        """A table of contents (``I. 일반현황\\t55``) is headings."""
        if ROMAN.match(block[0].stripped) and ROMAN.match(block[0].stripped).group("page"):
            for ln in block:
                self.heading(ln, 1, collapse(ln.text.replace("\t", " ")))
            return True
        return False

    def people(self, i: int) -> None:
        lines = self.ctx.lines[i : i + 16]
        p, used = read_block(lines, self.ctx.doc)
        self.ctx.consume(*used)
        if self.task is not None:
            self.task.people(p)
            self.task.finish()
            self.last_task = self.task.task
            self.task = None

    def table(self, block: list[Line]) -> None:
        title = self.caption or "표"
        money_note, self.money_note = self.money_note, False  # the note holds for this table only
        dept = self.state.department
        if self.mode == "overview":
            if overview_table(self.ctx, self.state, block, title=title, multiplier=self.multiplier,
                              asset_context=self.asset_context, money_note=money_note):
                self.multiplier = 1
                return
        elif self.mode == "vision":
            if vision_table(self.ctx, self.state, block):
                return
        task = self.task.task.title if self.task else None
        before = len(self.ctx.records)
        if not read_table(self.ctx, block, title=title, multiplier=self.multiplier, department=dept, task=task,
                          money_note=money_note):
            leave_generic(self.ctx, block, title=title, department=dept, multiplier=self.multiplier)
        if self.task is not None:
            rows = [r for r in self.ctx.records[before:] if isinstance(r, BudgetItem)]
            for r in rows:
                if r.is_total:
                    self.task.table_total(r, rows)
        self.multiplier = 1

    def step(self, ln: Line) -> None:
        s = ln.stripped
        ctx = self.ctx
        m = YEAR_MARK.match(s)
        if m:
            self.set_mode(None)
            self.heading(ln, 0)
            self.expect_dept = True
            return
        if PLAN_TITLE.match(s):
            self.heading(ln, 0)
            return
        if self.state.bureau is None and self.state.department is None and BUREAU.match(s) and self.mode is None:
            self.state.bureau = s
            self.state.dept(s, ctx.src(ln))
            self.heading(ln, 0)
            return
        if self.expect_dept and DEPT_NAME.match(collapse(s).replace(" ", "")):
            self.start_department(ln, collapse(s).replace(" ", ""))
            return
        m = TASK_TITLE.match(s)
        if (m and self.mode in ("tasks", None) and DEPT_NAME.match(collapse(m.group("title")).replace(" ", ""))
                and self.tasks_follow(ln)):
            # ``2. 주민복지과`` before its ``2024년도 주요업무계획`` or its task 1: a department, not a task
            self.start_department(ln, collapse(m.group("title")).replace(" ", ""))
            return
        m = ROMAN.match(s) or BRACKET_DEPT.match(s)
        if m and DEPT_NAME.match(collapse(m.groupdict().get("title") or m.group("dept")).replace(" ", "")):
            # a department heading in another city's shape: ``Ⅱ. 주민복지과``, ``【주민복지과】``
            self.start_department(ln, collapse(m.groupdict().get("title") or m.group("dept")).replace(" ", ""))
            return
        m = ROMAN.match(s)
        if m:
            title = m.group("title")
            mode = ("overview" if "일반현황" in title else "achievements" if ACHIEVEMENTS.search(title)
                    else "vision" if "비전" in title else "tasks" if TASKS.search(title) else None)
            self.set_mode(mode)
            self.heading(ln, 0)
            self.expect_dept = mode == "tasks"
            return
        if ACHIEVEMENTS.search(s) and len(s) < 30 and not classify(s):
            self.set_mode("achievements")
            self.heading(ln, 1)
            return
        if VISION.search(s) and not classify(s):
            self.set_mode("vision")
            self.heading(ln, 1)
            return
        if TASKS.search(s) and not classify(s):
            self.set_mode("tasks")
            self.heading(ln, 1)
            self.expect_dept = True
            return
        part = self.marked_part(s)
        if part is not None:  # ``□ 주요업무 추진계획``, ``■ 일반현황``: a part under a section marker
            self.set_mode(part)
            self.heading(ln, 1)
            self.expect_dept = part == "tasks"
            return
        if TOC_TITLE.match(s):
            self.heading(ln, 2)
            self.toc = 1
            return
        if self.mode in ("tasks", None) and self.prev_blank and self.opens_department(ln):
            self.start_department(ln, self.department_name(s))
            return
        note = parse_unit_note(s, ctx.src(ln))
        if note is not None:
            self.multiplier = note.multiplier if len(note.units) == 1 else 1
            self.money_note = note.units == ("원",)  # (단위: 원): money, at 1
            self.heading(ln, 3)
            return
        getattr(self, f"step_{self.mode}", self.step_other)(ln)

    def marked_part(self, s: str) -> str | None:
        """The part a section-marked line opens outside a task: ``□ 주요업무 추진계획`` /
        ``■ 2024년 주요업무계획`` / ``◆ 핵심과제`` (tasks), ``□ 일반현황`` / ``■ 부서 현황`` (overview)."""
        if self.task is not None:
            return None
        text = section_marked(s)
        return marked_part_of(text) if text is not None else None

    @staticmethod
    def department_name(s: str) -> str | None:
        """A department's name alone on its line, bare or under a section mark (``□ 주민복지과``)."""
        marked = section_marked(s)
        if marked is None and classify(s):
            return None
        name = collapse(marked if marked is not None else s).replace(" ", "")
        return name if DEPT_NAME.match(name) else None

    def opens_department(self, ln: Line) -> bool:
        """A department's name alone on its line (or under a section mark, ``□ 주민복지과``),
        followed by its first task (``1. …``), its ``…주요업무계획`` or a marked part (``□ 일반현황``):
        the next department (page furniture between them is skipped)."""
        if self.department_name(ln.stripped) is None:
            return False
        return self.tasks_follow(ln)

    def tasks_follow(self, ln: Line) -> bool:
        """Whether the next line (blank lines and page furniture skipped) opens a department's
        tasks: its ``…년도 주요업무계획`` or its task 1."""
        for nxt in self.ctx.lines[ln.no:]:
            if nxt.no in self.ctx.consumed or not nxt.stripped:
                continue
            if TASKS.search(nxt.stripped) and not classify(nxt.stripped):  # its ``2024년 주요업무계획``
                return True
            marked = section_marked(nxt.stripped)
            if marked is not None and marked_part_of(marked) is not None:
                return True  # its ``□ 일반현황`` or ``■ 주요업무 추진계획``
            m = task_heading(nxt.stripped)
            return m is not None and m[0] == 1
        return False

    def step_other(self, ln: Line) -> None:
        self.heading(ln, 2)

    # --- overview (003 I. 일반현황) -------------------------------------------------
    def step_overview(self, ln: Line) -> None:
        s = ln.stripped
        c = classify(s)
        text = c[2] if c else clean(s)
        if c and c[1] == "□" and DEPT_NAME.match(text.replace(" ", "")):
            self.state.department = text.replace(" ", "")
            self.state.dept(self.state.department, self.ctx.src(ln))
        if c and c[1] in ("○", "□"):
            self.asset_context = bool(re.search("시설물|장비", text))
        self.caption = re.sub(r"\s*\(기준일.*\)$", "", text)
        self.heading(ln, 2, text)

    # --- achievements ------------------------------------------------------------
    def step_achievements(self, ln: Line) -> None:
        s = ln.stripped
        m = TASK_TITLE.match(s)
        if m and DEPT_NAME.match(m.group("title").replace(" ", "")):
            self.flush()
            self.state.department = m.group("title").replace(" ", "")
            self.state.dept(self.state.department, self.ctx.src(ln))
            self.heading(ln, 1)
            return
        m = ACH_TITLE.match(s)
        if m and classify(s) is None and self.prev_blank:
            self.flush()
            no = Figure(int(m.group("no")), m.group("no"), self.ctx.src(ln))
            self.ach = (clean(m.group("title")), no, ln)
            self.ctx.consume(ln)
            self.caption = self.ach[0]
            return
        self.outline_line(ln)

    def outline_line(self, ln: Line, builder=None) -> None:
        s = ln.text
        c = classify(s)
        src = self.ctx.src(ln)
        target = builder or self.outline
        if c is None:
            if not self.prev_blank and target.last is not None:
                target.continuation(s, src)
            else:
                text = clean(s)
                (target.item(1, "", text, src) if isinstance(target, TaskBuilder) else target.add(1, "", text, src))
                self.caption = text
        else:
            level, marker, text = c
            if isinstance(target, TaskBuilder):
                if marker == "❖":
                    target.objective(text, src)
                else:
                    target.item(level, marker, text, src)
            else:
                target.add(level, marker, text, src)
            self.caption = text
        self.ctx.consume(ln)

    # --- vision ------------------------------------------------------------------
    def step_vision(self, ln: Line) -> None:
        s = ln.stripped
        m = VISION_SUB.match(s)
        if m:
            self.flush()
            self.vision_sub = m.group("name")
            self.heading(ln, 2)
            return
        if self.vision_sub == "정책비전" and classify(s) is None:
            g = self.vision_goal
            if g is not None and not self.prev_blank:
                g.name = g.vision = f"{g.vision} {clean(s)}"
            else:
                g = StrategicGoal(source=self.ctx.src(ln), name=clean(s), vision=clean(s),
                                  **self.state.base("정책비전"))
                self.ctx.add(g)
                self.vision_goal = g
            self.vision = g.vision
            self.ctx.consume(ln)
            return
        self.outline_line(ln)

    # --- tasks -------------------------------------------------------------------
    def step_tasks(self, ln: Line) -> None:
        s = ln.stripped
        ctx = self.ctx
        m = TASK_TITLE.match(s)
        other = None if m else task_heading(s)
        if m or other:
            no, raw, title = (int(m.group("no")), m.group("no"), m.group("title")) if m else other
            if self.toc and m:
                self.toc = 2
                self.heading(ln, 3)
                return
            expected = (self.task.task.number + 1) if self.task else (self.last_number() + 1)
            shape = heading_shape(s)
            if (no == expected or (no == 1 and self.task is None)) and self.task_shape in (None, shape):
                self.task_shape = shape
                self.flush()
                fig = Figure(no, raw, ctx.src(ln))
                self.task = TaskBuilder(self.state, fig, clean(title), ctx.src(ln))
                self.footnote = None
                ctx.consume(ln)
                return
        m = FOOTNOTE.match(s)
        if m:
            last = self.task.task if self.task else getattr(self, "last_task", None)
            item = add_footnote(self.state, last, int(m.group("no")), clean(m.group("text")), ctx.src(ln))
            if item is not None:
                target = self.state.cited.get((self.state.department, int(m.group("no")))) or last
                self.footnote = (target, item)
                ctx.consume(ln)
                return
        if self.footnote is not None and not self.prev_blank and classify(s) is None:
            extend_footnote(self.footnote, clean(s), ctx.src(ln))
            ctx.consume(ln)
            return
        self.footnote = None
        if START.match(s):
            self.people(ln.no - 1)
            return
        if self.task is None:
            self.heading(ln, 2)
            return
        self.outline_line(ln, self.task)

    def last_number(self) -> int:
        for t in reversed(self.state.tasks):
            if t.department == self.state.department:
                return t.number or 0
        return 0
