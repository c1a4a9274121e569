"""Settings, built by the CLI or ``create_app`` — never at import time.

``Settings.from_env`` reads the environment (the worker processes of ``sijeong serve
--workers N`` are configured through it, see ``commands/serve.py``):

- ``SIJEONG_DB`` — database URL or SQLite file (default ``./sijeong.db``);
- ``SIJEONG_MUNICIPALITY`` — the default municipality (default 김포시);
- ``SIJEONG_PUBLIC_URL`` — the site's public address, used for the links printed in PDFs
  (never the request's Host header); default ``http://127.0.0.1:8000``;
- ``SIJEONG_PDF_RENDERS`` — PDFs rendered at once (default 2);
- ``SIJEONG_PDF_QUEUE`` — requests that may wait for a renderer (default 8; more get 503);
- ``SIJEONG_PDF_WAIT`` — seconds a request waits for a renderer before 503 (default 30);
- ``SIJEONG_PDF_SLOTS`` — a directory of lock files that makes the limit hold across worker
  processes (set by ``sijeong serve``; unset: the limit is per process);
- ``SIJEONG_EVIDENCE`` — the directory evidence files of period results are kept in, outside
  the web root, under generated names (default ``./sijeong-evidence``);
- ``SIJEONG_EVIDENCE_MAX_MB`` — the largest evidence file accepted, in MB (default 20).
- ``SIJEONG_UPLOAD_MB`` — the largest file the web upload takes, in MB (default 50), counted
  while the body is read (the ``Content-Length`` header is not trusted);
- ``SIJEONG_UPLOADS`` — the staging directory of uploads awaiting confirmation, outside the
  web root (default ``<temp dir>/sijeong-uploads``);
- ``SIJEONG_PAGE_CACHE_MB`` — MB of public answers each serving process keeps (default 64;
  ``0``: none), invalidated by every write (``web/cache.py``);
- ``SIJEONG_UPLOAD_HOURS`` — how long a staged upload may wait for its confirmation (default 2);
- the 협업포인트 rules (``docs/collaboration.md``): ``SIJEONG_COLLAB_MONTHLY`` — every account's
  monthly allowance (default 200, 000's 개인별 매월 기본포인트 200P); ``SIJEONG_COLLAB_PER_MESSAGE``
  — points sent with one thank-you message (default 10); ``SIJEONG_COLLAB_SAME_PERSON`` —
  messages one account may send the same person in a month (default 2);
  ``SIJEONG_COLLAB_OWN_DEPARTMENT`` — ``1`` lets people thank colleagues of their own
  department (default ``0``: not allowed, the national scheme's rule); ``SIJEONG_COLLAB_TOP`` —
  how many are 이달의 협업왕 (default 3).
- the 제안 가점 of the department evaluation (``docs/evaluation.md``): ``SIJEONG_BONUS_PER_ADOPTED``
  — points per adopted suggestion (default 0.5), ``SIJEONG_BONUS_PER_IMPLEMENTED`` — points more
  per implemented one (default 0.5); a request may send other numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_FILE = "sijeong.db"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
DEFAULT_EVIDENCE_DIR = "sijeong-evidence"
DEFAULT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def default_db_url() -> str:
    """``SIJEONG_DB`` when set (a URL or a file path), else ``./sijeong.db``."""
    return db_url(os.environ.get("SIJEONG_DB") or DEFAULT_DB_FILE)


def db_url(value: str) -> str:
    """A SQLAlchemy URL from a URL or a plain file path."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).resolve()}"


def _env_number(name: str, default: float, kind=int):
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: 숫자가 아닙니다 / not a number") from None
    zero_allowed = name in ("SIJEONG_PDF_QUEUE", "SIJEONG_PAGE_CACHE_MB")  # 0: no queue, no cache
    if value <= 0 and not zero_allowed or value < 0 and name == "SIJEONG_PAGE_CACHE_MB":
        raise ValueError(f"{name}={raw!r}: 0보다 커야 합니다 / must be positive")
    return value


@dataclass(frozen=True)
class Settings:
    db_url: str
    municipality: str = "김포시"
    public_url: str = DEFAULT_PUBLIC_URL
    pdf_renders: int = 2
    pdf_queue: int = 8
    pdf_wait: float = 30.0
    pdf_slots: str | None = None
    evidence_dir: str = DEFAULT_EVIDENCE_DIR
    evidence_max_bytes: int = DEFAULT_EVIDENCE_MAX_BYTES
    upload_max_bytes: int = 50 * 1024 * 1024
    upload_dir: str | None = None  # None: <temp dir>/sijeong-uploads
    upload_hours: float = 2.0
    collab_monthly: int = 200
    collab_per_message: int = 10
    collab_same_person: int = 2
    collab_own_department: bool = False
    collab_top: int = 3
    bonus_per_adopted: float = 0.5
    bonus_per_implemented: float = 0.5
    #: the public page cache, MB of answers per process (web/cache.py); 0: none. ``sijeong
    #: serve`` (``from_env``) keeps 64 unless ``SIJEONG_PAGE_CACHE_MB`` says otherwise
    page_cache_mb: float = 0.0

    @classmethod
    def from_env(cls, db: str | None = None) -> "Settings":
        return cls(
            db_url=db_url(db) if db else default_db_url(),
            municipality=os.environ.get("SIJEONG_MUNICIPALITY") or cls.municipality,
            public_url=os.environ.get("SIJEONG_PUBLIC_URL") or DEFAULT_PUBLIC_URL,
            pdf_renders=_env_number("SIJEONG_PDF_RENDERS", 2),
            pdf_queue=_env_number("SIJEONG_PDF_QUEUE", 8),
            pdf_wait=_env_number("SIJEONG_PDF_WAIT", 30.0, float),
            pdf_slots=os.environ.get("SIJEONG_PDF_SLOTS") or None,
            evidence_dir=str(Path(os.environ.get("SIJEONG_EVIDENCE") or DEFAULT_EVIDENCE_DIR).resolve()),
            evidence_max_bytes=int(_env_number("SIJEONG_EVIDENCE_MAX_MB", 20, float) * 1024 * 1024),
            upload_max_bytes=int(_env_number("SIJEONG_UPLOAD_MB", 50.0, float) * 1024 * 1024),
            upload_dir=os.environ.get("SIJEONG_UPLOADS") or None,
            upload_hours=_env_number("SIJEONG_UPLOAD_HOURS", 2.0, float),
            collab_monthly=_env_number("SIJEONG_COLLAB_MONTHLY", 200),
            collab_per_message=_env_number("SIJEONG_COLLAB_PER_MESSAGE", 10),
            collab_same_person=_env_number("SIJEONG_COLLAB_SAME_PERSON", 2),
            collab_own_department=os.environ.get("SIJEONG_COLLAB_OWN_DEPARTMENT", "0").strip().lower()
            in ("1", "true", "yes"),
            collab_top=_env_number("SIJEONG_COLLAB_TOP", 3),
            bonus_per_adopted=_env_number("SIJEONG_BONUS_PER_ADOPTED", 0.5, float),
            bonus_per_implemented=_env_number("SIJEONG_BONUS_PER_IMPLEMENTED", 0.5, float),
            page_cache_mb=_env_number("SIJEONG_PAGE_CACHE_MB", 64.0, float),
        )

    @property
    def staging_dir(self) -> Path:
        """Where uploads wait for their confirmation (never under the static files)."""
        import tempfile

        return Path(self.upload_dir) if self.upload_dir else Path(tempfile.gettempdir()) / "sijeong-uploads"

    @property
    def public_base(self) -> str:
        """``public_url`` ending in one slash (a ``<base href>``)."""
        return self.public_url.rstrip("/") + "/"
