"""An outsider's measurement of the readers and rules.

Writes, from a seed, a settlement+performance report (결산 및 성과보고서) and the next year's
work plan (주요업무계획) of a fictional municipality, in layouts drawn at random per document
(many independent choices: headings, unit notes, column labels and orders, tree markers, grade
words, table totals, page furniture ...). Every printed identity holds by construction. Each
document comes with an answer key of key facts (entity, field, value in won, line) and a list
of fault sites: one printed cell changed, per class of identity or relation.

This file was written without reading the readers, the rules or the in-repo layout generator
(bench/layouts.py): it only uses the public API (``load_text``, ``check``) and the record
types of ``sijeong.model``.

    python bench/outsider.py --n 20 --seed 0 [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

# --------------------------------------------------------------------------- pools

CITIES = ["청하시", "운봉군", "서림시", "동해구", "미르시", "솔뫼군", "가람시", "새벌구", "한내시",
          "누리군", "별빛시", "달내구", "은결시", "나래군", "하늘시", "다온구"]
DEPTS = ["자치행정과", "문화체육과", "복지정책과", "환경보호과", "교통행정과", "세정과", "일자리경제과",
         "농업정책과", "건축과", "민원토지과", "감사담당관", "기획예산과", "보건행정과", "도시재생과",
         "공원녹지과", "안전총괄과"]
TOPICS = ["주민자치", "생활체육", "문화예술", "노인복지", "아동보육", "대기환경", "자원순환", "대중교통",
          "주차환경", "지방세정", "일자리창출", "소상공인", "친환경농업", "건축안전", "민원서비스",
          "청렴감사", "공원녹지", "도시재생", "건강증진", "관광홍보", "평생학습", "청년정책", "재난안전",
          "하천관리", "도로정비", "상수도", "산림보호", "여성가족", "장애인복지", "식품위생"]
POLICY_SUFFIX = ["활성화", "기반 조성", "역량 강화", "서비스 향상", "체계 구축"]
UNIT_SUFFIX = ["지원", "운영 관리", "환경 개선", "사업 추진", "인프라 확충"]
DETAIL_SUFFIX = ["운영", "지원사업", "시설 보수", "교육 추진", "홍보", "장비 구입", "위탁 운영", "평가"]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "지훈", "수빈", "현우", "지민", "도윤", "하은", "준서", "유진", "성호", "미경",
         "영수", "정희", "상철", "은지"]
TEAMS = ["행정", "기획", "지원", "정책", "관리", "운영", "사업", "협력"]
IND_KINDS = [("만족도", "점", False), ("참여자 수", "명", False), ("처리 건수", "건", False),
             ("추진율", "%", False), ("설치 개소", "개소", False), ("교육 횟수", "회", False),
             ("시군평가 순위", "위", True), ("점검 실적", "건", False)]

# revenue catalog: 장 → 관 → 항 → 목
REV_TREE = {
    ("200", "세외수입"): {
        ("210", "경상적세외수입"): {
            ("212", "사용료수입"): [("212-01", "도로사용료"), ("212-03", "시설사용료")],
            ("213", "수수료수입"): [("213-01", "증지수입"), ("213-02", "기타수수료")],
            ("216", "이자수입"): [("216-01", "공공예금이자수입"), ("216-06", "기타이자수입")],
        },
        ("220", "임시적세외수입"): {
            ("223", "부담금"): [("223-01", "일반부담금")],
            ("224", "기타수입"): [("224-01", "불용품매각대"), ("224-04", "과징금"), ("224-06", "그외수입")],
        },
    },
    ("500", "보조금"): {
        ("510", "국고보조금등"): {
            ("511", "국고보조금"): [("511-01", "국고보조금"), ("511-02", "국고보조금(광특)")],
        },
        ("520", "시·도비보조금등"): {
            ("521", "시·도비보조금"): [("521-01", "시·도비보조금")],
        },
    },
}

# --------------------------------------------------------------------------- records of the key


@dataclass
class Fact:
    kind: str  # revenue | program | indicator | policy_goal | plan_task | budget_item
    entity: str
    fld: str
    value: float | int
    line: int  # 1-based
    dept: str | None = None


@dataclass
class Site:
    cls: str
    line: int  # 1-based
    new_line: str
    what: str


@dataclass
class Doc:
    name: str
    family: str
    lines: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    choices: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# --------------------------------------------------------------------------- formatting


def comma(n: int) -> str:
    return f"{n:,}"


class Fmt:
    """Number formatting of one document (unit scale, negative sign)."""

    def __init__(self, scale: int, neg: str):
        self.scale, self.neg = scale, neg

    def money(self, won: int) -> str:
        assert won % self.scale == 0, (won, self.scale)
        return self.num(won // self.scale)

    def num(self, v: int) -> str:
        if v < 0:
            a = comma(-v)
            return {"△": "△" + a, "▲": "▲" + a, "-": "-" + a, "()": f"({a})"}[self.neg]
        return comma(v)


def pct(fr: Fraction, decimals: int, mode: str = "round") -> str:
    """A percentage of an exact fraction, rounded half-up or truncated."""
    q = Fraction(10 ** decimals)
    x = fr * 100 * q
    if mode == "trunc":
        n = x.numerator // x.denominator
    else:
        n = (x + Fraction(1, 2)).numerator // (x + Fraction(1, 2)).denominator
    s = str(n)
    if decimals:
        s = s.rjust(decimals + 1, "0")
        s = s[:-decimals] + "." + s[-decimals:]
    return s


def bump(v: int, rng: random.Random) -> int:
    """A plausible misprint of an integer: a digit changed."""
    if v == 0:
        return rng.choice([1, 10, 100])
    digits = len(str(abs(v)))
    k = rng.randrange(0, max(1, min(digits, 4)))
    d = 10 ** (digits - 1 - k) if digits > 1 else 1
    w = v + rng.choice([1, -1, 2]) * d
    if w <= 0 or w == v:
        w = v + d
    return w


class W:
    """A document writer: lines, facts, fault sites."""

    def __init__(self, doc: Doc, sep: str):
        self.doc, self.sep = doc, sep

    @property
    def n(self) -> int:  # the 1-based number of the next line
        return len(self.doc.lines) + 1

    def line(self, s: str = "") -> int:
        self.doc.lines.append(s)
        return len(self.doc.lines)

    def row(self, cells: list[str], faults: list[tuple[str, int, str, str]] = ()) -> int:
        """A table row; ``faults``: (class, cell index, new cell text, what)."""
        ln = self.line(self.sep.join(cells).rstrip() if self.doc.choices.get("trailing") == "strip"
                       else self.sep.join(cells))
        for cls, i, new, what in faults:
            c2 = list(cells)
            c2[i] = new
            self.doc.sites.append(Site(cls, ln, self.sep.join(c2), what))
        return ln

    def text_site(self, cls: str, ln: int, old: str, new: str, what: str) -> None:
        s = self.doc.lines[ln - 1]
        assert old in s, (old, s)
        self.doc.sites.append(Site(cls, ln, s.replace(old, new, 1), what))

    def fact(self, kind, entity, fld, value, ln, dept=None):
        self.doc.facts.append(Fact(kind, entity, fld, value, ln, dept))


def pick(rng: random.Random, doc: Doc, key: str, options: list):
    v = rng.choice(options)
    doc.choices[key] = str(v)
    return v


# --------------------------------------------------------------------------- model of a city


@dataclass
class Prog:
    name: str
    level: str  # policy | unit | detail
    children: list["Prog"] = field(default_factory=list)
    budget: int = 0
    carried: int = 0
    spent: int = 0
    carry: int = 0

    @property
    def current(self) -> int:
        return self.budget + self.carried

    @property
    def unspent(self) -> int:
        return self.current - self.spent - self.carry


@dataclass
class Ind:
    name: str
    unit: str
    lower: bool
    target: int | float
    actual: int | float
    goal: str


def rate_of(ind: Ind) -> Fraction:
    t, a = Fraction(str(ind.target)), Fraction(str(ind.actual))
    return t / a if ind.lower else a / t


def grade_of(r: Fraction) -> int:  # 2 exceeded, 1 achieved, 0 missed
    return 2 if r >= Fraction(13, 10) else 1 if r >= 1 else 0


class City:
    def __init__(self, rng: random.Random, year: int, quantum: int = 1000):
        self.rng, self.year, self.q = rng, year, max(quantum, 1000)
        self.name = rng.choice(CITIES)
        self.depts = rng.sample(DEPTS, rng.choice([1, 2, 2, 3]))
        topics = rng.sample(TOPICS, len(TOPICS))
        self.progs: dict[str, list[Prog]] = {}
        self.revs: dict[str, dict] = {}
        self.inds: dict[str, list[Ind]] = {}
        used: set[str] = set()
        for d in self.depts:
            pols = []
            for _ in range(rng.choice([1, 2, 2, 3])):
                t = topics.pop()
                pol = Prog(f"{t} {rng.choice(POLICY_SUFFIX)}", "policy")
                for _ in range(rng.choice([1, 2])):
                    u = Prog(f"{t} {rng.choice(UNIT_SUFFIX)}", "unit")
                    while u.name in used or u.name == pol.name:
                        u = Prog(f"{t} {rng.choice(UNIT_SUFFIX)}", "unit")
                    used.add(u.name)
                    for _ in range(rng.choice([1, 2, 3])):
                        nm = f"{t} {rng.choice(DETAIL_SUFFIX)}"
                        while nm in used:
                            nm = f"{t} {rng.choice(DETAIL_SUFFIX)}"
                        used.add(nm)
                        det = Prog(nm, "detail")
                        det.budget = rng.randrange(5, 900) * 1_000_000
                        det.carried = rng.choice([0, 0, 0, rng.randrange(1, 50) * 1_000_000])
                        det.spent = det.current - rng.randrange(0, det.current // 1_000_000 // 5 + 1) * 1_000_000
                        det.carry = 0 if rng.random() < 0.7 else (det.current - det.spent) // 2_000_000 * 1_000_000
                        u.children.append(det)
                    pol.children.append(u)
                for u in pol.children:
                    self._sum(u)
                self._sum(pol)
                pols.append(pol)
            self.progs[d] = pols
            inds = []
            for pol in pols:
                for _ in range(rng.choice([1, 2])):
                    kind, unit, lower = rng.choice(IND_KINDS)
                    nm = f"{pol.name.split()[0]} {kind}"
                    while nm in {i.name for i in inds}:
                        kind, unit, lower = rng.choice(IND_KINDS)
                        nm = f"{pol.name.split()[0]} {kind}"
                    inds.append(self._indicator(nm, unit, lower, pol.name))
            self.inds[d] = inds
            self.revs[d] = self._revenue()

    @staticmethod
    def _sum(p: Prog) -> None:
        for f in ("budget", "carried", "spent", "carry"):
            setattr(p, f, sum(getattr(c, f) for c in p.children))

    def _indicator(self, nm, unit, lower, goal) -> Ind:
        rng = self.rng
        while True:
            if lower:
                target = rng.randrange(2, 12)
                actual = max(1, target + rng.choice([-3, -2, -1, 0, 1, 2, 3]))
            elif unit == "%":
                target = rng.choice([80, 85, 90, 95, 100])
                actual = round(target * rng.uniform(0.6, 1.45), 1)
                if actual == int(actual):
                    actual = int(actual)
            elif unit == "점":
                target = rng.choice([70, 75, 80, 85, 90])
                actual = round(target * rng.uniform(0.8, 1.2), 1)
                if actual == int(actual):
                    actual = int(actual)
            else:
                target = rng.choice([10, 12, 20, 30, 50, 100, 150, 200, 500, 1200])
                actual = max(1, int(target * rng.uniform(0.5, 1.6)))
            ind = Ind(nm, unit, lower, target, actual, goal)
            r = rate_of(ind) * 100
            # keep clear of the grade thresholds so every rounding gives the same grade
            if abs(r - 100) < 1 or abs(r - 130) < 1:
                continue
            return ind

    def _revenue(self) -> dict:
        rng = self.rng
        out = {}
        jangs = rng.sample(list(REV_TREE), rng.choice([1, 2]))
        for jang in jangs:
            gwans = rng.sample(list(REV_TREE[jang]), rng.choice([1, len(REV_TREE[jang])]))
            jd = {}
            for gwan in gwans:
                hangs = rng.sample(list(REV_TREE[jang][gwan]), rng.choice([1, len(REV_TREE[jang][gwan])]))
                gd = {}
                for hang in hangs:
                    moks = REV_TREE[jang][gwan][hang]
                    moks = rng.sample(moks, rng.randrange(1, len(moks) + 1))
                    hd = {}
                    for mok in sorted(moks):
                        budget = rng.randrange(1, 3000) * 1_000_000
                        carried = rng.choice([0, 0, 0, rng.randrange(1, 100) * 1_000_000])
                        assessed = budget + carried + rng.randrange(-200, 400) * 1_000_000 // 10
                        q = self.q
                        assessed = max(assessed, 1_000_000) // q * q
                        written_off = 0 if rng.random() < 0.75 else rng.randrange(1, 50) * q
                        uncollected = 0 if rng.random() < 0.5 else rng.randrange(1, 9000) * q
                        uncollected = min(uncollected, assessed - written_off)
                        received = assessed - written_off - uncollected
                        hd[mok] = dict(budget=budget, carried=carried, assessed=assessed, received=received,
                                       written_off=written_off, uncollected=uncollected)
                    gd[hang] = hd
                jd[gwan] = gd
            out[jang] = jd
        return out


REV_FIELDS = ("budget", "carried", "current", "assessed", "received", "written_off", "uncollected")


def rev_rows(tree: dict) -> list[tuple[int, str, str, dict]]:
    """(level 1..4, code, name, values) in print order, parents summed."""
    rows = []

    def add(vals_list):
        out = {k: 0 for k in ("budget", "carried", "assessed", "received", "written_off", "uncollected")}
        for v in vals_list:
            for k in out:
                out[k] += v[k]
        return out

    def walk(node, level):
        res = []
        for key, sub in node.items():
            code, name = key
            if isinstance(sub, dict) and level < 4:
                inner = walk(sub, level + 1)
                vals = add([r[3] for r in inner if r[0] == level + 1])
                res.append((level, code, name, vals))
                res.extend(inner)
            else:
                # 항 with a list of 목
                pass
        return res

    def walk_hang(hd):
        res = []
        for (code, name), moks in sorted(hd.items()):
            inner = [(4, mc, mn, mv) for (mc, mn), mv in moks.items()]
            res.append((3, code, name, add([r[3] for r in inner])))
            res.extend(inner)
        return res

    for (jc, jn), jd in sorted(tree.items()):
        gw = []
        for (gc, gn), gd in sorted(jd.items()):
            inner = walk_hang(gd)
            gw.append((2, gc, gn, add([r[3] for r in inner if r[0] == 3])))
            gw.extend(inner)
        rows.append((1, jc, jn, add([r[3] for r in gw if r[0] == 2])))
        rows.extend(gw)
    for r in rows:
        r[3]["current"] = r[3]["budget"] + r[3]["carried"]
    return rows


def rev_total(tree: dict) -> dict:
    rows = rev_rows(tree)
    out = {k: sum(r[3][k] for r in rows if r[0] == 1) for k in REV_FIELDS}
    return out


# --------------------------------------------------------------------------- the report


GRADE_STYLES = {
    "symbol": ("◎", "○", "×", "※ ◎ : 초과달성(130% 이상), ○ : 달성(100~130% 미만), × : 미달성(100% 미만)"),
    "dots": ("●", "◐", "○", "※ ● 초과달성(130% 이상)  ◐ 달성(100% 이상 130% 미만)  ○ 미달성(100% 미만)"),
    "words": ("초과달성", "달성", "미달성", None),
    "words2": ("우수", "달성", "미달", "※ 평가기준 : 우수(130% 이상), 달성(100% 이상), 미달(100% 미만)"),
    "words3": ("초과", "달성", "미달성", None),
}


def section_title(style: str, i: int, text: str) -> str:
    roman = "ⅠⅡⅢⅣⅤⅥⅦ"[i - 1]
    return {"roman": f"{roman}. {text}", "jang": f"제{i}장 {text}", "num": f"{i}. {text}",
            "bracket": f"【{text}】", "roman_sp": f"{roman}  {text}"}[style]


def dept_mark(style: str, dept: str, account: str | None) -> str:
    acc = account or "일반회계"
    return {"lenticular": f"【{acc}】 【{dept}】", "square": f"[{acc}] [{dept}]",
            "angle": f"< {acc} / {dept} >", "label": f"○ 회계 : {acc}    ○ 부서 : {dept}",
            "block": f"■ {dept} ({acc})"}[style]


def unit_note(style: str, unit: str) -> str:
    if style == "money" and "," in unit:
        style = "paren"
    return {"paren": f"(단위: {unit})", "bracket": f"[단위: {unit}]", "angle": f"<단위 : {unit}>",
            "money": f"(금액단위 : {unit})", "right": f"{'':>40}(단위 : {unit})",
            "guillemet": f"‹단위: {unit}›"}[style]


def furniture(w: W, rng: random.Random, style: str, title: str, page: list[int]) -> None:
    if style == "none":
        return
    page[0] += 1
    p = page[0]
    w.line()
    w.line({"dash": f"- {p} -", "slash": f"{p} / 120", "title": f"{title}    {p}",
            "bar": f"{p} | {title}"}[style])
    w.line()


def write_report(rng: random.Random, city: City, name: str, scale_name: str) -> Doc:
    doc = Doc(name=name, family="settlement_report")
    sep = "\t"
    w = W(doc, sep)
    Y = city.year
    yr = pick(rng, doc, "year_style", ["회계연도", "년도", "FY", "년"])
    ystr = {"회계연도": f"{Y}회계연도", "년도": f"{Y}년도", "FY": f"FY{Y}", "년": f"{Y}년"}[yr]
    title = pick(rng, doc, "report_title", ["결산 및 성과보고서", "세입세출 결산서 및 성과보고서",
                                            "결산서(성과보고서 포함)", "결산 성과보고서"])
    sect = pick(rng, doc, "section_style", ["roman", "jang", "num", "bracket", "roman_sp"])
    dmark = pick(rng, doc, "dept_mark", ["lenticular", "square", "angle", "label", "block"])
    ustyle = pick(rng, doc, "unit_note", ["paren", "bracket", "angle", "money", "right", "guillemet"])
    doc.choices["money_unit"] = scale_name
    scale = {"원": 1, "천원": 1000, "백만원": 1_000_000}[scale_name]
    neg = pick(rng, doc, "negative", ["△", "▲", "-", "()"])
    fmt = Fmt(scale, neg)
    furn = pick(rng, doc, "furniture", ["none", "dash", "slash", "title", "bar"])
    toc = pick(rng, doc, "toc", ["none", "dots", "middots"])
    rev_codes = pick(rng, doc, "rev_code_style", ["joined", "split", "joined", "name_paren"])
    rev_order = pick(rng, doc, "rev_order", ["std", "uncollected_first", "no_carried", "received_before_assessed"])
    rev_header = pick(rng, doc, "rev_header", ["single", "grouped", "spaced"])
    rev_rate = pick(rng, doc, "rev_rate_col", ["none", "수납률"])
    total_pos = pick(rng, doc, "total_row", ["first_dept", "first_계", "last_합계", "first_합 계"])
    prog_heading = pick(rng, doc, "prog_heading", ["사업별조서", "사업별 결산", "세출결산 사업별 내역",
                                                    "세출 결산 명세", "정책사업별 세출결산"])
    rev_heading = pick(rng, doc, "rev_heading", ["세입결산", "세입 결산 내역", "세입예산 결산서", "세입결산 총괄"])
    tree = pick(rng, doc, "prog_tree", ["level_col", "symbols_■□-", "symbols_▣○·", "indent", "name_tag"])
    prog_order = pick(rng, doc, "prog_order", ["std", "spent_before_current", "unspent_before_carry", "no_carried"])
    prog_rate = pick(rng, doc, "prog_rate_col", ["none", "집행률"])
    ind_layout = pick(rng, doc, "ind_layout", ["row", "row", "block3", "row_unit_col"])
    ind_labels = pick(rng, doc, "ind_labels", ["목표/실적/달성률", "목표치/실적치/달성도(%)",
                                                "'YY목표/'YY실적/달성율", "목표값/측정값/달성률(%)"])
    grade_style = pick(rng, doc, "grade_style", list(GRADE_STYLES))
    rate_fmt = pick(rng, doc, "rate_format", ["int%", "1dec%", "1dec", "int", "trunc%"])
    summary_layout = pick(rng, doc, "summary_layout", ["grouped", "flat", "flat_words"])
    page = [0]
    yy = str(Y)[2:]

    def money(v):
        return fmt.money(v)

    def ratestr(fr: Fraction) -> str:
        if rate_fmt == "int%":
            return pct(fr, 0) + "%"
        if rate_fmt == "1dec%":
            return pct(fr, 1) + "%"
        if rate_fmt == "1dec":
            return pct(fr, 1)
        if rate_fmt == "int":
            return pct(fr, 0)
        return pct(fr, 0, "trunc") + "%"

    # ---------------------------------------------------------------- cover
    w.line()
    w.line(f"{ystr} {title}" if rng.random() < 0.5 else ystr)
    if not w.doc.lines[-1].endswith(title):
        w.line(title)
    w.line()
    w.line(city.name)
    w.line()
    sections = [rev_heading, "세출결산", "성과보고"]
    if toc != "none":
        w.line("목  차" if rng.random() < 0.5 else "차 례")
        w.line()
        for i, s in enumerate(sections, 1):
            lead = "·" * rng.randrange(8, 30) if toc == "middots" else "." * rng.randrange(8, 30)
            w.line(f"{section_title(sect, i, s)} {lead} {i * 7 - 4}")
            for d in city.depts:
                lead = "·" * rng.randrange(8, 30) if toc == "middots" else "." * rng.randrange(8, 30)
                w.line(f"   {d} {lead} {i * 7 - 3}")
        w.line()
    # ---------------------------------------------------------------- revenue
    w.line(section_title(sect, 1, rev_heading))
    w.line()
    rev_cols = ["budget", "carried", "current", "assessed", "received", "written_off", "uncollected"]
    if rev_order == "uncollected_first":
        rev_cols = ["budget", "carried", "current", "assessed", "received", "uncollected", "written_off"]
    elif rev_order == "no_carried":
        rev_cols = ["budget", "assessed", "received", "written_off", "uncollected"]
    elif rev_order == "received_before_assessed":
        rev_cols = ["budget", "carried", "current", "received", "assessed", "written_off", "uncollected"]
    labels = {
        "budget": rng.choice(["예산액", "예산액(A)", "예 산 액", "세입예산액"]),
        "carried": rng.choice(["전년도이월액", "전년도 이월액", "이월액"]),
        "current": rng.choice(["예산현액", "예산현액(A+B)", "예 산 현 액"]),
        "assessed": rng.choice(["징수결정액", "징수결정액", "징수정액", "조정액(징수결정)"]),
        "received": rng.choice(["수납액", "실제수납액", "수 납 액", "수납액(C)"]),
        "written_off": rng.choice(["불납결손액", "결손처분액", "불납결손"]),
        "uncollected": rng.choice(["미수납액", "미수납액(B-C-D)", "미 수 납 액", "미수액"]),
    }
    for d in city.depts:
        rows = rev_rows(city.revs[d])
        tot = rev_total(city.revs[d])
        w.line(dept_mark(dmark, d, "일반회계"))
        w.line()
        w.line(unit_note(ustyle, scale_name))
        code_cols = ["과목코드", "과목명"] if rev_codes == "split" else [rng.choice(["과목", "과 목", "과목(장-관-항-목)"])]
        vcols = [labels[c] for c in rev_cols] + (["수납률(%)"] if rev_rate != "none" else [])
        if rev_header == "grouped":
            groups = {"budget": "예산", "carried": "예산", "current": "예산", "assessed": "징수결정",
                      "received": "수납", "written_off": "결손 및 미수납", "uncollected": "결손 및 미수납"}
            top = [code_cols[0]] + [""] * (len(code_cols) - 1)
            sub = [""] * len(code_cols)
            prev = None
            for c in rev_cols:
                top.append(groups[c] if groups[c] != prev else "")
                prev = groups[c]
                sub.append(labels[c])
            if rev_rate != "none":
                top.append("수납률")
                sub.append("(%)")
            w.row(top)
            w.row(sub)
        elif rev_header == "spaced":
            w.row(code_cols + [" ".join(v.replace(" ", "")) if len(v) <= 5 else v for v in vcols])
        else:
            w.row(code_cols + vcols)

        def rcells(label_cells, vals):
            cells = list(label_cells)
            for c in rev_cols:
                cells.append(money(vals[c]))
            if rev_rate != "none":
                cells.append(pct(Fraction(vals["received"], vals["assessed"]), 1) if vals["assessed"] else "-")
            return cells

        def col(c):
            return len(code_cols) + rev_cols.index(c)

        def emit_total(label):
            cells = rcells([label] + [""] * (len(code_cols) - 1), tot)
            f = []
            for c in ("budget", "received", "assessed"):
                f.append(("S.rev.total_row", col(c), money(bump(tot[c] // scale, rng) * scale), f"{label} {c}"))
            ln = w.row(cells, f)
            for c in ("budget", "assessed", "received", "uncollected"):
                w.fact("revenue_total", d, c, tot[c], ln, d)

        if total_pos.startswith("first"):
            emit_total({"first_dept": d, "first_계": "계", "first_합 계": "합 계"}[total_pos])
        for level, code, nm, vals in rows:
            if rev_codes == "split":
                lab = [code, nm]
            elif rev_codes == "name_paren":
                lab = [f"{nm}({code})"]
            else:
                lab = [f"{code} {nm}"]
            cells = rcells(lab, vals)
            f = []
            if level == 4:
                f.append(("S.rev.identity", col("uncollected"),
                          money(bump(vals["uncollected"] // scale, rng) * scale), f"{code} 미수납액"))
                f.append(("S.rev.identity", col("received"),
                          money(bump(vals["received"] // scale, rng) * scale), f"{code} 수납액"))
                if "current" in rev_cols:
                    f.append(("S.rev.current", col("current"),
                              money(bump(vals["current"] // scale, rng) * scale), f"{code} 예산현액"))
                if rev_rate != "none" and vals["assessed"]:
                    r = Fraction(vals["received"], vals["assessed"])
                    f.append(("S.rev.rate_col", len(cells) - 1, pct(r * Fraction(rng.choice([97, 103]), 100), 1),
                              f"{code} 수납률"))
            else:
                f.append(("S.rev.tree", col("budget"), money(bump(vals["budget"] // scale, rng) * scale),
                          f"{code} 예산액 (parent)"))
                f.append(("S.rev.tree", col("assessed"), money(bump(vals["assessed"] // scale, rng) * scale),
                          f"{code} 징수결정액 (parent)"))
            ln = w.row(cells, f)
            for c in ("budget", "assessed", "received", "written_off", "uncollected"):
                w.fact("revenue", code, c, vals[c], ln, d)
        if total_pos.startswith("last"):
            emit_total("합 계" if rng.random() < 0.5 else "합계")
        w.line()
        furniture(w, rng, furn, f"{ystr} {title}", page)
    # ---------------------------------------------------------------- expenditure by program
    w.line(section_title(sect, 2, "세출결산"))
    w.line()
    pcols = ["budget", "carried", "current", "spent", "carry", "unspent"]
    if prog_order == "spent_before_current":
        pcols = ["budget", "carried", "spent", "current", "carry", "unspent"]
    elif prog_order == "unspent_before_carry":
        pcols = ["budget", "carried", "current", "spent", "unspent", "carry"]
    elif prog_order == "no_carried":
        pcols = ["budget", "current", "spent", "carry", "unspent"]
    plabels = {
        "budget": rng.choice(["예산액", "예산액(A)", "본예산", "예 산 액"]),
        "carried": rng.choice(["전년도이월액", "전년도 이월", "이월액(전년)"]),
        "current": rng.choice(["예산현액", "예산현액(C)", "예 산 현 액"]),
        "spent": rng.choice(["지출액", "결산액", "집행액(지출)", "지 출 액"]),
        "carry": rng.choice(["다음연도이월액", "이월액", "명시·사고이월", "차년도 이월액"]),
        "unspent": rng.choice(["집행잔액", "불용액(집행잔액)", "집 행 잔 액", "잔액"]),
    }
    marks = {"symbols_■□-": ("■", "□", "-"), "symbols_▣○·": ("▣", "○", "·")}
    for d in city.depts:
        pols = city.progs[d]
        w.line(dept_mark(dmark, d, "일반회계"))
        w.line()
        w.line(f"- {prog_heading}" if rng.random() < 0.5 else f"◇ {prog_heading}")
        w.line(unit_note(ustyle, scale_name))
        head = ["구분"] if tree == "level_col" else []
        head += [rng.choice(["사업명", "과목(정책-단위-세부사업)", "정책사업/단위사업/세부사업", "사 업 명"])]
        head += [plabels[c] for c in pcols] + (["집행률(%)"] if prog_rate != "none" else [])
        w.row(head)
        nlab = 2 if tree == "level_col" else 1

        def pvals(p):
            return {"budget": p.budget, "carried": p.carried, "current": p.current, "spent": p.spent,
                    "carry": p.carry, "unspent": p.unspent}

        def pcells(lab, v):
            cells = list(lab) + [money(v[c]) for c in pcols]
            if prog_rate != "none":
                cells.append(pct(Fraction(v["spent"], v["current"]), 1) if v["current"] else "-")
            return cells

        tot = {c: sum(pvals(p)[c] for p in pols) for c in ("budget", "carried", "current", "spent", "carry", "unspent")}
        tlabel = rng.choice(["합계", "계", d, "총 계"])
        lab = (["", tlabel] if tree == "level_col" else [tlabel])
        f = [("S.prog.total_row", nlab + pcols.index("budget"), money(bump(tot["budget"] // scale, rng) * scale),
              "부서 합계 예산액"),
             ("S.prog.total_row", nlab + pcols.index("spent"), money(bump(tot["spent"] // scale, rng) * scale),
              "부서 합계 지출액")]
        ln = w.row(pcells(lab, tot), f)
        for c in ("budget", "current", "spent"):
            w.fact("program_total", d, c, tot[c], ln, d)

        def emit(p: Prog, depth: int):
            lvl = {"policy": 0, "unit": 1, "detail": 2}[p.level]
            if tree == "level_col":
                lab = [{"policy": "정책", "unit": "단위", "detail": "세부"}[p.level], p.name]
            elif tree in marks:
                lab = [f"{marks[tree][lvl]} {p.name}"]
            elif tree == "indent":
                lab = ["　" * lvl + p.name]
            else:
                lab = [f"[{ {'policy': '정책', 'unit': '단위', 'detail': '세부'}[p.level] }] {p.name}"]
            v = pvals(p)
            f = []
            if p.level == "detail":
                f.append(("S.prog.identity", nlab + pcols.index("unspent"),
                          money(bump(v["unspent"] // scale, rng) * scale), f"{p.name} 집행잔액"))
                f.append(("S.prog.identity", nlab + pcols.index("spent"),
                          money(bump(v["spent"] // scale, rng) * scale), f"{p.name} 지출액"))
                if prog_rate != "none" and v["current"]:
                    r = Fraction(v["spent"], v["current"]) * Fraction(rng.choice([95, 90]), 100)
                    f.append(("S.prog.rate_col", len(lab) + len(pcols), pct(r, 1), f"{p.name} 집행률"))
            else:
                f.append(("S.prog.tree", nlab + pcols.index("budget"), money(bump(v["budget"] // scale, rng) * scale),
                          f"{p.name} 예산액 ({p.level})"))
            ln = w.row(pcells(lab, v), f)
            for c in ("budget", "current", "spent", "carry", "unspent"):
                w.fact("program", p.name, c, v[c], ln, d)
            for c in p.children:
                emit(c, depth + 1)

        for pol in pols:
            emit(pol, 0)
        w.line()
        furniture(w, rng, furn, f"{ystr} {title}", page)
    # ---------------------------------------------------------------- performance
    w.line(section_title(sect, 3, "성과보고"))
    w.line()
    gs = GRADE_STYLES[grade_style]
    # 총괄
    w.line(rng.choice(["가. 총괄", "1. 부서별 성과목표 총괄", "□ 성과 총괄표", "◆ 총괄"]))
    w.line(unit_note(ustyle, f"개, {scale_name}"))
    gw = [gs[0], gs[1], gs[2]] if summary_layout == "flat" else ["초과달성", "달성", "미달성"]
    if summary_layout == "grouped":
        w.row(["부서명", "정책사업목표", "성과지표", "성과달성도", "", "", "결산액"])
        w.row(["", "(개)", "(개)"] + gw + [""])
    else:
        w.row(["부서명", "정책사업목표수", "지표수"] + [f"{g}" for g in gw] + ["결산액"])

    def counts(d):
        c = [0, 0, 0]
        for i in city.inds[d]:
            c[grade_of(rate_of(i))] += 1
        return c[2], c[1], c[0]

    dept_rows = []
    for d in city.depts:
        ex, ac, mi = counts(d)
        dept_rows.append((d, len(city.progs[d]), len(city.inds[d]), ex, ac, mi,
                          sum(p.spent for p in city.progs[d])))
    if len(city.depts) > 1:
        t = ["계"] + [sum(r[i] for r in dept_rows) for i in range(1, 7)]
        cells = [t[0]] + [str(x) for x in t[1:6]] + [money(t[6])]
        w.row(cells, [("S.summary.total_row", 6, money(bump(t[6] // scale, rng) * scale), "총괄 계 결산액"),
                      ("S.summary.total_row", 2, str(t[2] + 1), "총괄 계 지표수")])
    for r in dept_rows:
        cells = [r[0]] + [str(x) for x in r[1:6]] + [money(r[6])]
        f = [("S.summary.counts", 4, str(r[4] + 1), f"{r[0]} 달성 수")]
        if r[3] + r[4] + r[5] == r[2]:
            f.append(("S.summary.counts", 2, str(r[2] + 1), f"{r[0]} 지표수"))
        w.row(cells, f)
    if gs[3]:
        w.line(gs[3])
    w.line()
    for d in city.depts:
        pols = city.progs[d]
        inds = city.inds[d]
        w.line(dept_mark(dmark, d, "일반회계"))
        w.line()
        # narrative with a breakdown and a restated fact
        w.line(rng.choice(["1. 주요성과", "□ 주요 추진성과", "◈ 주요성과"]))
        a, b, c = rng.randrange(20, 400), rng.randrange(20, 400), rng.randrange(1, 80)
        kind = rng.choice([("건", "민원 처리", ("방문", "온라인", "전화")),
                           ("명", "교육 참여", ("주민", "공무원", "학생")),
                           ("건", "지도점검", ("시정", "주의", "통보"))])
        ln = w.line(f"- {kind[1]} 총 {comma(a + b + c)}{kind[0]}({kind[2][0]} {comma(a)}, {kind[2][1]} {comma(b)}, "
                    f"{kind[2][2]} {comma(c)})")
        w.text_site("S.text.breakdown", ln, f"총 {comma(a + b + c)}", f"총 {comma(a + b + c + rng.choice([10, 1, 100]))}",
                    "running-text total")
        members = rng.randrange(3, 15)
        ex_officio = rng.randrange(1, 6)
        ln = w.line(f"- {rng.choice(TOPICS)}위원회 운영 : 위원 {members + ex_officio}명(위촉직 {members}, 당연직 {ex_officio}), "
                    f"회의 {rng.randrange(2, 9)}회 개최")
        w.text_site("S.text.breakdown", ln, f"위원 {members + ex_officio}명", f"위원 {members + ex_officio + 2}명",
                    "committee members total")
        pol0 = pols[0]
        spent_txt = fmt.money(pol0.spent) + scale_name
        ln = w.line(f"- {pol0.name} 분야에 {spent_txt}을 집행하여 사업 추진")
        w.text_site("S.text.table", ln, spent_txt, fmt.money(bump(pol0.spent // scale, rng) * scale) + scale_name,
                    "policy program spent restated in text")
        w.line()
        # policy goals
        w.line(rng.choice(["< 정책사업목표 현황 >", "2. 정책사업목표", "□ 정책사업목표별 결산"]))
        w.line(unit_note(ustyle, f"개, {scale_name}"))
        w.row(["정책사업목표", "성과지표수", "달성지표수", "예산현액", "결산액"])
        for pol in pols:
            gi = [i for i in inds if i.goal == pol.name]
            ach = sum(1 for i in gi if grade_of(rate_of(i)) >= 1)
            ln = w.row([pol.name, str(len(gi)), str(ach), money(pol.current), money(pol.spent)],
                       [("S.goal.vs_program", 4, money(bump(pol.spent // scale, rng) * scale), f"{pol.name} 결산액"),
                        ("S.goal.counts", 2, str(ach + 1 if ach < len(gi) else ach - 1), f"{pol.name} 달성지표수")])
            w.fact("policy_goal", pol.name, "settled", pol.spent, ln, d)
            w.fact("policy_goal", pol.name, "indicator_count", len(gi), ln, d)
        w.line()
        # indicators
        w.line(rng.choice(["3. 성과지표 달성현황", "(2) 성과지표 달성현황", "□ 성과지표별 실적", "◎ 성과지표 측정결과"]))
        lt, la, lr = [s.replace("YY", yy) for s in ind_labels.split("/")]
        if ind_layout == "block3":
            w.row(["성과지표(단위)", "측정산식", "구분", f"'{int(yy) - 1}년", f"'{yy}년", "평가"])
            for i in inds:
                r = rate_of(i)
                g = gs[2 - grade_of(r)]
                prev_t = i.target
                prev_a = i.actual
                ln1 = w.row([f"{i.name}({i.unit})", rng.choice(["실적/목표×100", "측정 결과", "(실적÷목표)*100"]),
                             lt, str(prev_t), str(i.target), g],
                            [("S.ind.grade", 5, gs[2 - ((grade_of(r) + 1) % 3)], f"{i.name} grade")])
                ln2 = w.row(["", "", la, str(prev_a), str(i.actual), ""],
                            [("S.ind.actual", 4, str(bump_num(i.actual, rng)), f"{i.name} 실적")])
                ln3 = w.row(["", "", lr, ratestr(rate_of(i)), ratestr(r), ""],
                            [("S.ind.rate", 4, ratestr(r + Fraction(rng.choice([7, 12, -9]), 100)), f"{i.name} 달성률")])
                w.fact("indicator", i.name, "target", i.target, ln1, d)
                w.fact("indicator", i.name, "actual", i.actual, ln2, d)
                w.fact("indicator", i.name, "rate", float(ratestr(r).rstrip("%")), ln3, d)
                w.fact("indicator", i.name, "grade", 2 - grade_of(r), ln1, d)
        else:
            unitcol = ind_layout == "row_unit_col"
            hdr = ["정책사업목표", "성과지표"] + (["단위"] if unitcol else []) + [lt, la, lr, rng.choice(["평가", "달성도", "성과달성도"])]
            w.row(hdr)
            cur_goal = None
            for i in inds:
                r = rate_of(i)
                g = gs[2 - grade_of(r)]
                goal_cell = i.goal if i.goal != cur_goal else ""
                cur_goal = i.goal
                nm = i.name if unitcol else f"{i.name}({i.unit})"
                cells = [goal_cell, nm] + ([i.unit] if unitcol else []) + [str(i.target), str(i.actual), ratestr(r), g]
                k = 2 + (1 if unitcol else 0)
                ln = w.row(cells, [("S.ind.rate", k + 2, ratestr(r + Fraction(rng.choice([7, 12, -9]), 100)), f"{i.name} 달성률"),
                                   ("S.ind.grade", k + 3, gs[2 - ((grade_of(r) + 1) % 3)], f"{i.name} grade"),
                                   ("S.ind.actual", k + 1, str(bump_num(i.actual, rng)), f"{i.name} 실적")])
                w.fact("indicator", i.name, "target", i.target, ln, d)
                w.fact("indicator", i.name, "actual", i.actual, ln, d)
                w.fact("indicator", i.name, "rate", float(ratestr(r).rstrip("%")), ln, d)
                w.fact("indicator", i.name, "grade", 2 - grade_of(r), ln, d)
        if gs[3] and rng.random() < 0.5:
            w.line(gs[3])
        w.line()
        # 결산현황 with shares and change
        w.line(rng.choice(["4. 결산현황", "□ 결산 현황", "(3) 부서 결산현황"]))
        w.line(unit_note(ustyle, f"{scale_name}, %"))
        pol_sum = sum(p.spent for p in pols)
        adm = rng.randrange(10, 900) * 1_000_000
        fin = rng.choice([0, rng.randrange(1, 90) * 1_000_000])
        cur = [("정책사업", pol_sum), ("행정운영경비", adm), ("재무활동", fin)]
        prev = [(k, max(0, v + rng.randrange(-30, 30) * 1_000_000) if v else 0) for k, v in cur]
        tot_c, tot_p = sum(v for _, v in cur), sum(v for _, v in prev)
        w.row(["구분", "결산액", "구성비", "전년도 결산액", "증감액", "증감률"])
        rows_ = [("계", tot_c, tot_p)] + [(k, v, pv) for (k, v), (_, pv) in zip(cur, prev)]
        for k, v, pv in rows_:
            share = pct(Fraction(v, tot_c), 2) + "%" if tot_c else "-"
            ch = v - pv
            rate_txt = "-" if not pv else neg_prefix(neg, ch) + pct(Fraction(abs(ch), pv), 2) + "%" + neg_suffix(neg, ch)
            cells = [k, money(v), share, money(pv), money(ch), rate_txt]
            f = []
            if k != "계":
                if tot_c:
                    f.append(("S.settle.share", 2, pct(Fraction(v, tot_c) + Fraction(3, 100), 2) + "%", f"{k} 구성비"))
                f.append(("S.settle.change", 4, money(bump(abs(ch) // scale + 1, rng) * scale * (1 if ch >= 0 else -1)),
                          f"{k} 증감액"))
                if pv:
                    f.append(("S.settle.change_rate", 5, pct(Fraction(abs(ch), pv) + Fraction(5, 100), 2) + "%",
                              f"{k} 증감률"))
            else:
                f.append(("S.settle.total_row", 1, money(bump(v // scale, rng) * scale), "결산현황 계"))
            w.row(cells, f)
        w.line()
        furniture(w, rng, furn, f"{ystr} {title}", page)
    return doc


def neg_prefix(neg: str, v: int) -> str:
    if v >= 0:
        return ""
    return {"△": "△", "▲": "▲", "-": "-", "()": "("}[neg]


def neg_suffix(neg: str, v: int) -> str:
    return ")" if v < 0 and neg == "()" else ""


def bump_num(v, rng):
    if isinstance(v, float):
        return round(v + rng.choice([3.5, -4.2, 11.0]), 1)
    return bump(v, rng)


# --------------------------------------------------------------------------- the plan


def eok(won: int) -> str:
    """5억원, 1억 5천만원, 3천만원."""
    e, r = divmod(won, 100_000_000)
    c = r // 10_000_000
    parts = []
    if e:
        parts.append(f"{comma(e)}억")
    if c:
        parts.append(f"{c}천만")
    return " ".join(parts) + "원"


def write_plan(rng: random.Random, city: City, name: str, report_facts: list[Fact]) -> Doc:
    doc = Doc(name=name, family="work_plan")
    w = W(doc, "\t")
    Y = city.year + 1
    title = pick(rng, doc, "plan_title", [f"{Y}년 주요업무계획", f"{Y}년도 주요업무 추진계획", f"{Y} 업무계획",
                                          f"{Y}년 주요 시정계획", f"{Y}년도 업무보고"])
    task_h = pick(rng, doc, "task_heading", ["num_dot", "zero2", "bracket", "lenticular", "bare", "roman_sub"])
    obj_mark = pick(rng, doc, "objective_marker", ["❖", "◈", "◆", "※ 목표 :"])
    sec_mark = pick(rng, doc, "section_marker", ["□", "■", "○", "◆"])
    budget_style = pick(rng, doc, "task_budget", ["baekman_split", "cheon_split", "eok_split", "multi_year", "won"])
    people = pick(rng, doc, "people", ["tab_row", "phone_☎", "phone_☏", "naeseon", "block"])
    unit_s = pick(rng, doc, "plan_unit_note", ["paren", "bracket", "angle", "money", "guillemet"])
    tot_label = pick(rng, doc, "plan_total_label", ["계", "합계", "총계", "예산총액", "합 계", "총 계"])
    tot_pos = pick(rng, doc, "plan_total_pos", ["first", "last"])
    tscale_name = pick(rng, doc, "plan_money_unit", ["백만원", "천원", "원"])
    tscale = {"원": 1, "천원": 1000, "백만원": 1_000_000}[tscale_name]
    shares = pick(rng, doc, "shares", ["paren_cell", "none", "share_col"])
    toc = pick(rng, doc, "plan_toc", ["none", "dots", "middots"])
    furn = pick(rng, doc, "plan_furniture", ["none", "dash", "title"])
    count_units = pick(rng, doc, "count_units", ["개소", "대", "그루", "필지", "척", "가구", "세대", "톤", "권", "편"])
    fmt = Fmt(tscale, pick(rng, doc, "plan_negative", ["△", "▲", "-"]))
    money = fmt.money
    page = [0]

    def taskhead(i: int, t: str) -> str:
        return {"num_dot": f"{i}. {t}", "zero2": f"{i:02d}  {t}", "bracket": f"[{i}] {t}",
                "lenticular": f"【과제 {i}】 {t}", "bare": f"{i} {t}", "roman_sub": f"Ⅱ-{i}. {t}"}[task_h]

    def unote(u):
        return unit_note(unit_s, u)

    def person():
        return rng.choice(SURNAMES) + rng.choice(GIVEN)

    w.line()
    w.line(f"- {Y}년도 -" if rng.random() < 0.5 else "")
    w.line(title)
    w.line()
    w.line(city.name)
    w.line()
    # tasks per department; collect a table of contents first
    plans = {}
    used_titles = set()
    for d in city.depts:
        ts = []
        for k in range(rng.choice([2, 3, 3, 4])):
            t = f"{rng.choice(TOPICS)} {rng.choice(['기반 강화', '사업 추진', '서비스 확대', '체계 고도화', '환경 조성'])}"
            while t in used_titles:
                t = f"{rng.choice(TOPICS)} {rng.choice(['기반 강화', '사업 추진', '서비스 확대', '체계 고도화', '환경 조성'])}"
            used_titles.add(t)
            nat = rng.choice([0, rng.randrange(1, 400)])
            prov = rng.choice([0, rng.randrange(1, 200)])
            cit = rng.randrange(10, 2000)
            ts.append((t, nat * 1_000_000, prov * 1_000_000, cit * 1_000_000))
        plans[d] = ts
    if toc != "none":
        w.line("목  차" if rng.random() < 0.5 else "순 서")
        w.line()
        p = 3
        for d in city.depts:
            lead = ("·" if toc == "middots" else ".") * rng.randrange(10, 30)
            w.line(f"{city.depts.index(d) + 1}. {d} {lead} {p}")
            for i, (t, *_r) in enumerate(plans[d], 1):
                lead = ("·" if toc == "middots" else ".") * rng.randrange(10, 30)
                w.line(f"  {taskhead(i, t)} {lead} {p + i}")
            p += 6
        w.line()
    for di, d in enumerate(city.depts):
        w.line(f"{d}" if rng.random() < 0.5 else f"【{d}】")
        w.line()
        # ------------------------------------------------ general status tables
        w.line(f"{sec_mark} {rng.choice(['일반현황', '부서 현황', '예산 현황'])}")
        w.line()
        # one-row table: 계 first then parts
        w.line(f"○ {Y}년 예산 규모")
        w.line(unote(tscale_name))
        parts = [("일반회계", rng.randrange(100, 90000)), ("특별회계", rng.randrange(0, 9000)),
                 ("기금", rng.randrange(0, 3000))]
        parts = [(k, v * 1_000_000) for k, v in parts]
        total = sum(v for _, v in parts)
        w.row(["계"] + [k for k, _ in parts])
        ln = w.row([money(total)] + [money(v) for _, v in parts],
                   [("P.one_row", 0, money(bump(total // tscale, rng) * tscale), "one-row 계")])
        w.fact("plan_total", d, "budget", total, ln, d)
        w.line()
        # budget table of projects with grouped header, shares, a total row
        w.line(f"○ 주요사업 예산현황")
        w.line(unote(tscale_name))
        projs = []
        for _ in range(rng.randrange(3, 6)):
            nm = f"{rng.choice(TOPICS)} {rng.choice(['센터 건립', '시설 개선', '지원사업', '정비사업', '설치사업', '조성사업'])}"
            while nm in {p[0] for p in projs}:
                nm = f"{rng.choice(TOPICS)} {rng.choice(['센터 건립', '시설 개선', '지원사업', '정비사업', '설치사업', '조성사업'])}"
            projs.append((nm, rng.choice([0, rng.randrange(10, 900)]) * 1_000_000,
                          rng.choice([0, rng.randrange(10, 400)]) * 1_000_000, rng.randrange(10, 2000) * 1_000_000))
        T = [sum(p[i] for p in projs) for i in (1, 2, 3)]
        G = sum(T)
        hdr_grouped = rng.random() < 0.6
        if hdr_grouped:
            w.row(["사업명", "사업비", "", "", "", "비고"] if shares != "share_col" else
                  ["사업명", "사업비", "", "", "", "구성비", "비고"])
            w.row(["", "계", "국비", "도비", "시비", ""] if shares != "share_col" else ["", "계", "국비", "도비", "시비", "(%)", ""])
        else:
            w.row(["사업명", "총사업비", "국비", "도비", "시비"] + (["구성비(%)"] if shares == "share_col" else []) + ["비고"])

        def bcells(nm, vals, tot, note):
            s = sum(vals)
            c0 = money(s)
            if shares == "paren_cell":
                c0 = f"{c0} ({pct(Fraction(s, G), 1)}%)"
            cells = [nm, c0] + [money(v) if v else "-" for v in vals]
            if shares == "share_col":
                cells.append(pct(Fraction(s, G), 1))
            cells.append(note)
            return cells

        def emit_btotal():
            cells = bcells(tot_label, T, True, "")
            f = [("P.total_row", 1, money(bump(G // tscale, rng) * tscale) + (f" ({pct(Fraction(1), 1)}%)" if shares == "paren_cell" else ""),
                  "budget table total 계"),
                 ("P.total_row", 4, money(bump(T[2] // tscale, rng) * tscale), "budget table total 시비")]
            ln = w.row(cells, f)
            w.fact("budget_total", d, "budget", G, ln, d)

        if tot_pos == "first":
            emit_btotal()
        for nm, nat, prov, cit in projs:
            vals = (nat, prov, cit)
            cells = bcells(nm, vals, False, rng.choice(["계속", "신규", "", "'25 완공"]))
            s = sum(vals)
            f = [("P.funding_split", 4, money(bump(cit // tscale, rng) * tscale), f"{nm} 시비")]
            if shares == "paren_cell":
                f.append(("P.share", 1, f"{money(s)} ({pct(Fraction(s, G) + Fraction(4, 100), 1)}%)", f"{nm} share"))
            elif shares == "share_col":
                f.append(("P.share", 5, pct(Fraction(s, G) + Fraction(4, 100), 1), f"{nm} share"))
            ln = w.row(cells, f)
            w.fact("budget_item", nm, "budget", s, ln, d)
            w.fact("budget_item", nm, "city", cit, ln, d)
        if tot_pos == "last":
            emit_btotal()
        w.line()
        # the same project again, slightly renamed, in a second table
        p2 = projs[0]
        w.line(f"○ {rng.choice(['역점사업 추진현황', '신규·계속사업 현황', '핵심사업 현황'])}")
        w.line(unote(tscale_name))
        w.row(["사업명", "사업기간", "사업비", "추진상황"])
        alt = p2[0].replace(" ", "") + rng.choice(["", " 추진", "(계속)"])
        s2 = p2[1] + p2[2] + p2[3]
        w.row([alt, f"{Y - 1}.~{Y}.", money(s2), rng.choice(["설계 중", "공사 중", "준공 예정"])],
              [("P.two_tables", 2, money(bump(s2 // tscale, rng) * tscale), f"{alt} amount in 2nd table")])
        w.line()
        # statistics with counting units in cells (and two quantities)
        w.line(f"○ 시설 현황")
        w.line(unote(f"{count_units}, 대"))
        sites = [(f"{k}권역", rng.randrange(3, 600), rng.randrange(3, 900)) for k in ("동부", "서부", "남부", "북부")[:rng.randrange(2, 5)]]
        S1, S2 = sum(s[1] for s in sites), sum(s[2] for s in sites)
        two = rng.random() < 0.5
        w.row(["구분", "시설 수" if not two else "시설 및 장비"])
        trow = ["계", f"{comma(S1)}{count_units}" + (f" {comma(S2)}대" if two else "")]
        w.row(trow, [("P.unit_cells", 1, f"{comma(S1 + rng.choice([1, 10]))}{count_units}" + (f" {comma(S2)}대" if two else ""),
                      "total with unit")])
        for nm, a, b in sites:
            w.row([nm, f"{comma(a)}{count_units}" + (f" {comma(b)}대" if two else "")])
        w.line()
        # rate column 처리율 = 처리/발생
        w.line(f"○ {rng.choice(['민원 처리 현황', '불법 주정차 단속 현황', '신고 처리 실적'])}")
        w.line(unote("건, %"))
        w.row(["구분", "발생", "처리", "처리율"])
        recs = []
        for yv in (Y - 3, Y - 2, Y - 1):
            occ = rng.randrange(200, 9000)
            done = occ - rng.randrange(0, occ // 10)
            recs.append((f"{yv}년", occ, done))
        for lab, occ, done in recs:
            r = Fraction(done, occ)
            w.row([lab, comma(occ), comma(done), pct(r, 1) + "%"],
                  [("P.rate_col", 3, pct(r + Fraction(rng.choice([3, -4, 6]), 100), 1) + "%", f"{lab} 처리율")])
        last = recs[-1]
        ln = w.line(f"- {Y - 1}년 처리 {comma(last[2])}건(처리율 {pct(Fraction(last[2], last[1]), 1)}%)으로 전년 대비 개선")
        w.text_site("P.text_table", ln, f"처리 {comma(last[2])}건", f"처리 {comma(bump(last[2], rng))}건",
                    "text restates table")
        w.line()
        # change table: 증감 and 증감률
        w.line(f"○ 연도별 {rng.choice(['이용객', '참여자', '방문객'])} 현황")
        w.line(unote("명, %"))
        w.row(["구분", f"{Y - 1}년", f"{Y - 2}년", "증감", "증감률"])
        for lab in ("상반기", "하반기"):
            a, b = rng.randrange(500, 50000), rng.randrange(500, 50000)
            ch = a - b
            rt = ("" if ch >= 0 else fmt.neg if fmt.neg != "()" else "△") + pct(Fraction(abs(ch), b), 1) + "%"
            w.row([lab, comma(a), comma(b), fmt.num(ch), rt],
                  [("P.change", 3, fmt.num(ch + rng.choice([100, -100, 1000])), f"{lab} 증감"),
                   ("P.change_rate", 4, ("" if ch >= 0 else fmt.neg) + pct(Fraction(abs(ch), b) + Fraction(5, 100), 1) + "%",
                    f"{lab} 증감률")])
        w.line()
        # running text with a breakdown
        a, b, c = rng.randrange(5, 300), rng.randrange(5, 300), rng.randrange(1, 60)
        ln = w.line(f"- {Y - 1}년 감사 결과 총 {comma(a + b + c)}건(시정 {a}, 주의 {b}, 통보 {c}) 처분")
        w.text_site("P.text_breakdown", ln, f"총 {comma(a + b + c)}건", f"총 {comma(a + b + c + rng.choice([1, 10]))}건",
                    "text breakdown total")
        # restated from the report: an indicator's actual of the report year
        rinds = [f for f in report_facts if f.kind == "indicator" and f.fld == "actual" and f.dept == d]
        if rinds:
            f0 = rng.choice(rinds)
            unit = next((i.unit for i in city.inds[d] if i.name == f0.entity), "")
            val = f0.value
            vtxt = f"{comma(val) if isinstance(val, int) else val}{unit}"
            ln = w.line(f"- '{str(Y - 1)[2:]}년 실적 : {f0.entity} {vtxt}")
            newv = bump_num(val, rng)
            w.text_site("P.cross_doc", ln, vtxt, f"{comma(newv) if isinstance(newv, int) else newv}{unit}",
                        "report's actual restated in plan")
        w.line()
        # ------------------------------------------------ tasks
        w.line(f"{sec_mark} {rng.choice(['주요업무 추진계획', f'{Y}년 주요업무계획', '핵심과제'])}")
        w.line()
        for i, (t, nat, prov, cit) in enumerate(plans[d], 1):
            tot = nat + prov + cit
            w.line(taskhead(i, t))
            w.line()
            w.line(f"{obj_mark} {t.split()[0]} 분야의 시민 체감도 제고 및 {rng.choice(['효율화', '내실화', '고도화'])}")
            w.line()
            w.line(f"{sec_mark} 사업개요")
            w.line(f" - 사업기간 : {Y}. 1. ~ {Y}. 12.")
            fund = [(k, v) for k, v in (("국", nat), ("도", prov), ("시", cit)) if v]
            if budget_style == "baekman_split":
                ln = w.line(f" - 사업비 : {comma(tot // 1_000_000)}백만원(" + ", ".join(f"{k} {comma(v // 1_000_000)}" for k, v in fund) + ")")
                w.text_site("P.task_budget_split", ln, f"{comma(tot // 1_000_000)}백만원", f"{comma(bump(tot // 1_000_000, rng))}백만원",
                            "task budget total vs its split")
            elif budget_style == "cheon_split":
                ln = w.line(f" - 소요예산 : {comma(tot // 1000)}천원 (" + ", ".join(f"{k}비 {comma(v // 1000)}천원" for k, v in fund) + ")")
                w.text_site("P.task_budget_split", ln, f"{comma(tot // 1000)}천원", f"{comma(bump(tot // 1000, rng))}천원",
                            "task budget total vs its split")
            elif budget_style == "eok_split":
                ln = w.line(f" - 예산 : 총 {comma(tot // 1_000_000)}백만원 / 국비 {comma(nat // 1_000_000)}, 도비 {comma(prov // 1_000_000)}, "
                            f"시비 {comma(cit // 1_000_000)}")
                w.text_site("P.task_budget_split", ln, f"총 {comma(tot // 1_000_000)}백만원", f"총 {comma(bump(tot // 1_000_000, rng))}백만원",
                            "task budget total vs its split")
            elif budget_style == "multi_year":
                w.line(f" - 총사업비 : {eok(tot * 5 // 100_000_000 * 100_000_000 + 100_000_000)} ({Y}~{Y + 4}년)")
                ln = w.line(f" - {Y}년 예산 : {comma(tot // 1_000_000)}백만원(" + ", ".join(f"{k}비 {comma(v // 1_000_000)}" for k, v in fund) + ")")
                w.text_site("P.task_budget_split", ln, f"예산 : {comma(tot // 1_000_000)}백만원", f"예산 : {comma(bump(tot // 1_000_000, rng))}백만원",
                            "task budget total vs its split")
            else:
                ln = w.line(f" - 사업비 : {comma(tot)}원")
            w.fact("plan_task", t, "budget", tot, ln, d)
            w.line(f" - 주요내용 : {t.split()[0]} 관련 {rng.choice(['시설 확충', '프로그램 운영', '제도 개선'])}")
            w.line()
            w.line(f"{sec_mark} 추진계획")
            for m in sorted(rng.sample(range(1, 13), 3)):
                w.line(f" - {Y}. {m}. : {rng.choice(['계획 수립', '사업 착수', '중간 점검', '결과 보고', '예산 확보'])}")
            w.line()
            h, tl, s = person(), person(), person()
            team = rng.choice(TEAMS)
            e1, e2 = rng.randrange(2000, 8000), rng.randrange(2000, 8000)
            if people == "tab_row":
                w.row(["추진 부서", f"{d}장 {h}", f"{team}팀장 {tl} (☎ {e1})", f"담당자 {s} (☎ {e2})"])
            elif people == "phone_☎":
                w.line(f"※ 담당 : {team}팀장 {tl} ☎ {e1}, 주무관 {s} ☎ {e2}")
            elif people == "phone_☏":
                w.line(f"담당부서 : {d} {team}팀 ☏ 031-{rng.randrange(900, 999)}-{e1}")
            elif people == "naeseon":
                w.line(f"[{d} {team}팀장 {tl} / 내선 {e1}]")
            else:
                w.line(f"과  장 : {h}")
                w.line(f"팀  장 : {tl} (내선 {e1})")
                w.line(f"담당자 : {s} (내선 {e2})")
            w.line()
            furniture(w, rng, furn, title, page)
    return doc


# --------------------------------------------------------------------------- measurement


def build(seed: int) -> tuple[City, Doc, Doc]:
    rng = random.Random(seed)
    year = rng.choice([2021, 2022, 2023, 2024])
    scale_name = rng.choice(["원", "원", "천원", "천원", "백만원"])
    city = City(rng, year, {"원": 1, "천원": 1000, "백만원": 1_000_000}[scale_name])
    rep = write_report(rng, city, f"outsider_{seed}_report.txt", scale_name)
    plan = write_plan(rng, city, f"outsider_{seed}_plan.txt", rep.facts)
    return city, rep, plan


def _norm(s: str | None) -> str:
    return re.sub(r"[\s·()\[\]【】<>\-_]", "", s or "")


def _close(a, b) -> bool:
    if a is None or b is None:
        return False
    try:
        return abs(float(a) - float(b)) <= max(0.051, 1e-9 * abs(float(b)))
    except (TypeError, ValueError):
        return False


GRADE_NORMAL = {0: "◎", 1: "○", 2: "×"}


def recovered(fact: Fact, docm) -> tuple[bool, bool]:
    """(value found, found on the key's line) for one key fact in a loaded document."""
    from sijeong.model import BudgetItem, Indicator, PlanTask, PolicyGoal, Program, Revenue, Statistic

    kind = fact.kind
    want_name = _norm(fact.entity)
    fld = {"revenue": {"budget": "budget", "assessed": "assessed", "received": "received",
                       "written_off": "written_off", "uncollected": "uncollected"},
           "program": {"budget": "budget", "current": "current_budget", "spent": "spent",
                       "carry": "carry_forward", "unspent": "unspent"},
           }.get(kind, {}).get(fact.fld, fact.fld)
    cands = []
    if kind == "revenue":
        cands = [r for r in docm.of(Revenue) if r.code == fact.entity or _norm(r.code) == want_name]
    elif kind == "revenue_total":
        cands = [r for r in docm.of(Revenue) if r.code is None and r.department == fact.dept]
    elif kind == "program":
        cands = [r for r in docm.of(Program) if _norm(r.name) == want_name]
        fld = {"current": "current_budget", "carry": "carry_forward"}.get(fact.fld, fact.fld)
    elif kind == "program_total":
        return (None, None)  # not a record of the glossary
    elif kind == "indicator":
        cands = [r for r in docm.of(Indicator) if _norm(r.name).startswith(want_name) or want_name.startswith(_norm(r.name)) and r.name]
        if fact.fld == "grade":
            ok = [r for r in cands if r.grade == GRADE_NORMAL[fact.value]]
            return bool(ok), any(r.line_of("grade") == fact.line or r.source.line == fact.line for r in ok)
    elif kind == "policy_goal":
        cands = [r for r in docm.of(PolicyGoal) if _norm(r.name) == want_name]
    elif kind == "plan_task":
        cands = [r for r in docm.of(PlanTask) if want_name in _norm(r.title or r.name)]
    elif kind == "budget_item":
        cands = [r for r in docm.of(BudgetItem) if _norm(r.name) == want_name]
        if not cands:
            cands = [r for r in docm.of(Statistic) if _norm(r.name) == want_name]
    elif kind in ("plan_total", "budget_total"):
        return (None, None)
    ok = []
    for r in cands:
        v = getattr(r, fld, None)
        if v is None and hasattr(r, "values"):
            v = None
        if _close(v, fact.value):
            ok.append(r)
    line_ok = any(r.line_of(fld) == fact.line for r in ok)
    return bool(ok), line_ok


def is_refused(docm) -> bool:
    return any(f.severity == "error" and f.rule.startswith("read.") for f in docm.findings) and not docm.records


def _sig(f) -> tuple:
    return (f.rule, f.doc, tuple(sorted(f.lines)))


def measure(n: int, seed: int, verbose: bool = False) -> dict:
    from sijeong.pipeline import check, load_text

    per_class = defaultdict(lambda: [0, 0])  # class -> [caught, total]
    per_choice = defaultdict(lambda: [0, 0, 0, 0])  # (key=value) -> [facts ok, facts, faults caught, faults]
    facts_by_kind = defaultdict(lambda: [0, 0, 0])  # kind -> [ok, ok on line, total]
    families = {"settlement_report": [0, 0, 0, 0], "work_plan": [0, 0, 0, 0]}  # facts ok, facts, caught, faults
    clean_findings = []
    refused = []
    family_wrong = []
    misses = defaultdict(list)
    t0 = time.time()
    for s in range(seed, seed + n):
        city, rep, plan = build(s)
        load = {}
        for d in (rep, plan):
            load[d.name] = load_text(d.name, d.text, municipality=city.name)
        clean = check([load[rep.name], load[plan.name]])
        clean_f = [f for f in clean if f.severity in ("error", "warning")]
        for d in (rep, plan):
            dm = load[d.name]
            read_f = [f for f in dm.findings if f.severity in ("error", "warning")]
            seen = {}
            for f in read_f + [f for f in clean_f if f.doc == d.name]:
                seen.setdefault(_sig(f), f)
            clean_findings.extend((s, d.family, f.rule, f.severity, f.lines[:3], f.message[:140])
                                  for f in seen.values())
            if is_refused(dm):
                refused.append((s, d.name, [f.message[:120] for f in dm.findings if f.severity == "error"][:2]))
            if dm.family != d.family:
                family_wrong.append((s, d.name, dm.family))
            fam = families[d.family]
            for fact in d.facts:
                ok, on_line = recovered(fact, dm)
                if ok is None:
                    continue
                facts_by_kind[f"{d.family}:{fact.kind}.{fact.fld}"][0] += ok
                facts_by_kind[f"{d.family}:{fact.kind}.{fact.fld}"][1] += bool(on_line)
                facts_by_kind[f"{d.family}:{fact.kind}.{fact.fld}"][2] += 1
                fam[0] += ok
                fam[1] += 1
                for k, v in d.choices.items():
                    per_choice[f"{k}={v}"][0] += ok
                    per_choice[f"{k}={v}"][1] += 1
        clean_sigs = {_sig(f) for f in clean} | {_sig(f) for d in load.values() for f in d.findings}
        # one fault per class per document
        rng = random.Random(s * 7919 + 1)
        for d in (rep, plan):
            other = plan if d is rep else rep
            by_cls = defaultdict(list)
            for site in d.sites:
                by_cls[site.cls].append(site)
            for cls in sorted(by_cls):
                site = rng.choice(by_cls[cls])
                lines = list(d.lines)
                lines[site.line - 1] = site.new_line
                text = "\n".join(lines) + "\n"
                fm = load_text(d.name, text, municipality=city.name)
                found = check([fm, load[other.name]]) + list(fm.findings)
                hit = [f for f in found if f.doc == d.name and site.line in f.lines and _sig(f) not in clean_sigs
                       and f.severity in ("error", "warning")]
                caught = bool(hit)
                per_class[cls][0] += caught
                per_class[cls][1] += 1
                fam = families[d.family]
                fam[2] += caught
                fam[3] += 1
                for k, v in d.choices.items():
                    per_choice[f"{k}={v}"][2] += caught
                    per_choice[f"{k}={v}"][3] += 1
                if not caught:
                    misses[cls].append((s, site.line, site.what, site.new_line[:160]))
        if verbose:
            print(f"seed {s}: {time.time() - t0:.1f}s", file=sys.stderr)
    return {
        "n": n, "seed": seed, "seconds": round(time.time() - t0, 1),
        "families": families, "per_class": dict(per_class), "per_choice": dict(per_choice),
        "facts_by_kind": dict(facts_by_kind), "clean_findings": clean_findings,
        "refused": refused, "family_wrong": family_wrong,
        "misses": {k: v[:5] for k, v in misses.items()},
    }


def _p(a, b):
    return f"{100.0 * a / b:5.1f}% ({a}/{b})" if b else "   -"


def report(m: dict) -> str:
    out = [f"outsider: n={m['n']} seed={m['seed']} ({m['seconds']}s)"]
    for fam, (fo, ft, fc, fn) in m["families"].items():
        out.append(f"  {fam}: key facts {_p(fo, ft)}; faults caught {_p(fc, fn)}")
    cf = m["clean_findings"]
    for fam in ("settlement_report", "work_plan"):
        rules_ = sum(1 for f in cf if f[1] == fam and not f[2].startswith("read."))
        reads = sum(1 for f in cf if f[1] == fam and f[2].startswith("read."))
        out.append(f"  {fam}: on consistent documents {rules_} rule findings (error/warning), "
                   f"{reads} reading warnings/errors")
    out.append(f"  refused: {len(m['refused'])}; family wrong: {len(m['family_wrong'])}")
    out.append("  faults caught per class:")
    for cls, (c, t) in sorted(m["per_class"].items()):
        out.append(f"    {cls:24s} {_p(c, t)}")
    out.append("  key facts per kind (value found; on its line):")
    for k, (o, ol, t) in sorted(m["facts_by_kind"].items()):
        out.append(f"    {k:44s} {_p(o, t)}  line {_p(ol, t)}")
    out.append("  per layout choice (key facts; faults caught):")
    for k, (fo, ft, fc, fn) in sorted(m["per_choice"].items()):
        out.append(f"    {k:48s} {_p(fo, ft):>22s}  {_p(fc, fn):>22s}")
    rules = defaultdict(int)
    for f in m["clean_findings"]:
        rules[(f[1], f[2], f[3])] += 1
    if rules:
        out.append("  findings on consistent documents by rule:")
        for (fam, r, sev), c in sorted(rules.items(), key=lambda x: -x[1]):
            out.append(f"    {fam:18s} {r:34s} {sev:8s} {c}")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json")
    ap.add_argument("--write", help="write the documents of --seed to this directory and exit")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args(argv)
    if a.write:
        import pathlib

        p = pathlib.Path(a.write)
        p.mkdir(parents=True, exist_ok=True)
        for s in range(a.seed, a.seed + a.n):
            _, rep, plan = build(s)
            for d in (rep, plan):
                (p / d.name).write_text(d.text, encoding="utf-8")
                (p / (d.name + ".key.json")).write_text(json.dumps(
                    {"choices": d.choices, "facts": [f.__dict__ for f in d.facts],
                     "faults": [s_.__dict__ for s_ in d.sites]}, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    m = measure(a.n, a.seed, a.v)
    print(report(m))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(m, fh, ensure_ascii=False, indent=1, default=str)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
