"""ReportTable → HTML (Jinja2): accessible table markup with print CSS, ``lang="ko"``.

Header cells are ``<th scope="col">`` with the printed spans, each row's label a
``<th scope="row">``, the title a ``<caption>``. Numeric cells carry
``data-source="doc:line"`` (printed figures) or ``data-computed`` (computed values).
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .base import ReportTable

TEMPLATES = Path(__file__).parent / "templates"


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                       trim_blocks=True, lstrip_blocks=True)


def render_html(tables: list[ReportTable], *, title: str | None = None) -> str:
    title = title or (tables[0].title if len(tables) == 1 else "보고서")
    return _env().get_template("report.html.j2").render(tables=tables, title=title)


def write_html(tables: list[ReportTable], path: str | Path, *, title: str | None = None) -> Path:
    path = Path(path)
    path.write_text(render_html(tables, title=title), encoding="utf-8")
    return path
