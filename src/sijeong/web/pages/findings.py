"""검증 결과 as a work list: open (unmarked) findings first, then by severity; filters by
mark status, rule family and severity; the reader's information findings kept apart (off by
default). Each finding links to the document view with its lines marked, shows its mark, and
— for someone who may mark it — a small form (확인 / 조치 완료 / 오탐 with a note)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ... import operations
from ...operations import Actor
from ...rules import RULES
from ...store import views
from ..auth import current_actor, require_actor
from ..deps import TEXT_PATTERN, ConnDep, IdPath, PagingDep, ScopeDep
from ..render import pager, respond
from ..serialize import envelope, finding, jsonable

router = APIRouter(include_in_schema=False)

#: the work list's status filter (default 전체: every finding, the open ones first)
STATUS_LABELS = {"all": "전체", "open": "열린 것", **views.MARK_STATUSES}
#: the reader's information findings ("어느 열에도 맞지 않는 값 0" …): hidden by default
READING_LABELS = {"hide": "숨김", "show": "함께 보기", "only": "읽기 정보만"}
#: rule families in Korean (a family is the part of a rule id before the first dot)
FAMILY_LABELS = {
    "read": "문서 읽기", "link": "문서 간 연결", "perf": "성과보고서 읽기",
    "indicator": "성과지표", "summary": "총괄", "policy_goal": "정책사업목표", "revenue": "세입",
    "program": "세출 사업", "settlement": "결산현황", "staffing": "인력현황", "cross": "표 간 대조",
    "table": "표", "split": "재원 구분", "text": "본문", "plan": "주요업무계획",
}
StatusQ = Annotated[str, Query(pattern="^(" + "|".join(STATUS_LABELS) + ")?$", description="표시 상태")]
ReadingQ = Annotated[str, Query(pattern="^(" + "|".join(views.READING_FILTERS) + ")?$",
                                description="읽기 정보(origin read, 정보): hide / show / only")]
SeverityQ = Annotated[str | None, Query(pattern="^(error|warning|info)?$")]
RuleQ = Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN)]
MaybeActor = Annotated[Actor | None, Depends(current_actor)]


def rule_name(rule_id: str) -> str:
    """The rule's Korean name; a reader's finding (not a registered rule) its family's."""
    r = RULES.get(rule_id)
    if r is not None:
        return r.name
    return FAMILY_LABELS.get(family_of(rule_id), rule_id)


def family_of(rule_id: str) -> str:
    return rule_id.split(".", 1)[0]


def list_findings(conn, scope, severity: str | None, rule: str | None, limit: int, offset: int, *,
                  status: str | None = None, reading: str = "show", order: str = "document"):
    return views.finding_page(conn, municipality=scope.municipality, year=scope.year, department=scope.department,
                              severity=severity, rule=rule, status=status, reading=reading, order=order,
                              limit=limit, offset=offset)


def csrf_token(request: Request) -> str | None:
    """The session's CSRF token for the forms (set by the auth middleware), or None."""
    return getattr(getattr(request.state, "auth", None), "csrf_token", None)


def may_mark(actor: Actor | None, row: dict[str, Any]) -> bool:
    return actor is not None and operations.allowed(actor, "finding.mark", row.get("department"))


def item(row: dict[str, Any]) -> dict[str, Any]:
    """A finding in the export's shape plus its id, its ``mark`` and its rule's Korean name."""
    out = finding(row)
    out["rule_name"] = rule_name(row["rule"])
    return out


def _docs(rows: list[dict[str, Any]]) -> list[str]:
    """The documents the findings name: each one's own and those of its ``related`` lines."""
    return [d for r in rows for d in [r.get("doc")] + [x["doc"] for x in r.get("related") or []]]


def _families(rules: dict[str, int]) -> list[tuple[str, str, int]]:
    """(family, Korean label, count) of the rules found, by family id."""
    counts: dict[str, int] = {}
    for rule_id, n in rules.items():
        counts[family_of(rule_id)] = counts.get(family_of(rule_id), 0) + n
    return [(fam, FAMILY_LABELS.get(fam, fam), n) for fam, n in sorted(counts.items())]


@router.get("/findings")
@router.get("/findings.json")
def findings_page(request: Request, conn: ConnDep, scope: ScopeDep, paging: PagingDep, actor: MaybeActor,
                  severity: SeverityQ = None, rule: RuleQ = None, status: StatusQ = "all", reading: ReadingQ = "hide"):
    status = status or "all"
    reading = reading or "hide"
    rows, total = list_findings(conn, scope, severity, rule, paging.limit, paging.offset, status=status,
                                reading=reading, order="work")
    m = scope.municipality
    counts = views.finding_counts(conn, m, scope.year)
    tallies = views.finding_tallies(conn, m, scope.year, scope.department)
    ctx = {"title": "검증 결과", "section": "findings", "rows": rows, "pager": pager(total, paging.limit, paging.offset),
           "severity": severity, "rule": rule or "", "status": status, "reading": reading, "counts": counts,
           "tallies": tallies, "families": _families(tallies["rules"]), "STATUS_LABELS": STATUS_LABELS,
           "MARK_LABELS": views.MARK_STATUSES, "READING_LABELS": READING_LABELS, "rule_name": rule_name,
           "can_mark": {r["id"] for r in rows if may_mark(actor, r)}, "csrf_token": csrf_token(request),
           "years": views.years(conn, m), "departments": views.departments(conn, m, scope.year),
           "year": scope.year, "department": scope.department,
           "doc_titles": views.document_titles(conn, _docs(rows), m),
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "검증 결과")]}
    return respond(request, "findings.html", ctx, jsonable(envelope([item(r) for r in rows], total, paging.limit,
                                                                     paging.offset)))


@router.get("/findings/{finding_id}")
@router.get("/findings/{finding_id}.json")
def finding_page(finding_id: IdPath, request: Request, conn: ConnDep, actor: MaybeActor):
    row = views.finding_with_mark(conn, finding_id)
    if row is None:
        raise HTTPException(404, f"검증 결과를 찾을 수 없습니다 (다시 검증하면 번호가 바뀝니다): {finding_id}")
    ctx = {"title": f"검증 결과 {finding_id}", "section": "findings", "f": row, "rule_name": rule_name,
           "MARK_LABELS": views.MARK_STATUSES, "can_mark": {row["id"]} if may_mark(actor, row) else set(),
           "csrf_token": csrf_token(request),
           "doc_titles": views.document_titles(conn, _docs([row]), row.get("municipality")),
           "breadcrumbs": [("/dashboard", "대시보드"), ("/findings", "검증 결과"), (None, rule_name(row["rule"]))]}
    return respond(request, "finding.html", ctx, jsonable(item(row)))


# --- marking ---------------------------------------------------------------------------------


async def mark(request: Request, actor: Actor, finding_id: int, status: Any, note: Any, version: Any) -> dict:
    """operations.mark_finding in a worker thread (holding one of the app's connection slots),
    its refusals as HTTP errors: 403, 404, 409 (``current``: the newer mark), 422."""
    if not isinstance(status, str) or not isinstance(note, (str, type(None))):
        raise HTTPException(422, "status와 note는 문자열이어야 합니다 / status and note must be strings")
    if version in ("", None):
        version = None
    elif isinstance(version, bool) or not (isinstance(version, int) or (isinstance(version, str) and version.isdigit())):
        raise HTTPException(422, "version은 정수여야 합니다 / version must be an integer")
    else:
        version = int(version)
    state = request.app.state
    try:
        async with state.connection_slots.held():
            return await run_in_threadpool(operations.mark_finding, state.engine, actor, finding_id=finding_id,
                                           status=status, note=note, version=version)
    except operations.Refused as e:
        raise HTTPException(403, str(e)) from None
    except operations.Invalid as e:
        raise HTTPException(422, str(e)) from None
    except LookupError as e:
        raise HTTPException(404, str(e.args[0]) if e.args else "찾을 수 없습니다") from None
    except operations.Stale as e:
        raise StaleMark(e.current) from None


class StaleMark(HTTPException):
    """409 with the mark as it stands now."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        now = "표시 없음" if not current else (
            f"{views.MARK_STATUSES.get(current['status'], current['status'])}"
            f" ({current['marked_by']}, 버전 {current['version']})" + (f": {current['note']}" if current.get("note") else ""))
        super().__init__(409, f"다른 사용자가 먼저 표시를 바꾸었습니다. 지금 표시: {now} / "
                              "the mark was changed by someone else since read")
        self.current = current


def _back(target: Any, finding_id: int) -> str:
    """Where the form sends the browser back to: a path of this site, else the finding's page."""
    if isinstance(target, str):
        parts = urlsplit(target)
        if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc \
                and "\\" not in target:
            return f"{target.split('#', 1)[0]}#f-{finding_id}"
    return f"/findings/{finding_id}"


@router.post("/findings/{finding_id}/mark")
async def mark_form(finding_id: IdPath, request: Request, actor: Annotated[Actor, Depends(require_actor)]):
    """The page's form: mark, then back to the list (303)."""
    form = await request.form()
    await mark(request, actor, finding_id, form.get("status"), form.get("note"), form.get("version"))
    return RedirectResponse(_back(form.get("next"), finding_id), status_code=303)
