"""Tables inside a work plan: regular ones become typed records (budget items, committees,
assets, statistics) and are kept whole as a typed :class:`Table`; irregular ones (HTML
fragments in cells) are left to the generic fallback with their title.

A table is a run of tab-separated lines (plus ``-------`` rule lines). Its header is the
first row and any following rows that hold no number (a two-row header such as
``사업비`` over ``총예산 도비 시비``); merged header cells are filled to the right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Asset, BudgetItem, Committee, Figure, Source, Statistic, Table, TableRow
from .context import ReadContext
from .generic import cell_of
from .plan_money import cell_amount
from .text import DASHES, Line, check_digits, collapse, strip_html

RULE = re.compile(r"^[\s\-\t]*-{3,}[\s\-\t]*$")
_NUM = r"[△▲-]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
#: a number with an optional unit suffix: ``8.38점``, ``125건``, ``66대``, ``9.68%``
_CELL_NUM = re.compile(rf"^(?P<num>{_NUM})\s*(?P<unit>%|[가-힣]{{1,2}}|km|㎡|㎞)?$")
_HEADER_UNIT = re.compile(r"\((?P<unit>천원|백만원|억원|원)\)")
_MONEY = {"원": 1, "천원": 1_000, "백만원": 1_000_000, "억원": 100_000_000}
_TOTAL = re.compile(r"^(합\s*계|총\s*계|계|소\s*계|예산총액)(\s*\(.*\))?$")
_BUDGET_COL = re.compile(r"(총예산|합\s*계|사업비|예산액|소요예산|반영액|예산총액|^계$)")
#: a column naming a source of funding (the city's own share as 시비/군비/구비)
_SOURCE_FIELDS = {"국비": "national", "도비": "provincial", "시비": "city", "군비": "city", "구비": "city"}
_FUNDING = re.compile(r"^(?:국\s*도\s*비|국\s*비|도\s*비|시\s*군\s*비|시\s*비|군\s*비|구\s*비)$")
_LABEL_COL = re.compile(r"^(구\s*분|연\s*도|설치연도)$")
_YEAR_LABEL = re.compile(r"^('\d{2}|\d{4})\s*(년|년도)?\.?$|^20\d\d\.\s*\d{1,2}\.$")
_NONMONEY_UNITS = {"%", "점", "건", "명", "개", "대", "개소", "회", "등급", "년", "월", "위", "차", "명", "가구"}
#: a column of shares or rates (``구성비(%)``, ``비율``, ``증감률``): never scaled as money
_RATIO_COL = re.compile(r"%|구성비|비율|비중|률|율")
#: an amount with its share in parentheses: ``729,065 (54.0%)``
_SHARE = re.compile(r"^(?P<n>[△▲-]?\s*(?:\d{1,3}(?:,\d{3})+|\d+))\s*\(\s*(?P<p>\d+(?:\.\d+)?\s*%)\s*\)$")


def cell_number(text: str, source: Source, multiplier: int = 1) -> Figure | None:
    """One number in a cell (with an optional unit suffix); ``-`` is None-valued."""
    t = text.strip()
    if t in DASHES:
        return Figure(None, t, source)
    m = _CELL_NUM.match(t)
    if not m:
        return None
    raw = m.group("num").replace(" ", "")
    unit = m.group("unit")
    neg = raw[0] in "△▲-"
    digits = raw.lstrip("△▲-").replace(",", "")
    check_digits(digits, source, raw)
    if unit and unit not in _NONMONEY_UNITS and unit not in ("km", "㎡", "㎞"):
        return None
    mult = multiplier if unit is None and "." not in digits else 1
    if "." in digits:
        value: int | float = float(digits)
        if multiplier != 1 and unit is None:
            scaled = value * multiplier
            value = int(round(scaled)) if abs(scaled - round(scaled)) < 1e-6 else value
    else:
        value = int(digits) * mult
    return Figure(-value if neg else value, t, source, unit)


#: one or more counted quantities in a cell, each with its unit: ``610개소``, ``472개소 498대``
_QTY = re.compile(r"(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>[가-힣]{1,3})")
#: not a counting unit: a scale, a bound, a multiple
_NOT_COUNT = re.compile(r"^(?:만|천|백|십|억|조|여|배|이상|이하|미만|초과|이내|내외|정도|가량|예정|완료|까지|부터)")


def counted(text: str) -> list[tuple[float, str]] | None:
    """The quantities of a cell made only of ``number unit`` pieces, each of another unit
    that counts things (not money, not a scale): ``1,293그루`` → [(1293, 그루)], ``472개소
    498대`` → [(472, 개소), (498, 대)], ``1,216대 2,089대`` → [(1216, 대), (2089, 대)]; None
    for anything else."""
    t = text.strip()
    out, pos = [], 0
    for m in _QTY.finditer(t):
        if t[pos:m.start()].strip():
            return None
        unit = m.group("unit")
        if unit in _MONEY or unit.endswith("원") or _NOT_COUNT.match(unit):
            return None
        n = m.group("num").replace(",", "")
        out.append((float(n) if "." in n else int(n), unit))
        pos = m.end()
    if not out or t[pos:].strip():
        return None
    return out


def counted_columns(cells: list[list[str]], start: int) -> dict[int, tuple[str, ...]]:
    """Columns every data row of which holds counted quantities of the same units (in the same
    order), at least one with a unit the cell reader does not take or with two quantities:
    column → units. A lone cell such as ``50이상`` never makes a column of counts."""
    out = {}
    width = max((len(c) for c in cells), default=0)
    for i in range(start + 1, width):
        col = [counted(c[i]) if i < len(c) else None for c in cells]
        if len(cells) < 2 or any(q is None for q in col):
            continue
        units = {tuple(u for _, u in q) for q in col}
        if len(units) == 1:
            (us,) = units
            if len(us) > 1 or us[0] not in _NONMONEY_UNITS:
                out[i] = us
    return out


@dataclass
class Grid:
    header_lines: list[Line]
    rows: list[Line]
    columns: list[str]
    cells: list[list[str]] = field(default_factory=list)  # data rows, padded

    def col(self, pattern: str) -> int | None:
        for i, c in enumerate(self.columns):
            if re.search(pattern, c):
                return i
        return None


def _tight(header: str) -> str:
    """``사 업 명`` → ``사업명``, ``도 비`` → ``도비`` (letter-spaced header words)."""
    h = collapse(header)
    return h.replace(" ", "") if re.fullmatch(r"[가-힣](?: [가-힣])+", h) else h


def _cells(ln: Line) -> list[str]:
    return [c.strip() for c in ln.text.rstrip().split("\t")]


def _has_number(cells: list[str], src: Source) -> bool:
    return any(cell_number(c, src) is not None and c.strip() not in DASHES for c in cells if c.strip())


def grid_of(lines: list[Line], doc: str) -> Grid:
    rows = [ln for ln in lines if not RULE.match(ln.text) and ln.stripped]
    width = max(len(_cells(r)) for r in rows)
    padded = [(_cells(r) + [""] * width)[:width] for r in rows]
    n_header = 1
    later_numbers = [_has_number(c, Source(doc, r.no)) for c, r in zip(padded, rows)]
    while n_header < len(rows) - 1 and not later_numbers[n_header] and any(later_numbers[n_header + 1 :]):
        n_header += 1
    names = [""] * width
    for h in padded[:n_header]:
        filled = list(h)
        for i in range(1, width):
            if not filled[i] and h is padded[0] and any(p[i] for p in padded[1:n_header]):
                filled[i] = filled[i - 1]
        for i, c in enumerate(filled):
            if c and c not in names[i].split(" | "):
                names[i] = f"{names[i]} | {c}" if names[i] else c
    columns = [collapse(" ".join(_tight(p) for p in n.split(" | "))) or f"열{i + 1}" for i, n in enumerate(names)]
    return Grid(rows[:n_header], rows[n_header:], columns, padded[n_header:])


def keep_table(ctx: ReadContext, lines: list[Line], grid: Grid | None, *, title: str, kind: str,
               department: str | None, multiplier: int = 1, header_rows: int = 0) -> Table:
    """Keep the table whole (typed): its header, rows and figures, all lines consumed.
    Without a grid, ``header_rows`` first lines are the header."""
    src = ctx.src(lines[0])
    printed = [ln for ln in lines if ln.stripped and not RULE.match(ln.text)]
    head_lines = grid.header_lines if grid else printed[:header_rows]
    rows = grid.rows if grid else printed[header_rows:]
    header = [_cells(h) for h in head_lines]
    t = Table(
        source=src, municipality=ctx.municipality, year=ctx.year, department=department,
        name=title, header=header, header_lines=[h.no for h in head_lines],
        rows=[TableRow(ctx.src(r), [cell_of(c, ctx.src(r), multiplier) for c in _cells(r)]) for r in rows],
        typed=True, kind=kind,
    )
    ctx.tables.append(t)
    ctx.consume(*lines)
    return t


def _label(cells: list[str], first_numeric: int, start: int) -> str:
    return collapse(" ".join(c for c in cells[start:first_numeric] if c))


def read_table(ctx: ReadContext, lines: list[Line], *, title: str, multiplier: int, department: str | None,
               task: str | None = None, asset_context: bool = False, money_note: bool = False) -> bool:
    """``money_note``: the unit note above says 원 (money although the multiplier is 1)."""
    """Typed records from a regular table; False (nothing consumed) for an irregular one."""
    if any("<" in ln.text and ">" in ln.text for ln in lines):
        return False
    if not any(ln.stripped and not RULE.match(ln.text) for ln in lines):
        ctx.consume(*lines)
        return True
    grid = grid_of(lines, ctx.doc)
    head_mult = None
    for c in grid.columns:
        m = _HEADER_UNIT.search(c)
        if m:
            head_mult = _MONEY[m.group("unit")]
    money = head_mult or multiplier
    money_note = money_note or head_mult is not None  # ``사업비(원)``: money, even at a multiplier of 1
    cols = grid.columns
    base = dict(municipality=ctx.municipality, year=ctx.year, department=department, section=title)
    if re.search("위원회", title) and grid.col("위원") is not None:
        kind = "committees"
    elif asset_context or grid.col("수량") is not None and money == 1:
        kind = "assets"
    elif (money > 1 or money_note) and any(_BUDGET_COL.search(c) or re.search("국비|도비|시비", c) for c in cols):
        kind = "budget"
    else:
        kind = "statistics"
    number_col = 0 if cols and re.sub(r"\s", "", cols[0]) in ("연번", "번호") else None
    group = ""
    records = []
    transposed = kind == "assets" and len(grid.rows) <= 2 and grid.cells and grid.cells[0][0] in ("수량", "계")
    counts = counted_columns(grid.cells, number_col or 0) if kind == "statistics" else {}
    for ln, cells in zip(grid.rows, grid.cells):
        src = ctx.src(ln)
        start = 1 if number_col is not None else 0
        if transposed:
            for i in range(1, len(cells)):
                if not cells[i]:
                    continue
                fig = cell_number(cells[i], src)
                a = Asset(source=src, name=cols[i], category=title, **base)
                if fig is not None:
                    a.set("quantity", fig)
                    a.unit = fig.unit
                else:
                    a.details[cells[0]] = cells[i]
                records.append(a)
            continue
        nums = {i: cell_number(c, src, money if kind == "budget" and not _RATIO_COL.search(cols[i]) else 1)
                for i, c in enumerate(cells) if c}
        if kind == "statistics":  # an amount with its share (``606,000,000 (21.8%)``): the amount
            for i, c in enumerate(cells):
                share = _SHARE.match(c) if c and nums.get(i) is None else None
                fig = cell_number(share.group("n"), src) if share else None
                if fig is not None:
                    nums[i] = Figure(fig.value, c.strip(), src, fig.unit)
        if start < len(cells) and (_LABEL_COL.match(cols[start]) or _YEAR_LABEL.match(cells[start])):
            nums[start] = None  # the row's label (구분, 연도, 2018년), not a value
        first_num = next((i for i in range(start, len(cells)) if nums.get(i) is not None), len(cells))
        name_col = None
        if kind in ("committees", "budget"):
            for pat in ("위원회명", "사업명", "단체명", "^구분$"):
                name_col = grid.col(pat)
                if name_col is not None:
                    break
        if name_col is not None:
            label = cells[name_col] or next((c for c in cells[:first_num] if c and nums.get(cells.index(c)) is None), "")
        elif first_num == start:  # a row of numbers only: the table's title names it
            label = title
        elif first_num == len(cells):  # no numbers: the first text cell names the row
            label = collapse(cells[start]) or group
            first_num = start + 1
        else:
            label = _label(cells, first_num, start)
        grouped = None
        if cells[start]:
            group = cells[start]
        elif group and start < first_num:
            grouped = group  # a merged cell of the rows above (설치연도, 구분)
        if not label:
            label = group or "-"
        number = cell_number(cells[0], src) if number_col is not None else None
        if kind == "committees":
            r = Committee(source=src, name=label, **base)
            if number is not None:
                r.set("number", number)
            for i, c in enumerate(cells):
                col = cols[i]
                if "위원수" in col and nums.get(i) is not None:
                    r.set("members", nums[i])
                elif "위원장" in col:
                    r.chair = c or None
                elif "내용" in col:
                    r.duties = collapse(c) or None
        elif kind == "budget":
            r = BudgetItem(source=src, name=label, task=task, **base)
            r.is_total = bool(_TOTAL.match(label))
            if number is not None and number.value is not None:
                r.set("number", number)
            for i, c in enumerate(cells):
                if i == number_col or i == name_col or not c:
                    continue
                col = cols[i]
                fig = nums.get(i)
                if fig is None and cell_amount(c, src):
                    fig = cell_amount(c, src)
                share = _SHARE.match(c) if fig is None else None
                if share:  # "729,065 (54.0%)": the amount, its share of the total kept as printed
                    fig = cell_number(share.group("n"), src, money)
                    if fig is not None:
                        fig = Figure(fig.value, c.strip(), src, fig.unit)
                        r.details[f"{col} 비중"] = share.group("p")
                if fig is None or (fig.unit and fig.unit not in ("원",)):
                    r.details[col] = c
                    continue
                leaf = col.split(" ")[-1]
                field_name = _SOURCE_FIELDS.get(leaf)
                if (field_name is None and r.budget is None and "budget" not in r.figures and _BUDGET_COL.search(col)
                        and not _FUNDING.match(leaf)):  # 사업비 over 국도비 | 군비: 국도비 is a source, not the total
                    field_name = "budget"
                if field_name and field_name not in r.figures:
                    r.set(field_name, fig)
                else:
                    r.amounts[col] = fig.value
                    r.figures[f"col:{col}"] = fig
        elif kind == "assets":
            r = Asset(source=src, name=label, category=title, **base)
            if number_col is not None and cells[0]:
                r.details[cols[0]] = cells[0]
            if grouped:
                r.details[cols[start]] = grouped
            for i, c in enumerate(cells):
                if i < first_num or i == number_col:
                    continue
                fig = nums.get(i)
                if fig is None:
                    if c:
                        r.details[cols[i]] = c
                    continue
                r.counts[cols[i]] = fig.value
                r.figures[f"col:{cols[i]}"] = fig
                if r.quantity is None and "quantity" not in r.figures:
                    r.set("quantity", fig)
                    r.unit = fig.unit
        else:
            r = Statistic(source=src, name=label, task=task, **base)
            r.is_total = bool(_TOTAL.match(label))
            if grouped:
                r.texts[cols[start]] = grouped
            for i, c in enumerate(cells):
                if i in counts:  # counted quantities: one value per unit (``472개소 498대``)
                    qty = counted(c) or []
                    distinct = len({u for _, u in qty}) == len(qty)
                    for k, (v, u) in enumerate(qty):
                        # by unit (``시설 및 장비 대``), or by place when two count the same unit
                        key = cols[i] if len(qty) == 1 else f"{cols[i]} {u}" if distinct else f"{cols[i]} ({k + 1})"
                        r.values[key] = v
                        r.figures[f"col:{key}"] = Figure(v, c.strip() if len(qty) == 1 else f"{v:,}{u}", src, u)
                    continue
                if i < first_num or i == number_col:
                    continue
                fig = nums.get(i)
                if fig is None:
                    if c:
                        r.texts[cols[i]] = c
                    continue
                r.values[cols[i]] = fig.value
                r.figures[f"col:{cols[i]}"] = fig
        records.append(r)
    for r in records:
        ctx.add(r)
    keep_table(ctx, lines, grid, title=title, kind=kind, department=department, multiplier=money)
    return True


def leave_generic(ctx: ReadContext, lines: list[Line], *, title: str, department: str | None, multiplier: int) -> None:
    """An irregular table: the generic fallback will keep it, under its title."""
    first = next((ln for ln in lines if "\t" in ln.text), lines[0])
    ctx.title_at[first.no] = strip_html(title)
    ctx.department_at[first.no] = department
    ctx.multiplier_at[first.no] = multiplier
    for ln in lines:
        if RULE.match(ln.text):
            ctx.consume(ln)
