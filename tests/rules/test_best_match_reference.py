"""``base.best_match`` skips the full ratio of candidates whose upper bounds are below the
threshold; it must answer exactly what the plain version (every ratio) answers."""

from __future__ import annotations

import random
from difflib import SequenceMatcher

from sijeong.rules.base import best_match, norm


def reference(name, candidates, threshold=0.8):
    n = norm(name)
    scored = []
    for c in candidates:
        cn = norm(c)
        if cn == n:
            return c
        if min(len(cn), len(n)) >= 4:
            scored.append((SequenceMatcher(None, n, cn).ratio(), c))
    scored.sort(key=lambda t: -t[0])
    if not scored or scored[0][0] < threshold:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0] and norm(scored[1][1]) != norm(scored[0][1]):
        return None
    return scored[0][1]


SYLLABLES = list("가나다라마바사아자차카타파하시정사업지원운영관리") + [" ", "·"]


def _name(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 14)))


def _variant(rng, name):
    s = list(name)
    for _ in range(rng.randint(0, 3)):
        op = rng.randrange(3)
        if op == 0 and s:
            del s[rng.randrange(len(s))]
        elif op == 1:
            s.insert(rng.randint(0, len(s)), rng.choice(SYLLABLES))
        elif s:
            s[rng.randrange(len(s))] = rng.choice(SYLLABLES)
    return "".join(s)


def test_same_answers_as_every_ratio():
    rng = random.Random(9)
    answered = 0
    for _ in range(3000):
        name = _name(rng)
        cands = [_variant(rng, name) if rng.random() < 0.5 else _name(rng) for _ in range(rng.randint(0, 12))]
        if rng.random() < 0.2:  # duplicates and ties
            cands += cands[: rng.randint(0, 3)]
        for threshold in (0.6, 0.8, 0.9, 1.0):
            got = best_match(name, cands, threshold)
            assert got == reference(name, cands, threshold), (name, cands, threshold)
            answered += got is not None
    assert answered > 1000  # the random names do match often enough to mean something


def test_name_index_answers_what_best_match_answers():
    """``NameIndex`` (a candidate list asked for many names: the plan tasks against a year's
    programs; ``best_match`` is one index asked once) gives the plain version's answer for
    every name, threshold and candidate list, its letter counts kept from one name to the next."""
    from sijeong.rules.base import NameIndex

    rng = random.Random(11)
    for _ in range(600):
        base = _name(rng)
        cands = [_variant(rng, base) if rng.random() < 0.5 else _name(rng) for _ in range(rng.randint(0, 12))]
        if rng.random() < 0.3:  # duplicates, and names equal up to spacing
            cands += [c.replace(" ", "") for c in cands[: rng.randint(0, 3)]]
        index = NameIndex(cands)
        for name in [base, *(_variant(rng, base) for _ in range(4)), *cands[:2]]:
            for threshold in (0.6, 0.8, 0.9, 1.0):
                assert index.best(name, threshold) == reference(name, cands, threshold), (name, cands, threshold)
