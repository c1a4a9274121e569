"""Scoring every candidate alignment of a 사업별조서 row at once.

A clean row has ~226 candidate matchings of its cells to the 15 columns, a row of 16 cells
~1,800, and a report has hundreds of rows. The matchings depend only on the row's width,
so they are enumerated once per width and cost (:class:`Table`). Each identity reads only a
few columns, so it is evaluated once per distinct choice of cells for those columns (a
*segment*, :class:`Row`), and a candidate's score is the sum of its segments' packed scores.
"""

from __future__ import annotations

from itertools import compress
from operator import itemgetter
from typing import Sequence

from ..model import Figure
from .settlement_columns import (
    BOTTOM_LEFT,
    BOTTOM_OF,
    BOTTOM_RIGHT,
    CHECK_NAMES,
    KEY_FIELDS,
    SEG_BUDGET,
    SEG_CARRY,
    SEG_PARTS,
    SEG_UNSPENT,
    TOP,
    TOP_INDEX,
    bottom_field,
    left_options,
    nonzero,
    right_options,
)


def matchings(n: int, m: int, max_cost: int) -> list[tuple[tuple, tuple]]:
    """Monotone matchings of n cells to m columns: (column -> cell index or None, extras).

    In depth-first order: at each step the next cell goes in the next column, or the column
    is dropped, or the cell is extra; a matching reached again by another path is listed once,
    where it was first reached. The ways to finish from (cell i, column j, cost so far) do not
    depend on how that point was reached, so each is listed once and shared."""
    memo: dict[tuple[int, int, int], list] = {}

    def finish(i: int, j: int, cost: int) -> list:
        got = memo.get((i, j, cost))
        if got is not None:
            return got
        if j == m:
            out = [((), tuple(range(i, n)))] if cost + (n - i) <= max_cost else []
        elif i == n:
            out = [((None,) * (m - j), ())] if cost + (m - j) <= max_cost else []
        elif cost + abs((n - i) - (m - j)) > max_cost:  # the cheapest cost still needed
            out = []
        else:
            ways = [((i,) + acc, extras) for acc, extras in finish(i + 1, j + 1, cost)]
            ways += [((None,) + acc, extras) for acc, extras in finish(i, j + 1, cost + 1)]
            ways += [(acc, (i,) + extras) for acc, extras in finish(i + 1, j, cost + 1)]
            out = list(dict.fromkeys(ways))  # first occurrences, in order
        memo[(i, j, cost)] = out
        return out

    found = finish(0, 0, 0)
    memo.clear()  # ``finish`` refers to itself: without this the lists wait for the cycle collector
    return found


class Table:
    """Every monotone matching of n cells to the 15 columns within a cost, with what the
    scoring needs of each: the cells each identity reads (as ids of distinct segments), the
    cost, the key totals it drops, the cells it puts in a column without a bottom field."""

    def __init__(self, n: int, max_cost: int) -> None:
        self.n, self.max_cost = n, max_cost
        found = matchings(n, len(TOP), max_cost)
        self.cols: list[tuple] = [cols for cols, _ in found]
        extras = [e for _, e in found]
        columns = range(len(TOP))
        dropped = [tuple(compress(columns, [c is None for c in cols])) for cols in self.cols]
        #: (dropped columns, extra cells): names one matching
        self.pattern: list[tuple] = list(zip(dropped, extras))
        self.cost: list[int] = [len(d) + len(e) for d, e in self.pattern]
        key_cols = itemgetter(*(TOP_INDEX[k] for k in KEY_FIELDS))
        self.key_dropped: list[int] = [key_cols(cols).count(None) for cols in self.cols]
        #: bit i: cell i sits in a column that cannot hold a stacked pair
        flat_cols = itemgetter(*(j for j in columns if j not in BOTTOM_OF))
        self.flat: list[int] = [sum(1 << c for c in flat_cols(cols) if c is not None) for cols in self.cols]
        # each identity's cells, as ids of the distinct choices (a segment), and the extras
        self.keys: list[list[tuple]] = []
        ids = []
        for seg in (SEG_BUDGET, SEG_UNSPENT, SEG_CARRY, SEG_PARTS, None):
            known: dict[tuple, int] = {}
            chosen = extras if seg is None else map(itemgetter(*seg), self.cols)
            ids.append([known.setdefault(k, len(known)) for k in chosen])
            self.keys.append(list(known))  # ids are insertion positions
        #: the same keys with None as n: indexes into a row's ints with a 0 appended
        self.at: list[list[tuple]] = [[tuple(n if c is None else c for c in k) for k in keys] for keys in self.keys[:4]]
        self.segs: list[tuple[int, int, int, int, int]] = list(zip(*ids))
        #: cost and key totals dropped, packed for the ranking (a row adds its right-hand extras)
        self.static = [cost << 3 | kd for cost, kd in zip(self.cost, self.key_dropped)]
        self._index: dict[tuple, int] | None = None

    def index(self) -> dict[tuple, int]:
        """Pattern -> matching (a pattern names one matching)."""
        if self._index is None:
            self._index = {p: mi for mi, p in enumerate(self.pattern)}
        return self._index

    def __len__(self) -> int:
        return len(self.cols)


_TABLES: dict[tuple[int, int], Table] = {}
#: tables of at most this many matchings are kept (≈ 6 MB for the 11,251 of 15 cells within
#: cost 4); wider ones (rows far from 15 cells, read rarely) are rebuilt each time
_CACHED_UP_TO = 20_000


def table_for(n: int, max_cost: int) -> Table:
    table = _TABLES.get((n, max_cost))
    if table is None:
        table = Table(n, max_cost)
        if len(table) <= _CACHED_UP_TO:
            _TABLES[(n, max_cost)] = table
    return table


#: ``pack(0, ok)`` of each outcome of an identity
_PACKED = {None: 2 << 8, True: 1 << 8, False: 3 << 8 | 1}


class Row:
    """A row's values as plain ints, and the score of each segment of every matching.

    A candidate's score is packed in one int, ``lost << 16 | (8 - score) << 8 | violated``,
    summed over the identities' segments: ordering by it orders by (lost, -score) as
    :func:`rank` does."""

    def __init__(self, cells: list[list[Figure]], left, right) -> None:
        self.cells = cells
        self.ints = [int(c[0].amount) for c in cells]
        self.overflow = len(cells) > len(TOP)
        self.base_left, self.left_extra = left_options(left or [])
        self.rights = right_options(right or [])
        # the segments rely on it: the left half feeds 예산현액's adjustments, the right half
        # 집행잔액's parts (the reader splits a continuation line at column 5)
        if not set(self.base_left) <= set(BOTTOM_LEFT) or any(not set(p) <= set(BOTTOM_RIGHT) for p, _ in self.rights):
            raise ValueError("continuation values: left-hand ones go in columns 0-5, right-hand ones after")
        self.stacked = sum(1 << i for i, c in enumerate(cells) if len(c) > 1)
        self.table: Table | None = None
        self.valid: Sequence[int] = ()

    def place(self, mi: int, r: int) -> tuple[dict[str, Figure], list[Figure]]:
        """The fields and left-out values of matching ``mi`` with right-hand option ``r``."""
        cols, extras = self.table.cols[mi], self.table.pattern[mi][1]
        fields: dict[str, Figure] = {}
        unplaced: list[Figure] = []
        for col, ci in enumerate(cols):
            if ci is None:
                continue
            figs = self.cells[ci]
            fields[TOP[col]] = figs[0]
            if len(figs) > 1:
                fields[bottom_field(col)] = figs[1]
                unplaced.extend(figs[2:])
        for ci in extras:
            unplaced.extend(self.cells[ci])
        placed, r_extra = self.rights[r]
        for k, fig in list(self.base_left.items()) + list(placed.items()):
            if k in fields:  # stacked and continuation both: keep the stacked one
                unplaced.append(fig)
                continue
            fields[k] = fig
        return fields, unplaced + self.left_extra + r_extra

    def broken(self, mi: int, r: int) -> list[str]:
        a, b, c, d, _ = self.table.segs[mi]
        results = (self.check_a[a], self.check_b[b], self.check_c[c], self.check_d[r][d])
        return [name for name, ok in zip(CHECK_NAMES, results) if ok is False]

    def score(self, table: Table) -> list[int]:
        """The packed score of every candidate (matching × right-hand option) of ``table``
        whose stacked cells sit under columns that have a bottom field."""
        self.table = table
        cells, ints, keep = self.cells, self.ints, not self.overflow

        def v(ci):
            return 0 if ci is None else ints[ci]

        def nz(figs) -> int:
            return sum(1 for f in figs if nonzero(f)) if keep else 0

        def bottoms(pairs, extra: dict[str, Figure]) -> tuple[dict[str, int], int]:
            """Bottom fields from stacked cells, then from the continuation line."""
            out: dict[str, int] = {}
            lost = 0
            for col, ci in pairs:
                if ci is not None and len(cells[ci]) > 1:
                    out[bottom_field(col)] = int(cells[ci][1].amount)
                    lost += nz(cells[ci][2:])
            for k, fig in extra.items():
                if k in out:
                    lost += nz([fig])
                else:
                    out[k] = int(fig.amount)
            return out, lost

        def pack(lost: int, ok: bool | None) -> int:
            return lost << 16 | (1 if ok else 3 if ok is False else 2) << 8 | (ok is False)

        # no stacked cell (most rows): the bottom fields are the continuation line's alone,
        # the same for every matching, and nothing is lost by them
        flat = not self.stacked
        self.check_a, pa = [], []
        if flat:
            left_sum = sum(bottoms((), self.base_left)[0].values())
            # the loops below written out for such rows, on ints with a 0 for an absent cell
            iv = ints + [0]
            check, packed = self.check_a, pa
            for (c0, _, _, _, c4), (i0, i1, i2, i3, i4) in zip(table.keys[0], table.at[0]):
                ok = None if c0 is None else (c4 is not None and iv[i0] + iv[i1] + iv[i2] + iv[i3] + left_sum == iv[i4])
                check.append(ok)
                packed.append(_PACKED[ok])
        for c0, c1, c2, c3, c4 in (() if flat else table.keys[0]):
            bottom, lost = bottoms(((1, c1), (2, c2), (3, c3)), self.base_left)
            extra = sum(bottom.values())
            ok = None if c0 is None else (
                c4 is not None and ints[c0] + v(c1) + v(c2) + v(c3) + extra == ints[c4])
            self.check_a.append(ok)
            pa.append(pack(lost, ok))
        iv = ints + [0]
        self.check_b, self.officer, pb = [], [], []
        check, officer = self.check_b, self.officer
        for (c4, c5, _, _, c11), (i4, i5, i6, i10, i11) in zip(table.keys[1], table.at[1]):
            ok = None if c4 is None or c5 is None else (
                c11 is not None and iv[i4] - iv[i5] - iv[i6] - iv[i10] == iv[i11])
            check.append(ok)
            officer.append(1 if iv[i10] != 0 else 0)
            pb.append(_PACKED[ok])
        self.check_c, pc = [], []
        check = self.check_c
        for (c6, c7, c8, c9), (i6, i7, i8, i9) in zip(table.keys[2], table.at[2]):
            ok = None if c6 is None or (c7 is None and c8 is None and c9 is None) else (
                iv[i6] == iv[i7] + iv[i8] + iv[i9])
            check.append(ok)
            pc.append(_PACKED[ok])
        self.check_d, self.parts_match, pds = [], [], []
        for placed, r_extra in self.rights:
            checks, matches, pd = [], [], []
            if flat:  # the loop below written out: the bottom fields are the same for all
                right, lost = bottoms((), placed)
                right_sum = sum(right.values())
                lost_d = (lost + nz(r_extra)) << 16
                for (c11, _, _, _), (i11, i12, i13, i14) in zip(table.keys[3], table.at[3]):
                    match = c11 is not None and iv[i12] + iv[i13] + iv[i14] + right_sum == iv[i11]
                    ok = match if right else None
                    checks.append(ok)
                    matches.append(match)
                    pd.append(lost_d | _PACKED[ok])
            for c11, c12, c13, c14 in (() if flat else table.keys[3]):
                bottom, lost = bottoms(((12, c12), (13, c13), (14, c14)), placed)
                extra = sum(bottom.values())
                match = c11 is not None and v(c12) + v(c13) + v(c14) + extra == ints[c11]
                ok = match if bottom else None
                checks.append(ok)
                matches.append(match)
                pd.append(pack(lost + nz(r_extra), ok))
            self.check_d.append(checks)
            self.parts_match.append(matches)
            pds.append(pd)
        if keep:
            left_lost = nz(self.left_extra)
            lost_of = [nz(c) for c in cells]  # each cell's non-zero values, counted once
            pe = [(left_lost + sum([lost_of[ci] for ci in extras])) << 16 for extras in table.keys[4]]
        else:  # a row with more cells than columns must leave something out: nothing is lost
            pe = [0] * len(table.keys[4])

        segs = table.segs
        if self.stacked:
            self.valid = [mi for mi, flat in enumerate(table.flat) if not flat & self.stacked]
            segs = [segs[mi] for mi in self.valid]
        else:
            self.valid = range(len(table))
        if len(pds) == 1:
            pd = pds[0]
            return [pa[a] + pb[b] + pc[c] + pd[d] + pe[e] for a, b, c, d, e in segs]
        out = []
        for a, b, c, d, e in segs:
            rest = pa[a] + pb[b] + pc[c] + pe[e]
            out.extend(rest + pd[d] for pd in pds)
        return out
