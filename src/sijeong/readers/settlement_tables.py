"""Settlement tables in any city's layout, found by what their headers say (issue 17).

The Gimpo layout (``【일반회계】 【부서】`` pages, ``과목 조직-장-관-항-목`` headers) is read by
``settlement_part`` and ``performance_part``. Other cities print the same tables under their
own headings (``제1장 세입결산``, ``Ⅱ. 사업별 결산``, ``【세출결산 사업별 내역】`` …), with
their own header labels, in any column order, with columns left out. This reader takes every
tab-separated table those readers left and names its columns from a vocabulary of labels
and synonyms (:data:`REVENUE`, :data:`PROGRAM`, :data:`INDICATOR`):

- a revenue table (예산액 / 징수결정액 / 수납액 / 미수납액 …) becomes :class:`Revenue` records by
  과목 code (a code column, or ``216 이자수입`` in one cell), the 장-관-항-목 tree from the codes;
- an expenditure table (예산현액 / 지출액 / 이월액 / 집행잔액 …) becomes :class:`Program` records,
  the 정책-단위-세부 level from the column the name stands in (정책사업 | 단위사업 | 세부사업), a
  level column (구분: 정책/단위/세부), symbols (■ policy, □ unit, - detail) or indentation;
- an indicator table (성과지표 / 목표 / 실적 / 달성률 / 달성도), one row per indicator or a block of
  목표/실적/달성률 rows, becomes :class:`Indicator` records; grades printed as ◎○×, ●◐○ or words
  (우수/달성/미달, 초과달성/달성/미달성) are normalised to ◎ ○ ×.

Derived columns (증감, 수납률, 구성비) are recognised and left out of the records. Money is
scaled by the unit note in force (any bracket style, ``금액단위``) or by a unit in the column's
own label (``예산액(천원)``). Decreases print as △, ▲, ``-`` or in parentheses. The department
is the table's own column or total row, or the last department line above (``가. 주민복지과``,
``○ 주민복지과``, ``[소관부서] 주민복지과``, ``부서명 : 주민복지과``) or account page header
(``< 일반회계 / 주민복지과 >``), which holds under its numbered sub-headings (``1. 주요성과``) up to
the next chapter. A 총괄 (부서명 | 지표수 | ◎ | ○ | × …) becomes :class:`DepartmentSummary` records.

Only for documents without the Gimpo page headers: those keep reading exactly as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Figure, Indicator, PolicyGoal, Program, Revenue, Table, TableRow
from .context import ReadContext
from .generic import cell_of
from .text import MONEY_UNITS, Line, ReadError, collapse, is_number, looks_broken_number, parse_number, parse_unit_note

# --- the vocabulary of header labels ----------------------------------------------------------

#: revenue field -> labels (spaces, circled numbers, (A)-style marks and units removed)
REVENUE: dict[str, tuple[str, ...]] = {
    "budget": ("예산액", "세입예산액", "예산", "세입예산", "예산액계"),
    "carried_over": ("전년도이월액", "전년도이월", "이월액"),
    "current_budget": ("예산현액",),
    "assessed": ("징수결정액", "징수결정", "징수액", "징수정액", "조정액"),
    "received_total": ("수납총액",),
    "in_kind": ("물납액",),
    "refunds": ("환급액",),
    "received": ("수납액", "실제수납액", "수납", "수납결정액"),
    "written_off": ("불납결손액", "결손액", "불납결손", "결손처분액", "결손처분"),
    "uncollected": ("미수납액", "미수납", "미수액"),
}
#: expenditure (program) field -> labels
PROGRAM: dict[str, tuple[str, ...]] = {
    "budget": ("예산액", "본예산", "예산"),
    "carried_over": ("전년도이월액", "전년도이월", "전년도이월예산"),
    "transfer_use": ("이용·전용", "이용전용", "이용"),
    "transfer_divert": ("전용",),
    "reserve_used": ("예비비사용액", "예비비"),
    "change": ("변경", "변경액"),
    "current_budget": ("예산현액", "현액", "예산현액계"),
    "spent": ("지출액", "집행액", "지출", "결산액", "지출결산액"),
    "carry_forward": ("이월액", "다음연도이월액", "차년도이월", "차년도이월액", "다음연도이월", "명시·사고이월"),
    "carry_explicit": ("명시이월", "명시이월액"),
    "carry_accident": ("사고이월", "사고이월액"),
    "carry_continuing": ("계속비이월", "계속비이월액"),
    "subsidy_returned": ("보조금반납금", "반납금"),
    "unspent": ("집행잔액", "불용액", "잔액", "집행잔액계"),
}
#: indicator field -> labels
INDICATOR: dict[str, tuple[str, ...]] = {
    "name": ("성과지표", "성과지표명", "지표명", "지표", "성과지표(단위)"),
    "unit": ("단위",),
    "target": ("목표", "목표치", "목표값", "당초목표"),
    "actual": ("실적", "실적치", "실적값", "추진실적", "측정값", "측정치"),
    "rate": ("달성률", "달성율", "달성도(%)", "달성률(%)", "달성율(%)", "목표대비달성률"),
    "grade": ("달성도", "성과달성도", "평가", "등급", "평가결과", "달성여부"),
    "kind": ("구분",),
}
#: policy goal (정책사업목표 현황) field -> labels
GOAL: dict[str, tuple[str, ...]] = {
    "indicator_count": ("성과지표수", "지표수", "성과지표개수"),
    "achieved_indicator_count": ("달성지표수", "달성지표"),
    "unit_program_count": ("단위사업수",),
    "budget": ("예산현액", "예산액", "예산"),
    "settled": ("결산액", "지출액", "집행액"),
}
GOAL_NAMES = ("정책사업목표", "정책사업목표명", "정책목표", "성과목표")
#: label columns of the three kinds: names, codes, departments, levels
CODE_LABELS = ("과목코드", "코드", "과목번호")
NAME_LABELS = ("과목", "과목명", "세입과목", "사업명", "사업", "구분", "부서", "부서명", "소관", "정책사업", "단위사업", "세부사업")
LEVEL_COLUMNS = {"정책사업": "policy", "단위사업": "unit", "세부사업": "detail", "부서": None, "부서명": None, "소관": None}
#: columns computed from others in the same row: recognised, not stored
DERIVED = ("증감", "증감액", "증감(△)", "수납률", "수납율", "징수율", "집행률", "집행율", "구성비", "비율", "비고", "증감률")

_MARKS = re.compile(r"[①-⑳㉑-㉟\s]|\([A-Za-z]\)|[A-Z]$|=.*$")
_YEAR_COLUMN = re.compile(r"(?:20\d\d|['‘’]\d\d)년?도?")
_YEAR_PREFIX = re.compile(r"^['‘’]\d{2}(년)?")
_LABEL_UNIT = re.compile(r"\((?P<u>원|천원|백만원|억원)\)$")
_CODE = re.compile(r"^(?P<code>\d{3}(?:-\d{2,3})?)\s+(?P<name>\S.*)$")
_CODE_AFTER = re.compile(r"^(?P<name>\S.*?)\s*\((?P<code>\d{3}(?:-\d{2,3})?)\)$")  # 이자수입(216), 기타이자수입(216-06)
_BARE_CODE = re.compile(r"^\d{3}(?:-\d{2,3})?$")
DEPT_NAME = re.compile(r"^[가-힣·]{2,14}(과|담당관|사업소|관|실|국|소|단|센터|본부)$")
_DEPT_LINE = re.compile(
    r"^\s*(?:[가-하]\.|\d{1,2}\)|[○◦●▶►]|\[\s*(?:소관\s*부서|부서)\s*\]|\(\s*(?:소관\s*부서|부서)\s*\)|(?:소관\s*)?부서\s*명?\s*[:：])\s*"
    r"(?P<dept>[가-힣·]{2,14})\s*$"
)
_HEADING = re.compile(r"^\s*(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.|제\s*\d+\s*장|\d{1,2}\.|【[^】]+】$)")
TOTAL_NAMES = ("합계", "계", "총계", "총괄", "부서계", "합 계", "총 계")
#: grades as printed -> the glossary's grade
GRADE_WORDS = {"◎": "◎", "○": "○", "×": "×", "X": "×", "x": "×", "우수": "◎", "초과달성": "◎", "매우우수": "◎",
               "달성": "○", "보통": "○", "미달": "×", "미달성": "×", "부진": "×"}
_FILLED_GRADES = {"●": "◎", "◐": "○", "○": "×"}  # a table printing ● or ◐ means ○ as its lowest grade
_SYMBOL_LEVEL = {"■": "policy", "▣": "policy", "◆": "policy", "□": "unit", "◇": "unit", "-": "detail", "ㅇ": "detail",
                 "·": "detail", "–": "detail", "○": "detail"}
_LEVEL_WORDS = {"정책": "policy", "정책사업": "policy", "단위": "unit", "단위사업": "unit", "세부": "detail",
                "세부사업": "detail"}
LEVELS = ("policy", "unit", "detail")


def clean_label(cell: str) -> tuple[str, int | None]:
    """A header cell as a vocabulary key, and the money multiplier its own unit names
    (``예산액(천원)`` → (``예산액``, 1000))."""
    s = re.sub(r"\s+", "", cell)
    mult = None
    m = _LABEL_UNIT.search(s)
    if m:
        mult = MONEY_UNITS.get(m.group("u"))
        s = s[: m.start()]
    s = _YEAR_PREFIX.sub("", s)
    s = _MARKS.sub("", s)
    return s, mult


_QUALIFIER = re.compile(r"^(?P<base>[^()]+)\((?P<inner>[^()]*)\)$")


def _field(label: str, vocab: dict[str, tuple[str, ...]]) -> str | None:
    """The field a label names: the label itself, else by its words — an 이월액 of the
    previous year (``이월액(전년)``, ``전년도 이월``) or of the next (``차년도``/``다음연도``/
    ``익년도``), a label with a qualifier in parentheses (``예산현액(A+B)``, ``불용액(집행잔액)``:
    the base, else the qualifier)."""
    for key, words in vocab.items():
        if label in words:
            return key
    if "이월" in label:
        if "전년" in label and "carried_over" in vocab:
            return "carried_over"
        if re.search("차년|다음|익년", label) and "carry_forward" in vocab:
            return "carry_forward"
    m = _QUALIFIER.match(label)
    if m:
        return _field(m.group("base"), vocab) or _field(m.group("inner"), vocab)
    return None


@dataclass
class Columns:
    kind: str  # revenue / program / indicator
    fields: dict[int, str]  # column index -> field
    multipliers: dict[int, int]
    code_col: int | None = None
    name_cols: list[int] = field(default_factory=list)  # label columns, in order
    level_col: int | None = None  # 구분 (정책/단위/세부) or the position of the name (columns style)
    dept_col: int | None = None
    tree_cols: dict[int, str | None] = field(default_factory=dict)  # 정책사업/단위사업/세부사업/부서 columns
    unit_col: int | None = None
    kind_col: int | None = None  # 구분 of an indicator block
    goal_col: int | None = None  # 정책사업목표 beside an indicator (blank: the one above)
    value_cols: list[int] = field(default_factory=list)  # an indicator block's year columns


def classify(cells: list[str]) -> Columns | None:
    """Name the columns of a header line; None if it is no revenue, expenditure or
    indicator header."""
    labels = [clean_label(c) for c in cells]
    best: Columns | None = None
    for kind, vocab in (("revenue", REVENUE), ("program", PROGRAM), ("indicator", INDICATOR), ("goal", GOAL)):
        cols = Columns(kind, {}, {})
        for i, (lab, mult) in enumerate(labels):
            if kind == "indicator" and _YEAR_COLUMN.fullmatch(re.sub(r"\s+", "", cells[i])):
                cols.value_cols.append(i)  # '22년, 2023년: a block's year column (its label is all prefix)
                continue
            if not lab:
                continue
            if kind != "indicator" and lab in CODE_LABELS:
                cols.code_col = i
                continue
            if kind == "program" and lab in LEVEL_COLUMNS:
                cols.tree_cols[i] = LEVEL_COLUMNS[lab]
                continue
            if kind in ("indicator", "goal") and lab in GOAL_NAMES:
                if kind == "indicator":
                    cols.goal_col = i
                else:
                    cols.name_cols.append(i)
                continue
            if kind == "indicator" and lab in ("부서", "부서명", "소관"):
                cols.dept_col = i
                continue
            if kind == "program" and lab == "구분":
                cols.level_col = i
                continue
            f = _field(lab, vocab)
            if f is None:
                if lab in NAME_LABELS:
                    cols.name_cols.append(i)
                elif kind == "indicator" and re.fullmatch(r"(20\d\d|'\d\d)년?(도)?(목표|실적)?", lab):
                    cols.value_cols.append(i)
                continue
            if f in cols.fields.values():
                continue
            if kind == "indicator" and f == "name":
                cols.name_cols.append(i)
                continue
            if kind == "indicator" and f == "unit":
                cols.unit_col = i
                continue
            if kind == "indicator" and f == "kind":
                cols.kind_col = i
                continue
            cols.fields[i] = f
            if mult:
                cols.multipliers[i] = mult
        got = set(cols.fields.values())
        if kind == "revenue":
            ok = len(got & {"budget", "assessed", "received", "uncollected", "written_off"}) >= 3 and (
                "assessed" in got or "uncollected" in got)
        elif kind == "program":
            ok = len(got & {"current_budget", "spent", "carry_forward", "unspent"}) >= 3 and "spent" in got
        elif kind == "goal":
            # named by a 정책사업목표 column (a 부서명 table with 지표수 and 결산액 is the 총괄)
            ok = any(labels[i][0] in GOAL_NAMES for i in cols.name_cols) and "settled" in got and len(got) >= 2
        else:
            row = {"target", "actual"} <= got and bool(cols.name_cols)
            block = cols.kind_col is not None and bool(cols.name_cols) and (bool(cols.value_cols) or bool(got))
            ok = row or block
            if block and not row:
                # a block's values stand in its year column(s); a grade column (평가) stays
                cols.fields = {k: f for k, f in cols.fields.items() if f == "grade"}
                if not cols.value_cols:
                    cols.value_cols = [i for i in range(cols.kind_col + 1, len(cells))]
        if ok:
            best = cols
            break
    return best


#: 총괄 (부서별 성과목표 총괄): count column -> labels; grade columns by their grade (:func:`_grade_column`)
SUMMARY_COUNTS: dict[str, tuple[str, ...]] = {
    "policy_goal_count": ("정책사업목표수", "정책사업목표", "정책목표수", "정책목표"),
    "indicator_count": ("지표수", "성과지표수", "성과지표"),
}
SUMMARY_NAMES = ("부서명", "부서", "소관", "소관부서")
_GRADE_COUNT = {"◎": "exceeded_count", "○": "achieved_count", "×": "missed_count"}


def _grade_column(label: str, filled: bool) -> str | None:
    """The count a grade column holds: ``초과달성``/``◎``/``우수`` → exceeded, ``달성``/``○`` →
    achieved, ``미달성``/``×``/``미달`` → missed; in a table printing ● and ◐, ○ is missed."""
    if filled and label in _FILLED_GRADES:
        return _GRADE_COUNT[_FILLED_GRADES[label]]
    grade = GRADE_WORDS.get(label) or ("◎" if label == "초과" else None)
    return _GRADE_COUNT.get(grade) if grade else None


def classify_summary(cells: list[str]) -> Columns | None:
    """A 총괄 header: a department column, an indicator count and at least two grade columns
    (``부서명 | 정책사업목표수 | 지표수 | ◎ | ○ | × | 결산액``, or grouped: 성과지표 over (개),
    성과달성도 over 초과달성 / 달성 / 미달성). Its 결산액 is left out: a city's 총괄 sums the
    policy programs, another's every expenditure."""
    labels = [re.sub(r"[(\[][^()\[\]]*[)\]]$", "", re.sub(r"\s+", "", c)) for c in cells]
    filled = any(lab in ("●", "◐") for lab in labels)
    cols = Columns("summary", {}, {})
    for i, lab in enumerate(labels):
        if not lab:
            continue
        if lab in SUMMARY_NAMES and not cols.name_cols:
            cols.name_cols.append(i)
            continue
        f = next((k for k, words in SUMMARY_COUNTS.items() if lab in words), None) or _grade_column(lab, filled)
        if f and f not in cols.fields.values():
            cols.fields[i] = f
    got = set(cols.fields.values())
    grades = got & set(_GRADE_COUNT.values())
    if cols.name_cols and "indicator_count" in got and len(grades) >= 2:
        return cols
    return None


def _summary(ctx: ReadContext, st: _State, cols: Columns, rows: list[Line]) -> None:
    """One DepartmentSummary per row of a 총괄 of another layout (the 계 row as the total)."""
    from ..model import DepartmentSummary

    for ln in rows:
        name = collapse(_cell(ln.cells, cols.name_cols[0]))
        if not name:
            continue
        total = _is_total(name)
        if not total and not DEPT_NAME.match(name):
            continue
        src = ctx.src(ln)
        rec = DepartmentSummary(source=src, municipality=ctx.municipality, year=ctx.year,
                                department=None if total else name, name=name, section="총괄", is_total=total)
        for k, f in cols.fields.items():
            try:
                fig = number(_cell(ln.cells, k), src, 1)
            except ReadError:
                fig = None
            if fig is not None and fig.value is not None and float(fig.value).is_integer():
                rec.set(f, Figure(int(fig.value), fig.raw, fig.source, "개"))
        ctx.add(rec)


# --- numbers -------------------------------------------------------------------------------

_PAREN_NEG = re.compile(r"^\((?P<n>[\d,]+(?:\.\d+)?)\)$")
_PCT = re.compile(r"^(?P<n>[△▲-]?\s*[\d,]+(?:\.\d+)?)\s*%$")


def number(cell: str, src, multiplier: int = 1) -> Figure | None:
    """A cell's number: ``1,234``, ``△1,234``, ``▲1,234``, ``-1,234``, ``(1,234)``, ``-`` (none),
    ``105%``, ``105.0 %``. None for an empty or text cell; a broken number raises."""
    token = cell.strip()
    if not token:
        return None
    m = _PAREN_NEG.match(token)
    if m:
        fig = parse_number(m.group("n"), src, multiplier=multiplier)
        return Figure(-fig.value, token, src)
    m = _PCT.match(token)
    if m:
        fig = parse_number(m.group("n").replace(" ", "") + "%", src)
        return Figure(fig.value, token, src, "%")
    if is_number(token):  # 12.34 in a 억원 table is 1,234,000,000원 (parse_number refuses a fraction of a won)
        return parse_number(token, src, multiplier=multiplier)
    if looks_broken_number(token):
        raise ReadError(src, f"숫자 안에 문자가 있습니다 / letter inside a number: {token!r}", token)
    return None


def _plain(cell: str, src) -> Figure | None:
    """An indicator value: as printed, no money scale (``1,234``, ``42.4``, ``105%``)."""
    return number(cell, src, 1)


# --- the walk ---------------------------------------------------------------------------------


@dataclass
class _State:
    department: str | None = None
    multiplier: int = 1
    title: str | None = None
    positions: dict = field(default_factory=dict)
    filled: bool = False  # grades printed ● ◐ ○
    page_department: bool = False  # the department came from an account page header
    chapter_no: int | None = None  # the last ``N.`` heading read as a chapter
    sub_no: int | None = None  # the last ``N.`` heading read as a sub-heading of the page's department
    lettered_chapters: bool = False  # chapters are Ⅰ. / 제1장 / 【】 headings


def read(ctx: ReadContext) -> None:
    """Read every revenue, expenditure and indicator table the Gimpo-layout readers left
    (documents without ``【회계】 【부서】`` page headers only)."""
    from .settlement_part import page_header

    if any(page_header(ln) for ln in ctx.lines) and any(
            isinstance(r, (Revenue, Program, Indicator)) for r in ctx.records):
        return  # the Gimpo layout, read by its own readers

    st = _State()
    lines = ctx.lines
    # ● ◐ ○ grades: ○ is then the lowest grade, in every table of the document (a table whose
    # indicators all missed prints only ○); a legend ``※ ● 초과달성, ◐ 달성, ○ 미달성`` says so too
    st.filled = any(c in ("●", "◐") for ln in lines if "\t" in ln.text for c in ln.cells) or any(
        "●" in ln.text and "◐" in ln.text for ln in lines if "\t" not in ln.text)
    i = 0
    while i < len(lines):
        ln = lines[i]
        s = ln.stripped
        if not s:
            i += 1
            continue
        if "\t" not in ln.text.strip():  # context even when another reader took the line as a heading
            _text_line(ctx, st, ln)
            i += 1
            continue
        if ln.no in ctx.consumed:
            i += 1
            continue
        header = [ln]
        cells = ln.cells
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and nxt.no not in ctx.consumed and _is_label_row(nxt):
            header.append(nxt)  # a grouped header: 다음연도이월액 over 계 / 명시이월 / 사고이월
            cells = merge_header(ln.cells, nxt.cells)
        summary = classify_summary(cells)
        if summary is not None:
            _summary(ctx, st, summary, _rows(ctx, header[-1].no, header)[0])
            i += len(header)  # the table stays for the generic reader too (its 계 row, its columns)
            continue
        cols = classify(cells)
        if cols is None:
            i += 1
            continue
        i = _table(ctx, st, header, cols)


_NUMERIC_CELL = re.compile(r"^[△▲(-]?\s*[\d,]+(?:\.\d+)?\)?\s*%?$")


def _is_label_row(ln: Line) -> bool:
    """A header's second row: a tab line of labels only (no number, at least one word)."""
    if "\t" not in ln.text.strip() or not ln.stripped:
        return False
    cells = [c for c in ln.cells if c]
    return bool(cells) and not any(_NUMERIC_CELL.match(c) for c in cells) and any(
        re.search(r"[가-힣]", c) for c in cells)


SUBTOTAL_LABELS = ("계", "소계", "합계")
_UNIT_ONLY = re.compile(r"^[(\[]\s*[^()\[\]\d]{1,4}\s*[)\]]$")  # (개), (천원), [%]


def merge_header(top: list[str], sub: list[str]) -> list[str]:
    """Two header rows as one: a group's label (``다음연도이월액``) spans the empty cells to its
    right; a sub-label names its column (``명시이월``), a ``계`` under a group is the group's total;
    a unit in the group's label (``수납액(천원)``) is its columns' unit."""
    out: list[str] = []
    group = ""
    for k in range(max(len(top), len(sub))):
        a = top[k].strip() if k < len(top) else ""
        b = sub[k].strip() if k < len(sub) else ""
        if a:
            group = a
        if b and _UNIT_ONLY.match(b) and (a or group):
            out.append((a or group) + b)  # 성과지표 over (개): the column is 성과지표(개)
        elif b:
            unit = _LABEL_UNIT.search(re.sub(r"\s+", "", group))  # the group's unit is its columns'
            label = group if b in SUBTOTAL_LABELS and group else b
            out.append(label + unit.group(0) if unit and not _LABEL_UNIT.search(label) else label)
        else:
            out.append(a)
    return out


def _text_line(ctx: ReadContext, st: _State, ln: Line) -> None:
    s = ln.stripped
    try:
        note = parse_unit_note(s, ctx.src(ln))
    except ReadError:
        note = None
    if note is not None:
        st.multiplier = note.multiplier
        return
    dept = _account_department(s)
    if dept:
        st.department = dept
        st.multiplier = 1  # each page states its own unit
        st.page_department, st.sub_no = True, None
        return
    m = _DEPT_LINE.match(s)
    if m and DEPT_NAME.match(m.group("dept")):
        st.department = m.group("dept")
        st.page_department = False
        return
    if DEPT_NAME.match(s) and len(s) <= 14:
        st.department = s
        st.page_department = False
        return
    if _HEADING.match(s):
        st.multiplier = 1
        st.title = collapse(s)
        if _sub_heading(st, s):
            return  # ``1. 주요성과`` under ``< 일반회계 / 주민복지과 >``: still that department's pages
        st.department = None  # a new chapter (or a section of one): its tables name their own departments
        st.page_department, st.sub_no = False, None
        n = _NUMBERED.match(s)
        if not n:
            st.lettered_chapters, st.chapter_no = True, None  # Ⅰ. 제1장 【】: ``1.`` is below them
        elif not st.lettered_chapters and (st.chapter_no is None or int(n.group(1)) == st.chapter_no + 1):
            st.chapter_no = int(n.group(1))  # ``1. 부서별 총괄`` under ``3. 성과보고`` is no chapter


_NUMBERED = re.compile(r"^\s*(\d{1,2})\.")


def _sub_heading(st: _State, s: str) -> bool:
    """A numbered heading (``3. 성과지표 달성현황``) inside a department's pages (set by an
    account page header) is that department's sub-heading, unless it continues the chapters'
    numbering (``1. 세입결산``, ``2. 세출결산`` → ``3. 성과보고``) rather than the sub-headings' own
    (``3.`` → ``4.`` under one department). Chapters of another style (Ⅰ., 제1장, 【】) always
    end the department's pages."""
    m = _NUMBERED.match(s)
    if not (m and st.page_department):
        return False
    n = int(m.group(1))
    if st.chapter_no is not None and n == st.chapter_no + 1 and not (st.sub_no is not None and n == st.sub_no + 1):
        return False
    st.sub_no = n
    return True


_ACCOUNT = re.compile(r"(일반|특별|기타특별|공기업특별)\s*회계|기금")
_DEPT_TOKEN = re.compile(r"[가-힣·]{2,14}")


def _account_department(s: str) -> str | None:
    """A page header naming an account and a department, however bracketed:
    ``【일반회계】 【주민복지과】``, ``[일반회계] [주민복지과]``, ``< 일반회계 / 주민복지과 >``,
    ``○ 회계 : 일반회계  ○ 부서 : 주민복지과``, ``■ 주민복지과 (일반회계)``."""
    if len(s) > 60 or not _ACCOUNT.search(s):
        return None
    names = [t for t in _DEPT_TOKEN.findall(_ACCOUNT.sub(" ", s)) if DEPT_NAME.match(t) and not t.endswith("회계")]
    return names[-1] if len(names) == 1 else None


def _rows(ctx: ReadContext, i: int, header: list[Line]) -> tuple[list[Line], list[Line], int]:
    """The table's rows from line index ``i``: up to a blank or text line — unless only page
    furniture stands between (a page break inside the table), then the rows go on, after the
    header printed again if it is. Returns the rows, the repeated header lines and the next index."""
    rows: list[Line] = []
    repeats: list[Line] = []
    texts = [h.text.strip() for h in header]
    while i < len(ctx.lines):
        ln = ctx.lines[i]
        if ln.stripped and "\t" in ln.text.strip() and ln.no not in ctx.consumed:
            rows.append(ln)
            i += 1
            continue
        if ln.stripped or not rows:
            break
        j, page = i, False  # blank: page furniture up to the next tab line?
        while j < len(ctx.lines) and not ctx.lines[j].stripped:
            page = page or ctx.lines[j].no in ctx.furniture
            j += 1
        if not page or j >= len(ctx.lines) or "\t" not in ctx.lines[j].text.strip() or ctx.lines[j].no in ctx.consumed:
            break
        k = j
        while k < len(ctx.lines) and k - j < len(texts) and ctx.lines[k].text.strip() == texts[k - j]:
            k += 1
        if k - j == len(texts):
            repeats.extend(ctx.lines[j:k])
        elif k != j or classify(ctx.lines[j].cells) is not None:
            break  # another table
        i = k
    return rows, repeats, i


def _table(ctx: ReadContext, st: _State, header: list[Line], cols: Columns) -> int:
    i = header[-1].no  # index of the line after the header
    rows, repeats, nxt = _rows(ctx, i, header)
    if not rows:
        return i
    if cols.kind == "revenue":
        _revenue(ctx, st, cols, rows)
    elif cols.kind == "program":
        _programs(ctx, st, cols, rows)
    elif cols.kind == "goal":
        _goals(ctx, st, cols, rows)
    else:
        _indicators(ctx, st, cols, rows)
    if cols.kind in ("revenue", "program"):
        # kept whole too, so that the rules see the columns the records leave out (수납률, 집행률)
        ctx.tables.append(Table(
            source=ctx.src(header[0]), municipality=ctx.municipality, year=ctx.year, department=st.department,
            name=st.title or ("세입결산" if cols.kind == "revenue" else "세출결산"),
            header=[h.cells for h in header], header_lines=[h.no for h in header],
            rows=[TableRow(ctx.src(r), [cell_of(c, ctx.src(r), cols.multipliers.get(k, st.multiplier))
                                        for k, c in enumerate(r.cells)]) for r in rows],
            typed=True, kind=f"{cols.kind}_labels"))
    ctx.consume(*header, *repeats, *rows)
    return nxt


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _raw_cell(ln: Line, i: int) -> str:
    parts = ln.text.split("\t")
    return parts[i] if i < len(parts) else ""


def _is_total(name: str) -> bool:
    return re.sub(r"\s+", "", name) in {re.sub(r"\s+", "", t) for t in TOTAL_NAMES}


def _values(ctx: ReadContext, st: _State, cols: Columns, ln: Line) -> dict[str, Figure]:
    cells, src = ln.cells, ctx.src(ln)
    out = {}
    for k, f in cols.fields.items():
        fig = number(_cell(cells, k), src, cols.multipliers.get(k, st.multiplier))
        if fig is not None:
            out[f] = fig
    return out


def _name_cells(cols: Columns, cells: list[str]) -> list[tuple[int, str]]:
    label_cols = sorted(set(cols.name_cols) | set(cols.tree_cols))
    if not label_cols:  # no labelled name column: the cells before the first value column
        first = min(cols.fields) if cols.fields else 1
        label_cols = [k for k in range(first) if k not in (cols.code_col, cols.level_col)]
    return [(k, _cell(cells, k)) for k in label_cols if _cell(cells, k)]


def _revenue(ctx: ReadContext, st: _State, cols: Columns, rows: list[Line]) -> None:
    stack: list[tuple[int, str]] = []
    dept = st.department
    for ln in rows:
        cells, src = ln.cells, ctx.src(ln)
        values = _values(ctx, st, cols, ln)
        if not values:
            continue
        names = _name_cells(cols, cells)
        name = collapse(" ".join(n for _, n in names))
        code = _cell(cells, cols.code_col) or None
        if code and not _BARE_CODE.match(code):
            code = None
        if code is None:
            m = _CODE.match(name) or _CODE_AFTER.match(name)
            if m:
                code, name = m.group("code"), m.group("name").strip()
        if code is None:  # a total row: the department's, or the table's 합계
            if DEPT_NAME.match(name):
                dept = name
            level, parent = 0, None
            stack.clear()
            name = dept or name
        else:
            level = 4 if "-" in code else 1 if code.endswith("00") else 2 if code.endswith("0") else 3
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = stack[-1][1] if stack else None
            stack.append((level, code))
        key = ("revenue", dept)
        st.positions[key] = st.positions.get(key, 0) + 1
        rec = Revenue(source=src, municipality=ctx.municipality, year=ctx.year, department=dept, name=name,
                      section="세입결산", account=None, code=code, level=level, parent_code=parent,
                      position=st.positions[key])
        for f, fig in values.items():
            rec.set(f, fig)
        ctx.add(rec)


_LEVEL_TAG = re.compile(r"^[\[(【<〔]\s*(?P<w>정책|단위|세부)(?:사업)?\s*[\])】>〕]\s*(?P<name>\S.*)$")


def _goals(ctx: ReadContext, st: _State, cols: Columns, rows: list[Line]) -> None:
    """정책사업목표 현황 of another layout: one PolicyGoal per row (counts as printed, money
    scaled by the unit note)."""
    for ln in rows:
        name = collapse(_cell(ln.cells, cols.name_cols[0]))
        if not name or _is_total(name):
            continue
        src = ctx.src(ln)
        rec = PolicyGoal(source=src, municipality=ctx.municipality, year=ctx.year, department=st.department,
                         name=name, section="정책사업목표 현황")
        for k, f in cols.fields.items():
            money = f in ("budget", "settled")
            fig = number(_cell(ln.cells, k), src, cols.multipliers.get(k, st.multiplier) if money else 1)
            if fig is not None:
                rec.set(f, fig)
        ctx.add(rec)


def _level_of(cols: Columns, ln: Line, name_col: int | None, name: str, raw: str) -> tuple[str | None, str]:
    """The row's level (policy/unit/detail; None for a department or total row) and its name."""
    if cols.tree_cols and name_col in cols.tree_cols:
        return cols.tree_cols[name_col], name
    if cols.level_col is not None:
        word = re.sub(r"\s+", "", _cell(ln.cells, cols.level_col))
        if word in _LEVEL_WORDS:
            return _LEVEL_WORDS[word], name
        return None, name
    m = _LEVEL_TAG.match(name)
    if m:  # [정책] 주민자치 활성화, (세부) …, 【단위】 …
        return _LEVEL_WORDS[m.group("w")], m.group("name").strip()
    sym = name[:1]
    if sym in _SYMBOL_LEVEL and len(name) > 1 and name[1] == " ":
        return _SYMBOL_LEVEL[sym], name[1:].strip()
    return "indent", name


def _programs(ctx: ReadContext, st: _State, cols: Columns, rows: list[Line]) -> None:
    dept = st.department
    parsed = []
    indents: set[int] = set()
    for ln in rows:
        values = _values(ctx, st, cols, ln)
        if not values:
            continue
        names = _name_cells(cols, ln.cells)
        if not names:
            continue
        name_col, name = names[-1]
        raw = _raw_cell(ln, name_col)
        level, name = _level_of(cols, ln, name_col, name, raw)
        if _is_total(name) or (DEPT_NAME.match(name) and (level in (None, "indent"))):
            if DEPT_NAME.match(name):
                dept = name
            parsed.append((ln, None, dept or name, values, dept))
            continue
        indent = len(raw.replace("\u3000", "  ")) - len(raw.replace("\u3000", "  ").lstrip(" "))
        if level == "indent":
            indents.add(indent)
        parsed.append((ln, level if level != "indent" else ("indent", indent), collapse(name), values, dept))
    depth = {d: k for k, d in enumerate(sorted(indents))}
    stack: dict[str, str] = {}
    for ln, level, name, values, dept_ in parsed:
        if isinstance(level, tuple):
            level = LEVELS[min(depth[level[1]], 2)]
        parent = None
        if level in LEVELS:
            k = LEVELS.index(level)
            parent = stack.get(LEVELS[k - 1]) if k else dept_
            stack[level] = name
            for lower in LEVELS[k + 1:]:
                stack.pop(lower, None)
        else:
            stack.clear()
        key = ("program", dept_)
        st.positions[key] = st.positions.get(key, 0) + 1
        rec = Program(source=ctx.src(ln), municipality=ctx.municipality, year=ctx.year, department=dept_,
                      name=name, section="사업별조서", account=None, level=level, parent=parent,
                      position=st.positions[key])
        for f, fig in values.items():
            rec.set(f, fig)
        ctx.add(rec)


def grade_of(printed: str, filled: bool) -> str | None:
    p = re.sub(r"\s+", "", printed)
    if not p:
        return None
    if filled and p in _FILLED_GRADES:
        return _FILLED_GRADES[p]
    return GRADE_WORDS.get(p)


_NAME_UNIT = re.compile(r"^(?P<name>.+?)\s*\((?P<unit>[^()]{1,6})\)$")


def _indicator(ctx: ReadContext, st: _State, ln: Line, name: str, unit: str | None, dept: str | None,
               figs: dict[str, Figure], grade: tuple[str, Figure] | None) -> Indicator:
    """One indicator. ``grade`` is the glossary's grade and the printed one (a Figure
    without a value, its ``raw`` as printed — ``●``, ``우수`` — and its line, which the grade
    rule cites)."""
    m = _NAME_UNIT.match(name)
    if m and not unit:
        name, unit = m.group("name"), m.group("unit")
    rec = Indicator(source=ctx.src(ln), municipality=ctx.municipality, year=ctx.year, department=dept,
                    name=collapse(name), section="성과지표 달성현황", unit=unit or None,
                    grade=grade[0] if grade else None)
    for f, fig in figs.items():
        rec.set(f, fig)
    if grade:
        rec.figures["grade"] = grade[1]
    ctx.add(rec)
    return rec


def _grade(printed: str, filled: bool, src) -> tuple[str, Figure] | None:
    g = grade_of(printed, filled)
    return None if g is None else (g, Figure(None, printed.strip(), src, "grade"))


def _indicators(ctx: ReadContext, st: _State, cols: Columns, rows: list[Line]) -> None:
    grade_cols = [k for k, f in cols.fields.items() if f == "grade"]
    printed = {_cell(ln.cells, k) for ln in rows for k in grade_cols}
    if cols.kind_col is not None:
        printed |= {_cell(ln.cells, k) for ln in rows for k in cols.value_cols}
    filled = st.filled or bool({"●", "◐"} & printed)
    dept = st.department
    goal = None
    if cols.kind_col is None:
        for ln in rows:
            cells = ln.cells
            if cols.dept_col is not None and _cell(cells, cols.dept_col):
                dept = _cell(cells, cols.dept_col)
            if cols.goal_col is not None and _cell(cells, cols.goal_col):
                goal = collapse(_cell(cells, cols.goal_col))
            name = _cell(cells, cols.name_cols[0])
            if not name:
                continue
            src = ctx.src(ln)
            figs, grade = {}, None
            for k, f in cols.fields.items():
                if f == "grade":
                    grade = _grade(_cell(cells, k), filled, src)
                    continue
                fig = _plain(_cell(cells, k), src)
                if fig is not None:
                    figs[f] = fig
            rec = _indicator(ctx, st, ln, name, _cell(cells, cols.unit_col) or None, dept, figs, grade)
            rec.policy_goal = goal
        return
    # a block: the name on its first row, then one row per 구분 (목표 / 실적 / 달성률 / 달성도)
    cur: list = []

    def flush():
        if cur:
            ln, name, unit, d, figs, grade = cur
            _indicator(ctx, st, ln, name, unit, d, figs, grade)
            cur.clear()

    vcol = cols.value_cols[-1] if cols.value_cols else None
    for ln in rows:
        cells = ln.cells
        if cols.dept_col is not None and _cell(cells, cols.dept_col):
            dept = _cell(cells, cols.dept_col)
        name = _cell(cells, cols.name_cols[0])
        if name:
            flush()
            cur.extend([ln, name, _cell(cells, cols.unit_col) or None, dept, {}, None])
            for k in grade_cols:  # a grade column beside the block: the grade on the name's row
                if _cell(cells, k):
                    cur[5] = _grade(_cell(cells, k), filled, ctx.src(ln))
        if not cur:
            continue
        label, _ = clean_label(_cell(cells, cols.kind_col))
        f = _field(label, {k: v for k, v in INDICATOR.items() if k in ("target", "actual", "rate", "grade")})
        if f is None:
            continue
        value = _cell(cells, vcol)
        if f == "grade":
            cur[5] = _grade(value, filled, ctx.src(ln))
        else:
            fig = _plain(value, ctx.src(ln))
            if fig is not None:
                cur[4][f] = fig
    flush()
