"""Documents of a fictional municipality in many layouts, with an answer key (issue 17).

Each document draws every layout choice of :data:`SETTLEMENT_CHOICES` (settlement and
performance report) or :data:`PLAN_CHOICES` (work plan) at random from its seed, each
independently of the others: header label synonyms, column orders, absent optional columns,
unit-note styles, money scale, decrease marks, zero marks, grade styles, heading styles,
section titles, program-tree markers, cover-year forms, a table of contents, page furniture,
task heading styles, people lines … The figures are consistent by construction (every
identity of the glossary holds), and :class:`Generated.key` lists the key facts — revenues by
code, programs with 예산현액/지출액, indicators with target/actual/rate/grade, plan tasks with
their department and budget — each with the line it is printed on.

:func:`faults` lists single-cell changes that each break one identity; :func:`settlement`
and :func:`plan` take one of them (``fault=``) and print that cell changed, everything else
identical (so line numbers stay). Seeded and deterministic::

    from layouts import settlement, faults
    g = settlement(7)            # g.text, g.key, g.layout
    f = faults(g)[0]
    bad = settlement(7, fault=f)  # the same document with one cell changed

    python bench/layouts.py outdir --n 10
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

# --- layout choices --------------------------------------------------------------------------

#: settlement + performance report: choice -> its options (each drawn independently)
SETTLEMENT_CHOICES: dict[str, tuple[str, ...]] = {
    "cover_year": ("회계연도", "FY", "년도 결산", "- 년도 -", "'YY 결산"),
    "toc": ("none", "dots"),
    "furniture": ("none", "dash_page", "running_dash", "slash_page"),
    "heading": ("Ⅰ.", "제1장", "1.", "【】"),
    "rev_title": ("세입결산", "세입 결산 현황", "부서별 세입 내역"),
    "prog_title": ("사업별조서", "사업별 결산", "세출결산 사업별 내역"),
    "ind_title": ("성과지표 달성현황", "성과지표별 달성도", "성과지표 추진실적"),
    "dept_mark": ("가.", "○", "row", "[소관부서]", "부서명 :"),
    "unit_note": ("(단위: 천원)", "[단위: 천원]", "<단위 : 천원>", "(금액단위 : 천원)", "‹단위: 천원›", "per_column"),
    "scale": ("원", "천원", "백만원", "억원"),
    "decrease": ("△", "▲", "-", "()"),
    "zero": ("0", "-"),
    "rev_code": ("column", "joined"),
    "rev_budget": ("예산액", "세입예산액", "예산"),
    "rev_assessed": ("징수결정액", "징수결정", "징수액"),
    "rev_received": ("수납액", "실제수납액", "수납"),
    "rev_uncollected": ("미수납액", "미수납"),
    "rev_written_off": ("불납결손액", "결손액", "absent"),
    "rev_change": ("absent", "증감", "증감(△)"),
    "rev_order": ("standard", "shuffled"),
    "rev_received_split": ("one_column", "grouped"),
    "rev_rate": ("absent", "수납률(%)"),
    "prog_current": ("예산현액", "예산현액(A)", "현액"),
    "prog_spent": ("지출액", "집행액", "지출액(B)"),
    "prog_carry": ("이월액", "다음연도이월액", "차년도이월"),
    "prog_unspent": ("집행잔액", "불용액", "잔액"),
    "prog_budget_cols": ("none", "예산액·전년도이월액", "예산액·전년도이월액·이용전용"),
    "prog_order": ("standard", "shuffled"),
    "prog_tree": ("columns", "level_column", "symbols", "indent"),
    "prog_carry_split": ("one_column", "grouped"),
    "page_break": ("between_tables", "inside_table", "inside_table_header_repeated"),
    "ind_target": ("목표", "목표치", "'YY목표"),
    "ind_actual": ("실적", "실적치", "'YY실적"),
    "ind_rate": ("달성률", "달성도(%)", "달성율"),
    "ind_layout": ("row", "block"),
    "ind_unit": ("column", "in_name"),
    "grade": ("none", "◎○×", "●◐○", "우수/달성/미달", "초과달성/달성/미달성"),
    "rate_format": ("105%", "105", "105.0", "105.0 %"),
}

#: work plan
PLAN_CHOICES: dict[str, tuple[str, ...]] = {
    "plan_cover": ("- 년도 -", "년 주요업무계획", "FY", "년도 주요업무 보고"),
    "plan_toc": ("none", "dots", "middots", "tasks"),
    "plan_furniture": ("none", "dash_page", "slash_page", "running_title"),
    "plan_dept": ("line", "Ⅰ.", "【】", "1.", "□"),
    "task_heading": ("1.", "01", "[1]", "【과제 1】", "1", "Ⅱ-1.", "(1)", "과제 1."),
    "objective": ("❖", "◆", "◈", "※ 목표 :", "none"),
    "section_mark": ("□", "■", "○", "◆", "▶"),
    "item_mark": ("-", "○", "·"),
    "budget_form": ("천원_split", "억원", "백만원_split", "원", "slash_split"),
    "budget_label": ("사업비", "소요예산", "총사업비"),
    "multi_year": ("none", "총사업비"),
    "period": ("dotted", "full", "words"),
    "schedule": ("dated", "month", "quarter"),
    "people": ("tab", "☎", "☏", "내선", "block", "※ 담당", "[bracket]"),
    "plan_unit_note": ("(단위: 천원)", "[단위: 천원]", "<단위 : 백만원>", "(금액단위 : 천원)", "《단위: 천원》", "none"),
    "dept_budget": ("none", "one_row"),
    "budget_table": ("none", "grouped", "flat"),
    "table_scale": ("천원", "백만원", "원"),
    "shares": ("none", "paren", "구성비"),
    "total_label": ("계", "합계", "총계", "예산총액", "합 계"),
    "total_pos": ("first", "last"),
    "overview_title": ("일반현황", "부서 현황", "예산 현황"),
}

SCALES = {"원": 1, "천원": 1_000, "백만원": 1_000_000, "억원": 100_000_000}
ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ"
HANGUL = "가나다라마바사"

DEPTS = ["주민복지과", "도시계획과", "환경정책과", "문화관광과", "교통행정과", "일자리경제과", "안전총괄과",
         "평생교육과", "건축허가과", "보건위생과", "공원녹지과", "정보통신과", "민원토지과", "미래전략담당관"]
FIELDS = ["어르신", "아동", "청년", "소상공인", "마을", "하천", "공원", "도서관", "전통시장", "체육시설", "자전거", "경로당",
          "공공와이파이", "스마트쉼터", "생활폐기물", "가로수", "주차장", "보행로", "평생학습", "관광안내"]
ACTS = ["운영", "지원", "관리", "확충", "정비", "조성", "육성", "활성화"]
IND_WORDS = [("참여자 수", "명"), ("이용 건수", "건"), ("교육 횟수", "회"), ("만족도", "%"), ("설치 개소", "개소"),
             ("점검 횟수", "회"), ("상담 건수", "건"), ("회원 수", "명"), ("평가 순위", "위")]
PEOPLE = ["김하늘", "이바다", "박가람", "최누리", "정다솜", "강이슬", "조한결", "윤보라", "장미리", "임소망", "한결이", "서다인"]
TEAMS = ["기획팀", "운영팀", "지원팀", "관리팀", "협력팀", "정보팀"]
CITY = "가온시"

#: revenue codes: 장 → 관 → 항 → 목 (the leaves are the 목)
REV_TREE = [
    ("200", "세외수입", [
        ("210", "경상적세외수입", [
            ("211", "재산임대수입", [("211-01", "국유재산임대료"), ("211-02", "공유재산임대료")]),
            ("216", "이자수입", [("216-01", "공공예금이자수입")]),
        ]),
        ("220", "임시적세외수입", [("224", "기타수입", [("224-06", "그외수입"), ("224-01", "불용품매각대")])]),
    ]),
    ("500", "보조금", [("520", "시·도비보조금등", [("521", "시·도비보조금등", [("521-01", "시·도비보조금등")])])]),
]

REV_FIELDS = ("budget", "assessed", "received", "written_off", "uncollected", "change")
PROG_FIELDS = ("budget", "carried_over", "transfer", "current_budget", "spent", "carry_forward", "unspent")


def draw(choices: dict[str, tuple[str, ...]], rng: random.Random) -> dict[str, str]:
    """One option per choice, each drawn independently."""
    return {k: rng.choice(v) for k, v in choices.items()}


# --- the fictional municipality --------------------------------------------------------------


@dataclass
class Rev:
    code: str | None
    name: str
    level: int
    budget: int = 0
    assessed: int = 0
    received: int = 0
    written_off: int = 0
    refunds: int = 0  # 환급액: 수납총액 = 실제수납액 + 환급액
    children: list["Rev"] = field(default_factory=list)

    @property
    def received_total(self) -> int:
        return self.received + self.refunds

    @property
    def rate(self) -> str:
        return f"{self.received / self.assessed * 100:.1f}" if self.assessed else "-"

    @property
    def uncollected(self) -> int:
        return self.assessed - self.received - self.written_off

    @property
    def change(self) -> int:
        return self.received - self.budget

    def total(self) -> "Rev":
        if self.children:
            for c in self.children:
                c.total()
            for a in ("budget", "assessed", "received", "written_off", "refunds"):
                setattr(self, a, sum(getattr(c, a) for c in self.children))
        return self

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class Prog:
    name: str
    level: str  # total / policy / unit / detail
    budget: int = 0
    carried_over: int = 0
    transfer: int = 0
    spent: int = 0
    carry_forward: int = 0
    carry_explicit: int = 0  # 명시이월 (the rest of carry_forward is 사고이월)
    children: list["Prog"] = field(default_factory=list)

    @property
    def carry_accident(self) -> int:
        return self.carry_forward - self.carry_explicit

    @property
    def current_budget(self) -> int:
        return self.budget + self.carried_over + self.transfer

    @property
    def unspent(self) -> int:
        return self.current_budget - self.spent - self.carry_forward

    def total(self) -> "Prog":
        if self.children:
            for c in self.children:
                c.total()
            for a in ("budget", "carried_over", "transfer", "spent", "carry_forward", "carry_explicit"):
                setattr(self, a, sum(getattr(c, a) for c in self.children))
        return self

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class Ind:
    name: str
    unit: str
    target: int | float
    actual: int | float

    def rate(self, decimals: bool = False) -> int | float:
        # a rank (위) is better lower: 목표/실적×100
        r = (self.target / self.actual if self.unit == "위" else self.actual / self.target) * 100
        return int(r * 10) / 10 if decimals else int(r)  # the documents truncate

    @property
    def grade(self) -> str:
        r = self.rate()
        return "◎" if r >= 130 else "○" if r >= 100 else "×"


@dataclass
class Dept:
    name: str
    revenue: Rev
    programs: Prog
    indicators: list[Ind]


def _unique(rng: random.Random, used: set[str], make) -> str:
    for _ in range(50):
        name = make()
        if name not in used:
            used.add(name)
            return name
    name = make() + f" {len(used)}"
    used.add(name)
    return name


def make_city(rng: random.Random, scale: int) -> list[Dept]:
    """Two or three departments; every amount a whole number of the printed scale."""
    depts = []
    names: set[str] = set()
    for dname in rng.sample(DEPTS, rng.randint(2, 3)):
        # amounts in 원 tables are still whole 천원, as printed budgets are; 억원 tables print two decimals
        unit_ = 1_000_000 if scale == 100_000_000 else max(scale, 1_000)

        def amount(lo: int, hi: int) -> int:
            return rng.randint(lo, hi) * unit_

        def rev(code, name, kids, level):
            if not isinstance(kids, list):
                raise TypeError
            node = Rev(code, name, level)
            for k in kids:
                if len(k) == 2:
                    leaf = Rev(k[0], k[1], level + 1)
                    leaf.budget = amount(100, 90_000)
                    leaf.assessed = leaf.budget + amount(-50, 5_000)
                    leaf.received = leaf.assessed - (amount(0, 800) if rng.random() < 0.6 else 0)
                    left = leaf.assessed - leaf.received
                    leaf.written_off = (left // scale // 4) * scale if rng.random() < 0.3 else 0
                    leaf.refunds = amount(1, 90) if rng.random() < 0.4 else 0
                    node.children.append(leaf)
                else:
                    node.children.append(rev(k[0], k[1], k[2], level + 1))
            return node

        chosen = [t for t in REV_TREE if rng.random() < 0.8] or [REV_TREE[0]]
        top = Rev(None, dname, 0, children=[rev(c, n, k, 1) for c, n, k in chosen]).total()
        total = Prog(dname, "total")
        for _ in range(rng.randint(1, 2)):
            field_ = rng.choice(FIELDS)
            pol = Prog(_unique(rng, names, lambda: f"{field_} {rng.choice(['복지 증진', '서비스 강화', '기반 조성', '환경 개선'])}"), "policy")
            for _ in range(rng.randint(1, 2)):
                unit = Prog(_unique(rng, names, lambda: f"{rng.choice(FIELDS)} {rng.choice(ACTS)}"), "unit")
                for _ in range(rng.randint(1, 3)):
                    d = Prog(_unique(rng, names, lambda: f"{rng.choice(FIELDS)} {rng.choice(FIELDS)} {rng.choice(ACTS)}"), "detail")
                    d.budget = amount(100, 90_000)
                    if rng.random() < 0.3:
                        d.carried_over = amount(10, 5_000)
                    if rng.random() < 0.3:
                        d.transfer = amount(1, 3_000) * rng.choice((1, -1))
                        d.transfer = max(d.transfer, -(d.budget // 2 // unit_) * unit_)
                    d.spent = int(d.current_budget * rng.uniform(0.6, 0.98)) // scale * scale
                    left = d.current_budget - d.spent
                    if rng.random() < 0.3:
                        d.carry_forward = left // scale // 2 * scale
                        d.carry_explicit = d.carry_forward // scale * 2 // 3 * scale
                    unit.children.append(d)
                pol.children.append(unit)
            total.children.append(pol)
        total.total()
        inds = []
        for _ in range(rng.randint(2, 4)):
            word, unit = rng.choice(IND_WORDS)
            name = _unique(rng, names, lambda: f"{rng.choice(FIELDS)} {word}")
            if unit == "%":
                t = rng.randint(60, 95)
                a = round(t * rng.uniform(0.7, 1.2), 1)
            elif unit == "위":
                t, a = rng.randint(2, 9), rng.randint(1, 12)
            else:
                t = rng.randint(10, 2_000)
                a = int(t * rng.uniform(0.6, 1.6))
            inds.append(Ind(name, unit, t, a))
        depts.append(Dept(dname, top, total, inds))
    return depts


# --- key, faults, output ---------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One printed cell changed: ``entity`` (kind, department, code or name), ``field``,
    the value printed instead (``new``), and the identity it breaks (``breaks``)."""

    kind: str  # revenue / program / indicator / task
    department: str
    entity: str | None  # revenue code (None: the department row) or program / indicator name
    field: str
    new: object
    breaks: str
    line: int = 0


@dataclass
class Fact:
    kind: str  # revenue / program / indicator / task
    department: str
    entity: str | None
    field: str
    value: object
    line: int
    choice: tuple[str, ...] = ()  # the layout choices this fact depends on


@dataclass
class Generated:
    family: str
    seed: int
    layout: dict[str, str]
    text: str
    key: list[Fact]
    fault: Fault | None = None
    #: candidate faults of this document (single cells, with their line)
    candidates: list[Fault] = field(default_factory=list)

    @property
    def name(self) -> str:
        tag = "" if self.fault is None else f"_fault_{self.fault.kind}_{self.fault.field}"
        return f"layout_{self.family}_{self.seed}{tag}.txt"


class Out:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def w(self, text: str = "") -> int:
        """Write one or more lines; return the number of the first."""
        no = len(self.lines) + 1
        self.lines.extend(text.split("\n"))
        return no

    @property
    def next(self) -> int:
        return len(self.lines) + 1


# --- the settlement report -------------------------------------------------------------------


class _Settlement:
    def __init__(self, seed: int, layout: dict[str, str] | None, fault: Fault | None):
        rng = random.Random(f"layouts-settlement-{seed}")
        self.L = layout or draw(SETTLEMENT_CHOICES, rng)
        self.rng = random.Random(f"layouts-settlement-data-{seed}")
        self.scale = SCALES[self.L["scale"]]
        self.year = 2020 + seed % 5
        self.depts = make_city(self.rng, self.scale)
        self.consistent()
        self.fault = fault
        self.out = Out()
        self.key: list[Fact] = []
        self.cands: list[Fault] = []
        self.page = 0

    def consistent(self) -> None:
        """What the layout does not print is zero, so every printed identity holds (a
        미수납액 without its 불납결손액 column, a 예산현액 without its 이용·전용 column)."""
        for d in self.depts:
            if self.L["rev_written_off"] == "absent":
                for r in d.revenue.walk():
                    r.written_off = 0
            cols = self.L["prog_budget_cols"]
            for p in d.programs.walk():
                if cols != "none" and "이용전용" not in cols:
                    p.transfer = 0

    # formatting
    def money(self, v: int) -> str:
        if self.scale == 100_000_000:  # 억원: two decimals (12.34)
            return self.num(v / self.scale)
        n = v // self.scale
        return self.num(n)

    def num(self, n: int | float) -> str:
        if n == 0:
            return self.L["zero"]
        text = f"{abs(n):,.2f}" if isinstance(n, float) else f"{abs(n):,}"
        if n > 0:
            return text
        d = self.L["decrease"]
        return f"({text})" if d == "()" else f"{d}{text}"

    def faulted(self, kind: str, dept: str, entity: str | None, fld: str, value):
        f = self.fault
        if f and f.kind == kind and f.department == dept and f.entity == entity and f.field == fld:
            return f.new
        return value

    def fact(self, kind, dept, entity, fld, value, line, *choice):
        self.key.append(Fact(kind, dept, entity, fld, value, line, choice))

    def heading(self, n: int, title: str) -> str:
        h = self.L["heading"]
        return {"Ⅰ.": f"{ROMAN[n - 1]}. {title}", "제1장": f"제{n}장 {title}", "1.": f"{n}. {title}",
                "【】": f"【{title}】"}[h]

    def unit_note(self) -> str | None:
        u = self.L["unit_note"]
        if u == "per_column":
            return None
        return u.replace("천원", self.L["scale"])

    def money_label(self, label: str) -> str:
        return f"{label}({self.L['scale']})" if self.L["unit_note"] == "per_column" else label

    def dept_line(self, i: int, d: Dept) -> str | None:
        m = self.L["dept_mark"]
        if m == "가.":
            return f"{HANGUL[i]}. {d.name}"
        if m == "○":
            return f"○ {d.name}"
        if m == "[소관부서]":
            return f"[소관부서] {d.name}"
        if m == "부서명 :":
            return f"부서명 : {d.name}"
        return None

    def page_end(self) -> None:
        fur = self.L["furniture"]
        if fur == "none":
            return
        self.page += 1
        w = self.out.w
        w("")
        if fur == "running_dash":
            w(f"{CITY} {self.year}회계연도 결산")
        w(f"- {self.page} -" if fur in ("dash_page", "running_dash") else f"{self.page} / 40")
        w("")

    def page_break(self, header: list[str]) -> None:
        """A page break inside a table: page furniture, then (maybe) the header again."""
        mode = self.L["page_break"]
        self.page += 1
        w = self.out.w
        w("")
        if self.L["furniture"] == "running_dash":
            w(f"{CITY} {self.year}회계연도 결산")
        w(f"{self.page} / 40" if self.L["furniture"] == "slash_page" else f"- {self.page} -")
        w("")
        if mode == "inside_table_header_repeated":
            for h in header:
                w(h)

    def break_here(self, k: int) -> bool:
        return self.L["page_break"] != "between_tables" and k == 4

    def cover(self) -> None:
        w, y = self.out.w, self.year
        form = self.L["cover_year"]
        title = f"{CITY} 세입·세출 결산 및 성과보고서"
        if form == "회계연도":
            w(f"{y}회계연도\n{title}")
        elif form == "FY":
            w(f"FY{y}\n{title}")
        elif form == "년도 결산":
            w(f"{y}년도 세입·세출 결산 및 성과보고서\n{CITY}")
        elif form == "- 년도 -":
            w(f"- {y}년도 -\n\n{title}")
        else:
            w(f"'{y % 100:02d} 결산\n{title}")
        w("")
        if self.L["toc"] == "dots":
            w("목 차\n")
            for n, t in enumerate((self.L["rev_title"], self.L["prog_title"], self.L["ind_title"]), 1):
                w(f"{self.heading(n, t)} {'·' * 30} {n * 3}")
            w("")
            self.page_end()

    # revenue
    def revenue(self) -> None:
        w, L = self.out.w, self.L
        w(self.heading(1, L["rev_title"]))
        w("")
        cols = ["budget", "assessed", "received"] + ([] if L["rev_written_off"] == "absent" else ["written_off"])
        cols += ["uncollected"] + ([] if L["rev_change"] == "absent" else ["change"])
        cols += [] if L["rev_rate"] == "absent" else ["rate"]
        if L["rev_order"] == "shuffled":
            random.Random(f"order-{L['rev_budget']}-{len(self.depts)}-{self.year}").shuffle(cols)
        labels = {"budget": L["rev_budget"], "assessed": L["rev_assessed"], "received": L["rev_received"],
                  "written_off": L["rev_written_off"], "uncollected": L["rev_uncollected"], "change": L["rev_change"],
                  "rate": L["rev_rate"]}
        head_names = ["과목코드", "과목명"] if L["rev_code"] == "column" else ["과목"]
        grouped = L["rev_received_split"] == "grouped"
        top, sub = list(head_names), [""] * len(head_names)
        for c in cols:
            if c == "received" and grouped:  # 수납액 over 수납총액 / 환급액 / 실제수납액
                top += [self.money_label("수납액"), "", ""]
                sub += ["수납총액", "환급액", "실제수납액"]
            else:
                top.append(labels[c] if c == "rate" else self.money_label(labels[c]))
                sub.append("")
        header = ["\t".join(top)] + (["\t".join(sub)] if grouped else [])
        one_table = L["dept_mark"] == "row"
        for i, d in enumerate(self.depts):
            mark = self.dept_line(i, d)
            if mark:
                w(mark)
                w("")
            if not one_table or i == 0:
                note = self.unit_note()
                if note:
                    w(note)
                    w("")
                for h in header:
                    w(h)
            for k, r in enumerate(d.revenue.walk()):
                if self.break_here(k):
                    self.page_break(header)
                name = r.name if (r.code is not None or one_table) else "합계"
                entity = r.code
                vals = []
                for c in cols:
                    if c == "rate":
                        vals.append(r.rate)
                        continue
                    v = getattr(r, c)
                    v = self.faulted("revenue", d.name, entity, c, v)
                    if c == "received" and grouped:
                        total = self.faulted("revenue", d.name, entity, "received_total", r.received_total)
                        vals += [self.money(total), self.money(r.refunds)]
                    vals.append(self.money(v))
                if L["rev_code"] == "column":
                    lead = [r.code or "", name]
                else:
                    lead = [f"{r.code} {name}" if r.code else name]
                no = self.out.w("\t".join(lead + vals))
                for c in cols:
                    if c not in ("change", "rate"):
                        self.fact("revenue", d.name, entity, c, getattr(r, c), no, f"rev_{c}")
                if grouped:
                    self.fact("revenue", d.name, entity, "received_total", r.received_total, no, "rev_received_split")
                if r.code and "-" in r.code:
                    self.cands.append(Fault("revenue", d.name, entity, "uncollected", r.uncollected + 37 * self.scale,
                                            "revenue.uncollected", no))
                    self.cands.append(Fault("revenue", d.name, entity, "budget", r.budget + 37 * self.scale,
                                            "revenue.total", no))
                    if grouped:
                        self.cands.append(Fault("revenue", d.name, entity, "received_total",
                                                r.received_total + 37 * self.scale, "revenue.received", no))
            if not one_table:
                w("")
                self.page_end()
        if one_table:
            self.page_end()
        w("")

    # programs
    def programs(self) -> None:
        w, L = self.out.w, self.L
        w(self.heading(2, L["prog_title"]))
        w("")
        pre = {"none": [], "예산액·전년도이월액": ["budget", "carried_over"],
               "예산액·전년도이월액·이용전용": ["budget", "carried_over", "transfer"]}[L["prog_budget_cols"]]
        cols = pre + ["current_budget", "spent", "carry_forward", "unspent"]
        if L["prog_order"] == "shuffled":
            random.Random(f"porder-{L['prog_spent']}-{self.year}-{len(self.depts)}").shuffle(cols)
        labels = {"budget": "예산액", "carried_over": "전년도이월액", "transfer": "이용·전용", "current_budget": L["prog_current"],
                  "spent": L["prog_spent"], "carry_forward": L["prog_carry"], "unspent": L["prog_unspent"]}
        tree = L["prog_tree"]
        one_table = L["dept_mark"] == "row"
        if tree == "columns":
            head_names = ["정책사업", "단위사업", "세부사업"]
            if one_table:
                head_names = ["부서"] + head_names
        elif tree == "level_column":
            head_names = ["구분", "사업명"]
        else:
            head_names = ["사업명"]
        grouped = L["prog_carry_split"] == "grouped"
        top, sub = list(head_names), [""] * len(head_names)
        for c in cols:
            if c == "carry_forward" and grouped:
                top += [self.money_label(labels[c]), "", ""]
                sub += ["계", "명시이월", "사고이월"]
            else:
                top.append(self.money_label(labels[c]))
                sub.append("")
        header = ["\t".join(top)] + (["\t".join(sub)] if grouped else [])
        for i, d in enumerate(self.depts):
            mark = self.dept_line(i, d)
            if mark:
                w(mark)
                w("")
            if not one_table or i == 0:
                note = self.unit_note()
                if note:
                    w(note)
                    w("")
                for h in header:
                    w(h)
            for k, p in enumerate(d.programs.walk()):
                if self.break_here(k):
                    self.page_break(header)
                vals = []
                for c in cols:
                    vals.append(self.money(self.faulted("program", d.name, p.name, c, getattr(p, c))))
                    if c == "carry_forward" and grouped:
                        vals += [self.money(p.carry_explicit), self.money(p.carry_accident)]
                is_total = p.level == "total"
                shown = p.name if (one_table or not is_total) else "합계"
                if tree == "columns":
                    pos = {"total": 0, "policy": 0, "unit": 1, "detail": 2}[p.level]
                    lead = ["", "", ""]
                    lead[pos] = shown
                    if one_table:
                        lead = ([shown] + ["", "", ""]) if is_total else ([""] + lead)
                elif tree == "level_column":
                    lvl = {"total": "계" if not one_table else "부서", "policy": "정책", "unit": "단위", "detail": "세부"}[p.level]
                    lead = [lvl, shown]
                elif tree == "symbols":
                    sym = {"total": "", "policy": "■ ", "unit": "□ ", "detail": "- "}[p.level]
                    lead = [sym + shown]
                else:
                    ind = {"total": "", "policy": "", "unit": "  ", "detail": "    "}[p.level]
                    lead = [ind + shown]
                no = w("\t".join(lead + vals))
                entity = p.name
                self.fact("program", d.name, entity, "level", p.level, no, "prog_tree")
                for c in cols:
                    if c in ("current_budget", "spent", "carry_forward", "unspent", "budget"):
                        self.fact("program", d.name, entity, c, getattr(p, c), no, f"prog_{c}")
                if p.level == "detail":
                    self.cands.append(Fault("program", d.name, entity, "spent", p.spent + 37 * self.scale,
                                            "program.unspent", no))
                if p.level == "unit":
                    self.cands.append(Fault("program", d.name, entity, "current_budget",
                                            p.current_budget + 37 * self.scale, "program.total", no))
            if not one_table:
                w("")
                self.page_end()
        if one_table:
            self.page_end()
        w("")

    # indicators
    def rate_text(self, ind: Ind) -> str:
        f = self.L["rate_format"]
        if f in ("105.0", "105.0 %"):
            r = f"{ind.rate(decimals=True):.1f}"
        else:
            r = str(ind.rate())
        return r + ("%" if f == "105%" else " %" if f == "105.0 %" else "")

    def grade_text(self, g: str) -> str:
        style = self.L["grade"]
        i = "◎○×".index(g)
        if style == "◎○×":
            return g
        if style == "●◐○":
            return "●◐○"[i]
        if style == "우수/달성/미달":
            return ("우수", "달성", "미달")[i]
        return ("초과달성", "달성", "미달성")[i]

    def indicators(self) -> None:
        w, L = self.out.w, self.L
        yy = f"'{self.year % 100:02d}"
        w(self.heading(3, L["ind_title"]))
        w("")
        t_lab, a_lab = L["ind_target"].replace("'YY", yy), L["ind_actual"].replace("'YY", yy)
        r_lab = L["ind_rate"]
        grades = L["grade"] != "none"
        one_table = L["dept_mark"] == "row"
        unit_col = L["ind_unit"] == "column"
        for i, d in enumerate(self.depts):
            mark = self.dept_line(i, d)
            if mark:
                w(mark)
                w("")
            if not one_table or i == 0:
                if L["ind_layout"] == "row":
                    head = (["부서"] if one_table else []) + ["성과지표"] + (["단위"] if unit_col else [])
                    head += [t_lab, a_lab, r_lab] + (["달성도"] if grades else [])
                else:
                    head = (["부서"] if one_table else []) + ["성과지표"] + (["단위"] if unit_col else []) + ["구분", f"{self.year}년"]
                w("\t".join(head))
            for k, ind in enumerate(d.indicators):
                name = ind.name if unit_col else f"{ind.name}({ind.unit})"
                dept_cell = ([d.name if k == 0 else ""] if one_table else [])
                unit_cell = [ind.unit] if unit_col else []
                target = self.faulted("indicator", d.name, ind.name, "target", ind.target)
                actual = self.faulted("indicator", d.name, ind.name, "actual", ind.actual)
                rate = self.faulted("indicator", d.name, ind.name, "rate", self.rate_text(ind))
                grade = self.faulted("indicator", d.name, ind.name, "grade", ind.grade)
                rate_value = ind.rate(decimals=L["rate_format"] in ("105.0", "105.0 %"))
                if L["ind_layout"] == "row":
                    cells = dept_cell + [name] + unit_cell + [_n(target), _n(actual), rate]
                    if grades:
                        cells.append(self.grade_text(grade))
                    no = w("\t".join(cells))
                    lines = {"target": no, "actual": no, "rate": no, "grade": no}
                else:
                    blank = [""] * (len(dept_cell) + 1 + len(unit_cell))
                    no = w("\t".join(dept_cell + [name] + unit_cell + [t_lab, _n(target)]))
                    no2 = w("\t".join(blank + [a_lab, _n(actual)]))
                    no3 = w("\t".join(blank + [r_lab, rate]))
                    lines = {"target": no, "actual": no2, "rate": no3}
                    if grades:
                        lines["grade"] = w("\t".join(blank + ["달성도", self.grade_text(grade)]))
                self.fact("indicator", d.name, ind.name, "target", ind.target, lines["target"], "ind_target")
                self.fact("indicator", d.name, ind.name, "actual", ind.actual, lines["actual"], "ind_actual")
                self.fact("indicator", d.name, ind.name, "rate", rate_value, lines["rate"], "ind_rate", "rate_format")
                wrong = f"{int(rate_value) + 9}" + ("%" if "%" in rate else "")
                self.cands.append(Fault("indicator", d.name, ind.name, "rate", wrong, "indicator.rate", lines["rate"]))
                if grades:
                    self.fact("indicator", d.name, ind.name, "grade", ind.grade, lines["grade"], "grade")
                    other = "×" if ind.grade != "×" else "◎"
                    self.cands.append(Fault("indicator", d.name, ind.name, "grade", other, "indicator.grade", lines["grade"]))
            if not one_table:
                w("")
                self.page_end()
        if one_table:
            self.page_end()
        if grades and L["grade"] == "●◐○":
            w("※ ● 초과달성(130% 이상), ◐ 달성(100~130% 미만), ○ 미달성(100% 미만)\n")

    def build(self) -> Generated:
        self.cover()
        self.revenue()
        self.programs()
        self.indicators()
        return Generated("settlement", 0, self.L, "\n".join(self.out.lines) + "\n", self.key, self.fault, self.cands)


def _n(x) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, float) and not x.is_integer():
        return f"{x:,.1f}"
    return f"{int(x):,}"


def settlement(seed: int, *, layout: dict[str, str] | None = None, fault: Fault | None = None) -> Generated:
    """A settlement and performance report of :data:`CITY` in the layout drawn from ``seed``
    (or ``layout``), with ``fault`` printed if given."""
    g = _Settlement(seed, layout, fault).build()
    g.seed = seed
    return g


# --- the work plan ---------------------------------------------------------------------------

TOPICS = [("자율주행 셔틀 시범운행", "미래 모빌리티"), ("CCTV 통합관제 고도화", "스마트 안전"), ("공공 와이파이 확대", "디지털 포용"),
          ("주민참여예산 운영", "참여 행정"), ("청렴 시민감사관 운영", "청렴 문화"), ("시정 소식지 발간", "시정 홍보"),
          ("탄소중립 실천 캠페인", "기후 대응"), ("데이터 기반 행정 분석", "데이터 행정"), ("경로당 냉난방기 교체", "어르신 복지"),
          ("하천 산책로 정비", "생활 환경"), ("청년 창업공간 조성", "청년 일자리"), ("전통시장 주차장 확충", "지역 경제")]


class _Plan:
    def __init__(self, seed: int, layout: dict[str, str] | None, fault: Fault | None = None):
        rng = random.Random(f"layouts-plan-{seed}")
        self.L = layout or draw(PLAN_CHOICES, rng)
        self.rng = random.Random(f"layouts-plan-data-{seed}")
        self.year = 2021 + seed % 5
        self.depts = self.rng.sample(DEPTS, self.rng.randint(2, 3))
        self.out = Out()
        self.key: list[Fact] = []
        self.cands: list[Fault] = []
        self.fault = fault
        self.page = 0
        self.where: tuple[str, str] = ("", "")  # the task being written: (department, title)

    def faulted(self, fld: str, value: int, breaks: str, kind: str = "task", entity: str | None = None,
                new: int | str | None = None):
        """``value`` as printed: a candidate fault of the current task's (or ``entity``'s) ``fld``
        (its line is the next line written), or the fault itself when it is this one. Draws
        nothing from the rng, so a faulted document is the clean one with one cell changed."""
        d, title = self.where
        entity = title if entity is None else entity
        # the leading digit up by one (at least 5 units: a part printed in 백만원 may be off by half
        # a unit from rounding, so a change of one unit over two parts is no arithmetic error)
        if new is None:
            new = value + max(10 ** (len(str(abs(value))) - 1), 5)
        self.cands.append(Fault(kind, d, entity, fld, new, breaks, self.out.next))
        f = self.fault
        if f and f.kind == kind and f.department == d and f.entity == entity and f.field == fld:
            return new
        return value

    def budget_line(self, budget: int, label: str) -> tuple[str, int]:
        """The printed budget sentence and its value in won (national/provincial/city split)."""
        L, rng = self.L, self.rng
        form = L["budget_form"]
        self.split = {}
        if form == "억원":
            eok = rng.randint(1, 40)
            return f"{label} : {eok}억원 (시비 100%)", eok * 100_000_000
        if form == "백만원_split":
            m = budget // 1_000
            prov = m * 2 // 10
            self.split = {"provincial": prov * 1_000_000, "city": (m - prov) * 1_000_000}
            city = self.faulted("city", m - prov, "split.sources")
            return f"{label} : {m:,}백만원(도 {prov:,}, 시 {city:,})", m * 1_000_000
        if form == "원":
            won = budget * 1_000
            return f"{label} : {won:,}원 (시비)", won
        nat, prov = budget * 3 // 10, budget * 2 // 10
        self.split = {"national": nat * 1_000, "provincial": prov * 1_000, "city": (budget - nat - prov) * 1_000}
        city = self.faulted("city", budget - nat - prov, "split.sources")
        if form == "slash_split":
            return f"{label} : 총 {budget:,}천원 / 국비 {nat:,}, 도비 {prov:,}, 시비 {city:,}", budget * 1_000
        return f"{label} : {budget:,}천원 (국비 {nat:,}, 도비 {prov:,}, 시비 {city:,})", budget * 1_000

    def task_heading(self, i: int, title: str) -> str:
        return {"1.": f"{i}. {title}", "01": f"{i:02d} {title}", "[1]": f"[{i}] {title}",
                "【과제 1】": f"【과제 {i}】 {title}", "1": f"{i} {title}", "Ⅱ-1.": f"Ⅱ-{i}. {title}",
                "(1)": f"({i}) {title}", "과제 1.": f"과제 {i}. {title}"}[self.L["task_heading"]]

    def people(self, d: str, ext: int) -> str:
        head, leader, staff = self.rng.sample(PEOPLE, 3)
        team = self.rng.choice(TEAMS)
        p = self.L["people"]
        if p == "tab":
            return f"추진부서\t{d}장 {head}\t{team}장 {leader} (행 {ext})\t담당자 {staff} (행 {ext + 1})"
        if p == "☎":
            return f"추진부서 : {d} {team} (☎ 031-980-{ext})"
        if p == "block":
            return f"추진부서\n{d}장 {head}\n{team}장 {leader} (행 {ext})\n담당자 {staff} (행 {ext + 1})"
        if p == "☏":
            return f"추진부서 : {d} {team}장 {leader} ☏ {ext}"
        if p == "※ 담당":
            return f"※ 담당 : {d} {team}장 {leader} ☎ {ext}, 주무관 {staff} ☎ {ext + 1}"
        if p == "[bracket]":
            return f"[{d} {team}장 {leader} / 내선 {ext}]"
        return f"추진부서 : {d}({team}, 내선 {ext})"

    def page_end(self) -> None:
        fur = self.L["plan_furniture"]
        if fur == "none":
            return
        self.page += 1
        if fur == "slash_page":
            self.out.w(f"\n{self.page} / 40\n")
        elif fur == "running_title":
            self.out.w(f"\n{self.year}년 주요업무계획    {self.page}\n")
        else:
            self.out.w(f"\n- {self.page} -\n")

    # the department's general part: its budget and a table of its projects
    def unit_note(self, unit: str) -> str | None:
        note = self.L["plan_unit_note"]
        if note == "none":
            return None
        return note.replace("백만원", "천원").replace("천원", unit)

    def money(self, won: int) -> str:
        v = won // SCALES[self.L["table_scale"]]
        return f"{v:,}" if v else "-"

    def overview(self, d: str) -> None:
        L, w, rng, y = self.L, self.out.w, self.rng, self.year
        if L["dept_budget"] == "none" and L["budget_table"] == "none":
            return
        unit = L["table_scale"]
        scale = SCALES[unit]
        w(f"{L['section_mark']} {L['overview_title']}\n")
        note = self.unit_note(unit)
        head_unit = "" if note else f"({unit})"
        if L["dept_budget"] == "one_row":
            w(f"○ {y}년 예산 규모")
            if note:
                w(note)
            parts = [rng.randrange(100, 90_000) * 1_000_000, rng.randrange(1, 9_000) * 1_000_000,
                     rng.randrange(1, 3_000) * 1_000_000]
            w(f"계{head_unit}\t일반회계\t특별회계\t기금")
            total = self.faulted("budget", sum(parts) // scale, "table.total", "dept_budget", d)
            w("\t".join([f"{total:,}"] + [self.money(v) for v in parts]) + "\n")
        if L["budget_table"] == "none":
            return
        w("○ 주요사업 예산현황")
        if note:
            w(note)
        names: set[str] = set()
        projs = []
        for _ in range(rng.randint(3, 5)):
            nm = _unique(rng, names, lambda: f"{rng.choice(FIELDS)} {rng.choice(ACTS)}사업")
            nat = rng.choice([0, rng.randrange(10, 900)]) * 1_000_000
            prov = rng.choice([0, rng.randrange(10, 400)]) * 1_000_000
            projs.append((nm, nat, prov, rng.randrange(10, 2_000) * 1_000_000))
        T = [sum(p[i] for p in projs) for i in (1, 2, 3)]
        G = sum(T)
        shares = L["shares"]
        if L["budget_table"] == "grouped":
            w("\t".join(["사업명", f"사업비{head_unit}", "", "", ""] + (["구성비"] if shares == "구성비" else []) + ["비고"]))
            w("\t".join(["", "계", "국비", "도비", "시비"] + (["(%)"] if shares == "구성비" else []) + [""]))
        else:
            w("\t".join(["사업명", f"총사업비{head_unit}", "국비", "도비", "시비"] + (["구성비(%)"] if shares == "구성비" else [])
                        + ["비고"]))

        def pct(v: int) -> str:
            return f"{round(100 * v / G, 1):.1f}"

        def row(name: str, vals: list[int], note: str, entity: str, is_total: bool) -> int:
            s = sum(vals)
            tot = self.money(s)
            cells = [name, tot] + [self.money(v) for v in vals]
            if is_total:
                cells[1] = f"{self.faulted('budget', s // scale, 'table.total', 'budget_table', 'total'):,}"
            else:
                cells[4] = self.money(vals[2])
                if vals[2]:
                    cells[4] = f"{self.faulted('city', vals[2] // scale, 'split.sources', 'budget_item', entity):,}"
            if shares == "paren":
                if is_total:
                    cells[1] = f"{cells[1]} (100.0%)"
                else:
                    share = self.faulted("share", 0, "table.share", "budget_item", entity,
                                         new=f"{float(pct(s)) + 4:.1f}")
                    cells[1] = f"{cells[1]} ({pct(s) if share == 0 else share}%)"
            elif shares == "구성비":
                if is_total:
                    cells.append("100.0")
                else:
                    share = self.faulted("share", 0, "table.share", "budget_item", entity,
                                         new=f"{float(pct(s)) + 4:.1f}")
                    cells.append(pct(s) if share == 0 else share)
            cells.append(note)
            return w("\t".join(cells))

        label = L["total_label"]
        if L["total_pos"] == "first":
            row(label, T, "", "total", True)
        for nm, nat, prov, cit in projs:
            ln = row(nm, [nat, prov, cit], rng.choice(["계속", "신규", "", f"'{(y + 1) % 100:02d} 완공"]), nm, False)
            self.key.append(Fact("budget_item", d, nm, "budget", nat + prov + cit, ln, ("budget_table", "table_scale")))
            self.key.append(Fact("budget_item", d, nm, "city", cit, ln, ("budget_table", "table_scale")))
        if L["total_pos"] == "last":
            row(label, T, "", "total", True)
        w("")

    def build(self) -> Generated:
        L, w, rng, y = self.L, self.out.w, self.rng, self.year
        cover = {"- 년도 -": f"- {y}년도 -\n\n주요 시정계획", "년 주요업무계획": f"{y}년 주요업무계획",
                 "FY": f"FY{y} 주요업무계획", "년도 주요업무 보고": f"{y}년도 주요업무 보고"}[L["plan_cover"]]
        w(cover + f"\n\n{CITY}\n")
        tasks_of = {d: rng.sample(TOPICS, rng.randint(2, 4)) for d in self.depts}
        if L["plan_toc"] != "none":
            w("목 차\n")
            lead = "·" if L["plan_toc"] == "middots" else "."
            for n, d in enumerate(self.depts, 1):
                w(f"{n}. {d} {lead * 20} {n * 4}")
                if L["plan_toc"] == "tasks":
                    for i, (title, _) in enumerate(tasks_of[d], 1):
                        w(f"  {self.task_heading(i, title)} {'·' * 12} {n * 4 + i}")
            w("")
            self.page_end()
        ext = 4000
        sec, item = L["section_mark"], L["item_mark"]
        for n, d in enumerate(self.depts, 1):
            head = {"line": d, "Ⅰ.": f"{ROMAN[n - 1]}. {d}", "【】": f"【{d}】", "1.": f"{n}. {d}",
                    "□": f"□ {d}"}[L["plan_dept"]]
            self.where = (d, "")
            w(head + "\n")
            self.overview(d)
            w(f"{y}년도 주요업무계획\n")
            for i, (title, topic) in enumerate(tasks_of[d], 1):
                self.where = (d, title)
                no = w(self.task_heading(i, title))
                w("")
                if L["objective"] != "none":
                    w(f"{L['objective']} {topic} 기반 조성을 위한 {title}\n")
                w(f"{sec} 사업개요\n")
                w(f"{item} 사업기간 : " + {"dotted": f"{y}. 1. ~ 12.", "full": f"{y}.1.~{y}.12.",
                                             "words": f"{y}년 연중"}[L["period"]])
                budget = rng.randrange(10, 900) * 1_000  # 천원
                label = L["budget_label"]
                if L["multi_year"] != "none":
                    w(f"{item} 총사업비 : {rng.randint(5, 90)}억원 ({y}~{y + rng.randint(2, 4)}년)")
                    label = f"{y}년 " + ("예산" if label == "총사업비" else label)
                text, won = self.budget_line(budget, label)
                bno = w(f"{item} {text}")
                w(f"{item} 주요내용 : {title} 추진\n")
                w(f"{sec} 추진계획\n")
                a, b, c = rng.randint(1, 4), rng.randint(5, 8), rng.randint(9, 12)
                if L["schedule"] == "dated":
                    w(f"{item} {y}. {a}. 계획 수립")
                    w(f"{item} {y}. {b}. ~ {c}. 사업 추진\n")
                elif L["schedule"] == "month":
                    w(f"{item} {a}월 : 계획 수립")
                    w(f"{item} {b}월 ~ {c}월 : 사업 추진\n")
                else:
                    w(f"{item} 1/4분기 : 계획 수립")
                    w(f"{item} 2/4분기 ~ 4/4분기 : 사업 추진\n")
                if L["plan_unit_note"] != "none" and i == 1:
                    note = L["plan_unit_note"]
                    a, b = rng.randint(10, 500), rng.randint(10, 500)
                    w(note)
                    w("구분\t계\t국비\t시비")
                    total = self.faulted("table_total", a + b, "table.total_column")
                    w(f"{title}\t{total:,}\t{a:,}\t{b:,}\n")
                ext += rng.randint(2, 9)
                w(self.people(d, ext))
                w("")
                self.key.append(Fact("task", d, title, "title", title, no, ("task_heading",)))
                self.key.append(Fact("task", d, title, "department", d, no, ("plan_dept", "people")))
                self.key.append(Fact("task", d, title, "budget", won, bno, ("budget_form", "budget_label")))
                for src, v in self.split.items():
                    self.key.append(Fact("task", d, title, src, v, bno, ("budget_form",)))
            self.page_end()
        return Generated("plan", 0, L, "\n".join(self.out.lines) + "\n", self.key, self.fault, self.cands)


def plan(seed: int, *, layout: dict[str, str] | None = None, fault: Fault | None = None) -> Generated:
    """A work plan of :data:`CITY` in the layout drawn from ``seed`` (or ``layout``), with
    ``fault`` printed if given: a task's 시비 in a budget statement with its split
    (``split.sources``) or the 계 of its budget table (``table.total_column``)."""
    g = _Plan(seed, layout, fault).build()
    g.seed = seed
    return g


def faults(g: Generated, k: int | None = None) -> list[Fault]:
    """The candidate single-cell faults of a document (settlement or plan), one per (kind, field) —
    chosen by the document's seed — or ``k`` of them."""
    by: dict[tuple[str, str], list[Fault]] = {}
    for f in g.candidates:
        by.setdefault((f.kind, f.field), []).append(f)
    rng = random.Random(f"faults-{g.seed}")
    out = [rng.choice(v) for _, v in sorted(by.items())]
    return out if k is None else out[:k]


# --- reading them back ----------------------------------------------------------------------

_NOISE = "■□▣◆◇-–·ㆍ ()\t　"
GRADES = {"◎": "◎", "○": "○", "×": "×"}


def _norm(name: str | None) -> str:
    s = (name or "").strip()
    s = s.lstrip("■□▣◆◇-–·ㆍ○●◦ ")
    return "".join(ch for ch in s if not ch.isspace())


def _strip_unit(name: str) -> str:
    n = _norm(name)
    if n.endswith(")") and "(" in n:
        n = n[: n.rindex("(")]
    return n


def _fig(rec, fld):
    f = rec.figures.get(fld)
    if f is not None:
        return f.amount
    return getattr(rec, fld, None)


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(float(a) - float(b)) < 0.05


@dataclass
class Reading:
    """How one generated document read: facts recovered (by fact), refused, findings."""

    generated: Generated
    recovered: list[bool]
    refused: bool
    findings: list  # rule and read findings of severity error/warning
    document: object = None


def _index(doc):
    from sijeong.model import Indicator, PlanTask, Program, Revenue

    rev, prog, ind, task, item = {}, {}, {}, {}, {}
    for r in doc.records:
        if isinstance(r, Revenue):
            rev.setdefault((r.department, r.code if r.code else None), r)
        elif isinstance(r, Program):
            prog.setdefault((r.department, _norm(r.name)), r)
        elif isinstance(r, Indicator):
            ind.setdefault((r.department, _strip_unit(r.name)), r)
        elif isinstance(r, PlanTask):
            task.setdefault((r.department, _norm(r.title)), r)
        elif type(r).__name__ == "BudgetItem":
            item.setdefault((r.department, _norm(r.name)), r)
    return rev, prog, ind, task, item


def recovered(doc, key: list[Fact]) -> list[bool]:
    """For each fact of the key, whether the document holds it."""
    rev, prog, ind, task, item = _index(doc)
    out = []
    for f in key:
        ok = False
        if f.kind == "revenue":
            r = rev.get((f.department, f.entity))
            ok = r is not None and _same(_fig(r, f.field), f.value)
        elif f.kind == "program":
            p = prog.get((f.department, _norm(f.entity)))
            if p is None:  # the department's total row, printed 합계/계
                for alias in ("합계", "계", "총계"):
                    p = p or prog.get((f.department, alias))
                if p is not None and f.entity != f.department:
                    p = None
            if p is not None:
                if f.field == "level":
                    ok = (p.level or "total") == f.value
                else:
                    ok = _same(_fig(p, f.field), f.value)
        elif f.kind == "indicator":
            i = ind.get((f.department, _strip_unit(f.entity)))
            if i is not None:
                ok = (i.grade == f.value) if f.field == "grade" else _same(_fig(i, f.field), f.value)
        elif f.kind == "task":
            t = task.get((f.department, _norm(f.entity)))
            if t is not None:
                if f.field == "title":
                    ok = True
                elif f.field == "department":
                    ok = t.department == f.value
                else:
                    ok = _same(getattr(t, f.field), f.value)
        elif f.kind == "budget_item":
            b = item.get((f.department, _norm(f.entity)))
            ok = b is not None and _same(_fig(b, f.field), f.value)
        out.append(ok)
    return out


def read(g: Generated) -> Reading:
    """Read a generated document with the project's pipeline and its rules."""
    from sijeong.pipeline import check, load_text
    from sijeong.readers import read_errors

    doc = load_text(g.name, g.text, municipality=CITY)
    refused = bool(read_errors(doc))
    found = [f for f in doc.findings if f.severity in ("error", "warning")]
    if not refused:
        found += [f for f in check([doc]) if f.severity in ("error", "warning")]
    return Reading(g, recovered(doc, g.key) if not refused else [False] * len(g.key), refused, found, doc)


def caught(clean: Reading, bad: Reading, fault: Fault) -> bool:
    """A finding of the faulted document on the fault's line that the clean one lacks."""
    before = {(f.rule, tuple(f.lines)) for f in clean.findings}
    return any(fault.line in f.lines and (f.rule, tuple(f.lines)) not in before for f in bad.findings)


@dataclass
class Tally:
    docs: int = 0
    facts: int = 0
    found: int = 0
    refused: int = 0
    findings: int = 0
    faults: int = 0
    caught: int = 0

    def add(self, r: Reading, fault_results: list[bool]) -> None:
        self.docs += 1
        self.facts += len(r.recovered)
        self.found += sum(r.recovered)
        self.refused += r.refused
        self.findings += len(r.findings)
        self.faults += len(fault_results)
        self.caught += sum(fault_results)

    @staticmethod
    def share(a: int, b: int) -> str:
        return "–" if not b else f"{100 * a / b:.1f}%"

    def row(self) -> list[str]:
        return [str(self.docs), self.share(self.found, self.facts), str(self.refused), str(self.findings),
                self.share(self.caught, self.faults)]


def sweep(n: int, *, start: int = 0, with_faults: bool = True) -> dict:
    """Generate and read ``n`` settlement reports and ``n`` work plans (seeds start…start+n−1),
    inject the faults of each document, and tally by family and by layout choice/option."""
    total = {"settlement": Tally(), "plan": Tally()}
    by: dict[tuple[str, str, str], Tally] = {}
    readings: list[tuple[Reading, list[bool]]] = []
    for s in range(start, start + n):
        for fam in ("settlement", "plan"):
            g = settlement(s) if fam == "settlement" else plan(s)
            r = read(g)
            results: list[bool] = []
            if with_faults:
                make = settlement if fam == "settlement" else plan
                for f in faults(g):
                    bad = read(make(s, layout=g.layout, fault=f))
                    results.append(caught(r, bad, f))
            total[fam].add(r, results)
            for k, v in g.layout.items():
                by.setdefault((fam, k, v), Tally()).add(r, results)
            readings.append((r, results))
    return {"total": total, "by": by, "readings": readings}


def table(result: dict) -> str:
    """The sweep as a Markdown table: per family, then per layout choice and option."""
    head = "| family | choice | option | docs | key facts read | refused | findings on consistent | faults caught |\n"
    head += "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n"
    rows = []
    for fam, t in result["total"].items():
        rows.append("| " + " | ".join([fam, "**all**", ""] + t.row()) + " |")
    for (fam, k, v), t in sorted(result["by"].items()):
        rows.append("| " + " | ".join([fam, k, v.replace("|", "/")] + t.row()) + " |")
    return head + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", nargs="?", help="where to write the documents (not with --measure)")
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--measure", action="store_true", help="read them back and print the table")
    args = ap.parse_args(argv)
    if args.measure:
        print(table(sweep(args.n)))
        return
    if not args.outdir:
        ap.error("outdir is required unless --measure / --measure 없이는 출력 폴더가 필요합니다")
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    for s in range(args.n):
        for g in (settlement(s), plan(s)):
            (out / g.name).write_text(g.text, encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
