"""Two municipalities may load documents of the same file name: the document view never
shows one city's text for the other without saying so."""

from fastapi.testclient import TestClient

from sijeong.pipeline import load_text
from sijeong.settings import Settings
from sijeong.store import create_engine_for, migrate, save_document
from sijeong.web import create_app

from .conftest import ROOT

SAMPLE = sorted((ROOT / "samples").glob("*결산*.txt"))[0]


def test_the_document_of_each_municipality(tmp_path):
    url = f"sqlite:///{tmp_path / 'two.db'}"
    engine = create_engine_for(url)
    migrate(engine)
    text = SAMPLE.read_text(encoding="utf-8")
    other = text.replace("기획예산과", "미래기획과", 1)  # the first line differs
    with engine.begin() as conn:
        save_document(conn, load_text("same.txt", text, municipality="가시"))
        save_document(conn, load_text("same.txt", other, municipality="나시"))
    engine.dispose()
    with TestClient(create_app(Settings(db_url=url, municipality="가시"))) as c:
        a = c.get("/documents/same.txt.json?lines=1&municipality=가시").json()
        b = c.get("/documents/same.txt.json?lines=1&municipality=나시").json()
        assert (a["municipality"], b["municipality"]) == ("가시", "나시")
        assert "기획예산과" in a["highlighted"][0]["text"] and "미래기획과" in b["highlighted"][0]["text"]
        plain = c.get("/documents/same.txt.json?lines=1").json()  # no municipality: the default one, said so
        assert plain["municipality"] == "가시" and plain["same_name_elsewhere"] == ["나시"]
        html = c.get("/documents/same.txt?lines=1").text
        assert "같은 이름의 문서가 있는 다른 지방자치단체" in html and "municipality=%EB%82%98%EC%8B%9C" in html
