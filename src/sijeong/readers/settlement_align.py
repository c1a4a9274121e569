"""Aligning a 사업별조서 row's printed values to the table's columns.

The table has 15 columns on the top line of a row and 6 on the bottom line::

    예산액 | 전년도이월액 | 이용   | 수입대체경비 | 예산현액 | 지출액 | 이월 계 | 명시 | 사고 | 계속비 |
           | 예비비사용액 | 전용   | 변경         |
    보조금반납금 | 집행잔액 계 | 보조금정산잔액 | 예산절감액 | 계획변경등
                 |             | 낙찰차액       | 지출잔액   | 예비비

The extraction prints the bottom values stacked inside the top cell (``264,144,000
△5,558,259,000``), on a continuation line of leading tabs, or not at all; and it drops or
shifts cells, so a row has 14–17 values. We enumerate the ways the printed cells can fall
into the columns in order (a column left out is *dropped*, a cell that fits nowhere is
*extra*), score each by the identities the settlement obeys, and keep the best.

Speed: the candidates are scored all at once on plain ints (:mod:`settlement_scoring`);
Alignments are built only for the candidates a caller keeps, and their fields only when
read.
"""

from __future__ import annotations

from typing import Iterable

from ..model import Figure
from .settlement_columns import (  # noqa: F401 - the columns are part of this module's interface
    ADJUSTMENTS,
    BOTTOM_LEFT,
    BOTTOM_OF,
    BOTTOM_RIGHT,
    CONT_COLUMN,
    KEY_FIELDS,
    PARTS,
    PARTS_TOP,
    TOP,
    TOP_INDEX,
    left_options as _left,
    nonzero,
    right_options as _right_options,
)
from .settlement_scoring import Row, matchings as _matchings, table_for  # noqa: F401 - _matchings as before


class Alignment:
    """One way of placing a row's values. ``fields`` maps a field to its Figure.

    Alignments made by :func:`align` build ``fields``, ``unplaced`` and ``checks`` only when
    they are asked for: a row has hundreds of candidates and only the chosen one is read."""

    __slots__ = ("_fields", "_unplaced", "_checks", "_row", "_mi", "_r", "pattern", "cost", "satisfied",
                 "violated", "parts_match", "order", "overflow", "_lost", "_base")

    def __init__(self, fields: dict[str, Figure], unplaced: list[Figure], pattern: tuple, cost: int,
                 satisfied: int = 0, violated: int = 0, parts_match: bool = False, order: int = 0,
                 checks: list[str] | None = None, overflow: bool = False) -> None:
        self._fields, self._unplaced = fields, unplaced
        self._checks = [] if checks is None else checks
        self._row = self._mi = self._r = self._lost = self._base = None
        self.pattern = pattern  # which columns were dropped, which cells extra
        self.cost = cost  # dropped + extra
        self.satisfied, self.violated, self.parts_match = satisfied, violated, parts_match
        self.order = order
        self.overflow = overflow  # the row prints more top cells than the table has columns

    @classmethod
    def _of(cls, row: "Row", mi: int, r: int, order: int, satisfied: int, violated: int, base: tuple) -> "Alignment":
        a = cls.__new__(cls)
        a._fields = a._unplaced = a._checks = None
        a._row, a._mi, a._r = row, mi, r
        a.pattern = row.table.pattern[mi]
        a.cost, a.parts_match = base[3], not base[5]
        a.satisfied, a.violated, a.order, a.overflow = satisfied, violated, order, row.overflow
        a._lost, a._base = base[0], base
        return a

    @property
    def fields(self) -> dict[str, Figure]:
        if self._fields is None:
            self._fields, self._unplaced = self._row.place(self._mi, self._r)
        return self._fields

    @property
    def unplaced(self) -> list[Figure]:
        if self._unplaced is None:
            self._fields, self._unplaced = self._row.place(self._mi, self._r)
        return self._unplaced

    @property
    def checks(self) -> list[str]:
        if self._checks is None:
            self._checks = self._row.broken(self._mi, self._r)
        return self._checks

    @property
    def score(self) -> int:
        return self.satisfied - self.violated

    @property
    def lost(self) -> int:
        """Printed non-zero values this reading leaves out. Where the row has no more cells
        than the table has columns, a reading may leave out a stray 0 but never a printed
        amount just to make the identities hold: that would hide the document's own errors
        from the rules. A row with more cells than columns must leave something out; there
        the identities decide what."""
        if self.overflow:
            return 0
        if self._lost is not None:
            return self._lost
        return sum(1 for f in self.unplaced if nonzero(f))

    def has(self, key: str) -> bool:
        if self._fields is None:
            col = TOP_INDEX.get(key)
            if col is not None:  # a top field is always its column's first figure
                return self._row.table.cols[self._mi][col] is not None
        return key in self.fields

    def value(self, key: str) -> int:
        if self._fields is None:
            col = TOP_INDEX.get(key)
            if col is not None:
                ci = self._row.table.cols[self._mi][col]
                return 0 if ci is None else self._row.ints[ci]
        fig = self.fields.get(key)
        return 0 if fig is None else int(fig.amount)

    def __repr__(self) -> str:
        return (f"Alignment(pattern={self.pattern!r}, cost={self.cost}, satisfied={self.satisfied}, "
                f"violated={self.violated}, order={self.order}, checks={self.checks!r})")


def evaluate(a: Alignment) -> None:
    """Count the identities ``a`` satisfies and breaks (what :func:`align` computes for every
    candidate at once, written out for one)."""
    f = a.fields

    def has(*keys: str) -> bool:
        return all(k in f and f[k] is not None for k in keys)

    def check(name: str, ok: bool) -> None:
        if ok:
            a.satisfied += 1
        else:
            a.violated += 1
            a.checks.append(name)

    a._base = None
    v = a.value
    # an identity whose result column was dropped while its inputs are printed counts as
    # broken: leaving out 예산현액 or 집행잔액 must not be a way to dodge the arithmetic
    if has("budget"):
        check("current_budget", has("current_budget")
              and v("budget") + sum(v(k) for k in ADJUSTMENTS) == v("current_budget"))
    if has("current_budget", "spent"):
        check("unspent", has("unspent") and
              v("current_budget") - v("spent") - v("carry_forward") - v("subsidy_returned") == v("unspent"))
    if has("carry_forward") and any(k in f for k in ("carry_explicit", "carry_accident", "carry_continuing")):
        check("carry_forward", v("carry_forward") == v("carry_explicit") + v("carry_accident") + v("carry_continuing"))
    parts_sum = sum(v(k) for k in PARTS)
    if any(k in f for k in BOTTOM_RIGHT):
        check("unspent_parts", has("unspent") and parts_sum == v("unspent"))
    a.parts_match = has("unspent") and parts_sum == v("unspent")


def align(
    cells: list[list[Figure]],
    left: list[tuple[int, Figure]] | None = None,
    right: list[tuple[int, Figure]] | None = None,
    *,
    previous: tuple | None = None,
    within: int | None = None,
    limit: int | None = None,
) -> list[Alignment]:
    """Every good alignment of a row, best first (ordered by :func:`rank`).

    ``cells``: the top line's value cells in order, each one or two (stacked) figures;
    ``left``/``right``: the continuation line's values as (column index, figure).
    ``previous``: the pattern chosen for the previous row of the same table.
    ``within``: keep only the alignments whose score is at most this much below the best
    one's; ``limit``: at most this many (the same as filtering and cutting the full list).
    """
    n = len(cells)
    row = Row(cells, left, right)
    least = abs(n - len(TOP))
    packed: list[int] = []
    for max_cost in (least + 2, least + 4):
        packed = row.score(table_for(n, max_cost))
        # a reading that breaks no identity ends the search; otherwise try the wider one
        if any(p & 0xFF == 0 for p in packed):
            break
    if not packed:
        return []
    if within is None:
        kept: Iterable[int] = range(len(packed))
    else:
        worst = (min(packed) >> 8 & 0xFF) + within  # the best's (8 - score), plus within
        kept = [k for k, p in enumerate(packed) if p >> 8 & 0xFF <= worst]
    if limit is not None and len(kept) > limit:
        # a key (below) starts with packed >> 8, i.e. (lost, -score): the best ``limit`` keys
        # are among the candidates whose packed >> 8 is at most the limit-th smallest one, so
        # only theirs are built (a row of 16 cells has thousands of candidates, 300 are kept)
        bound = sorted([packed[k] >> 8 for k in kept])[limit - 1]
        kept = [k for k in kept if packed[k] >> 8 <= bound]
    # rank packed in one int per kept candidate: (lost, -score) from the packed score, then
    # officer, cost, key totals dropped, parts not adding up, pattern changed, order
    table, rights, valid, officer, matches = row.table, row.rights, row.valid, row.officer, row.parts_match
    same = table.index().get(previous) if previous is not None else None
    bits = len(packed).bit_length()
    segs, static, nr = table.segs, table.static, len(rights)
    if nr == 1:  # most rows: one right-hand option, candidate k is matching valid[k]
        extra0 = len(rights[0][1]) << 3
        nomatch = [not m for m in matches[0]]
        keys = []
        for k in kept:
            mi = valid[k]
            _, b, _, d, _ = segs[mi]
            keys.append(((((packed[k] >> 8 << 1 | officer[b]) << 16 | static[mi] + extra0) << 1 | nomatch[d]) << 1
                         | (mi != same)) << bits | k + 1)
    else:
        extra_cost = [len(r_extra) << 3 for _, r_extra in rights]
        keys = []
        for k in kept:
            idx, r = divmod(k, nr)
            mi = valid[idx]
            _, b, _, d, _ = segs[mi]
            key = (packed[k] >> 8 << 1 | officer[b]) << 16 | static[mi] + extra_cost[r]  # cost < 8192
            key = (key << 1 | (not matches[r][d])) << 1 | (mi != same)
            keys.append(key << bits | k + 1)
    keys.sort()
    out: list[Alignment] = []
    append, of, mask = out.append, Alignment._of, (1 << bits) - 1
    cost, key_dropped, extra_len = table.cost, table.key_dropped, [len(r_extra) for _, r_extra in rights]
    if nr == 1:  # the loop below, for one right-hand option
        extra0 = extra_len[0]
        for key in keys[:limit]:
            order = key & mask
            mi = valid[order - 1]
            p = packed[order - 1]
            _, b, _, d, _ = segs[mi]
            violated, score = p & 0xFF, 8 - (p >> 8 & 0xFF)
            base = (p >> 16, -score, officer[b], cost[mi] + extra0, key_dropped[mi], nomatch[d])
            append(of(row, mi, 0, order, score + violated, violated, base))
        return out
    for key in keys[:limit]:
        order = key & mask
        idx, r = divmod(order - 1, nr)
        mi = valid[idx]
        p = packed[order - 1]
        _, b, _, d, _ = segs[mi]
        violated, score = p & 0xFF, 8 - (p >> 8 & 0xFF)
        base = (p >> 16, -score, officer[b], cost[mi] + extra_len[r], key_dropped[mi], not matches[r][d])
        append(of(row, mi, r, order, score + violated, violated, base))
    return out


def rank(a: Alignment, previous: tuple | None = None) -> tuple:
    """No printed amount left out; then most identities; then the budget officer's reading (what is left over is
    집행잔액, not 반납금, unless the identities demand it); then the fewest dropped/extra
    cells; then parts that add up; then the previous row's layout."""
    base = a._base
    if base is None:
        officer = 1 if a.value("subsidy_returned") != 0 else 0
        key_dropped = sum(not a.has(k) for k in KEY_FIELDS)
        base = (a.lost, -a.score, officer, a.cost, key_dropped, not a.parts_match)
    return base + (a.pattern != previous, a.order)


