"""Who the resident is (주민참여예산): the ``sijeong_resident`` cookie, apart from the staff's
session cookie (``web/auth.py``) — a resident's session never acts as staff, and a staff
session never votes.

- :func:`resident_on` — the :class:`~sijeong.participation.ResidentAuth` of a request, on the
  connection the route already holds (a GET page), or on a short one of its own within the
  app's connection slots (:func:`resident_of`, for a POST route, which holds none).
- :func:`check_csrf` — 403 unless the form (or ``X-CSRF-Token``) carries the resident
  session's CSRF token (an HMAC of the session token; nothing stored).
- Before a session exists (the registration and code forms) a form cookie of its own,
  path ``/participation``, ``SameSite=Strict``, is the double-submitted CSRF token (as the
  staff's login form does).
Answers to a request with a resident cookie are ``Cache-Control: no-store``.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from .. import accounts, participation
from . import auth

RESIDENT_COOKIE = "sijeong_resident"
FORM_COOKIE = "sijeong_pb_form"
FORM_PATH = "/participation"


def resident_on(request: Request, conn) -> participation.ResidentAuth | None:
    if hasattr(request.state, "resident"):
        return request.state.resident
    found = participation.resolve(conn, request.cookies.get(RESIDENT_COOKIE))
    request.state.resident = found
    return found


async def resident_of(request: Request) -> participation.ResidentAuth | None:
    if hasattr(request.state, "resident"):
        return request.state.resident
    token = request.cookies.get(RESIDENT_COOKIE)
    found = None
    if token:
        state = request.app.state

        def run():
            with state.engine.connect() as conn:
                return participation.resolve(conn, token)

        async with state.connection_slots.held():
            found = await run_in_threadpool(run)
    request.state.resident = found
    return found


async def check_csrf(request: Request, found: participation.ResidentAuth) -> None:
    sent = request.headers.get(auth.CSRF_HEADER)
    if not sent and request.headers.get("content-type", "").startswith(auth.FORM_TYPES):
        value = (await request.form()).get(auth.CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not accounts.csrf_matches(found.csrf_token, sent):
        raise HTTPException(403, auth.BAD_CSRF)


def form_token(request: Request) -> str:
    """The pre-session CSRF token of the registration forms (the cookie's, or a new one)."""
    token = request.cookies.get(FORM_COOKIE)
    return token if token and len(token) <= 100 and token.isascii() else secrets.token_urlsafe(24)


def set_form_cookie(response, request: Request, token: str) -> None:
    response.set_cookie(FORM_COOKIE, token, max_age=3600, path=FORM_PATH, httponly=True, samesite="strict",
                        secure=auth.secure_cookies(request))


async def require_form_token(request: Request) -> None:
    form = await request.form()
    sent = form.get(auth.CSRF_FIELD)
    if not accounts.csrf_matches(request.cookies.get(FORM_COOKIE), sent if isinstance(sent, str) else None):
        raise HTTPException(403, auth.BAD_CSRF)


def set_resident_cookie(response, request: Request, session: participation.ResidentSession) -> None:
    response.set_cookie(RESIDENT_COOKIE, session.token,
                        max_age=int(participation.SESSION_LIFETIME.total_seconds()), path="/", httponly=True,
                        samesite="lax", secure=auth.secure_cookies(request))


def clear_resident_cookie(response, request: Request) -> None:
    response.delete_cookie(RESIDENT_COOKIE, path="/", httponly=True, samesite="lax", secure=auth.secure_cookies(request))


def no_store(response, request: Request):
    if request.cookies.get(RESIDENT_COOKIE):
        response.headers["Cache-Control"] = "no-store"
    return response


async def resident_checked(request: Request) -> participation.ResidentAuth | None:
    """The request's resident (None: nobody signed in), with the CSRF check of the resident
    session for an unsafe method: the dependency of every resident's POST."""
    found = await resident_of(request)
    if found is not None and request.method not in auth.SAFE_METHODS:
        await check_csrf(request, found)
    return found


#: ``me: ResidentDep`` — the resident (CSRF checked) or None; ``FormTokenDep`` for the forms before a session
ResidentDep = Annotated[participation.ResidentAuth | None, Depends(resident_checked)]
FormToken = Depends(require_form_token)
