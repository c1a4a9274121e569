"""Totals in generic tables (a 계/합계/소계/총계/예산총액 row or column) and money split by source
(국비 + 도비 + 시비 = 총액) in plan tasks, budget items and generic tables.

Generic tables are checked conservatively: a column takes part only when every data row
holds exactly one number in it, and never when it is a percentage, a rate, a year or a
rank; a table with several total rows is checked only where the grand total is the sum
of the rows that are no total. No interpretation, no finding.
"""

from __future__ import annotations

import re

from ..model import Document, Figure, Finding, PlanTask, Record, Table, TableRow
from .base import finding, fmt, lines_of, rounding_slack, rule, sum_check

TOTAL = re.compile(r"^(총계|합계|소계|계|예산총액)(\(.*\))?$")
NOT_ADDITIVE = re.compile(r"%|률|율|비율|구성비|비중|연번|번호|순위|연도|년도|단가|평균|증감|기간|일자|준공")
SOURCES = {"국비": "national", "도비": "provincial", "시비": "city", "군비": "city"}
SPLIT_TOTAL = re.compile(r"^(총예산|총액|총사업비|사업비|합계|계|소요예산|예산)$")


def _label(text: str) -> str:
    return re.sub(r"\s+", "", text)


def is_total_label(text: str) -> bool:
    return bool(TOTAL.match(_label(text)))


def _is_total_row(row: TableRow) -> bool:
    for c in row.cells:
        if c.figures:
            return False
        if c.text.strip() and is_total_label(c.text):
            return True
    return False


def _column_names(table: Table) -> tuple[list[str], list[TableRow]]:
    """Column names from the header lines and the text-only rows just below them (the
    last non-empty piece of each column: ``사업비`` / ``도비`` → ``도비``); and the data rows
    (rows holding at least one number)."""
    names: list[str] = []

    def add(k: int, t: str) -> None:
        while len(names) <= k:
            names.append("")
        if t.strip():
            names[k] = t.strip()

    for h in table.header:
        for k, t in enumerate(h):
            add(k, t)
    rows = list(table.rows)
    while rows and not any(c.figures for c in rows[0].cells):
        for k, c in enumerate(rows[0].cells):
            add(k, c.text)
        rows.pop(0)
    return names, [r for r in rows if any(c.figures for c in r.cells)]


def _nested_runs(values: list[float]) -> list[float]:
    """Amounts to take away when some rows are the sum of the rows right below them
    (행정운영경비 followed by 인력운영비 and 기본경비, with no 소계 label)."""
    out = []
    i = 0
    while i < len(values):
        for j in range(i + 2, len(values)):
            run = sum(values[i + 1 : j + 1])
            if abs(run - values[i]) < 1e-6 and values[i] != 0:
                out.append(run)
                i = j
                break
        i += 1
    return out


def _numeric(row: TableRow, k: int) -> Figure | None:
    if k >= len(row.cells):
        return None
    c = row.cells[k]
    if len(c.figures) != 1 or "%" in c.text:
        return None
    return c.figures[0]


def _numeric_columns(names: list[str], rows: list[TableRow]) -> list[int]:
    width = max(len(r.cells) for r in rows)
    cols = []
    for k in range(width):
        if k < len(names) and NOT_ADDITIVE.search(names[k]):
            continue
        if all(_numeric(r, k) is not None for r in rows):
            cols.append(k)
    return cols


def _row_name(row: TableRow) -> str:
    return next((c.text.strip() for c in row.cells if c.text.strip() and not c.figures), "행")


def _table_finding(table: Table, severity: str, lines: list[int], msg: str, expected, actual) -> Finding:
    return Finding(rule="table.total", severity=severity, doc=table.source.doc, lines=lines, message=msg,
                   expected=expected, actual=actual, municipality=table.municipality, year=table.year,
                   department=table.department, subject=table.name)


Row = tuple[str, bool, dict, list[int]]  # label, is a total, column → Figure, its lines


#: a unit note in any of the brackets the readers take (``(단위: 천원)``, ``‹단위: 건, %›``,
#: ``[금액단위 : 원]`` …): the readers' one pattern, its units the first group
from ..readers.text import _UNIT_NOTE  # noqa: E402


def unit_step(doc: Document, line: int) -> float:
    """1 when the unit note in force at ``line`` is 천원/백만원/억원: a table whose figures are
    kept as printed in that unit is rounded to 1 of it (a difference of a unit or so is
    rounding)."""
    note = None
    for h in doc.headings:
        if h.source.line < line and _UNIT_NOTE.match(h.text.strip()):
            if note is None or h.source.line > note.source.line:
                note = h
    if note is None or line - note.source.line > 60:
        return 0.0
    units = _UNIT_NOTE.match(note.text.strip()).group(1)
    return 1.0 if any(u in units for u in ("천원", "백만원", "억원")) else 0.0


def note_in_force(doc: Document, line: int) -> str | None:
    """The units of the ``(단위: …)`` note in force at ``line`` (within 60 lines), as printed."""
    note = None
    for h in doc.headings:
        if h.source.line < line and _UNIT_NOTE.match(h.text.strip()):
            if note is None or h.source.line > note.source.line:
                note = h
    if note is None or line - note.source.line > 60:
        return None
    return _UNIT_NOTE.match(note.text.strip()).group(1).strip()


def unit_at(doc: Document, line: int) -> str | None:
    """The one unit of the note in force at ``line`` (``백만원``, ``개소``), None when the note
    names several (which column is in which is not known) or there is none."""
    units = note_in_force(doc, line)
    if not units:
        return None
    parts = [u.strip() for u in re.split(r"[,，/·]", units) if u.strip()]
    return parts[0] if len(parts) == 1 else None


_PAREN_UNIT = re.compile(r"\(\s*(?:단위\s*[:：]\s*)?([^()\d\s]{1,4})\s*\)\s*$")


def column_unit(name: str, unit: str | None) -> str | None:
    """A column's unit: its header's ``(천원)``/``(명)`` if it prints one, else the table's."""
    m = _PAREN_UNIT.search(name or "")
    return m.group(1) if m else unit


_SCALES = {"원": 1, "천원": 1_000, "백만원": 1_000_000, "억원": 100_000_000}


def amount(value, total: Figure, unit: str | None) -> str:
    """An amount with its unit as printed: ``242,000천원`` for a figure the reader turned
    into won from a 천원 table (won when the unit is not known), else the table's unit
    (``1,642,753백만원``, ``12개소``); bare when there is none."""
    if total.value is not None and not _unscaled(total) and not isinstance(total.value, float):
        scale = _SCALES.get(unit or "")
        if scale and isinstance(value, int) and value % scale == 0:
            return fmt(value // scale) + unit
        return fmt(value) + "원"
    if unit and not (total.unit == "%" or total.raw.strip().endswith("%")):
        return fmt(value) + unit
    return fmt(value)


def with_note(found: list[Finding], doc: Document, line: int, unit: str | None) -> list[Finding]:
    """When the note in force names several units (``건, 천원``) the amounts of a column
    without its own unit are printed bare: the message then ends with the note as printed."""
    if unit is None:
        note = note_in_force(doc, line)
        if note:
            for f in found:
                f.message += f" (단위: {note})"
    return found


def _unscaled(f: Figure) -> bool:
    digits = re.sub(r"[^\d]", "", f.raw.split(".")[0])
    return bool(digits) and abs(f.amount) == int(digits)


def _vertical_rows(subject: str, names: dict, rows: list[Row], make, step: float = 0.0,
                   unit: str | None = None) -> list[Finding]:
    """The grand total row (first or last) = Σ rows that are no total, per additive column."""
    totals = [i for i, r in enumerate(rows) if r[1]]
    if not totals or len(rows) < 3:
        return []
    if len(totals) > 1 and totals[0] != 0 and totals[-1] != len(rows) - 1:
        return []
    grand = 0 if totals[0] == 0 else totals[-1]
    if grand not in (0, len(rows) - 1) and len(totals) > 1:
        return []
    leaves = [r for i, r in enumerate(rows) if i not in totals]
    subs = [r for i, r in enumerate(rows) if i in totals and i != grand]
    out = []
    for k in rows[grand][2]:
        name = str(names.get(k, "") or "")
        if NOT_ADDITIVE.search(name) or not all(k in r[2] for r in rows):
            continue
        total = rows[grand][2][k]
        parts = [r[2][k] for r in leaves]
        printed = {f.unit for f in [total] + parts if f.value is not None}
        if len(printed - {None}) > 1:
            continue  # cells counting different things (개소 and 대): no sum
        expected = sum(p.amount for p in parts)
        if abs(expected - total.amount) < 1e-6:
            continue
        alt = [expected - sum(_nested_runs([p.amount for p in parts]))]
        if subs:  # nesting unknown: also accept Σ of the other total rows, or of everything
            sub = sum(r[2][k].amount for r in subs)
            alt += [sub, expected + sub]
        if any(abs(a - total.amount) < 1e-6 for a in alt):
            continue
        slack = rounding_slack([total] + parts)
        if step and all(_unscaled(f) for f in [total] + parts):
            slack += step * (len(parts) + 1) / 2
        severity = "info" if abs(expected - total.amount) <= slack else "error"
        col = name or f"{k + 1 if isinstance(k, int) else k}번째 열"
        u = column_unit(name, unit)
        if u is None and printed != {None} and len(printed) == 1 and total.unit != "%":
            u = total.unit  # every cell prints its unit (``610개소``)
        msg = (f"{subject} {col}: {rows[grand][0]} {amount(total.value, total, u)} ≠ {len(parts)}개 행의 합 "
               f"{amount(expected, total, u)}" + (" (반올림 차이)" if severity == "info" else ""))
        out.append(make(severity, lines_of(total, *parts), msg, expected, total.value))
    return out


def _vertical(table: Table, names: list[str], rows: list[TableRow], unit: str | None = None) -> list[Finding]:
    drows: list[Row] = []
    for r in rows:
        cols = {k: f for k in range(len(r.cells)) if (f := _numeric(r, k)) is not None}
        drows.append((_row_name(r), _is_total_row(r), cols, [r.source.line]))
    # a column takes part only when every row holds one number in it
    keep = [k for k in _numeric_columns(names, rows)]
    drows = [(a, b, {k: v for k, v in c.items() if k in keep}, d) for a, b, c, d in drows]

    def make(severity, lines, msg, expected, actual):
        return _table_finding(table, severity, lines, msg, expected, actual)

    return _vertical_rows(table.name, dict(enumerate(names)), drows, make, table_step(table), unit)


def table_step(table: Table) -> float:
    return 1.0 if table.unit in ("천원", "백만원", "억원") else 0.0


def _typed_tables(d: Document) -> list[Finding]:
    """Plan tables the readers typed (Statistic, BudgetItem rows with ``is_total``; Asset
    rows, whose 합계 row is known by its label)."""
    out = []
    recs = [r for r in d.records if type(r).__name__ in ("Statistic", "BudgetItem", "Asset")]
    recs.sort(key=lambda r: r.source.line)
    groups: list[list[Record]] = []
    for r in recs:
        g = groups[-1] if groups else None
        if g and g[-1].section == r.section and 0 < r.source.line - g[-1].source.line <= 2:
            g.append(r)
        else:
            groups.append([r])
    for g in groups:
        rows: list[Row] = []
        for r in g:
            cols = {k: f for k, f in r.figures.items() if f.value is not None or f.raw in ("-", "–")}
            cols = {k: f for k, f in cols.items() if "%" not in f.raw and k not in ("number", "quantity")}
            is_total = bool(getattr(r, "is_total", False)) or (type(r).__name__ == "Asset" and is_total_label(r.name))
            rows.append((r.name, is_total, cols, [r.source.line]))
        ko = {"budget": "총액", "national": "국비", "provincial": "도비", "city": "시비"}
        names = {k: ko.get(k, k.removeprefix("col:")) for r in rows for k in r[2]}

        def make(severity, lines, msg, expected, actual, g=g):
            return finding("table.total", severity, g[0], lines, msg, expected=expected, actual=actual,
                           subject=g[0].section)

        step = 0.0 if type(g[0]).__name__ == "Asset" else unit_step(d, g[0].source.line)  # assets are counts
        out.extend(_vertical_rows(g[0].section or "표", names, rows, make, step, unit_at(d, g[0].source.line)))
    return out


def _horizontal(table: Table, names: list[str], rows: list[TableRow], unit: str | None = None) -> list[Finding]:
    if len(table.header) != 1 or not table.rows or table.rows[0] is not rows[0]:
        return []  # a header of several lines groups columns: which are parts is unknown
    tcols = [k for k, n in enumerate(names) if is_total_label(n)]
    if len(tcols) != 1 or any(NOT_ADDITIVE.search(n) for n in names):
        return []
    t = tcols[0]
    out = []
    for row in rows:
        total = _numeric(row, t)
        if total is None:
            continue
        parts = []
        for k, c in enumerate(row.cells):
            if k == t or (not c.text.strip()):
                continue
            f = _numeric(row, k)
            if f is None:
                if c.figures:  # a cell with several numbers or a %: not additive
                    parts = []
                    break
                continue  # a text label
            parts.append(f)
        if len(parts) < 2:
            continue
        expected = sum(p.amount for p in parts)
        if abs(expected - total.amount) < 1e-6:
            continue
        slack = rounding_slack([total] + parts)
        severity = "info" if abs(expected - total.amount) <= slack else "error"
        u = column_unit(names[t], unit)
        msg = (f"{table.name}: {names[t]} {amount(total.value, total, u)} ≠ 다른 열의 합 {amount(expected, total, u)}"
               + (" (반올림 차이)" if severity == "info" else ""))
        out.append(_table_finding(table, severity, lines_of(total, *parts), msg, expected, total.value))
    return out


@rule("table.total", "표 합계", "계·합계·소계·총계 행(또는 열) = 나머지 행(열)의 합; 모든 행이 숫자인 가산 열만 검사")
def check_table_total(documents: list[Document]) -> list[Finding]:
    out = []
    for d in documents:
        for table in d.tables:
            if table.typed or not table.rows:
                continue
            names, rows = _column_names(table)
            if not rows:
                continue
            unit = table.unit or unit_at(d, table.source.line)
            found = _vertical(table, names, rows, unit) + _horizontal(table, names, rows, unit)
            out.extend(with_note(found, d, table.source.line, unit))
        out.extend(_typed_tables(d))
    return out


def _split_record(r: Record) -> Finding | None:
    total = r.figures.get("budget")
    parts = [(lab, r.figures[key]) for lab, key in (("국비", "national"), ("도비", "provincial"),
                                                     ("국도비", "national_provincial"), ("시비", "city"))
             if key in r.figures]
    if total is None or total.value is None or not parts:
        return None
    if not total.source.line or any(f.source.line != total.source.line for _, f in parts):
        return None  # a total put together from several lines (computed): the split covers only a part
    return sum_check("split.sources", r, "총액", total, parts)


def _split_table(table: Table, unit: str | None = None) -> list[Finding]:
    names, rows = _column_names(table)
    if not rows:
        return []
    labels = [_label(n) for n in names]
    srcs = [k for k, n in enumerate(labels) if n in SOURCES]
    tots = [k for k, n in enumerate(labels) if SPLIT_TOTAL.match(n)]
    if len(srcs) < 2 or len(tots) != 1:
        return []
    t = tots[0]
    out = []
    for row in rows:
        total = _numeric(row, t)
        parts = [_numeric(row, k) for k in srcs]
        if total is None or any(p is None for p in parts):
            continue
        expected = sum(p.amount for p in parts)
        if abs(expected - total.amount) < 1e-6:
            continue
        slack = rounding_slack([total] + parts)
        severity = "info" if abs(expected - total.amount) <= slack else "error"
        u = column_unit(names[t], unit)
        terms = " + ".join(f"{labels[k]} {fmt(p.value)}" for k, p in zip(srcs, parts))
        msg = f"{_row_name(row)}: {labels[t]} {amount(total.value, total, u)} ≠ {terms} = {amount(expected, total, u)}"
        out.append(Finding(rule="split.sources", severity=severity, doc=table.source.doc,
                           lines=lines_of(total, *parts), message=msg, expected=expected, actual=total.value,
                           municipality=table.municipality, year=table.year, department=table.department,
                           subject=_row_name(row)))
    return out


@rule("split.sources", "재원 구분", "국비 + 도비 + 시비 = 총액 (과제·예산표·일반 표)")
def check_split(documents: list[Document]) -> list[Finding]:
    out = []
    for d in documents:
        for r in d.records:
            if isinstance(r, PlanTask) or type(r).__name__ == "BudgetItem":
                f = _split_record(r)
                if f:
                    out.append(f)
        for table in d.tables:
            if not table.typed:
                out.extend(_split_table(table, table.unit or unit_at(d, table.source.line)))
    return out



# --- a multi-year table: 총예산 = Σ year columns ------------------------------------------

#: a year column of a multi-year budget table: ``'18년이전``, ``'20년``, ``2026년 이후``, ``~'19년``
YEAR_COLUMN = re.compile(r"^~?(?:'\d{2}|\d{4})년(?:도)?(?P<range>이전|이후|까지|~)?$")


def year_parts(r: Record) -> list[tuple[str, Figure]]:
    """The year columns of a budget row (``col:국비지원현황 '19년``), when they partition time:
    at least two, and at least one open range (이전/이후/까지) — a table of ``2024년 | 2025년``
    side by side compares years, it does not split a total."""
    cols = []
    ranged = False
    for k, f in r.figures.items():
        if not k.startswith("col:"):
            continue
        leaf = _label(k.removeprefix("col:").split(" ")[-1])
        m = YEAR_COLUMN.match(leaf)
        if m:
            cols.append((leaf, f))
            ranged = ranged or bool(m.group("range"))
    return cols if len(cols) >= 2 and ranged else []


@rule("table.years", "연차별 합계", "계획의 연차별 예산표: 총예산(사업비) = 연도 열(이전·연도별·이후)의 합 (행마다)")
def check_years(documents: list[Document]) -> list[Finding]:
    out = []
    for d in documents:
        for r in d.records:
            if type(r).__name__ != "BudgetItem":
                continue
            total = r.figures.get("budget")
            parts = year_parts(r)
            if total is None or total.value is None or "%" in total.raw or not parts:
                continue
            if any(f.value is None and f.raw.strip() not in ("-", "–") for _, f in parts):
                continue  # a year cell that is no number: what it holds is unknown
            f = sum_check("table.years", r, f"{r.section or '표'} {r.name} 총예산", total, parts, unit="원",
                          subject=r.section)
            if f:
                out.append(f)
    return out
