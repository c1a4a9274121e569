"""Every numeric token of the real documents lands somewhere, ≥97% in typed records."""

from pathlib import Path

import pytest

from sijeong.pipeline import load_path
from sijeong.readers import read_errors

DOCS = Path(__file__).resolve().parents[2].parent / "shared" / "documents"
NAMES = ["004_c3ede251798e8a7a.txt", "000_1d85f209833ac9df.txt", "003_c85a2f783e9fa893.txt"]


@pytest.mark.real
@pytest.mark.parametrize("name", NAMES)
def test_coverage_of_real_documents(name):
    path = DOCS / name
    if not path.exists():
        pytest.skip(f"{path} not found: the real Gimpo documents are not on this machine")
    doc = load_path(path)
    assert not read_errors(doc), [f.message for f in read_errors(doc)]
    cov = doc.coverage
    assert cov is not None
    assert cov.nowhere == 0, f"tokens nowhere on lines {cov.nowhere_lines[:40]}"
    assert cov.typed_share >= 97.0, cov.line(name)
