"""Korean particles (조사) chosen by the final sound of the word they follow.

``josa("관리", "을/를") == "관리를"``, ``josa("문화", "으로/로") == "문화로"``,
``josa("서울", "으로/로") == "서울로"`` (a final ㄹ takes 로), ``josa("3", "은/는") == "3은"``.

How the last sound is found (documented choices):

- A Hangul syllable: its final consonant (받침), if any.
- A digit: the Korean reading of the number (영 일 이 삼 사 오 육 칠 팔 구). A number ending in
  zeros is read by its highest unit: 10 십, 100 백, 1,000 천, 10,000 만, 10^8 억, 10^12 조,
  10^16 경 ("100을", "1,000을", "2,000,000,000을"); a lone 0 is 영. Thousands separators are
  skipped; after a decimal point the last digit is read ("1.5는").
- ``%`` is read 퍼센트 ("50%를").
- Latin capitals (an acronym such as GIS, CCTV, HTML) are read by their letter names: L 엘,
  M 엠, N 엔, R 알 end in a consonant (R and L in ㄹ), every other letter in a vowel
  ("GIS가", "HTML을", "URL로"). A word with a lowercase Latin letter at the end is read as an
  English word, whose pronunciation the spelling does not tell: both particles are given,
  "app을(를)"; likewise for any other symbol and for an empty word.
- Closing quotes and brackets are looked through: ‘관리’ → 관리 ("‘관리’를"). A parenthesised
  remark at the end follows the rule of 국립국어원 that the particle fits the word before it:
  "기본경비(기획예산과)를", "커피(coffee)를"; if nothing stands before it, the inside counts.
"""

from __future__ import annotations

#: the pairs this module knows: (after a final consonant, after a vowel)
PAIRS: dict[str, tuple[str, str]] = {
    "을/를": ("을", "를"),
    "이/가": ("이", "가"),
    "은/는": ("은", "는"),
    "과/와": ("과", "와"),
    "으로/로": ("으로", "로"),
    "이에요/예요": ("이에요", "예요"),
    "이나/나": ("이나", "나"),
    "이라/라": ("이라", "라"),
}

NONE, RIEUL, OTHER = "none", "rieul", "other"

#: the final sound of each digit's Korean reading
_DIGIT = {"0": OTHER, "1": RIEUL, "2": NONE, "3": OTHER, "4": NONE, "5": NONE, "6": OTHER, "7": RIEUL, "8": RIEUL,
          "9": NONE}
#: Latin letters whose Korean names end in a consonant (엘 엠 엔 알)
_LETTER = {"L": RIEUL, "M": OTHER, "N": OTHER, "R": RIEUL}
_CLOSING = "’”'\"」』》〉]}"
_PAIRS_OPEN = {")": "(", "）": "（"}


def _zeros_unit(zeros: int) -> str:
    """The final sound of the unit a number with ``zeros`` trailing zeros is read by:
    십 백 천 만 (10^1..10^7) and 억 (10^8..10^11) end in a consonant, 조 (10^12..10^15) in a
    vowel, 경 (10^16 and beyond) in a consonant."""
    return NONE if 12 <= zeros < 16 else OTHER


def _strip(word: str) -> str:
    """The word without trailing spaces, closing quotes and a final parenthesised remark."""
    w = (word or "").rstrip()
    while w:
        if w[-1] in _CLOSING or w[-1].isspace():
            w = w[:-1]
            continue
        if w[-1] in _PAIRS_OPEN:
            open_ = _PAIRS_OPEN[w[-1]]
            at = w.rfind(open_)
            if at > 0 and w[:at].strip():
                w = w[:at]
                continue
            w = w[at + 1:-1] if at >= 0 else w[:-1]
            continue
        break
    return w


def final_sound(word: str) -> str | None:
    """``"none"`` (ends in a vowel), ``"rieul"`` (ends in ㄹ), ``"other"`` (another final
    consonant), or None when the reading cannot be told from the spelling."""
    w = _strip(word)
    if not w:
        return None
    last = w[-1]
    if "가" <= last <= "힣":
        jong = (ord(last) - 0xAC00) % 28
        return NONE if jong == 0 else RIEUL if jong == 8 else OTHER
    if last == "%":
        return NONE  # 퍼센트
    if last.isascii() and last.isdigit():
        i = len(w)
        while i > 0 and (w[i - 1].isdigit() and w[i - 1].isascii() or w[i - 1] == ","):
            i -= 1
        digits = w[i:].replace(",", "")
        if i > 0 and w[i - 1] == ".":  # a decimal: the last digit is read
            return _DIGIT[digits[-1]]
        stripped = digits.rstrip("0")
        if not stripped:
            return OTHER  # 영
        zeros = len(digits) - len(stripped)
        return _zeros_unit(zeros) if zeros else _DIGIT[digits[-1]]
    if "A" <= last <= "Z":
        return _LETTER.get(last, NONE)
    return None


def particle(word: str, pair: str) -> str:
    """The particle of ``pair`` (a key of ``PAIRS``, e.g. "을/를") that fits ``word``;
    both forms, "을(를)", when the reading of the word's end is unknown."""
    with_final, without = PAIRS[pair]
    sound = final_sound(word)
    if sound is None:
        return f"{with_final}({without})"
    if pair == "으로/로":
        return with_final if sound == OTHER else without
    return without if sound == NONE else with_final


def josa(word: str, pair: str) -> str:
    """``word`` followed by the particle of ``pair`` that fits it."""
    return f"{word}{particle(word, pair)}"
