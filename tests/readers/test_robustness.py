"""Readers never raise and never hang (issue 9, part 2): one test per site the fuzzing found.

"Finishes" is checked with a watchdog (the work runs in a forked process that is killed
after a generous deadline), never with a timing threshold: the old patterns did not finish
at all on these inputs.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import re
from pathlib import Path

import pytest

from sijeong.model import Document, Figure, Program, Source
from sijeong.pipeline import load_path, load_text
from sijeong.readers import read_document, read_errors
from sijeong.readers import plan_money
from sijeong.readers.guard import out_of_range
from sijeong.readers.text import MAX_DIGITS, Line, ReadError, normalise_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PLAN = FIXTURES / "consistent_plan.txt"
REPORT = FIXTURES / "consistent_report.txt"
SETTLEMENT = FIXTURES / "settlement_part.txt"
WATCHDOG = 60.0  # seconds; the old amount pattern needed ~2^40 steps for 40 digits


def _child(conn, fn, args):
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as e:  # noqa: BLE001 - reported to the parent
        conn.send(("raised", repr(e)))


def finishes(fn, *args, deadline: float = WATCHDOG):
    """Run ``fn(*args)`` in a forked process; return its result, fail if it does not finish."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    p = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
    p.start()
    try:
        if not parent.poll(deadline):
            pytest.fail(f"{fn.__name__} did not finish within {deadline} s")
        status, value = parent.recv()
    finally:
        p.kill()
        p.join()
    assert status == "ok", value
    return value


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _replace_line(path: Path, needle: str, new: str) -> tuple[str, int]:
    lines = _lines(path)
    i = next(i for i, ln in enumerate(lines) if needle in ln)
    lines[i] = new(lines[i]) if callable(new) else new
    return "\n".join(lines), i + 1


def _only_error(doc: Document):
    errors = read_errors(doc)
    assert len(errors) == 1, errors
    f = errors[0]
    assert re.match(r"[가-힣]", f.message), f.message  # Korean first
    assert " / " in f.message  # then English
    assert not doc.records and not doc.tables
    return f


# --- the exponential amount pattern ---------------------------------------------------


def _budget(text):
    return [(b.label, b.total.value) for b in plan_money.budget_statements(text, Source("t", 1))]


def _cell(text):
    fig = plan_money.cell_amount(text, Source("t", 1))
    return None if fig is None else fig.value


@pytest.mark.parametrize("text", [
    "- 사업비 : " + "1" * 40 + " 등",
    "- 예산 " + "1" * 40,
    "- 소요예산 : " + " ".join("7" * 40) + "x",
    "- 총사업비 " + "1천 " * 40 + "억",
    "- 사업비 " + "12,345" * 20 + "천",
])
def test_budget_statement_with_a_long_digit_run_finishes(text):
    assert finishes(_budget, text) == []


@pytest.mark.parametrize("text", ["1" * 40 + "x", "1 " * 40 + "천", "약 " + "9" * 40])
def test_budget_cell_with_a_long_digit_run_finishes(text):
    assert finishes(_cell, text) is None


def test_a_40_digit_budget_line_in_a_plan_is_refused_at_its_line():
    text, line = _replace_line(PLAN, "- 사업비 : 96,400천원", "- 사업비 : " + "1" * 40 + " 등")
    doc = finishes(load_text, PLAN.name, text)
    f = _only_error(doc)
    assert (f.rule, f.lines) == ("read.syntax", [line])
    assert "30자리" in f.message


def test_a_28_digit_budget_amount_is_read_then_refused_as_out_of_range():
    # under the digit limit, so the amount pattern itself runs (the old one: 2^28 steps)
    text, line = _replace_line(PLAN, "- 사업비 : 96,400천원", "- 사업비 : " + "9" * 28 + "천원")
    doc = finishes(load_text, PLAN.name, text)
    f = _only_error(doc)
    assert (f.rule, f.lines) == ("read.range", [line])


# the former pattern, kept here as the reference for what an amount is
_OLD_PART = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*[천백십]?\s*[조억만]?"
_OLD_BUDGET = re.compile(
    rf"(?P<label>{plan_money._LABELS})\s*[:：]?\s*(?:약\s*)?(?P<amount>(?:{_OLD_PART}\s*)+?)원"
    r"(?:\s*\((?P<split>[^)]*)\))?"
)


def test_the_linear_amount_pattern_reads_what_the_old_one_read():
    """On short, well-formed statements (where the old pattern is fast) both find the same
    statements with the same amount and split."""
    rng = random.Random(9)
    pieces = ["1", "12", "1,234", "41.37", "7,600", "855", "3"]
    units = ["", "천", "백", "억", "만", "조", "천만", "백만", " 천", "억 "]
    for _ in range(3000):
        amount = " ".join(rng.choice(pieces) + rng.choice(units) for _ in range(rng.randint(1, 3)))
        label = rng.choice(["사업비", "소요예산", "총 사업비", "예산", "사업 금액"])
        tail = rng.choice(["원", " 원", "원(국비 50%, 시비 50%)", "원 (도비 10, 시비 20)", "", "x원"])
        text = f"- {label}{rng.choice([' : ', '', ': 약 ', ' '])}{amount}{tail}"
        new = [(m.span("label"), m.group("amount").strip(), m.group("split"))
               for m in plan_money.BUDGET_STATEMENT.finditer(text)]
        old = [(m.span("label"), m.group("amount").strip(), m.group("split")) for m in _OLD_BUDGET.finditer(text)]
        assert new == old, text


# --- numbers too long, decimals beyond float, amounts beyond 64 bits -------------------


@pytest.mark.parametrize("token", ["1" + "0" * 5000, "1" + ",000" * 1700, "9" * 400 + ".5", "0." + "0" * 400 + "1",
                                   "1" * (MAX_DIGITS + 1)])
@pytest.mark.parametrize("path,needle", [
    (SETTLEMENT, "216 이자수입"),        # a settlement revenue row (text.parse_number)
    (PLAN, "- 소요예산 : 69,150천원"),   # a plan budget statement (plan_money)
    (FIXTURES / "plan_budget_cells.txt", "계\t\t90"),  # a plan table cell (plan_tables.cell_number)
    (REPORT, "%"),                          # a performance table (settlement_scoring …)
])
def test_a_huge_number_gives_a_located_error(path, needle, token):
    def swap(ln: str) -> str:
        m = re.search(r"\d[\d,]*(?:\.\d+)?", ln)
        return ln[: m.start()] + token + ln[m.end():]

    text, line = _replace_line(path, needle, swap)
    doc = finishes(load_text, path.name, text)
    f = _only_error(doc)
    assert (f.rule, f.lines) == ("read.syntax", [line])
    assert f"{MAX_DIGITS}자리" in f.message and len(f.message) < 300


@pytest.mark.parametrize("token", ["9,223,372,036,854,775,808", "△9,223,372,036,854,775,809",
                                   "18,446,744,073,709,551,616"])
def test_an_amount_of_2_63_won_or_more_is_refused_at_its_line(token):
    text, line = _replace_line(SETTLEMENT, "216 이자수입", lambda ln: ln.replace("100", token, 1))
    doc = load_text(SETTLEMENT.name, text)
    f = _only_error(doc)
    assert (f.rule, f.lines) == ("read.range", [line])


def test_an_amount_that_the_unit_pushes_past_2_63_is_refused():
    # 9,223,372,036,854,776 천원 = 9,223,372,036,854,776,000 원 ≥ 2^63
    text, line = _replace_line(SETTLEMENT, "216 이자수입", lambda ln: ln.replace("100", "9,223,372,036,854,776", 1))
    doc = load_text(SETTLEMENT.name, text)
    assert (_only_error(doc).rule, _only_error(doc).lines) == ("read.range", [line])
    # just below the limit it is read
    text, _ = _replace_line(SETTLEMENT, "216 이자수입", lambda ln: ln.replace("100", "9,223,372,036,854,775", 1))
    assert not read_errors(load_text(SETTLEMENT.name, text))


def test_a_count_beyond_64_bits_is_refused_too():
    text, line = _replace_line(FIXTURES / "plan_budget_cells.txt", "계\t\t90",
                               lambda ln: ln.replace("90", "99999999999999999999", 1))
    doc = load_text("cells.txt", text)
    f = _only_error(doc)
    assert (f.rule, f.lines) == ("read.range", [line])


def test_out_of_range_names_the_nearest_line():
    src = Source("d.txt", 7)
    prog = Program(source=src, municipality="가상시", year=2023, department="과", name="p")
    prog.set("budget", Figure(2**63, "x", Source("d.txt", 9), "원"))
    doc = Document(name="d.txt", municipality="가상시", year=2023, family="settlement_report", records=[prog])
    assert out_of_range(doc) == (9, 2**63)
    prog.set("budget", Figure(2**63 - 1, "x", Source("d.txt", 9), "원"))
    assert out_of_range(doc) is None
    prog.set("budget", Figure(float("inf"), "x", Source("d.txt", 9), "원"))
    assert out_of_range(doc)[0] == 9


def test_ingest_refuses_a_2_63_amount_and_says_where(tmp_path, capsys):
    from sijeong.cli import main

    text, line = _replace_line(SETTLEMENT, "216 이자수입", lambda ln: ln.replace("100", "9,223,372,036,854,775,808", 1))
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["ingest", str(path), "--db", str(tmp_path / "s.db")]) != 0
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err and "저장하지 않았습니다" in err


# --- line ends ------------------------------------------------------------------------


def _shape(doc: Document):
    return [(type(r).__name__, r.name, r.source.line, sorted((k, f.value, f.source.line) for k, f in r.figures.items()))
            for r in doc.records]


@pytest.mark.parametrize("sep", ["\r", "\r\n", "\u2028", "\u2029", "\x85"])
@pytest.mark.parametrize("path", [REPORT, PLAN])
def test_other_line_ends_read_the_same(path, sep):
    text = path.read_text(encoding="utf-8")
    base = load_text(path.name, text)
    doc = load_text(path.name, text.replace("\n", sep))
    assert not read_errors(doc)
    assert _shape(doc) == _shape(base)
    assert doc.line_count == base.line_count
    assert doc.text == base.text


def test_a_cr_only_file_is_read_from_disk(tmp_path):
    path = tmp_path / PLAN.name
    path.write_bytes(PLAN.read_bytes().replace(b"\n", b"\r"))
    doc = load_path(path)
    assert not read_errors(doc)
    assert len(doc.records) == len(load_path(PLAN).records) > 0


def test_form_feeds_and_vertical_tabs_are_spaces():
    text = REPORT.read_text(encoding="utf-8")
    base = load_text(REPORT.name, text)
    doc = load_text(REPORT.name, text.replace("\n\n", "\n\x0c\n").replace("\n【", "\n\x0b【"))
    assert not read_errors(doc) and _shape(doc) == _shape(base)
    assert normalise_text("a\x0cb\x1cc\r\nd\re\u2028f") == "a b c\nd\ne\nf"


# --- nothing read, unexpected exceptions ------------------------------------------------


def test_a_document_with_no_records_is_refused():
    text = "2020년도 주요업무계획\n\n(본문 없음)\n"  # a plan's title, nothing else
    doc = read_document("empty.txt", text)
    f = _only_error(doc)
    assert (f.rule, f.lines) == ("read.empty", [1])
    assert doc.family == "work_plan"
    # the same title with one department is a document
    assert not read_errors(read_document("one.txt", "\n".join(_lines(PLAN)[:8])))


def test_an_unexpected_exception_becomes_a_located_read_crash(monkeypatch):
    target_line = 151  # "- 소요예산 : 184,500천원(…)"

    def boom(text, source):
        ln = Line(source.line, text)  # noqa: F841 - the crash is located through this local
        if source.line == target_line:
            raise KeyError("bug")
        return []

    import sijeong.readers.plan_parts as parts

    monkeypatch.setattr(parts, "budget_statements", boom)
    doc = read_document(PLAN.name, PLAN.read_text(encoding="utf-8"))
    f = _only_error(doc)
    assert f.rule == "read.crash" and f.lines == [target_line] and "KeyError" in f.message


def test_a_crash_in_detect_is_caught(monkeypatch):
    from sijeong.readers import readers

    def boom(self, text):
        raise RuntimeError("detect bug")

    reader_cls = type(next(r for r in readers() if r.family == "work_plan"))
    monkeypatch.setattr(reader_cls, "detect", boom)
    doc = read_document(PLAN.name, PLAN.read_text(encoding="utf-8"))
    assert _only_error(doc).rule == "read.crash"


def test_read_errors_are_still_read_syntax_with_their_line():
    for name, line in [("broken_letter_in_number.txt", 12), ("broken_unknown_unit.txt", 3)]:
        doc = load_path(FIXTURES / name)
        f = _only_error(doc)
        assert (f.rule, f.lines) == ("read.syntax", [line])


def test_read_error_carries_korean_first():
    e = ReadError(Source("d", 3), "숫자가 아닙니다 / not a number")
    assert str(e) == "d:3: 숫자가 아닙니다 / not a number"


def test_a_computed_value_out_of_range_is_refused_by_load_text(monkeypatch):
    import sijeong.pipeline as pipeline

    def huge(doc):
        rec = doc.records[3]
        rec.figures["rate_computed"] = Figure(2**64, "", Source("<rule:rate>", 0))

    monkeypatch.setattr(pipeline, "_computed", huge)
    doc = load_text(REPORT.name, REPORT.read_text(encoding="utf-8"))
    f = _only_error(doc)
    assert f.rule == "read.range" and f.lines[0] >= 1
    assert doc.text is not None and doc.line_count > 1


def test_a_crash_after_reading_is_a_finding_not_an_exception(monkeypatch):
    import sijeong.pipeline as pipeline

    def boom(doc, text):
        raise ZeroDivisionError("injected")

    monkeypatch.setattr(pipeline.coverage, "compute", boom)
    doc = load_text(REPORT.name, REPORT.read_text(encoding="utf-8"))
    f = _only_error(doc)
    assert f.rule == "read.crash" and "ZeroDivisionError" in f.message
