"""``- 사업별조서`` (expenditure by program) tables of the settlement part.

Rows are read line by line (a row, maybe a continuation line of bottom values), their
values aligned to the columns (:mod:`settlement_align`), and, once a department's table is
complete (it continues across page headers), the program hierarchy is inferred from the
sums: a policy is the sum of its units, a unit the sum of its details.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Figure, Program, Table, TableRow
from ..model.vocabulary import LEVEL_LABELS, PROGRAM_LABELS, SECTION_PROGRAMS
from .context import ReadContext
from .generic import cell_of
from .settlement_align import Alignment, align, rank
from .settlement_columns import TOP_INDEX
from .settlement_cells import (
    is_header_continuation,
    is_value_continuation,
    numeric_cell,
    split_name,
    squeeze,
)
from .settlement_tree import COLUMNS, infer_levels, infer_tolerant
from .text import Line, ReadError

SECTION = SECTION_PROGRAMS
MIN_VALUES = 12  # fewer cells than this cannot be aligned to the 15 top columns


def is_header(line: Line) -> bool:
    cells = line.cells
    return bool(cells) and squeeze(cells[0]).startswith("과목(조직-사업)")


@dataclass
class ProgramRow:
    line: Line
    name: str
    cells: list[list[Figure]]
    cont: Line | None = None
    left: list[tuple[int, Figure]] = field(default_factory=list)
    right: list[tuple[int, Figure]] = field(default_factory=list)
    chosen: Alignment | None = None
    alternatives: list[Alignment] = field(default_factory=list)


@dataclass
class ProgramTable:
    """One department's 사업별조서 (all its pages)."""

    department: str
    account: str
    rows: list[ProgramRow] = field(default_factory=list)
    multiplier: int = 1


def read_table(ctx: ReadContext, i: int, *, table: ProgramTable, multiplier: int) -> int:
    header = ctx.lines[i]
    ctx.consume(header)
    i += 1
    while i < len(ctx.lines) and is_header_continuation(ctx.lines[i]):
        ctx.consume(ctx.lines[i])
        i += 1
    table.multiplier = multiplier
    previous: tuple | None = None
    count = 0
    while i < len(ctx.lines):
        line = ctx.lines[i]
        if not line.stripped or line.text.startswith("\t"):
            break
        row = _row(ctx, line, multiplier)
        i += 1
        if i < len(ctx.lines) and is_value_continuation(ctx.lines[i]):
            _continuation(ctx, row, ctx.lines[i], multiplier)
            i += 1
        # the best alignment and those within 2 identities of it (at most 300), best first
        row.alternatives = align(row.cells, row.left, row.right, previous=previous, within=2, limit=300)
        row.chosen = row.alternatives[0]
        previous = row.chosen.pattern
        table.rows.append(row)
        count += 1
    if count == 0:
        raise ReadError(ctx.src(header), "사업별조서 표에 행이 없습니다 / 사업별조서 table cut off: header without rows")
    return i


def _row(ctx: ReadContext, line: Line, multiplier: int) -> ProgramRow:
    src = ctx.src(line)
    name, values = split_name(line.cells)
    if not name:
        raise ReadError(src, f"사업별조서 행에 사업명이 없습니다 / program row without a name: {line.stripped!r}")
    cells = [numeric_cell(c, src, f"사업별조서 '{name}'", multiplier) for c in values]
    if len(cells) < MIN_VALUES:
        raise ReadError(
            src,
            f"사업별조서 '{name}' 행의 값이 {len(cells)}개뿐입니다 (15개 열) / "
            f"program row cut off: {len(cells)} values for 15 columns",
        )
    ctx.consume(line)
    return ProgramRow(line=line, name=name, cells=cells)


def _continuation(ctx: ReadContext, row: ProgramRow, line: Line, multiplier: int) -> None:
    src = ctx.src(line)
    for idx, cell in enumerate(line.cells):
        if not cell:
            continue
        for fig in numeric_cell(cell, src, f"사업별조서 '{row.name}' (둘째 줄)", multiplier):
            (row.left if idx <= 5 else row.right).append((idx, fig))
    row.cont = line
    ctx.consume(line)


TREE_FIELDS = ("subsidy_returned", "unspent")


def _agree_with_parents(rows: list[ProgramRow], levels: list[tuple[str | None, int | None]]) -> None:
    """Re-choose each row's alignment (parents first, pre-order) counting, besides its own
    identities, whether its parent's 반납금 and 집행잔액 equal the sum over the siblings."""
    children: dict[int, list[int]] = {}
    for k, (_, parent) in enumerate(levels):
        if parent is not None:
            children.setdefault(parent, []).append(k)
    # what the choice reads of each alternative, computed once: its rank (the first key apart)
    # and its tree fields
    ranked: dict[int, list[tuple]] = {}
    for _ in range(2):
        for k, (_, parent) in enumerate(levels):
            if parent is None:
                continue
            if k not in ranked:
                ranked[k] = _ranked(rows[k].alternatives)
            p = rows[parent].chosen
            siblings = [s for s in children[parent] if s != k]
            # per tree field the parent prints: what this row must hold for the siblings to add up
            # (None where the parent has no such field: nothing to agree with)
            want0, want1 = (p.value(f) - sum(rows[s].chosen.value(f) for s in siblings) if p.has(f) else None
                            for f in TREE_FIELDS)
            # the first alternative of the least (lost - agreements, rest): min() by that key
            best = best_lost = best_rest = None
            for lost, rest, value0, value1, c in ranked[k]:
                lost = lost - (value0 == want0) - (value1 == want1)
                if best is None or lost < best_lost or (lost == best_lost and rest < best_rest):
                    best, best_lost, best_rest = c, lost, rest
            rows[k].chosen = best


_TREE_COLUMNS = tuple(TOP_INDEX[f] for f in TREE_FIELDS)


def _ranked(alternatives: list[Alignment]) -> list[tuple]:
    """(rank's first key, the rest of it, the tree fields' values, the alternative) of each.
    An alternative of :func:`align` has its rank's keys and its row's ints at hand: the tree
    fields are top columns, whose value is the cell's first figure (``Alignment.value``)."""
    c0, c1 = _TREE_COLUMNS
    out = []
    for c in alternatives:
        base = c._base
        if base is None or c._row is None:
            base = rank(c)
            out.append((base[0], base[1:], c.value(TREE_FIELDS[0]), c.value(TREE_FIELDS[1]), c))
            continue
        cols, ints = c._row.table.cols[c._mi], c._row.ints
        i0, i1 = cols[c0], cols[c1]
        out.append((base[0], base[1:] + (c.pattern is not None, c.order),
                    0 if i0 is None else ints[i0], 0 if i1 is None else ints[i1], c))
    return out


COLUMN_LABELS = PROGRAM_LABELS


def _tolerant_levels(ctx: ReadContext, table: ProgramTable, has_total: bool) -> list | None:
    """No reading makes every sum agree (a misprint): the reading with the fewest broken
    parent sums, reported as an info naming the structure and the rows that do not add up
    (the ``program.total`` rule then reports each broken sum on its lines)."""
    columns = {c: [r.chosen.value(c) for r in table.rows] for c in COLUMNS}
    reading = infer_tolerant(columns, has_total=has_total)
    if reading is None:
        return None
    rows = table.rows
    counts = [f"{label} {sum(1 for lv, _ in reading.levels if lv == lv_key)}개"
              for lv_key, label in LEVEL_LABELS.items()]
    names = ", ".join(f"'{rows[i].name}'" for i in reading.disagreeing)
    ctx.finding(
        "read.hierarchy",
        "info",
        [rows[i].line.no for i in reading.disagreeing],
        f"{table.department} 사업별조서: 합이 모두 맞는 구조가 없어 {COLUMN_LABELS[reading.column]}의 합으로 "
        f"구조를 정했습니다 ({', '.join(counts)}); 하위 사업의 합과 맞지 않는 행: {names} / "
        f"no hierarchy whose sums all agree: read by {reading.column}, "
        f"{len(reading.disagreeing)} parent row(s) differ from the sum of their children",
        department=table.department,
        expected=reading.column,
        actual=[rows[i].name for i in reading.disagreeing],
    )
    return reading.levels


def finish(ctx: ReadContext, table: ProgramTable) -> list[Program]:
    """Infer the hierarchy of a department's rows and create the Program records."""
    if not table.rows:
        return []
    keys = [(r.chosen.value("budget"), r.chosen.value("current_budget")) for r in table.rows]
    has_total = squeeze(table.rows[0].name) == squeeze(table.department)
    levels = infer_levels(keys, has_total=has_total)
    if levels is None:
        keys = [(k[0], 0) for k in keys]
        levels = infer_levels(keys, has_total=has_total)
    if levels is None:
        levels = _tolerant_levels(ctx, table, has_total)
    if levels is None:
        ctx.finding(
            "read.hierarchy",
            "warning",
            [r.line.no for r in table.rows],
            f"{table.department} 사업별조서: 정책·단위·세부사업의 합이 맞는 구조를 찾지 못했습니다 / "
            "no program hierarchy whose sums agree",
            department=table.department,
        )
        levels = [("total" if (k == 0 and has_total) else None, None) for k in range(len(table.rows))]
    _agree_with_parents(table.rows, levels)
    out: list[Program] = []
    for pos, (row, (level, parent)) in enumerate(zip(table.rows, levels), 1):
        rec = Program(
            source=ctx.src(row.line),
            municipality=ctx.municipality,
            year=ctx.year,
            department=table.department,
            name=row.name,
            section=SECTION,
            account=table.account,
            level=level,
            parent=table.rows[parent].name if parent is not None else None,
            position=pos,
        )
        for key, fig in row.chosen.fields.items():
            rec.set(key, fig)
        ctx.add(rec)
        out.append(rec)
        if row.chosen.unplaced:
            lines = [row.line.no] + ([row.cont.no] if row.cont else [])
            raws = [f.raw for f in row.chosen.unplaced]
            zeros = all(f.value in (0, None) for f in row.chosen.unplaced)
            ctx.finding(
                "read.alignment",
                "info" if zeros else "warning",
                lines,
                f"사업별조서 '{row.name}': 어느 열에도 맞지 않는 값 {', '.join(raws)} / "
                f"values that fit no column",
                department=table.department,
                subject=row.name,
                actual=raws,
            )
    ctx.tables.append(_as_printed(ctx, table))
    return out


def _as_printed(ctx: ReadContext, table: ProgramTable) -> Table:
    """The table as printed, kept beside the records: the cells the alignment could not
    place stay visible there (and in the ``read.alignment`` findings)."""
    rows: list[TableRow] = []
    for row in table.rows:
        for ln in [row.line] + ([row.cont] if row.cont else []):
            src = ctx.src(ln)
            rows.append(TableRow(src, [cell_of(c, src, table.multiplier) for c in ln.cells]))
    first = table.rows[0].line
    return Table(
        source=ctx.src(first),
        municipality=ctx.municipality,
        year=ctx.year,
        department=table.department,
        name=SECTION,
        rows=rows,
        typed=True,
        kind="programs",
    )
