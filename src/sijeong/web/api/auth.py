"""``/api/v1/auth``: log in (a session cookie and its CSRF token), log out, who am I.

A script either logs in here and sends the answer's ``csrf_token`` as ``X-CSRF-Token`` with
every write, or sends its account's API token as ``Authorization: Bearer …`` (no CSRF token
needed; see ``sijeong user token``).
"""

from __future__ import annotations

import datetime as dt
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from ... import accounts
from .. import auth
from .schemas import Error

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginIn(BaseModel):
    login: str = Field(min_length=1, max_length=200, description="아이디")
    password: str = Field(min_length=1, max_length=accounts.MAX_PASSWORD, description="비밀번호")


class LoginOut(BaseModel):
    csrf_token: str = Field(description="쿠키로 인증한 쓰기 요청마다 X-CSRF-Token 헤더로 보낼 값")
    login: str
    role: str = Field(description="admin, performance, editor, approver, evaluator, viewer")
    department: str | None = Field(description="editor·approver의 부서")
    expires_at: dt.datetime = Field(description="세션이 끝나는 때 (UTC)")


class Me(BaseModel):
    login: str
    role: str
    department: str | None
    via: str = Field(description="api (이 요청은 /api/ 아래)")
    by: str = Field(description="session (쿠키) 또는 token (Bearer)")
    csrf_token: str | None = Field(description="쿠키 세션의 CSRF 토큰 (Bearer이면 null)")


class LoggedOut(BaseModel):
    revoked: bool = Field(description="세션을 끝냈는지 (Bearer 토큰에는 끝낼 세션이 없음)")


def _errors(*codes: int) -> dict:
    text = {401: "로그인 필요 / 아이디 또는 비밀번호가 틀림", 403: "CSRF 토큰이 없거나 틀림",
            422: "잘못된 요청 값", 429: "로그인 시도가 너무 많음 (Retry-After)"}
    return {c: {"model": Error, "description": text[c]} for c in codes}


@router.post("/login", response_model=LoginOut, summary="로그인 (세션 쿠키)", responses=_errors(401, 422, 429))
async def login(body: LoginIn, request: Request, response: Response) -> LoginOut:
    """Opens a session: sets the HttpOnly session cookie and answers the CSRF token. A wrong
    password, an unknown login and a disabled account all get the same 401."""
    try:
        session = await auth.open_session(request, body.login, body.password)
    except accounts.RateLimited as e:
        raise HTTPException(429, str(e), headers={"Retry-After": str(e.retry_after)}) from None
    except accounts.LoginFailed as e:
        raise HTTPException(401, str(e)) from None
    auth.set_session_cookie(response, request, session)
    a = session.actor
    return LoginOut(csrf_token=session.csrf_token, login=a.login, role=a.role, department=a.department,
                    expires_at=session.expires_at)


@router.post("/logout", response_model=LoggedOut, summary="로그아웃", responses=_errors(401, 403))
async def logout(request: Request, response: Response, actor: auth.ActorDep) -> LoggedOut:
    """Ends the session of the cookie (its CSRF token required) and clears the cookie."""
    found = auth.authenticated(request)
    revoked = await auth.close_session(request, found) if found is not None else False
    auth.clear_session_cookie(response, request)
    return LoggedOut(revoked=revoked)


@router.get("/me", response_model=Me, summary="지금 로그인한 계정", responses=_errors(401))
async def me(request: Request, actor: auth.ActorDep) -> Me:
    found = auth.authenticated(request)
    return Me(login=actor.login, role=actor.role, department=actor.department, via=actor.via,
              by=found.by if found else "session", csrf_token=found.csrf_token if found else None)
