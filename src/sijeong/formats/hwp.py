"""HWP 5.0 binary (an OLE compound file: FileHeader, DocInfo, zlib-compressed
BodyText/Section*) → normalised text, through python-hwpx's HWP 5.0 converter.

python-hwpx (Apache-2.0, already the project's HWPX writer) reads the compound file with its
own CFB reader, inflates the record streams and decodes the records Hancom's published
HWP 5.0 format document describes, and converts each BodyText section into the OWPML
section it corresponds to — one ``hp:p`` per paragraph
record, one ``hp:tbl`` per table control with its cells' addresses and spans. The
converted sections are then read exactly like an HWPX file (:mod:`.hwpx`), so a line's
origin is the HWP section, paragraph, table, row and column. Why not pyhwp: it is AGPL-3.0,
which an MIT project cannot link in-process without the whole program falling under the
AGPL; see ``docs/formats.md``. A password-protected or DRM (배포용) document is refused.
"""

from __future__ import annotations

from . import Decoded, FormatError


def decode_hwp(raw: bytes, *, name: str = "") -> Decoded:
    from hwpx.hwp5.package import convert, to_hwpx_bytes

    if b"HWP Document File" not in raw[:1 << 16] and not _has_file_header(raw):
        raise FormatError(f"{name}: HWP 문서가 아닌 OLE 복합 문서입니다(예: 옛 MS Office 파일) / an OLE compound file that is "
                          f"not an HWP document (e.g. an old MS Office file)")
    try:
        converted = convert(raw)
    except Exception as e:  # noqa: BLE001 - python-hwpx raises its own errors for protected or broken files
        text = str(e)
        if any(w in text.lower() for w in ("password", "encrypt", "protect", "distribut", "drm")):
            raise FormatError(f"{name}: 암호가 걸렸거나 배포용(DRM) HWP 문서라 읽을 수 없습니다 / a password-protected or "
                              f"distribution (DRM) HWP document cannot be read: {text}") from e
        raise
    from .hwpx import decode_hwpx

    decoded = decode_hwpx(to_hwpx_bytes(converted.files), name=name)
    decoded.format = "hwp"
    return decoded


def _has_file_header(raw: bytes) -> bool:
    return "FileHeader".encode("utf-16-le") in raw
