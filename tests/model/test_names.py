"""The one name matcher (model/names.py): keys, scores, thresholds."""

from sijeong.model import names


def test_thresholds_are_named_and_ordered():
    assert names.SAME_ENTITY == names.CATEGORY == 0.75
    assert names.SAME_NAME == names.GOAL_PROGRAM == 0.8
    assert names.SAME_PROGRAM == names.PAGE_LINK == 0.85
    assert names.PLAN_PROGRAM == 0.9
    assert names.NARRATIVE == names.REPORT_GOAL == 0.6


def test_match_name_ignores_spaces_and_keeps_the_first_of_equals():
    assert names.match_name("지역 경제 활성화", ["교통 개선", "지역경제활성화"]) == "지역경제활성화"
    assert names.match_name("지역경제활성화", ["지역경제활성화가", "지역경제활성화나"]) == "지역경제활성화가"
    assert names.match_name("지역경제활성화", ["교통 개선"]) is None


def test_match_name_threshold_is_inclusive():
    # ratio("abcd", "abce") == 0.75
    assert names.match_name("abcd", ["abce"], 0.75) == "abce"
    assert names.match_name("abcd", ["abce"], 0.76) is None


def test_closest_name_prefers_equal_then_last_of_equals():
    assert names.closest_name("a b", ["ab", "a b"]) == "ab"
    assert names.closest_name("abcd", ["abce", "abcf"], 0.6) == "abcf"


def test_similar_needs_four_characters_unless_equal():
    assert names.similar("기획 과", "기획과")
    assert not names.similar("기획과", "기획관")
    assert names.similar("청년일자리창출", "청년일자리창촐")


def test_lifted_similarity_lifts_a_name_plus_a_word():
    assert names.lifted_similarity("문화예술진흥", "문화예술진흥사업") >= 0.8
    assert names.lifted_similarity("", "x") == 0.0
    assert names.lifted_similarity("x", "x") == 1.0
