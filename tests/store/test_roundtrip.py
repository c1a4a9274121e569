"""Save a document, load it back: the same records (data and figures), appearances,
tables, headings, coverage and read findings — on SQLite and PostgreSQL."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from sijeong.store.repository import count_rows, load_documents, save_document

ROOT = Path(__file__).resolve().parents[2]


def assert_same_document(a, b):
    assert (a.name, a.municipality, a.year, a.family, a.title, a.sha256, a.line_count) == (
        b.name, b.municipality, b.year, b.family, b.title, b.sha256, b.line_count)
    assert len(a.records) == len(b.records)
    for x, y in zip(a.records, b.records):
        assert type(x) is type(y)
        assert x.source == y.source
        assert x.data() == y.data(), x.name
        assert x.figures == y.figures, x.name
        assert x.appearances == y.appearances, x.name
        for key, fig in x.figures.items():  # an int stays an int (123, not 123.0)
            assert type(fig.value) is type(y.figures[key].value)
    assert a.tables == b.tables
    assert a.headings == b.headings
    assert a.coverage == b.coverage
    assert a.findings == b.findings


def test_hand_built_document_round_trips(engine, make_document):
    doc = make_document()
    with engine.begin() as conn:
        save_document(conn, doc)
    with engine.connect() as conn:
        (back,) = load_documents(conn)
    assert_same_document(doc, back)
    assert back.records == doc.records  # the dataclasses compare equal field by field
    prog = next(r for r in back.records if r.kind == "program")
    assert prog.carry_forward is None and prog.figures["carry_forward"].raw == "-"
    assert isinstance(prog.budget, int) and prog.budget == 900_000


def test_json_columns_hold_korean_as_itself(engine, make_document):
    """Korean in JSON columns is stored as UTF-8 text, not as \\uXXXX escapes (half the
    bytes), and still reads back the same (the round trip above)."""
    doc = make_document()
    with engine.begin() as conn:
        save_document(conn, doc)
    cast = "::text" if engine.dialect.name == "postgresql" else ""
    with engine.connect() as conn:
        raw = {
            "appearances": conn.execute(sa.text(f"select appearances{cast} from indicators")).scalar_one(),
            "rows": conn.execute(sa.text(f"select rows{cast} from tables")).scalar_one(),
            "headings": conn.execute(sa.text(f"select headings{cast} from documents")).scalar_one(),
        }
    assert "성과지표 달성현황" in raw["appearances"] and "예산위원회" in raw["rows"] and "주요업무계획" in raw["headings"]
    assert not any("\\u" in v for v in raw.values()), raw
    with engine.connect() as conn:
        (back,) = load_documents(conn)
    assert back.tables == doc.tables and back.headings == doc.headings


def test_saving_again_replaces_the_document(engine, make_document):
    with engine.begin() as conn:
        save_document(conn, make_document(scale=1))
        save_document(conn, make_document("other.txt"))
    with engine.connect() as conn:
        before = count_rows(conn)
    with engine.begin() as conn:
        save_document(conn, make_document(scale=3))
    with engine.connect() as conn:
        assert count_rows(conn) == before
        docs = {d.name: d for d in load_documents(conn)}
    prog = next(r for r in docs["plan_a.txt"].records if r.kind == "program")
    assert prog.budget == 2_700_000
    assert docs["other.txt"].records[4].budget == 900_000


def test_same_name_in_another_municipality_is_another_document(engine, make_document):
    with engine.begin() as conn:
        save_document(conn, make_document())
        save_document(conn, make_document(municipality="나래시"))
    with engine.connect() as conn:
        assert count_rows(conn)["documents"] == 2
        (doc,) = load_documents(conn, municipality="나래시")
        assert doc.records[0].municipality == "나래시"


def test_load_filters(engine, make_document):
    with engine.begin() as conn:
        save_document(conn, make_document("a.txt", year=2020))
        save_document(conn, make_document("b.txt", year=2021))
        save_document(conn, make_document("c.txt", year=2021, municipality="나래시"))
    with engine.connect() as conn:
        assert [d.name for d in load_documents(conn, year=2021)] == ["b.txt", "c.txt"]
        assert [d.name for d in load_documents(conn, municipality="가온시")] == ["a.txt", "b.txt"]
        assert [d.name for d in load_documents(conn, names=["c.txt"])] == ["c.txt"]
        assert [d.name for d in load_documents(conn, year=[2020, 2021], municipality="가온시")] == ["a.txt", "b.txt"]
        assert load_documents(conn, year=1999) == []


def test_deleting_a_document_cascades(engine, make_document):
    from sijeong.store.repository import delete_document

    with engine.begin() as conn:
        save_document(conn, make_document())
    with engine.begin() as conn:
        assert delete_document(conn, name="plan_a.txt", municipality="가온시") == 1
    with engine.connect() as conn:
        assert set(count_rows(conn).values()) == {0}


@pytest.mark.slow
@pytest.mark.real
@pytest.mark.parametrize("name", ["004_c3ede251798e8a7a.txt", "003_c85a2f783e9fa893.txt"])
def test_real_document_round_trips(engine, real_docs, name):
    from sijeong.pipeline import load_path
    from sijeong.readers import read_errors

    doc = load_path(real_docs / name)
    assert not read_errors(doc), [f.message for f in read_errors(doc)]
    with engine.begin() as conn:
        save_document(conn, doc)
    with engine.connect() as conn:
        (back,) = load_documents(conn)
    assert len(doc.records) > 20
    assert_same_document(doc, back)


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "samples").glob("*.txt")))
def test_sample_document_round_trips(engine, name):
    from sijeong.pipeline import load_path
    from sijeong.readers import read_errors

    doc = load_path(ROOT / "samples" / name, municipality="예시시")
    assert not read_errors(doc)
    with engine.begin() as conn:
        save_document(conn, doc)
    with engine.connect() as conn:
        (back,) = load_documents(conn)
        n = sum(conn.execute(sa.select(sa.func.count()).select_from(sa.table(t))).scalar_one()
                for t in ("tables",))
    assert n == len(doc.tables)
    assert_same_document(doc, back)
