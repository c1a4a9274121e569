"""``save_document`` hands its rows to the driver's ``executemany`` (``repository._Insert``)
and takes the records' ids itself (``repository._new_ids``) instead of an ``INSERT …
RETURNING`` per row: the stored rows must be the very rows SQLAlchemy's own insert stores,
ids included, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from sijeong.model import Figure, OutlineItem, Source
from sijeong.store import codec, repository
from sijeong.store.schema import metadata

#: columns that hold the time of the write
TIMES = {"loaded_at", "at"}


def _all_rows(conn) -> dict[str, list[tuple]]:
    out = {}
    for name, t in metadata().tables.items():
        cols = [c for c in t.c if c.name not in TIMES]
        order = [t.c.id] if "id" in t.c else list(t.primary_key.columns)
        out[name] = [tuple(r) for r in conn.execute(sa.select(*cols).order_by(*order))]
    return out


def _empty(engine) -> None:
    tables = [t for t in metadata().sorted_tables if t.name not in ("data_version", "alembic_version")]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # and the sequences from 1 again
            conn.execute(sa.text(f"TRUNCATE {', '.join(chr(34) + t.name + chr(34) for t in tables)} "
                                 "RESTART IDENTITY CASCADE"))
        else:  # SQLite gives the next id after the largest: from 1 again in empty tables
            for t in reversed(tables):
                conn.execute(sa.delete(t))


def _store(engine, docs) -> dict[str, list[tuple]]:
    _empty(engine)
    with engine.begin() as conn:
        for d in docs:
            repository.save_document(conn, d)
    with engine.begin() as conn:  # a replaced document: its rows deleted, new ids after the others
        repository.save_document(conn, docs[0])
    with engine.connect() as conn:
        return _all_rows(conn)


def test_bulk_rows_are_the_rows_sqlalchemy_stores(engine, make_document, monkeypatch):
    docs = [make_document("a.txt"), make_document("b.txt", year=2021, scale=3),
            make_document("c.txt", department="예산과", scale=7)]
    fast = _store(engine, docs)
    monkeypatch.setattr(repository, "_compiled_insert", lambda *a: None)  # SQLAlchemy's executemany
    monkeypatch.setattr(repository, "_new_ids", lambda *a: None)  # INSERT … RETURNING
    plain = _store(engine, docs)
    assert [r[0] for r in fast["documents"]] == [2, 3, 4]
    assert fast.keys() == plain.keys()
    for name in fast:
        assert fast[name] == plain[name], name
    assert sum(len(v) for v in fast.values()) > 30


def _to_json_reference(value):
    """``codec.to_json`` as it was written before its fast path: the plain walk."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Source):
        return value.as_dict()
    if isinstance(value, Figure):
        return codec.figure_to_json(value, "")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json_reference(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _to_json_reference(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json_reference(v) for v in value]
    raise TypeError(type(value).__name__)


class _Int(int):
    pass


@dataclasses.dataclass
class _IntLike(int):
    note: str = "x"


def test_to_json_answers_what_the_plain_walk_answers(make_document):
    doc = make_document()
    values = [getattr(rec, f.name) for rec in doc.records for f in dataclasses.fields(rec)]
    values += [doc.tables[0], doc.coverage, (1, "a", None), {"k": [Source("d", 3)], 2: 1.5}, _Int(4),
               _IntLike(5), [OutlineItem(Source("d", 1), "□", "x", [])], True]
    for v in values:
        assert codec.to_json(v) == _to_json_reference(v)
        assert type(codec.to_json(v)) is type(_to_json_reference(v))
    with pytest.raises(TypeError):
        codec.to_json(object())


def test_json_dumps_is_json_dumps():
    import json

    from sijeong.store.db import json_dumps

    for v in [None, 225.0, 3e5, 1.5, "가나다", {"a": [1, 2.0, "나"]}, [float("nan")], 2**70 * 1.0, True]:
        from sijeong.store.db import integral

        assert json_dumps(v) == json.dumps(integral(v), ensure_ascii=False)
