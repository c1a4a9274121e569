"""The columns of a 사업별조서 (expenditure by program) row and where its values can go.

The table has 15 columns on the top line of a row and 6 on the bottom line::

    예산액 | 전년도이월액 | 이용   | 수입대체경비 | 예산현액 | 지출액 | 이월 계 | 명시 | 사고 | 계속비 |
           | 예비비사용액 | 전용   | 변경         |
    보조금반납금 | 집행잔액 계 | 보조금정산잔액 | 예산절감액 | 계획변경등
                 |             | 낙찰차액       | 지출잔액   | 예비비

The bottom values are printed stacked inside the top cell, on a continuation line of
leading tabs (:func:`left_options` / :func:`right_options` place those), or not at all.
"""

from __future__ import annotations

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


TOP_INDEX = {name: col for col, name in enumerate(TOP)}
#: the columns each identity reads (its "segment" of a matching)
SEG_BUDGET = (0, 1, 2, 3, 4)  # 예산액 + adjustments = 예산현액
SEG_UNSPENT = (4, 5, 6, 10, 11)  # 예산현액 - 지출액 - 이월 - 반납금 = 집행잔액
SEG_CARRY = (6, 7, 8, 9)  # 이월 = 명시 + 사고 + 계속비
SEG_PARTS = (11, 12, 13, 14)  # 집행잔액 = its parts
CHECK_NAMES = ("current_budget", "unspent", "carry_forward", "unspent_parts")


def bottom_field(col: int) -> str:
    name = BOTTOM_OF[col]
    return "reserve" if name == "plan_change_bottom" else name


def nonzero(fig: Figure) -> bool:
    return fig.value not in (0, None)


def right_options(right: list[tuple[int, Figure]]):
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


def left_options(left: list[tuple[int, Figure]]) -> tuple[dict[str, Figure], list[Figure]]:
    """The continuation line's left-hand values in 예비비사용액/전용/변경, and those left over."""
    if not left:
        return {}, []
    if len(left) <= 3 and all(idx in CONT_COLUMN for idx, _ in left):
        return {CONT_COLUMN[idx]: fig for idx, fig in left}, []
    placed = {BOTTOM_LEFT[k]: fig for k, (_, fig) in enumerate(left[:3])}
    return placed, [fig for _, fig in left[3:]]
