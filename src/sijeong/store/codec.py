"""Model values <-> JSON-able values, driven by the dataclasses' type hints.

Figures are stored as ``{"raw", "line", "unit", "value"}`` (plus ``"doc"`` when the figure
comes from another document than its record, e.g. a computed ``<rule:...>`` source);
appearances as ``{"section", "doc", "line", "name", "figures"}``; nested dataclasses
(outline items, people, milestones) as objects of their fields, with ``Source`` as
``{"doc", "line"}``. Decoding follows the type hints, so the model's own classes come back.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Union

from ..model import Appearance, Figure, Source


# --- figures and appearances -----------------------------------------------------------


def figure_to_json(fig: Figure, doc: str) -> dict[str, Any]:
    out: dict[str, Any] = {"raw": fig.raw, "line": fig.source.line, "unit": fig.unit, "value": fig.value}
    if fig.source.doc != doc:
        out["doc"] = fig.source.doc
    return out


class Sources(dict):
    """``(doc, line)`` → one shared :class:`Source` (immutable), so a load that rebuilds many
    figures of the same line builds its ``Source`` once: ``sources[doc, line]``."""

    __slots__ = ()

    def __missing__(self, key: tuple[str, int]) -> Source:
        s = self[key] = Source(*key)
        return s


def _fast_figure():
    """``Figure(value, raw, source, unit)`` without the frozen dataclass's ``__init__`` (four
    ``object.__setattr__`` calls): the slots set directly, about twice as fast, for the
    hundreds of thousands of figures a check loads back. Falls back to the constructor if
    ``Figure`` ever has other fields (or no slots)."""
    names = tuple(f.name for f in dataclasses.fields(Figure))
    if names != ("value", "raw", "source", "unit") or not hasattr(Figure, "__slots__") \
            or hasattr(Figure, "__post_init__"):
        return Figure
    new = object.__new__
    set_value, set_raw, set_source, set_unit = (getattr(Figure, n).__set__ for n in names)

    def figure(value: Any, raw: str, source: Source, unit: str | None = None) -> Figure:
        f = new(Figure)
        set_value(f, value)
        set_raw(f, raw)
        set_source(f, source)
        set_unit(f, unit)
        return f
    return figure


#: ``make_figure(value, raw, source, unit)``: a :class:`Figure`, built fast (see ``_fast_figure``)
make_figure = _fast_figure()


def figure_from_json(d: dict[str, Any], doc: str, sources: Sources | None = None) -> Figure:
    key = (d.get("doc", doc), d["line"])
    return make_figure(d.get("value"), d["raw"], sources[key] if sources is not None else Source(*key), d.get("unit"))


def figures_to_json(figs: dict[str, Figure], doc: str) -> dict[str, Any]:
    """``{key: figure_to_json(figure, doc)}``, written out (a record's row holds many)."""
    out: dict[str, Any] = {}
    for k, f in figs.items():
        s = f.source
        if s.doc == doc:
            out[k] = {"raw": f.raw, "line": s.line, "unit": f.unit, "value": f.value}
        else:
            out[k] = {"raw": f.raw, "line": s.line, "unit": f.unit, "value": f.value, "doc": s.doc}
    return out


def figures_from_json(d: dict[str, Any] | None, doc: str, sources: Sources | None = None) -> dict[str, Figure]:
    if not d:
        return {}
    if sources is None:
        sources = Sources()
    return {k: make_figure(v.get("value"), v["raw"], sources[v.get("doc", doc), v["line"]], v.get("unit"))
            for k, v in d.items()}


def appearance_to_json(app: Appearance, doc: str) -> dict[str, Any]:
    return {
        "section": app.section,
        "doc": app.source.doc,
        "line": app.source.line,
        "name": app.name,
        "figures": figures_to_json(app.figures, app.source.doc),
        **({"text": dict(app.text)} if app.text else {}),
    }


def appearance_from_json(d: dict[str, Any], doc: str, sources: Sources | None = None) -> Appearance:
    adoc = d.get("doc", doc)
    if sources is None:
        sources = Sources()
    return Appearance(
        section=d["section"],
        source=sources[adoc, d["line"]],
        figures=figures_from_json(d.get("figures"), adoc, sources),
        name=d.get("name"),
        text=dict(d.get("text") or {}),
    )


# --- generic values --------------------------------------------------------------------


_PLAIN = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _dataclass_fields(tp: type) -> tuple[str, ...] | None:
    """The field names of a dataclass :func:`to_json` writes as an object of its fields (not
    ``Source`` and ``Figure``, which have shapes of their own), else None; once per type."""
    if issubclass(tp, (Source, Figure, str, int, float, bool)) or not dataclasses.is_dataclass(tp):
        return None
    return tuple(f.name for f in dataclasses.fields(tp))


def to_json(value: Any) -> Any:
    """A model value as plain JSON (dataclasses become objects of their fields)."""
    tp = type(value)
    if tp in _PLAIN:
        return value
    if tp is list or tp is tuple:
        return [to_json(v) for v in value]
    names = _dataclass_fields(tp)
    if names is not None:
        return {n: to_json(getattr(value, n)) for n in names}
    return _to_json(value)


def _to_json(value: Any) -> Any:
    """:func:`to_json` of any other value (subclasses, dicts, Source, Figure)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Source):
        return value.as_dict()
    if isinstance(value, Figure):
        return figure_to_json(value, "")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    raise TypeError(f"cannot store {type(value).__name__}: {value!r}")


@functools.cache
def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _args(tp: Any) -> tuple[Any, ...]:
    return typing.get_args(tp)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def from_json(value: Any, tp: Any) -> Any:
    """Rebuild a value of type hint ``tp`` from :func:`to_json`'s output."""
    return decoder(tp)(value)


def _identity(value: Any) -> Any:
    return value


@functools.cache
def decoder(tp: Any):
    """:func:`from_json` for one type hint, worked out once: a function of the value alone
    (the hint's shape is looked at when the decoder is built, not for every value decoded;
    the values it gives back are those of :func:`from_json_slow`)."""
    if _is_union(tp):
        options = [a for a in _args(tp) if a is not type(None)]
        if all(a in (int, float) for a in options):  # Number
            return _identity
        if len(options) == 1:
            return decoder(options[0])
        plain = tuple(opt for opt in options if opt in (str, int, float, bool))
        first = decoder(options[0])

        def union(value: Any) -> Any:
            if value is None:
                return None
            for opt in plain:  # first option whose shape fits
                if isinstance(value, opt):
                    return value
            return first(value)
        return union
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        (item,) = _args(tp)[:1] or (Any,)
        each = decoder(item)
        if each is _identity:
            return lambda value: None if value is None else list(value)
        return lambda value: None if value is None else [each(v) for v in value]
    if origin is dict:
        kt, vt = _args(tp) or (Any, Any)
        each = decoder(vt)
        if each is _identity:
            return lambda value: None if value is None else dict(value)
        return lambda value: None if value is None else {k: each(v) for k, v in value.items()}
    if tp is Source:
        return lambda value: None if value is None else Source(value["doc"], value["line"])
    if tp is Figure:
        return lambda value: None if value is None else figure_from_json(value, "")
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        plan: list[tuple[str, Any]] = []  # filled on first use: a class may hold itself (outline items)

        def record(value: Any) -> Any:
            if value is None:
                return None
            if not plan:
                h = hints(tp)
                plan.extend((f.name, decoder(h[f.name])) for f in dataclasses.fields(tp))
            return tp(**{name: dec(value.get(name)) for name, dec in plan if name in value})
        return record
    if tp is float:
        return lambda value: float(value) if isinstance(value, int) else value
    return _identity


def from_json_slow(value: Any, tp: Any) -> Any:
    """:func:`from_json` by walking the type hint for every value (the reference the
    compiled :func:`decoder` is tested against)."""
    if value is None:
        return None
    if _is_union(tp):
        options = [a for a in _args(tp) if a is not type(None)]
        if all(a in (int, float) for a in options):  # Number
            return value
        if len(options) == 1:
            return from_json_slow(value, options[0])
        for opt in options:  # first option whose shape fits
            if opt in (str, int, float, bool) and isinstance(value, opt):
                return value
        return from_json_slow(value, options[0])
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        (item,) = _args(tp)[:1] or (Any,)
        return [from_json_slow(v, item) for v in value]
    if origin is dict:
        kt, vt = _args(tp) or (Any, Any)
        return {k: from_json_slow(v, vt) for k, v in value.items()}
    if tp is Source:
        return Source(value["doc"], value["line"])
    if tp is Figure:
        return figure_from_json(value, "")
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        h = hints(tp)
        kw = {f.name: from_json_slow(value.get(f.name), h[f.name]) for f in dataclasses.fields(tp) if f.name in value}
        return tp(**kw)
    if tp is float and isinstance(value, int):
        return float(value)
    return value


def scalar_kind(tp: Any) -> str | None:
    """'int', 'float', 'str', 'bool' for scalar hints (Optional allowed), None otherwise."""
    if _is_union(tp):
        options = [a for a in _args(tp) if a is not type(None)]
        if options and all(a in (int, float) for a in options):
            return "float" if float in options else "int"
        if len(options) == 1:
            return scalar_kind(options[0])
        return None
    if tp is bool:
        return "bool"
    if tp is int:
        return "int"
    if tp is float:
        return "float"
    if tp is str:
        return "str"
    return None
