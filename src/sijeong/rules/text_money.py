"""A program's spending restated in running text: ``주민자치 활성화 분야에 1,299백만원을 집행``,
``생활체육 지원사업에 총 462,000,000원 지출`` — the amount must be the 지출액 the document's
program table prints for the program of that name.

Read: a line outside tables that names a program of the same document (its whole name, up to
spacing, 4+ letters), then within a few words an amount with its money unit (원, 천원, 만원,
백만원, 억원) followed by 집행 or 지출. Left alone: a budget, a part or a period between the name
and the amount (예산, 편성, 확보, 투입, 국비, 중, 누적, 까지 …), a name two programs with two
지출액 share. A text amount in a larger unit than the table's is a rounding of it (one printed
unit of slack, info) unless the table's amount is a whole number of that unit.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..model import Document, Finding, Program
from ..model.names import norm
from .base import fmt, rule

_UNITS = {"원": 1, "천원": 1_000, "만원": 10_000, "백만원": 1_000_000, "억원": 100_000_000}
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
#: after the name: up to a few words, the amount and its unit, a particle, then 집행 / 지출
_AMOUNT = re.compile(
    rf"^(?P<between>[^\d\n.;。]{{0,16}}?)(?<![\d.,])(?P<n>{_NUMBER})\s*(?P<u>억원|백만원|천원|만원|원)"
    r"\s*(?:을|를|이|가|의)?\s*(?:집행|지출)")
#: words that make the amount another figure than the year's spending of the whole program
_NOT_SPENT = re.compile(r"예산|편성|확보|투입|배정|교부|목표|계획|예정|누적|총사업비|국비|도비|시비|군비|구비|보조|"
                        r"중|등|외|까지|부터|전년|대비|평균|월|분기|상반기|하반기")


def _spent_by_name(doc: Document) -> dict[str, list[Program]]:
    out: dict[str, list[Program]] = defaultdict(list)
    for p in doc.of(Program):
        if p.name and p.figures.get("spent") is not None and p.figures["spent"].amount is not None:
            key = norm(p.name)
            if len(key) >= 4:
                out[key].append(p)
    return out


def restated_spending(doc: Document):
    """(line number, phrase, amount in won, step in won, program) for each program's 지출액
    restated in the document's running text."""
    programs = _spent_by_name(doc)
    if not programs:
        return
    names = sorted(programs, key=len, reverse=True)
    for no, line in enumerate((doc.text or "").split("\n"), 1):
        if "\t" in line.strip() or not re.search("집행|지출", line):
            continue
        squeezed, where = _squeeze(line)
        for key in names:
            start = squeezed.find(key)
            if start < 0:
                continue
            begin, end = where[start], where[start + len(key) - 1] + 1
            if begin > 0 and re.match(r"[가-힣A-Za-z0-9]", line[begin - 1]):
                continue  # inside a longer word
            m = _AMOUNT.match(line[end:])
            if not m or _NOT_SPENT.search(m.group("between")):
                continue
            progs = programs[key]
            if len({p.figures["spent"].amount for p in progs}) != 1:
                continue  # two programs of one name, two amounts: which one is unknown
            digits = m.group("n")
            decimals = len(digits.split(".")[1]) if "." in digits else 0
            unit = _UNITS[m.group("u")]
            value = round(float(digits.replace(",", "")) * unit)
            phrase = line[begin:end + m.end()].strip()
            yield no, phrase, value, unit / 10 ** decimals, progs[0]
            break


def _printed(fig) -> str:
    """The table's cell as printed and in won (``1,299,000 = 1,299,000,000원``)."""
    raw = (fig.raw or "").strip()
    won = f"{fmt(fig.amount)}원"
    return won if not raw or raw.replace(",", "") == str(fig.amount) else f"{raw} = {won}"


def _squeeze(line: str) -> tuple[str, list[int]]:
    """The line without spaces (as names are compared) and each kept character's position."""
    chars, where = [], []
    for i, c in enumerate(line):
        if not c.isspace():
            chars.append(c)
            where.append(i)
    return "".join(chars), where


@rule("text.program_spent", "본문 사업 집행액",
      "본문이 적은 사업의 집행액(예: '주민자치 활성화 분야에 1,299백만원을 집행') = 같은 문서 사업별 결산표의 그 사업 지출액")
def check_program_spent(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        for no, phrase, value, step, prog in restated_spending(d):
            fig = prog.figures["spent"]
            diff = abs(value - fig.amount)
            if diff == 0:
                continue
            exact_in_unit = fig.amount % step == 0
            rounding = not exact_in_unit and diff < step
            severity = "info" if rounding else "error"
            out.append(Finding(
                rule="text.program_spent", severity=severity, doc=d.name, lines=sorted({no, fig.source.line}),
                message=(f"본문({no}행) '{phrase}' = {fmt(value)}원 ≠ 사업별 결산표({fig.source.line}행) "
                         f"{prog.name} 지출액 {_printed(fig)}" + (" (반올림 차이)" if rounding else "")),
                expected=fig.amount, actual=value, municipality=d.municipality, year=d.year,
                department=prog.department, subject=prog.name))
    return out
