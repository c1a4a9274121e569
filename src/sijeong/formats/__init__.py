"""Original formats → the normalised text the readers read, with a side table of where each
normalised line came from in the original.

:func:`decode` looks at the bytes (never the file's extension): a PDF (``%PDF-``), an HWPX
package (a ZIP whose ``mimetype`` is ``application/hwp+zip``), an HWP 5.0 compound file
(OLE signature and a ``FileHeader`` stream), else text in UTF-8, UTF-16 or CP949
(:mod:`.text`). Documents in a layout format become the same tab-separated lines a text
export has: a paragraph is a line, a table row is one line of cells joined by tabs, an
empty paragraph an empty line. Each line gets a :class:`LineOrigin` — page, section,
paragraph, table, row and the cell of each field — so a figure read from line *n* can be
traced to the page and table cell it was printed in (:func:`place_of`).

Nothing here imports the rest of the project; the pipeline calls :func:`decode`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import NotText, decode_text

READ_FORMATS_KO = "텍스트(UTF-8·UTF-16·CP949/EUC-KR), HWPX, HWP 5.0, 텍스트 층이 있는 PDF"
READ_FORMATS_EN = "text (UTF-8, UTF-16, CP949/EUC-KR), HWPX, HWP 5.0, PDF with a text layer"


class FormatError(ValueError):
    """The file cannot be turned into text; ``message`` is Korean / English, ``line`` the
    line of the file (text) or 0."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class Place:
    """A location in the original, in its own terms (1-based numbers; ``None`` = not applicable)."""

    page: int | None = None  # PDF page
    section: int | None = None  # HWP/HWPX section
    paragraph: int | None = None  # paragraph of the section (the table's anchor paragraph for a table)
    table: int | None = None  # table of the document, in reading order
    row: int | None = None  # row of the table (grid row)
    column: int | None = None  # column of the table (grid column)

    def __str__(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"{self.page}쪽")
        if self.section is not None:
            parts.append(f"구역 {self.section}")
        if self.paragraph is not None:
            parts.append(f"문단 {self.paragraph}")
        if self.table is not None:
            parts.append(f"표 {self.table}")
        if self.row is not None:
            parts.append(f"{self.row}행")
        if self.column is not None:
            parts.append(f"{self.column}열")
        return " ".join(parts)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("page", "section", "paragraph", "table", "row", "column")
                if getattr(self, k) is not None}


@dataclass(frozen=True, slots=True)
class LineOrigin:
    """Where normalised line ``line`` came from: ``place`` for the line, ``cells`` one place
    per tab-separated field when the line is a table row."""

    line: int
    place: Place
    cells: tuple[Place, ...] = ()


@dataclass(slots=True)
class Decoded:
    text: str
    format: str  # text | hwpx | hwp | pdf
    encoding: str | None = None  # of a text file
    origins: list[LineOrigin] = field(default_factory=list)  # empty for text: a line is its own origin

    def place_of(self, line: int, field_index: int | None = None) -> Place | None:
        return place_of(self, line, field_index)


def place_of(decoded: Decoded, line: int, field_index: int | None = None) -> Place | None:
    """The original's place of normalised ``line`` (1-based), or of its ``field_index``-th
    tab-separated field (0-based) when given; ``None`` for a text file."""
    if not decoded.origins or not 1 <= line <= len(decoded.origins):
        return None
    o = decoded.origins[line - 1]
    if field_index is not None and 0 <= field_index < len(o.cells):
        return o.cells[field_index]
    return o.place


def sniff(raw: bytes) -> str:
    """``pdf``, ``hwpx``, ``hwp`` (any OLE compound file), ``zip`` or ``text`` (from the first bytes)."""
    if raw.startswith(b"%PDF-") or (b"%PDF-" in raw[:1024] and b"%%EOF" in raw[-2048:]):
        return "pdf"  # the header may follow up to 1 KB of other bytes (PDF 1.7, annex H)
    if raw.startswith(b"PK\x03\x04"):
        return "hwpx" if b"application/hwp+zip" in raw[:200] or _zip_is_hwpx(raw) else "zip"
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "hwp"  # an OLE compound file: :mod:`.hwp` refuses one that is not HWP 5.0
    return "text"


def _zip_is_hwpx(raw: bytes) -> bool:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                return z.read("mimetype").strip() == b"application/hwp+zip"
            return "Contents/content.hpf" in names
    except zipfile.BadZipFile:
        return False


def decode(raw: bytes, *, name: str = "") -> Decoded:
    """The normalised text of a file's bytes, or :class:`FormatError` (Korean / English,
    naming the formats that are read)."""
    kind = sniff(raw)
    if kind in ("pdf", "hwpx", "hwp"):
        try:
            return _decode_layout(kind, raw, name)
        except FormatError:
            raise
        except Exception as e:  # noqa: BLE001 - a damaged file must not crash the pipeline
            label = {"pdf": "PDF", "hwpx": "HWPX", "hwp": "HWP"}[kind]
            raise FormatError(f"{name}: {label} 파일을 읽지 못했습니다(손상되었거나 지원하지 않는 구조) / "
                              f"cannot read this {label} file (damaged or unsupported): {type(e).__name__}: {e}") from e
    if kind == "zip":
        raise FormatError(f"{name}: 읽을 수 없는 형식입니다(ZIP 묶음; HWPX가 아님). 읽는 형식: {READ_FORMATS_KO} / "
                          f"not a format sijeong reads (a ZIP archive, not HWPX). Read: {READ_FORMATS_EN}")
    try:
        text, encoding = decode_text(raw)
    except NotText as e:
        raise FormatError(f"{name}: {e.line}번째 줄부터 읽을 수 있는 텍스트가 아니며 알려진 문서 형식도 아닙니다. 읽는 형식: "
                          f"{READ_FORMATS_KO} / not text from line {e.line} on, nor a known document format. "
                          f"Read: {READ_FORMATS_EN}", e.line) from None
    return Decoded(text=text, format="text", encoding=encoding)


def _decode_layout(kind: str, raw: bytes, name: str) -> Decoded:
    if kind == "pdf":
        from .pdf import decode_pdf

        return decode_pdf(raw, name=name)
    if kind == "hwpx":
        from .hwpx import decode_hwpx

        return decode_hwpx(raw, name=name)
    from .hwp import decode_hwp

    return decode_hwp(raw, name=name)


__all__ = ["Decoded", "FormatError", "LineOrigin", "Place", "READ_FORMATS_EN", "READ_FORMATS_KO", "decode",
           "place_of", "sniff"]
