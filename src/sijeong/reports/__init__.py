"""Reports: ``model -> rows`` (:mod:`.tables`) and renderers (xlsx, hwpx, html, pdf),
plus the open-data export (:mod:`.opendata`).

The table layer is pure; renderers import their libraries only when called.
"""

from .base import HeaderCell, ReportCell, ReportRow, ReportTable

FORMATS = ("xlsx", "hwpx", "html", "pdf")


def render(tables: list[ReportTable], fmt: str, path, *, title: str | None = None):
    """Write ``tables`` to ``path`` in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "xlsx":
        from .xlsx import write_xlsx

        return write_xlsx(tables, path)
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
