"""``jsonable_records`` (web/serialize.py) gives what ``jsonable`` gives for every stored
record, taking the decoded JSON columns (``figures``, ``appearances``) as they are."""

from __future__ import annotations

import json
from decimal import Decimal


def test_jsonable_records_is_jsonable_of_every_stored_record(fixture_db):
    import sqlalchemy as sa

    from sijeong.store import create_engine_for, schema, views
    from sijeong.web.serialize import jsonable, jsonable_records, record

    url, _ = fixture_db
    engine = create_engine_for(url)
    seen = 0
    try:
        with engine.connect() as conn:
            for table in sorted(schema.record_tables().values(), key=lambda t: t.name):
                rows = [views.as_dict(r) for r in conn.execute(sa.select(table))]
                items = [record(r) for r in rows]
                # what the money listing's twin adds to each record
                items += [{**record(r), "rate": 12.5, "extra": {"a": {1, 3, 2}, 2: Decimal("2.0")}} for r in rows[:3]]
                want = [jsonable(it) for it in items]
                got = jsonable_records(items)
                assert got == want, table.name
                assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False), table.name
                seen += sum(1 for it in items if it.get("figures"))
    finally:
        engine.dispose()
    assert seen > 100, "the fixtures store records with figures"


def test_the_records_own_values_still_go_through_jsonable():
    from sijeong.web.serialize import jsonable_records

    item = {"id": 1, "total": Decimal("3"), "rate": Decimal("2.5"), "lines": {3, 1}, "figures": {"budget": {"line": 4}},
            "appearances": []}
    assert jsonable_records([item]) == [{"id": 1, "total": 3, "rate": 2.5, "lines": [1, 3],
                                         "figures": {"budget": {"line": 4}}, "appearances": []}]
