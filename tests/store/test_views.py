"""The read layer (``store.views``) reads the store's declared schema: a misspelt table or
column raises instead of becoming a blank value; and the export and the web give a record
in one shape (``store.serialize``)."""

from __future__ import annotations

import io
import json

import pytest

from sijeong.store import views
from sijeong.store.repository import save_document
from sijeong.store.serialize import finding, finding_json, record, record_json


@pytest.fixture
def stored(engine, make_document):
    with engine.begin() as conn:
        save_document(conn, make_document("a.txt"))
    return engine


def test_a_misspelt_column_or_table_raises(stored):
    with stored.connect() as conn:
        rows, total = views.records(conn, "indicators", municipality="가온시", order=("-year", "doc_order", "id"))
        assert total == 1 and rows[0]["name"] == "지방세 징수율"
        with pytest.raises(KeyError):
            views.records(conn, "indicators", municipality="가온시", order=("doc_ordr",))
        with pytest.raises(KeyError):
            views.records(conn, "indicator", municipality="가온시")
        with pytest.raises(KeyError):
            views.money_page(conn, "programs", municipality="가온시", year=None, department=None, sort="spnt",
                             descending=True, level=None, limit=10, offset=0)
        rows, _ = views.money_page(conn, "programs", municipality="가온시", year=None, department=None, sort="spent",
                                   descending=True, level=None, limit=10, offset=0)
        assert [r["name"] for r in rows] == ["재정운영 효율화"]


def test_the_export_and_the_web_give_a_record_in_one_shape(stored):
    """What the export writes of a record or finding is what the API gives, less the row's
    id (and the columns the export leaves out of a finding)."""
    from sijeong.commands.export import write_export

    buf = io.StringIO()
    with stored.connect() as conn:
        write_export(conn, buf, municipality="가온시")
        exported = json.loads(buf.getvalue())
        rows, _ = views.records(conn, "indicators", municipality="가온시")
        findings, _ = views.finding_page(conn, municipality="가온시", year=None, department=None, severity=None,
                                         rule=None, limit=50, offset=0)
    web = record(rows[0])
    assert web.pop("id") == rows[0]["id"]
    assert web == exported["indicators"][0]
    common = {"municipality", "year", "department", "name", "section", "document", "source", "figures", "appearances"}
    own = [k for k in exported["indicators"][0] if k not in common]
    assert own and "grade_computed" in own
    assert record_json(rows[0], {rows[0]["document_id"]: "a.txt"}, own) == web
    assert findings, "the document was stored with a read finding"
    for row in findings:
        exported_one = finding_json(row, {row["document_id"]: "a.txt"})
        assert {k: v for k, v in finding(row).items() if k in exported_one} == exported_one
