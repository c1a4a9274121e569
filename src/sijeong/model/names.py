"""The one name matcher: how two printings of a name (an indicator's, a policy goal's, a
program's) are compared across tables, documents and the store.

Every caller compares *keys* (the name with spacing, and for most callers punctuation,
removed) by difflib's ratio, and accepts a candidate at or above a named threshold. The
thresholds differ because the callers ask different questions; each is named here with its
reason, and a caller uses the name, not a number.

- :func:`similarity` — the readers' score: 1.0 for the same key, else difflib's ratio, lifted
  to 0.8 when one name (4+ characters) is the other plus a word.
- :func:`ratio` — the plain difflib ratio of two keys (no lift), as the rules, reports and web use.
- :func:`match_name` — the candidate most like ``wanted`` at or above a threshold.
- :func:`similar` — are two names the same name up to extraction noise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher

# --- thresholds (named; the reason for each) ---------------------------------------------

#: Readers: one entity (a policy goal, an indicator) printed in two tables of one department
#: (부서 성과 / 성과지표 달성현황 …); below this the names denote different entities. Loose,
#: because the pairs are also held to one department and one year.
SAME_ENTITY = 0.75
#: A program's base name against the fixed 결산현황 categories (행정운영경비, 재무활동 …), names
#: of equal length only: one misprinted syllable of a 4–6 character word scores 0.75–0.83.
CATEGORY = 0.75
#: Readers: a policy goal linked to its 사업별조서 policy program by name (when no amount
#: agrees); a goal is often the program's name plus or minus a word, which
#: :func:`lifted_similarity` scores 0.8.
GOAL_PROGRAM = 0.8
#: Rules: the same name up to extraction noise (a misspelt syllable, a dropped particle). A
#: miss only loses a cross-check; a wrong match makes a false finding.
SAME_NAME = 0.8
#: Programs printed in two tables (사업별조서 / 관련 예산사업 결산현황), in the readers and in the
#: rules' cross-table checks: programs of one department share most of their words, so
#: stricter than :data:`SAME_NAME`.
SAME_PROGRAM = 0.85
#: Pages (web): a policy goal looked up by an indicator's ``policy_goal`` text in the store, a
#: department's goal by its name, a program named on the citizens' page. A page shows the
#: link as fact, so only a character or two may differ.
PAGE_LINK = 0.85
#: Rules: a work plan's task against the settlement's programs — different documents,
#: written by different offices, compared for their amounts: only a near-identical name.
PLAN_PROGRAM = 0.9
#: Readers: a 성과분석 paragraph's first line against the indicators it discusses; the text
#: paraphrases the indicator, and a miss only falls back to the order of the indicators.
NARRATIVE = 0.6
#: Reports: a goal printed differently in 성과목표 and 성과지표 tables of one department; the
#: report places every indicator under some goal, so the most similar goal is taken even when
#: several words differ.
REPORT_GOAL = 0.6

# --- keys -------------------------------------------------------------------------------

_RULE_NOISE = re.compile(r"[\s·,.\-–—()\[\]{}「」『』<>'\"“”‘’:;/]+")
_SPACE = re.compile(r"\s+")


def space_key(name: str | None) -> str:
    """The name with whitespace removed (pages, reports)."""
    return _SPACE.sub("", name or "")


def norm(name: str | None) -> str:
    """The name without whitespace or punctuation (rules)."""
    return _RULE_NOISE.sub("", name or "")


def ratio(a: str, b: str, *, autojunk: bool = True) -> float:
    """difflib's ratio of two keys (already normalised)."""
    return SequenceMatcher(None, a, b, autojunk=autojunk).ratio()


def lifted_similarity(ka: str, kb: str) -> float:
    """The readers' score of two keys: 1.0 when equal, else the ratio lifted to 0.8 when the
    shorter (4+ characters) is contained in the longer (one name is the other plus a word)."""
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    r = ratio(ka, kb, autojunk=False)
    short, long_ = sorted((ka, kb), key=len)
    if len(short) >= 4 and short in long_:
        r = max(r, 0.8)
    return r


def similar(a: str | None, b: str | None, threshold: float = SAME_NAME) -> bool:
    """Same name up to extraction noise (a misspelt syllable, spacing, a dropped particle):
    equal keys, or both keys of 4+ characters and at least ``threshold`` alike."""
    x, y = norm(a), norm(b)
    if not x or not y:
        return False
    if x == y:
        return True
    if min(len(x), len(y)) < 4:
        return False
    return ratio(x, y) >= threshold


def match_name(wanted: str | None, names: Iterable[str | None], threshold: float = PAGE_LINK, *,
               key: Callable[[str | None], str] = space_key) -> str | None:
    """The name most like ``wanted`` (compared by ``key``), if it is at least ``threshold``
    alike; the first of equally good names wins."""
    w = key(wanted)
    best, best_ratio = None, 0.0
    for n in names:
        r = ratio(w, key(n))
        if r > best_ratio:
            best, best_ratio = n, r
    return best if best_ratio >= threshold else None


def closest_name(wanted: str | None, names: Iterable[str], threshold: float = REPORT_GOAL, *,
                 key: Callable[[str | None], str] = space_key) -> str | None:
    """The name equal to ``wanted`` by ``key``, else the most like it at or above ``threshold``;
    among equally good names the last wins (the reports' choice)."""
    cands = list(names)
    k = key(wanted)
    for c in cands:
        if key(c) == k:
            return c
    best, score = None, threshold
    for c in cands:
        r = ratio(k, key(c))
        if r >= score:
            best, score = c, r
    return best
