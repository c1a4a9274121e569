"""Typed dependencies shared by the page and API routers.

One database connection per request: ``get_conn`` takes it from the engine's pool and
everything the request asks of the database goes through it — the default municipality
too (:func:`default_municipality`), so a request never holds one pooled connection while
waiting for a second (with the page cache on, an anonymous GET of a cached page first
reads the data version on a short connection of its own, given back before the route
runs: ``cache.Store``). The connection goes back to the pool when the route function
returns (``scope="function"``), before the response is sent, so a streamed download
(which opens its own, see :func:`stream_holding_slot`) does not hold two either.

``get_conn`` is asynchronous so that a request waits for a free connection on the event
loop, not in a worker thread: the pool has fewer connections (SQLAlchemy's 5 + 10) than
the thread pool has threads (anyio's 40), and threads blocked waiting for the pool would
leave the requests that hold a connection no thread to finish in. ``ConnectionSlots``
lets at most as many requests hold a connection as the pool can give.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, AsyncIterator, Iterator

import anyio
from fastapi import Depends, Path, Query, Request
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from ..store import views
from . import cache as page_cache
from ..store.connections import Connection, pool_capacity  # noqa: F401 - app.py asks deps.pool_capacity

MAX_LIMIT = 500
#: the largest integer the store's databases take (SQLite's integer, PostgreSQL's bigint):
#: ids and offsets above it are refused with 422 instead of reaching the driver
MAX_INT = 2**63 - 1
#: free text in a query parameter: no C0 control character (NUL, tab, newline, …) nor DEL
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"


# --- connections -------------------------------------------------------------------------


class ConnectionSlots:
    """At most ``size`` requests hold (or are getting) a pooled connection at once; the
    others wait on the event loop. One semaphore per event loop (a test may serve one app
    from several loops); ``size`` None: no limit."""

    def __init__(self, size: int | None):
        self.size = size
        self._by_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def _semaphore(self) -> asyncio.Semaphore | None:
        if self.size is None:
            return None
        loop = asyncio.get_running_loop()
        with self._lock:
            sem = self._by_loop.get(loop)
            if sem is None:
                sem = self._by_loop[loop] = asyncio.Semaphore(self.size)
        return sem

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        sem = self._semaphore()
        if sem is None:
            yield
            return
        async with sem:
            yield


def _close(conn: Connection) -> None:
    conn.close()


def _connect_and_look(engine, cache: "page_cache.PageCache", request: Request) -> tuple[Connection, Any]:
    """A connection and the cached answer for ``request`` (web/cache.py): the data version is
    the first statement of the connection's transaction. On a hit the connection is given
    back here, in the same worker thread."""
    conn = engine.connect()
    try:
        entry = cache.lookup(request, conn)
    except BaseException:
        conn.close()
        raise
    if entry is not None:
        conn.close()
    return conn, entry


async def get_conn(request: Request) -> AsyncIterator[Connection]:
    """The request's one connection (given back when the route function returns)."""
    state = request.app.state
    cache = state.page_cache
    async with state.connection_slots.held():
        with anyio.CancelScope(shield=True):  # a connection taken is always given back
            if cache is not None and cache.wants(request):
                conn, entry = await run_in_threadpool(_connect_and_look, state.engine, cache, request)
            else:
                conn, entry = await run_in_threadpool(state.engine.connect), None
        if entry is not None:  # answered from the public page cache; the connection is back
            raise page_cache.Hit(entry)
        request.state.conn = conn
        try:
            yield conn
        finally:
            request.state.conn = None
            with anyio.CancelScope(shield=True):
                # a limiter of its own: giving a connection back never waits for a thread
                await anyio.to_thread.run_sync(_close, conn, limiter=anyio.CapacityLimiter(1))


async def stream_holding_slot(request: Request, chunks: Iterator[Any]) -> AsyncIterator[Any]:
    """``chunks`` (a blocking iterator that opens a connection of its own, such as a
    streamed export) iterated in worker threads while holding one of the app's connection
    slots, so that it never waits for the pool in a worker thread either."""
    async with request.app.state.connection_slots.held():
        iterator = iterate_in_threadpool(chunks)
        try:
            async for chunk in iterator:
                yield chunk
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:  # a generator: closes the connection it opened (also on a disconnect)
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(close, limiter=anyio.CapacityLimiter(1))


ConnDep = Annotated[Connection, Depends(get_conn, scope="function")]


def default_municipality(request: Request, conn: Connection | None = None) -> str:
    """The settings' municipality when it has data, else the first municipality stored.

    Read once per request (kept on ``request.state``), on ``conn`` or the request's own
    connection; only a request holding none opens one for the question."""
    known = getattr(request.state, "default_municipality", None)
    if known is not None:
        return known
    state = request.app.state
    conn = conn if conn is not None else getattr(request.state, "conn", None)
    if conn is None:
        with state.engine.connect() as own:
            found = views.municipalities(own)
    else:
        found = views.municipalities(conn)
    wanted = state.settings.municipality
    chosen = wanted if wanted in found or not found else found[0]
    request.state.default_municipality = chosen
    return chosen


# --- parameters --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """municipality / year / department of a request (municipality defaults to the settings')."""

    municipality: str
    year: int | None
    department: str | None


MunicipalityParam = Annotated[str | None, Query(description="지방자치단체 (예: 김포시)", max_length=100,
                                                pattern=TEXT_PATTERN)]
YearParam = Annotated[str | None, Query(description="회계연도 (예: 2020; 빈 값은 전체)", pattern=r"^([0-9]{4})?$")]
DepartmentParam = Annotated[str | None, Query(description="부서명", max_length=200, pattern=TEXT_PATTERN)]


def get_scope(
    request: Request,
    conn: ConnDep,
    municipality: MunicipalityParam = None,
    year: YearParam = None,
    department: DepartmentParam = None,
) -> Scope:
    m = municipality or default_municipality(request, conn)
    return Scope(municipality=m, year=int(year) if year else None, department=department or None)


ScopeDep = Annotated[Scope, Depends(get_scope)]


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


LimitQ = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="한 쪽의 항목 수")]
OffsetQ = Annotated[int, Query(ge=0, le=MAX_INT, description="건너뛸 항목 수")]
#: a record's id in a path: 1 … 2⁶³−1 (anything else is 422, not a driver's overflow)
IdPath = Annotated[int, Path(ge=1, le=MAX_INT, description="레코드 id")]


def get_paging(limit: LimitQ = 50, offset: OffsetQ = 0) -> Paging:
    return Paging(limit=limit, offset=offset)


PagingDep = Annotated[Paging, Depends(get_paging)]
