"""Shared helpers for reading the documents' plain-text extractions.

Numbers: ``1,149,710,000``, ``△5,558,259,000``, ``△ 113,330,670``, ``-323,255,220``,
``-`` (none), ``130%``, ``100.00 %``, ``97.5``. Units: ``(단위: 원)``, ``(단위:개, 원)``,
``(단위 : 천원)``; a unit outside the lists is kept as printed (a ``read.unit`` warning),
only an unknown money scale is an error (of its table). Bad input raises
:class:`ReadError`, which names the line; the pipeline turns it into an error finding and
loads nothing of that document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..model import Figure, Source

#: entries kept by each of this module's caches (of lines, cells and number tokens) before it is emptied
_CACHE_LIMIT = 50_000

#: won per unit of money
MONEY_UNITS: dict[str, int] = {"원": 1, "천원": 1_000, "백만원": 1_000_000, "억원": 100_000_000}
#: units that are not money (counts, people, percent ...); the value is kept as printed
OTHER_UNITS = frozenset(
    {"개", "명", "%", "건", "회", "천명", "개소", "대", "종", "km", "㎞", "위", "등급", "점", "시간", "일", "개월", "년", "m", "㎡"}
)


class ReadError(ValueError):
    """Input the reader cannot read faithfully. Always names the document and line."""

    def __init__(self, source: Source, message: str, raw: str | None = None):
        self.source = source
        self.raw = raw
        super().__init__(f"{source.doc}:{source.line}: {message}")
        self.message = message


@dataclass(frozen=True, slots=True)
class Line:
    no: int  # 1-based
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def cells(self) -> list[str]:
        return split_cells(self.text)


#: the lines of the texts read last: reading one document splits its text several times
#: (detection, units, the reader, coverage); a Line is immutable, each caller gets its own list
_LINES: dict[str, tuple[Line, ...]] = {}


def lines_of(text: str) -> list[Line]:
    got = _LINES.get(text)
    if got is None:
        got = tuple([Line(i, t.rstrip("\r")) for i, t in enumerate(text.split("\n"), 1)])
        if len(_LINES) >= 2:
            _LINES.clear()
        _LINES[text] = got
    return list(got)


# --- line ends and limits ----------------------------------------------------------------

#: every line separator ``str.splitlines`` knows besides ``\n``: CR (old Mac files), NEL,
#: LINE/PARAGRAPH SEPARATOR — each ends a line — and the form feed, vertical tab and the
#: file/group/record separators, which extractions leave at page breaks: those become a space
#: (a line number must mean the same to the reader, the coverage, an editor and the web page).
_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_SPACES = re.compile("[\x0b\x0c\x1c\x1d\x1e]")


def normalise_text(text: str) -> str:
    """CRLF, lone CR, NEL, U+2028 and U+2029 → ``\\n``; form feed, vertical tab and
    U+001C–U+001E → a space. Idempotent; a text with plain ``\\n`` ends comes back as is."""
    if _BREAKS.search(text):
        text = _BREAKS.sub("\n", text)
    if _SPACES.search(text):
        text = _SPACES.sub(" ", text)
    return text


#: the most digits a number token may have (integer and fraction digits together). The
#: documents print at most 12; 30 leaves room and keeps every parse far from Python's
#: 4,300-digit int limit and the float range.
MAX_DIGITS = 30
#: the database stores integers in 64 bits: |v| must stay below this
INT_LIMIT = 2**63

_NUMBER_SHAPE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
#: a token of _NUMBER_SHAPE longer than MAX_DIGITS lies inside such a run
_LONG_RUN = re.compile(r"[\d,.]{%d,}" % (MAX_DIGITS + 1))


def long_number(text: str) -> tuple[int, str] | None:
    """The first number token of more than :data:`MAX_DIGITS` digits: (line, token cut to
    40 characters), or None. One linear pass over the text (by one regular expression that
    finds only runs of digits, commas and points long enough to hold such a token)."""
    if _LONG_RUN.search(text) is None:
        return None
    for m in _NUMBER_SHAPE.finditer(text):
        tok = m.group(0)
        if len(tok) > MAX_DIGITS and sum(c.isdigit() for c in tok) > MAX_DIGITS:
            return text.count("\n", 0, m.start()) + 1, tok[:40] + ("…" if len(tok) > 40 else "")
    return None


def too_long_message(token: str) -> str:
    return f"숫자가 너무 깁니다 ({MAX_DIGITS}자리 초과) / number too long (more than {MAX_DIGITS} digits): {token!r}"


def check_digits(digits: str, source: Source, token: str) -> None:
    """Raise a located ReadError when a number has more than :data:`MAX_DIGITS` digits."""
    if len(digits) > MAX_DIGITS and sum(c.isdigit() for c in digits) > MAX_DIGITS:
        short = token[:40] + ("…" if len(token) > 40 else "")
        raise ReadError(source, too_long_message(short), short)


_CELLS: dict[str, tuple[str, ...]] = {}


def split_cells(text: str) -> list[str]:
    """Tab-separated cells, stripped; leading empty cells kept (they carry column position).
    (The readers ask for the cells of a line several times: each split is kept, each caller
    gets its own list.)"""
    got = _CELLS.get(text)
    if got is None:
        got = tuple([c.strip() for c in text.rstrip().split("\t")])
        if len(_CELLS) >= _CACHE_LIMIT // 2:
            _CELLS.clear()
        _CELLS[text] = got
    return list(got)


_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Whitespace collapsed, HTML fragments removed: the way names are stored."""
    text = strip_html(text)
    return _WS.sub(" ", text).strip()


_TAG = re.compile(r"<[^>]+>")


def strip_html(text: str) -> str:
    return _TAG.sub(" ", text)


_LATEX_TEXT = re.compile(r"\\text\{([^}]*)\}")
_LATEX_CMD = re.compile(r"\\(left|right|begin\{array\}\{[a-z]*\}|end\{array\}|[a-zA-Z]+)")


def strip_latex(text: str) -> str:
    r"""``$\left\{ \text{의존재원} \\ ... \right\} * 100$`` → ``{ 의존재원 ... } * 100``."""
    if "$" not in text and "\\" not in text:
        return text
    out = _LATEX_TEXT.sub(lambda m: m.group(1), text)
    out = out.replace("\\\\", " ").replace("\\{", "{").replace("\\}", "}")
    out = _LATEX_CMD.sub(" ", out)
    out = out.replace("$", " ")
    return collapse(out)


# --- numbers -------------------------------------------------------------------------

_NUM = re.compile(r"^(?P<neg>[△▲-]\s*)?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?\s*(?P<pct>%)?$")
_BROKEN = re.compile(r"^[△▲-]?\s*[\d,]*\d[\d,]*[A-Za-zㄱ-ㅎ가-힣Oo][\d,]*\d[\d,.]*%?$")
DASHES = {"-", "–", "—", "－"}


#: tokens already looked at (a document repeats most of its numbers: 0, 100%, its amounts):
#: ``is_number``'s answer and ``parse_number``'s (value, unit) per (token, multiplier, unit).
#: Only pure results are kept (no source), and each cache is emptied when it grows past
#: :data:`_CACHE_LIMIT` entries.
_IS_NUMBER: dict[str, bool] = {}
_PARSED: dict[tuple[str, int, str | None], tuple] = {}


def is_number(raw: str) -> bool:
    got = _IS_NUMBER.get(raw)
    if got is None:
        token = raw.strip()
        got = token in DASHES or bool(_NUM.match(token))
        if len(_IS_NUMBER) >= _CACHE_LIMIT:
            _IS_NUMBER.clear()
        _IS_NUMBER[raw] = got
    return got


def looks_broken_number(raw: str) -> bool:
    """A token that was meant to be a number but has a letter inside (``1,14O,710``)."""
    raw = raw.strip()
    return bool(_BROKEN.match(raw)) and "," in raw


def parse_number(
    raw: str,
    source: Source,
    *,
    multiplier: int = 1,
    unit: str | None = None,
) -> Figure:
    """Parse one printed number into a Figure. ``multiplier`` turns 천원 etc. into won.

    Raises :class:`ReadError` when the token is not a number.
    """
    token = raw.strip()
    if type(multiplier) is not int:  # 1 == 1.0 == True: only plain int keys are kept
        return Figure(None, token, source, unit) if token in DASHES else _parse(token, source, multiplier, unit)
    key = (token, multiplier, unit)
    got = _PARSED.get(key)
    if got is not None:
        return Figure(got[0], token, source, got[1])
    if token in DASHES:
        return Figure(None, token, source, unit)
    figure = _parse(token, source, multiplier, unit)
    if len(_PARSED) >= _CACHE_LIMIT:
        _PARSED.clear()
    _PARSED[key] = (figure.value, figure.unit)
    return figure


def _parse(token: str, source: Source, multiplier: int, unit: str | None) -> Figure:
    m = _NUM.match(token)
    if not m:
        raise ReadError(source, f"숫자가 아닙니다 / not a number: {token!r}", token)
    digits = m.group("int").replace(",", "")
    frac = m.group("frac")
    check_digits(digits + (frac or ""), source, token)
    neg = bool(m.group("neg"))
    if m.group("pct"):
        unit = "%"
    if frac:
        value: int | float = float(digits + frac)
        if multiplier != 1:  # exactly, in decimal: 1,328.59 억원 is 132,859,000,000원 (a float is not)
            scaled = Decimal(digits + frac) * multiplier
            if scaled != scaled.to_integral_value():
                raise ReadError(source, f"원 단위로 바꿀 수 없는 금액 / fractional won: {token!r}", token)
            value = int(scaled)
    else:
        value = int(digits) * multiplier
    if neg:
        value = -value
    return Figure(value, token, source, unit)


def number_or_none(raw: str, source: Source, **kw) -> Figure | None:
    """Like :func:`parse_number` but returns None for an empty cell or plain text;
    still raises for a token that looks like a broken number."""
    token = raw.strip()
    if not token:
        return None
    if is_number(token):
        return parse_number(token, source, **kw)
    if looks_broken_number(token):
        raise ReadError(source, f"숫자 안에 문자가 있습니다 / letter inside a number: {token!r}", token)
    return None


def require_number(raw: str, source: Source, what: str, **kw) -> Figure:
    token = raw.strip()
    if not token:
        raise ReadError(source, f"{what}: 값이 없습니다 / missing value", token)
    if not is_number(token):
        if looks_broken_number(token):
            raise ReadError(source, f"{what}: 숫자 안에 문자가 있습니다 / letter inside a number: {token!r}", token)
        raise ReadError(source, f"{what}: 숫자가 아닙니다 / not a number: {token!r}", token)
    return parse_number(token, source, **kw)


def split_numbers(cell: str) -> list[str]:
    """A cell holding several stacked numbers (``264,144,000 △5,558,259,000``)."""
    parts: list[str] = []
    for tok in cell.split():
        if parts and parts[-1] in ("△", "▲"):
            parts[-1] += tok
        else:
            parts.append(tok)
    return parts


#: every run of digits: what the coverage counts
NUMERIC_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")


def numeric_tokens(text: str) -> list[str]:
    return NUMERIC_TOKEN.findall(text)


# --- units ---------------------------------------------------------------------------

#: the brackets a unit note is printed in: ``(단위: 천원)``, ``[단위: 천원]``, ``<단위 : 천원>``,
#: ``‹단위: 천원›``, ``〈단위: 천원〉``, full-width ``［…］``/``＜…＞``; the label ``단위`` or ``금액단위``
_OPEN, _CLOSE = re.escape("([<‹〈《［＜（"), re.escape(")]>›〉》］＞）")
_NOTE_LABEL = r"(?:금액\s*)?단\s*위\s*[:：]\s*"
_UNIT_NOTE = re.compile(rf"^[{_OPEN}]\s*{_NOTE_LABEL}(?P<units>[^{_CLOSE}{_OPEN}]*)[{_CLOSE}]\s*$")
#: a unit note anywhere in a line (a table's own line or inside a cell, ``인원 (단위:천명)``)
UNIT_NOTE_ANYWHERE = re.compile(rf"[{_OPEN}]\s*{_NOTE_LABEL}(?P<units>[^{_CLOSE}{_OPEN}]*)[{_CLOSE}]")
#: how a unit of money ends: a scale of won (만원, 십억원) or another currency (만달러, 냥)
_MONEY_ENDINGS = ("원", "달러", "엔", "위안", "유로", "냥")


def is_known_unit(unit: str) -> bool:
    return unit in MONEY_UNITS or unit in OTHER_UNITS


def is_money_scale(unit: str) -> bool:
    """A unit that changes the meaning of an amount (천원, 만원, 십억원, 만달러 …): the reader
    must know it to turn the amounts into won. Any other unit (편, 척, 그루, 세대 …) only
    names what is counted: the number is kept as printed whatever it is."""
    return unit in MONEY_UNITS or unit.endswith(_MONEY_ENDINGS)


def note_units(text: str) -> tuple[str, ...]:
    """``단위`` note's units: ``개, 원`` → (개, 원)."""
    return tuple(u.strip() for u in re.split(r"[,，/·]", text) if u.strip())


@dataclass(frozen=True, slots=True)
class UnitNote:
    units: tuple[str, ...]
    source: Source

    @property
    def money(self) -> str | None:
        for u in self.units:
            if u in MONEY_UNITS:
                return u
        return None

    @property
    def multiplier(self) -> int:
        m = self.money
        return MONEY_UNITS[m] if m else 1

    @property
    def unknown(self) -> tuple[str, ...]:
        """Units outside the reader's lists, kept as printed (one ``read.unit`` warning
        each per document)."""
        return tuple(u for u in self.units if not is_known_unit(u))


def unknown_scale_message(unit: str) -> str:
    return (f"알 수 없는 금액 단위 / unknown money unit: {unit!r} — "
            "원으로 바꿀 수 없습니다 / amounts cannot be turned into won")


def parse_unit_note(text: str, source: Source) -> UnitNote | None:
    """``(단위: 원)`` → UnitNote(("원",)). A unit the reader does not know is kept as printed
    (``(단위: 그루)``: the number is known, only what it counts is new); only an unknown
    money scale (``만원``, ``만달러``) raises ReadError, since the amounts could not be
    turned into won. ``read_document`` sets such a table aside before the readers run."""
    m = _UNIT_NOTE.match(text.strip())
    if not m:
        return None
    units = note_units(m.group("units"))
    for u in units:
        if not is_known_unit(u) and is_money_scale(u):
            raise ReadError(source, unknown_scale_message(u), u)
    return UnitNote(units, source)


def unknown_unit_message(unit: str) -> str:
    return (f"처음 보는 단위 '{unit}': 값은 인쇄된 그대로 읽었습니다 (합계 검증은 단위와 무관) / "
            f"new unit {unit!r}: values kept as printed (sums are checked whatever the unit)")


def warn_unknown_unit(findings: list, *, doc: str, unit: str, line: int,
                      municipality: str | None = None, year: int | None = None) -> None:
    """One ``read.unit`` warning per new unit per document; later lines join its lines."""
    from ..model import Finding

    for f in findings:
        if f.rule == "read.unit" and f.severity == "warning" and f.actual == unit and f.doc == doc:
            if line not in f.lines:
                f.lines.append(line)
            return
    findings.append(Finding(rule="read.unit", severity="warning", doc=doc, lines=[line],
                            message=unknown_unit_message(unit), actual=unit,
                            municipality=municipality, year=year))


