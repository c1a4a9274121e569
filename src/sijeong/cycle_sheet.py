"""The spreadsheet round trip of the performance cycle (issue 11 part 4; ``docs/cycle.md``).

:func:`template` writes an XLSX workbook — one sheet per department — with a row per
confirmed plan indicator × period: a hidden, locked key (``P<plan indicator id>|<period>|
<check digits>``), 지표명, 단위, 목표치, 기간 (locked), 실적 and 설명 (the only editable cells),
the result's state, and a hidden version (what the person downloaded). The periods of a
year are its reporting windows' (``cycle_windows``), the periods that already have a result,
and always the year itself (``2025``: the annual result the report is made from).

:func:`apply` reads an uploaded workbook defensively (size, zip members and their unpacked
size, sheets, rows; openpyxl read-only, formulas refused), checks EVERY cell first and
collects ALL errors — each naming the sheet, row and column, Korean first then English —
and, when there is none, enters every changed actual in ONE :func:`operations.write`
transaction (operation ``result.upload``, channel ``upload``): one audit entry per result
created or changed, none for a row that did not change. Any error: nothing is applied.

Roles (``operations.OPERATIONS['result.upload']``): the administrator and the performance
team for any department; a department editor for their own department only (a sheet of
another department is refused, 403). The result's rules are those of
:func:`cycle.enter_result`: results of confirmed plan indicators only, a submitted or accepted
result is not changed, a result changed since the download (its version) is stale, a closed
year (결산 확정) is locked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import re
import warnings
import zipfile
from io import BytesIO
from typing import Any

from . import cycle
from .operations import DEPARTMENT_ROLES, Actor, Refused, allowed, write
from .store import cycle as q
from .store import writes

OPERATION = "result.upload"
MARKER = "sijeong:cycle-sheet:1"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: limits of an uploaded workbook
MAX_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 500
MAX_UNPACKED = 60 * 1024 * 1024
MAX_RATIO = 150
MAX_SHEETS = 200  # 54 departments and 14 읍·면·동 in one workbook, with room
MAX_ROWS = 5000
MAX_ERRORS = 500
#: keys of no plan indicator of the year whose reason (another municipality, year …) is looked up
MAX_LOOKUPS = 200
MAX_COMMENT = cycle.MAX_TEXT

HEADER_ROW = 3
FIRST_ROW = 4
#: (field, column letter, Korean header)
COLUMNS = (
    ("key", "A", "키(수정 금지)"),
    ("name", "B", "지표명"),
    ("unit", "C", "단위"),
    ("target", "D", "목표치"),
    ("period", "E", "기간"),
    ("actual", "F", "실적"),
    ("comment", "G", "설명"),
    ("status", "H", "상태"),
    ("version", "I", "버전(수정 금지)"),
)
COL = {f: letter for f, letter, _ in COLUMNS}
LABEL = {f: label.split("(")[0] for f, _, label in COLUMNS}
NCOLS = len(COLUMNS)
STATUS_LABELS = {None: "미입력", "draft": "작성 중", "submitted": "제출됨", "accepted": "승인됨", "returned": "반려됨"}
EDITABLE_STATES = (None, "draft", "returned")
KEY = re.compile(r"^P(\d{1,12})\|(\d{4}(?:-(?:Q[1-4]|H[12]|M(?:0[1-9]|1[0-2])))?)\|([0-9a-f]{8})$")
NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: units whose values may be below zero (a change in percentage points, an increase rate);
#: every other indicator (counts, amounts, rates, scores) takes 0 or more
SIGNED_UNITS = frozenset({"%p", "%P", "퍼센트포인트", "증감률", "증감", "변화율"})
SIGNED_NAME = re.compile(r"(증감|변화량|변동|차이)")
BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SheetRejected(Exception):
    """The workbook is refused (HTTP 422): ``errors`` lists every problem found; nothing was applied."""

    def __init__(self, errors: list["CellError"]) -> None:
        self.errors = errors
        n = len(errors)
        super().__init__(f"엑셀 파일에 오류가 {n}건 있어 아무것도 반영하지 않았습니다 / "
                         f"{n} error(s) in the workbook: nothing was applied")


@dataclasses.dataclass(frozen=True)
class CellError:
    """One problem: where (sheet, row, column — any may be None for the file or the sheet) and
    what (``reason``: Korean / English)."""

    sheet: str | None
    row: int | None
    column: str | None
    field: str | None
    reason: str

    @property
    def message(self) -> str:
        if self.sheet is None:
            return f"파일: {self.reason}"
        where = f"시트 '{self.sheet}'"
        if self.row is not None:
            where += f" {self.row}행"
        if self.column is not None:
            where += f" {self.column}열"
            if self.field:
                where += f"({LABEL.get(self.field, self.field)})"
        return f"{where}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "column_label": LABEL.get(self.field) if self.field else None, "field": self.field,
                "reason": self.reason, "message": self.message}


# --- keys and periods ------------------------------------------------------------------------


def _check(plan_id: int, period: str) -> str:
    return hashlib.sha256(f"{MARKER}|{plan_id}|{period}".encode()).hexdigest()[:8]


def make_key(plan_id: int, period: str) -> str:
    """The row's key: the plan indicator's id and the period, with check digits (a key typed
    over by hand is seen; the checks that matter are made against the database)."""
    return f"P{plan_id}|{period}|{_check(plan_id, period)}"


def period_label(period: str) -> str:
    m = cycle.PERIOD.match(period)
    part = m.group(2) if m else None
    if part is None:
        return f"{period[:4]}년(연간)"
    if part[0] == "Q":
        return f"{period[:4]}년 {part[1]}분기"
    if part[0] == "H":
        return f"{period[:4]}년 {'상' if part[1] == '1' else '하'}반기"
    return f"{period[:4]}년 {int(part[1:])}월"


def sheet_periods(year: int, windows: list[dict[str, Any]], existing: set[str]) -> list[str]:
    """The periods a year's template asks for: its reporting windows', those that have a
    result already, and the year itself (the annual result), by the end of the period."""
    found = {w["period"] for w in windows} | set(existing) | {str(year)}
    found = {p for p in found if cycle.PERIOD.match(p) and int(p[:4]) == year}
    return sorted(found, key=lambda p: (cycle.period_fraction(p), len(p), p))


def may_be_negative(unit: str | None, name: str | None) -> bool:
    """Whether an indicator's actual may be below zero: a change (증감, %p) may; a count, an
    amount, a rate or a score may not."""
    return (unit or "").strip() in SIGNED_UNITS or bool(SIGNED_NAME.search(name or ""))


def sheet_title(department: str, taken: set[str]) -> str:
    base = BAD_TITLE.sub("_", department).strip("'") or "부서"
    title, n = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


# --- the template ----------------------------------------------------------------------------


def departments(conn, municipality: str, year: int) -> list[dict[str, Any]]:
    """The departments with confirmed plan indicators in the year: name, indicators, how many
    rows their sheet has and how many of them still want an actual."""
    sheet = _rows(conn, municipality, year, None)
    out: dict[str, dict[str, Any]] = {}
    for r in sheet:
        d = out.setdefault(r["department"], {"department": r["department"], "indicators": set(), "rows": 0, "open": 0})
        d["indicators"].add(r["indicator"]["id"])
        d["rows"] += 1
        d["open"] += r["result"] is None
    return [dict(d, indicators=len(d["indicators"])) for d in out.values()]


def _rows(conn, municipality: str, year: int, department: str | None) -> list[dict[str, Any]]:
    plan = q.plan_indicators(conn, municipality, year, department, status="confirmed")
    results = q.results_of(conn, [p["id"] for p in plan])
    by = {(r["indicator_id"], r["period"]): r for r in results}
    periods = sheet_periods(year, q.windows(conn, municipality, year), {r["period"] for r in results})
    return [{"department": p["department"], "indicator": p, "period": period, "result": by.get((p["id"], period))}
            for p in plan for period in periods]


def template(conn, municipality: str, year: int, department: str | None = None) -> bytes:
    """The workbook to fill: one sheet per department (the one asked, or every department
    with confirmed plan indicators). :class:`cycle.NotFound` when the year is not opened or
    has no confirmed indicator (of the department)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    cyc = q.year_row(conn, municipality, year)
    if cyc is None:
        raise cycle.NotFound(f"열리지 않은 연도입니다 / no cycle opened for {municipality} {year}")
    rows = _rows(conn, municipality, year, department)
    if not rows:
        who = f"{department}의 " if department else ""
        raise cycle.NotFound(f"{year}년 {who}확정된 성과계획 지표가 없습니다 / no confirmed plan indicator of "
                             f"{department or municipality} in {year}")
    by_dept: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_dept.setdefault(r["department"], []).append(r)

    wb = Workbook()
    wb.remove(wb.active)
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE5F0")
    locked_fill, open_fill = PatternFill("solid", fgColor="F2F2F2"), PatternFill("solid", fgColor="FFFFFF")
    taken: set[str] = set()
    closed = cyc["status"] == "closed"
    for dept, items in by_dept.items():
        ws = wb.create_sheet(sheet_title(dept, taken))
        ws["A1"] = f"{MARKER}|{municipality}|{year}"
        ws["A2"] = dept
        ws["B1"] = f"{municipality} {year}년 성과지표 실적 입력 — {dept}"
        ws["B1"].font = Font(bold=True, size=13)
        ws["B2"] = ("실적(F열)과 설명(G열)만 입력합니다. 실적은 숫자만(수식 불가), 제출·승인된 실적은 고칠 수 없습니다. "
                    "행을 더하거나 키를 고치지 마십시오." + (" 결산 확정되어 잠긴 연도입니다." if closed else ""))
        ws["B2"].alignment = Alignment(wrap_text=False)
        for field, letter, label in COLUMNS:
            c = ws[f"{letter}{HEADER_ROW}"]
            c.value, c.font, c.fill = label, bold, head_fill
            c.alignment = Alignment(horizontal="center")
        unsigned = DataValidation(type="decimal", operator="between", formula1="0", formula2=str(int(cycle.MAX_ABS)),
                                  allow_blank=True, showErrorMessage=True, errorTitle="실적 / actual",
                                  error="0 이상의 숫자만 입력합니다 / a number of 0 or more")
        signed = DataValidation(type="decimal", operator="between", formula1=str(-int(cycle.MAX_ABS)),
                                formula2=str(int(cycle.MAX_ABS)), allow_blank=True, showErrorMessage=True,
                                errorTitle="실적 / actual", error="숫자만 입력합니다 / numbers only")
        text = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(MAX_COMMENT),
                              allow_blank=True, showErrorMessage=True, errorTitle="설명 / comment",
                              error=f"{MAX_COMMENT}자 이내 / at most {MAX_COMMENT} characters")
        for dv in (unsigned, signed, text):
            ws.add_data_validation(dv)
        for i, r in enumerate(items):
            n = FIRST_ROW + i
            ind, res = r["indicator"], r["result"]
            status = res["status"] if res else None
            label = STATUS_LABELS.get(status, status)
            if status == "returned" and res.get("return_reason"):
                label += f": {res['return_reason']}"
            values = {"key": make_key(ind["id"], r["period"]), "name": ind["name"], "unit": ind["unit"],
                      "target": cycle._maybe(ind["target"]), "period": f"{r['period']} ({period_label(r['period'])})",
                      "actual": cycle._maybe(res["actual"]) if res else None,
                      "comment": res["comment"] if res else None,
                      "status": label, "version": res["version"] if res else None}
            editable = status in EDITABLE_STATES and not closed
            for field, letter, _ in COLUMNS:
                c = ws[f"{letter}{n}"]
                c.value = values[field]
                open_cell = editable and field in ("actual", "comment")
                c.protection = Protection(locked=not open_cell)
                c.fill = open_fill if open_cell else locked_fill
            if editable:
                (signed if may_be_negative(ind["unit"], ind["name"]) else unsigned).add(f"{COL['actual']}{n}")
                text.add(f"{COL['comment']}{n}")
            ws[f"{COL['comment']}{n}"].alignment = Alignment(wrap_text=True, vertical="top")
        for letter, width in zip("ABCDEFGHI", (4, 36, 8, 12, 20, 14, 40, 16, 8)):
            ws.column_dimensions[letter].width = width
        ws.column_dimensions["A"].hidden = True
        ws.column_dimensions["I"].hidden = True
        ws.freeze_panes = f"B{FIRST_ROW}"
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
    wb.security = WorkbookProtection(lockStructure=True)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading an upload -----------------------------------------------------------------------


@dataclasses.dataclass
class Entry:
    """A data row of the upload that holds a key."""

    sheet: str
    department: str
    row: int
    plan_id: int
    period: str
    actual: float | int | None
    comment: str | None
    version: int | None


class _Errors(list):
    def add(self, sheet: str | None, row: int | None, field: str | None, reason: str) -> None:
        if len(self) < MAX_ERRORS:
            self.append(CellError(sheet, row, COL.get(field) if field else None, field, reason))
        elif len(self) == MAX_ERRORS:
            self.append(CellError(sheet, None, None, None, f"오류가 {MAX_ERRORS}건을 넘어 더 찾지 않았습니다 / "
                                                          f"more than {MAX_ERRORS} errors: stopped looking"))


def _short(value: Any) -> str:
    s = str(value)
    s = CONTROL.sub("?", s)
    return s if len(s) <= 40 else s[:37] + "…"


def _open_zip(data: bytes, errors: _Errors) -> bool:
    """The container's checks, before any XML is parsed: a zip, with few members, not packing
    more than ``MAX_UNPACKED`` bytes nor compressed beyond ``MAX_RATIO``, holding a workbook."""
    if not data:
        errors.add(None, None, None, "빈 파일입니다 / the file is empty")
        return False
    if len(data) > MAX_BYTES:
        errors.add(None, None, None, f"파일이 너무 큽니다({len(data):,}바이트, 최대 {MAX_BYTES:,}) / "
                                     f"the file is too large ({len(data):,} bytes, at most {MAX_BYTES:,})")
        return False
    if not data.startswith(b"PK\x03\x04"):
        said = "XLS(옛 형식)" if data.startswith(cycle.OLE_MAGIC) else "알 수 없는 내용"
        errors.add(None, None, None, f"XLSX 파일이 아닙니다({said}). 내려받은 양식을 엑셀 통합 문서(.xlsx)로 저장해 올리십시오 / "
                                     "not an XLSX workbook: save the downloaded template as .xlsx")
        return False
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > MAX_MEMBERS:
                errors.add(None, None, None, f"압축 안의 파일이 너무 많습니다({len(infos):,}개) / too many zip members")
                return False
            total = sum(i.file_size for i in infos)
            worst = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > 1 << 20), default=0)
            if total > MAX_UNPACKED or worst > MAX_RATIO:
                errors.add(None, None, None, f"압축을 풀면 너무 큽니다({total:,}바이트) — 압축 폭탄으로 보고 받지 않습니다 / "
                                             "unpacks too large (a zip bomb): refused")
                return False
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                errors.add(None, None, None, "엑셀 통합 문서(XLSX)가 아닌 압축 파일입니다 / a zip file, not an XLSX workbook")
                return False
            for info in infos:  # a DTD (entities: the billion laughs) has no place in a workbook
                if _has_doctype(z, info):
                    errors.add(None, None, None, f"XML에 DOCTYPE(엔티티)이 있어 받지 않습니다({_short(info.filename)}) / "
                                                 "an XML part declares a DOCTYPE (entities): refused")
                    return False
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, EOFError) as e:
        errors.add(None, None, None, f"압축을 읽을 수 없습니다 / the zip cannot be read: {_short(e)}")
        return False
    return True


def _has_doctype(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a member holds ``<!DOCTYPE`` (read in chunks, at most its declared size; a
    damaged member raises :class:`zipfile.BadZipFile`)."""
    tail = b""
    with z.open(info) as f:
        while chunk := f.read(1 << 20):
            if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                return True
            tail = chunk[-16:]
    return False


def _number(value: Any) -> tuple[float | int | None, str | None]:
    """(number, None) or (None, reason)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"숫자가 아닙니다 '{_short(value)}' / not a number"
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return None, f"날짜·시간이 아니라 숫자를 넣습니다 '{_short(value)}' / a date or time, not a number"
    if isinstance(value, str):
        s = value.strip().replace(",", "").replace(" ", "")
        if not s:
            return None, None
        if not NUMBER_TEXT.match(s):
            return None, f"숫자가 아닙니다 '{_short(value)}' / not a number"
        value = float(s)
    if not isinstance(value, (int, float)):
        return None, f"숫자가 아닙니다 '{_short(value)}' / not a number"
    if not math.isfinite(value) or abs(value) > cycle.MAX_ABS:
        return None, f"숫자가 범위를 벗어났습니다 '{_short(value)}' / out of range"
    return cycle._plain_number(value), None


def _text(value: Any) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    elif not isinstance(value, str):
        value = str(value)
    value = value.strip()
    if len(value) > MAX_COMMENT:
        return None, f"{MAX_COMMENT:,}자를 넘습니다({len(value):,}자) / longer than {MAX_COMMENT} characters"
    if CONTROL.search(value):
        return None, "제어 문자가 있습니다 / holds control characters"
    return value or None, None


def _is_formula(cell) -> bool:
    return getattr(cell, "data_type", None) == "f" or (
        cell.value is not None and not isinstance(cell.value, (str, int, float, bool, dt.date, dt.datetime, dt.time,
                                                               dt.timedelta)))


def read(data: bytes, municipality: str, year: int) -> tuple[list[Entry], _Errors]:
    """Every data row of the upload (with a key) and every problem a cell has by itself: the
    container, the sheets (made by :func:`template` for this municipality and year, their
    headers), keys (form, check digits, the year, duplicates), numbers, texts, formulas.
    Nothing here reads the database."""
    errors = _Errors()
    if not _open_zip(data, errors):
        return [], errors
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception as e:  # noqa: BLE001 - whatever the reader meets in a hostile file is a refusal
        errors.add(None, None, None, f"엑셀 파일을 읽을 수 없습니다 / the workbook cannot be read: {_short(type(e).__name__)}")
        return [], errors
    entries: list[Entry] = []
    try:
        names = wb.sheetnames
        if len(names) > MAX_SHEETS:
            errors.add(None, None, None, f"시트가 너무 많습니다({len(names)}개, 최대 {MAX_SHEETS}) / too many sheets")
            return [], errors
        seen: dict[tuple[int, str], tuple[str, int]] = {}
        for name in names:
            try:
                ws = wb[name]
                _read_sheet(ws, name, municipality, year, entries, errors, seen)
            except Exception as e:  # noqa: BLE001 - a sheet the reader cannot parse
                errors.add(name, None, None, f"시트를 읽을 수 없습니다 / the sheet cannot be read: {_short(type(e).__name__)}")
        if not names:
            errors.add(None, None, None, "시트가 없습니다 / no sheet")
    finally:
        wb.close()
    if not errors and not entries:
        errors.add(None, None, None, "입력할 행이 없습니다 / no data row")
    return entries, errors


def _read_sheet(ws, name: str, municipality: str, year: int, entries: list[Entry], errors: _Errors,
                seen: dict[tuple[int, str], tuple[str, int]]) -> None:
    if not hasattr(ws, "iter_rows"):
        errors.add(name, None, None, "실적 양식이 아닌 시트(차트 등)입니다 / not a worksheet of the template")
        return
    declared = getattr(ws, "max_row", None)  # the sheet's own <dimension>, when it has one
    if isinstance(declared, int) and declared >= FIRST_ROW + MAX_ROWS:
        errors.add(name, None, None, f"행이 너무 많습니다({declared:,}행, 최대 {MAX_ROWS:,}행) / "
                                     f"too many rows ({declared:,}, at most {MAX_ROWS:,})")
        return
    # no max_row: openpyxl would fill a gap up to a huge declared dimension; the loop stops at the limit
    rows = ws.iter_rows(min_row=1, max_col=NCOLS)
    head = [next(rows, ()) for _ in range(HEADER_ROW)]

    def val(row, i):
        return row[i].value if len(row) > i else None

    marker = val(head[0], 0)
    if not isinstance(marker, str) or not marker.startswith(MARKER + "|"):
        errors.add(name, None, None, "sijeong이 만든 실적 입력 양식의 시트가 아닙니다(내려받은 양식에 입력하십시오) / "
                                     "not a sheet of the template sijeong made (fill in the downloaded template)")
        return
    got = marker.split("|")
    if got[1:] != [municipality, str(year)]:
        errors.add(name, 1, None, f"다른 양식입니다({' '.join(got[1:])}); {municipality} {year}년 양식이 아닙니다 / "
                                  f"the template of another municipality or year, not {municipality} {year}")
        return
    department = val(head[1], 0)
    if not isinstance(department, str) or not department.strip():
        errors.add(name, 2, None, "부서 표시가 지워졌습니다(다시 내려받으십시오) / the department mark is gone (download again)")
        return
    department = department.strip()
    bad_head = False
    for i, (field, letter, label) in enumerate(COLUMNS):
        if val(head[2], i) != label:
            errors.add(name, HEADER_ROW, field, f"머리글이 '{label}'이어야 하는데 '{_short(val(head[2], i) or '')}'입니다"
                                                f"(열을 옮기거나 지우지 마십시오) / the header should be '{label}'")
            bad_head = True
    if bad_head:
        return
    n = HEADER_ROW
    for row in rows:
        n += 1
        if n >= FIRST_ROW + MAX_ROWS:
            if any(c.value is not None for c in row):
                errors.add(name, n, None, f"행이 너무 많습니다(최대 {MAX_ROWS:,}행) / too many rows (at most {MAX_ROWS:,})")
            break
        cells = {field: (row[i] if len(row) > i else None) for i, (field, _, _) in enumerate(COLUMNS)}
        values = {f: (c.value if c is not None else None) for f, c in cells.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        formula = False
        for f, c in cells.items():
            if c is not None and c.value is not None and _is_formula(c):
                errors.add(name, n, f, "수식은 받지 않습니다. 값만 입력하십시오 / formulas are not accepted: enter values")
                formula = True
        if formula:
            continue
        key = values["key"]
        if key is None or (isinstance(key, str) and not key.strip()):
            if values["actual"] is not None or values["comment"] is not None:
                errors.add(name, n, "key", "키가 없는 행입니다. 행을 더하지 말고 내려받은 행에 입력하십시오 / "
                                           "a row without a key: do not add rows, fill in the downloaded ones")
            continue
        m = KEY.match(key.strip()) if isinstance(key, str) else None
        if m is None:
            errors.add(name, n, "key", f"키의 형식이 틀렸습니다 '{_short(key)}'(키 열은 고치지 마십시오) / "
                                       "malformed key (do not edit the key column)")
            continue
        plan_id, period = int(m.group(1)), m.group(2)
        if _check(plan_id, period) != m.group(3):
            errors.add(name, n, "key", f"키가 바뀌었습니다 '{_short(key)}'(다시 내려받으십시오) / the key was changed "
                                       "(download the template again)")
            continue
        if int(period[:4]) != year:
            errors.add(name, n, "key", f"기간 {period}이(가) {year}년이 아닙니다 / the period {period} is not of {year}")
            continue
        first = seen.get((plan_id, period))
        if first is not None:
            errors.add(name, n, "key", f"같은 지표·기간의 행이 시트 '{first[0]}' {first[1]}행에도 있습니다 / "
                                       f"duplicated row (also sheet '{first[0]}' row {first[1]})")
            continue
        seen[(plan_id, period)] = (name, n)
        actual, why = _number(values["actual"])
        if why:
            errors.add(name, n, "actual", why)
        comment, why_c = _text(values["comment"])
        if why_c:
            errors.add(name, n, "comment", why_c)
        version, v = None, values["version"]
        if v is not None and not (isinstance(v, str) and not v.strip()):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not float(v).is_integer() \
                    or not 1 <= v <= 2**31:
                errors.add(name, n, "version", f"버전 칸이 바뀌었습니다 '{_short(v)}'(다시 내려받으십시오) / "
                                               "the version cell was changed (download again)")
                continue
            version = int(v)
        if why or why_c:
            continue
        entries.append(Entry(name, department, n, plan_id, period, actual, comment, version))


# --- applying --------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return float(a) == float(b)


def apply(engine, actor: Actor, municipality: str, year: int, data: bytes, file_name: str | None = None
          ) -> dict[str, Any]:
    """Check the uploaded workbook whole, then enter its changed actuals in one transaction.
    Returns the counts (``created``, ``updated``, ``unchanged``, ``rows``, ``sheets``).
    Raises :class:`Refused` (403: the role, or a sheet of another department for an editor),
    :class:`cycle.NotFound` (404: no such year), :class:`cycle.Locked` (423: a closed year),
    :class:`SheetRejected` (422: every problem found; nothing applied)."""
    own = actor.department if actor.role in DEPARTMENT_ROLES else None
    if not allowed(actor, OPERATION, own):
        raise Refused(actor, OPERATION, own)
    shown = re.split(r"[\\/]", file_name or "")[-1].strip()[:200] or "엑셀"
    shown = CONTROL.sub("", shown)
    with engine.connect() as conn:  # the year first: 404 / 423 whatever the file holds
        _open_year(q.year_row(conn, municipality, year), municipality, year)
    entries, errors = read(data, municipality, year)
    for dept in sorted({e.department for e in entries}):
        if not allowed(actor, OPERATION, dept):
            raise Refused(actor, OPERATION, dept)
    if errors and not entries:
        raise SheetRejected(list(errors))
    upload = dataclasses.replace(actor, via="upload")
    try:
        with write(engine, upload, OPERATION, municipality=municipality, department=own,
                   recheck_scopes=False) as tx:
            _open_year(q.year_row(tx.conn, municipality, year), municipality, year)
            plan = {p["id"]: p for p in q.plan_indicators(tx.conn, municipality, year)}
            others = {e.plan_id for e in entries} - set(plan)
            # why a key is not of this year's plan, for the first few (a crafted workbook could name thousands)
            foreign = {i: writes.get_row(tx.conn, "cycle_indicators", i) for i in sorted(others)[:MAX_LOOKUPS]}
            results = {(r["indicator_id"], r["period"]): r for r in q.results_of(tx.conn, list(plan))}
            todo = _decide(entries, plan, foreign, results, municipality, year, errors)
            if errors:
                raise SheetRejected(list(errors))
            counts = {"created": 0, "updated": 0, "unchanged": len(entries) - len(todo), "rows": len(entries),
                      "sheets": len({e.sheet for e in entries}), "results": []}
            for e, ind, old in todo:
                note = f"엑셀 업로드 / upload: {shown} 시트 '{e.sheet}' {e.row}행"
                if old is None:
                    rid = tx.insert("cycle_results", dict(
                        indicator_id=ind["id"], municipality=municipality, year=year, department=ind["department"],
                        period=e.period, actual=e.actual, comment=e.comment, status="draft", version=1), note=note)
                    counts["created"] += 1
                else:
                    rid = old["id"]
                    values = dict(actual=e.actual, comment=e.comment, status="draft", version=old["version"] + 1)
                    try:
                        writes.update_row(tx.conn, "cycle_results", rid, values, expected={"version": old["version"]})
                    except writes.Conflict:  # cannot happen inside the transaction that read it; refuse if it does
                        errors.add(e.sheet, e.row, "actual", "다른 사용자가 방금 고쳤습니다 / changed by someone else just now")
                        raise SheetRejected(list(errors)) from None
                    changed = [k for k in ("actual", "comment", "status") if not _equal(old[k], values[k])]
                    tx.note("cycle_results", rid, municipality=municipality, year=year, field=None,
                            old={k: old[k] for k in (*changed, "version")},
                            new={k: values[k] for k in (*changed, "version")}, note=note)
                    counts["updated"] += 1
                counts["results"].append(rid)
            return counts
    except q.Duplicate:
        raise SheetRejected([CellError(None, None, None, None, "다른 사용자가 같은 실적을 동시에 입력했습니다. 다시 내려받으십시오 / "
                                                            "someone entered the same result at the same moment: "
                                                            "download again")]) from None


def _open_year(cyc: dict[str, Any] | None, municipality: str, year: int) -> None:
    if cyc is None:
        raise cycle.NotFound(f"열리지 않은 연도입니다 / no cycle opened for {municipality} {year}")
    if cyc["status"] == "closed":
        raise cycle.Locked(f"{year}년은 결산 확정되어 잠겼습니다. 다시 열어야 고칠 수 있습니다 / "
                           f"{municipality} {year} is closed (결산 확정) and locked")


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b


def _decide(entries: list[Entry], plan: dict[int, dict[str, Any]], foreign: dict[int, dict[str, Any] | None],
            results: dict[tuple[int, str], dict[str, Any]], municipality: str, year: int,
            errors: _Errors) -> list[tuple[Entry, dict[str, Any], dict[str, Any] | None]]:
    """Each row against the database: its indicator (of this municipality, year and the sheet's
    department; confirmed), the sign of its actual, the result's state and version. Rows that
    change nothing are left out; the problems go to ``errors``."""
    todo = []
    for e in entries:
        ind = plan.get(e.plan_id)
        if ind is None:
            other = foreign.get(e.plan_id)
            if e.plan_id not in foreign:
                errors.add(e.sheet, e.row, "key", f"{municipality} {year}년 계획의 지표가 아닙니다(P{e.plan_id}) / "
                                                  f"not a plan indicator of {municipality} {year}")
            elif other is None:
                errors.add(e.sheet, e.row, "key", f"없는 지표입니다(P{e.plan_id}) / no such plan indicator")
            elif other["municipality"] != municipality:
                errors.add(e.sheet, e.row, "key", f"다른 지방자치단체({other['municipality']})의 지표입니다 / "
                                                  "an indicator of another municipality")
            else:
                errors.add(e.sheet, e.row, "key", f"다른 연도({other['year']})의 지표입니다 / an indicator of another year")
            continue
        if ind["department"] != e.department:
            errors.add(e.sheet, e.row, "key", f"다른 부서({ind['department']})의 지표입니다; 이 시트는 {e.department}입니다 / "
                                              "an indicator of another department than the sheet's")
            continue
        if ind["status"] != "confirmed":
            errors.add(e.sheet, e.row, "key", "확정된 계획의 지표가 아닙니다 / not a confirmed plan indicator")
            continue
        if e.actual is not None and e.actual < 0 and not may_be_negative(ind["unit"], ind["name"]):
            errors.add(e.sheet, e.row, "actual", f"0 이상이어야 합니다({ind['unit'] or '단위 없음'}) '{e.actual}' / "
                                                 "must not be negative")
            continue
        old = results.get((e.plan_id, e.period))
        if old is None:
            if e.actual is None:
                if e.comment is not None:
                    errors.add(e.sheet, e.row, "actual", "실적 없이 설명만 넣을 수 없습니다 / a comment needs an actual")
                continue
            if e.version is not None:
                errors.add(e.sheet, e.row, "version", "내려받을 때 있던 실적이 없습니다(다시 내려받으십시오) / "
                                                      "the result downloaded is gone (download again)")
                continue
            todo.append((e, ind, None))
            continue
        if e.actual is None:
            errors.add(e.sheet, e.row, "actual", f"입력된 실적({cycle._raw(old['actual'])})은 지울 수 없습니다 / "
                                                 "an entered actual cannot be removed")
            continue
        if _same(old["actual"], e.actual) and (old["comment"] or None) == e.comment:
            continue  # unchanged: no write, no audit entry
        if old["status"] not in ("draft", "returned"):
            errors.add(e.sheet, e.row, "actual", f"'{STATUS_LABELS.get(old['status'], old['status'])}' 상태의 실적은 "
                                                 f"고칠 수 없습니다 / a result in state {old['status']!r} cannot be changed")
            continue
        if e.version != old["version"]:
            errors.add(e.sheet, e.row, "actual", f"내려받은 뒤 다른 사용자가 고쳤습니다(지금 실적 {cycle._raw(old['actual'])}, "
                                                 f"버전 {old['version']}); 다시 내려받으십시오 / changed by someone else "
                                                 f"since the download (now {cycle._raw(old['actual'])}): download again")
            continue
        todo.append((e, ind, old))
    return todo
