"""협업 (collaboration): the 협업포인트 rules and months. Plain values; imports nothing of ours.

000 (부서 간 같이하는 '가치 두배' 협업행정) prints the city's scheme: 개인별 매월 기본포인트
200P 배정, 감사메시지와 함께 1회 10P 전송, 기타 협업성과 확인 시 특별포인트 지급, 매월
실적우수자 3인 (이달의 협업왕). The national scheme's defaults cities adopt: not to oneself,
not to one's own department, at most twice a month to the same person, unused points lapse
at month end. Every number is a :class:`PointRules` field, set from ``Settings``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

#: Korea's time: the month a message counts in is the month in Korea
KST = dt.timezone(dt.timedelta(hours=9), "KST")
KINDS = {"thanks": "감사 메시지", "special": "특별포인트"}
#: 관리카드 half-year checks: 2025-H1, 2025-H2
CHECK_STATUSES = {"on_track": "정상추진", "delayed": "지연", "done": "완료", "stopped": "중단"}


@dataclasses.dataclass(frozen=True)
class PointRules:
    monthly_allowance: int = 200  # 개인별 매월 기본포인트
    per_message: int = 10  # 감사메시지 1회 전송 포인트
    same_person_per_month: int = 2  # 같은 사람에게 한 달에 보내는 횟수
    own_department: bool = False  # 같은 부서 직원에게 보낼 수 있는가
    top: int = 3  # 이달의 협업왕 인원
    special_max: int = 1000  # 특별포인트 한 번의 상한 (오타 방지)

    def __post_init__(self) -> None:
        for name in ("monthly_allowance", "per_message", "same_person_per_month", "top", "special_max"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise ValueError(f"{name}={v!r}: 1 이상의 정수여야 합니다 / a positive whole number")
        if self.per_message > self.monthly_allowance:
            raise ValueError("per_message > monthly_allowance: 한 번도 보낼 수 없습니다 / no message could be sent")


def month_of(at: dt.datetime) -> str:
    """``2026-12``: the month (in Korea) a moment counts in."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(KST).strftime("%Y-%m")


def valid_month(month: object) -> bool:
    if not isinstance(month, str) or len(month) != 7 or month[4] != "-":
        return False
    y, m = month[:4], month[5:]
    return y.isascii() and y.isdigit() and m.isascii() and m.isdigit() and 2000 <= int(y) <= 2100 and 1 <= int(m) <= 12


def month_label(month: str) -> str:
    return f"{int(month[:4])}년 {int(month[5:])}월" if valid_month(month) else month


def remaining(rules: PointRules, sent: int) -> int:
    """What is left of this month's allowance after ``sent`` points: a month's allowance is
    fresh each month and what is left lapses at its end (no carry-over)."""
    return max(rules.monthly_allowance - sent, 0)


def valid_half(period: object) -> bool:
    return (isinstance(period, str) and len(period) == 7 and period[4:6] == "-H" and period[6] in "12"
            and period[:4].isascii() and period[:4].isdigit() and 2000 <= int(period[:4]) <= 2100)
