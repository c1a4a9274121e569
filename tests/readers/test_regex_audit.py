"""Every regular expression of the readers runs in (near) linear time.

The audit collects each compiled pattern of every ``sijeong.readers`` module (module-level
patterns and lists of them) and runs it — ``search``, ``match``, ``finditer`` — on strings
built to make backtracking patterns explode: a long run of one unit (digits, digits with
spaces, commas or dots, amounts with 천/억, spaces, tabs, brackets, Hangul …) after each
Hangul word of the pattern itself (so ``사업비`` reaches the amount part of a budget
statement), followed by a character that makes the match fail. A pattern with nested
quantifiers over the same characters (the former ``(?:\\d+\\s*[천백십]?\\s*[조억만]?\\s*)+?원``)
needs 2^n steps for a run of n and never finishes; the audit runs in a forked process with a
watchdog, so it fails instead of hanging. No timing threshold: either it finishes or not.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import pkgutil
import re

import pytest

import sijeong.readers as readers_pkg

RUN = 40  # 2^40 steps for an exponential pattern: never finishes; a linear one: microseconds
UNITS = ["1", "1 ", "1,", "1.", "12,345", "1천", "1 천 ", "1억", "1만 ", " ", "\t", "1\t", "가", "가 ", "(", "((",
         ")", "-", "△", "1%", ".", ",", "1,000 ", "1.5", "*", "<p>", "$", "\\", "•", "○", "-1"]
POISON = ["!", "\x00", "원", "", ")"]


def patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for m in pkgutil.iter_modules(readers_pkg.__path__):
        mod = importlib.import_module(f"{readers_pkg.__name__}.{m.name}")
        for name, value in vars(mod).items():
            if isinstance(value, re.Pattern):
                out.append((f"{m.name}.{name}", value))
            elif isinstance(value, (list, tuple)) and value and all(isinstance(v, re.Pattern) for v in value):
                out.extend((f"{m.name}.{name}[{i}]", v) for i, v in enumerate(value))
    return out


def _audit(conn, run: int) -> None:
    done = 0
    for name, p in patterns():
        conn.send(name)  # the parent knows which pattern is running when the watchdog fires
        prefixes = {""} | set(re.findall(r"[가-힣]+", p.pattern))
        for pre in sorted(prefixes):
            for u in UNITS:
                for poison in POISON:
                    s = pre + u * run + poison
                    p.search(s)
                    p.match(s)
                    for _ in p.finditer(s):
                        pass
                    done += 1
    conn.send(("done", done))


def test_every_reader_pattern_finishes_on_adversarial_input():
    found = patterns()
    names = {n for n, _ in found}
    # the audit really sees the patterns, including the budget statement's
    assert {"plan_money.AMOUNT", "plan_money.BUDGET_STATEMENT", "text._NUM"} <= names
    assert len(found) >= 60

    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_audit, args=(child, RUN), daemon=True)
    proc.start()
    current = None
    try:
        while True:
            if not parent.poll(120):
                raise AssertionError(f"pattern {current} did not finish on a run of {RUN} (catastrophic backtracking)")
            msg = parent.recv()
            if isinstance(msg, tuple):
                assert msg[1] > 1000
                break
            current = msg
    finally:
        proc.kill()
        proc.join()


@pytest.mark.slow
def test_the_audit_catches_an_exponential_pattern():
    """The same audit on the former amount pattern does not finish (the watchdog fires)."""
    old = re.compile(r"(?P<amount>(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*[천백십]?\s*[조억만]?\s*)+?)원")

    def run_old(conn):
        old.search("1" * RUN + "!")
        conn.send("done")

    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=run_old, args=(child,), daemon=True)
    proc.start()
    try:
        assert not parent.poll(3), "the exponential pattern finished: the audit's input is too weak"
    finally:
        proc.kill()
        proc.join()
