"""Plain text in the encodings Korean offices export: UTF-8, UTF-16 (with or without a BOM)
and CP949 (the superset of EUC-KR), detected by content, never by the file's extension.

Order: a byte-order mark; strict UTF-8 (without NUL characters, which no text export
holds, while UTF-16 of ASCII text is valid UTF-8 full of them); UTF-16 without a BOM,
recognised by the NUL bytes of its ASCII characters (digits, spaces, tabs and line ends
are ASCII even in Korean text) falling on one parity; strict CP949. A guess (UTF-16
without a BOM, CP949) must hold no control characters but tab, line end and form feed —
a binary file that happens to decode as CP949 is still refused.
"""

from __future__ import annotations

import codecs
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class NotText(ValueError):
    """The bytes are none of the text encodings; ``line`` is where UTF-8 decoding failed."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def decode_text(raw: bytes) -> tuple[str, str]:
    """``(text, encoding)`` of a text export, or :class:`NotText`."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(enc)
            except UnicodeDecodeError:
                break
            if "\x00" not in text:
                return text, enc + " (BOM)"
            break
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        first_bad = raw[: e.start].count(b"\n") + 1
    else:
        if "\x00" not in text:  # UTF-8 as before (a stray control character is the readers' concern)
            return text, "utf-8"
        first_bad = text[: text.index("\x00")].count("\n") + 1
    enc = utf16_guess(raw)
    if enc:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            text = None
        if text is not None and _clean(text):
            return text, enc
    try:
        text = raw.decode("cp949")
    except UnicodeDecodeError:
        raise NotText(first_bad) from None
    if not _clean(text):
        raise NotText(first_bad)
    return text, "cp949"


def utf16_guess(raw: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when the ASCII characters (a NUL high byte) fall almost
    all on one parity, else ``None``."""
    if len(raw) < 2 or len(raw) % 2:
        return None
    # ASCII characters: a NUL next to a byte below 0x80 (가 U+AC00 has a NUL too, but beside 0xAC)
    lo, hi = raw[0::2], raw[1::2]
    odd = sum(1 for a, b in zip(lo, hi) if b == 0 and a < 0x80)  # little-endian ASCII
    even = sum(1 for a, b in zip(lo, hi) if a == 0 and b < 0x80)  # big-endian ASCII
    if even + odd < max(2, len(raw) // 40):  # too few ASCII characters to tell
        return None
    if odd >= 0.9 * (even + odd):
        return "utf-16-le"
    if even >= 0.9 * (even + odd):
        return "utf-16-be"
    return None


def _clean(text: str) -> bool:
    return _CONTROL.search(text) is None
