"""The default municipality (the settings' when it has data, else the first stored) and the
cached list of municipalities behind it (``store.views.municipalities``)."""

from __future__ import annotations

import datetime as dt


def test_the_list_follows_saves_and_deletes_at_once(engine, make_document):
    """Saved, deleted, and a delete followed by a save that SQLite gives the same id (the
    deleted row was the last): each seen on the next call, not after the cache's 60 s."""
    from sijeong.store import delete_document, save_document
    from sijeong.store import views
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    with engine.connect() as conn:
        assert views.municipalities(conn) == []
        first = save_document(conn, make_document("a.txt", municipality="가온시"), loaded_at=t0)
        assert views.municipalities(conn) == ["가온시"]
        save_document(conn, make_document("b.txt", municipality="나래시"), loaded_at=t0)
        assert views.municipalities(conn) == ["가온시", "나래시"]
        delete_document(conn, name="b.txt", municipality="나래시")
        assert views.municipalities(conn) == ["가온시"]
        delete_document(conn, name="a.txt", municipality="가온시")
        again = save_document(conn, make_document("a.txt", municipality="다온시"), loaded_at=t0 + dt.timedelta(seconds=1))
        if engine.dialect.name == "sqlite":
            assert again == first  # the id of the deleted last row, given again
        assert views.municipalities(conn) == ["다온시"]
        conn.commit()


def test_default_is_the_settings_municipality_with_data_else_the_first(engine, make_document):
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.store import save_document
    from sijeong.web import create_app

    with engine.connect() as conn:
        save_document(conn, make_document("a.txt", municipality="나래시"))
        save_document(conn, make_document("b.txt", municipality="가온시"))
        conn.commit()
    url = engine.url.render_as_string(hide_password=False)
    for wanted, shown in (("나래시", "나래시"), ("없는시", "가온시")):
        app = create_app(Settings(db_url=url, municipality=wanted))
        try:
            with TestClient(app) as c:
                assert c.get("/dashboard.json").json()["municipality"] == shown
                assert c.get("/dashboard.json", params={"municipality": "나래시"}).json()["municipality"] == "나래시"
        finally:
            app.state.engine.dispose()
