"""Korean particles chosen by the final sound (sijeong.model.korean)."""

import pytest

from sijeong.model.korean import final_sound, josa, particle


@pytest.mark.parametrize(("word", "pair", "expected"), [
    # Hangul: 받침 or not
    ("관리", "을/를", "관리를"), ("활성화", "을/를", "활성화를"), ("혁신", "을/를", "혁신을"),
    ("감사법무과", "이/가", "감사법무과가"), ("시민소통", "이/가", "시민소통이"),
    ("햇살정책담당관", "은/는", "햇살정책담당관은"), ("기획예산과", "은/는", "기획예산과는"),
    ("시민", "과/와", "시민과"), ("기업", "과/와", "기업과"), ("나라", "과/와", "나라와"),
    # 으로/로: a final ㄹ takes 로 like a vowel
    ("문화", "으로/로", "문화로"), ("서비스", "으로/로", "서비스로"), ("서울", "으로/로", "서울로"),
    ("참여 행정", "으로/로", "참여 행정으로"), ("디지털 행정", "으로/로", "디지털 행정으로"), ("지역경제", "으로/로", "지역경제로"),
    ("물", "으로/로", "물로"), ("안전 도시", "으로/로", "안전 도시로"), ("재정 건전성", "으로/로", "재정 건전성으로"),
    # digits read in Korean: 0영 1일 2이 3삼 4사 5오 6육 7칠 8팔 9구
    ("0", "은/는", "0은"), ("1", "은/는", "1은"), ("2", "은/는", "2는"), ("3", "은/는", "3은"), ("4", "은/는", "4는"),
    ("5", "은/는", "5는"), ("6", "은/는", "6은"), ("7", "은/는", "7은"), ("8", "은/는", "8은"), ("9", "은/는", "9는"),
    ("1", "으로/로", "1로"), ("3", "으로/로", "3으로"), ("7", "으로/로", "7로"), ("6", "으로/로", "6으로"),
    ("2024", "이/가", "2024가"), ("2023", "이/가", "2023이"),
    # trailing zeros: 십 백 천 만 억 조 경
    ("10", "을/를", "10을"), ("100", "을/를", "100을"), ("1,000", "을/를", "1,000을"), ("20000", "을/를", "20000을"),
    ("300000000", "을/를", "300000000을"), ("1000000000000", "을/를", "1000000000000를"),
    ("10000000000000000", "을/를", "10000000000000000을"), ("10", "으로/로", "10으로"),
    ("1.5", "은/는", "1.5는"), ("2.0", "은/는", "2.0은"), ("50%", "을/를", "50%를"),
    # Latin capitals read by their letter names
    ("GIS", "이/가", "GIS가"), ("CCTV", "을/를", "CCTV를"), ("HTML", "을/를", "HTML을"), ("URL", "으로/로", "URL로"),
    ("PDF", "으로/로", "PDF로"), ("XLSM", "으로/로", "XLSM으로"), ("KTX", "과/와", "KTX와"),
    # lowercase Latin or other symbols: both forms
    ("app", "을/를", "app을(를)"), ("", "이/가", "이(가)"), ("★", "은/는", "★은(는)"), ("html", "으로/로", "html으로(로)"),
    # closing quotes and a final parenthesised remark
    ("‘관리’", "을/를", "‘관리’를"), ("\"혁신\"", "을/를", "\"혁신\"을"), ("「지방재정법」", "이/가", "「지방재정법」이"),
    ("기본경비(기획예산과)", "을/를", "기본경비(기획예산과)를"), ("커피(coffee)", "을/를", "커피(coffee)를"),
    ("(기획예산과)", "은/는", "(기획예산과)는"), ("관리 ", "을/를", "관리 를"),
])
def test_particles(word, pair, expected):
    assert josa(word, pair) == expected


def test_each_pair_has_the_right_forms():
    assert particle("산", "이에요/예요") == "이에요"
    assert particle("바다", "이에요/예요") == "예요"
    assert particle("산", "이나/나") == "이나"
    assert particle("바다", "이라/라") == "라"
    with pytest.raises(KeyError):
        particle("산", "에/에서")


def test_every_hangul_syllable_is_classified():
    """Over all 11,172 syllables: 28 finals, index 0 none, index 8 ㄹ."""
    counts = {"none": 0, "rieul": 0, "other": 0}
    for code in range(0xAC00, 0xD7A4):
        counts[final_sound(chr(code))] += 1
    assert counts == {"none": 399, "rieul": 399, "other": 399 * 26}
