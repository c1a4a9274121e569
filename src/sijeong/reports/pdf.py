"""ReportTable → PDF: the HTML report printed by headless Chromium (A4 landscape).

Uses the Chromium binary directly (``--headless --print-to-pdf``); the path comes from
``SIJEONG_CHROMIUM`` or defaults to ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .base import ReportTable
from .html import render_html

DEFAULT_CHROMIUM = "/usr/bin/chromium"


class PdfError(RuntimeError):
    pass


def chromium_path() -> str | None:
    """The Chromium executable, or ``None`` when there is none on this machine."""
    candidate = os.environ.get("SIJEONG_CHROMIUM") or DEFAULT_CHROMIUM
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def html_to_pdf(html: str, path: str | Path, *, timeout: float = 120) -> Path:
    exe = chromium_path()
    if exe is None:
        raise PdfError("Chromium을 찾을 수 없습니다 / Chromium not found (set SIJEONG_CHROMIUM)")
    path = Path(path).resolve()
    with tempfile.TemporaryDirectory(prefix="sijeong-pdf-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html, encoding="utf-8")
        cmd = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", f"--user-data-dir={tmp}/profile",
            "--no-pdf-header-footer", f"--print-to-pdf={path}", src.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise PdfError(f"Chromium이 {timeout:.0f}초 안에 끝나지 않았습니다 / Chromium timed out") from e
    if not path.is_file() or path.stat().st_size == 0:
        raise PdfError(f"PDF를 만들지 못했습니다 / Chromium wrote no PDF (exit {proc.returncode}): {proc.stderr[-500:]}")
    return path


def write_pdf(tables: list[ReportTable], path: str | Path, *, title: str | None = None) -> Path:
    return html_to_pdf(render_html(tables, title=title), path)
