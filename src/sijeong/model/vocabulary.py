"""The project's Korean vocabulary in one place: section names, program categories, grades
and their thresholds, the Korean labels of fields. Readers, rules, reports and the web import
these; nothing else spells them.

Where two uses print a field differently today (a finding message ``전년도이월액``, a page's
column ``전년도 이월액``, the open data's ``전년도 이월액``), both spellings are kept here under
names that say where they are used, so that the printed output does not change; merging them
is a decision about output, to be taken on purpose.
"""

from __future__ import annotations

# --- sections (the tables of the documents, as records' ``section``) ----------------------

SECTION_DEPARTMENT_RESULTS = "부서 성과"  # 결산 부서별 성과 (정책목표 | 성과지표 …)
SECTION_PROGRAMS = "사업별조서"
SECTION_GOALS = "성과목표 및 재원비중"
SECTION_INDICATORS = "성과지표 달성현황"
SECTION_GOAL_STATUS = "정책사업목표 현황"
SECTION_SETTLEMENT = "결산현황"
SECTION_RELATED_PROGRAMS = "관련 예산사업 결산현황"
SECTION_SUMMARY = "총괄"

# --- program categories (결산현황's lines; 정책사업 is everything that is not one of the others) --

POLICY = "정책사업"
ADMIN = "행정운영경비"
FINANCE = "재무활동"
RESERVE = "예비비"
#: the parts of 행정운영경비
ADMIN_PARTS = ("인력운영비", "기본경비")
#: the categories that are not 정책사업
NON_POLICY = (ADMIN, FINANCE, RESERVE)
#: the categories a 결산현황 adds up: 계 = 정책사업 + 행정운영경비 + 재무활동
SETTLEMENT_TOP = (POLICY, ADMIN, FINANCE)
#: a category explained for citizens
PROGRAM_NOTES: list[tuple[str, str]] = [
    (ADMIN, "부서를 꾸려 가는 데 드는 기본 경비(사무실 운영, 인건비 등)"),
    (FINANCE, "회계 사이에 옮기거나 돌려주는 돈"),
    (RESERVE, "예상하지 못한 일에 대비해 남겨 둔 돈"),
]

# --- grades (성과달성도) ----------------------------------------------------------------------

#: ◎ from this rate (percent) on — the legend printed under 성과목표 및 재원비중
EXCEEDED_AT = 130
#: ○ from this rate on, × below it
ACHIEVED_AT = 100
GRADES = ("◎", "○", "×")
GRADE_NAMES: dict[str, str] = {"◎": "초과달성", "○": "달성", "×": "미달성"}
#: CSS classes of the grade badges
GRADE_CLASS: dict[str, str] = {"◎": "exceeded", "○": "achieved", "×": "missed"}
#: the grades in words a citizen reads at once
GRADE_WORDS: dict[str, str] = {"◎": "목표를 넘어섰어요", "○": "목표를 달성했어요", "×": "목표에 못 미쳤어요"}
NO_GRADE = "판정 없음"
NO_GRADE_WORDS = "아직 판정할 수 없어요"
GRADE_LEGEND = (f"※ ◎ : 초과달성({EXCEEDED_AT}% 이상), ○ : 달성({ACHIEVED_AT}~{EXCEEDED_AT}% 미만), "
                f"× : 미달성({ACHIEVED_AT}% 미만)")

# --- small enumerations -----------------------------------------------------------------

SEVERITY_LABELS: dict[str, str] = {"error": "오류", "warning": "경고", "info": "정보"}
DIRECTION_LABELS: dict[str, str] = {"higher": "높을수록 좋음", "lower": "낮을수록 좋음"}
LEVEL_LABELS: dict[str, str] = {"policy": "정책사업", "unit": "단위사업", "detail": "세부사업"}
#: the scope of a plan task's cost: ``budget`` is this year's; the others are kept among its figures
#: (``programme_budget``, ``target_budget``, ``coordinated_budget``: projects other departments run,
#: listed in a table of the task) and never added to a department's total
BUDGET_SCOPES: dict[str, str] = {"year": "사업비(당해연도)", "programme": "총사업비(여러 해)", "target": "목표 투자액",
                                 "coordinated": "다른 부서 추진 사업비(조정)"}
ACCOUNT_LABELS: dict[str, str] = {"general": "일반회계", "special": "특별회계", "fund": "기금"}

# --- field labels -------------------------------------------------------------------------

#: an indicator's figures, as findings and reader messages name them
INDICATOR_LABELS: dict[str, str] = {"target": "목표", "actual": "실적", "rate": "달성률"}

#: a program's figures, as the program rules' findings name them (the documents' headers,
#: unspaced)
PROGRAM_LABELS: dict[str, str] = {
    "budget": "예산액",
    "carried_over": "전년도이월액",
    "transfer_use": "이용",
    "transfer_divert": "전용",
    "revenue_substitute": "수입대체경비",
    "reserve_used": "예비비사용액",
    "change": "변경",
    "current_budget": "예산현액",
    "spent": "지출액",
    "carry_forward": "다음연도이월액",
    "carry_explicit": "명시이월",
    "carry_accident": "사고이월",
    "carry_continuing": "계속비이월",
    "subsidy_returned": "보조금반납금",
    "unspent": "집행잔액",
    "subsidy_balance": "보조금정산잔액",
    "savings": "예산절감액",
    "plan_change": "계획변경등",
    "bid_difference": "낙찰차액",
    "spending_balance": "지출잔액",
    "reserve": "예비비",
    "prior_year_spent": "전년도결산액",
}

#: figures compared between two printings of one record (the cross-table findings)
CROSS_LABELS: dict[str, str] = {
    **INDICATOR_LABELS,
    "budget": "예산액", "current_budget": "예산현액",
    "spent": "지출액", "prior_year_spent": "전년도 결산액", "settled": "결산액",
    "indicator_count": "성과 지표수", "achieved_indicator_count": "달성 지표수",
    "unit_program_count": "단위 사업수", "share": "비중",
}

#: 총괄's columns, as the summary findings name them
SUMMARY_LABELS: dict[str, str] = {
    "strategic_goal_count": "전략목표수",
    "policy_goal_count": "정책사업목표 개수",
    "indicator_count": "지표수",
    "exceeded_count": GRADE_NAMES["◎"],
    "achieved_count": GRADE_NAMES["○"],
    "missed_count": GRADE_NAMES["×"],
    "settled": "결산액",
    "prior_year_settled": "전년도 결산액",
    "change": "비교증감",
}

#: 인력현황's columns
STAFFING_LABELS: dict[str, str] = {
    "authorized": "정원",
    "authorized_grade4_up": "4급이상",
    "authorized_grade5": "5급",
    "authorized_grade6_down": "6급이하",
    "current": "현원",
}

#: the columns of the programs page (the page's own spacing; ``rate`` is 집행률 there)
PROGRAM_COLUMNS: list[tuple[str, str]] = [
    ("budget", "예산액"),
    ("carried_over", "전년도 이월액"),
    ("transfer_use", "이용"),
    ("transfer_divert", "전용"),
    ("revenue_substitute", "수입대체경비"),
    ("reserve_used", "예비비 사용액"),
    ("change", "변경"),
    ("current_budget", "예산현액"),
    ("spent", "지출액"),
    ("rate", "집행률"),
    ("carry_forward", "다음연도 이월액 계"),
    ("carry_explicit", "명시이월"),
    ("carry_accident", "사고이월"),
    ("carry_continuing", "계속비이월"),
    ("subsidy_returned", "보조금 반납금"),
    ("unspent", "집행잔액 계"),
    ("subsidy_balance", "보조금 정산잔액"),
    ("savings", "예산절감액"),
    ("plan_change", "계획변경 등"),
    ("bid_difference", "낙찰차액"),
    ("spending_balance", "집행잔액"),
    ("reserve", "예비비"),
    ("prior_year_spent", "전년도 결산액"),
]
#: the columns of the revenues page (``rate`` is 징수율 there)
REVENUE_COLUMNS: list[tuple[str, str]] = [
    ("budget", "예산액"),
    ("carried_over", "전년도 이월액"),
    ("current_budget", "예산현액"),
    ("assessed", "징수결정액"),
    ("received_total", "수납총액"),
    ("in_kind", "물납액"),
    ("refunds", "환급액"),
    ("received", "실제수납액"),
    ("rate", "징수율"),
    ("written_off", "불납결손액"),
    ("uncollected", "미수납액"),
]

#: every exported column: (Korean label, English description, type) — the open data's
#: dictionary (reports/dictionary.py, docs/data-dictionary.md)
FIELDS: dict[str, tuple[str, str, str]] = {
    # identity and provenance
    "kind": ("기록 종류", "record kind (department, indicator, program ...)", "text"),
    "municipality": ("지방자치단체", "municipality (e.g. 김포시)", "text"),
    "year": ("연도", "fiscal or plan year the record belongs to", "integer"),
    "department": ("부서", "department (과, 담당관, 읍면동, 사업소)", "text"),
    "name": ("명칭", "name as the document writes it, whitespace collapsed", "text"),
    "section": ("표·절", "table or section the record was read from", "text"),
    "source_doc": ("출처 문서", "document file the record was read from", "text"),
    "source_line": ("출처 줄", "line (1-based) of the document that introduces the record", "integer"),
    "figure_lines": ("수치별 출처 줄", "JSON object: numeric field → line it was printed on", "json"),
    # organization
    "bureau": ("실·국", "bureau the department belongs to", "text"),
    "head": ("과장·담당관", "head of the department (or of a task)", "text"),
    "team_leader": ("팀장", "team leader in charge", "text"),
    "teams": ("팀", "teams, as a JSON list", "json"),
    "authorized": ("정원", "authorized headcount", "integer"),
    "current": ("현원", "current headcount", "integer"),
    "authorized_grade4_up": ("정원 4급 이상", "authorized headcount, grade 4 and above", "integer"),
    "authorized_grade5": ("정원 5급", "authorized headcount, grade 5", "integer"),
    "authorized_grade6_down": ("정원 6급 이하", "authorized headcount, grade 6 and below", "integer"),
    "staffing": ("직급별 인원", "headcount by grade, JSON object as the table gives it", "json"),
    "duties": ("주요 업무", "duties (department: JSON list; committee: text)", "json"),
    "is_total": ("합계 행", "true for a total row (계)", "boolean"),
    # performance
    "vision": ("비전", "vision the strategic goal serves", "text"),
    "strategic_goal": ("전략목표", "strategic goal", "text"),
    "policy_goal": ("정책사업목표", "policy goal", "text"),
    "indicator_count": ("성과지표 수", "number of performance indicators", "integer"),
    "achieved_indicator_count": ("달성 지표 수", "number of indicators achieved", "integer"),
    "unit_program_count": ("단위사업 수", "number of unit programs", "integer"),
    "share": ("비중·구성비(%)", "share in percent (123 for 123%)", "number"),
    "program": ("해당 정책사업", "policy goal: the 정책사업 it describes, as 사업별조서 names it", "text"),
    "program_basis": ("정책사업 연결 근거", "how that program was found: amount (예산현액/지출액 equal) or name", "text"),
    "unit": ("단위", "unit of measure as printed (%, 건, 위, 등급 ...)", "text"),
    "formula": ("측정산식", "formula as written", "text"),
    "direction": ("지표 방향", "higher or lower is better", "text"),
    "direction_basis": ("방향 근거", "why the direction was chosen (unit:위, formula, default, user)", "text"),
    "target": ("목표", "target value for the year", "number"),
    "actual": ("실적", "actual value for the year", "number"),
    "rate": ("달성률(%)", "achievement rate as the document reports it, percent", "number"),
    "grade": ("성과달성도", "grade as reported: ◎ exceeded (≥130%), ○ achieved (100–<130%), × missed (<100%)", "text"),
    "rate_computed": ("달성률(계산)", "achievement rate computed by the project", "number"),
    "grade_computed": ("성과달성도(계산)", "grade computed by the project from its rate", "text"),
    "strategic_goal_count": ("전략목표 수", "number of strategic goals", "integer"),
    "policy_goal_count": ("정책사업목표 수", "number of policy goals", "integer"),
    "exceeded_count": ("초과달성 지표 수", "indicators graded ◎", "integer"),
    "achieved_count": ("달성 지표 수", "indicators graded ○", "integer"),
    "missed_count": ("미달성 지표 수", "indicators graded ×", "integer"),
    "settled": ("결산액", "settled (spent) amount, won", "integer"),
    "prior_year_settled": ("전년도 결산액", "prior year's settled amount, won", "integer"),
    "prior_year_share": ("전년도 구성비(%)", "prior year's share in percent", "number"),
    "change": ("비교증감·변경", "change against the prior year, won (program: 예산 변경 amount)", "integer"),
    "change_rate": ("증감률(%)", "change rate in percent", "number"),
    # money
    "account": ("회계", "account: general (일반회계), special (특별회계), fund (기금)", "text"),
    "level": ("수준", "program: policy/unit/detail; revenue: 0 department, 1 장, 2 관, 3 항, 4 목", "text"),
    "parent": ("상위 사업", "parent program's name", "text"),
    "position": ("순서", "order within the department's table", "integer"),
    "code": ("과목 코드", "revenue code (e.g. 216-01)", "text"),
    "parent_code": ("상위 과목 코드", "parent revenue code", "text"),
    "budget": ("예산액", "budget, won", "integer"),
    "carried_over": ("전년도 이월액", "carried over from the prior year, won", "integer"),
    "transfer_use": ("이용", "transfer between items (이용), won", "integer"),
    "transfer_divert": ("전용", "diversion between items (전용), won", "integer"),
    "revenue_substitute": ("수입대체경비", "revenue-substituting expenses, won", "integer"),
    "reserve_used": ("예비비사용액", "reserve fund used, won", "integer"),
    "current_budget": ("예산현액", "current budget = budget + carried over + transfers + changes, won", "integer"),
    "assessed": ("징수결정액", "amount assessed, won", "integer"),
    "received_total": ("수납총액", "total received, won", "integer"),
    "in_kind": ("물납액", "received in kind, won", "integer"),
    "refunds": ("환급액", "refunds, won", "integer"),
    "received": ("실제수납액", "actually received = total + in kind − refunds, won", "integer"),
    "written_off": ("불납결손액", "written off, won", "integer"),
    "uncollected": ("미수납액", "uncollected = assessed − received − written off, won", "integer"),
    "spent": ("지출액", "spent (결산액), won", "integer"),
    "carry_forward": ("다음연도 이월액", "carried forward to the next year, won", "integer"),
    "carry_explicit": ("명시이월", "explicit carry-forward, won", "integer"),
    "carry_accident": ("사고이월", "accident carry-forward, won", "integer"),
    "carry_continuing": ("계속비이월", "continuing-expenditure carry-forward, won", "integer"),
    "subsidy_returned": ("보조금 반납금", "subsidy returned, won", "integer"),
    "unspent": ("집행잔액", "unspent balance = current budget − spent − carried forward − returned, won", "integer"),
    "subsidy_balance": ("보조금 정산잔액", "subsidy settlement balance, won", "integer"),
    "savings": ("예산절감액", "budget savings, won", "integer"),
    "plan_change": ("계획변경등 집행사유미발생", "unspent because of plan changes, won", "integer"),
    "bid_difference": ("낙찰차액", "bid difference, won", "integer"),
    "spending_balance": ("지출잔액", "spending balance, won", "integer"),
    "reserve": ("예비비", "reserve fund balance, won", "integer"),
    "prior_year_spent": ("전년도 결산", "prior year's spending ('19결산), won", "integer"),
    "national": ("국비", "national funds, won", "integer"),
    "provincial": ("도비", "provincial funds, won", "integer"),
    "city": ("시비", "city funds, won", "integer"),
    # plans
    "number": ("번호", "task or row number as printed", "integer"),
    "title": ("과제명", "task title", "text"),
    "objectives": ("목표(❖)", "objectives, JSON list", "json"),
    "sections": ("개요", "task outline (□, -, nested), JSON", "json"),
    "lead_department": ("추진부서", "lead department", "text"),
    "extension": ("내선", "phone extension (행 2051 → 2051)", "text"),
    "staff": ("담당자", "staff in charge, JSON list of people", "json"),
    "people": ("관계자", "everyone named for the task, JSON list", "json"),
    "cooperating_departments": ("협조부서", "cooperating departments, JSON list", "json"),
    "schedule": ("추진일정", "milestones, JSON list", "json"),
    "footnotes": ("주석", "footnotes, JSON list", "json"),
    "task": ("관련 과제", "plan task a table row belongs to", "text"),
    "amounts": ("금액 열", "money columns by header, JSON object, won", "json"),
    "details": ("기타 열", "text columns by header, JSON object", "json"),
    "members": ("위원수", "committee members", "integer"),
    "chair": ("위원장", "committee chair", "text"),
    "category": ("분류", "inventory the asset belongs to", "text"),
    "quantity": ("수량", "quantity", "number"),
    "counts": ("수량 열", "numbers by column header, JSON object", "json"),
    "values": ("값 열", "numbers by column header, JSON object", "json"),
    "texts": ("글 열", "text cells by column header, JSON object", "json"),
    # narratives
    "about_kind": ("설명 대상 종류", "what a narrative describes: department, policy_goal, indicator, program", "text"),
    "about_name": ("설명 대상", "name of what the narrative describes", "text"),
    "items": ("내용", "outline items, JSON", "json"),
}
