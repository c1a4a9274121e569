"""Reports: ``model -> rows`` (:mod:`.tables`) and renderers (xlsx, hwpx, html, pdf),
plus the open-data export (:mod:`.opendata`).

The table layer is pure; renderers import their libraries only when called.
"""

from .base import HeaderCell, ReportCell, ReportRow, ReportTable

FORMATS = ("xlsx", "hwpx", "html", "pdf")


def render(tables: list[ReportTable], fmt: str, path, *, title: str | None = None, findings=None):
    """Write ``tables`` to ``path`` in ``fmt`` (one of :data:`FORMATS`); in XLSX, a cell on a
    line with an open finding (``findings``: dicts with doc, lines, rule, message) carries it
    as a comment."""
    if fmt == "xlsx":
        from .xlsx import finding_notes, write_xlsx

        return write_xlsx(tables, path, findings=finding_notes(findings or []))
    if fmt == "hwpx":
        from .hwpx import write_hwpx

        return write_hwpx(tables, path, title=title)
    if fmt == "html":
        from .html import write_html

        return write_html(tables, path, title=title)
    if fmt == "pdf":
        from .pdf import write_pdf

        return write_pdf(tables, path, title=title)
    raise ValueError(f"알 수 없는 형식 / unknown format: {fmt!r} (one of {', '.join(FORMATS)})")


__all__ = ["FORMATS", "HeaderCell", "ReportCell", "ReportRow", "ReportTable", "render"]
