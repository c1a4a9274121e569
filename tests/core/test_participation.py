"""주민참여예산 (issue 13 part 1) through its operations, on SQLite and PostgreSQL: a proposal's
whole path to a settled budget line (a later year's settlement read from a document), one
resident's two concurrent ballots counted once (the database's UNIQUE constraint), 000's 2022
table reproduced from 102 entered projects, roles refused, the one-time code, the audit trail."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from sijeong import operations, participation, pipeline
from sijeong.model.participation import thousand_won
from sijeong.operations import Actor, Invalid, Refused
from sijeong.store import db, views
from sijeong.store import participation as pb

M = "김포시"
ADMIN = operations.cli_actor()
PERF = Actor(login="perf", role="performance", via="api")

_H1 = ("과목 (조직 - 사업)\t예산액 ㉑\t예산성립후 증감㉒\t\t\t예산현액 ㉓=㉑+㉒\t지출액 ㉔\t다음연도 이월액\t\t\t\t"
       "보조금 반납금 ㉕\t집행잔액 ㉖=㉓-㉔-㉕-㉗\t\t\t")
_H2 = ("\t\t전년도이월액\t이용\t수입대체경비\t\t\t계 ㉗\t명시이월 ㉘①\t사고이월 ㉙②\t계속비이월 ㉚③\t\t계 ㉛=㉔+㉕ +㉞\t"
       "보조금 정산잔액④\t예산결감액⑤\t계획변경등 집행사유미발생⑥")
_H3 = "\t\t예비비사용액\t전용\t변경\t\t\t\t\t\t\t\t\t낙찰차액⑦\t지출잔액⑧\t예비비⑨"
#: a small settlement of 2024 in the layout of tests/fixtures/settlement_part.txt (written for
#: this test): the 사업별조서 of 안전총괄과 with the project the residents proposed in 2022
SETTLEMENT_2024 = "\n".join([
    "2024회계연도 세입세출결산", "", "【일반회계】 【안전총괄과】", "", "(단위: 천원)", "", "- 사업별조서", "",
    _H1, _H2, _H3,
    "안전총괄과\t50,000\t0 0\t0 0\t0 0\t50,000\t48,000\t0\t0\t0\t0\t0\t2,000\t0 0\t0 2,000\t0 0",
    "생활안전 강화\t50,000\t0 0\t0 0\t0 0\t50,000\t48,000\t0\t0\t0\t0\t0\t2,000\t0 0\t0 2,000\t0 0",
    "마을 안전 가로등 설치\t50,000\t0\t0\t0\t50,000\t48,000\t0\t0\t0\t0\t0\t2,000\t0\t0\t0",
    "\t\t0\t0\t0\t\t\t\t\t\t\t\t\t0\t2,000\t0",
    ""])
SCHEDULE = [{"stage": "submitted", "starts_on": "2022-02-01", "ends_on": "2022-05-31"},
            {"stage": "eligibility", "starts_on": "2022-06-01", "ends_on": "2022-06-30"},
            {"stage": "subcommittee", "starts_on": "2022-07-01", "ends_on": "2022-07-31"},
            {"stage": "refinement", "starts_on": "2022-07-01", "ends_on": "2022-08-31"},
            {"stage": "vote", "starts_on": "2022-08-01", "ends_on": "2022-08-31"},
            {"stage": "committee", "starts_on": "2022-09-01", "ends_on": "2022-09-30"}]


class Outbox:
    """A sender that keeps the codes (the tests' stand-in for an SMS gateway)."""

    def __init__(self):
        self.codes: dict[int, str] = {}

    def __call__(self, resident, code):
        self.codes[resident["id"]] = code
        return participation.Delivery("sent")


def _resident(engine, outbox: Outbox, contact: str, name: str = "주민") -> participation.ResidentSession:
    participation.request_code(engine, municipality=M, name=name, contact=contact, dong="사우동", deliver=outbox)
    with engine.connect() as conn:
        rid = pb.resident(conn, municipality=M, contact=participation.normal_contact(contact))["id"]
    return participation.verify_code(engine, municipality=M, contact=contact, code=outbox.codes[rid])


def _to_vote(engine, pid: int) -> None:
    for stage in ("eligibility", "subcommittee", "refinement"):
        participation.decide(engine, PERF, proposal_id=pid, stage=stage, decision="pass", reason=f"{stage} 적합")


def _audit(engine, **where) -> list[dict]:
    with engine.connect() as conn:
        stmt = sa.text("SELECT operation, actor, role, entity, entity_id, note FROM audit_log ORDER BY id")
        return [dict(r._mapping) for r in conn.execute(stmt)]


def test_a_proposal_goes_all_the_way_to_its_settled_budget_line(engine):
    call = participation.open_call(engine, PERF, municipality=M, year=2022, title="2022년 주민참여예산 주민제안 공모",
                                   envelope=5_000_000_000, schedule=SCHEDULE)
    outbox = Outbox()
    s = _resident(engine, outbox, "010-1234-5678", "김주민")
    me = participation.resident_actor(s.resident_id)
    p = participation.propose(engine, me, call_id=call["id"], title="마을 안전 가로등 설치",
                              description="골목길이 어두워 가로등이 필요합니다.", kind="읍면동 단위사업", dong="사우동",
                              requested_amount=60_000_000, resident_id=s.resident_id)
    assert (p["kind"], p["stage"], p["status"], p["number"]) == ("dong_unit", "eligibility", "open", 1)
    participation.decide(engine, PERF, proposal_id=p["id"], stage="eligibility", decision="pass", reason="시 사무, 적격")
    participation.add_site_note(engine, PERF, proposal_id=p["id"], visited_on="2022-07-12",
                                note="야간 조도 측정: 골목 120m 구간 가로등 없음")
    participation.decide(engine, PERF, proposal_id=p["id"], stage="subcommittee", decision="pass", reason="분과 통과")
    participation.decide(engine, PERF, proposal_id=p["id"], stage="refinement", decision="pass",
                         reason="6개소로 구체화, 50,000천원")
    b = participation.open_ballot(engine, PERF, call_id=call["id"], title="2022 주민투표", choices=3)
    participation.vote(engine, me, ballot_id=b["id"], proposal_ids=[p["id"]])
    participation.enter_offline(engine, PERF, ballot_id=b["id"], proposal_id=p["id"], place="사우동 행정복지센터", votes=41)
    with engine.connect() as conn:
        assert pb.tally(conn, b["id"]) == [{"proposal_id": p["id"], "number": 1, "title": "마을 안전 가로등 설치",
                                            "online": 1, "offline": 41, "total": 42}]
    participation.close_ballot(engine, PERF, ballot_id=b["id"], version=b["version"])
    participation.decide(engine, PERF, proposal_id=p["id"], stage="vote", decision="pass", reason="42표, 3위")
    with pytest.raises(Invalid):  # the committee passes with the approved amount
        participation.decide(engine, PERF, proposal_id=p["id"], stage="committee", decision="pass", reason="의결")
    participation.decide(engine, PERF, proposal_id=p["id"], stage="committee", decision="pass", reason="원안 의결",
                         approved_amount=50_000_000)
    with engine.connect() as conn:
        assert participation.path_of(pb.proposal(conn, p["id"]), []) == [
            {"step": "proposed", "label": "제안", "reached": True}, {"step": "selected", "label": "선정", "reached": True},
            {"step": "budgeted", "label": "예산 반영", "reached": False},
            {"step": "settled", "label": "집행(결산)", "reached": False}]
    with pytest.raises(Invalid):  # a budget of the call's own year is not "later"
        participation.link_budget(engine, PERF, proposal_id=p["id"], year=2022, program="마을 안전 가로등 설치")
    participation.link_budget(engine, PERF, proposal_id=p["id"], year=2024, program="마을 안전 가로등 설치",
                              department="안전총괄과")
    with engine.connect() as conn:
        row = pb.proposal(conn, p["id"])
        lines = pb.budget_lines(conn, municipality=M, year=2024, program="마을 안전 가로등 설치", department="안전총괄과")
    assert lines == [] and [x["reached"] for x in participation.path_of(row, lines)] == [True, True, True, False]

    doc = pipeline.load_text("2024_결산_안전총괄과.txt", SETTLEMENT_2024, municipality=M)
    assert doc.year == 2024
    with operations.write(engine, ADMIN, "document.ingest", municipality=M) as tx:
        tx.save_document(M, doc)
    with engine.connect() as conn:
        lines = pb.budget_lines(conn, municipality=M, year=2024, program="마을 안전 가로등 설치", department="안전총괄과")
        decisions = pb.decisions(conn, p["id"])
        notes = pb.site_notes(conn, p["id"])
        trail = pb.proposal_audit(conn, p["id"])
    assert [(x["budget"], x["current_budget"], x["spent"], x["source_doc"]) for x in lines] == [
        (50_000_000, 50_000_000, 48_000_000, "2024_결산_안전총괄과.txt")]
    assert [x["reached"] for x in participation.path_of(row, lines)] == [True, True, True, True]
    assert [(d["stage"], d["decision"]) for d in decisions] == [
        ("eligibility", "pass"), ("subcommittee", "pass"), ("refinement", "pass"), ("vote", "pass"),
        ("committee", "pass"), ("reflected", "pass")]
    assert decisions[-1]["reason"] == "2024년 본예산 반영: 안전총괄과 마을 안전 가로등 설치"
    assert notes[0]["note"].startswith("야간 조도")
    ops = [a["operation"] for a in trail]
    assert ops[0] == "pb.propose" and "pb.committee" in ops and "pb.budget" in ops and "pb.review" in ops
    assert {a["actor"] for a in trail if a["operation"] == "pb.propose"} == {f"resident:{s.resident_id}"}
    everything = _audit(engine)
    assert [a["operation"] for a in everything if a["entity"] == "pb_votes"] == ["pb.vote"]
    assert not any("010" in str(a["note"] or "") for a in everything)  # the contact is never audited


def test_a_stage_is_decided_once_in_order_and_a_rejection_ends_the_path(engine):
    call = participation.open_call(engine, PERF, municipality=M, year=2022, title="공모", envelope=1_000_000)
    p = participation.propose(engine, PERF, call_id=call["id"], title="시 정책", description="설명",
                              kind="city_policy", requested_amount=10_000)
    with pytest.raises(Invalid):  # not yet at the vote
        participation.decide(engine, PERF, proposal_id=p["id"], stage="vote", decision="pass", reason="x")
    participation.decide(engine, PERF, proposal_id=p["id"], stage="eligibility", decision="fail",
                         reason="국가 사무로 부적격")
    with pytest.raises(Invalid):
        participation.decide(engine, PERF, proposal_id=p["id"], stage="subcommittee", decision="pass", reason="x")
    with engine.connect() as conn:
        assert pb.proposal(conn, p["id"])["status"] == "rejected"
        assert [d["reason"] for d in pb.decisions(conn, p["id"])] == ["국가 사무로 부적격"]
    with pytest.raises(Invalid):  # a 읍면동 kind names its 읍면동
        participation.propose(engine, PERF, call_id=call["id"], title="t", description="d", kind="dong_unit",
                              requested_amount=1)


# --- one vote per resident, even with two requests at once --------------------------------------


def _ballot_with_two(engine, outbox):
    call = participation.open_call(engine, PERF, municipality=M, year=2022, title="공모", envelope=1_000_000)
    ids = []
    for i in range(2):
        p = participation.propose(engine, PERF, call_id=call["id"], title=f"사업 {i}", description="d",
                                  kind="city_policy", requested_amount=1000)
        _to_vote(engine, p["id"])
        ids.append(p["id"])
    b = participation.open_ballot(engine, PERF, call_id=call["id"], title="투표", choices=1)
    s = _resident(engine, outbox, "010-0000-0001")
    return b, ids, participation.resident_actor(s.resident_id)


def _votes(engine, ballot_id) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT resident_id, proposal_id, choice FROM pb_votes WHERE ballot_id = :b"),
                            {"b": ballot_id}).all()


def _race(engine, ballot_id, me, ids):
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def go(i):
        barrier.wait()
        try:
            results[i] = participation.vote(engine, me, ballot_id=ballot_id, proposal_ids=[ids[i]])
        except Exception as e:  # noqa: BLE001 - kept to assert on
            results[i] = e

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _check_race(engine):
    outbox = Outbox()
    b, ids, me = _ballot_with_two(engine, outbox)
    results = _race(engine, b["id"], me, ids)
    ok = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, Invalid)]
    assert len(ok) == 1 and len(refused) == 1, results
    votes = _votes(engine, b["id"])
    assert len(votes) == 1 and votes[0][0] == me.account_id
    # and the database itself refuses a second vote that skipped the check before the insert
    with db.writing(engine) as conn, pytest.raises(pb.Duplicate):
        pb.insert_votes(conn, [dict(ballot_id=b["id"], resident_id=me.account_id, proposal_id=ids[1], choice=1,
                                    cast_at=dt.datetime.now(dt.timezone.utc))])
    assert len(_votes(engine, b["id"])) == 1
    with pytest.raises(Invalid):
        participation.vote(engine, me, ballot_id=b["id"], proposal_ids=[ids[1]])


def test_one_resident_two_concurrent_ballots_count_once_on_sqlite(tmp_path):
    engine = db.create_engine_for(f"sqlite:///{tmp_path / 'race.db'}")
    db.migrate(engine)
    try:
        _check_race(engine)
    finally:
        engine.dispose()


def test_one_resident_two_concurrent_ballots_count_once_on_postgresql():
    from tests.conftest import fresh_pg_database

    with fresh_pg_database(prefix="ppb_vote") as url:
        engine = db.create_engine_for(url)
        try:
            db.migrate(engine)
            for _ in range(5):  # several rounds: the two requests interleave differently
                with engine.begin() as conn:
                    names = ", ".join(f'"{t}"' for t in ("pb_votes", "pb_ballots", "pb_decisions", "pb_proposals",
                                                          "pb_resident_sessions", "pb_resident_codes",
                                                          "pb_residents", "pb_calls"))
                    conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                _check_race(engine)
        finally:
            engine.dispose()


def _check_concurrent_proposals(engine, year: int) -> None:
    """Two residents propose at the same moment: both proposals are kept, with numbers 1 and 2
    (the second to insert takes the next number when the first took the one it read)."""
    outbox = Outbox()
    call = participation.open_call(engine, PERF, municipality=M, year=year, title="공모", envelope=1)
    actors = [participation.resident_actor(_resident(engine, outbox, f"010-7777-{year}{i}").resident_id)
              for i in range(2)]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def go(i):
        barrier.wait()
        try:
            results[i] = participation.propose(engine, actors[i], call_id=call["id"], title=f"동시 제안 {i}",
                                               description="d", kind="city_policy", requested_amount=1,
                                               resident_id=actors[i].account_id)
        except Exception as e:  # noqa: BLE001 - kept to assert on
            results[i] = e

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(r, dict) for r in results), results
    assert sorted(r["number"] for r in results) == [1, 2]


def test_two_proposals_at_once_both_kept_on_sqlite(tmp_path):
    engine = db.create_engine_for(f"sqlite:///{tmp_path / 'p.db'}")
    db.migrate(engine)
    try:
        _check_concurrent_proposals(engine, 2022)
    finally:
        engine.dispose()


def test_two_proposals_at_once_both_kept_on_postgresql():
    from tests.conftest import fresh_pg_database

    with fresh_pg_database(prefix="ppb_propose") as url:
        engine = db.create_engine_for(url)
        try:
            db.migrate(engine)
            for year in range(2022, 2027):  # several rounds, a call each
                _check_concurrent_proposals(engine, year)
        finally:
            engine.dispose()


def test_n_choices_per_ballot(engine):
    outbox = Outbox()
    call = participation.open_call(engine, PERF, municipality=M, year=2023, title="공모", envelope=1_000_000)
    ids = []
    for i in range(4):
        p = participation.propose(engine, PERF, call_id=call["id"], title=f"사업 {i}", description="d",
                                  kind="city_policy", requested_amount=1000)
        _to_vote(engine, p["id"])
        ids.append(p["id"])
    b = participation.open_ballot(engine, PERF, call_id=call["id"], title="투표", choices=3)
    me = participation.resident_actor(_resident(engine, outbox, "a@b.kr").resident_id)
    with pytest.raises(Invalid):
        participation.vote(engine, me, ballot_id=b["id"], proposal_ids=ids)  # 4 > 3
    participation.vote(engine, me, ballot_id=b["id"], proposal_ids=ids[:3])
    assert sorted(v[2] for v in _votes(engine, b["id"])) == [1, 2, 3]


# --- 000's 2022 table from 102 entered projects ---------------------------------------------------

#: 000 (2023 주요업무계획, 기획담당관) "2022년 주민참여예산사업": 건수 102 = 8 + 37 + 57, 반영액 (천원)
#: 2,431,113 = 571,400 + 1,165,500 + 694,213. The document gives the split by kind; the split of
#: each kind among its projects is ours (below).
TABLE_2022 = {"city_policy": (8, 571_400), "dong_unit": (37, 1_165_500), "dong_self_plan": (57, 694_213)}


def _amounts(count: int, thousands: int) -> list[int]:
    """``count`` amounts in won, unequal, summing to ``thousands`` 천원."""
    total = thousands * 1000
    base = [total // count + (i % 3 - 1) * 1_000_000 for i in range(count)]
    base[-1] += total - sum(base)
    return base


def test_the_2022_table_is_reproduced_from_102_entered_projects(tmp_path):
    engine = db.create_engine_for(f"sqlite:///{tmp_path / 't.db'}")
    db.migrate(engine)
    call = participation.open_call(engine, PERF, municipality=M, year=2021, title="2021년 공모 (2022년 반영)",
                                   envelope=5_000_000_000)
    for kind, (count, thousands) in TABLE_2022.items():
        for i, won in enumerate(_amounts(count, thousands)):
            p = participation.propose(engine, PERF, call_id=call["id"], title=f"{kind} {i}", description="d", kind=kind,
                                      dong=None if kind == "city_policy" else "고촌읍", requested_amount=won + 5_000_000)
            for stage in ("eligibility", "subcommittee", "refinement", "vote"):
                participation.decide(engine, PERF, proposal_id=p["id"], stage=stage, decision="pass", reason="통과")
            participation.decide(engine, PERF, proposal_id=p["id"], stage="committee", decision="pass",
                                 reason="의결", approved_amount=won)
    # two that the committee did not pass: counted as proposals, not in the table
    for i in range(2):
        p = participation.propose(engine, PERF, call_id=call["id"], title=f"탈락 {i}", description="d",
                                  kind="city_policy", requested_amount=9_000_000)
        participation.decide(engine, PERF, proposal_id=p["id"], stage="eligibility", decision="fail", reason="부적격")
    with engine.connect() as conn:
        s = pb.summary(conn, call["id"])
    engine.dispose()
    assert (s["selected"], thousand_won(s["approved_amount"])) == (102, 2_431_113)
    assert s["proposals"] == 104
    got = {k["kind"]: (k["selected"], thousand_won(k["approved_amount"])) for k in s["kinds"]}
    assert got == TABLE_2022
    assert [k["label"] for k in s["kinds"]] == ["시단위 정책사업", "읍면동 단위사업", "읍면동 자치계획형"]


# --- roles and residents ----------------------------------------------------------------------------


def _rows(engine) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                     for t in ("pb_calls", "pb_proposals", "pb_decisions", "pb_ballots", "pb_votes", "audit_log"))


@pytest.mark.parametrize("role", ["editor", "approver", "evaluator", "viewer", "resident"])
def test_roles_other_than_the_performance_team_are_refused_the_staff_operations(engine, role):
    outbox = Outbox()
    b, ids, me = _ballot_with_two(engine, outbox)
    actor = me if role == "resident" else Actor(login=f"u-{role}", role=role, department="자치행정과")
    before = _rows(engine)
    attempts = [
        lambda: participation.open_call(engine, actor, municipality=M, year=2030, title="t", envelope=1),
        lambda: participation.decide(engine, actor, proposal_id=ids[0], stage="committee", decision="pass",
                                     reason="x", approved_amount=1),
        lambda: participation.add_site_note(engine, actor, proposal_id=ids[0], visited_on="2022-07-01", note="n"),
        lambda: participation.open_ballot(engine, actor, call_id=b["call_id"], title="t"),
        lambda: participation.enter_offline(engine, actor, ballot_id=b["id"], proposal_id=ids[0], place="p", votes=1),
        lambda: participation.link_budget(engine, actor, proposal_id=ids[0], year=2024, program="p"),
    ]
    for attempt in attempts:
        with pytest.raises(Refused):
            attempt()
    if role != "resident":  # staff never vote, and only residents and the performance team propose
        with pytest.raises(Refused):
            participation.vote(engine, actor, ballot_id=b["id"], proposal_ids=[ids[0]])
        with pytest.raises(Refused):
            participation.propose(engine, actor, call_id=b["call_id"], title="t", description="d",
                                  kind="city_policy", requested_amount=1)
    assert _rows(engine) == before  # nothing written, not even an audit row


def test_a_resident_proposes_only_in_their_own_name(engine):
    outbox = Outbox()
    call = participation.open_call(engine, PERF, municipality=M, year=2022, title="공모", envelope=1)
    a = _resident(engine, outbox, "010-1111-1111")
    b = _resident(engine, outbox, "010-2222-2222")
    with pytest.raises(Refused):
        participation.propose(engine, participation.resident_actor(a.resident_id), call_id=call["id"], title="t",
                              description="d", kind="city_policy", requested_amount=1, resident_id=b.resident_id)
    assert not operations.allowed(participation.resident_actor(a.resident_id), "pb.call")
    assert "resident" not in operations.ROLES  # not a staff role: no staff account can have it


def test_the_one_time_code_is_hashed_single_use_limited_and_expiring(engine):
    outbox = Outbox()
    with pytest.raises(Invalid):  # residents register with a city that runs a call
        participation.request_code(engine, municipality=M, name="이주민", contact="010 3333 3333", deliver=outbox)
    assert outbox.codes == {}
    participation.open_call(engine, PERF, municipality=M, year=2022, title="공모", envelope=1)
    participation.request_code(engine, municipality=M, name="이주민", contact="010 3333 3333", deliver=outbox)
    with engine.connect() as conn:
        r = pb.resident(conn, municipality=M, contact="01033333333")
        stored = conn.execute(sa.text("SELECT code_hash FROM pb_resident_codes")).scalars().all()
    code = outbox.codes[r["id"]]
    assert len(code) == 6 and code.isdigit() and all(code not in h for h in stored)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(Invalid):
        participation.verify_code(engine, municipality=M, contact="010-3333-3333", code=wrong)
    s = participation.verify_code(engine, municipality=M, contact="010-3333-3333", code=code)
    with engine.connect() as conn:
        assert participation.resolve(conn, s.token).resident_id == r["id"]
    with pytest.raises(Invalid):  # used once
        participation.verify_code(engine, municipality=M, contact="010-3333-3333", code=code)
    with engine.connect() as conn:
        auth = participation.resolve(conn, s.token)
    assert participation.sign_out(engine, auth)
    with engine.connect() as conn:
        assert participation.resolve(conn, s.token) is None  # revoked
    # five wrong tries and even the right code no longer opens
    participation.request_code(engine, municipality=M, name="이주민", contact="01033333333", deliver=outbox)
    code = outbox.codes[r["id"]]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(participation.CODE_ATTEMPTS):
        with pytest.raises(Invalid):
            participation.verify_code(engine, municipality=M, contact="01033333333", code=wrong)
    with pytest.raises(Invalid):
        participation.verify_code(engine, municipality=M, contact="01033333333", code=code)
    # an expired code
    participation.request_code(engine, municipality=M, name="이주민", contact="01033333333", deliver=outbox)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE pb_resident_codes SET expires_at = :t"),
                     {"t": dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)})
    with pytest.raises(Invalid):
        participation.verify_code(engine, municipality=M, contact="01033333333", code=outbox.codes[r["id"]])
    # codes are sent at most five times an hour to one resident: this one has had three, a fourth
    # and a fifth are sent, the sixth is refused
    for _ in range(2):
        participation.request_code(engine, municipality=M, name="이주민", contact="01033333333", deliver=outbox)
    assert participation.CODE_REQUESTS == 5
    last = outbox.codes[r["id"]]
    with pytest.raises(Invalid, match="너무 자주"):
        participation.request_code(engine, municipality=M, name="이주민", contact="01033333333", deliver=outbox)
    assert outbox.codes[r["id"]] == last  # nothing sent
