"""Who is asking. A stand-in with the two functions the pages and the API use; the auth
helper's module (sessions, API tokens, CSRF) replaces it at merge.

- :func:`current_actor` — the signed-in :class:`~sijeong.operations.Actor`, or None.
- :func:`require_actor` — the actor, or 401.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

from ..operations import Actor

NEED_LOGIN = "로그인이 필요합니다 / login required"


async def current_actor(request: Request) -> Actor | None:
    return None


async def require_actor(request: Request) -> Actor:
    raise HTTPException(401, NEED_LOGIN)
