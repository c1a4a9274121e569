"""Compare two loaded documents figure for figure, whatever the lines they were read from."""

from __future__ import annotations

import dataclasses


def without_lines(obj):
    """The object as plain data with every line number (``line``, ``lines``, ``header_lines``
    ...) left out, so a
    document read from a PDF (whose empty lines may differ) compares with the text's."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: without_lines(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if not f.name.endswith(("line", "lines")) and f.name not in ("coverage", "text", "sha256", "line_count")}
    if isinstance(obj, dict):
        return {k: without_lines(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [without_lines(v) for v in obj]
    return obj


def differences(a, b, limit: int = 10) -> list[str]:
    """Up to ``limit`` paths where the two documents' records, tables and headings differ."""
    out: list[str] = []

    def walk(x, y, path):
        if len(out) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for k in sorted(set(x) | set(y), key=str):
                walk(x.get(k), y.get(k), f"{path}.{k}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                out.append(f"{path}: {len(x)} vs {len(y)} items")
            for i, (u, v) in enumerate(zip(x, y)):
                walk(u, v, f"{path}[{i}]")
        elif x != y:
            out.append(f"{path}: {x!r} vs {y!r}")

    for part in ("records", "tables", "headings"):
        walk(without_lines(getattr(a, part)), without_lines(getattr(b, part)), part)
    return out
