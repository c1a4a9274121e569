"""What the web needs to know of the store's connections, without SQLAlchemy of its own:
the types it passes around, how many connections an engine's pool gives, and the error a
full pool raises."""

from __future__ import annotations

import sqlalchemy.exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

__all__ = ["Connection", "Engine", "PoolTimeout", "pool_capacity"]

#: no connection came free within the pool's timeout
PoolTimeout = sqlalchemy.exc.TimeoutError


def pool_capacity(engine: Engine) -> int | None:
    """How many connections the engine's pool gives at most (None: no limit)."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return None  # NullPool, StaticPool, SingletonThreadPool: nobody waits for them
    overflow = getattr(pool, "_max_overflow", 0)
    if overflow < 0:
        return None
    return pool.size() + overflow
