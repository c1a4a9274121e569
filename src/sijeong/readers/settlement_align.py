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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from ..model import Figure

TOP = (
    "budget",
    "carried_over",
    "transfer_use",
    "revenue_substitute",
    "current_budget",
    "spent",
    "carry_forward",
    "carry_explicit",
    "carry_accident",
    "carry_continuing",
    "subsidy_returned",
    "unspent",
    "subsidy_balance",
    "savings",
    "plan_change",
)
#: top column index -> the field printed below it
BOTTOM_OF = {
    1: "reserve_used",
    2: "transfer_divert",
    3: "change",
    12: "bid_difference",
    13: "spending_balance",
    14: "plan_change_bottom",
}
BOTTOM_LEFT = ("reserve_used", "transfer_divert", "change")
BOTTOM_RIGHT = ("bid_difference", "spending_balance", "reserve")
ADJUSTMENTS = ("carried_over", "transfer_use", "revenue_substitute") + BOTTOM_LEFT
PARTS_TOP = ("subsidy_balance", "savings", "plan_change")
PARTS = PARTS_TOP + BOTTOM_RIGHT
#: totals a reading should rather not leave out (a dropped part is less harmful)
KEY_FIELDS = ("budget", "current_budget", "spent", "carry_forward", "subsidy_returned", "unspent")
#: continuation-line column of each bottom field (the header's cell positions)
CONT_COLUMN = {2: "reserve_used", 3: "transfer_divert", 4: "change", 13: "bid_difference", 14: "spending_balance", 15: "reserve"}


def _bottom(col: int) -> str:
    name = BOTTOM_OF[col]
    return "reserve" if name == "plan_change_bottom" else name


@dataclass
class Alignment:
    """One way of placing a row's values. ``fields`` maps a field to its Figure."""

    fields: dict[str, Figure]
    unplaced: list[Figure]
    pattern: tuple  # which columns were dropped, which cells extra
    cost: int  # dropped + extra
    satisfied: int = 0
    violated: int = 0
    parts_match: bool = False
    order: int = 0
    checks: list[str] = field(default_factory=list)
    overflow: bool = False  # the row prints more top cells than the table has columns

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
        return sum(1 for f in self.unplaced if f.value not in (0, None))

    def value(self, key: str) -> int:
        fig = self.fields.get(key)
        return 0 if fig is None else int(fig.amount)


def _matchings(n: int, m: int, max_cost: int):
    """Monotone matchings of n cells to m columns: (column -> cell index or None, extras)."""
    seen: set = set()

    def rec(i: int, j: int, cost: int, acc: tuple, extras: tuple):
        if j == m:
            rest = tuple(range(i, n))
            if cost + len(rest) <= max_cost:
                key = (acc, extras + rest)
                if key not in seen:
                    seen.add(key)
                    yield key
            return
        if i == n:
            if cost + (m - j) <= max_cost:
                key = (acc + (None,) * (m - j), extras)
                if key not in seen:
                    seen.add(key)
                    yield key
            return
        # the cheapest cost still needed: the difference in what is left
        if cost + abs((n - i) - (m - j)) > max_cost:
            return
        yield from rec(i + 1, j + 1, cost, acc + (i,), extras)
        yield from rec(i, j + 1, cost + 1, acc + (None,), extras)
        yield from rec(i + 1, j, cost + 1, acc, extras + (i,))

    yield from rec(0, 0, 0, (), ())


def _right_options(right: list[tuple[int, Figure]]):
    """Ways to put the continuation line's right-hand values into 낙찰차액/지출잔액/예비비."""
    if not right:
        return [({}, [])]
    if len(right) <= 3:
        if all(idx in CONT_COLUMN for idx, _ in right) and len({i for i, _ in right}) == len(right):
            return [({CONT_COLUMN[idx]: fig for idx, fig in right}, [])]
        return [({BOTTOM_RIGHT[k]: fig for k, (_, fig) in enumerate(right)}, [])]
    out = []
    figs = [f for _, f in right]
    for keep in combinations(range(len(figs)), 3):
        placed = {BOTTOM_RIGHT[k]: figs[i] for k, i in enumerate(keep)}
        out.append((placed, [figs[i] for i in range(len(figs)) if i not in keep]))
    return out


def _left(left: list[tuple[int, Figure]]) -> tuple[dict[str, Figure], list[Figure]]:
    if not left:
        return {}, []
    if len(left) <= 3 and all(idx in CONT_COLUMN for idx, _ in left):
        return {CONT_COLUMN[idx]: fig for idx, fig in left}, []
    placed = {BOTTOM_LEFT[k]: fig for k, (_, fig) in enumerate(left[:3])}
    return placed, [fig for _, fig in left[3:]]


def evaluate(a: Alignment) -> None:
    f = a.fields

    def has(*keys: str) -> bool:
        return all(k in f and f[k] is not None for k in keys)

    def check(name: str, ok: bool) -> None:
        if ok:
            a.satisfied += 1
        else:
            a.violated += 1
            a.checks.append(name)

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
) -> list[Alignment]:
    """Every good alignment of a row, best first.

    ``cells``: the top line's value cells in order, each one or two (stacked) figures;
    ``left``/``right``: the continuation line's values as (column index, figure).
    ``previous``: the pattern chosen for the previous row of the same table.
    """
    n, m = len(cells), len(TOP)
    base_left, left_extra = _left(left or [])
    rights = _right_options(right or [])
    least = abs(n - m)
    out: list[Alignment] = []
    for max_cost in (least + 2, least + 4):
        out = []
        order = 0
        for cols, extras in _matchings(n, m, max_cost):
            fields: dict[str, Figure] = {}
            unplaced: list[Figure] = []
            ok = True
            for col, ci in enumerate(cols):
                if ci is None:
                    continue
                figs = cells[ci]
                fields[TOP[col]] = figs[0]
                if len(figs) > 1:
                    if col not in BOTTOM_OF:
                        ok = False
                        break
                    fields[_bottom(col)] = figs[1]
                    unplaced.extend(figs[2:])
            if not ok:
                continue
            for ci in extras:
                unplaced.extend(cells[ci])
            dropped = tuple(j for j, c in enumerate(cols) if c is None)
            for placed, r_extra in rights:
                order += 1
                flds = dict(fields)
                lost = list(unplaced)
                for k, fig in list(base_left.items()) + list(placed.items()):
                    if k in flds:  # stacked and continuation both: keep the stacked one
                        lost.append(fig)
                        continue
                    flds[k] = fig
                a = Alignment(
                    fields=flds,
                    unplaced=lost + left_extra + r_extra,
                    pattern=(dropped, extras),
                    cost=len(dropped) + len(extras) + len(r_extra),
                    order=order,
                    overflow=n > m,
                )
                evaluate(a)
                out.append(a)
        if out and max(a.violated == 0 for a in out):
            break
    out.sort(key=lambda a: rank(a, previous))
    return out


def rank(a: Alignment, previous: tuple | None = None) -> tuple:
    """No printed amount left out; then most identities; then the budget officer's reading (what is left over is
    집행잔액, not 반납금, unless the identities demand it); then the fewest dropped/extra
    cells; then parts that add up; then the previous row's layout."""
    officer = 1 if a.value("subsidy_returned") != 0 else 0
    key_dropped = sum(k not in a.fields for k in KEY_FIELDS)
    return (a.lost, -a.score, officer, a.cost, key_dropped, not a.parts_match, a.pattern != previous, a.order)


def same_reading(a: Alignment, b: Alignment) -> bool:
    """Two alignments give every field the same value (they differ only in None vs 0)."""
    keys = set(a.fields) | set(b.fields)
    return all(a.value(k) == b.value(k) for k in keys)
