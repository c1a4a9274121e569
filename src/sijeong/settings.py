"""Settings, built by the CLI or ``create_app`` — never at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_FILE = "sijeong.db"


def default_db_url() -> str:
    """``SIJEONG_DB`` when set (a URL or a file path), else ``./sijeong.db``."""
    return db_url(os.environ.get("SIJEONG_DB") or DEFAULT_DB_FILE)


def db_url(value: str) -> str:
    """A SQLAlchemy URL from a URL or a plain file path."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).resolve()}"


@dataclass(frozen=True)
class Settings:
    db_url: str
    municipality: str = "김포시"

    @classmethod
    def from_env(cls, db: str | None = None) -> "Settings":
        return cls(db_url=db_url(db) if db else default_db_url())
