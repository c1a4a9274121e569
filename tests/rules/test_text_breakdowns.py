"""``text.breakdown``: a total with its breakdown in parentheses in running text."""

import random

import pytest

from sijeong.rules.text_facts import breakdowns


def test_reads_the_usual_forms():
    got = list(breakdowns("- 구성/임기 : 49명(위촉직 43, 당연직 7) / 2년"))
    assert [(t, u, p) for t, u, p, _ in got] == [(49, "명", [("위촉직", 43), ("당연직", 7)])]
    got = list(breakdowns("▶ 행정상 처분 : 총 513건(시정 175, 주의 294, 통보·개선·권고 44)"))
    assert got[0][0] == 513 and sum(v for _, v in got[0][2]) == 513
    # the parts' unit names the total: 63개소, not 272대
    got = list(breakdowns("방범CCTV 63개소 272대(신규 30개소, 교체 33개소)"))
    assert [(t, u) for t, u, _, _ in got] == [(63, "개소")]
    assert list(breakdowns("1,148백만원(도비 574, 시비 574)"))[0][:2] == (1148, "백만원")


@pytest.mark.parametrize("text", [
    "12명(위원장 1 등)", "30건(시정 10, 주의 15 등)", "54.0%(국비 20, 시비 34)", "2022~2025(4년)",
    "3개소(김포, 고촌)", "5명(1명 결원)", "100명(남 40%, 여 60%)",
])
def test_partial_or_other_parentheses_are_not_breakdowns(text):
    assert list(breakdowns(text)) == []


@pytest.mark.parametrize("seed", range(30))
def test_made_up_breakdowns_add_up_and_a_changed_part_is_seen(seed):
    from sijeong.model import Document, Narrative, OutlineItem, Source
    from sijeong.rules.text_facts import check_breakdowns

    rng = random.Random(seed)
    unit = rng.choice(["명", "건", "개소", "회", "대"])
    labels = rng.sample(["위촉직", "당연직", "시정", "주의", "신규", "교체", "상반기", "하반기", "본청", "읍면동"], rng.randint(2, 4))
    parts = [rng.randint(1, 900) for _ in labels]
    inner = ", ".join(f"{lab} {v:,}" + (unit if rng.random() < 0.5 else "") for lab, v in zip(labels, parts))

    def doc(total: int) -> Document:
        text = f"{rng.choice(['총 ', '', '구성 : '])}{total:,}{unit}({inner})"
        d = Document(name="t.txt", municipality="가람시", year=2024, family="plan")
        d.records.append(Narrative(source=Source("t.txt", 5), municipality="가람시", year=2024, department="총무과",
                                   name="주요성과", items=[OutlineItem(Source("t.txt", 6), "-", text)]))
        return d

    assert check_breakdowns([doc(sum(parts))]) == []
    wrong = sum(parts) + rng.choice([-1, 1]) * rng.randint(1, 9)
    found = check_breakdowns([doc(wrong)])
    assert [(f.severity, f.lines, f.actual, f.expected) for f in found] == [("error", [6], wrong, sum(parts))]
