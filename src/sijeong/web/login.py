"""The login page and logout: ``GET/POST /login``, ``POST /logout``.

The login form is protected against CSRF before any session exists by a cookie of its own
(``sijeong_login``, random, HttpOnly, SameSite=Strict) whose value the form sends back; the
logout form sends the session's CSRF token. No script: the pages work with the CSP's
``default-src 'none'``.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from .. import accounts
from . import auth, formatting

router = APIRouter(include_in_schema=False)

LOGIN_COOKIE = "sijeong_login"
ROLE_LABELS = {
    "admin": "관리자",
    "performance": "성과관리팀",
    "editor": "부서 입력 담당",
    "approver": "부서 승인권자",
    "evaluator": "평가위원",
    "viewer": "열람자",
}


def safe_next(value: str | None) -> str:
    """Where to go after login: a path of this site only (never ``//host`` or a scheme)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or any(
            ord(c) < 0x20 for c in value):
        return "/"
    return value


def _page(request: Request, *, status: int = 200, error: str | None = None, login: str = "",
          next_path: str = "/", headers: dict[str, str] | None = None) -> Any:
    token = request.cookies.get(LOGIN_COOKIE)
    if not token or len(token) > 100:
        token = secrets.token_urlsafe(24)
    state = request.app.state
    unit = getattr(request.state, "unit", formatting.DEFAULT_UNIT)
    ctx = {"title": "로그인", "error": error, "login": login, "next": safe_next(next_path), "csrf_token": token,
           "unit": unit, "unit_label": formatting.unit_label(unit), "json_href": "/openapi.json",
           "municipality": state.settings.municipality, "ROLE_LABELS": ROLE_LABELS,
           "min_password": accounts.MIN_PASSWORD}
    response = state.templates.TemplateResponse(request, "login.html", ctx, status_code=status, headers=headers)
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, path="/login", httponly=True, samesite="strict",
                        secure=auth.secure_cookies(request))
    return response


@router.get("/login")
def login_page(request: Request, next: Annotated[str, Query(max_length=2000)] = "/"):  # noqa: A002
    return _page(request, next_path=next)


@router.post("/login")
async def login_submit(request: Request,
                       login: Annotated[str, Form(max_length=200)] = "",
                       password: Annotated[str, Form(max_length=accounts.MAX_PASSWORD)] = "",
                       csrf_token: Annotated[str, Form(max_length=200)] = "",
                       next: Annotated[str, Form(max_length=2000)] = "/"):  # noqa: A002
    expected = request.cookies.get(LOGIN_COOKIE)
    if not accounts.csrf_matches(expected, csrf_token):
        return _page(request, status=403, login=login, next_path=next,
                     error="로그인 양식이 만료되었습니다. 다시 시도해 주십시오 / the form expired (CSRF): try again")
    try:
        session = await auth.open_session(request, login, password)
    except accounts.RateLimited as e:
        return _page(request, status=429, login=login, next_path=next, error=str(e),
                     headers={"Retry-After": str(e.retry_after)})
    except accounts.LoginFailed as e:
        return _page(request, status=401, login=login, next_path=next, error=str(e))
    response = RedirectResponse(safe_next(next), status_code=303)
    auth.set_session_cookie(response, request, session)
    response.delete_cookie(LOGIN_COOKIE, path="/login", httponly=True, samesite="strict",
                           secure=auth.secure_cookies(request))
    return response


@router.post("/logout", dependencies=[Depends(auth.require_csrf)])
async def logout(request: Request):
    """Ends the cookie's session (its CSRF token required); nobody signed in: back home."""
    found = await auth.resolve(request)
    if found is not None:
        await auth.close_session(request, found)
    response = RedirectResponse("/", status_code=303)
    auth.clear_session_cookie(response, request)
    return response
