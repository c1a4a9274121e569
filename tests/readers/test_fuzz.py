"""A short, deterministic fuzz run of the readers (``bench/fuzz.py``; the long runs are in
docs/benchmarks.md): a few hundred mutated slices of the fixtures and samples, each read in
a worker process with a deadline. No crash, no hang; every refusal names a line."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("sijeong_bench_fuzz", ROOT / "bench" / "fuzz.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_inputs_are_reproducible_and_varied(fuzz):
    seeds = fuzz.load_seeds(fuzz.seed_files(real=False))
    a = [fuzz.make_input(seeds, 3, i) for i in range(300)]
    b = [fuzz.make_input(seeds, 3, i) for i in range(300)]
    assert [x.text for x in a] == [x.text for x in b]
    used = {m.split(":")[0] for x in a for m in x.mutations}
    assert used == set(fuzz.MUTATORS)  # every mutator is exercised
    assert len({x.source for x in a}) >= 10


def test_a_short_fuzz_run_has_no_crash_and_no_hang(fuzz, tmp_path):
    res = fuzz.run(300, seed=20261202, workers=2, deadline=30.0, out=tmp_path, real=False)
    assert res.done == 300
    assert res.counts["crash"] == 0, res.failures[:3]
    assert res.counts["hang"] == 0, res.failures[:3]
    # the run is not vacuous: documents are read, and bad input is refused with a line
    assert res.counts["ok"] >= 30 and res.counts["error"] >= 30
    assert "read.syntax" in res.errors_by_rule
    assert not list(tmp_path.iterdir())


def _slow_or_broken_load_text(name, text, **kw):
    import time

    if name.endswith("4.txt"):
        time.sleep(3600)
    if name.endswith("2.txt"):
        raise OverflowError("injected")
    return _real_load_text(name, text, **kw)


_real_load_text = None


@pytest.mark.slow
def test_the_harness_reports_hangs_and_crashes(fuzz, tmp_path, monkeypatch):
    """Fault injection: a load_text that sleeps on some inputs and raises on others (the
    workers are forked, so they see the patch). The harness must count them and write
    reproducers, and go on with the rest."""
    global _real_load_text
    import sijeong.pipeline

    _real_load_text = sijeong.pipeline.load_text
    monkeypatch.setattr(sijeong.pipeline, "load_text", _slow_or_broken_load_text)
    res = fuzz.run(30, seed=5, workers=2, deadline=2.0, out=tmp_path, real=False)
    assert res.done == 30
    assert res.counts["crash"] == 3  # names ending in 2.txt: #2, #12, #22
    assert res.counts["hang"] == 3  # names ending in 4.txt: #4, #14, #24
    assert res.counts["ok"] + res.counts["error"] == 30 - res.counts["crash"] - res.counts["hang"]
    hang = next(f for f in res.failures if f["outcome"] == "hang")
    assert (tmp_path / f"hang-5-{hang['index']}.txt").exists()
    assert "OverflowError" in next(f for f in res.failures if f["outcome"] == "crash")["detail"]
