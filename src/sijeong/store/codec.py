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


def figure_from_json(d: dict[str, Any], doc: str) -> Figure:
    return Figure(d.get("value"), d["raw"], Source(d.get("doc", doc), d["line"]), d.get("unit"))


def figures_to_json(figs: dict[str, Figure], doc: str) -> dict[str, Any]:
    return {k: figure_to_json(f, doc) for k, f in figs.items()}


def figures_from_json(d: dict[str, Any] | None, doc: str) -> dict[str, Figure]:
    return {k: figure_from_json(v, doc) for k, v in (d or {}).items()}


def appearance_to_json(app: Appearance, doc: str) -> dict[str, Any]:
    return {
        "section": app.section,
        "doc": app.source.doc,
        "line": app.source.line,
        "name": app.name,
        "figures": figures_to_json(app.figures, app.source.doc),
        **({"text": dict(app.text)} if app.text else {}),
    }


def appearance_from_json(d: dict[str, Any], doc: str) -> Appearance:
    adoc = d.get("doc", doc)
    return Appearance(
        section=d["section"],
        source=Source(adoc, d["line"]),
        figures=figures_from_json(d.get("figures"), adoc),
        name=d.get("name"),
        text=dict(d.get("text") or {}),
    )


# --- generic values --------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """A model value as plain JSON (dataclasses become objects of their fields)."""
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
    if value is None:
        return None
    if _is_union(tp):
        options = [a for a in _args(tp) if a is not type(None)]
        if all(a in (int, float) for a in options):  # Number
            return value
        if len(options) == 1:
            return from_json(value, options[0])
        for opt in options:  # first option whose shape fits
            if opt in (str, int, float, bool) and isinstance(value, opt):
                return value
        return from_json(value, options[0])
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        (item,) = _args(tp)[:1] or (Any,)
        return [from_json(v, item) for v in value]
    if origin is dict:
        kt, vt = _args(tp) or (Any, Any)
        return {k: from_json(v, vt) for k, v in value.items()}
    if tp is Source:
        return Source(value["doc"], value["line"])
    if tp is Figure:
        return figure_from_json(value, "")
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        h = hints(tp)
        kw = {f.name: from_json(value.get(f.name), h[f.name]) for f in dataclasses.fields(tp) if f.name in value}
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
