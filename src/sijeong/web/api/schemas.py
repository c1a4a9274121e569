"""Response shapes of the JSON API (for OpenAPI): one envelope for lists, one for errors."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Page(BaseModel):
    items: list[dict[str, Any]] = Field(description="레코드 (용어집의 필드 이름, source: {doc, line}, figures)")
    total: int
    limit: int
    offset: int


class ErrorBody(BaseModel):
    status: int
    message: str


class Error(BaseModel):
    error: ErrorBody


ERRORS = {404: {"model": Error, "description": "찾을 수 없음"}, 422: {"model": Error, "description": "잘못된 요청 값"}}
