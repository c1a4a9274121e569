"""The write path: every change to stored data goes through :func:`write`.

``write(engine, actor, operation, municipality=…, department=…)`` checks that the actor's
role may do the operation (for department-bound roles: in their own department), opens one
write transaction (``BEGIN IMMEDIATE`` on SQLite), hands out a :class:`Tx` whose ``insert``
and ``update`` record who/what/when/old/new in the append-only ``audit_log``, and at the end
calls :func:`recheck` for exactly the municipality-years the change touched (storing a work
plan also touches the years of the stored reports whose results it restates, as
``cross.document`` compares them: :func:`restated_report_years`): derived values
(computed rates and grades under the users' directions) are recomputed and the rules run
again over the scope, all inside the same transaction. An exception anywhere rolls back
everything, the audit rows included.

Pages and commands never run SQL of their own for a write (``tests/core/test_architecture.py``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import getpass
import unicodedata
from typing import Any, Iterable, Iterator

from . import pipeline
from .model import Document, Finding
from .store import db, directions as user_directions, marks, repository, stamps, views, writes
from .store import pledges as pledge_store
from .store.writes import Conflict

#: the roles of issue 11, most powerful first
ROLES = ("admin", "performance", "editor", "approver", "evaluator", "viewer")
#: roles whose writes are limited to their own department
DEPARTMENT_ROLES = frozenset({"editor", "approver"})
#: a registered resident (주민참여예산, ``sijeong.participation``): not a staff account — a
#: table, codes and sessions of its own; the only role of the operations residents do
RESIDENT = "resident"
#: every role an :class:`Actor` may have: the staff's and the resident's
ACTOR_ROLES = (*ROLES, RESIDENT)


@dataclasses.dataclass(frozen=True)
class Operation:
    name: str
    label: str
    roles: frozenset[str]


def _op(name: str, label: str, *roles: str) -> Operation:
    return Operation(name, label, frozenset(roles))


#: every write operation and the roles that may do it (``docs/security.md`` prints this table)
OPERATIONS: dict[str, Operation] = {o.name: o for o in (
    _op("document.ingest", "문서 적재 / load documents", "admin", "performance"),
    _op("findings.check", "검증 결과 저장 / save findings", "admin", "performance"),
    _op("indicator.direction", "지표 방향 지정 / set an indicator's direction", "admin", "performance"),
    _op("finding.mark", "검증 결과 표시(확인·조치 완료·오탐) / mark a finding", "admin", "performance"),
    # accounts (sijeong.accounts): the administrator's, and everyone's own session
    _op("user.add", "계정 추가 / add an account", "admin"),
    _op("user.disable", "계정 사용 중지 / disable an account", "admin"),
    _op("user.enable", "계정 다시 사용 / enable an account again", "admin"),
    _op("user.reset", "비밀번호 재설정 / reset a password", "admin"),
    _op("user.token", "API 토큰 발급·폐기 / issue or revoke an API token", "admin"),
    # the mayor's pledges (공약): the performance team keeps the registry; the lead
    # department reports its half-year progress
    _op("pledge.add", "공약 등록 / add a pledge", "admin", "performance"),
    _op("pledge.update", "공약 수정·이정표 / change a pledge, its milestones", "admin", "performance"),
    _op("pledge.report", "공약 반기 추진실적 보고 / report a pledge's half-year progress", "admin", "performance",
        "editor", "approver"),
    _op("pledge.assess", "공약 시민평가단 평가 기록·공개 / record or publish the citizens' panel's assessment",
        "admin", "performance"),
    _op("session.login", "로그인 / log in", *ROLES),
    _op("session.logout", "로그아웃 / log out", *ROLES),
    # the year's performance cycle (sijeong.cycle, docs/cycle.md); editor and approver: own department only
    _op("cycle.open", "연도 열기 / open a year's cycle", "admin", "performance"),
    _op("cycle.close", "결산 확정(연도 잠금) / close and lock a year", "admin", "performance"),
    _op("cycle.reopen", "연도 다시 열기 / reopen a closed year", "admin", "performance"),
    _op("cycle.window", "보고 기간·마감 지정 / set a reporting window", "admin", "performance"),
    _op("plan.carry_over", "전년도 지표 이월 / carry last year's indicators over", "admin", "performance", "editor"),
    _op("plan.edit", "계획 지표 작성(목표치·가중치) / write plan indicators (targets, weights)", "admin", "performance",
        "editor"),
    _op("plan.submit", "성과계획 제출 / submit the department's plan", "admin", "approver"),
    _op("plan.confirm", "성과계획 확정 / confirm plans", "admin", "performance"),
    _op("plan.return", "성과계획 반려 / return a plan", "admin", "performance"),
    _op("result.enter", "실적 입력 / enter a period result", "admin", "editor"),
    _op("result.evidence", "증빙 올리기 / upload evidence", "admin", "editor"),
    # the spreadsheet round trip (sijeong.cycle_sheet): the performance team for any department
    _op("result.upload", "엑셀 양식으로 실적 올리기 / upload results from the spreadsheet template", "admin",
        "performance", "editor"),
    _op("result.submit", "실적 제출 / submit a result", "admin", "approver"),
    _op("result.accept", "실적 승인 / accept a result", "admin", "performance"),
    _op("result.return", "실적 반려 / return a result with a reason", "admin", "performance"),
    # department evaluation and 시군종합평가 (sijeong.evaluation; docs/evaluation.md): an
    # evaluator scores only what they are assigned (checked inside the operation)
    _op("evaluation.configure", "부서평가 설계 / configure a department evaluation", "admin", "performance"),
    _op("evaluation.assign", "평가위원 배정 / assign evaluators", "admin", "performance"),
    _op("evaluation.score", "평가 점수 입력 / enter a score", "admin", "performance", "evaluator"),
    _op("evaluation.publish", "평가 결과 공개 / publish results", "admin", "performance"),
    _op("evaluation.feedback", "결과 환류 기록 / record feedback", "admin", "performance"),
    _op("joint.configure", "시군종합평가 설정 / configure a joint evaluation", "admin", "performance"),
    _op("joint.enter", "시군종합평가 점수 입력 / enter cities' figures", "admin", "performance"),
    _op("joint.result", "시군종합평가 결과 기록 / record the announced result", "admin", "performance"),
    # 제안제도 (sijeong.suggestions; docs/suggestions.md): every account may suggest; the
    # performance team enters citizens' suggestions, opens calls and records the review
    _op("suggestion.submit", "제안 제출 / submit a suggestion", *ROLES),
    _op("suggestion.receive", "시민 제안 접수(대리 입력) / enter a citizen's suggestion", "admin", "performance"),
    _op("suggestion.review", "제안 심사 기록(실무심의·심사위원회·실시) / record a review step", "admin", "performance"),
    _op("suggestion.call", "제안 공모 등록 / open a public call", "admin", "performance"),
    # 협업 (sijeong.collaboration; docs/collaboration.md): every account thanks with points;
    # special points only by the performance team; a 관리카드 check by the lead department too
    _op("collab.thank", "감사 메시지와 협업포인트 보내기 / send thanks with points", *ROLES),
    _op("collab.special", "특별포인트 지급 / grant special points", "performance"),
    _op("collab.task", "협업과제 등록·협업관리자 지정 / add a collaboration task", "admin", "performance"),
    _op("collab.check", "관리카드 반기 점검 기록 / record a task's half-yearly check", "admin", "performance", "editor",
        "approver"),
    # 주민참여예산 (sijeong.participation, docs/participation.md): the performance team (the
    # budget office's 주민참여예산 담당) runs the call; registered residents propose and vote
    _op("pb.call", "주민참여예산 공모 설정(기준액·일정) / set up a year's call", "admin", "performance"),
    _op("pb.review", "제안 단계 결정·현장실사 기록 / decide a stage, note a site visit", "admin", "performance"),
    _op("pb.ballot", "주민투표 개설·마감, 오프라인 투표 입력 / run a ballot, enter offline counts", "admin",
        "performance"),
    _op("pb.committee", "참여예산위원회 의결·반영액 / record the committee's decision", "admin", "performance"),
    _op("pb.budget", "예산 반영 사업 연결 / link a project to its budget line", "admin", "performance"),
    _op("pb.resident.register", "주민 등록·확인 코드 발급 / register a resident, send a code", RESIDENT),
    _op("pb.resident.session", "주민 로그인·로그아웃 / a resident's sign-in and sign-out", RESIDENT),
    _op("pb.propose", "주민 제안 / propose a project", RESIDENT, "admin", "performance"),
    _op("pb.vote", "주민투표 / vote", RESIDENT),
    _op("joint.task", "시군종합평가 월별 이행과제 입력 / report an indicator's monthly task", "admin", "performance",
        "editor", "approver"),
)}


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who is writing: an account (or the command line's operator), its role, its department
    for department-bound roles, and through what (``cli``, ``web``, ``api``, ``upload``)."""

    login: str
    role: str
    department: str | None = None
    via: str = "cli"
    account_id: int | None = None

    def __post_init__(self) -> None:
        if self.role not in ACTOR_ROLES:
            raise ValueError(f"unknown role: {self.role!r}")


def cli_actor() -> Actor:
    """The operator of the command line: the machine's user, with the administrator's rights
    (whoever can run the CLI can open the database file)."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in a container: still recorded as cli
        user = "unknown"
    return Actor(login=f"cli:{user}", role="admin", via="cli")


class Refused(Exception):
    """The actor's role (or department) does not allow the operation: HTTP 403."""

    def __init__(self, actor: Actor, operation: str, department: str | None = None) -> None:
        where = f" ({department})" if department else ""
        super().__init__(f"권한이 없습니다 / not allowed: {actor.login} ({actor.role}) → {operation}{where}")
        self.actor, self.operation, self.department = actor, operation, department


class Stale(Exception):
    """Someone changed the record since it was read: HTTP 409, with the newer value."""

    def __init__(self, entity: str, entity_id: int, current: dict[str, Any] | None) -> None:
        super().__init__(f"다른 사용자가 먼저 고쳤습니다 / changed by someone else since read: {entity} {entity_id}")
        self.entity, self.entity_id, self.current = entity, entity_id, current


class Invalid(Exception):
    """A value the operation cannot take: HTTP 422, with a Korean/English message."""


def allowed(actor: Actor, operation: str, department: str | None = None) -> bool:
    op = OPERATIONS.get(operation)
    if op is None:
        raise KeyError(f"unknown operation: {operation!r}")
    if actor.role not in op.roles:
        return False
    if actor.role in DEPARTMENT_ROLES:
        return department is not None and department == actor.department
    return True


def _plain(value: Any) -> Any:
    """A value as the audit log's JSON keeps it."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


class Tx:
    """One write transaction of one actor and operation (see :func:`write`)."""

    def __init__(self, conn, actor: Actor, operation: str, municipality: str | None) -> None:
        self.conn = conn
        self.actor = actor
        self.operation = operation
        self.municipality = municipality
        self.scopes: set[tuple[str, int | None]] = set()
        self.findings: list[Finding] = []
        #: municipality -> documents read and saved in this transaction, checked as read
        self.fresh: dict[str, list[Document]] = {}
        #: every document the re-check read (the fresh ones and the scope's stored ones)
        self.checked: list[Document] = []
        self._directions: dict[str, dict[tuple[str, str], str]] = {}
        #: municipality -> the years whose check stamp's documents compared with were current
        #: before this transaction changed anything of it (:func:`recheck` carries them over)
        self.contexts: dict[str, set[int]] = {}

    def _before_change(self, municipality: str) -> None:
        if municipality not in self.contexts:
            self.contexts[municipality] = stamps.current_contexts(self.conn, municipality)

    def _audit(self, **entry: Any) -> None:
        writes.append_audit(self.conn, [dict(
            actor=self.actor.login, role=self.actor.role, via=self.actor.via, operation=self.operation,
            **{k: _plain(v) if k in ("old_value", "new_value") else v for k, v in entry.items()})])

    def touch(self, municipality: str, year: int | None) -> None:
        """Re-check this municipality-year when the transaction ends."""
        self._before_change(municipality)
        self.scopes.add((municipality, year))

    def saved(self, municipality: str, doc: Document) -> None:
        """A document read and saved in this transaction: its municipality-year is re-checked
        with the document as read (not read back from the store)."""
        self.fresh.setdefault(municipality, []).append(doc)
        self.touch(municipality, doc.year)

    def note(self, entity: str, entity_id: int | None, *, municipality: str | None = None, year: int | None = None,
             field: str | None = None, old: Any = None, new: Any = None, note: str | None = None) -> None:
        """Record a change made by a store function of its own (a document saved whole)."""
        self._audit(municipality=municipality or self.municipality, year=year, entity=entity, entity_id=entity_id,
                    field=field, old_value=old, new_value=new, note=note)

    def save_document(self, municipality: str, doc: Document, *, note: str | None = None) -> int:
        """Store a document just read, in a savepoint (one that fails leaves the others): its
        derived values first (the users' directions, the computed rates), then the document,
        its audit row, and its scope re-checked at the end with the document as read."""
        if municipality not in self._directions:
            self._directions[municipality] = user_directions.user_directions(self.conn, municipality=municipality)
        derive([doc], self._directions[municipality])
        self._before_change(municipality)
        with self.conn.begin_nested():
            restating = restated_report_years(self.conn, municipality, doc)
            doc_id = repository.save_document(self.conn, doc)
        self.note("documents", doc_id, municipality=municipality, year=doc.year,
                  new={"name": doc.name, "sha256": doc.sha256, "family": doc.family}, note=note)
        self.saved(municipality, doc)
        for y in restating:
            self.touch(municipality, y)
        return doc_id

    def replace_findings(self, findings: list[Finding], scopes: list[tuple[str, int | None]],
                         documents: Iterable[tuple[str, str]] | None = None) -> int:
        """Replace the rule findings of these municipality-years (``check --save``; with
        ``documents``, the (name, municipality) of the documents checked: the findings on those
        and on no document, ``repository.save_findings``); one audit row says how many."""
        n = repository.save_findings(self.conn, findings, replace_for=scopes, documents=documents)
        for m, y in scopes:
            self._audit(municipality=m, year=y, entity="findings", entity_id=None, field=None, old_value=None,
                        new_value={"findings": sum(1 for f in findings if (f.municipality, f.year) == (m, y))},
                        note=None)
        return n

    def stamp(self, municipality: str, year: int | None, docs: list[Document], findings: list[Finding]) -> None:
        """``check --save``: the scope just checked and its findings replaced (:func:`stamp`)."""
        stamp(self.conn, municipality, year, docs, findings)

    def insert(self, entity: str, values: dict[str, Any], *, year: int | None = None, note: str | None = None) -> int:
        row_id = writes.insert_row(self.conn, entity, values)
        m = values.get("municipality", self.municipality)
        self._audit(municipality=m, year=values.get("year", year), entity=entity, entity_id=row_id,
                    field=None, old_value=None, new_value=values, note=note)
        return row_id

    def update(self, entity: str, row_id: int, values: dict[str, Any], *,
               expected: dict[str, Any] | None = None, note: str | None = None) -> dict[str, Any]:
        """Change one row; one audit row per field that changed. ``expected`` holds the
        values the actor saw (or a ``version``): if the row no longer has them, :class:`Stale`
        and nothing is written. Returns the row as it was."""
        old = writes.get_row(self.conn, entity, row_id)
        if old is None:
            raise Stale(entity, row_id, None)
        try:
            writes.update_row(self.conn, entity, row_id, values, expected=expected)
        except Conflict as e:
            raise Stale(entity, row_id, e.current) from None
        m, y = old.get("municipality", self.municipality), old.get("year")
        for k, v in values.items():
            if old.get(k) != v:
                self._audit(municipality=m, year=y, entity=entity, entity_id=row_id, field=k,
                            old_value=old.get(k), new_value=v, note=note)
        return old


@contextlib.contextmanager
def write(engine, actor: Actor, operation: str, *, municipality: str | None = None,
          department: str | None = None, recheck_scopes: bool = True) -> Iterator[Tx]:
    """The one way to change stored data (see the module's docstring)."""
    if not allowed(actor, operation, department):
        raise Refused(actor, operation, department)
    with db.writing(engine) as conn:
        tx = Tx(conn, actor, operation, municipality)
        yield tx
        if recheck_scopes and tx.scopes:
            tx.findings = recheck(conn, tx.scopes, fresh=tx.fresh, checked=tx.checked, contexts=tx.contexts)
        else:
            # changed without a re-check: what ``sijeong check`` knew of these municipalities
            # is no longer known (their findings and those of the scopes compared with them)
            for m in sorted({m for m, _ in tx.scopes}):
                stamps.delete_stamps(conn, m)


# --- deriving and re-checking --------------------------------------------------------------


def derive(documents: list[Document], directions: dict[tuple[str, str], str]) -> None:
    """The derived values of documents just read: the users' directions, then the computed
    rates and grades. The same step :func:`recheck` applies to what is stored."""
    pipeline.apply_directions(documents, directions)
    pipeline.compute(documents)


class ContextCache:
    """What :func:`context_of` reads for one municipality, read once for all its scopes (a
    whole-database ``sijeong check`` goes through a municipality's years one after another,
    and each year's context is a part of the same reports): the indicator results of all its
    reports, filtered per scope in memory exactly as the query filters them. For reading only:
    a check that writes between scopes must not hold one across them."""

    def __init__(self) -> None:
        self.municipality: str | None = None
        self.reports: list[Document] | None = None

    def _for(self, municipality: str) -> None:
        if municipality != self.municipality:  # one municipality at a time: memory stays bounded
            self.municipality, self.reports = municipality, None

    def report_indicators(self, conn, municipality: str, *, before: int, exclude: list[str]) -> list[Document]:
        self._for(municipality)
        if self.reports is None:
            self.reports = views.load_report_indicators(conn, municipality=municipality)
        held = set(exclude)
        out = []
        for r in self.reports:
            if r.name in held:
                continue
            records = [i for i in r.records if i.year is not None and i.year < before]
            if records:
                d = Document(name=r.name, municipality=r.municipality, year=r.year, family=r.family, title=r.title)
                d.records = records
                out.append(d)
        return out


def context_of(conn, documents: list[Document], cache: ContextCache | None = None) -> list[Document]:
    """What the cross-document rule compares a scope's documents with beyond the scope (the
    ``context`` of :func:`pipeline.check`): for a scope holding work plans, the indicator
    results of the earlier years in the municipality's settlement reports
    (``rules.documents.needs_reports``; one indexed read per municipality, never the whole
    reports). A plan restating one differently has the finding, naming the report's lines;
    a scope holding only the report is given nothing (the finding is the plan's, made when the
    plan's scope is checked — storing a report re-checks the scopes of the plans restating
    it). Documents already in the scope are not read again. ``cache``: a
    :class:`ContextCache` kept across the scopes of a read-only check."""
    from .rules.documents import needs_reports

    held = [d.name for d in documents]
    out: list[Document] = []
    for m, before in sorted(needs_reports(documents).items()):
        if cache is not None:
            out += cache.report_indicators(conn, m, before=before, exclude=held)
        else:
            out += views.load_report_indicators(conn, municipality=m, before=before, exclude=held)
    return out


def restated_report_years(conn, municipality: str, doc: Document) -> list[int | None]:
    """The years of the stored documents whose findings change when ``doc`` is stored: for a
    work plan, the reports holding results of the years it restates — as read now, and as the
    version it replaces restated them (a value taken out must take its finding with it); for a
    settlement report, the later plans restating a result of a year it holds (``cross.document``
    makes its one finding on the plan, naming the report's lines). Call before the document is saved."""
    from .rules.documents import indicator_years, restated_years

    if doc.family == "settlement_report":
        return _restating_plan_years(conn, municipality, doc, indicator_years)
    years = restated_years(doc)
    for old in views.load_plan_statistics(conn, municipality=municipality, names=[doc.name]):
        years |= restated_years(old)
    return views.report_years(conn, municipality=municipality, years=years) if years else []


def _restating_plan_years(conn, municipality: str, doc: Document, indicator_years) -> list[int | None]:
    """For a settlement report: the years of the stored work plans restating a result of a
    year it holds — as read now, or as the version it replaces held them."""
    from .rules.documents import restated_years

    years = indicator_years(doc)
    for old in views.load_report_indicators(conn, municipality=municipality, names=[doc.name]):
        years |= {i.year for i in old.records if i.year is not None}
    if not years:
        return []
    plans = views.load_plan_statistics(conn, municipality=municipality, after=min(years), exclude=[doc.name])
    return sorted({p.year for p in plans if restated_years(p) & years})


def _rederive(conn, municipality: str, years: list[int] | None) -> int:
    """Bring the stored indicators' direction and computed rate and grade in line with the
    users' directions: the stored counterpart of :func:`derive`. Returns rows changed."""
    from .rules import derived_rate_and_grade, infer_direction

    users = user_directions.user_directions(conn, municipality=municipality)
    changed = 0
    for r in list(writes.indicator_derivation_rows(conn, municipality=municipality, years=years)):
        direction, basis = r["direction"], r["direction_basis"]
        want = users.get((r["department"] or "", r["name"]))
        if want:
            direction, basis = want, "user"
        elif basis == "user":  # the user's word was withdrawn: back to the inferred direction
            direction, basis = infer_direction(r["unit"], r["name"], r["formula"])
        rate, grade = derived_rate_and_grade(r["target"], r["actual"], direction or infer_direction(
            r["unit"], r["name"], r["formula"])[0])
        new = dict(direction=direction, direction_basis=basis, rate_computed=rate, grade_computed=grade)
        if any(r[k] != v for k, v in new.items()):
            writes.update_row(conn, "indicators", r["id"], new)
            changed += 1
    return changed


def recheck(conn, scopes: Iterable[tuple[str, int | None]], *, fresh: dict[str, list[Document]] | None = None,
            checked: list[Document] | None = None, contexts: dict[str, set[int]] | None = None) -> list[Finding]:
    """Recompute derived values and findings for exactly these municipality-years, on the
    caller's transaction. ``fresh`` are documents just read and saved in it: they are checked
    as read, the scope's other documents are loaded from the store. A scope with a document
    without a year (stored or fresh) is the whole municipality, as such a document may
    belong with any year. A scope's work plans are compared with the indicator results of the
    municipality's earlier reports (:func:`context_of`), read from the store, so its
    ``cross.document`` findings are those of the documents checked together. Returns the
    rules' findings, as saved; ``checked`` receives the documents checked.

    Each scope checked is stamped (:func:`stamp`). ``contexts``: municipality -> the years
    whose stamp's digest of the documents they are compared with was current before the
    transaction changed them; those not checked here get the new digest. That is this
    function's claim, made for the scopes it leaves: a scope's findings change with another
    scope's document only through ``cross.document`` (the one rule given other years'
    documents: its findings are the plan's), for the reports a plan restates and the plans
    restating a report's results, and those years are among ``scopes``
    (:func:`restated_report_years`). When the whole municipality is checked, its years'
    stamps are forgotten instead."""
    from .rules import finding_order

    by_m: dict[str, set[int | None]] = {}
    for m, y in scopes:
        by_m.setdefault(m, set()).add(y)
    out: list[Finding] = []
    for m, ys in sorted(by_m.items()):
        mine = (fresh or {}).get(m, [])
        whole = None in ys or any(d.year is None for d in mine) or views.has_undated(conn, m)
        years = None if whole else sorted(y for y in ys if y is not None)
        _rederive(conn, m, years)
        others = views.load_documents(conn, municipality=m, year=years, exclude=[d.name for d in mine], text=True)
        docs = others + mine
        if checked is not None:
            checked += docs
        # one check per scope, as ``sijeong check`` checks them (a year with its context, or the
        # whole municipality), so the findings stored are those it would print (check_stamps)
        cache = ContextCache()
        checks = []
        for y, part in ([(None, docs)] if whole else [(y, [d for d in docs if d.year == y]) for y in years]):
            findings = pipeline.check(part, context=[] if whole else context_of(conn, part, cache))
            own_findings(findings, m, part)
            checks.append((y, part, findings))
        # stored in the order of one check of them all (as before a check a year: the same ids)
        found = sorted((f for _, _, fs in checks for f in fs), key=finding_order)
        replace = {(m, d.year) for d in docs} | ({(m, y) for y in ys} if not whole else set())
        repository.save_findings(conn, found, replace_for=sorted(replace, key=lambda p: (p[1] is None, p[1] or 0)),
                                 documents=[(d.name, m) for d in docs])
        for y, part, findings in checks:
            stamp(conn, m, y, part, findings)
        out += found
        if whole:
            stamps.delete_stamps(conn, m, [y for y in stamps.stamps(conn, m) if y is not None])
        else:
            stamps.refresh_contexts(conn, m, ((contexts or {}).get(m, set()) - set(years)))
    return out


def stamp(conn, municipality: str, year: int | None, docs: list[Document], findings: list[Finding]) -> None:
    """Record (``check_stamps``) that the scope (a year, or None: the whole municipality
    checked without context) was checked now, over ``docs`` with ``context_of``, finding
    ``findings`` (the rules'; stored, and the documents' own stored with them), so
    ``sijeong check`` may print them again instead of checking (``store/stamps.py``). Call in
    the transaction that stored them. Documents checked that are not exactly the scope's stored
    ones, in the order stored, leave the scope unstamped."""
    from .rules.documents import needs_reports

    rows = stamps.document_rows(conn, municipality)
    mine = stamps.scope_rows(rows, year)
    if not docs or [r.name for r in mine] != [d.name for d in docs]:
        stamps.delete_stamps(conn, municipality, [year])
        return
    after = None  # context_of gives no scope later plans (their findings are the plans' own)
    before = needs_reports(docs).get(municipality) if year is not None else None
    first_years = stamps.report_first_years(conn, municipality) if before is not None else {}
    context = stamps.context_digest(rows, first_years, after=after, before=before, exclude=[d.name for d in docs])
    everything = [f for d in docs for f in d.findings] + list(findings)
    ids = [r.id for r in mine]
    stored = stamps.stored_findings(conn, municipality, year, ids)
    if [_shape(f) for f in stored] != [_shape(f) for f in everything]:  # not what was stored: no stamp
        stamps.delete_stamps(conn, municipality, [year])
        return
    stamps.save_stamp(conn, stamps.Stamp(
        municipality=municipality, year=year, code=stamps.code_fingerprint(), documents=stamps.documents_digest(mine),
        context=context, context_after=after, context_before=before, findings=stamps.stored_digest(conn, municipality, year, ids),
        output=stamps.output(everything)))


def _shape(f: Finding) -> tuple:
    return f.rule, f.severity, f.doc, [int(n) for n in f.lines or []], f.message, f.municipality, f.year


def own_findings(findings: list[Finding], municipality: str, docs: list[Document]) -> None:
    """Give a finding without a municipality (a rule that crashed) the scope's municipality and
    its document's year, so the next check of the scope replaces it."""
    years = {d.name: d.year for d in docs}
    for f in findings:
        if f.municipality is None:
            f.municipality = municipality
            if f.year is None:
                f.year = years.get(f.doc)


# --- operations ----------------------------------------------------------------------------


def set_direction(engine, actor: Actor, *, municipality: str, department: str, indicator: str,
                  direction: str | None) -> tuple[int, list[Finding]]:
    """Set (``higher``/``lower``) or clear (``None``) the user's direction of an indicator,
    in every year it is stored; returns (indicator rows, the scopes' findings).
    Raises :class:`Invalid` when no such indicator is stored."""
    with write(engine, actor, "indicator.direction", municipality=municipality, department=department) as tx:
        rows = writes.find_rows(tx.conn, "indicators", municipality=municipality, department=department, name=indicator)
        if not rows:
            raise Invalid(f"지표를 찾지 못했습니다 / no such indicator: {municipality} {department} {indicator!r}")
        key = dict(municipality=municipality, department=department, name=indicator)
        before = writes.find_rows(tx.conn, "indicator_directions", **key)
        old = before[0]["direction"] if before else None
        if direction is None:
            user_directions.clear_direction(tx.conn, **key)
        else:
            user_directions.set_direction(tx.conn, direction=direction, **key)
        tx.note("indicator_directions", before[0]["id"] if before else None, field="direction", old=old, new=direction,
                note=f"{department} {indicator}")
        # the rows' years (re-derived) and the years of the documents holding them (a report
        # holds the result of the year before: its scope's findings change too)
        held = {r["document_id"] for r in rows}
        for y in sorted({r["year"] for r in rows} | {d.year for d in stamps.document_rows(tx.conn, municipality)
                                                      if d.id in held}, key=lambda y: (y is None, y or 0)):
            tx.touch(municipality, y)
    return len(rows), tx.findings


def mark_finding(engine, actor: Actor, *, finding_id: int, status: str, note: str | None = None,
                 version: int | None = None) -> dict[str, Any]:
    """Mark a finding 확인 (``seen``), 조치 완료 (``fixed``: say what was done) or 오탐
    (``false_positive``: say why). The mark belongs to what the finding is about (its
    fingerprint), so it outlives re-checks that find the same problem. ``version`` is the
    mark's version the actor saw (None: they saw no mark); a different one is :class:`Stale`.
    Returns the mark as stored."""
    import datetime as dt

    if status not in marks.STATUSES:
        raise Invalid(f"알 수 없는 상태입니다 / unknown status: {status!r} ({', '.join(marks.STATUSES)})")
    note = (note or "").strip() or None
    if status in marks.NEEDS_NOTE and not note:
        raise Invalid(f"'{marks.STATUSES[status]}'에는 설명이 필요합니다 (무엇을 했는지, 왜 오류가 아닌지) / "
                      f"a note is required for {status}")
    if note and len(note) > 2000:
        raise Invalid("설명은 2,000자 이내로 적어 주십시오 / the note is limited to 2,000 characters")
    with engine.connect() as conn:  # the finding's scope first: the role check needs its department
        f = marks.finding(conn, finding_id)
    if f is None:
        raise LookupError(f"검증 결과가 없습니다 / no such finding: {finding_id}")
    with write(engine, actor, "finding.mark", municipality=f["municipality"], department=f["department"],
               recheck_scopes=False) as tx:
        current = marks.mark_of(tx.conn, f["municipality"], f["fingerprint"])
        now = dt.datetime.now(dt.timezone.utc)
        values = dict(status=status, note=note, marked_by=actor.login, marked_at=now)
        if current is None:
            if version is not None:
                raise Stale("finding_marks", finding_id, None)
            mark_id = tx.insert("finding_marks", dict(municipality=f["municipality"], year=f["year"],
                                                      fingerprint=f["fingerprint"], rule=f["rule"], version=1,
                                                      **values))
        else:
            if version != current["version"]:
                raise Stale("finding_marks", current["id"], current)
            tx.update("finding_marks", current["id"], dict(version=current["version"] + 1, **values),
                      expected={"version": current["version"]})
            mark_id = current["id"]
        return writes.get_row(tx.conn, "finding_marks", mark_id)


# --- pledges (공약) ---------------------------------------------------------------------------

#: the longest text each pledge field takes
PLEDGE_LIMITS = {"municipality": 100, "title": 500, "field": 100, "lead_department": 200, "summary": 5000,
                 "note": 5000, "text": 5000, "evidence": 1000, "panel": 200, "grade": 50, "opinion": 5000,
                 "due": 20}
PLEDGE_LISTS = ("cooperating_departments", "programs", "indicators")
PLEDGE_FIELDS = ("number", "title", "field", "type", "lead_department", "target_year", "status", "summary", "note",
                 *PLEDGE_LISTS)


def text_value(name: str, value: Any, *, limit: int, required: bool) -> str | None:
    """A text a person entered, as every write takes it: stripped, NFC, at most ``limit``
    characters, no control characters but line breaks and tabs; None when empty and not
    ``required``. Refusals are :class:`Invalid` naming the field, Korean first."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"{name}: 값이 필요합니다 / required")
        return None
    if not isinstance(value, str):
        raise Invalid(f"{name}: 글자여야 합니다 / must be text")
    value = unicodedata.normalize("NFC", value.strip())
    if len(value) > limit:
        raise Invalid(f"{name}: {limit:,}자 이내여야 합니다 / at most {limit} characters")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in value):
        raise Invalid(f"{name}: 제어 문자는 쓸 수 없습니다 / control characters are not allowed")
    return value


def _text(name: str, value: Any, *, required: bool) -> str | None:
    return text_value(name, value, limit=PLEDGE_LIMITS[name], required=required)


def _names(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [v for v in value.replace("\n", ",").split(",")]
    if not isinstance(value, (list, tuple)) or len(value) > 100:
        raise Invalid(f"{name}: 이름 목록이어야 합니다 (100개 이내) / a list of at most 100 names")
    out = []
    for v in value:
        if not isinstance(v, str):
            raise Invalid(f"{name}: 이름은 글자여야 합니다 / names must be text")
        v = v.strip()
        if len(v) > 200:
            raise Invalid(f"{name}: 이름은 200자 이내 / at most 200 characters each")
        if v and v not in out:
            out.append(v)
    return out


def _pledge_values(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Checked and normalised pledge fields (status and type as codes); :class:`Invalid` for a
    value the registry cannot take."""
    from .model.pledges import STATUSES, TYPES, status_code, type_code, valid_year

    out: dict[str, Any] = {}
    for k, v in values.items():
        if k not in PLEDGE_FIELDS:
            raise Invalid(f"알 수 없는 항목입니다 / unknown field: {k}")
        if k in ("title", "field", "lead_department"):
            out[k] = _text(k, v, required=True)
        elif k in ("summary", "note"):
            out[k] = _text(k, v, required=False)
        elif k in PLEDGE_LISTS:
            out[k] = _names(k, v)
        elif k == "status":
            code = status_code(v) if isinstance(v, str) else None
            if code is None:
                raise Invalid(f"status: 알 수 없는 상태입니다 / unknown status {v!r} "
                              f"({', '.join(f'{c} {lb}' for c, lb in STATUSES.items())})")
            out[k] = code
        elif k == "type":
            if v is None or v == "":
                out[k] = None
            else:
                code = type_code(v) if isinstance(v, str) else None
                if code is None:
                    raise Invalid(f"type: 알 수 없는 유형입니다 / unknown type {v!r} "
                                  f"({', '.join(f'{c} {lb}' for c, lb in TYPES.items())})")
                out[k] = code
        elif k == "target_year":
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or not valid_year(v)):
                raise Invalid(f"target_year: 2000~2100 사이의 연도여야 합니다 / a year from 2000 to 2100: {v!r}")
            out[k] = v
        elif k == "number":
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 100_000):
                raise Invalid(f"number: 1 이상의 번호여야 합니다 / a number from 1: {v!r}")
            out[k] = v
    if not partial:
        for k in ("title", "field", "lead_department", "status"):
            if out.get(k) is None:
                raise Invalid(f"{k}: 값이 필요합니다 / required")
    return out


def _due_needs_year(status: str | None, target_year: int | None) -> None:
    if status == "due" and target_year is None:
        raise Invalid("완료예정에는 완료 목표연도(target_year)가 필요합니다 / status due needs a target_year")


def _now():
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc)


def _pledge_or_404(engine, pledge_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        found = pledge_store.pledge(conn, pledge_id)
    if found is None:
        raise LookupError(f"공약을 찾지 못했습니다 / no such pledge: {pledge_id}")
    return found


def add_pledge(engine, actor: Actor, *, municipality: str, **values: Any) -> dict[str, Any]:
    """Register a pledge (``pledge.add``). ``number`` defaults to the municipality's next one.
    Returns the row as stored."""
    if not allowed(actor, "pledge.add"):
        raise Refused(actor, "pledge.add")
    municipality = _text("municipality", municipality, required=True)
    clean = _pledge_values(values, partial=False)
    _due_needs_year(clean["status"], clean.get("target_year"))
    with write(engine, actor, "pledge.add", municipality=municipality, recheck_scopes=False) as tx:
        if clean.get("number") is None:
            clean["number"] = pledge_store.next_number(tx.conn, municipality)
        elif writes.find_rows(tx.conn, "pledges", municipality=municipality, number=clean["number"], limit=1):
            raise Invalid(f"number: {municipality}에 {clean['number']}번 공약이 이미 있습니다 / number already used")
        for k in PLEDGE_LISTS:
            clean.setdefault(k, [])
        now = _now()
        row_id = tx.insert("pledges", dict(municipality=municipality, created_at=now, changed_at=now, version=1,
                                           **clean))
        return writes.get_row(tx.conn, "pledges", row_id)


def update_pledge(engine, actor: Actor, *, pledge_id: int, version: int, **changes: Any) -> dict[str, Any]:
    """Change a pledge's fields (``pledge.update``); ``version`` is the one the actor saw: a
    newer one is :class:`Stale` and nothing is written. Returns the row as stored."""
    if not allowed(actor, "pledge.update"):
        raise Refused(actor, "pledge.update")
    clean = _pledge_values(changes, partial=True)
    current = _pledge_or_404(engine, pledge_id)
    with write(engine, actor, "pledge.update", municipality=current["municipality"], recheck_scopes=False) as tx:
        now_row = writes.get_row(tx.conn, "pledges", pledge_id)
        if now_row is None:
            raise LookupError(f"공약을 찾지 못했습니다 / no such pledge: {pledge_id}")
        if now_row["version"] != version:
            raise Stale("pledges", pledge_id, now_row)
        merged = {**now_row, **clean}
        _due_needs_year(merged["status"], merged.get("target_year"))
        if "number" in clean and clean["number"] != now_row["number"]:
            if clean["number"] is None:
                raise Invalid("number: 값이 필요합니다 / required")
            if writes.find_rows(tx.conn, "pledges", municipality=now_row["municipality"], number=clean["number"],
                                limit=1):
                raise Invalid(f"number: {clean['number']}번 공약이 이미 있습니다 / number already used")
        changed = {k: v for k, v in clean.items() if now_row.get(k) != v}
        if changed:
            tx.update("pledges", pledge_id, dict(changed, version=version + 1, changed_at=_now()),
                      expected={"version": version})
        return writes.get_row(tx.conn, "pledges", pledge_id)


def report_pledge(engine, actor: Actor, *, pledge_id: int, period: str, status: str, text: str,
                  evidence: str | None = None, version: int | None = None) -> dict[str, Any]:
    """The lead department's half-year progress report (``pledge.report``): the period
    (``2025-H1``), the pledge's status then, what was done, where the evidence is. A second
    report of the same period replaces the first only with its ``version`` (else
    :class:`Stale`). The report of the newest period sets the pledge's status.
    Returns the report as stored."""
    from .model.pledges import parse_period, status_code, valid_year

    half = parse_period(period)
    if half is None or not valid_year(half[0]):
        raise Invalid(f"period: 반기는 2025-H1, 2025-H2처럼 적습니다 / a half-year such as 2025-H1: {period!r}")
    code = status_code(status) if isinstance(status, str) else None
    if code is None:
        raise Invalid(f"status: 알 수 없는 상태입니다 / unknown status {status!r}")
    text = _text("text", text, required=True)
    evidence = _text("evidence", evidence, required=False)
    current = _pledge_or_404(engine, pledge_id)
    with write(engine, actor, "pledge.report", municipality=current["municipality"],
               department=current["lead_department"], recheck_scopes=False) as tx:
        p = writes.get_row(tx.conn, "pledges", pledge_id)
        if p is None or p["lead_department"] != current["lead_department"]:
            raise Stale("pledges", pledge_id, p)  # moved to another department meanwhile
        if code == "due" and p.get("target_year") is None:
            raise Invalid("완료예정에는 공약의 완료 목표연도가 필요합니다 / status due needs the pledge's target_year")
        values = dict(status=code, text=text, evidence=evidence, reported_by=actor.login, reported_at=_now())
        old = pledge_store.report_of(tx.conn, pledge_id, period)
        if old is None:
            if version is not None:
                raise Stale("pledge_reports", pledge_id, None)
            report_id = tx.insert("pledge_reports", dict(pledge_id=pledge_id, municipality=p["municipality"],
                                                         period=period, version=1, **values))
        else:
            if version != old["version"]:
                raise Stale("pledge_reports", old["id"], old)
            tx.update("pledge_reports", old["id"], dict(values, version=old["version"] + 1),
                      expected={"version": old["version"]})
            report_id = old["id"]
        latest = pledge_store.latest_period(tx.conn, pledge_id)
        if latest == period and p["status"] != code:
            tx.update("pledges", pledge_id, dict(status=code, version=p["version"] + 1, changed_at=_now()),
                      expected={"version": p["version"]}, note=f"{period} 반기 보고 / half-year report")
        return writes.get_row(tx.conn, "pledge_reports", report_id)


def add_milestone(engine, actor: Actor, *, pledge_id: int, title: str, due: str | None = None,
                  done: bool = False) -> dict[str, Any]:
    """A milestone of a pledge (``pledge.update``)."""
    title = _text("title", title, required=True)
    due = _text("due", due, required=False)
    current = _pledge_or_404(engine, pledge_id)
    with write(engine, actor, "pledge.update", municipality=current["municipality"], recheck_scopes=False) as tx:
        row_id = tx.insert("pledge_milestones", dict(pledge_id=pledge_id, municipality=current["municipality"],
                                                     title=title, due=due, done=bool(done), version=1))
        return writes.get_row(tx.conn, "pledge_milestones", row_id)


def assess_pledge(engine, actor: Actor, *, pledge_id: int, panel: str, assessed_on, grade: str | None = None,
                  opinion: str | None = None, published: bool = False) -> dict[str, Any]:
    """The citizens' panel's assessment of a pledge (``pledge.assess``); shown to the public
    only once ``published``."""
    import datetime as dt

    panel = _text("panel", panel, required=True)
    grade = _text("grade", grade, required=False)
    opinion = _text("opinion", opinion, required=False)
    if isinstance(assessed_on, str):
        try:
            assessed_on = dt.date.fromisoformat(assessed_on)
        except ValueError:
            raise Invalid(f"assessed_on: 날짜는 2025-06-30처럼 적습니다 / a date such as 2025-06-30: {assessed_on!r}") from None
    if not isinstance(assessed_on, dt.date):
        raise Invalid("assessed_on: 날짜가 필요합니다 / a date is required")
    current = _pledge_or_404(engine, pledge_id)
    with write(engine, actor, "pledge.assess", municipality=current["municipality"], recheck_scopes=False) as tx:
        row_id = tx.insert("pledge_assessments", dict(pledge_id=pledge_id, municipality=current["municipality"],
                                                      panel=panel, assessed_on=assessed_on, grade=grade,
                                                      opinion=opinion, published=bool(published), version=1))
        return writes.get_row(tx.conn, "pledge_assessments", row_id)


def publish_assessment(engine, actor: Actor, *, assessment_id: int, version: int, published: bool = True) -> dict[str, Any]:
    """Publish (or withdraw) a panel's assessment (``pledge.assess``)."""
    with engine.connect() as conn:
        row = writes.get_row(conn, "pledge_assessments", assessment_id)
    if row is None:
        raise LookupError(f"평가를 찾지 못했습니다 / no such assessment: {assessment_id}")
    if not allowed(actor, "pledge.assess"):
        raise Refused(actor, "pledge.assess")
    with write(engine, actor, "pledge.assess", municipality=row["municipality"], recheck_scopes=False) as tx:
        tx.update("pledge_assessments", assessment_id, dict(published=bool(published), version=version + 1),
                  expected={"version": version})
        return writes.get_row(tx.conn, "pledge_assessments", assessment_id)
