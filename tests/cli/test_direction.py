"""A user sets an indicator's direction; it survives re-loading and drives the computed rate."""

import json
from pathlib import Path

from sijeong.cli import main

SAMPLE = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*결산*.txt"))[0]


def _indicators(db, tmp_path, capsys):
    out = tmp_path / "e.json"
    assert main(["export", "--db", db, "--format", "json", "-o", str(out)]) == 0
    capsys.readouterr()
    return json.loads(out.read_text(encoding="utf-8"))["indicators"]


def test_set_keep_and_clear_a_direction(tmp_path, capsys):
    db = str(tmp_path / "d.db")
    assert main(["ingest", str(SAMPLE), "--db", db, "--municipality", "예시시"]) == 0
    inds = _indicators(db, tmp_path, capsys)
    ind = next(i for i in inds if i["direction"] == "higher" and i["target"] and i["actual"] and i["target"] != i["actual"])
    dept, name = ind["department"], ind["name"]

    assert main(["direction", "lower", "--department", dept, "--indicator", name, "--municipality", "예시시", "--db", db]) == 0
    for i in (x for x in _indicators(db, tmp_path, capsys) if x["department"] == dept and x["name"] == name):
        assert (i["direction"], i["direction_basis"]) == ("lower", "user")
        if i["target"] and i["actual"]:
            assert abs(i["rate_computed"] - i["target"] / i["actual"] * 100) < 1e-3

    # re-loading the document keeps the user's word
    assert main(["ingest", str(SAMPLE), "--db", db, "--municipality", "예시시"]) == 0
    again = [x for x in _indicators(db, tmp_path, capsys) if x["department"] == dept and x["name"] == name]
    assert again and all(x["direction"] == "lower" and x["direction_basis"] == "user" for x in again)

    assert main(["direction", "--clear", "--department", dept, "--indicator", name, "--municipality", "예시시", "--db", db]) == 0
    back = [x for x in _indicators(db, tmp_path, capsys) if x["department"] == dept and x["name"] == name]
    assert all(x["direction"] == "higher" and x["direction_basis"] != "user" for x in back)


def test_unknown_indicator_is_an_error(tmp_path, capsys):
    db = str(tmp_path / "d.db")
    assert main(["ingest", str(SAMPLE), "--db", db, "--municipality", "예시시"]) == 0
    assert main(["direction", "lower", "--department", "없는과", "--indicator", "없는 지표", "--municipality", "예시시", "--db", db]) == 1
    assert "no such indicator" in capsys.readouterr().err
