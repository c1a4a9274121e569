"""Merge the printings of one entity into one record.

The settlement report prints the same policy goal, indicator or program in several
tables. ``link`` keeps one primary record per entity and turns every other printing
into an :class:`Appearance` on it (each Figure keeps its own source line):

- PolicyGoal: primary = ``부서 성과`` (budget, settled); ``정책사업목표 현황`` and
  ``성과목표 및 재원비중`` become appearances; indicator_count, achieved_indicator_count,
  unit_program_count (and strategic_goal) are copied onto the primary.
- Indicator, per (department, year): primary = ``성과지표 달성현황``; the ``부서 성과``
  printing and the ``성과목표 및 재원비중`` grade become appearances; ``grade`` is set on
  the primary. Names are compared whitespace-insensitively, then by similarity within the
  same department and policy goal; every inexact match is recorded (``link.fuzzy``, info).
- Program: primary = ``사업별조서``; ``관련 예산사업 결산현황`` rows become appearances and
  ``prior_year_spent`` is copied onto the program.

A printing that matches nothing stays its own record, with a ``link.unmatched`` warning.

Then each PolicyGoal gets ``program``: the department's 정책사업 in 사업별조서 (not
행정운영경비, 재무활동 or 예비비) it describes. The names often differ entirely, the amounts
do not: the goal's 예산액 is the program's 예산현액 and its 결산액 the program's 지출액
(``program_basis = "amount"``; among several, both equal first, then the closer name).
Else the most similar name, at least ``GOAL_PROGRAM_THRESHOLD`` alike (``"name"``). Else
``None`` with a ``link.unmatched`` info finding — only when the document has 정책사업 at all.
Nothing else is computed here.

Speed: a department can have hundreds of programs, and every printing is compared with every
primary. :class:`Similar` gives :func:`similarity`'s value only where it reaches the
threshold asked for, and rejects most pairs without running difflib: the same name by its key
(cached per name), then the upper bounds difflib itself offers (``real_quick_ratio``, from the
lengths, then ``quick_ratio``, from the letters), each of which the ratio can never exceed —
computed as difflib does, the shared letters as the intersection of two cached sets.
The pairs kept and their scores are exactly :func:`similarity`'s
(``tests/readers/test_link.py`` compares both on random names).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Callable, Iterable, TypeVar

from ..model import Appearance, Indicator, PolicyGoal, Program, Record, names, vocabulary
from .context import ReadContext
from .performance_text import name_key, similarity

R = TypeVar("R", bound=Record)

PG_PRIMARY = (vocabulary.SECTION_DEPARTMENT_RESULTS, vocabulary.SECTION_GOAL_STATUS, vocabulary.SECTION_GOALS)
INDICATOR_PRIMARY = vocabulary.SECTION_INDICATORS
PROGRAM_PRIMARY = vocabulary.SECTION_PROGRAMS
THRESHOLD = names.SAME_ENTITY  # names below this similarity are different entities
PROGRAM_THRESHOLD = names.SAME_PROGRAM
GOAL_PROGRAM_THRESHOLD = names.GOAL_PROGRAM
#: 결산현황 categories that are not 정책사업 (and the parts of 행정운영경비)
NOT_POLICY = (*vocabulary.NON_POLICY, *vocabulary.ADMIN_PARTS)


def link(ctx: ReadContext) -> None:
    merged: set[int] = set()
    sim = Similar()
    alias = _link_policy_goals(ctx, merged, sim)
    _link_indicators(ctx, alias, merged, sim)
    _link_programs(ctx, merged, sim)
    ctx.records[:] = [r for r in ctx.records if id(r) not in merged]
    _place_strays(ctx)
    _link_goal_programs(ctx)


class Similar:
    """:func:`similarity` with a floor: ``at_least(a, b, t)`` is ``similarity(a, b)`` when that
    is at least ``t``, else None — without running difflib for most pairs below ``t``."""

    def __init__(self) -> None:
        self._keys: dict[str | None, str] = {}
        self._matchers: dict[str, SequenceMatcher] = {}
        self._letters: dict[str, frozenset[tuple[str, int]]] = {}

    def key(self, name: str | None) -> str:
        k = self._keys.get(name)
        if k is None:
            k = self._keys[name] = name_key(name)
        return k

    def letters(self, key: str) -> frozenset[tuple[str, int]]:
        """The letters of ``key`` with their repeats numbered ((ch, 0), (ch, 1) …): the size of
        the intersection of two such sets is the number of letters the names share."""
        got = self._letters.get(key)
        if got is None:
            seen: dict[str, int] = {}
            out = []
            for ch in key:
                k = seen.get(ch, 0)
                seen[ch] = k + 1
                out.append((ch, k))
            got = self._letters[key] = frozenset(out)
        return got

    def at_least(self, a: str | None, b: str | None, threshold: float) -> float | None:
        ka, kb = self.key(a), self.key(b)
        if not ka or not kb:
            return 0.0 if 0.0 >= threshold else None
        if ka == kb:
            return 1.0 if 1.0 >= threshold else None
        short, long_ = (ka, kb) if len(ka) <= len(kb) else (kb, ka)  # as sorted((ka, kb), key=len)
        contained = len(short) >= 4 and short in long_  # similarity lifts such a pair to 0.8
        if not (contained and 0.8 >= threshold):  # the ratio alone must reach the threshold
            # difflib's real_quick_ratio and quick_ratio, both upper bounds of the ratio, as
            # difflib computes them (2.0 * matches / total length), without a matcher: the
            # letters two names share (with repeats) are the intersection of their letter sets
            total = len(ka) + len(kb)
            if 2.0 * len(short) / total < threshold:
                return None
            if 2.0 * len(self.letters(ka) & self.letters(kb)) / total < threshold:
                return None
        m = self._matchers.get(kb)
        if m is None:  # seq2 is b, as in SequenceMatcher(None, ka, kb): difflib caches what it learns of b
            m = self._matchers[kb] = SequenceMatcher(None, "", kb, autojunk=False)
        m.set_seq1(ka)
        ratio = m.ratio()
        if contained:
            ratio = max(ratio, 0.8)
        return ratio if ratio >= threshold else None


# --- the matching --------------------------------------------------------------------


def _assign(
    primaries: list[R],
    others: list[R],
    score: Callable[[R, R], float | None],
    threshold: float,
    tiebreak: Callable[[R, R], tuple] = lambda o, p: (),
) -> list[tuple[R, R | None, float]]:
    """Pair each other printing with at most one primary per section, best scores first."""
    out: list[tuple[R, R | None, float]] = []
    by_section: dict[str | None, list[R]] = {}
    for o in others:
        by_section.setdefault(o.section, []).append(o)
    for group in by_section.values():
        pairs = []
        for oi, o in enumerate(group):
            for pi, p in enumerate(primaries):
                s = score(o, p)
                if s is not None and s >= threshold:
                    pairs.append((s, tiebreak(o, p), -abs(oi - pi), oi, pi))
        pairs.sort(reverse=True)
        used_o: dict[int, tuple[int, float]] = {}
        used_p: set[int] = set()
        for s, _, _, oi, pi in pairs:
            if oi in used_o or pi in used_p:
                continue
            used_o[oi] = (pi, s)
            used_p.add(pi)
        for oi, o in enumerate(group):
            hit = used_o.get(oi)
            out.append((o, primaries[hit[0]], hit[1]) if hit else (o, None, 0.0))
    return out


_NOT_TEXT = {"name", "section", "municipality", "department", "grade"}


def _merge(ctx: ReadContext, primary: Record, rec: Record, score: float, merged: set[int]) -> None:
    text = {k: v for k, v in rec.data().items() if isinstance(v, str) and v and k not in _NOT_TEXT}
    primary.appearances.append(Appearance(rec.section or rec.kind, rec.source, dict(rec.figures), rec.name, text))
    primary.appearances.extend(rec.appearances)
    merged.add(id(rec))
    if name_key(primary.name) != name_key(rec.name):
        ctx.finding(
            "link.fuzzy", "info", [primary.source.line, rec.source.line],
            f"'{rec.name}' ({rec.section}) = '{primary.name}' ({primary.section}), 유사도 {score:.2f} "
            f"/ matched by similarity",
            expected=primary.name, actual=rec.name, department=primary.department, subject=primary.name,
        )


def _unmatched(ctx: ReadContext, rec: Record, target: str) -> None:
    ctx.finding(
        "link.unmatched", "warning", [rec.source.line],
        f"'{rec.name}' ({rec.section}): 같은 부서의 {target}에서 짝을 찾지 못했습니다 / no matching record in {target}",
        actual=rec.name, department=rec.department, subject=rec.name,
    )


def _by_department(records: Iterable[R]) -> dict[str | None, list[R]]:
    out: dict[str | None, list[R]] = {}
    for r in records:
        out.setdefault(r.department, []).append(r)
    return out


# --- policy goals --------------------------------------------------------------------


def _link_policy_goals(ctx: ReadContext, merged: set[int], sim: Similar) -> dict[tuple[str | None, str], str]:
    """Returns alias: (department, name_key of any printing) → the primary's name."""
    alias: dict[tuple[str | None, str], str] = {}
    pgs = [r for r in ctx.records if isinstance(r, PolicyGoal)]
    for dept, recs in _by_department(pgs).items():
        section = next((s for s in PG_PRIMARY if any(r.section == s for r in recs)), recs[0].section)
        primaries = [r for r in recs if r.section == section]
        others = [r for r in recs if r.section != section]
        for p in primaries:
            alias[(dept, name_key(p.name))] = p.name
        for o, p, s in _assign(primaries, others, lambda o, p: sim.at_least(o.name, p.name, THRESHOLD), THRESHOLD):
            if p is None:
                _unmatched(ctx, o, section)
                continue
            _merge(ctx, p, o, s, merged)
            alias[(dept, name_key(o.name))] = p.name
            for key in ("indicator_count", "achieved_indicator_count", "unit_program_count", "share"):
                if getattr(p, key) is None and key in o.figures:
                    p.set(key, o.figures[key])
            if p.strategic_goal is None:
                p.strategic_goal = o.strategic_goal
    return alias


# --- indicators ----------------------------------------------------------------------


def _link_indicators(ctx: ReadContext, alias: dict[tuple[str | None, str], str], merged: set[int],
                     sim: Similar) -> None:
    inds = [r for r in ctx.records if isinstance(r, Indicator)]

    def goal(r: Indicator) -> str | None:
        if not r.policy_goal:
            return None
        return alias.get((r.department, sim.key(r.policy_goal)), r.policy_goal)

    def score(o: Indicator, p: Indicator) -> float | None:
        if (o.year or ctx.year) != p.year:
            return None
        s = sim.at_least(o.name, p.name, THRESHOLD)  # None: below the threshold, not a pair
        if s is None:
            return None
        go, gp = goal(o), goal(p)
        if s < 1.0 and go and gp and sim.at_least(go, gp, THRESHOLD) is None:
            return None  # a fuzzy match only within the same policy goal
        return s

    for dept, recs in _by_department(inds).items():
        primaries = [r for r in recs if r.section == INDICATOR_PRIMARY]
        others = [r for r in recs if r.section != INDICATOR_PRIMARY]
        for o, p, s in _assign(primaries, others, score, THRESHOLD):
            if p is None:
                _unmatched(ctx, o, INDICATOR_PRIMARY)
                continue
            _merge(ctx, p, o, s, merged)
            if o.grade is not None:
                p.grade = o.grade


# --- programs ------------------------------------------------------------------------


def _link_programs(ctx: ReadContext, merged: set[int], sim: Similar) -> None:
    progs = [r for r in ctx.records if isinstance(r, Program)]

    def tiebreak(o: Program, p: Program) -> tuple:
        same_level = bool(o.level and o.level == p.level)
        same_parent = bool(o.parent and p.parent and name_key(o.parent) == name_key(p.parent))
        return (same_level, same_parent)

    for dept, recs in _by_department(progs).items():
        primaries = [r for r in recs if r.section == PROGRAM_PRIMARY]
        others = [r for r in recs if r.section != PROGRAM_PRIMARY]
        if not others:
            continue
        pairs = _assign(primaries, others, lambda o, p: sim.at_least(o.name, p.name, PROGRAM_THRESHOLD),
                        PROGRAM_THRESHOLD, tiebreak)
        for o, p, s in pairs:
            if p is None:
                _unmatched(ctx, o, PROGRAM_PRIMARY)
                continue
            _merge(ctx, p, o, s, merged)
            if p.prior_year_spent is None and "prior_year_spent" in o.figures:
                p.set("prior_year_spent", o.figures["prior_year_spent"])


#: a program's depth in the 사업별조서 tree
PROGRAM_DEPTH = {"total": 0, "policy": 1, "unit": 2, "detail": 3}


def _place_strays(ctx: ReadContext) -> None:
    """A program printed only outside 사업별조서 (a 세부사업 the 관련 예산사업 결산현황 table
    lists and the statement does not) is listed in its parent's subtree, after its siblings,
    not after the department's last program (기본경비): the records' order is the order every
    listing shows."""
    def stray(r: Record) -> bool:
        return isinstance(r, Program) and r.section != PROGRAM_PRIMARY and bool(r.parent)

    strays = [r for r in ctx.records if stray(r)]
    if not strays:
        return
    recs = [r for r in ctx.records if not stray(r)]
    for s in strays:
        depth = PROGRAM_DEPTH.get(s.level or "", 3)
        at = next((i for i, r in enumerate(recs) if isinstance(r, Program) and r.section == PROGRAM_PRIMARY
                   and r.department == s.department and name_key(r.name) == name_key(s.parent)
                   and PROGRAM_DEPTH.get(r.level or "", 0) < depth), None)
        if at is None:  # no parent in the statement: it stays where it was printed, at the end
            recs.append(s)
            continue
        parent_depth = PROGRAM_DEPTH.get(recs[at].level or "", 0)
        end = at + 1
        while (end < len(recs) and isinstance(recs[end], Program) and recs[end].department == s.department
               and PROGRAM_DEPTH.get(recs[end].level or "", 0) > parent_depth):
            end += 1
        recs.insert(end, s)
    ctx.records[:] = recs


# --- policy goal → policy program ------------------------------------------------------


def _is_policy_program(p: Program) -> bool:
    if p.level != "policy" or p.section != PROGRAM_PRIMARY:
        return False
    base = re.sub(r"\(.*\)$", "", re.sub(r"\s+", "", p.name))  # 기본경비(기획담당관) → 기본경비
    # one misprinted syllable (재우활동) still names the category
    return not any(len(base) == len(c) and similarity(base, c) >= names.CATEGORY for c in NOT_POLICY)


def _goal_amount(g: PolicyGoal, key: str) -> int | None:
    """The goal's 예산액/결산액: its own printing, else the first other printing's."""
    value = getattr(g, key)
    if value is None:
        value = next((a.value(key) for a in g.appearances if a.value(key) is not None), None)
    return value if value else None  # 0 or a blank proves nothing


def _link_goal_programs(ctx: ReadContext) -> None:
    progs = _by_department(p for p in ctx.records if isinstance(p, Program) and _is_policy_program(p))
    if not progs:
        return
    sim = Similar()
    for g in (r for r in ctx.records if isinstance(r, PolicyGoal)):
        cands = [p for p in progs.get(g.department, []) if g.year is None or p.year in (None, g.year)]
        budget, settled = _goal_amount(g, "budget"), _goal_amount(g, "settled")
        scored = []
        for p in cands:
            equal = (budget is not None and p.current_budget == budget) + (settled is not None and p.spent == settled)
            if equal:
                scored.append((equal, similarity(g.name, p.name), -p.position, p))
        if scored:
            g.program, g.program_basis = max(scored, key=lambda t: t[:3])[3].name, "amount"
            continue
        # below the threshold a score only has to lose: -1 in place of similarity's value
        named = [(sim.at_least(g.name, p.name, GOAL_PROGRAM_THRESHOLD) or -1.0, -p.position, p) for p in cands]
        best = max(named, key=lambda t: t[:2], default=None)
        if best is not None and best[0] >= GOAL_PROGRAM_THRESHOLD:
            g.program, g.program_basis = best[2].name, "name"
            continue
        ctx.finding(
            "link.unmatched", "info", [g.source.line],
            f"정책사업목표 '{g.name}': 같은 부서 사업별조서의 정책사업 중 예산현액·지출액이 같거나 이름이 비슷한 "
            f"사업이 없습니다 / no policy program of the department has its amounts or a similar name",
            actual=g.name, department=g.department, subject=g.name,
        )
