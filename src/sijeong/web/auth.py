"""Placeholder of the authentication dependency until the auth branch lands (the lead takes
that branch's file at merge): ``require_actor`` answers 401 to every request, so nothing is
written through the API without a real login. Tests override it
(``app.dependency_overrides[require_actor] = lambda: Actor(...)``)."""

from __future__ import annotations

from fastapi import HTTPException, Request

from ..operations import Actor


async def require_actor(request: Request) -> Actor:
    """The logged-in actor; 401 when there is none (always, in this placeholder)."""
    raise HTTPException(401, "로그인이 필요합니다 / login required")
