"""The compiled JSON decoders of ``store.codec`` (``decoder``, ``make_figure``, the positional
``rows.record_reader``) give exactly what the plain ones give: the loads of ``sijeong
check`` are built on them."""

from __future__ import annotations

import sqlalchemy as sa

from sijeong.model import Figure, Source
from sijeong.store import codec, repository
from sijeong.store import rows as R
from sijeong.store.codec import decoder, from_json_slow, hints, make_figure, to_json
from sijeong.store.schema import own_fields, record_class, record_tables


def test_make_figure_is_a_figure_equal_to_the_constructors():
    for args in ((1, "1", Source("a", 3), None), (None, "-", Source("a", 4), "천원"), (2.5, "2.5", Source("b", 1), "%")):
        f = make_figure(*args)
        assert type(f) is Figure and f == Figure(*args) and hash(f) == hash(Figure(*args))
        assert (f.value, f.raw, f.source, f.unit) == args
    assert codec._fast_figure() is not Figure  # the fast path is the one in use


def test_compiled_decoders_match_the_hint_walk(make_document):
    doc = make_document()
    seen = 0
    for rec in doc.records:
        h = hints(type(rec))
        for f in own_fields(type(rec)):
            value = to_json(getattr(rec, f.name))
            got, want = decoder(h[f.name])(value), from_json_slow(value, h[f.name])
            assert got == want and repr(got) == repr(want), (type(rec).__name__, f.name)
            seen += 1
    assert seen > 30
    # a float hint takes an int as float, None stays None, whatever the hint
    assert decoder(float)(3) == 3.0 and isinstance(decoder(float)(3), float)
    for tp in {h for cls in map(type, doc.records) for h in hints(cls).values()}:
        assert decoder(tp)(None) is None


def test_positional_reader_matches_the_mapping_reader(engine, make_document):
    """Every stored record read back by position (``load_documents``) equals the same row
    read as a mapping (``record_from_row``)."""
    with engine.begin() as conn:
        repository.save_document(conn, make_document())
    compared = 0
    with engine.connect() as conn:
        for kind, t in record_tables().items():
            cls = record_class(kind)
            read = R.record_reader(cls, list(t.c.keys()))
            for row in conn.execute(sa.select(t)):
                a = read(row, R.Sources())
                b = R.record_from_row(cls, dict(row._mapping))
                assert a == b and repr(a) == repr(b), kind  # repr: 1 and 1.0 differ
                compared += 1
    assert compared >= 10
