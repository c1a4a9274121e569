"""The work-plan reader on the real Gimpo plans (000: 2022, 003: 2025), skipped when
``../shared/documents`` is absent. Every expected value below was read off the documents
by hand, not from the reader's output."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from sijeong.coverage import compute
from sijeong.model import Asset, BudgetItem, Committee, Department, Narrative, PlanTask, StrategicGoal
from sijeong.readers import read_document

D000 = "000_1d85f209833ac9df.txt"
D003 = "003_c85a2f783e9fa893.txt"

M = 1_000_000  # 백만원
# (department, number, title, number of ❖ objectives, budget in won or None, team leader, extension)
TASKS_2022 = [
    ("미래전략담당관", 1, "패러다임 변화에 대응하는 미래 전략 발굴", 1, None, "이신경", "4002"),
    ("미래전략담당관", 2, "미래모빌리티 대응을 위한 기반 조성", 1, None, "이신경", "4002"),
    ("미래전략담당관", 3, "김포시 2040 중장기 종합발전계획 수립", 1, 314_028_000, "이신경", "4002"),
    # 000:206 "추진목표 : 총사업비 1조 1천억원 투자" is the programme's goal, not the 2022 budget
    ("미래전략담당관", 4, "김포형 지역균형 뉴딜 추진", 1, None, "이신경", "4002"),
    ("미래전략담당관", 5, "첨단 및 우수기업 유치", 2, None, "하세진", "4006"),
    ("미래전략담당관", 6, "인하대학교 김포메디컬캠퍼스 조성", 1, None, "하세진", "4006"),
    ("미래전략담당관", 7, "해·강안 경계철책 철거사업", 1, None, None, "4010"),
    ("미래전략담당관", 8, "대곶지구 조성사업", 1, None, None, "4010"),
    ("미래전략담당관", 9, "평화(통일)경제특구 지정 추진", 1, None, None, "4010"),
    ("미래전략담당관", 10, "군관협력 및 특수상황지역사업 추진", 2, 7_600_000, None, "4010"),
    ("기획담당관", 1, "민선7기 성공적 마무리 및 민선8기 전략 수립", 2, None, "박 준", "2051"),
    ("기획담당관", 2, "시민 중심 정책 발굴 활성화", 2, None, "박 준", "2051"),
    ("기획담당관", 3, "부서 간 같이하는 ‘가치 두배’ 협업행정", 1, None, None, None),
    ("기획담당관", 4, "인구(+)와 삶의 질(up)이 함께하는 인구정책", 2, None, "박 준", "2051"),
    ("기획담당관", 5, "‘위기에서 도약으로’ 혁신적 재정운용", 2, None, None, None),
    ("기획담당관", 6, "공모사업 적극 발굴을 통한 자원 확보", 2, None, "김문숙", "2102"),
    ("기획담당관", 7, "시민 주도형 주민참여예산제 운영", 1, None, "김문숙", "2102"),
    ("기획담당관", 8, "로드맵 구축으로 시군종합평가 우수 달성", 1, None, "오은화", "2591"),
    ("기획담당관", 9, "체계적·전문적 성과관리 통한 조직역량 강화", 3, 336 * M, "오은화", "2591"),
    ("기획담당관", 10, "지방공공기관 경영효율화 강화 및 시민만족도 향상", 1, None, "박유선", "2041"),
    ("기획담당관", 11, "자치법규 입법지원으로 시정 신뢰도 제고", 2, None, "강신준", "2294"),
    ("기획담당관", 12, "수요자·현장 중심의 규제 합리화 및 적극행정", 2, None, "강신준", "2294"),
    ("기획담당관", 13, "데이터 기반 통계생산으로 고품질 통계정보 제공", 2, None, "강신준", "2294"),
    ("기획담당관", 14, "현안사업의 안정적 추진을 위한 법률지원체계 강화", 1, None, "이동훈", "2311"),
    ("주민협치담당관", 1, "자치분권 촉진 및 시민원탁회의 운영", 2, 75 * M, "김정배", "2741"),
    ("주민협치담당관", 2, "주민자치 활성화 지원", 2, 91 * M, "김정배", "2741"),
    ("주민협치담당관", 3, "자원봉사 활성화 기반조성", 2, 855 * M, "김정배", "2741"),
    ("주민협치담당관", 4, "사회단체와의 협력을 통한 민관협치 증진", 2, 742 * M, "김정배", "2741"),
    ("주민협치담당관", 5, "맞춤형 공동체 육성", 2, 302 * M, "김지옥", "2265"),
    ("주민협치담당관", 6, "마을활동 역량 강화를 위한 지원센터 운영", 2, 119 * M, "김지옥", "2265"),
    ("주민협치담당관", 7, "경기 행복마을관리소 운영", 2, 1_148 * M, "김지옥", "2265"),
    ("주민협치담당관", 8, "사회적경제기업 활성화 사업 추진", 2, 873_759_000, "최미영", "2745"),
    ("주민협치담당관", 9, "상생샵 운영을 통한 사회적경제 판로지원", 1, 84 * M, "최미영", "2745"),
    ("주민협치담당관", 10, "가치소비도시 김포 만들기", 2, 30 * M, "최미영", "2745"),
    ("홍보담당관", 1, "주요 시정정책 적극적 언론 홍보", 2, None, "박태일", "2061"),
    ("홍보담당관", 2, "공정하고 효율적인 행정광고", 1, 814 * M, "박태일", "2061"),
    ("홍보담당관", 3, "50만 대도시 전략적인 홍보체계 강화", 1, None, "김미화", "2065"),
    ("홍보담당관", 4, "참여와 협업 기반 브랜드 마케팅", 1, 265 * M, "김미화", "2065"),
    ("홍보담당관", 5, "시민에 더 가까운 시정소식 제공", 1, 361 * M, "김미화", "2065"),
    ("홍보담당관", 6, "통합 홈페이지 품질 및 이용 편의성 강화", 2, 303 * M, "이지은", "2070"),
    ("홍보담당관", 7, "모두 함께하는 디지털 포용의 SNS 운영", 1, 170 * M, "이지은", "2070"),
    ("홍보담당관", 8, "메타버스 활용한 가상과 현실의 결합 소통", 1, 20 * M, "이지은", "2070"),
    ("홍보담당관", 9, "디지털 방송실로의 전환 및 스튜디오 마련", 2, 190 * M, "이지은", "2070"),
    ("홍보담당관", 10, "트렌드 전환에 따른 영상 콘텐츠 강화", 1, 306 * M, "이지은", "2070"),
    ("홍보담당관", 11, "다중이용시설 미디어 매체 활용 시정 홍보", 2, 140 * M, "이지은", "2070"),
    ("감사담당관", 1, "깨끗하고 투명한 자체감사 실시", 2, None, "조길현", "2091"),
    ("감사담당관", 2, "적극행정 면책제도에 따른 사전 컨설팅 감사", 2, None, "조길현", "2091"),
    ("감사담당관", 3, "갑질 피해 신고·지원센터 운영", 1, None, "조길현", "2091"),
    ("감사담당관", 4, "자율적 내부통제 제도 활성화로 행정 투명성 제고", 2, None, "조길현", "2091"),
    ("감사담당관", 5, "재정 절감을 위한 계약심사 및 일상감사 운영", 2, None, "조근환", "2092"),
    ("감사담당관", 6, "안전도시 김포 건설을 위한 현장 감사", 2, None, "조근환", "2092"),
    ("감사담당관", 7, "「청렴도시 김포」 청렴문화 정착 지속 추진", 1, None, "이영권", "2093"),
    ("감사담당관", 8, "공직기강 확립을 위한 감찰활동 강화", 2, None, "이영권", "2093"),
    ("감사담당관", 9, "공무원 대상 인권교육 실시", 2, None, "이영권", "2093"),
]
TASKS_2025 = [
    ("정책기획과", 1, "민선8기 시정목표 달성을 위한 공약 및 현안 관리", 1, None, "이민호", "2051"),
    ("정책기획과", 2, "미래를 준비하는 효율적인 조직 운영", 2, None, "유승민", "2111"),
    ("정책기획과", 3, "최우수 기관 달성을 위한 성과관리", 1, None, "최선미", "2591"),
    ("정책기획과", 4, "상상이 현실이 되는 시민편의 행정환경 구축", 1, None, "조성래", "2791"),
    ("정책기획과", 5, "군·관 상생발전 협의체 운영", 1, None, "나태웅", "5037"),
    ("정책기획과", 6, "군소음 보상 및 군부대 주변 지역 지원사업", 1, 40_000_000, "나태웅", "5037"),
    ("예산법무과", 1, "민생안정과 미래성장을 위한 재정투자 추진", 2, None, "강민정", "2045"),
    ("예산법무과", 2, "전략적 재정운용을 위한 이전재원 확보", 2, None, "강민정", "2045"),
    ("예산법무과", 3, "재정분석 및 사업평가를 통한 건전한 재정 운영", 2, None, "김선아", "2102"),
    ("예산법무과", 4, "의회협력 강화 및 신뢰받는 법무행정 추진", 2, None, "안태환", "2294"),
    ("예산법무과", 5, "시민 무료법률 상담 및 소송수행의 안정성 제고", 2, None, "장은길", "2311"),
    ("예산법무과", 6, "지방공공기관 서비스 향상 및 경영효율화", 2, None, "양정철", "2041"),
    ("정보통신과", 1, "김포시 지능정보사회 종합계획 수립", 1, 102 * M, "한상진", "2081"),
    ("정보통신과", 2, "대민정보시스템 클라우드 운영", 1, 35 * M, "한상진", "2081"),
    ("정보통신과", 3, "사람 중심의 디지털 포용사회 조성", 1, 7 * M, "한상진", "2081"),
    ("정보통신과", 4, "정보 유출 방지를 위한 저장매체 파기서비스", 1, None, "박종대", "2374"),
    ("정보통신과", 5, "정보보호 운영체제 및 보안 위협 대응 역량 강화", 1, None, "박종대", "2374"),
    ("정보통신과", 6, "신속한 행정지원을 통한 행정업무 효율성 제고", 2, None, "김창환", "2381"),
    ("정보통신과", 7, "인구 70만 대비 시민 만족 행정서비스 인프라 조성", 1, None, "신유호", "2300"),
    ("스마트도시과", 1, "사물인터넷(IoT) 스마트가로등 운영", 1, 18_054_000, "박영서", "4951"),
    ("스마트도시과", 2, "시민 안전 긴급차량 우선신호시스템 운영", 1, 223_032_000, "최은경", "4961"),
    ("스마트도시과", 3, "시민 편의 실시간 교통정보 체계 개선", 2, None, "최은경", "4961"),
    ("스마트도시과", 4, "3차원 디지털트윈 체계를 위한 공간정보 DB 구축", 1, 1_502_602_000, "백미진", "4960"),
    ("스마트도시과", 5, "방법 CCTV 확대설치", 2, None, "곽수진", "4956"),
]
COUNTS_2022 = {"미래전략담당관": 10, "기획담당관": 14, "주민협치담당관": 10, "홍보담당관": 11, "감사담당관": 9}
COUNTS_2025 = {"정책기획과": 6, "예산법무과": 6, "정보통신과": 7, "스마트도시과": 5}


@lru_cache(maxsize=2)
def _read(path: str):
    text = Path(path).read_text(encoding="utf-8")
    return read_document(Path(path).name, text, municipality="김포시"), text


@pytest.fixture
def doc000(real_docs):
    return _read(str(real_docs / D000))


@pytest.fixture
def doc003(real_docs):
    return _read(str(real_docs / D003))


def _tasks(doc):
    return {(t.department, t.number): t for t in doc.of(PlanTask)}


def test_family_and_year(doc000, doc003):
    assert (doc000[0].family, doc000[0].year) == ("work_plan", 2022)
    assert (doc003[0].family, doc003[0].year) == ("work_plan", 2025)


@pytest.mark.parametrize("which, counts", [("000", COUNTS_2022), ("003", COUNTS_2025)])
def test_task_counts_per_department(doc000, doc003, which, counts):
    doc = (doc000 if which == "000" else doc003)[0]
    assert Counter(t.department for t in doc.of(PlanTask)) == counts


@pytest.mark.parametrize("which, row", [("000", r) for r in TASKS_2022] + [("003", r) for r in TASKS_2025])
def test_every_task(doc000, doc003, which, row):
    dept, no, title, n_obj, budget, leader, ext = row
    t = _tasks((doc000 if which == "000" else doc003)[0])[(dept, no)]
    assert t.title == title
    assert len(t.objectives) == n_obj and all(t.objectives)
    assert t.budget == budget
    assert (t.team_leader, t.extension) == (leader, ext)
    if ext is not None:
        assert t.lead_department == dept


def test_people_and_schedule_2022(doc000):
    tasks = _tasks(doc000[0])
    t = tasks[("미래전략담당관", 1)]
    assert (t.head, t.lead_department) == ("권재욱", "미래전략담당관")
    assert [(p.name, p.extension) for p in t.staff] == [("부광영", "4003"), ("손연수", "4005")]
    t = tasks[("주민협치담당관", 2)]  # two team leaders in one cell
    assert [(p.title, p.name) for p in t.people if p.role == "team_leader"] == [
        ("자치지원팀장", "김정배"), ("자치공동체지원센터장", "강재석")]
    t = tasks[("기획담당관", 9)]  # the block in one cell of a tab line
    assert (t.head, t.staff[0].name, t.staff[0].extension) == ("이경희", "박수연", "2593")
    t = tasks[("미래전략담당관", 3)]
    assert len(t.schedule) == 10
    assert (t.schedule[1].start, t.schedule[1].end) == ("2021-07-22", "2021-07-26")
    assert (t.schedule[-1].start, t.schedule[-1].text) == ("2022-07", "용역 준공")
    t = tasks[("주민협치담당관", 3)]
    assert (t.national, t.provincial, t.city) == (48 * M, None, 807 * M)
    assert tasks[("주민협치담당관", 7)].provincial == 574 * M
    assert tasks[("미래전략담당관", 10)].national == 7_600_000


def test_footnotes_attach_to_the_citing_task(doc000):
    tasks = _tasks(doc000[0])
    assert tasks[("미래전략담당관", 2)].footnotes == [
        "1) UAM(Urban Air Mobility) : 도심 항공 교통", "2) PBV(Purpose Built Vehicle) : 목적 기반 모빌리티"]
    assert tasks[("기획담당관", 3)].footnotes[0].startswith("3) 회사 안에")
    (fn,) = tasks[("기획담당관", 8)].footnotes
    assert fn.startswith("4) 1그룹 : 10개 시") and "3그룹 : 11개 시군" in fn


def test_autonomous_driving_task_in_2022(doc000):
    hits = [t for t in doc000[0].of(PlanTask)
            if any("자율주행" in o for o in t.objectives) and "모빌리티" in t.title]
    assert [(t.department, t.number) for t in hits] == [("미래전략담당관", 2)]


def _texts(items):
    for it in items:
        yield it.text
        yield from _texts(it.children)


def test_smart_city_tasks_mention_cctv(doc003):
    smart = [t for t in doc003[0].of(PlanTask) if t.department == "스마트도시과"]
    cctv = [t.number for t in smart if any("CCTV" in s for s in [t.title, *t.objectives, *_texts(t.sections)])]
    assert cctv == [3, 5]


def test_bureau_2025(doc003):
    doc = doc003[0]
    depts = {d.name: d for d in doc.of(Department)}
    assert set(depts) == {"기획조정실", *COUNTS_2025}
    assert (depts["기획조정실"].authorized, depts["기획조정실"].current) == (82, 71)
    assert depts["정책기획과"].staffing["7급"] == {"authorized": 11, "current": 7}
    assert depts["스마트도시과"].teams[-1] == "도시안전정보센터"
    assert depts["예산법무과"].figures["budget"].value == 52_150_673_000
    assert all(depts[d].bureau == "기획조정실" for d in COUNTS_2025)
    assert depts["정보통신과"].head == "이관호"
    committees = {c.name: c for c in doc.of(Committee)}
    assert len(committees) == 19
    assert committees["주민참여예산 위원회"].members == 45
    assert committees["통합관제 운영위원회"].chair == "부시장"
    budget = {b.name: b for b in doc.of(BudgetItem) if b.section == "주요사업 예산현황"}
    assert budget["지방공기업 지원"].budget == 21_629_281_000
    assert budget["CCTV 통합관제 모니터링"].number == 2
    assets = {(a.category, a.name): a for a in doc.of(Asset)}
    assert assets[("ITS 현장시스템 설치현황", "CCTV")].quantity == 66
    assert assets[("BIT 설치 정류소 현황", "총 정류소 수")].quantity == 1195
    assert assets[("CCTV 통합관제시스템 관련 장비현황", "CCTV 통합관제")].counts["N/W장비"] == 521
    (vision,) = doc.of(StrategicGoal)
    assert vision.vision == "시민 중심의 70만 대도시 성장 기반 마련"
    core = {n.about_name: n for n in doc.of(Narrative) if n.section == "핵심과제"}
    assert len(core["스마트도시과"].items) == 4
    assert len([n for n in doc.of(Narrative) if n.section == "주요성과"]) > 20


def test_achievements_and_goals_2022(doc000):
    doc = doc000[0]
    ach = [n for n in doc.of(Narrative) if n.section == "주요성과" and n.department == "감사담당관"]
    assert [n.figures["number"].value for n in ach] == [1, 2, 3, 4]
    goals = [g for g in doc.of(StrategicGoal) if g.department == "감사담당관"]
    assert goals[0].vision == "적극행정 면책제도를 통한 예방적 감사 실시와 공직자 청렴 구축으로 깨끗하고 투명한 감사행정 구현"
    assert len(goals) == 1 + 3
    items = {b.name: b for b in doc.of(BudgetItem) if b.department == "미래전략담당관"}
    assert items["성동2리 마을무선 방송시설 교체"].budget == 18_500_000
    assert items["성동2리 마을무선 방송시설 교체"].provincial == 9_250_000


@pytest.mark.parametrize("name", [D000, D003])
def test_coverage(real_docs, name):
    doc, text = _read(str(real_docs / name))
    cov = compute(doc, text)
    assert cov.nowhere == 0, cov.nowhere_lines
    assert cov.typed_share >= 97.0
    assert [f for f in doc.findings if f.severity == "error"] == []


def test_a_programme_goal_is_not_a_task_budget(doc000):
    """000:34/206 "추진목표 : 총사업비 1조 1천억원 투자 및 일자리 5만개 창출" is what 미래전략담당관's
    programme aims at over years, not a task's 2022 budget: the department's task budgets add up to
    its own 사업비 lines only (before: 1,100,321,628,000원)."""
    future = [t for t in doc000[0].of(PlanTask) if t.department == "미래전략담당관"]
    assert future and all((t.budget or 0) < 10**12 for t in future)
    assert sum(t.budget or 0 for t in future) == 321_628_000
