"""``/api/v1/participation``: 주민참여예산 — calls, proposals with their stage decisions and
budget path (제안 → 선정 → 예산 반영 → 집행(결산)), ballots and their tally, the summary by kind
as 000 prints it; the staff's writes (``pb.call`` / ``pb.review`` / ``pb.ballot`` /
``pb.committee`` / ``pb.budget``: a staff login, 401/403 as elsewhere) and the residents'
(``pb.propose`` / ``pb.vote``: the resident's cookie ``sijeong_resident`` with its
``X-CSRF-Token``, from ``POST /residents/verify``).

Reads are public; a proposal's proposer is never shown, nor a resident's contact; the audit
trail only to a signed-in staff account. Money is integer won; ``*_thousand`` fields are
천원 as the documents print them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ... import participation
from ...model.participation import DECISIONS, KINDS, STAGES, thousand_won
from ...store import views
from .. import auth, residents
from ..deps import ConnDep, IdPath, MunicipalityParam, default_municipality
from ..serialize import jsonable
from .pledges import call
from .schemas import Error

router = APIRouter(prefix="/participation", tags=["participation"])

STATUS_LABELS = {"open": "진행 중", "rejected": "탈락", "selected": "선정"}
_TEXT = dict(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")


def _errors(*codes: int) -> dict:
    text = {400: "JSON으로 읽을 수 없는 본문", 401: "로그인 필요 (담당자 또는 등록 주민)", 403: "권한 없음 또는 CSRF 토큰 없음", 404: "없음",
            409: "다른 사용자가 먼저 고침 (version이 다름)", 422: "잘못된 요청 값 또는 단계가 맞지 않음"}
    return {c: {"model": Error, "description": text[c]} for c in codes}


# --- shaping -----------------------------------------------------------------------------------


def public_call(c: dict[str, Any]) -> dict[str, Any]:
    out = {k: c.get(k) for k in ("id", "municipality", "year", "title", "envelope", "schedule", "version")}
    out["envelope_thousand"] = thousand_won(c.get("envelope"))
    env = c.get("envelope") or 0
    out["envelope_eok"] = env // 100_000_000 if env and env % 100_000_000 == 0 else None  # 50억원 as 000 prints it
    out["schedule"] = [dict(s, label=STAGES.get(s["stage"], s["stage"])) for s in (c.get("schedule") or [])]
    return jsonable(out)


def public_proposal(p: dict[str, Any]) -> dict[str, Any]:
    """A proposal as everybody sees it: no proposer."""
    out = {k: p.get(k) for k in ("id", "call_id", "municipality", "year", "number", "title", "description", "kind",
                                 "dong", "requested_amount", "stage", "status", "approved_amount", "budget_year",
                                 "budget_department", "budget_program", "budget_code", "created_at", "changed_at",
                                 "version")}
    out["kind_label"] = KINDS.get(p["kind"], p["kind"])
    out["stage_label"] = STAGES.get(p["stage"], p["stage"])
    out["status_label"] = STATUS_LABELS.get(p["status"], p["status"])
    out["requested_thousand"] = thousand_won(p.get("requested_amount"))
    out["approved_thousand"] = thousand_won(p.get("approved_amount"))
    return jsonable(out)


def detail(conn, proposal_id: int, *, internal: bool, resident_id: int | None = None) -> dict[str, Any] | None:
    """One proposal with its decisions (stage, 통과/탈락, reason), site notes, the budget lines
    it resolved to and its path; the audit trail with ``internal``."""
    p = views.pb_proposal(conn, proposal_id)
    if p is None:
        return None
    out = public_proposal(p)
    out["mine"] = resident_id is not None and p.get("resident_id") == resident_id
    out["decisions"] = jsonable([{"stage": d["stage"], "stage_label": STAGES.get(d["stage"], d["stage"]),
                                  "decision": d["decision"], "decision_label": DECISIONS.get(d["decision"]),
                                  "reason": d["reason"], "decided_at": d["decided_at"]}
                                 for d in views.pb_decisions(conn, proposal_id)])
    out["site_notes"] = jsonable([{"visited_on": n["visited_on"], "note": n["note"]}
                                  for n in views.pb_site_notes(conn, proposal_id)])
    lines = []
    if p.get("budget_program") and p.get("budget_year"):
        lines = views.pb_budget_lines(conn, municipality=p["municipality"], year=p["budget_year"],
                                program=p["budget_program"], department=p.get("budget_department"))
    out["budget_lines"] = jsonable([dict(x, rate=(round(x["spent"] * 100 / x["current_budget"], 1)
                                                  if x.get("spent") is not None and x.get("current_budget") else None))
                                    for x in lines])
    out["path"] = participation.path_of(p, lines)
    c = views.pb_call(conn, p["call_id"])
    out["call"] = public_call(c) if c else None
    if internal:
        out["audit"] = jsonable([{k: a[k] for k in ("at", "actor", "role", "via", "operation", "entity", "entity_id",
                                                    "field", "old_value", "new_value", "note")}
                                 for a in views.pb_proposal_audit(conn, proposal_id)])
    return out


def summary_of(conn, c: dict[str, Any]) -> dict[str, Any]:
    """000's table: per kind 건수 (selected projects) and 반영액 (천원), with the totals and the envelope."""
    s = views.pb_summary(conn, c["id"])
    for k in s["kinds"]:
        k["approved_thousand"] = thousand_won(k["approved_amount"])
        k["requested_thousand"] = thousand_won(k["requested_amount"])
    s["approved_thousand"] = thousand_won(s["approved_amount"])
    s["requested_thousand"] = thousand_won(s["requested_amount"])
    s["envelope"] = c["envelope"]
    s["envelope_thousand"] = thousand_won(c["envelope"])
    return s


def ballot_of(conn, b: dict[str, Any]) -> dict[str, Any]:
    out = jsonable({k: b[k] for k in ("id", "call_id", "municipality", "year", "title", "choices", "status", "version")})
    out["tally"] = views.pb_tally(conn, b["id"])
    out["voters_online"] = views.pb_voters(conn, b["id"])
    out["candidates"] = [public_proposal(p) for p in views.pb_proposals(conn, b["call_id"], stage="vote")
                         if p["status"] == "open"]
    return out


def _call_of(request: Request, conn, municipality: str | None, year: int | None) -> dict[str, Any] | None:
    m = municipality or default_municipality(request, conn)
    if year is not None:
        return views.pb_call_of_year(conn, m, year)
    found = views.pb_calls(conn, m, limit=1)
    return found[0] if found else None


# --- bodies ------------------------------------------------------------------------------------


class StageDates(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stage: str = Field(description="단계: " + ", ".join(f"{c} ({lb})" for c, lb in STAGES.items()))
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    municipality: str = Field(min_length=1, max_length=100, **_TEXT)
    year: int = Field(ge=2000, le=2100, description="공모 연도 (다음 해 본예산에 반영)")
    title: str = Field(min_length=1, max_length=200, **_TEXT)
    envelope: int = Field(ge=0, le=10**13, description="기준액 (원)")
    schedule: list[StageDates] = Field(default=[], max_length=20)


class CallChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, le=2**31, description="읽은 때의 version (다르면 409)")
    envelope: int | None = Field(default=None, ge=0, le=10**13, description="기준액 (원)")
    schedule: list[StageDates] | None = Field(default=None, max_length=20)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stage: str = Field(description="지금 단계 (eligibility, subcommittee, refinement, vote, committee)")
    decision: str = Field(pattern="^(pass|fail)$", description="pass (통과) 또는 fail (탈락)")
    reason: str = Field(min_length=1, max_length=2000, description="사유 (공개)")
    approved_amount: int | None = Field(default=None, ge=0, le=10**13, description="위원회 통과 때 반영액 (원)")


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    visited_on: dt.date
    note: str = Field(min_length=1, max_length=5000)


class BudgetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2000, le=2100, description="반영된 예산 연도")
    program: str = Field(min_length=1, max_length=300, description="사업명 (사업별조서의 이름)", **_TEXT)
    department: str | None = Field(default=None, max_length=200, description="부서", **_TEXT)
    code: str | None = Field(default=None, max_length=50, description="사업 코드 (있으면)")


class BallotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    call_id: int = Field(ge=1, le=2**62)
    title: str = Field(min_length=1, max_length=200, **_TEXT)
    choices: int = Field(default=1, ge=1, le=50, description="한 주민이 고르는 수")


class OfflineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    proposal_id: int = Field(ge=1, le=2**62)
    place: str = Field(min_length=1, max_length=100, description="투표소", **_TEXT)
    votes: int = Field(ge=0, le=10_000_000)
    version: int | None = Field(default=None, ge=1, le=2**31, description="같은 투표소 집계를 고칠 때")


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, le=2**31)


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    municipality: str = Field(min_length=1, max_length=100, **_TEXT)
    name: str = Field(min_length=1, max_length=100, **_TEXT)
    contact: str = Field(min_length=3, max_length=200, description="휴대전화 번호 또는 전자우편", **_TEXT)
    dong: str | None = Field(default=None, max_length=50, **_TEXT)


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    municipality: str = Field(min_length=1, max_length=100, **_TEXT)
    contact: str = Field(min_length=3, max_length=200, **_TEXT)
    code: str = Field(pattern="^[0-9]{4,10}$")


class ProposalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    call_id: int = Field(ge=1, le=2**62)
    title: str = Field(min_length=1, max_length=200, **_TEXT)
    description: str = Field(min_length=1, max_length=5000)
    kind: str = Field(max_length=30, description=", ".join(f"{c} ({lb})" for c, lb in KINDS.items()))
    dong: str | None = Field(default=None, max_length=50, **_TEXT)
    requested_amount: int = Field(ge=0, le=10**13, description="요청 금액 (원)")


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    proposal_ids: list[int] = Field(min_length=1, max_length=50)


# --- reads -------------------------------------------------------------------------------------


@router.get("/calls", response_model=dict[str, Any], summary="주민참여예산 공모 (연도별, 기준액·일정)")
def list_calls(request: Request, conn: ConnDep, municipality: MunicipalityParam = None) -> dict[str, Any]:
    m = municipality or default_municipality(request, conn)
    return {"municipality": m, "items": [public_call(c) for c in views.pb_calls(conn, m)]}


@router.get("/calls/{call_id}", response_model=dict[str, Any], summary="공모 하나: 종류별 건수·반영액(천원), 제안 목록",
            responses=_errors(404, 422))
def get_call(call_id: IdPath, conn: ConnDep) -> dict[str, Any]:
    c = views.pb_call(conn, call_id)
    if c is None:
        raise HTTPException(404, f"공모를 찾지 못했습니다 / no such call: {call_id}")
    return {**public_call(c), "summary": summary_of(conn, c),
            "proposals": [public_proposal(p) for p in views.pb_proposals(conn, call_id)],
            "ballots": [ballot_of(conn, b) for b in views.pb_ballots(conn, call_id)]}


@router.get("/proposals/{proposal_id}", response_model=dict[str, Any],
            summary="제안 하나: 단계별 결정과 사유, 현장실사, 제안 → 선정 → 예산 반영 → 집행(결산)", responses=_errors(404, 422))
def get_proposal(proposal_id: IdPath, request: Request, response: Response, conn: ConnDep) -> dict[str, Any]:
    me = residents.resident_on(request, conn)
    residents.no_store(response, request)  # "mine" names the resident
    out = detail(conn, proposal_id, internal=auth.authenticated(request) is not None,
                 resident_id=me.resident_id if me else None)
    if out is None:
        raise HTTPException(404, f"제안을 찾지 못했습니다 / no such proposal: {proposal_id}")
    return out


@router.get("/ballots/{ballot_id}", response_model=dict[str, Any], summary="주민투표: 후보와 집계 (온라인·오프라인)",
            responses=_errors(404, 422))
def get_ballot(ballot_id: IdPath, conn: ConnDep) -> dict[str, Any]:
    b = views.pb_ballot(conn, ballot_id)
    if b is None:
        raise HTTPException(404, f"투표를 찾지 못했습니다 / no such ballot: {ballot_id}")
    return ballot_of(conn, b)


# --- the staff's writes ------------------------------------------------------------------------


@router.post("/calls", status_code=201, response_model=dict[str, Any], summary="공모 열기 (performance)",
             responses=_errors(400, 401, 403, 422))
async def add_call(body: CallIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    values = body.model_dump()
    values["schedule"] = [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in s.items()}
                          for s in values["schedule"]]
    return public_call(await call(request, participation.open_call, actor, **values))


@router.patch("/calls/{call_id}", response_model=dict[str, Any], summary="공모의 기준액·일정 바꾸기 (performance)",
              responses=_errors(400, 401, 403, 404, 409, 422))
async def change_call(call_id: IdPath, body: CallChange, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    schedule = None
    if body.schedule is not None:
        schedule = [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in x.model_dump().items()}
                    for x in body.schedule]
    return public_call(await call(request, participation.set_schedule, actor, call_id=call_id, version=body.version,
                                  envelope=body.envelope, schedule=schedule))


@router.post("/proposals/{proposal_id}/decisions", status_code=201, response_model=dict[str, Any],
             summary="단계 결정과 사유 (performance; 위원회는 반영액)", responses=_errors(400, 401, 403, 404, 422))
async def decide(proposal_id: IdPath, body: DecisionIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    return public_proposal(await call(request, participation.decide, actor, proposal_id=proposal_id,
                                      **body.model_dump()))


@router.post("/proposals/{proposal_id}/site-notes", status_code=201, response_model=dict[str, Any],
             summary="현장실사 기록 (performance)", responses=_errors(400, 401, 403, 404, 422))
async def site_note(proposal_id: IdPath, body: NoteIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    return jsonable(await call(request, participation.add_site_note, actor, proposal_id=proposal_id,
                               **body.model_dump()))


@router.post("/proposals/{proposal_id}/budget", response_model=dict[str, Any],
             summary="예산 반영 사업 연결 (performance)", responses=_errors(400, 401, 403, 404, 422))
async def budget(proposal_id: IdPath, body: BudgetIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    return public_proposal(await call(request, participation.link_budget, actor, proposal_id=proposal_id,
                                      **body.model_dump()))


@router.post("/ballots", status_code=201, response_model=dict[str, Any], summary="주민투표 열기 (performance)",
             responses=_errors(400, 401, 403, 404, 422))
async def add_ballot(body: BallotIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    return jsonable(await call(request, participation.open_ballot, actor, **body.model_dump()))


@router.post("/ballots/{ballot_id}/offline", response_model=dict[str, Any],
             summary="오프라인 투표 집계 입력 (performance)", responses=_errors(400, 401, 403, 404, 409, 422))
async def offline(ballot_id: IdPath, body: OfflineIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    return jsonable(await call(request, participation.enter_offline, actor, ballot_id=ballot_id, **body.model_dump()))


@router.post("/ballots/{ballot_id}/close", response_model=dict[str, Any], summary="주민투표 마감 (performance)",
             responses=_errors(400, 401, 403, 404, 409, 422))
async def close(ballot_id: IdPath, body: CloseIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    return jsonable(await call(request, participation.close_ballot, actor, ballot_id=ballot_id, version=body.version))


class PaperProposalIn(ProposalIn):
    pass


@router.post("/paper-proposals", status_code=201, response_model=dict[str, Any],
             summary="종이로 받은 제안 입력 (performance; 제안자 없음)", responses=_errors(400, 401, 403, 404, 422))
async def paper_proposal(body: PaperProposalIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    return public_proposal(await call(request, participation.propose, actor, **body.model_dump()))


# --- the residents' --------------------------------------------------------------------------


def _resident(found: participation.ResidentAuth | None) -> participation.ResidentAuth:
    if found is None:
        raise HTTPException(401, "주민 등록(확인 코드)이 필요합니다 / resident sign-in required")
    return found


@router.post("/residents/code", status_code=202, response_model=dict[str, Any],
             summary="주민 등록·확인 코드 받기", responses=_errors(400, 422))
async def request_code(body: CodeIn, request: Request) -> dict[str, Any]:
    d = await call(request, participation.request_code, **body.model_dump(), via="api")
    out = {"message": d.message}
    if d.shown:
        out["code"] = d.shown  # the ``show`` sender only (trials)
    return out


@router.post("/residents/verify", response_model=dict[str, Any],
             summary="확인 코드로 주민 로그인 (쿠키 sijeong_resident, csrf_token)", responses=_errors(400, 422))
async def verify(body: VerifyIn, request: Request):
    s = await call(request, participation.verify_code, **body.model_dump(), via="api")
    response = JSONResponse({"resident_id": s.resident_id, "csrf_token": s.csrf_token,
                             "expires_at": s.expires_at.isoformat()})
    residents.set_resident_cookie(response, request, s)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/proposals", status_code=201, response_model=dict[str, Any], summary="주민 제안 (등록 주민)",
             responses=_errors(400, 401, 403, 404, 422))
async def propose(body: ProposalIn, request: Request, found: residents.ResidentDep) -> dict[str, Any]:
    me = _resident(found)
    row = await call(request, participation.propose, me.actor("api"), resident_id=me.resident_id, **body.model_dump())
    return public_proposal(row)


@router.post("/ballots/{ballot_id}/votes", status_code=201, response_model=dict[str, Any],
             summary="주민투표 (등록 주민, 투표마다 한 번)", responses=_errors(400, 401, 403, 404, 422))
async def vote(ballot_id: IdPath, body: VoteIn, request: Request, found: residents.ResidentDep) -> dict[str, Any]:
    me = _resident(found)
    rows = await call(request, participation.vote, me.actor("api"), ballot_id=ballot_id,
                      proposal_ids=body.proposal_ids)
    return {"ballot_id": ballot_id, "choices": [{"proposal_id": r["proposal_id"], "choice": r["choice"]} for r in rows]}
