"""제안제도 (suggestions): the steps a suggestion goes through, the 창안 등급, and the
statistics as the documents print them. Plain values; imports nothing of ours.

000 (2021년 제안제도 운영, '21.12월말 기준) prints::

    구분                 제안건수  채택건수  채택률  실시건수  실시율
    '21년 제안제도 운영     374       26      7%       6      23%

채택률 = 채택 / 제안 and 실시율 = 실시 / 채택, in whole percent rounded half up (26/374 =
6.95 % → 7 %, 6/26 = 23.08 % → 23 %): :func:`whole_percent`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: status code → label, in the order a suggestion goes
STATUSES: dict[str, str] = {
    "received": "접수",
    "screened": "실무심의 상정",  # the 제안심사실무심의회 sent it on to the committee
    "adopted": "채택",
    "rejected": "불채택",
    "implemented": "실시",
}
#: the steps recorded (suggestion_steps.step) → label
STEPS: dict[str, str] = {
    "receive": "접수",
    "screen": "실무심의",  # 제안심사실무심의회
    "committee": "심사위원회",  # 제안심사위원회: 창안 등급, 포상, 부상금
    "implement": "실시",
}
#: where a suggestion came from
SOURCES: dict[str, str] = {"staff": "공무원 제안", "citizen": "시민 제안"}
#: 창안 등급 the 제안심사위원회 gives (the national scheme's; a city may print its own words)
GRADES: tuple[str, ...] = ("금상", "은상", "동상", "장려상", "노력상")
#: what each step may decide, and the status it leaves the suggestion in
OUTCOMES: dict[str, dict[str, str]] = {
    "screen": {"forward": "screened", "reject": "rejected"},
    "committee": {"adopt": "adopted", "reject": "rejected"},
    "implement": {"implemented": "implemented"},
}
#: the status a step needs the suggestion to be in
NEEDS: dict[str, str] = {"screen": "received", "committee": "screened", "implement": "adopted"}
OUTCOME_LABELS = {"forward": "심사위원회 상정", "reject": "불채택", "adopt": "채택", "implemented": "실시"}
#: statuses that count as adopted (an implemented suggestion was adopted first)
ADOPTED = ("adopted", "implemented")
#: the largest prize money taken (won): a typo guard, not a rule of the scheme
MAX_PRIZE = 100_000_000


def whole_percent(count: int, total: int) -> int | None:
    """``count / total`` in whole percent, rounded half up as 000 prints 채택률 and 실시율
    (26 of 374 → 7; 6 of 26 → 23); None when there is nothing to divide by."""
    if not total:
        return None
    return int((Decimal(count * 100) / Decimal(total)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def statistics_row(suggested: int, adopted: int, implemented: int) -> dict[str, int | None]:
    """One line of the table: 제안건수, 채택건수, 채택률, 실시건수, 실시율."""
    return {"suggested": suggested, "adopted": adopted, "adoption_rate": whole_percent(adopted, suggested),
            "implemented": implemented, "implementation_rate": whole_percent(implemented, adopted)}


def trigrams(text: str) -> set[str]:
    """The character trigrams of each word of ``text`` (a word of one or two characters is
    kept whole) — the tokens the project's search index (FTS5 ``trigram``) matches on, so
    that 주차장을 and 주차장 share 주차장."""
    out: set[str] = set()
    for word in "".join(ch if ch.isalnum() else " " for ch in text.lower()).split():
        if len(word) < 3:
            out.add(word)
        else:
            out.update(word[i:i + 3] for i in range(len(word) - 2))
    return out


def similarity(a_title: str, a_body: str, b_title: str, b_body: str) -> float:
    """How alike two suggestions are, 0–1: the share of the smaller title's trigrams the
    other title has (weight 2), and the same over title and body together (weight 1)."""
    def overlap(x: set[str], y: set[str]) -> float:
        if not x or not y:
            return 0.0
        return len(x & y) / min(len(x), len(y))

    ta, tb = trigrams(a_title), trigrams(b_title)
    whole_a, whole_b = ta | trigrams(a_body or ""), tb | trigrams(b_body or "")
    return (2 * overlap(ta, tb) + overlap(whole_a, whole_b)) / 3
