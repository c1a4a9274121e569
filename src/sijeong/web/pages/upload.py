"""문서 올리기: ``/upload`` — the performance team (and the administrator) upload a document
(text, HWPX, HWP, PDF), see what was read and what the rules find before anything is stored,
then confirm (``/upload/{id}/confirm``) or discard (``/upload/{id}/discard``) it.
See :mod:`sijeong.web.uploads` for the checks; no script (the CSP's ``default-src 'none'``).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ... import operations
from ...store import views
from .. import auth, formatting, uploads
from ..auth import ActorDep

router = APIRouter(include_in_schema=False)

NOT_ALLOWED = ("문서 올리기는 성과관리팀과 관리자만 할 수 있습니다 / "
               "only the performance team and administrators may upload documents")


def allowed_or_403(actor: operations.Actor) -> None:
    if not operations.allowed(actor, uploads.OPERATION):
        raise HTTPException(403, NOT_ALLOWED)


async def may_upload(request: Request) -> None:
    """Signed in (401) and of a role that loads documents (403) — decided before the body
    is read."""
    found = await auth.resolve(request)
    if found is None:
        raise auth.LoginRequired()
    allowed_or_403(found.actor)


async def require_uploader(request: Request, _: Annotated[None, Depends(may_upload)],
                           actor: auth.ActorDep) -> operations.Actor:
    """:func:`may_upload`, then :func:`auth.require_actor` (the CSRF token of a cookie
    session: the ``X-CSRF-Token`` header or the form's ``csrf_token`` field, the body read
    through :class:`uploads.BodyLimit`)."""
    return actor


Uploader = Annotated[operations.Actor, Depends(require_uploader)]


def _with_conn(request: Request, fn, *args, **kwargs):
    """``fn(conn, …)`` in a worker thread on one connection, holding one of the app's slots."""
    state = request.app.state

    def run():
        with state.engine.connect() as conn:
            return fn(conn, *args, **kwargs)

    async def go():
        async with state.connection_slots.held():
            return await run_in_threadpool(run)

    return go()


def _defaults(conn, actor: operations.Actor, fallback: str) -> tuple[str, list[str]]:
    known = views.municipalities(conn)
    mine = views.account_municipality(conn, actor.account_id)
    return mine or (fallback if fallback in known or not known else known[0]), known


def _render(request: Request, template: str, ctx: dict[str, Any], status: int = 200):
    state = request.app.state
    unit = getattr(request.state, "unit", formatting.DEFAULT_UNIT)
    found = auth.authenticated(request)
    full = {"unit": unit, "unit_label": formatting.unit_label(unit), "json_href": "/openapi.json",
            "municipality": ctx.get("municipality_default") or state.settings.municipality,
            "section": "upload", "csrf_token": found.csrf_token if found else "",
            "max_mb": f"{state.settings.upload_max_bytes / 1024 / 1024:g}", "reads": uploads.READS,
            "accept": uploads.ACCEPT, "FORMAT_LABELS": uploads.FORMAT_LABELS,
            "FAMILY_LABELS": uploads.FAMILY_LABELS, **ctx}
    return state.templates.TemplateResponse(request, template, full, status_code=status)


async def _form(request: Request, actor: operations.Actor, *, status: int = 200, error: str | None = None,
                message: str | None = None, chosen: str | None = None):
    default, known = await _with_conn(request, _defaults, actor, request.app.state.settings.municipality)
    return _render(request, "upload.html", {
        "title": "문서 올리기", "error": error, "message": message, "municipalities": known,
        "municipality_default": chosen or default,
        "breadcrumbs": [("/dashboard", "대시보드"), (None, "문서 올리기")]}, status)


@router.get("/upload")
async def upload_page(request: Request, actor: ActorDep, done: str | None = None):
    allowed_or_403(actor)
    message = "올린 파일을 버렸습니다. 아무것도 저장하지 않았습니다 / discarded: nothing stored" if done == "discarded" else None
    return await _form(request, actor, message=message)


@router.post("/upload")
async def upload_submit(request: Request, actor: Uploader):
    """Read the file (the role is checked before the body is read), stage it and show the preview."""
    settings = request.app.state.settings
    chosen = None
    try:
        got = await uploads.receive(request, settings.upload_max_bytes)
        default, _ = await _with_conn(request, _defaults, actor, settings.municipality)
        chosen = uploads.municipality_of(got.fields.get("municipality"), default)
        if got.name is None or (not got.name and not got.data):
            raise uploads.UploadError(f"파일을 고르십시오. {uploads.READS} / choose a file")
        if not got.name:
            raise uploads.UploadError("파일 이름이 없습니다 / the file has no name")
        # read (a PDF takes seconds) before taking a connection, then check with the stored documents
        was_read = await run_in_threadpool(uploads.read, got.data, got.name, chosen)
        preview = await _with_conn(request, uploads.preview, got.data, got.name, chosen, was_read=was_read)
    except uploads.UploadError as e:
        return await _form(request, actor, status=e.status, error=e.message, chosen=chosen)
    if preview.confirmable:
        staging = uploads.staging_of(request)
        preview.upload = await run_in_threadpool(staging.put, actor, preview.municipality, preview.name, got.data)
    return _render(request, "upload_preview.html", {
        "title": f"올린 문서 확인: {preview.name}", "p": preview, "doc": preview.document,
        "municipality_default": preview.municipality,
        "breadcrumbs": [("/dashboard", "대시보드"), ("/upload", "문서 올리기"), (None, "확인")]})


@router.post("/upload/{upload_id}/confirm")
async def upload_confirm(upload_id: str, request: Request, actor: ActorDep):
    allowed_or_403(actor)
    staging = uploads.staging_of(request)
    try:
        async with request.app.state.connection_slots.held():
            stored = await run_in_threadpool(uploads.confirm, request.app.state.engine, staging, upload_id, actor)
    except uploads.UploadError as e:
        raise HTTPException(e.status, e.message) from None
    except operations.Refused as e:
        raise HTTPException(403, str(e)) from None
    target = f"/documents/{quote(stored.name, safe='')}?municipality={quote(stored.municipality, safe='')}&saved=1"
    return RedirectResponse(target, status_code=303)


@router.post("/upload/{upload_id}/discard")
async def upload_discard(upload_id: str, request: Request, actor: ActorDep):
    allowed_or_403(actor)
    try:
        await run_in_threadpool(uploads.staging_of(request).discard, upload_id, actor)
    except uploads.UploadError as e:
        raise HTTPException(e.status, e.message) from None
    return RedirectResponse("/upload?done=discarded", status_code=303)
