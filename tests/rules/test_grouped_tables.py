"""``table.grouped_total`` and ``table.share`` on made-up tables with grouped headers and
shares beside the amounts (the layout of a plan's 세출예산 table), consistent by
construction, then with one cell changed."""

import random

import pytest

from sijeong.model import Cell, Document, Source, Table, TableRow
from sijeong.rules.grouped import check_grouped_totals, check_shares

DOC = "grouped.txt"


def _table(top: list[str], sub: list[str], rows: list[list[str]]) -> Document:
    t = Table(source=Source(DOC, 20), municipality="가람시", year=2024, department="예산과", name="세출예산",
              header=[top], header_lines=[20],
              rows=[TableRow(Source(DOC, 21), [Cell(x) for x in sub])]
              + [TableRow(Source(DOC, 22 + i), [Cell(x) for x in r]) for i, r in enumerate(rows)])
    d = Document(name=DOC, municipality="가람시", year=2024, family="plan")
    d.tables.append(t)
    return d


def _make(rng: random.Random, shares: bool):
    """A 계 column, then single columns and groups (each group: 계 + 2-3 parts) in random order."""
    items = []
    for i in range(rng.randint(1, 3)):
        if rng.random() < 0.5:
            parts = [rng.randint(1_000, 900_000) for _ in range(rng.randint(2, 3))]
            items.append((f"묶음{i}", ["계"] + [f"재원{j}" for j in range(len(parts))], [sum(parts)] + parts))
        else:
            items.append((f"사업{i}", [""], [rng.randint(1_000, 900_000)]))
    if not any(len(v) > 1 for _, _, v in items):
        parts = [rng.randint(1_000, 900_000) for _ in range(2)]
        items.append(("보조금", ["계", "국비", "시비"], [sum(parts)] + parts))
    total = sum(v[0] for _, _, v in items)
    top, sub, values = ["계"], [""], [total]
    for label, subs, vals in items:
        top += [label] + [""] * (len(subs) - 1)
        sub += subs
        values += vals
    decimals = rng.choice([0, 1, 2])

    def cell(v):
        return f"{v:,}" + (f" ({v / total * 100:.{decimals}f}%)" if shares else "")

    return top, sub, values, cell, total, decimals


@pytest.mark.parametrize("seed", range(25))
def test_consistent_grouped_tables_are_quiet_and_one_change_is_found(seed):
    rng = random.Random(seed)
    shares = rng.random() < 0.6
    top, sub, values, cell, total, decimals = _make(rng, shares)
    row = [cell(v) for v in values]
    row[0] = f"{total:,}" + (" (100%)" if shares else "")
    doc = _table(top, sub, [row])
    assert check_grouped_totals([doc]) == [] and check_shares([doc]) == []
    # change one amount (keeping its printed share): a sum no longer holds
    k = rng.randrange(1, len(values))
    changed = list(row)
    old = values[k]
    changed[k] = changed[k].replace(f"{old:,}", f"{old + rng.randint(1, 99) * 10:,}", 1)
    found = check_grouped_totals([_table(top, sub, [changed])])
    assert found and all(f.severity == "error" and 22 in f.lines for f in found)
    if shares:
        # change one share by more than its rounding: that share is reported
        pct = f"{values[k] / total * 100:.{decimals}f}%"
        wrong = f"{values[k] / total * 100 + 3:.{decimals}f}%"
        bad = list(row)
        bad[k] = bad[k].replace(pct, wrong)
        found = check_shares([_table(top, sub, [bad])])
        assert [f.actual for f in found] == [float(wrong.rstrip("%"))]


def test_a_header_of_one_level_or_an_unplaced_sub_label_is_not_guessed():
    assert check_grouped_totals([_table(["계", "국비", "시비"], ["", "", ""], [["10", "3", "5"]])]) == []
    # a sub label under no top label: the structure is not understood
    assert check_grouped_totals([_table(["", "국비", ""], ["계", "", "x"], [["10", "3", "5"]])]) == []
