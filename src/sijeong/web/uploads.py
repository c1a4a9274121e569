"""Uploads from the browser and the API: read → preview → confirm or discard.

1. :class:`BodyLimit` counts the bytes of an upload's body as they arrive (the
   ``Content-Length`` header is never trusted; more than the limit: 413), and :func:`receive`
   takes at most one file and a few fields from it.
2. :func:`preview` reads the file like ``sijeong ingest`` reads it (``formats.decode`` by
   content, never by the name; ``pipeline.load_text``) and runs the rules over the scopes it
   would re-check — the municipality-year's stored documents (``views.upload_scope``; for a
   work plan also the reports whose results it restates) plus this one, in memory, with the
   earlier reports' indicator results that ``cross.document`` compares plans with
   (``operations.context_of``). Nothing is written to the database.
3. :class:`Staging` keeps the bytes of a readable file in a directory outside the web root
   under a random id, tied to the account that uploaded it and with an expiry, until the
   same account confirms (:func:`confirm`: read again and stored through
   ``operations.write(… "document.ingest" …)`` / ``tx.save_document``) or discards it.
   A confirmed upload leaves a small marker until it expires, so a second confirm is 409.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request

from .. import operations, pipeline
from ..formats import READ_FORMATS_EN, READ_FORMATS_KO, FormatError, decode, sniff
from ..model import Document, Finding
from ..readers import read_errors
from ..store import views

OPERATION = "document.ingest"
#: room for the multipart framing and the small fields besides the file itself
FORM_OVERHEAD = 64 * 1024
#: where a file is uploaded (the page's form and the API), see :class:`BodyLimit`
UPLOAD_PATHS = ("/upload", "/api/v1/uploads")
#: other bodies that carry a file, counted the same way (the cycle's evidence files: their own,
#: smaller limit is checked by the operation once the body is in)
UPLOAD_PATH_PATTERNS = (re.compile(r"^/api/v1/results/\d+/evidence$"), re.compile(r"^/cycle/indicators/\d+/results$"),
                        # the cycle's filled spreadsheet (the API's and the page's; cycle_sheet.MAX_BYTES checked after)
                        re.compile(r"^/api/v1/cycle/years/\d+/sheet$"), re.compile(r"^/cycle/sheet$"))
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
FORMAT_LABELS = {"text": "텍스트", "pdf": "PDF", "hwpx": "HWPX", "hwp": "HWP 5.0"}
FAMILY_LABELS = {"settlement_report": "결산·성과보고서", "work_plan": "주요업무계획", "unknown": "알 수 없음"}
ACCEPT = ".txt,.csv,.pdf,.hwp,.hwpx,text/plain,application/pdf"
READS = f"읽는 형식: {READ_FORMATS_KO} / read: {READ_FORMATS_EN}"


class UploadError(Exception):
    """A refused upload: ``status`` (HTTP) and a Korean / English ``message``."""

    status = 422

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class TooLarge(UploadError):
    status = 413


def too_large(limit: int) -> TooLarge:
    return TooLarge(f"파일이 너무 큽니다. {limit / 1024 / 1024:g} MB까지 올릴 수 있습니다. {READS} / "
                    f"the file is too large: at most {limit / 1024 / 1024:g} MB")


# --- reading the body -------------------------------------------------------------------------


@dataclasses.dataclass
class Received:
    fields: dict[str, str]
    name: str | None  # the file's name as sent (cleaned), None: no file part
    data: bytes


def clean_name(value: str | None) -> str:
    """The file name a document is known by: the last part of what the browser sent (some
    send a whole Windows path), without control characters, at most 200 characters."""
    name = (value or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    if name in (".", ".."):
        name = ""
    return name[:200]


class BodyLimit:
    """ASGI middleware: the body of an upload (``POST`` to one of ``paths``) is counted as it
    arrives; past ``limit`` plus the form's framing — or when ``Content-Length`` already says
    so — whoever is reading it (the CSRF check reading the form, or :func:`receive`) gets
    :class:`TooLargeBody` (an HTTP 413 in the app's error shape). A small ``Content-Length``
    is not believed: the bytes are counted."""

    def __init__(self, app, *, limit: int, paths: tuple[str, ...]) -> None:
        self.app, self.limit, self.paths = app, limit, paths

    def counted(self, path: str) -> bool:
        return path in self.paths or any(p.match(path) for p in UPLOAD_PATH_PATTERNS)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or not self.counted(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        limit = self.limit + FORM_OVERHEAD
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        seen = int(declared) if declared.isdigit() and int(declared) > limit else 0

        async def counted():
            nonlocal seen
            if seen > limit:
                raise TooLargeBody(self.limit)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLargeBody(self.limit)
            return message

        await self.app(scope, counted, send)


class TooLargeBody(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large(limit).message)


async def receive(request: Request, limit: int) -> Received:
    """The multipart body of ``request`` (read through :class:`BodyLimit`): its small fields,
    and the one ``file`` part's name and bytes (more than ``limit`` bytes: :class:`TooLarge`).
    A body that is not multipart/form-data is 422."""
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        raise UploadError("파일을 multipart/form-data 양식으로 보내 주십시오 / send the file as multipart/form-data")
    from starlette.datastructures import UploadFile
    from starlette.requests import ClientDisconnect

    try:
        form = await request.form(max_files=1, max_fields=8, max_part_size=64 * 1024)
    except TooLargeBody:
        raise too_large(limit) from None
    except ClientDisconnect:
        raise UploadError("업로드가 중간에 끊겼습니다 / the upload was interrupted", 400) from None
    except HTTPException as e:  # a malformed body (Starlette's 400)
        raise UploadError(f"양식을 읽을 수 없습니다 / malformed form: {e.detail}") from None
    fields: dict[str, str] = {}
    name, data = None, b""
    try:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if key != "file" or name is not None:
                    continue
                chunks, total = [], 0
                while chunk := await value.read(1024 * 1024):
                    total += len(chunk)
                    if total > limit:
                        raise too_large(limit)
                    chunks.append(chunk)
                name, data = clean_name(value.filename) or "", b"".join(chunks)
            elif isinstance(value, str):
                fields.setdefault(key, value)
    finally:
        await form.close()
    return Received(fields, name, data)


def municipality_of(value: str | None, default: str) -> str:
    m = re.sub(r"\s+", " ", value or "").strip()
    if not m:
        return default
    if len(m) > 100 or re.search(r"[\x00-\x1f\x7f]", m):
        raise UploadError("지방자치단체 이름이 올바르지 않습니다 / not a municipality name")
    return m


# --- the preview ------------------------------------------------------------------------------


@dataclasses.dataclass
class Preview:
    name: str
    municipality: str
    size: int
    sha256: str  # of the file's bytes
    format: str
    encoding: str | None
    document: Document
    read_errors: list[Finding]
    findings: list[Finding]  # the rules' findings about this document, over its scope
    scope_findings: int  # all the rules' findings of the scope (this document and the stored ones)
    scope_documents: list[str]  # the stored documents it would be checked with
    replaces: bool  # a stored document of the same name and municipality would be replaced
    whole: bool = False  # the scope is every year of the municipality (a document without a year)
    upload: "Staged | None" = None

    @property
    def confirmable(self) -> bool:
        return not self.read_errors

    @property
    def reason(self) -> str | None:
        if self.read_errors:
            return ("읽기 오류가 있어 저장할 수 없습니다. 원문을 고친 뒤 다시 올려 주십시오 / "
                    "the document has read errors and cannot be stored: fix the file and upload it again")
        return None

    def coverage_line(self) -> str | None:
        cov = self.document.coverage
        return cov.line(self.name) if cov is not None else None

    def as_json(self) -> dict[str, Any]:
        doc = self.document
        cov = doc.coverage
        return {
            "upload_id": self.upload.id if self.upload else None,
            "expires_at": self.upload.expires_at if self.upload else None,
            "confirmable": self.confirmable,
            "reason": self.reason,
            "document": {
                "name": self.name, "municipality": self.municipality, "family": doc.family, "year": doc.year,
                "title": doc.title, "format": self.format, "encoding": self.encoding, "size": self.size,
                "sha256": self.sha256, "text_sha256": doc.sha256, "line_count": doc.line_count,
                "coverage": dataclasses.asdict(cov) | {"typed_share": round(cov.typed_share, 2)} if cov else None,
                "coverage_line": self.coverage_line(),
            },
            "read_findings": [finding_json(f) for f in doc.findings],
            "findings": [finding_json(f) for f in self.findings],
            "scope": {"documents": self.scope_documents, "findings": self.scope_findings,
                      "whole_municipality": self.whole},
            "replaces": self.replaces,
        }


def finding_json(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "severity": f.severity, "doc": f.doc, "lines": list(f.lines), "message": f.message,
            "department": f.department, "subject": f.subject,
            "related": [{"doc": r["doc"], "lines": list(r["lines"])} for r in f.related]}


#: the most an HWPX package may unpack to (its entries' declared sizes, which ``zipfile``
#: holds a reader to): a small ZIP that unpacks to gigabytes is refused before it is read
MAX_UNPACKED = 512 * 1024 * 1024


def check_unpacked(data: bytes) -> None:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # decode says what is wrong with it
    if total > MAX_UNPACKED:
        raise UploadError(f"압축을 푼 크기가 너무 큽니다({total / 1024 / 1024:,.0f} MB > {MAX_UNPACKED / 1024 / 1024:,.0f} MB) / "
                          "the package unpacks to too much", 413)


def decode_upload(data: bytes, name: str):
    """``formats.decode`` with the refusals an upload answers: 415 for a file that is none of
    the formats read (its name does not matter), 422 for one of them that cannot be read
    (a scan without a text layer, a damaged file)."""
    if not data:
        raise UploadError(f"빈 파일입니다. {READS} / the file is empty")
    if sniff(data) in ("hwpx", "zip"):
        check_unpacked(data)
    try:
        return decode(data, name=name)
    except FormatError as e:
        status = 415 if sniff(data) in ("text", "zip") else 422
        if status == 415:
            return_message = (f"{name}: 읽을 수 있는 형식이 아닙니다. {READS} / not a format sijeong reads "
                              f"(detected by content, not by the file name). — {e.message}")
            raise UploadError(return_message, 415) from None
        raise UploadError(e.message, 422) from None


def read(data: bytes, name: str, municipality: str):
    """(decoded, document) as ``sijeong ingest`` reads the same file."""
    decoded = decode_upload(data, name)
    return decoded, pipeline.load_text(name, decoded.text, municipality=municipality)


def preview(conn, data: bytes, name: str, municipality: str, *, was_read=None) -> Preview:
    """Read (unless ``was_read``: what :func:`read` gave) and check in memory (``conn`` is only
    read)."""
    decoded, doc = was_read or read(data, name, municipality)
    errors = read_errors(doc)
    findings: list[Finding] = []
    scope_docs: list[Document] = []
    total = 0
    if not errors:
        scope_docs, directions = views.upload_scope(conn, municipality, doc.year, exclude=[name])
        whole = doc.year is None or any(d.year is None for d in scope_docs)
        if not whole:  # a work plan: the reports whose results it restates are re-checked with it
            # (a report: the later plans restating its results)
            more = [y for y in operations.restated_report_years(conn, municipality, doc) if y != doc.year]
            if more:
                scope_docs += views.load_documents(conn, municipality=municipality, year=more, exclude=[name], text=True)
        operations.derive([doc], directions)
        docs = scope_docs + [doc]
        every = pipeline.check(docs, context=[] if whole else operations.context_of(conn, docs))
        operations.own_findings(every, municipality, docs)
        total = len(every)
        # this document's findings: its own, and those of another naming its lines (cross.document:
        # a later plan restating a result of this report with another value)
        findings = [f for f in every if f.doc == name or any(r["doc"] == name for r in f.related)]
    return Preview(name=name, municipality=municipality, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                   format=decoded.format, encoding=decoded.encoding, document=doc, read_errors=errors,
                   findings=findings, scope_findings=total, scope_documents=[d.name for d in scope_docs],
                   replaces=views.document(conn, name, municipality) is not None,
                   whole=not errors and (doc.year is None or any(d.year is None for d in scope_docs)))


# --- staging ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Staged:
    id: str
    account_id: int | None
    login: str
    municipality: str
    name: str
    size: int
    sha256: str
    created_at: str
    expires_at: str
    confirmed: str | None = None  # the stored document's name, once confirmed

    def expired(self, now: dt.datetime | None = None) -> bool:
        return dt.datetime.fromisoformat(self.expires_at) <= (now or dt.datetime.now(dt.timezone.utc))


class NotYours(UploadError):
    status = 403


class Staging:
    """``<dir>/<id>.bin`` (the bytes), ``<id>.json`` (who, what, until when); while being
    confirmed the description is ``<id>.confirming``, afterwards ``<id>.done``. Files are
    created readable by the server's user only."""

    def __init__(self, directory: Path, hours: float) -> None:
        self.dir = Path(directory)
        self.lifetime = dt.timedelta(hours=hours)

    def _ready(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, upload_id: str, suffix: str) -> Path:
        if not ID_PATTERN.match(upload_id or ""):
            raise UploadError("업로드를 찾을 수 없습니다 / no such upload", 404)
        return self.dir / f"{upload_id}{suffix}"

    def _write(self, path: Path, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put(self, actor: operations.Actor, municipality: str, name: str, data: bytes) -> Staged:
        self._ready()
        self.sweep()
        now = dt.datetime.now(dt.timezone.utc)
        staged = Staged(id=secrets.token_urlsafe(24), account_id=actor.account_id, login=actor.login,
                        municipality=municipality, name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        created_at=now.isoformat(timespec="seconds"),
                        expires_at=(now + self.lifetime).isoformat(timespec="seconds"))
        self._write(self._path(staged.id, ".bin"), data)
        self._write(self._path(staged.id, ".json"), json.dumps(dataclasses.asdict(staged)).encode())
        return staged

    def _load(self, path: Path) -> Staged | None:
        try:
            return Staged(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def _mine(self, staged: Staged, actor: operations.Actor) -> None:
        if staged.account_id is None or staged.account_id != actor.account_id:
            raise NotYours("다른 계정이 올린 파일입니다 / this upload belongs to another account")

    def get(self, upload_id: str, actor: operations.Actor) -> Staged:
        """The staged upload (404 unknown or expired, 403 another account's, 409 confirmed)."""
        for suffix in (".json", ".confirming", ".done"):
            staged = self._load(self._path(upload_id, suffix))
            if staged is None:
                continue
            if staged.expired():
                break
            self._mine(staged, actor)
            if suffix != ".json":
                raise UploadError("이미 저장한 업로드입니다 / this upload was already confirmed", 409)
            return staged
        raise UploadError("업로드를 찾을 수 없습니다(기한이 지났거나 취소됨) / no such upload (expired or discarded)", 404)

    def claim(self, upload_id: str, actor: operations.Actor) -> tuple[Staged, bytes]:
        """Take the upload for confirming (one request only: the description is renamed)."""
        staged = self.get(upload_id, actor)
        try:
            os.rename(self._path(upload_id, ".json"), self._path(upload_id, ".confirming"))
        except FileNotFoundError:
            self.get(upload_id, actor)  # confirmed or discarded meanwhile: its answer
            raise UploadError("업로드를 찾을 수 없습니다 / no such upload", 404) from None
        try:
            data = self._path(upload_id, ".bin").read_bytes()
        except OSError:
            self._path(upload_id, ".confirming").unlink(missing_ok=True)
            raise UploadError("업로드한 파일이 없습니다 / the staged file is gone", 404) from None
        if hashlib.sha256(data).hexdigest() != staged.sha256:
            self.discard(upload_id, actor, claimed=True)
            raise UploadError("업로드한 파일이 바뀌었습니다 / the staged file changed", 409)
        return staged, data

    def release(self, staged: Staged) -> None:
        """Confirming failed: the upload may be confirmed (or discarded) again."""
        try:
            os.rename(self._path(staged.id, ".confirming"), self._path(staged.id, ".json"))
        except OSError:
            pass

    def done(self, staged: Staged, document: str) -> None:
        staged.confirmed = document
        self._write(self._path(staged.id, ".done"), json.dumps(dataclasses.asdict(staged)).encode())
        self._path(staged.id, ".bin").unlink(missing_ok=True)
        self._path(staged.id, ".confirming").unlink(missing_ok=True)

    def discard(self, upload_id: str, actor: operations.Actor, *, claimed: bool = False) -> None:
        if not claimed:
            self.get(upload_id, actor)
        for suffix in (".json", ".confirming", ".bin"):
            self._path(upload_id, suffix).unlink(missing_ok=True)

    def sweep(self) -> int:
        """Delete expired uploads (and markers); returns how many."""
        n = 0
        now = dt.datetime.now(dt.timezone.utc)
        try:
            entries = list(self.dir.iterdir())
        except OSError:
            return 0
        for p in entries:
            if p.suffix in (".json", ".done", ".confirming") and ID_PATTERN.match(p.stem):
                staged = self._load(p)
                if staged is None or staged.expired(now):
                    for suffix in (".json", ".done", ".confirming", ".bin"):
                        (self.dir / f"{p.stem}{suffix}").unlink(missing_ok=True)
                    n += 1
            elif p.name.startswith(".part-") and time.time() - p.stat().st_mtime > 3600:
                p.unlink(missing_ok=True)
        return n


def staging_of(request: Request) -> Staging:
    state = request.app.state
    if getattr(state, "staging", None) is None:
        settings = state.settings
        state.staging = Staging(settings.staging_dir, settings.upload_hours)
    return state.staging


# --- confirming -------------------------------------------------------------------------------


@dataclasses.dataclass
class Stored:
    name: str
    municipality: str
    year: int | None
    document_id: int
    findings: int


def confirm(engine, staging: Staging, upload_id: str, actor: operations.Actor) -> Stored:
    """Read the staged file again and store it through the write path (one transaction: the
    document, its audit row, the scope re-checked); the staged file is deleted after."""
    if not operations.allowed(actor, OPERATION):
        raise operations.Refused(actor, OPERATION)
    staged, data = staging.claim(upload_id, actor)
    try:
        _, doc = read(data, staged.name, staged.municipality)
        errors = read_errors(doc)
        if errors:
            raise UploadError("읽기 오류가 있어 저장할 수 없습니다 / read errors: not stored — "
                              + "; ".join(f"{f.lines[0] if f.lines else 0}행: {f.message}" for f in errors[:3]))
        with operations.write(engine, actor, OPERATION, municipality=staged.municipality) as tx:
            doc_id = tx.save_document(staged.municipality, doc, note=f"upload {staged.name}")
        stored = Stored(staged.name, staged.municipality, doc.year, doc_id, len(tx.findings))
    except BaseException:
        staging.release(staged)
        raise
    staging.done(staged, staged.name)
    return stored
