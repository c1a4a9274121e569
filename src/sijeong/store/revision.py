"""Write a new migration from the difference between the model and a database at head.

    python -m sijeong.store.revision "add plan records"

It migrates a scratch SQLite database to the newest revision, compares it with
``schema.metadata()`` (generated from the model) and writes the difference as a new file
in ``store/migrations/versions``. Review the file before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .db import alembic_config, create_engine_for, migrate


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(__doc__)
        return 2
    from alembic import command

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine_for(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        migrate(engine)
        command.revision(alembic_config(engine), message=" ".join(argv), autogenerate=True)
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
