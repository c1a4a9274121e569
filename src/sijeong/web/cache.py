"""The public page cache: anonymous GET answers of the public read pages, kept per process
and keyed by the full URL, the money unit and the database's data version.

Why it is right: every write transaction adds one to ``data_version`` in the same
transaction (``store.db.writing``, ``store.repository``'s own; the store's only ways to
commit), so a reader that sees a write's data sees its new version too. The version is read
on the request's own connection (:func:`sijeong.web.deps.get_conn`), as the first statement
of its transaction: on SQLite the data the page then reads is that snapshot, exactly that
version; on PostgreSQL (read committed) the page may see newer data than the version read,
and is then kept under an older version, which no later reader asks for. A cached answer is
never served once any process or machine has committed a write to the same database. (A
hit is answered earlier, by :class:`Store` before routing, from a version read the same way
on a short connection of its own; a miss then reads it again on the request's connection,
and only that version keys what is kept.) Writes
made around sijeong (SQL typed by hand) do not bump the version: after one, restart the
servers or bump it (``UPDATE data_version SET version = version + 1``).

What is cached: status 200 answers without ``Set-Cookie`` of the paths in :data:`CACHED`
(the public read pages and their ``.json`` twins, the record API's lists and items), for a
request that is anonymous (no session or token resolved: the page then shows no account) —
every other request passes through untouched. What a cached answer may depend on: the URL
(path and query, as sent), the money unit (the ``unit`` cookie or parameter) and the
database; these pages read nothing else (no clock, no header). Each answer carries an
``ETag`` (a hash of its body); ``If-None-Match`` with it gets 304 without a body.

Bounded: at most ``max_bytes`` of bodies per process (least recently used go first), no
single answer over a sixteenth of it; when the version moves every older entry is dropped.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store import views

#: the paths whose anonymous GET answers are cached (checked for clock and header reads)
CACHED = re.compile(
    r"^/(?:dashboard|programs|revenues|indicators(?:/\d+)?|plans)(?:\.json)?$"
    r"|^/api/v1/(?:indicators|policy-goals|programs|revenues|departments|plan-tasks)(?:/\d+)?$"
)
#: the header that says whether an answer came from the cache (``hit``) or was made (``miss``)
HEADER = "x-sijeong-cache"
#: headers of the route's answer kept with it (the others are the outer middlewares')
KEPT = (b"content-type",)


class Hit(Exception):
    """Raised by ``get_conn`` when the answer is cached: the app's handler sends it."""

    def __init__(self, entry: "Entry") -> None:
        super().__init__("cached")
        self.entry = entry


@dataclass(frozen=True)
class Entry:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: str


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag in tags or "*" in tags


class PageCache:
    """Answers by (path?query, unit, data version); thread-safe (looked up in worker threads)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max(1, max_bytes // 16)
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._bytes = 0
        self._version: int | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    # --- which requests ----------------------------------------------------------------

    @staticmethod
    def wants(request: Request) -> bool:
        """A GET of a cached path by nobody in particular."""
        return (request.method == "GET" and CACHED.match(request.url.path) is not None
                and getattr(request.state, "auth", None) is None)

    @staticmethod
    def key(request: Request, version: int) -> tuple:
        return (request.url.path, request.url.query, getattr(request.state, "unit", None), version)

    # --- lookup and store --------------------------------------------------------------

    def lookup(self, request: Request, conn, *, remember: bool = True) -> Entry | None:
        """Read the data version on ``conn`` (the request's connection, first statement of its
        transaction), remember the key on the request for :class:`Store`, and give the
        cached answer if there is one. ``remember=False`` (:class:`Store`'s early look, on a
        short connection of its own): the key is not remembered — an answer is only ever kept
        under the version read on the connection that made it — and a miss is not counted
        (``get_conn`` looks again and counts it)."""
        version = views.data_version(conn)
        if version is None:
            return None
        key = self.key(request, version)
        if remember:
            request.state.page_cache_key = key
        with self._lock:
            if self._version != version:  # the data changed: nothing older can be served again
                if self._version is not None and version < self._version:
                    return None  # a reader behind another one (PostgreSQL): neither serve nor keep
                self._entries.clear()
                self._bytes = 0
                self._version = version
            entry = self._entries.get(key)
            if entry is None:
                if remember:
                    self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def store(self, key: tuple, entry: Entry) -> None:
        size = len(entry.body)
        if size > self.max_entry:
            return
        with self._lock:
            if key[-1] != self._version:  # made from data the cache has moved past
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                _, gone = self._entries.popitem(last=False)
                self._bytes -= len(gone.body)

    def info(self) -> dict[str, Any]:
        with self._lock:
            return {"entries": len(self._entries), "bytes": self._bytes, "version": self._version,
                    "hits": self.hits, "misses": self.misses, "max_bytes": self.max_bytes}


def respond_cached(request: Request, entry: Entry) -> Response:
    """The cached answer (or 304 when the client has it)."""
    if _matches(request.headers.get("if-none-match"), entry.etag):
        return Response(status_code=304, headers={"ETag": entry.etag, HEADER: "hit"})
    response = Response(entry.body, status_code=entry.status)
    response.raw_headers = [h for h in response.raw_headers if h[0] != b"content-type"]
    response.raw_headers += [*entry.headers, (b"etag", entry.etag.encode()), (HEADER.encode(), b"hit")]
    return response


def _peek(engine, cache: PageCache, request: Request) -> Entry | None:
    """The cached answer for ``request``, the data version read on a short connection of its
    own (given back here, in the same worker thread)."""
    with engine.connect() as conn:
        return cache.lookup(request, conn, remember=False)


class Store:
    """ASGI middleware, innermost: answers a cached request before routing, keeps the answer
    of a request whose lookup missed (``page_cache_key`` on its state), adds its ``ETag`` and
    answers 304 when the client sent that tag. Everything else passes through untouched.

    The early answer: every outer middleware has run (the security headers, who is asking —
    ``auth`` on the request's state — the money unit and its cookie, the refusal of control
    characters), so an anonymous GET of a cached path is looked up here, the data version read
    on a connection taken with the app's connection slots like ``get_conn``'s, and a hit is
    answered without routing, dependencies or a route function — the same answer
    (:func:`respond_cached`) the ``Hit`` of ``get_conn`` gives, through the same outer
    middlewares. A miss goes on to the route, whose ``get_conn`` reads the version again on
    the request's own connection (the key an answer is kept under); a request that raced a
    store in between is still answered from the cache there."""

    def __init__(self, app: ASGIApp, cache: PageCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or CACHED.match(scope["path"]) is None:
            await self.app(scope, receive, send)
            return
        state = scope.get("state")
        if state is not None and "auth" in state and state["auth"] is None:  # auth.Who found nobody
            request = Request(scope, receive)
            if self.cache.wants(request):
                app_state = scope["app"].state
                async with app_state.connection_slots.held():
                    with anyio.CancelScope(shield=True):  # a connection taken is always given back
                        entry = await run_in_threadpool(_peek, app_state.engine, self.cache, request)
                if entry is not None:
                    await respond_cached(request, entry)(scope, receive, send)
                    return
        start: list[Message] = []
        chunks: list[bytes] = []
        passing = [False]  # not kept: messages go straight through

        async def capture(message: Message) -> None:
            if passing[0]:
                await send(message)
                return
            if message["type"] == "http.response.start":
                state = scope.get("state") or {}
                headers = message.get("headers") or []
                if (message["status"] != 200 or "page_cache_key" not in state
                        or any(k.lower() in (b"set-cookie", HEADER.encode()) for k, _ in headers)):
                    passing[0] = True
                    await send(message)
                    return
                start.append(message)
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(chunks)
                etag = etag_of(body)
                head = start[0]
                kept = tuple((k, v) for k, v in head.get("headers") or [] if k.lower() in KEPT)
                self.cache.store(scope["state"]["page_cache_key"], Entry(head["status"], kept, body, etag))
                request_headers = dict((k.lower(), v) for k, v in scope.get("headers") or [])
                inm = request_headers.get(b"if-none-match")
                if _matches(inm.decode("latin-1") if inm else None, etag):
                    await send({"type": "http.response.start", "status": 304,
                                "headers": [(b"etag", etag.encode()), (HEADER.encode(), b"miss")]})
                    await send({"type": "http.response.body", "body": b""})
                    return
                headers = [*(head.get("headers") or []), (b"etag", etag.encode()), (HEADER.encode(), b"miss")]
                await send({**head, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, capture)
