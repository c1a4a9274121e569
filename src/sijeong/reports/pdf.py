"""ReportTable → PDF: the HTML report printed by headless Chromium (A4 landscape).

Uses the Chromium binary directly (``--headless --print-to-pdf``); the path comes from
``SIJEONG_CHROMIUM`` or defaults to ``/usr/bin/chromium``.

Each print is one short-lived Chromium (its own temporary profile, killed with its whole
process group on timeout) that cannot reach the network (every host name resolves to
nothing and every fetch goes to a closed proxy port); the pages it prints are our own
autoescaped templates with no script (``--blink-settings=scriptEnabled=false`` would be the
switch, but headless printing then writes no file). It runs in
Chromium's sandbox unless the process is root (Chromium refuses its sandbox as root) or
``SIJEONG_PDF_SANDBOX=0``.

The web application prints through a ``RenderPool``: at most ``limit`` Chromiums at once
(across worker processes too when given a directory of slot lock files), at most ``queue``
requests waiting for one, each for at most ``wait`` seconds; beyond that ``PdfBusy``, which
the web answers with 503 and ``Retry-After``. The command line prints one file at a time and
uses ``html_to_pdf`` directly.
"""

from __future__ import annotations

import fcntl
import math
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from .base import ReportTable
from .html import render_html

DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: marks our Chromiums' profile directories (tests count processes by it)
PROFILE_PREFIX = "sijeong-pdf-"


class PdfError(RuntimeError):
    pass


class PdfBusy(PdfError):
    """Every renderer is busy and the queue is full or the wait ran out."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def chromium_path() -> str | None:
    """The Chromium executable, or ``None`` when there is none on this machine."""
    candidate = os.environ.get("SIJEONG_CHROMIUM") or DEFAULT_CHROMIUM
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def sandboxed() -> bool:
    """Whether Chromium runs in its sandbox: not as root, not turned off by the environment."""
    if os.environ.get("SIJEONG_PDF_SANDBOX", "").strip() in ("0", "false", "no", "off"):
        return False
    return os.geteuid() != 0


def chromium_command(exe: str, profile: Path, pdf: Path, page: Path) -> list[str]:
    return [
        exe, "--headless", *([] if sandboxed() else ["--no-sandbox"]),
        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
        "--disable-extensions", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--mute-audio", "--renderer-process-limit=1",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(),
    ]


def html_to_pdf(html: str, path: str | Path, *, timeout: float = 120) -> Path:
    exe = chromium_path()
    if exe is None:
        raise PdfError("Chromium을 찾을 수 없습니다 / Chromium not found (set SIJEONG_CHROMIUM)")
    path = Path(path).resolve()
    with tempfile.TemporaryDirectory(prefix=PROFILE_PREFIX) as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html, encoding="utf-8")
        cmd = chromium_command(exe, Path(tmp) / "profile", path, src)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as e:
            _kill_group(proc)
            raise PdfError(f"Chromium이 {timeout:.0f}초 안에 끝나지 않았습니다 / Chromium timed out") from e
        finally:
            _kill_group(proc)  # helpers Chromium may have left behind
    if not path.is_file() or path.stat().st_size == 0:
        raise PdfError(f"PDF를 만들지 못했습니다 / Chromium wrote no PDF (exit {proc.returncode}): {stderr[-500:]}")
    return path


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.returncode is None:
        proc.wait()


def write_pdf(tables: list[ReportTable], path: str | Path, *, title: str | None = None) -> Path:
    return html_to_pdf(render_html(tables, title=title), path)


class RenderPool:
    """A bounded pool of Chromium printers (see the module doc); thread-safe."""

    def __init__(self, limit: int = 2, *, queue: int = 8, wait: float = 30.0, slots: str | Path | None = None,
                 timeout: float = 120.0):
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit, self.queue, self.wait, self.timeout = limit, max(queue, 0), wait, timeout
        self.slots = Path(slots) if slots else None
        if self.slots is not None:
            self.slots.mkdir(parents=True, exist_ok=True)
        self._sem = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self._inside = 0  # requests waiting or printing in this process
        self._seconds = 3.0  # a running estimate of one print, for Retry-After

    def retry_after(self) -> int:
        with self._lock:
            rounds = 1 + max(self._inside - self.limit, 0) / self.limit
            return max(1, math.ceil(self._seconds * rounds))

    def render(self, html: str) -> bytes:
        """The PDF of ``html``; ``PdfBusy`` when no renderer frees up in time."""
        deadline = time.monotonic() + self.wait
        with self._lock:
            full = self._inside >= self.limit + self.queue
            if not full:
                self._inside += 1
        if full:
            raise PdfBusy("PDF를 만드는 요청이 많습니다. 잠시 뒤에 다시 시도해 주세요 / "
                          "too many PDF requests, try again later", self.retry_after())
        try:
            return self._render(html, deadline)
        finally:
            with self._lock:
                self._inside -= 1

    def _render(self, html: str, deadline: float) -> bytes:
        if not self._sem.acquire(timeout=max(deadline - time.monotonic(), 0)):
            raise PdfBusy("PDF를 만들 차례가 오지 않았습니다. 잠시 뒤에 다시 시도해 주세요 / "
                          "no PDF renderer came free in time", self.retry_after())
        try:
            slot = self._take_slot(deadline)
            try:
                started = time.monotonic()
                with tempfile.TemporaryDirectory(prefix=PROFILE_PREFIX + "out-") as tmp:
                    body = html_to_pdf(html, Path(tmp) / "out.pdf", timeout=self.timeout).read_bytes()
                with self._lock:
                    self._seconds = 0.7 * self._seconds + 0.3 * (time.monotonic() - started)
                return body
            finally:
                if slot is not None:
                    os.close(slot)  # closing the descriptor releases the lock
        finally:
            self._sem.release()

    def _take_slot(self, deadline: float) -> int | None:
        """A lock on one of ``limit`` slot files shared by every process using ``slots``."""
        if self.slots is None:
            return None
        while True:
            for i in range(self.limit):
                fd = os.open(self.slots / f"slot-{i}.lock", os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return fd
                except BlockingIOError:
                    os.close(fd)
            if time.monotonic() >= deadline:
                raise PdfBusy("PDF를 만들 차례가 오지 않았습니다. 잠시 뒤에 다시 시도해 주세요 / "
                              "no PDF renderer came free in time", self.retry_after())
            time.sleep(0.05)
