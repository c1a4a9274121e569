"""주민참여예산 (participatory budgeting): the kinds of project, the stages of a year's call and
the decisions at each stage, as 000 prints them. Plain values; imports nothing of ours.

000 (2023 주요업무계획, 기획담당관): "주민제안 공모접수 (2~5월) ➡ 사업분류 및 부서 적격 검토
(6월말) ➡ 분과회의 및 현장실사 (7월) ➡ 부서 재검토 및 구체화 (7~8월) ➡ 온오프라인 주민투표
(8월) ➡ 참여예산 위원회 심의 (9월)", then "의결된 사업은 2023년 본예산 반영"; the 2022 table
counts 시단위 정책사업, 읍면동 단위사업 and 읍면동 자치계획형 with their 반영액 in 천원.
"""

from __future__ import annotations

#: kind code → label, in the order of 000's table
KINDS: dict[str, str] = {
    "city_policy": "시단위 정책사업",
    "dong_unit": "읍면동 단위사업",
    "dong_self_plan": "읍면동 자치계획형",
}
#: kinds that belong to one 읍면동 (the proposal names it)
DONG_KINDS = frozenset({"dong_unit", "dong_self_plan"})

#: stage code → label, in order: the call's schedule and a proposal's path
STAGES: dict[str, str] = {
    "submitted": "주민제안 공모접수",
    "eligibility": "사업분류 및 부서 적격 검토",
    "subcommittee": "분과회의 및 현장실사",
    "refinement": "부서 재검토 및 구체화",
    "vote": "온·오프라인 주민투표",
    "committee": "참여예산위원회 심의",
    "reflected": "본예산 반영",
}
#: the stages at which staff record a decision (통과 / 탈락) with its reason
DECIDED_STAGES = ("eligibility", "subcommittee", "refinement", "vote", "committee")
DECISIONS: dict[str, str] = {"pass": "통과", "fail": "탈락"}

#: a proposal's path as a resident reads it: 제안 → 선정 → 예산 반영 → 집행(결산)
PATH: tuple[tuple[str, str], ...] = (
    ("proposed", "제안"),
    ("selected", "선정"),
    ("budgeted", "예산 반영"),
    ("settled", "집행(결산)"),
)

#: how a resident proves who they are when registering (settings: ``SIJEONG_PB_IDENTITY``)
IDENTITY_CHECKS = ("code",)


def kind_code(value: str | None) -> str | None:
    """A kind given as its code or its Korean label (blanks ignored) → the code."""
    if value is None:
        return None
    v = value.strip()
    if v in KINDS:
        return v
    for code, label in KINDS.items():
        if v.replace(" ", "") == label.replace(" ", ""):
            return code
    return None


def next_stage(stage: str) -> str | None:
    order = list(STAGES)
    i = order.index(stage)
    return order[i + 1] if i + 1 < len(order) else None


def stage_index(stage: str) -> int:
    return list(STAGES).index(stage)


def thousand_won(won: int | None) -> int | None:
    """Won → 천원 as the documents print it (rounded half up; 571,400,000원 → 571,400)."""
    if won is None:
        return None
    return (won + 500) // 1000 if won >= 0 else -((-won + 500) // 1000)
