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


class MarkIn(BaseModel):
    status: str = Field(description="seen (확인) / fixed (조치 완료) / false_positive (오탐)")
    note: str | None = Field(default=None, description="조치 완료: 무엇을 했는지, 오탐: 왜 오류가 아닌지 (2,000자 이내)")
    version: int | None = Field(default=None, description="읽은 표시의 버전 (표시가 없었으면 null)")


class MarkOut(BaseModel):
    id: int
    municipality: str
    year: int | None
    fingerprint: str
    rule: str
    status: str
    note: str | None
    marked_by: str
    marked_at: str
    version: int


MARK_ERRORS = {
    401: {"model": Error, "description": "로그인 필요"},
    403: {"model": Error, "description": "권한 없음 (역할)"},
    404: {"model": Error, "description": "검증 결과 없음"},
    409: {"model": Error, "description": "다른 사용자가 먼저 바꿈 (error.current: 지금의 표시)"},
    422: {"model": Error, "description": "잘못된 값 (상태, 설명 없음 …)"},
}
