"""``/api/v1/uploads``: the upload of the ``/upload`` page for scripts — read and preview
(``POST``, multipart), confirm (``POST /{id}/confirm``), discard (``DELETE /{id}``).

Authenticated by the session cookie (with ``X-CSRF-Token``, or the ``csrf_token`` field of the
multipart form) or by ``Authorization: Bearer`` (an API token: no CSRF token). Only the
performance team and administrators (the roles of ``document.ingest``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ... import operations
from .. import auth, uploads
from ..pages.upload import NOT_ALLOWED, Uploader, _defaults, _with_conn, allowed_or_403
from .schemas import Error

router = APIRouter(prefix="/uploads", tags=["uploads"])


class Finding(BaseModel):
    rule: str
    severity: str = Field(description="error, warning, info")
    doc: str
    lines: list[int]
    message: str
    department: str | None = None
    subject: str | None = None
    related: list[dict[str, Any]] = Field(default=[], description="같은 결함이 보이는 다른 문서의 행: [{doc, lines}]")


class UploadedDocument(BaseModel):
    name: str = Field(description="문서 이름 (올린 파일의 이름; 같은 지자체의 같은 이름 문서는 저장하면 바뀜)")
    municipality: str
    family: str = Field(description="settlement_report, work_plan, unknown")
    year: int | None
    title: str | None
    format: str = Field(description="내용으로 알아낸 형식: text, pdf, hwpx, hwp")
    encoding: str | None = Field(description="텍스트 파일의 인코딩 (utf-8, utf-16, cp949)")
    size: int = Field(description="바이트")
    sha256: str = Field(description="올린 파일의 SHA-256")
    text_sha256: str = Field(description="읽은 텍스트의 SHA-256 (저장되는 문서의 sha256)")
    line_count: int
    coverage: dict[str, Any] | None = Field(description="숫자가 어디로 읽혔는지 (typed, generic, nowhere …)")
    coverage_line: str | None = Field(description="sijeong ingest가 출력하는 것과 같은 한 줄")


class Scope(BaseModel):
    documents: list[str] = Field(description="함께 검증한, 이미 저장된 문서")
    findings: int = Field(description="범위 전체의 규칙 검증 결과 수")
    whole_municipality: bool = Field(description="범위가 지자체의 모든 연도인지 (연도 없는 문서가 있을 때)")


class UploadPreview(BaseModel):
    upload_id: str | None = Field(description="확인·취소에 쓸 id (읽기 오류가 있으면 null: 저장할 수 없음)")
    expires_at: str | None = Field(description="이때(UTC)까지 확인하지 않으면 올린 파일은 지워짐")
    confirmable: bool
    reason: str | None = Field(description="저장할 수 없는 이유")
    document: UploadedDocument
    read_findings: list[Finding] = Field(description="읽으면서 찾은 것")
    findings: list[Finding] = Field(description="이 문서에 대한 규칙 검증 결과 (범위의 저장된 문서와 함께, 메모리에서)")
    scope: Scope
    replaces: bool = Field(description="같은 이름의 저장된 문서가 바뀌는지")


class Confirmed(BaseModel):
    name: str
    municipality: str
    year: int | None
    url: str = Field(description="문서 페이지")
    findings: int = Field(description="저장 뒤 다시 검증한 범위의 규칙 검증 결과 수")


class Discarded(BaseModel):
    discarded: bool


TEXT = {400: "업로드가 끊김", 401: "로그인 필요", 403: "권한 없음 (역할, CSRF, 다른 계정의 업로드)",
        404: "업로드가 없음 (기한 지남, 취소됨)", 409: "이미 저장한 업로드", 413: "파일이 너무 큼",
        415: "읽는 형식이 아님 (내용으로 판단)", 422: "잘못된 요청, 읽을 수 없는 파일(스캔 PDF 등), 읽기 오류"}


def _errors(*codes: int) -> dict:
    return {c: {"model": Error, "description": TEXT[c]} for c in codes}


MULTIPART = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "문서 파일: 텍스트(UTF-8·UTF-16·CP949), HWPX, HWP 5.0, 텍스트 층이 있는 PDF"},
        "municipality": {"type": "string", "description": "지방자치단체 (기본: 계정의 지자체 또는 기본 지자체)"},
        "csrf_token": {"type": "string", "description": "쿠키 세션이면 CSRF 토큰 (또는 X-CSRF-Token 헤더)"},
    }}}}}}


def _raise(e: uploads.UploadError):
    raise HTTPException(e.status, e.message) from None


@router.post("", response_model=UploadPreview, status_code=201, summary="문서 올리기: 읽고 미리 보기 (저장 안 함)",
             openapi_extra=MULTIPART, responses=_errors(400, 401, 403, 413, 415, 422))
async def upload(request: Request, actor: Uploader) -> dict:
    """Reads the file (its format from its content), checks it with the stored documents of
    its municipality-year in memory and keeps it for confirmation; nothing is stored."""
    settings = request.app.state.settings
    try:
        got = await uploads.receive(request, settings.upload_max_bytes)
        default, _ = await _with_conn(request, _defaults, actor, settings.municipality)
        municipality = uploads.municipality_of(got.fields.get("municipality"), default)
        if not got.name:
            raise uploads.UploadError("file 필드에 이름이 있는 파일이 필요합니다 / a file (with a name) is required")
        # read (a PDF takes seconds) before taking a connection, then check with the stored documents
        was_read = await run_in_threadpool(uploads.read, got.data, got.name, municipality)
        preview = await _with_conn(request, uploads.preview, got.data, got.name, municipality, was_read=was_read)
    except uploads.UploadError as e:
        _raise(e)
    if preview.confirmable:
        preview.upload = await run_in_threadpool(uploads.staging_of(request).put, actor, preview.municipality,
                                                 preview.name, got.data)
    return preview.as_json()


@router.post("/{upload_id}/confirm", response_model=Confirmed, summary="올린 문서 저장",
             responses=_errors(401, 403, 404, 409, 422))
async def confirm(upload_id: str, request: Request, actor: auth.ActorDep) -> Confirmed:
    """Reads the staged file again and stores it through the write path (the document, its
    audit row, the scope re-checked); only the account that uploaded it."""
    allowed_or_403(actor)
    try:
        async with request.app.state.connection_slots.held():
            stored = await run_in_threadpool(uploads.confirm, request.app.state.engine, uploads.staging_of(request),
                                             upload_id, actor)
    except uploads.UploadError as e:
        _raise(e)
    except operations.Refused:
        raise HTTPException(403, NOT_ALLOWED) from None
    from urllib.parse import quote

    return Confirmed(name=stored.name, municipality=stored.municipality, year=stored.year,
                     url=f"/documents/{quote(stored.name, safe='')}?municipality={quote(stored.municipality, safe='')}",
                     findings=stored.findings)


@router.delete("/{upload_id}", response_model=Discarded, summary="올린 문서 버리기",
               responses=_errors(401, 403, 404, 409))
async def discard(upload_id: str, request: Request, actor: auth.ActorDep) -> Discarded:
    allowed_or_403(actor)
    try:
        await run_in_threadpool(uploads.staging_of(request).discard, upload_id, actor)
    except uploads.UploadError as e:
        _raise(e)
    return Discarded(discarded=True)

