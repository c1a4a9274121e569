"""The pledge summary's SQL on SQLite and PostgreSQL: 003's 56 pledges written through the
write path (``operations.add_pledge``, ``report_pledge``) and counted back by the read layer."""

from __future__ import annotations

import pytest

from sijeong import operations
from sijeong.operations import Actor
from sijeong.store import views

PERF = Actor(login="perf", role="performance", via="api")
#: 003: 이행완료 27, '25년 완료목표 9, 정상추진 중 20 (typed from the document's counts)
STATUSES_003 = [("completed", None)] * 27 + [("due", 2025)] * 9 + [("on_track", None)] * 20


def test_003_summary_on_both_databases(engine):
    ids = []
    for i, (status, year) in enumerate(STATUSES_003, start=1):
        row = operations.add_pledge(engine, PERF, municipality="김포시", title=f"공약 {i}",
                                    field="교통" if i <= 20 else "복지", lead_department="정책기획과",
                                    status=status, target_year=year, type="city_leading" if i <= 15 else "department")
        ids.append(row["id"])
    operations.report_pledge(engine, PERF, pledge_id=ids[0], period="2024-H2", status="on_track", text="추진")
    operations.report_pledge(engine, PERF, pledge_id=ids[0], period="2025-H1", status="completed", text="완료")
    operations.report_pledge(engine, PERF, pledge_id=ids[40], period="2025-H1", status="partial", text="일부")
    with engine.connect() as conn:
        s = views.pledge_summary(conn, municipality="김포시")
        page, total = views.pledge_page(conn, municipality="김포시", limit=5, offset=0)
    by = {b["status"]: (b["count"], b["percent"]) for b in s["by_status"]}
    # ids[40] (on_track) reported partial for the newest half-year: its status follows the report
    assert s["total"] == 56 and total == 56 and [p["number"] for p in page] == [1, 2, 3, 4, 5]
    assert by["completed"] == (27, 48.2) and by["due"] == (9, 16.1)
    assert by["on_track"] == (19, 33.9) and by["partial"] == (1, 1.8)
    assert {t["type"]: t["total"] for t in s["by_type"]} == {"city_leading": 15, "department": 41}
    fields = {f["field"]: (f["total"], f["completion_rate"]) for f in s["by_field"]}
    assert fields == {"교통": (20, 100.0), "복지": (36, 19.4)}  # 7 of 36 = 19.44…
    over = {t["period"]: {b["status"]: b["count"] for b in t["by_status"] if b["count"]} for t in s["over_time"]}
    assert over == {"2024-H2": {"on_track": 1}, "2025-H1": {"completed": 1, "partial": 1}}


def test_audit_trail_and_stale_edit_on_both_databases(engine):
    row = operations.add_pledge(engine, PERF, municipality="감사시", title="감사", field="교통",
                                lead_department="교통정책과", status="on_track", note="내부")
    editor = Actor(login="park", role="editor", department="교통정책과", via="web")
    other = Actor(login="kim", role="editor", department="자치행정과", via="web")
    operations.update_pledge(engine, PERF, pledge_id=row["id"], version=1, status="due", target_year=2026)
    operations.report_pledge(engine, editor, pledge_id=row["id"], period="2026-H1", status="completed", text="완료")
    with pytest.raises(operations.Refused):
        operations.report_pledge(engine, other, pledge_id=row["id"], period="2026-H2", status="completed", text="x")
    with pytest.raises(operations.Stale):
        operations.update_pledge(engine, PERF, pledge_id=row["id"], version=1, title="늦음")
    with pytest.raises(operations.Invalid):
        operations.update_pledge(engine, PERF, pledge_id=row["id"], version=3, target_year=None, status="due")
    with engine.connect() as conn:
        trail = views.pledge_audit(conn, row["id"])
        now = views.pledge(conn, row["id"])
    # one row per field changed, in the order given (status, then target_year); version and
    # changed_at have rows of their own
    assert [(a["actor"], a["operation"], a["entity"], a["field"]) for a in trail
            if a["field"] not in ("version", "changed_at")] == [
        ("perf", "pledge.add", "pledges", None),
        ("perf", "pledge.update", "pledges", "status"),
        ("perf", "pledge.update", "pledges", "target_year"),
        ("park", "pledge.report", "pledge_reports", None),
        ("park", "pledge.report", "pledges", "status"),
    ]
    assert (now["status"], now["title"], now["version"]) == ("completed", "감사", 3)
