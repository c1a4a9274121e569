"""Text exports in CP949/EUC-KR and UTF-16 read exactly like UTF-8, detected by content."""

from __future__ import annotations

import codecs
import os

import pytest

from sijeong.formats import FormatError, decode
from sijeong.formats.text import NotText, decode_text, utf16_guess
from sijeong.pipeline import load_path

SAMPLE = "【일반회계】 【기획담당관】\n\n(단위: 원)\n과목\t예산액\t결산액\n기획담당관\t247,245,126,000\t△1,000\n"


@pytest.mark.parametrize("encoding, raw", [
    ("utf-8", SAMPLE.encode("utf-8")),
    ("utf-8 (BOM)", codecs.BOM_UTF8 + SAMPLE.encode("utf-8")),
    ("utf-16-le (BOM)", codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le")),
    ("utf-16-be (BOM)", codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be")),
    ("utf-16-le", SAMPLE.encode("utf-16-le")),
    ("utf-16-be", SAMPLE.encode("utf-16-be")),
    ("cp949", SAMPLE.encode("cp949")),
    ("cp949", SAMPLE.encode("euc-kr")),  # EUC-KR is a subset of CP949
])
def test_each_encoding_is_recognised_by_content(encoding, raw):
    text, found = decode_text(raw)
    assert text == SAMPLE and found == encoding


def test_ascii_only_utf16_is_not_taken_for_utf8():
    # UTF-16 of ASCII is valid UTF-8 (NUL is a UTF-8 character): NULs must send it on
    raw = "year\t2020\namount\t1,234\n".encode("utf-16-le")
    assert decode_text(raw) == ("year\t2020\namount\t1,234\n", "utf-16-le")
    assert utf16_guess("가나다라\t1\t2\n".encode("utf-16-be")) == "utf-16-be"


def test_cp949_only_characters_decode():
    text = "똠방각하 펲 햏\t1\n"  # characters of CP949 outside EUC-KR (KS X 1001)
    assert decode_text(text.encode("cp949")) == (text, "cp949")


@pytest.mark.parametrize("raw", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    os.urandom(0) + bytes([0x80, 0x81, 0xff, 0x00, 0x01, 0x02]) * 50,
    "첫 줄\n".encode("utf-8") + b"caf\xe9\n",
])
def test_binary_or_broken_bytes_are_refused_with_the_formats_named(raw):
    with pytest.raises(FormatError) as e:
        decode(raw, name="x.bin")
    msg = e.value.message
    assert msg.startswith("x.bin: ") and "CP949" in msg and "HWPX" in msg and "PDF" in msg and " / " in msg


def test_the_failing_line_is_named():
    with pytest.raises(NotText) as e:
        decode_text("첫 줄\n둘째 줄\n".encode("utf-8") + b"caf\xe9\n")
    assert e.value.line == 3


def test_other_zip_is_refused(tmp_path):
    import zipfile

    p = tmp_path / "a.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "hello")
    doc = load_path(p)
    assert doc.findings and doc.findings[0].rule == "read.file" and "ZIP" in doc.findings[0].message


def _same_document(a, b):
    assert a.family == b.family and a.year == b.year and a.title == b.title
    assert a.sha256 == b.sha256 and a.text == b.text
    assert a.records == b.records
    assert a.tables == b.tables
    assert a.headings == b.headings
    assert [(f.rule, f.lines, f.message) for f in a.findings] == [(f.rule, f.lines, f.message) for f in b.findings]
    assert a.coverage == b.coverage


@pytest.mark.real
def test_real_documents_read_the_same_in_every_encoding(real_docs, tmp_path):
    for src in sorted(real_docs.glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        for encoding in ("utf-16-le", "utf-16", "utf-16-be"):
            assert decode(text.encode(encoding), name=src.name).text == text, (src.name, encoding)
        # a real CP949 export cannot hold ㉑ or ❖: they are lost on export, in both copies
        text = text.encode("cp949", errors="replace").decode("cp949")
        (tmp_path / "utf8").mkdir(exist_ok=True)
        (tmp_path / "cp949").mkdir(exist_ok=True)
        base = tmp_path / "utf8" / src.name
        base.write_text(text, encoding="utf-8")
        other = tmp_path / "cp949" / src.name  # same name (the name is part of each Source)
        other.write_bytes(text.encode("cp949"))
        a, b = load_path(base), load_path(other)
        assert a.records, src.name
        _same_document(a, b)


def test_utf8_with_a_control_character_stays_utf8():
    text = "첫 줄\x0b 둘\n"
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")
    assert decode_text(codecs.BOM_UTF8 + text.encode("utf-8")) == (text, "utf-8 (BOM)")


def test_text_mentioning_pdf_is_text():
    d = decode("메모: %PDF-1.7 이라는 글자가 든 텍스트\n금액\t1,000\n".encode("utf-8"), name="note.txt")
    assert d.format == "text"


def test_damaged_pdf_is_a_message_not_a_crash():
    with pytest.raises(FormatError) as e:
        decode(b"%PDF-1.7\n" + bytes(range(256)) * 4, name="broken.pdf")
    assert "broken.pdf: PDF 파일을 읽지 못했습니다" in e.value.message and "damaged" in e.value.message
