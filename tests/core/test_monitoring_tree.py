"""monitoring.goal_tree on rows given in the test (the read layer's answers replaced): an
indicator naming its policy goal a character differently joins the goal of the year (one node,
not two), goals keep their printed order, a goal of only other years' indicators has its trend,
and an indicator without a goal lands under "(정책사업목표 없음)"."""

from __future__ import annotations

from sijeong import monitoring


def _ind(i, year, name, goal, grade, rate, strategic="시민 행복 도시"):
    return {"id": i, "year": year, "department": "기획과", "name": name, "policy_goal": goal,
            "strategic_goal": strategic, "unit": "%", "target": 100, "actual": rate, "rate": rate,
            "rate_computed": rate, "grade": grade, "grade_computed": grade, "source_doc": "r.txt",
            "source_line": i, "doc_order": i}


def test_goal_tree_joins_a_goal_printed_a_character_differently(monkeypatch):
    series = [
        _ind(1, 2019, "시책 만족도", "시정의 성과 창출 및 경쟁력 확보", "○", 110),
        _ind(2, 2020, "시책 만족도", "시장의 성과 창출 및 경쟁력 확보", "×", 90),  # 시장 for 시정
        _ind(3, 2020, "자료 공개", "열린 행정 구현", "◎", 140),
        _ind(4, 2020, "기타 지표", None, "○", 100),
    ]
    goals = [{"id": 10, "department": "기획과", "name": "열린 행정 구현", "strategic_goal": "시민 행복 도시",
              "budget": 1, "settled": 1, "source_doc": "r.txt", "source_line": 50},
             {"id": 11, "department": "기획과", "name": "시정의 성과 창출 및 경쟁력 확보", "strategic_goal": "시민 행복 도시",
              "budget": 2, "settled": 2, "source_doc": "r.txt", "source_line": 51}]
    monkeypatch.setattr(monitoring.views, "indicator_series", lambda conn, municipality: series)
    monkeypatch.setattr(monitoring.views, "policy_goals_of_year", lambda conn, municipality, year: goals)
    monkeypatch.setattr(monitoring.views, "strategic_goals_of_year", lambda conn, municipality, year: [])
    monkeypatch.setattr(monitoring.views, "visions", lambda conn, municipality, year: [])
    tree = monitoring.goal_tree(None, "김포시", 2020)
    [s] = tree["strategic_goals"]
    names = [p["name"] for p in s["policy_goals"]]
    assert names == ["열린 행정 구현", "시정의 성과 창출 및 경쟁력 확보", "(정책사업목표 없음)"]
    joined = s["policy_goals"][1]
    assert [i["id"] for i in joined["indicators"]] == [2]
    assert joined["achievement"]["rate"] == 0.0
    # the 2019 indicator printed the goal's own name: one trend over both years
    assert joined["trend"] == [{"year": 2019, "graded": 1, "met": 1, "rate": 100.0},
                               {"year": 2020, "graded": 1, "met": 0, "rate": 0.0}]
    assert joined["indicators"][0]["direction"] == "down"
    assert s["achievement"] == {"graded": 3, "met": 2, "exceeded": 1, "achieved": 1, "missed": 1, "rate": 66.7}
    assert monitoring.achievement([]) == {"graded": 0, "met": 0, "exceeded": 0, "achieved": 0, "missed": 0,
                                          "rate": None}
