"""Typed dependencies shared by the page and API routers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Iterator

from fastapi import Depends, Query, Request
from sqlalchemy.engine import Connection

from . import formatting
from .tables import Tables

MAX_LIMIT = 500


def get_conn(request: Request) -> Iterator[Connection]:
    with request.app.state.engine.connect() as conn:
        yield conn


def get_tables(request: Request) -> Tables:
    return request.app.state.tables


ConnDep = Annotated[Connection, Depends(get_conn)]
TablesDep = Annotated[Tables, Depends(get_tables)]


@dataclass(frozen=True)
class Scope:
    """municipality / year / department of a request (municipality defaults to the settings')."""

    municipality: str
    year: int | None
    department: str | None


def get_scope(
    request: Request,
    municipality: Annotated[str | None, Query(description="지방자치단체 (예: 김포시)")] = None,
    year: Annotated[str | None, Query(description="회계연도 (예: 2020; 빈 값은 전체)", pattern=r"^(\d{4})?$")] = None,
    department: Annotated[str | None, Query(description="부서명")] = None,
) -> Scope:
    m = municipality or request.app.state.default_municipality(request)
    return Scope(municipality=m, year=int(year) if year else None, department=department or None)


ScopeDep = Annotated[Scope, Depends(get_scope)]


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def get_paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="한 쪽의 항목 수")] = 50,
    offset: Annotated[int, Query(ge=0, description="건너뛸 항목 수")] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


PagingDep = Annotated[Paging, Depends(get_paging)]


def get_unit(request: Request) -> str:
    """Display unit for money: ``?unit=`` (remembered in a cookie by the app), else the cookie."""
    return formatting.unit_key(request.query_params.get("unit") or request.cookies.get("unit"))


UnitDep = Annotated[str, Depends(get_unit)]
