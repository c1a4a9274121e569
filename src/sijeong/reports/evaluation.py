"""A department evaluation's result table (부서 자체평가 결과) as XLSX (openpyxl), as the results
page shows it to the reader: a sheet ``평가 결과`` with one row per department — group, rank
(``n위 / 그룹 수``, 미완료 when a score component has no score), department, each component's
points, the total — and a sheet ``배점`` with the components. Row 1 the title, row 3 the
header, as the other reports. Who may have it is decided before (``sijeong.evaluation.results``):
the workbook holds only what ``results`` answered."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from .pledges import _head
from .xlsx import FONT

KIND_LABELS = {"score": "평가 점수", "bonus": "가점", "penalty": "감점"}


def evaluation_workbook(data: dict[str, Any]) -> bytes:
    """``data``: :func:`sijeong.evaluation.results` for the reader. Returns the workbook's bytes."""
    s = data["scheme"]
    comps = s["components"]
    wb = Workbook()
    ws = wb.active
    ws.title = "평가 결과"
    _head(ws, f"{s['municipality']} {s['year']} {s['name']} ({s['publication_label']})",
          ["그룹", "순위", "그룹 부서 수", "부서"] + [c["label"] for c in comps] + ["총점"])
    number_format = "0." + "0" * s["decimals"] if s["decimals"] else "0"
    for g in data["groups"]:
        for d in g["departments"]:
            points = {c["key"]: c["points"] if c["mean"] is not None else None for c in d["components"]}
            ws.append([g["name"], d["rank"] if d["rank"] else "미완료", d["group_size"], d["department"]]
                      + [points.get(c["key"]) for c in comps] + [d["total"]])
    last = 4 + len(comps) + 1
    for row in ws.iter_rows(min_row=4):
        for c in row:
            c.font = Font(name=FONT)
            if c.column > 4 and c.value is not None:
                c.number_format = number_format if c.column == last else "0.00"
    for col, w in (("A", 12), ("B", 8), ("C", 10), ("D", 18)):
        ws.column_dimensions[col].width = w

    rule = wb.create_sheet("배점")
    _head(rule, f"{s['name']} 배점 (이상치 처리: {s['trim_label']})", ["구성요소", "종류", "배점", "만점"])
    for c in comps:
        rule.append([c["label"], KIND_LABELS.get(c["kind"], c["kind"]), c["weight"],
                     c["max_score"] if c["kind"] == "score" else None])
    for row in rule.iter_rows(min_row=4):
        for c in row:
            c.font = Font(name=FONT)
    rule.column_dimensions["A"].width = 18
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


STANDING_ORDER = ("behind", "unreported", "on_track", "done")


def joint_tasks_workbook(data: dict[str, Any]) -> bytes:
    """``data``: :func:`sijeong.joint_tasks.tasks` of a month. Sheet ``부진지표``: every indicator's
    standing that month, 부진 first, with the month's task; sheet ``월별 이행과제``: every task
    reported, by indicator and month."""
    e, month = data["evaluation"], data["month"]
    wb = Workbook()
    ws = wb.active
    ws.title = "부진지표"
    lagging = len(data["lagging"])
    _head(ws, f"{e['year']} {e['name']} {month or ''} 부진지표 {lagging}개",
          ["번호", "지표", "담당 부서", "상태", "이행과제", "계획", "실적", "증빙"])
    rank = {s: i for i, s in enumerate(STANDING_ORDER)}
    for i in sorted(data["indicators"], key=lambda i: rank.get(i["standing"], len(rank))):
        t = i["task"] or {}
        ws.append([i["number"], i["name"], i["department"], i["standing_label"], t.get("task"), t.get("target"),
                   t.get("actual"), t.get("evidence")])
    all_tasks = wb.create_sheet("월별 이행과제")
    _head(all_tasks, f"{e['year']} {e['name']} 월별 이행과제",
          ["번호", "지표", "월", "상태", "부진", "이행과제", "계획", "실적", "증빙", "비고", "입력"])
    for i in data["indicators"]:
        for t in i["tasks"]:
            all_tasks.append([i["number"], i["name"], t["month"], t["status_label"], "부진" if t["behind"] else "",
                              t["task"], t["target"], t["actual"], t["evidence"], t["note"], t["entered_by"]])
    for sheet in (ws, all_tasks):
        for row in sheet.iter_rows(min_row=4):
            for c in row:
                c.font = Font(name=FONT)
        sheet.column_dimensions["B"].width = 28
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
